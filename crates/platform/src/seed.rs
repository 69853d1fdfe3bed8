//! The demo tenant that `server seed` (and the run command) creates, once.

use crate::auth::password::hash_password;
use crate::db::schema::{memberships, users};
use crate::db::Db;
use crate::error::Error;
use crate::members::NewMembership;
use crate::tenants::NewTenant;
use crate::users::NewUser;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{Role, TenantId, UserId};
use uuid::Uuid;

pub const DEMO_TENANT: &str = "Acme Robotics (demo)";
pub const DEMO_OWNER_EMAIL: &str = "demo@acme.example";
pub const DEMO_REP_EMAIL: &str = "rep@acme.example";
/// Public on purpose: it is printed by the run command and written in the README.
pub const DEMO_PASSWORD: &str = "demo-password";

#[derive(Debug)]
pub struct SeedReport {
    /// False when the demo tenant already existed and nothing was written.
    pub created: bool,
    /// The demo tenant, for the verticals to seed their data into.
    pub tenant_id: TenantId,
}

/// Creates the demo tenant with an owner (also a platform admin) and a rep. Idempotent.
pub async fn seed_demo(db: &Db) -> Result<SeedReport, Error> {
    seed_tenant(
        db,
        DEMO_TENANT,
        &[
            (DEMO_OWNER_EMAIL, "Dana Demo", Role::Owner, true),
            (DEMO_REP_EMAIL, "Riley Rep", Role::Rep, false),
        ],
    )
    .await
}

/// A small second tenant beside the demo one, so benchmarks and isolation checks run with
/// another tenant's rows in the same tables. Idempotent.
pub async fn seed_second_tenant(db: &Db) -> Result<TenantId, Error> {
    let people = [("owner@globex.example", "Gus Globex", Role::Owner, false)];
    Ok(seed_tenant(db, "Globex Trading (second demo)", &people)
        .await?
        .tenant_id)
}

/// Creates `name` with `people` (e-mail, name, role, platform admin) unless the first of
/// them already exists, all with the demo password.
async fn seed_tenant(
    db: &Db,
    name: &'static str,
    people: &[(&'static str, &'static str, Role, bool)],
) -> Result<SeedReport, Error> {
    let password_hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    db.platform_tx(async |conn| {
        let existing: Option<TenantId> = users::table
            .inner_join(memberships::table)
            .filter(users::email.eq(people[0].0))
            .select(memberships::tenant_id)
            .first(conn)
            .await
            .optional()?;
        if let Some(tenant_id) = existing {
            return Ok(SeedReport {
                created: false,
                tenant_id,
            });
        }
        let tenant = TenantId(Uuid::new_v4());
        NewTenant { id: tenant, name }.insert(conn).await?;
        for &(email, name, role, is_platform_admin) in people {
            let id = UserId(Uuid::new_v4());
            NewUser {
                id,
                email,
                name,
                password_hash: &password_hash,
                is_platform_admin,
            }
            .insert(conn)
            .await?;
            NewMembership {
                tenant_id: tenant,
                user_id: id,
                role,
            }
            .insert(conn)
            .await?;
        }
        Ok(SeedReport {
            created: true,
            tenant_id: tenant,
        })
    })
    .await
}

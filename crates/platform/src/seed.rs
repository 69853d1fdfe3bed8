//! The demo tenant that `server seed` (and the run command) creates, once.

use crate::auth::password::hash_password;
use crate::db::schema::users;
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
}

/// Creates the demo tenant with an owner (also a platform admin) and a rep. Idempotent.
pub async fn seed_demo(db: &Db) -> Result<SeedReport, Error> {
    let password_hash = hash_password(DEMO_PASSWORD.to_string()).await?;
    db.platform_tx(async |conn| {
        let exists: i64 = users::table
            .filter(users::email.eq(DEMO_OWNER_EMAIL))
            .count()
            .get_result(conn)
            .await?;
        if exists > 0 {
            return Ok(SeedReport { created: false });
        }
        let tenant = TenantId(Uuid::new_v4());
        NewTenant {
            id: tenant,
            name: DEMO_TENANT,
        }
        .insert(conn)
        .await?;
        let people = [
            (DEMO_OWNER_EMAIL, "Dana Demo", Role::Owner, true),
            (DEMO_REP_EMAIL, "Riley Rep", Role::Rep, false),
        ];
        for (email, name, role, is_platform_admin) in people {
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
        Ok(SeedReport { created: true })
    })
    .await
}

//! Sign-up: a new organisation (tenant) with its first owner.

use super::password::hash_password;
use super::session::create_session;
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::Db;
use crate::error::Error;
use crate::members::NewMembership;
use crate::tenants::NewTenant;
use crate::users::NewUser;
use crate::Client;
use chrono::Duration;
use models::{validate, Role, TenantId, UserId};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SignUp {
    pub name: String,
    pub email: String,
    pub password: String,
    pub organisation: String,
}

/// Creates the tenant, its owner and a session, all or nothing.
pub async fn sign_up(
    db: &Db,
    input: SignUp,
    client: &Client,
    ttl: Duration,
) -> Result<NewSessionToken, Error> {
    let name = validate::name("name", &input.name)?;
    let email = validate::email("email", &input.email)?;
    let password = validate::new_password("password", &input.password)?;
    let organisation = validate::name("organisation", &input.organisation)?;
    let password_hash = hash_password(password).await?;
    db.platform_tx(async |conn| {
        let tenant = TenantId(Uuid::new_v4());
        let user = UserId(Uuid::new_v4());
        NewTenant {
            id: tenant,
            name: &organisation,
        }
        .insert(conn)
        .await?;
        NewUser {
            id: user,
            email: &email,
            name: &name,
            password_hash: &password_hash,
            is_platform_admin: false,
        }
        .insert(conn)
        .await?;
        NewMembership {
            tenant_id: tenant,
            user_id: user,
            role: Role::Owner,
        }
        .insert(conn)
        .await?;
        let session = create_session(conn, tenant, user, client, ttl).await?;
        NewAuditEntry::new(tenant, Some(user), action::SIGNED_UP, client)
            .target("tenant", tenant)
            .details(serde_json::json!({ "organisation": organisation }))
            .record(conn)
            .await?;
        Ok(session)
    })
    .await
}

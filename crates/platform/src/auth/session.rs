//! Server-side sessions: the cookie holds a random token, the table holds its hash.

use super::token::{hash_token, looks_like_token, new_token};
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, sessions, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::Client;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::session::SessionUser;
use models::{Role, TenantId, UserId};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "sh_session";

#[derive(Insertable)]
#[diesel(table_name = sessions)]
struct NewSession<'a> {
    tenant_id: Uuid,
    id: Uuid,
    token_hash: String,
    user_id: Uuid,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    expires_at: chrono::DateTime<Utc>,
}

/// Opens a session for `user` in `tenant`, inside the caller's transaction.
pub(crate) async fn create_session(
    conn: &mut Conn,
    tenant: Uuid,
    user: Uuid,
    client: &Client,
    ttl: Duration,
) -> Result<NewSessionToken, Error> {
    let token = new_token();
    let expires_at = Utc::now() + ttl;
    diesel::insert_into(sessions::table)
        .values(NewSession {
            tenant_id: tenant,
            id: Uuid::new_v4(),
            token_hash: hash_token(&token),
            user_id: user,
            ip: Some(client.ip.as_str()),
            user_agent: client.user_agent.as_deref(),
            expires_at,
        })
        .execute(conn)
        .await?;
    Ok(NewSessionToken { token, expires_at })
}

/// The user behind a session cookie, with their current role (a role change or removal takes
/// effect on the very next request). `None` for unknown, expired or malformed tokens.
pub async fn resolve_session(db: &Db, token: &str) -> Result<Option<SessionUser>, Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let hash = hash_token(token);
    let row = db
        .system_tx(|conn| {
            Box::pin(async move {
                Ok(sessions::table
                    .inner_join(users::table)
                    .inner_join(tenants::table)
                    .inner_join(
                        memberships::table.on(memberships::tenant_id
                            .eq(sessions::tenant_id)
                            .and(memberships::user_id.eq(sessions::user_id))),
                    )
                    .filter(sessions::token_hash.eq(hash))
                    .filter(sessions::expires_at.gt(Utc::now()))
                    .select((
                        users::id,
                        users::name,
                        users::email,
                        users::is_platform_admin,
                        tenants::id,
                        tenants::name,
                        memberships::role,
                    ))
                    .first::<(Uuid, String, String, bool, Uuid, String, String)>(conn)
                    .await
                    .optional()?)
            })
        })
        .await?;
    Ok(row.and_then(
        |(user_id, name, email, is_platform_admin, tenant_id, tenant_name, role)| {
            Some(SessionUser {
                user_id: UserId(user_id),
                name,
                email,
                tenant_id: TenantId(tenant_id),
                tenant_name,
                role: Role::parse(&role)?,
                is_platform_admin,
            })
        },
    ))
}

/// Revokes the session behind `token` and records the sign-out. Unknown tokens are a no-op.
pub async fn sign_out(db: &Db, token: &str, client: &Client) -> Result<(), Error> {
    if !looks_like_token(token) {
        return Ok(());
    }
    let hash = hash_token(token);
    let client = client.clone();
    db.system_tx(|conn| {
        Box::pin(async move {
            let gone: Option<(Uuid, Uuid)> =
                diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash)))
                    .returning((sessions::tenant_id, sessions::user_id))
                    .get_result(conn)
                    .await
                    .optional()?;
            if let Some((tenant, user)) = gone {
                NewAuditEntry::new(tenant, Some(user), action::SIGNED_OUT, &client)
                    .target("user", user)
                    .record(conn)
                    .await?;
            }
            Ok(())
        })
    })
    .await
}

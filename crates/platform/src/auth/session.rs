//! Server-side sessions: the cookie holds a random token, the table holds its hash.

use super::token::{hash_token, looks_like_token, new_token};
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, sessions, tenants, users};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::{Client, RequestContext};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::session::SessionUser;
use models::{AppError, Role, TenantId, UserId};
use uuid::Uuid;

pub const SESSION_COOKIE: &str = "sh_session";

#[derive(Insertable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
struct NewSession<'a> {
    tenant_id: TenantId,
    id: Uuid,
    token_hash: String,
    user_id: UserId,
    ip: Option<&'a str>,
    user_agent: Option<&'a str>,
    expires_at: DateTime<Utc>,
}

/// Opens a session for `user` in `tenant`, inside the caller's transaction.
pub(crate) async fn create_session(
    conn: &mut Conn,
    tenant: TenantId,
    user: UserId,
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

/// The session's user, tenant and membership: what every request needs.
#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct SessionRow {
    #[diesel(select_expression = users::id)]
    user_id: UserId,
    #[diesel(select_expression = users::name)]
    name: String,
    #[diesel(select_expression = users::email)]
    email: String,
    #[diesel(select_expression = users::is_platform_admin)]
    is_platform_admin: bool,
    #[diesel(select_expression = tenants::id)]
    tenant_id: TenantId,
    #[diesel(select_expression = tenants::name)]
    tenant_name: String,
    #[diesel(select_expression = memberships::role)]
    role: Role,
}

/// The user behind a session cookie, with their current role (a role change or removal takes
/// effect on the very next request). `None` for unknown, expired or malformed tokens.
pub async fn resolve_session(db: &Db, token: &str) -> Result<Option<SessionUser>, Error> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    let hash = hash_token(token);
    let row: Option<SessionRow> = db
        .platform_tx(async |conn| {
            Ok(sessions::table
                .inner_join(users::table)
                .inner_join(tenants::table)
                .inner_join(
                    memberships::table.on(memberships::tenant_id
                        .eq(sessions::tenant_id)
                        .and(memberships::user_id.eq(sessions::user_id))),
                )
                .filter(sessions::token_hash.eq(&hash))
                .filter(sessions::expires_at.gt(Utc::now()))
                // Suspending or deactivating also ends the sessions; this holds meanwhile.
                .filter(tenants::suspended_at.is_null())
                .filter(users::deactivated_at.is_null())
                .select(SessionRow::as_select())
                .first(conn)
                .await
                .optional()?)
        })
        .await?;
    Ok(row.map(|r| SessionUser {
        user_id: r.user_id,
        name: r.name,
        email: r.email,
        tenant_id: r.tenant_id,
        tenant_name: r.tenant_name,
        role: r.role,
        is_platform_admin: r.is_platform_admin,
        tenants: Vec::new(),
    }))
}

/// Revokes the session behind `token` and records the sign-out. Unknown tokens are a no-op.
pub async fn sign_out(db: &Db, token: &str, client: &Client) -> Result<(), Error> {
    if !looks_like_token(token) {
        return Ok(());
    }
    let hash = hash_token(token);
    db.platform_tx(async |conn| {
        let gone: Option<(TenantId, UserId)> =
            diesel::delete(sessions::table.filter(sessions::token_hash.eq(&hash)))
                .returning((sessions::tenant_id, sessions::user_id))
                .get_result(conn)
                .await
                .optional()?;
        if let Some((tenant, user)) = gone {
            NewAuditEntry::new(tenant, Some(user), action::SIGNED_OUT, client)
                .target("user", user)
                .record(conn)
                .await?;
        }
        Ok(())
    })
    .await
}

/// Moves the session behind `token` into another organisation of the same user. The role
/// there applies from the next request on. Audited in both organisations.
pub async fn switch_tenant(
    db: &Db,
    ctx: &RequestContext,
    token: &str,
    to: TenantId,
) -> Result<(), Error> {
    if to == ctx.tenant_id {
        return Ok(());
    }
    let hash = hash_token(token);
    db.platform_tx(async |conn| {
        let member: i64 = memberships::table
            .inner_join(tenants::table)
            .filter(tenants::suspended_at.is_null())
            .filter(memberships::tenant_id.eq(to))
            .filter(memberships::user_id.eq(ctx.user_id))
            .count()
            .get_result(conn)
            .await?;
        if member == 0 {
            // The same answer whether the organisation exists or not.
            return Err(AppError::not_found("That organisation").into());
        }
        let moved = diesel::update(
            sessions::table
                .filter(sessions::token_hash.eq(&hash))
                .filter(sessions::user_id.eq(ctx.user_id)),
        )
        .set(sessions::tenant_id.eq(to))
        .execute(conn)
        .await?;
        if moved == 0 {
            return Err(AppError::Unauthorized.into());
        }
        let details = serde_json::json!({ "from": ctx.tenant_id, "to": to });
        for tenant in [ctx.tenant_id, to] {
            NewAuditEntry::new(
                tenant,
                Some(ctx.user_id),
                action::TENANT_SWITCHED,
                &ctx.client,
            )
            .target("user", ctx.user_id)
            .details(details.clone())
            .record(conn)
            .await?;
        }
        Ok(())
    })
    .await
}

/// Ends every session of `user` in every organisation (after a password reset).
pub(crate) async fn end_all_sessions(conn: &mut Conn, user: UserId) -> Result<usize, Error> {
    Ok(
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user)))
            .execute(conn)
            .await?,
    )
}

//! People across the installation: list, deactivate and reactivate, send a password-reset
//! link, grant and revoke platform admin (never the last active one). Each is audited as a
//! platform-wide entry.

use super::tenants::like_escape;
use crate::audit::{action, NewAuditEntry};
use crate::auth::password_reset::issue_reset_link;
use crate::auth::session::end_all_sessions;
use crate::db::schema::users;
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::users::User;
use crate::RequestContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::admin::{AdminUser, UserState, LIST_LIMIT};
use models::{AppError, UserId};

#[derive(QueryableByName)]
struct UserListRow {
    #[diesel(sql_type = SqlUuid)]
    id: UserId,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    email: String,
    #[diesel(sql_type = Bool)]
    is_platform_admin: bool,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    deactivated_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Array<Text>)]
    organisations: Vec<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_sign_in: Option<DateTime<Utc>>,
}

/// People, newest first: those whose name or e-mail contains `search`, in `state` when
/// given; at most [`LIST_LIMIT`]. Each with their organisations and last sign-in.
pub async fn list_users(
    db: &Db,
    ctx: &RequestContext,
    search: &str,
    state: Option<UserState>,
) -> Result<Vec<AdminUser>, Error> {
    ctx.require_platform_admin()?;
    let pattern = format!("%{}%", like_escape(search.trim()));
    let state = state.map(|s| s.as_str()).unwrap_or("");
    db.platform_tx(async |conn| {
        let rows: Vec<UserListRow> = diesel::sql_query(
            "SELECT u.id, u.name, u.email, u.is_platform_admin, u.deactivated_at, u.created_at, \
               ARRAY(SELECT t.name FROM memberships m JOIN tenants t ON t.id = m.tenant_id \
                     WHERE m.user_id = u.id ORDER BY t.name) AS organisations, \
               (SELECT a.created_at FROM audit_log a \
                 WHERE a.actor_id = u.id AND a.action = 'auth.signed_in' \
                 ORDER BY a.created_at DESC LIMIT 1) AS last_sign_in \
             FROM users u \
             WHERE (u.email ILIKE $1 OR u.name ILIKE $1) \
               AND CASE $2 WHEN 'active' THEN u.deactivated_at IS NULL \
                           WHEN 'deactivated' THEN u.deactivated_at IS NOT NULL \
                           WHEN 'platform_admins' THEN u.is_platform_admin \
                           ELSE true END \
             ORDER BY u.created_at DESC, u.id DESC LIMIT $3",
        )
        .bind::<Text, _>(&pattern)
        .bind::<Text, _>(state)
        .bind::<BigInt, _>(LIST_LIMIT)
        .load(conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| AdminUser {
                id: r.id,
                name: r.name,
                email: r.email,
                is_platform_admin: r.is_platform_admin,
                deactivated_at: r.deactivated_at,
                created_at: r.created_at,
                organisations: r.organisations,
                last_sign_in: r.last_sign_in,
            })
            .collect())
    })
    .await
}

async fn locked_user(conn: &mut Conn, id: UserId) -> Result<User, Error> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::not_found("That person"))?)
}

/// Refuses when `user` is the last active platform admin. The admins' rows are locked, so
/// two admins removing each other at once cannot both pass.
async fn keep_one_admin(conn: &mut Conn, user: &User, doing: &str) -> Result<(), Error> {
    if !user.is_platform_admin || user.deactivated_at.is_some() {
        return Ok(());
    }
    let admins: Vec<UserId> = users::table
        .filter(users::is_platform_admin.eq(true))
        .filter(users::deactivated_at.is_null())
        .select(users::id)
        .for_update()
        .load(conn)
        .await?;
    if admins.iter().all(|a| *a == user.id) {
        return Err(AppError::conflict(format!(
            "{} is the last active platform admin; {doing} would leave nobody to run this installation. Grant another person platform admin first.",
            user.email
        ))
        .into());
    }
    Ok(())
}

/// Deactivates a person: they cannot sign in anywhere and their sessions end; their
/// memberships and everything they made stay. Returns how many sessions ended.
pub async fn deactivate_user(db: &Db, ctx: &RequestContext, id: UserId) -> Result<usize, Error> {
    ctx.require_platform_admin()?;
    if id == ctx.user_id {
        return Err(
            AppError::validation("user", "is you: another platform admin has to do this.").into(),
        );
    }
    db.platform_tx(async |conn| {
        let user = locked_user(conn, id).await?;
        if user.deactivated_at.is_some() {
            return Err(
                AppError::conflict(format!("{} is deactivated already.", user.email)).into(),
            );
        }
        keep_one_admin(conn, &user, "deactivating them").await?;
        diesel::update(users::table.find(id))
            .set(users::deactivated_at.eq(Utc::now()))
            .execute(conn)
            .await?;
        let ended = end_all_sessions(conn, id).await?;
        NewAuditEntry::platform(ctx, action::USER_DEACTIVATED)
            .target("user", id)
            .details(serde_json::json!({ "email": user.email, "sessions_ended": ended }))
            .record(conn)
            .await?;
        Ok(ended)
    })
    .await
}

pub async fn reactivate_user(db: &Db, ctx: &RequestContext, id: UserId) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let user = locked_user(conn, id).await?;
        if user.deactivated_at.is_none() {
            return Err(AppError::conflict(format!("{} is not deactivated.", user.email)).into());
        }
        diesel::update(users::table.find(id))
            .set(users::deactivated_at.eq(None::<DateTime<Utc>>))
            .execute(conn)
            .await?;
        NewAuditEntry::platform(ctx, action::USER_REACTIVATED)
            .target("user", id)
            .details(serde_json::json!({ "email": user.email }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

/// Mails the person a one-time link to set a new password (the self-service link, without
/// its throttle). Not for a deactivated account.
pub async fn send_password_reset(
    db: &Db,
    ctx: &RequestContext,
    id: UserId,
    public_url: &str,
) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let user = locked_user(conn, id).await?;
        if user.deactivated_at.is_some() {
            return Err(AppError::conflict(format!(
                "{} is deactivated: reactivate the account before sending a reset link.",
                user.email
            ))
            .into());
        }
        issue_reset_link(conn, &user.email, Some(&user), &ctx.client.ip, public_url).await?;
        NewAuditEntry::platform(ctx, action::USER_RESET_SENT)
            .target("user", id)
            .details(serde_json::json!({ "email": user.email }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

/// Grants or revokes platform admin. Revoking the last active one is refused.
pub async fn set_platform_admin(
    db: &Db,
    ctx: &RequestContext,
    id: UserId,
    admin: bool,
) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let user = locked_user(conn, id).await?;
        if user.is_platform_admin == admin {
            return Err(AppError::conflict(format!(
                "{} {} a platform admin already.",
                user.email,
                if admin { "is" } else { "is not" }
            ))
            .into());
        }
        if admin && user.deactivated_at.is_some() {
            return Err(AppError::conflict(format!(
                "{} is deactivated: reactivate the account first.",
                user.email
            ))
            .into());
        }
        if !admin {
            keep_one_admin(conn, &user, "revoking it").await?;
        }
        diesel::update(users::table.find(id))
            .set(users::is_platform_admin.eq(admin))
            .execute(conn)
            .await?;
        let act = if admin {
            action::PLATFORM_ADMIN_GRANTED
        } else {
            action::PLATFORM_ADMIN_REVOKED
        };
        NewAuditEntry::platform(ctx, act)
            .target("user", id)
            .details(serde_json::json!({ "email": user.email }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

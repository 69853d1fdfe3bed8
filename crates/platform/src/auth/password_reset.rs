//! "Forgot password": a one-time link, valid for an hour, mailed to the address. Requests
//! are throttled per address and per IP, and the answer never tells whether an account
//! exists. Setting a new password ends every session of the user, everywhere.

use super::password::hash_password;
use super::session::end_all_sessions;
use super::token::{hash_token, looks_like_token, new_token};
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, password_resets, users};
use crate::db::Db;
use crate::error::Error;
use crate::mail::NewEmail;
use crate::users::{find_by_email, User};
use crate::Client;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{validate, AppError, TenantId, UserId};
use uuid::Uuid;

pub const RESET_TTL_MINUTES: i64 = 60;
/// Requests per address, and per IP, within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_PER_ADDRESS: i64 = 3;
pub const MAX_PER_IP: i64 = 20;
pub const THROTTLE_WINDOW_MINUTES: i64 = 60;

#[derive(Insertable)]
#[diesel(table_name = password_resets, check_for_backend(diesel::pg::Pg))]
struct NewPasswordReset<'a> {
    id: Uuid,
    email: &'a str,
    user_id: Option<UserId>,
    token_hash: Option<String>,
    ip: &'a str,
    expires_at: DateTime<Utc>,
}

/// Records the request and, when the address has an account, mails it a one-time link to
/// `{public_url}/reset-password/{token}`. Answers the same either way.
pub async fn request_password_reset(
    db: &Db,
    email: &str,
    client: &Client,
    public_url: &str,
) -> Result<(), Error> {
    let email = validate::email("email", email)?;
    db.platform_tx(async |conn| {
        // Parallel requests for one address queue here, so none slips past the count.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(format!("password_reset:{email}"))
            .execute(conn)
            .await?;
        let since = Utc::now() - Duration::minutes(THROTTLE_WINDOW_MINUTES);
        let by_address: i64 = password_resets::table
            .filter(password_resets::email.eq(&email))
            .filter(password_resets::created_at.gt(since))
            .count()
            .get_result(conn)
            .await?;
        let by_ip: i64 = password_resets::table
            .filter(password_resets::ip.eq(&client.ip))
            .filter(password_resets::created_at.gt(since))
            .count()
            .get_result(conn)
            .await?;
        if by_address >= MAX_PER_ADDRESS || by_ip >= MAX_PER_IP {
            return Err(AppError::RateLimited {
                message: "Too many reset requests. Check your inbox for the link already sent, or try again in an hour.".into(),
                retry_after_secs: 3600,
            }
            .into());
        }
        // A deactivated account gets no link (and the answer stays the same).
        let user = find_by_email(conn, &email)
            .await?
            .filter(|u| u.deactivated_at.is_none());
        issue_reset_link(conn, &email, user.as_ref(), &client.ip, public_url).await?;
        Ok(())
    })
    .await
}

/// Records a reset request for `email` and, when it has an account, mails it a one-time
/// link. Also what a platform admin sends from the console (without the throttle).
pub(crate) async fn issue_reset_link(
    conn: &mut crate::db::Conn,
    email: &str,
    user: Option<&User>,
    ip: &str,
    public_url: &str,
) -> Result<(), Error> {
    let token = new_token();
    diesel::insert_into(password_resets::table)
        .values(NewPasswordReset {
            id: Uuid::new_v4(),
            email,
            user_id: user.map(|u| u.id),
            token_hash: user.map(|_| hash_token(&token)),
            ip,
            expires_at: Utc::now() + Duration::minutes(RESET_TTL_MINUTES),
        })
        .execute(conn)
        .await?;
    if let Some(user) = user {
        let link = format!("{public_url}/reset-password/{token}");
        NewEmail::new(
            email,
            "Reset your Sales Hunter password",
            format!(
                "Hello {},\n\nSomeone (hopefully you) asked to reset the password of your Sales Hunter account.\n\
                 Open this link within {RESET_TTL_MINUTES} minutes to choose a new one:\n\n{link}\n\n\
                 The link works once. If you did not ask for it, ignore this message: your password stays as it is.\n",
                user.name
            ),
        )
        .enqueue(conn)
        .await?;
    }
    Ok(())
}

/// Whether a reset link can still be used, for the page that asks for the new password.
pub async fn check_reset_token(db: &Db, token: &str) -> Result<(), Error> {
    let token = token.to_string();
    db.platform_tx(async |conn| open_reset(conn, &token, false).await.map(|_| ()))
        .await
}

async fn open_reset(
    conn: &mut crate::db::Conn,
    token: &str,
    lock: bool,
) -> Result<(Uuid, UserId), Error> {
    let unusable =
        || AppError::not_found("This reset link (it may have expired or been used already)");
    if !looks_like_token(token) {
        return Err(unusable().into());
    }
    let query = password_resets::table
        .filter(password_resets::token_hash.eq(hash_token(token)))
        .filter(password_resets::used_at.is_null())
        .filter(password_resets::expires_at.gt(Utc::now()))
        .select((password_resets::id, password_resets::user_id));
    let row: Option<(Uuid, Option<UserId>)> = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    match row {
        Some((id, Some(user))) => Ok((id, user)),
        _ => Err(unusable().into()),
    }
}

/// Sets the new password through the link, uses the link up, ends every session of the user
/// and records it in each of their organisations.
pub async fn reset_password(
    db: &Db,
    token: &str,
    new_password: &str,
    client: &Client,
) -> Result<(), Error> {
    let password = validate::new_password("password", new_password)?;
    // The link first (cheap), so that nobody without one can make the server hash.
    check_reset_token(db, token).await?;
    let password_hash = hash_password(password).await?;
    db.platform_tx(async |conn| {
        let (reset, user) = open_reset(conn, token, true).await?;
        diesel::update(password_resets::table.find(reset))
            .set(password_resets::used_at.eq(Utc::now()))
            .execute(conn)
            .await?;
        // Any other open link of this user stops working too.
        diesel::update(
            password_resets::table
                .filter(password_resets::user_id.eq(user))
                .filter(password_resets::used_at.is_null()),
        )
        .set(password_resets::used_at.eq(Utc::now()))
        .execute(conn)
        .await?;
        diesel::update(users::table.find(user))
            .set(users::password_hash.eq(&password_hash))
            .execute(conn)
            .await?;
        let ended = end_all_sessions(conn, user).await?;
        let tenants: Vec<TenantId> = memberships::table
            .filter(memberships::user_id.eq(user))
            .select(memberships::tenant_id)
            .load(conn)
            .await?;
        for tenant in tenants {
            NewAuditEntry::new(tenant, Some(user), action::PASSWORD_RESET, client)
                .target("user", user)
                .details(serde_json::json!({ "sessions_ended": ended }))
                .record(conn)
                .await?;
        }
        Ok(())
    })
    .await
}

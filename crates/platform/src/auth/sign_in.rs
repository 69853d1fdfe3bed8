//! Sign-in with e-mail and password.

use super::password::verify_password;
use super::session::create_session;
use super::throttle::{self, ThrottlePolicy};
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, sessions, users};
use crate::db::Db;
use crate::error::Error;
use crate::Client;
use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{validate, AppError};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// Checks the throttle, then the password, and opens a session in the user's most recently
/// used tenant. Every attempt is recorded, failures included, for the throttle.
pub async fn sign_in(
    db: &Db,
    input: SignIn,
    client: &Client,
    policy: &ThrottlePolicy,
    ttl: Duration,
) -> Result<NewSessionToken, Error> {
    let email = validate::email("email", &input.email)?;
    if input.password.is_empty() {
        return Err(AppError::validation("password", "is required").into());
    }
    let client = client.clone();
    let policy = *policy;
    // The transaction commits failed attempts too, so the outcome travels in Ok.
    let outcome: Result<NewSessionToken, AppError> = db
        .system_tx(|conn| {
            Box::pin(async move {
                throttle::check(conn, &policy, &email, &client.ip).await?;
                let user: Option<(Uuid, String)> = users::table
                    .filter(users::email.eq(&email))
                    .select((users::id, users::password_hash))
                    .first(conn)
                    .await
                    .optional()?;
                let (user_id, hash) = match user {
                    Some((id, hash)) => (Some(id), Some(hash)),
                    None => (None, None),
                };
                let verified = verify_password(input.password, hash).await?;
                let Some(user_id) = user_id.filter(|_| verified) else {
                    throttle::record(conn, &email, &client.ip, false).await?;
                    return Ok(Err(AppError::validation("password", "The e-mail or password is incorrect.")));
                };
                throttle::record(conn, &email, &client.ip, true).await?;

                let Some(tenant) = preferred_tenant(conn, user_id).await? else {
                    return Ok(Err(AppError::forbidden(
                        "This account is not a member of any organisation any more. Ask an admin for an invitation.",
                    )));
                };
                let session = create_session(conn, tenant, user_id, &client, ttl).await?;
                NewAuditEntry::new(tenant, Some(user_id), action::SIGNED_IN, &client)
                    .target("user", user_id)
                    .record(conn)
                    .await?;
                Ok(Ok(session))
            })
        })
        .await?;
    Ok(outcome?)
}

/// The tenant of the user's latest session, else their oldest membership.
async fn preferred_tenant(conn: &mut crate::db::Conn, user: Uuid) -> Result<Option<Uuid>, Error> {
    let recent: Option<Uuid> = sessions::table
        .inner_join(
            memberships::table.on(memberships::tenant_id
                .eq(sessions::tenant_id)
                .and(memberships::user_id.eq(sessions::user_id))),
        )
        .filter(sessions::user_id.eq(user))
        .order(sessions::created_at.desc())
        .select(sessions::tenant_id)
        .first(conn)
        .await
        .optional()?;
    if recent.is_some() {
        return Ok(recent);
    }
    Ok(memberships::table
        .filter(memberships::user_id.eq(user))
        .order(memberships::created_at.asc())
        .select(memberships::tenant_id)
        .first(conn)
        .await
        .optional()?)
}

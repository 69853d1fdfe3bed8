//! Sign-in with e-mail and password.

use super::password::verify_password;
use super::session::create_session;
use super::throttle::{self, ThrottlePolicy};
use super::NewSessionToken;
use crate::audit::{action, NewAuditEntry};
use crate::db::schema::{memberships, sessions, tenants};
use crate::db::{Conn, Db};
use crate::error::Error;
use crate::users::find_by_email;
use crate::Client;
use chrono::Duration;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{validate, AppError, TenantId, UserId};

#[derive(Debug, Clone)]
pub struct SignIn {
    pub email: String,
    pub password: String,
}

/// A new session, and how many organisations the user may choose between.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub session: NewSessionToken,
    pub tenant_count: i64,
}

/// Checks the throttle, then the password, and opens a session in the user's most recently
/// used tenant. Every attempt is recorded, failures included, for the throttle.
pub async fn sign_in(
    db: &Db,
    input: SignIn,
    client: &Client,
    policy: &ThrottlePolicy,
    ttl: Duration,
) -> Result<SignedIn, Error> {
    let email = validate::email("email", &input.email)?;
    if input.password.is_empty() {
        return Err(AppError::validation("password", "is required").into());
    }
    // The transaction commits failed attempts too, so the outcome travels in Ok.
    let outcome: Result<SignedIn, AppError> = db
        .platform_tx(async |conn| {
            throttle::check(conn, policy, &email, &client.ip).await?;
            let user = find_by_email(conn, &email).await?;
            let hash = user.as_ref().map(|u| u.password_hash.clone());
            let verified = verify_password(input.password, hash).await?;
            let Some(user) = user.filter(|_| verified) else {
                throttle::record(conn, &email, &client.ip, false).await?;
                return Ok(Err(AppError::validation(
                    "password",
                    "The e-mail or password is incorrect.",
                )));
            };
            if user.deactivated_at.is_some() {
                throttle::record(conn, &email, &client.ip, false).await?;
                return Ok(Err(AppError::forbidden(
                    "This account has been deactivated. Ask the person who runs Sales Hunter for your organisation to reactivate it.",
                )));
            }
            throttle::record(conn, &email, &client.ip, true).await?;

            let Some(tenant) = preferred_tenant(conn, user.id).await? else {
                let member_of: i64 = memberships::table
                    .filter(memberships::user_id.eq(user.id))
                    .count()
                    .get_result(conn)
                    .await?;
                return Ok(Err(AppError::forbidden(if member_of > 0 {
                    "Your organisation is suspended: nobody can sign in to it until it is reactivated. Its data is kept. Contact support."
                } else {
                    "This account is not a member of any organisation any more. Ask an admin for an invitation."
                })));
            };
            let session = create_session(conn, tenant, user.id, client, ttl).await?;
            NewAuditEntry::new(tenant, Some(user.id), action::SIGNED_IN, client)
                .target("user", user.id)
                .record(conn)
                .await?;
            let tenant_count = memberships::table
                .filter(memberships::user_id.eq(user.id))
                .count()
                .get_result(conn)
                .await?;
            Ok(Ok(SignedIn {
                session,
                tenant_count,
            }))
        })
        .await?;
    Ok(outcome?)
}

/// The tenant of the user's latest session, else their oldest membership; suspended
/// organisations are passed over.
async fn preferred_tenant(conn: &mut Conn, user: UserId) -> Result<Option<TenantId>, Error> {
    let recent: Option<TenantId> = sessions::table
        .inner_join(
            memberships::table.on(memberships::tenant_id
                .eq(sessions::tenant_id)
                .and(memberships::user_id.eq(sessions::user_id))),
        )
        .inner_join(tenants::table.on(tenants::id.eq(sessions::tenant_id)))
        .filter(tenants::suspended_at.is_null())
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
        .inner_join(tenants::table)
        .filter(tenants::suspended_at.is_null())
        .filter(memberships::user_id.eq(user))
        .order(memberships::created_at.asc())
        .select(memberships::tenant_id)
        .first(conn)
        .await
        .optional()?)
}

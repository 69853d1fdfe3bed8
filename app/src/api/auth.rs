//! Sign-up, sign-in, sign-out, the current user, switching organisations, password reset.

use leptos::prelude::*;
use models::session::SessionUser;
use models::{AppError, TenantId};

/// The signed-in user with the organisations they may switch to, or `None`.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use super::ssr::*;
    let Some(mut user) = request_auth()?.user else {
        return Ok(None);
    };
    let db = state()?.db;
    user.tenants = db
        .platform_tx(async |conn| platform::tenants::tenants_of(conn, user.user_id).await)
        .await
        .map_err(AppError::from)?;
    Ok(Some(user))
}

/// Signs in and redirects to `next` (a same-site path) or the dashboard; a member of several
/// organisations first picks one.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    let signed_in = platform::auth::sign_in(
        &state.db,
        platform::auth::SignIn { email, password },
        &auth.client,
        &state.auth.throttle,
        state.auth.session_ttl,
    )
    .await
    .map_err(AppError::from)?;
    set_session_cookie(
        &signed_in.session.token,
        state.auth.session_ttl.num_seconds(),
        state.auth.cookie_secure,
    );
    let next = safe_next(next);
    if signed_in.tenant_count > 1 {
        leptos_axum::redirect(&format!(
            "/choose-organisation?next={}",
            // A path reads better with its slashes as they are (they need no escaping).
            models::url::encode(&next).replace("%2F", "/")
        ));
    } else {
        leptos_axum::redirect(&next);
    }
    Ok(())
}

/// Creates an organisation with its first owner, signs them in and opens the dashboard.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    organisation: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    let session = platform::auth::sign_up(
        &state.db,
        platform::auth::SignUp {
            name,
            email,
            password,
            organisation,
        },
        &auth.client,
        state.auth.session_ttl,
    )
    .await
    .map_err(AppError::from)?;
    set_session_cookie(
        &session.token,
        state.auth.session_ttl.num_seconds(),
        state.auth.cookie_secure,
    );
    leptos_axum::redirect("/");
    Ok(())
}

/// Ends this session (server-side too) and returns to the sign-in page.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    if let Some(token) = &auth.token {
        platform::auth::sign_out(&state.db, token, &auth.client)
            .await
            .map_err(AppError::from)?;
    }
    clear_session_cookie(state.auth.cookie_secure);
    leptos_axum::redirect("/sign-in");
    Ok(())
}

/// Moves this session into another of the user's organisations and reloads into it.
#[server(endpoint = "switch_tenant")]
pub async fn switch_tenant(tenant_id: TenantId, next: Option<String>) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let token = request_auth()?.token.ok_or(AppError::Unauthorized)?;
    platform::auth::switch_tenant(&state()?.db, &ctx, &token, tenant_id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect(&safe_next(next));
    Ok(())
}

/// Mails a one-time reset link if the address has an account; answers the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    platform::auth::password_reset::request_password_reset(
        &state.db,
        &email,
        &auth.client,
        &state.public_url,
    )
    .await
    .map_err(AppError::from)?;
    leptos_axum::redirect("/forgot-password?sent=1");
    Ok(())
}

/// Whether a reset link can still be used (the page asks before showing its form).
#[server(endpoint = "check_reset_token")]
pub async fn check_reset_token(token: String) -> Result<(), AppError> {
    use super::ssr::*;
    platform::auth::password_reset::check_reset_token(&state()?.db, &token)
        .await
        .map_err(AppError::from)
}

/// Sets a new password through a reset link; every session of the account ends.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    platform::auth::password_reset::reset_password(&state.db, &token, &password, &auth.client)
        .await
        .map_err(AppError::from)?;
    // This browser's session (if any) ended with the others.
    clear_session_cookie(state.auth.cookie_secure);
    leptos_axum::redirect("/sign-in?reset=1");
    Ok(())
}

//! Sign-up, sign-in, sign-out and the current user.

use leptos::prelude::*;
use models::session::SessionUser;
use models::AppError;

/// The signed-in user, or `None`. Pages use it to draw the shell.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    Ok(super::ssr::request_auth()?.user)
}

/// Signs in and redirects to `next` (a same-site path) or the dashboard.
#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    let session = platform::auth::sign_in(
        &state.db,
        platform::auth::SignIn { email, password },
        &auth.client,
        &state.auth.throttle,
        state.auth.session_ttl,
    )
    .await
    .map_err(AppError::from)?;
    set_session_cookie(
        &session.token,
        state.auth.session_ttl.num_seconds(),
        state.auth.cookie_secure,
    );
    leptos_axum::redirect(&safe_next(next));
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

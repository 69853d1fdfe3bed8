//! Invitations: created by admins, accepted through a one-time link.

use leptos::prelude::*;
use models::members::{Invitation, InvitationCreated, InvitationPreview};
use models::{AppError, InvitationId, Role};

#[server(endpoint = "create_invitation")]
pub async fn create_invitation(email: String, role: Role) -> Result<InvitationCreated, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let state = state()?;
    platform::invitations::create_invitation(&state.db, &ctx, &email, role, &state.public_url)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "list_invitations")]
pub async fn list_invitations() -> Result<Vec<Invitation>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::invitations::list_invitations(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "revoke_invitation")]
pub async fn revoke_invitation(id: InvitationId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::invitations::revoke_invitation(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// Public: the invitee is not signed in. The token is the credential.
#[server(endpoint = "preview_invitation")]
pub async fn preview_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use super::ssr::*;
    platform::invitations::preview_invitation(&state()?.db, &token)
        .await
        .map_err(AppError::from)
}

/// Public: joins the tenant through the link and signs in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(
    token: String,
    name: Option<String>,
    password: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let state = state()?;
    let auth = request_auth()?;
    let session = platform::invitations::accept_invitation(
        &state.db,
        platform::invitations::AcceptInvitation {
            token,
            name: name.unwrap_or_default(),
            password,
        },
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
    leptos_axum::redirect("/");
    Ok(())
}

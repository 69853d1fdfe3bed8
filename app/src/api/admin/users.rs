//! People in the admin console.

use leptos::prelude::*;
use models::admin::{AdminUser, UserState};
use models::{AppError, UserId};

#[server(endpoint = "list_admin_users")]
pub async fn list_admin_users(
    search: String,
    state: Option<UserState>,
) -> Result<Vec<AdminUser>, AppError> {
    let ctx = super::super::ssr::require_user()?;
    platform::admin::users::list_users(&super::super::ssr::state()?.db, &ctx, &search, state)
        .await
        .map_err(AppError::from)
}

/// Returns how many sessions ended.
#[server(endpoint = "deactivate_user")]
pub async fn deactivate_user(id: UserId) -> Result<usize, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::users::deactivate_user(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "reactivate_user")]
pub async fn reactivate_user(id: UserId) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::users::reactivate_user(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "send_password_reset")]
pub async fn send_password_reset(id: UserId) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    let state = state()?;
    platform::admin::users::send_password_reset(&state.db, &ctx, id, &state.public_url)
        .await
        .map_err(AppError::from)
}

/// Grants (`admin = true`) or revokes platform admin.
#[server(endpoint = "set_platform_admin")]
pub async fn set_platform_admin(id: UserId, admin: bool) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::users::set_platform_admin(&state()?.db, &ctx, id, admin)
        .await
        .map_err(AppError::from)
}

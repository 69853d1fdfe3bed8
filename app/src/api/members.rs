//! The tenant's members.

use leptos::prelude::*;
use models::members::Member;
use models::{AppError, Role, UserId};

#[server(endpoint = "list_members")]
pub async fn list_members() -> Result<Vec<Member>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::members::list_members(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "change_member_role")]
pub async fn change_member_role(user_id: UserId, role: Role) -> Result<Member, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::members::change_member_role(&state()?.db, &ctx, user_id, role)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "remove_member")]
pub async fn remove_member(user_id: UserId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::members::remove_member(&state()?.db, &ctx, user_id)
        .await
        .map_err(AppError::from)
}

//! The organisation's API keys (admins and owners): make one (its secret shown once), list
//! them with when each was last used, revoke one.

use leptos::prelude::*;
use models::api_keys::{ApiKeyView, CreatedApiKey};
use models::AppError;
use uuid::Uuid;

#[server(endpoint = "list_api_keys")]
pub async fn list_api_keys() -> Result<Vec<ApiKeyView>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::api_keys::list_api_keys(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// Makes a key acting as the caller, with `scope` (`read` or `write`) and a rate per minute
/// (empty: the default).
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(
    name: String,
    scope: String,
    rate_per_minute: String,
) -> Result<CreatedApiKey, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::api_keys::create_api_key(&state()?.db, &ctx, &name, &scope, &rate_per_minute)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: Uuid) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::api_keys::revoke_api_key(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

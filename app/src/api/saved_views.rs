//! Saved views of the leads, accounts and contacts tables.

use leptos::prelude::*;
use models::sales::custom_field::CustomObject;
use models::sales::lead::SavedView;
use models::{AppError, SavedViewId};

/// The user's views of `object`'s table and those shared with the team.
#[server(endpoint = "list_saved_views")]
pub async fn list_saved_views(object: CustomObject) -> Result<Vec<SavedView>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::saved_views::list_saved_views(&state()?.db, &ctx, object)
        .await
        .map_err(AppError::from)
}

/// Saves the view `query` of `object`'s table under `name`; `shared` is a checkbox ("on"
/// when ticked).
#[server(endpoint = "create_saved_view")]
pub async fn create_saved_view(
    object: CustomObject,
    name: String,
    query: String,
    #[server(default)] shared: Option<String>,
) -> Result<SavedView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let shared = shared.is_some_and(|s| !s.is_empty() && s != "false");
    sales_hunter::saved_views::create_saved_view(&state()?.db, &ctx, object, &name, &query, shared)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "delete_saved_view")]
pub async fn delete_saved_view(id: SavedViewId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::saved_views::delete_saved_view(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

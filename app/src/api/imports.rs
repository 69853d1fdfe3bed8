//! CSV imports of leads. The file itself is uploaded to `POST /leads/import/upload` (a
//! multipart form, handled by the server outside server functions because of its size);
//! everything after that is here.

use leptos::prelude::*;
use models::sales::lead_import::{LeadImport, LeadImportDetail};
use models::{AppError, LeadImportId};

#[server(endpoint = "list_lead_imports")]
pub async fn list_lead_imports() -> Result<Vec<LeadImport>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::import::list_lead_imports(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_lead_import")]
pub async fn get_lead_import(id: LeadImportId) -> Result<LeadImportDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::import::get_lead_import(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// Saves the mapping (`mapping[i]` per column) and how the file writes numbers
/// (`number_format`: `point` or `comma`, empty to keep it); with `start` set, also starts the
/// import.
#[server(endpoint = "map_lead_import")]
pub async fn map_lead_import(
    id: LeadImportId,
    #[server(default)] mapping: Vec<String>,
    #[server(default)] external_source: String,
    #[server(default)] update_existing: Option<String>,
    #[server(default)] number_format: String,
    #[server(default)] start: Option<String>,
) -> Result<LeadImport, AppError> {
    use super::ssr::*;
    use models::sales::lead_import::LeadImportSettings;
    let ctx = require_user()?;
    let settings = LeadImportSettings {
        mapping,
        external_source,
        update_existing: update_existing.unwrap_or_default(),
        number_format,
    };
    sales_hunter::leads::import::map_lead_import(
        &state()?.db,
        &ctx,
        id,
        &settings,
        start.is_some_and(|s| !s.is_empty()),
    )
    .await
    .map_err(AppError::from)
}

#[server(endpoint = "cancel_lead_import")]
pub async fn cancel_lead_import(id: LeadImportId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::import::cancel_lead_import(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "delete_lead_import")]
pub async fn delete_lead_import(id: LeadImportId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::import::delete_lead_import(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect("/leads/import");
    Ok(())
}

//! Sales settings: the reporting currency and quota, and the pipeline's stages.

use leptos::prelude::*;
use models::sales::settings::SalesSettings;
use models::sales::stage::{Stage, StageInput};
use models::{AppError, StageId};

/// Currency, quota and the stages with their open deals. Any member may look.
#[server(endpoint = "get_sales_settings")]
pub async fn get_sales_settings() -> Result<SalesSettings, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::settings::get_sales_settings(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// Sets the reporting currency and the quarterly quota, an amount such as 750,000 (admins
/// and owners).
#[server(endpoint = "save_sales_settings")]
pub async fn save_sales_settings(
    currency: String,
    #[server(default)] quarterly_quota: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::settings::save_sales_settings(&state()?.db, &ctx, &currency, &quarterly_quota)
        .await
        .map_err(AppError::from)
}

/// Adds an open stage after the others (admins and owners).
#[server(endpoint = "add_stage")]
pub async fn add_stage(input: StageInput) -> Result<Stage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::stages::add_stage(&state()?.db, &ctx, &input)
        .await
        .map_err(AppError::from)
}

/// Renames a stage or sets its probability and forecast category (admins and owners).
#[server(endpoint = "save_stage")]
pub async fn save_stage(id: StageId, input: StageInput) -> Result<Stage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::stages::save_stage(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

/// Moves an open stage `up` (earlier) or `down` (later) on the board (admins and owners).
#[server(endpoint = "move_stage")]
pub async fn move_stage(id: StageId, direction: String) -> Result<Vec<Stage>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::validation("direction", "must be up or down")),
    };
    sales_hunter::stages::move_stage(&state()?.db, &ctx, id, up)
        .await
        .map_err(AppError::from)
}

/// Removes an open stage no deal has ever been in (admins and owners).
#[server(endpoint = "remove_stage")]
pub async fn remove_stage(id: StageId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::stages::remove_stage(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

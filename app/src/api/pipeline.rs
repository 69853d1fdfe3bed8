//! The pipeline board and opportunities.

use leptos::prelude::*;
use models::sales::opportunity::{Board, Opportunity, OpportunityDetail, OpportunityInput};
use models::{AppError, OpportunityId, StageId};

/// The board for `view`, its query string (owner, close-date range, cards per column).
#[server(endpoint = "get_board")]
pub async fn get_board(view: String) -> Result<Board, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let query = models::sales::opportunity::BoardQuery::parse(&view)?;
    sales_hunter::board::get_board(&state()?.db, &ctx, &query)
        .await
        .map_err(AppError::from)
}

/// Moves a deal to another stage (drag, keyboard or the card's select); a lost stage needs
/// `lost_reason`.
#[server(endpoint = "move_opportunity")]
pub async fn move_opportunity(
    id: OpportunityId,
    stage_id: StageId,
    #[server(default)] lost_reason: String,
) -> Result<Opportunity, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::opportunities::move_opportunity(&state()?.db, &ctx, id, stage_id, &lost_reason)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_opportunity")]
pub async fn get_opportunity(id: OpportunityId) -> Result<OpportunityDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::opportunities::get_opportunity(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "update_opportunity")]
pub async fn update_opportunity(
    id: OpportunityId,
    input: OpportunityInput,
) -> Result<Opportunity, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::opportunities::update_opportunity(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "create_opportunity")]
pub async fn create_opportunity(
    name: String,
    amount: String,
    close_date: String,
) -> Result<OpportunityId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let id = sales_hunter::opportunities::create_opportunity(
        &state()?.db,
        &ctx,
        &name,
        &amount,
        &close_date,
    )
    .await
    .map_err(AppError::from)?;
    leptos_axum::redirect(&format!("/opportunities/{id}"));
    Ok(id)
}

/// Deletes a deal (its owner, or managers and above); the confirm step is the page's. Back
/// to the board afterwards.
#[server(endpoint = "delete_opportunity")]
pub async fn delete_opportunity(id: OpportunityId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::opportunities::delete_opportunity(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect("/pipeline");
    Ok(())
}

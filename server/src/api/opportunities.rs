//! `/api/v1/opportunities`: deals a page at a time (newest first), one deal with its
//! history, and create, edit (a stage change is a move, with its history row) and delete.

use super::body::{overlay, JsonObject};
use super::error::{ApiError, ApiResult};
use super::leads::id;
use crate::state::ServerState;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use models::sales::opportunity::{
    Opportunity, OpportunityDetail, OpportunityInput, OpportunityListQuery, OpportunityPage,
};
use models::{AppError, OpportunityId};
use platform::api_keys::ApiCaller;
use sales_hunter::opportunities as deals;

/// A page of deals, 100 at a time, newest first.
#[utoipa::path(get, path = "/api/v1/opportunities", tag = "opportunities",
    params(
        ("stage" = Option<String>, Query, description = "A stage's id"),
        ("owner" = Option<String>, Query, description = "A member's id, or `me`"),
        ("account" = Option<String>, Query, description = "An account's id"),
        ("state" = Option<String>, Query, description = "open, won or lost"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
    ),
    responses((status = 200, body = OpportunityPage), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_opportunities(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(q): Query<OpportunityListQuery>,
) -> ApiResult<OpportunityPage> {
    Ok(Json(
        deals::list_opportunities(&s.app.db, &c.ctx, &q).await?,
    ))
}

/// The deal with its stage history, contacts, activities and tasks.
#[utoipa::path(get, path = "/api/v1/opportunities/{id}", tag = "opportunities",
    params(("id" = String, Path)),
    responses((status = 200, body = OpportunityDetail), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn get_opportunity(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> ApiResult<OpportunityDetail> {
    let id: OpportunityId = id(&raw, "That opportunity")?;
    Ok(Json(deals::get_opportunity(&s.app.db, &c.ctx, id).await?))
}

/// Adds a deal in the pipeline's first stage from `name`, `amount` and `close_date`; any
/// other field is refused by name (set it with a `PATCH` once the deal exists), never
/// silently dropped.
#[utoipa::path(post, path = "/api/v1/opportunities", tag = "opportunities", request_body = OpportunityInput,
    responses((status = 201, body = OpportunityDetail), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn create_opportunity(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<OpportunityDetail>), ApiError> {
    let given: Vec<String> = body.keys().cloned().collect();
    let input = overlay(&OpportunityInput::default(), body, "an opportunity")?;
    if let Some(other) = given
        .into_iter()
        .find(|k| !["name", "amount", "close_date"].contains(&k.as_str()))
    {
        return Err(AppError::validation(
            other,
            "is set with a PATCH once the deal exists; a new deal takes name, amount and close_date",
        )
        .into());
    }
    let db = &s.app.db;
    let id = deals::create_opportunity(db, &c.ctx, &input.name, &input.amount, &input.close_date)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(deals::get_opportunity(db, &c.ctx, id).await?),
    ))
}

/// Changes the fields the body names; the others keep their values.
#[utoipa::path(patch, path = "/api/v1/opportunities/{id}", tag = "opportunities", request_body = OpportunityInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Opportunity), (status = 403, body = AppError), (status = 404, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn update_opportunity(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Opportunity> {
    let id: OpportunityId = id(&raw, "That opportunity")?;
    let current = deals::get_opportunity(&s.app.db, &c.ctx, id).await?;
    let input = overlay(
        &OpportunityInput::from(&current.opportunity),
        body,
        "an opportunity",
    )?;
    Ok(Json(
        deals::update_opportunity(&s.app.db, &c.ctx, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/opportunities/{id}", tag = "opportunities",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = AppError), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn delete_opportunity(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: OpportunityId = id(&raw, "That opportunity")?;
    deals::delete_opportunity(&s.app.db, &c.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/v1/leads`: the leads list (the page's filters and keyset cursors), one lead, and
//! create, edit and delete with the pages' rules (reps their own, the audit trail, scoring).

use super::body::{overlay, JsonObject};
use super::error::{ApiError, ApiResult};
use crate::state::ServerState;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use models::sales::lead::{Lead, LeadInput, LeadPage};
use models::sales::lead_query::LeadQuery;
use models::{AppError, LeadId};
use platform::api_keys::ApiCaller;
use sales_hunter::leads;

pub(super) fn id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, ApiError> {
    raw.parse().map_err(|_| AppError::not_found(what).into())
}

/// A page of leads, 50 at a time.
#[utoipa::path(get, path = "/api/v1/leads", tag = "leads",
    params(
        ("q" = Option<String>, Query, description = "Words to find in name, e-mail or company"),
        ("status" = Option<String>, Query, description = "Comma-separated statuses: new, working, nurture, qualified, disqualified, converted"),
        ("owner" = Option<String>, Query, description = "A member's id, `me` or `none`"),
        ("source" = Option<String>, Query),
        ("score_min" = Option<i32>, Query), ("score_max" = Option<i32>, Query),
        ("from" = Option<String>, Query, description = "Created on or after (YYYY-MM-DD)"),
        ("to" = Option<String>, Query, description = "Created on or before (YYYY-MM-DD)"),
        ("sort" = Option<String>, Query, description = "name, company, email, status, score, last_activity or created"),
        ("dir" = Option<String>, Query, description = "asc or desc"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page"),
        ("before" = Option<String>, Query, description = "The `prev` cursor of the following page"),
    ),
    responses((status = 200, body = LeadPage), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_leads(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    RawQuery(q): RawQuery,
) -> ApiResult<LeadPage> {
    let query = LeadQuery::parse(q.as_deref().unwrap_or_default())?;
    Ok(Json(leads::list_leads(&s.app.db, &c.ctx, &query).await?))
}

#[utoipa::path(get, path = "/api/v1/leads/{id}", tag = "leads",
    params(("id" = String, Path, description = "The lead's id")),
    responses((status = 200, body = Lead), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn get_lead(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> ApiResult<Lead> {
    let id: LeadId = id(&raw, "That lead")?;
    Ok(Json(leads::get_lead(&s.app.db, &c.ctx, id).await?))
}

/// Adds a lead; fields left out are empty, the owner is the key's member.
#[utoipa::path(post, path = "/api/v1/leads", tag = "leads", request_body = LeadInput,
    responses((status = 201, body = Lead), (status = 409, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn create_lead(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    JsonObject(body): JsonObject,
) -> Result<(StatusCode, Json<Lead>), ApiError> {
    let input = overlay(&LeadInput::default(), body, "a lead")?;
    let lead = leads::create_lead(&s.app.db, &c.ctx, &input).await?;
    Ok((StatusCode::CREATED, Json(lead)))
}

/// Changes the fields the body names; the others keep their values.
#[utoipa::path(patch, path = "/api/v1/leads/{id}", tag = "leads", request_body = LeadInput,
    params(("id" = String, Path)),
    responses((status = 200, body = Lead), (status = 403, body = AppError), (status = 404, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn update_lead(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
    JsonObject(body): JsonObject,
) -> ApiResult<Lead> {
    let id: LeadId = id(&raw, "That lead")?;
    let current = leads::get_lead(&s.app.db, &c.ctx, id).await?;
    let input = overlay(&LeadInput::from(&current), body, "a lead")?;
    Ok(Json(
        leads::update_lead(&s.app.db, &c.ctx, id, &input).await?,
    ))
}

#[utoipa::path(delete, path = "/api/v1/leads/{id}", tag = "leads",
    params(("id" = String, Path)),
    responses((status = 204), (status = 403, body = AppError), (status = 404, body = AppError)),
    security(("api_key" = [])))]
pub async fn delete_lead(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id: LeadId = id(&raw, "That lead")?;
    leads::delete_lead(&s.app.db, &c.ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

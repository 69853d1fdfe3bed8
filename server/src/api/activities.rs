//! `/api/v1/activities`: what was logged about a lead, contact, account or deal, and
//! logging a call, e-mail, meeting or note about one.

use super::body::{overlay, JsonObject};
use super::error::{ApiError, ApiResult};
use crate::state::ServerState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::{Extension, Json};
use models::sales::activity::{Activity, ActivityInput, Subject};
use models::AppError;
use platform::api_keys::ApiCaller;
use sales_hunter::activities;
use serde::Deserialize;

/// Exactly one of these names what the activities are about.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct About {
    /// A lead's id.
    lead: Option<String>,
    /// A contact's id.
    contact: Option<String>,
    /// An account's id.
    account: Option<String>,
    /// An opportunity's id.
    opportunity: Option<String>,
}

fn subject_of(about: &About) -> Result<Subject, AppError> {
    let given: Vec<(&str, &str)> = [
        ("lead", &about.lead),
        ("contact", &about.contact),
        ("account", &about.account),
        ("opportunity", &about.opportunity),
    ]
    .into_iter()
    .filter_map(|(field, v)| Some((field, v.as_deref()?.trim())))
    .filter(|(_, v)| !v.is_empty())
    .collect();
    let &[(field, raw)] = given.as_slice() else {
        return Err(AppError::validation(
            "lead",
            "name exactly one of lead, contact, account or opportunity",
        ));
    };
    let id = raw
        .parse::<uuid::Uuid>()
        .map_err(|_| AppError::validation(field, "is not an id"))?;
    Ok(match field {
        "lead" => Subject::Lead(models::LeadId(id)),
        "contact" => Subject::Contact(models::ContactId(id)),
        "account" => Subject::Account(models::AccountId(id)),
        _ => Subject::Opportunity(models::OpportunityId(id)),
    })
}

/// The newest 200 activities about one record.
#[utoipa::path(get, path = "/api/v1/activities", tag = "activities", params(About),
    responses((status = 200, body = Vec<Activity>), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_activities(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(about): Query<About>,
) -> ApiResult<Vec<Activity>> {
    let subject = subject_of(&about)?;
    Ok(Json(
        activities::activities_about(&s.app.db, &c.ctx, subject).await?,
    ))
}

/// An activity to log: `about` (one of `lead`, `contact`, `account`, `opportunity` with its
/// id) and the activity's fields (`kind`: call, email, meeting or note).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Only describes the body for the OpenAPI document.
pub struct NewActivity {
    lead: Option<String>,
    contact: Option<String>,
    account: Option<String>,
    opportunity: Option<String>,
    kind: String,
    subject: String,
    body: Option<String>,
    outcome: Option<String>,
    /// `YYYY-MM-DDTHH:MM` in UTC; empty: now.
    occurred_at: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/activities", tag = "activities", request_body = NewActivity,
    responses((status = 201, body = Activity), (status = 404, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn log_activity(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    JsonObject(mut body): JsonObject,
) -> Result<(StatusCode, Json<Activity>), ApiError> {
    let mut take = |k: &str| match body.remove(k) {
        Some(serde_json::Value::String(s)) => Ok(Some(s)),
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(_) => Err(AppError::validation(k, "must be an id")),
    };
    let about = About {
        lead: take("lead")?,
        contact: take("contact")?,
        account: take("account")?,
        opportunity: take("opportunity")?,
    };
    let subject = subject_of(&about)?;
    let input = overlay(&ActivityInput::default(), body, "an activity")?;
    let activity = activities::log_activity(&s.app.db, &c.ctx, subject, &input).await?;
    Ok((StatusCode::CREATED, Json(activity)))
}

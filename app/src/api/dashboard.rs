//! The sales dashboard and global search.

use leptos::prelude::*;
use models::sales::custom_field::{CustomField, CustomFieldKind, CustomObject};
use models::sales::dashboard::Dashboard;
use models::sales::search::SearchHit;
use models::AppError;

/// The ten KPIs, the charts and "My day" for `period` (week, month, quarter, year) and
/// `scope` ("mine" or the team).
#[server(endpoint = "get_dashboard")]
pub async fn get_dashboard(
    #[server(default)] period: String,
    #[server(default)] scope: String,
) -> Result<Dashboard, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let period = if period.is_empty() {
        models::sales::dashboard::Period::default()
    } else {
        models::sales::dashboard::Period::parse(&period)
            .ok_or_else(|| AppError::validation("period", "must be week, month, quarter or year"))?
    };
    sales_hunter::dashboard::get_dashboard(&state()?.db, &ctx, period, scope == "mine")
        .await
        .map_err(AppError::from)
}

/// Leads, contacts, accounts and opportunities matching `q`.
#[server(endpoint = "search_records")]
pub async fn search_records(q: String) -> Result<Vec<SearchHit>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::search::search_records(&state()?.db, &ctx, &q)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "list_custom_fields")]
pub async fn list_custom_fields(object: CustomObject) -> Result<Vec<CustomField>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::custom_fields::list_custom_fields(&state()?.db, &ctx, object)
        .await
        .map_err(AppError::from)
}

/// Defines a custom field (admins and owners); `options` are comma-separated choices.
#[server(endpoint = "create_custom_field")]
pub async fn create_custom_field(
    object: CustomObject,
    label: String,
    kind: CustomFieldKind,
    #[server(default)] options: String,
) -> Result<CustomField, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::custom_fields::create_custom_field(
        &state()?.db,
        &ctx,
        object,
        &label,
        kind,
        &options,
    )
    .await
    .map_err(AppError::from)
}

/// What the agents are worth to the organisation (managers and up).
#[server(endpoint = "get_roi")]
pub async fn get_roi() -> Result<models::agents::roi::RoiView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::roi::get_roi(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

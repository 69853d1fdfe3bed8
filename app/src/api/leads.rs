//! The leads manager: the table, the detail, create/edit/delete, bulk actions, conversion
//! and saved views.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use models::sales::lead::{
    BulkLeadAction, Conversion, ConvertLeadInput, DuplicateLead, Lead, LeadDetail, LeadInput,
    LeadPage, SavedView,
};
use models::{AppError, LeadId, SavedViewId};

/// One page of leads for `view`, the page's query string.
#[server(endpoint = "list_leads")]
pub async fn list_leads(view: String) -> Result<LeadPage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let query = models::sales::lead_query::LeadQuery::parse(&view)?;
    sales_hunter::leads::list_leads(&state()?.db, &ctx, &query)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_lead")]
pub async fn get_lead(id: LeadId) -> Result<LeadDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::get_lead_detail(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "create_lead")]
pub async fn create_lead(input: LeadInput) -> Result<Lead, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let lead = sales_hunter::leads::create_lead(&state()?.db, &ctx, &input)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect(&format!("/leads/{}", lead.id));
    Ok(lead)
}

#[server(endpoint = "update_lead")]
pub async fn update_lead(id: LeadId, input: LeadInput) -> Result<Lead, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::update_lead(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "delete_lead")]
pub async fn delete_lead(id: LeadId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::delete_lead(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect("/leads");
    Ok(())
}

/// Applies one action to the selected leads; all or nothing. Returns how many changed.
#[server(endpoint = "bulk_update_leads", input = Json)]
pub async fn bulk_update_leads(
    ids: Vec<LeadId>,
    action: BulkLeadAction,
) -> Result<usize, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::bulk_update_leads(&state()?.db, &ctx, &ids, &action)
        .await
        .map_err(AppError::from)
}

/// The lead already using `email`, if any (the form warns before saving).
#[server(endpoint = "find_duplicate_lead")]
pub async fn find_duplicate_lead(
    email: String,
    except: Option<LeadId>,
) -> Result<Option<DuplicateLead>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::find_duplicate_lead(&state()?.db, &ctx, &email, except)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "convert_lead")]
pub async fn convert_lead(id: LeadId, input: ConvertLeadInput) -> Result<Conversion, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::leads::convert_lead(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "list_saved_views")]
pub async fn list_saved_views() -> Result<Vec<SavedView>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::saved_views::list_saved_views(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// Saves the view `query` under `name`; `shared` is a checkbox ("on" when ticked).
#[server(endpoint = "create_saved_view")]
pub async fn create_saved_view(
    name: String,
    query: String,
    #[server(default)] shared: Option<String>,
) -> Result<SavedView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let shared = shared.is_some_and(|s| !s.is_empty() && s != "false");
    sales_hunter::saved_views::create_saved_view(&state()?.db, &ctx, &name, &query, shared)
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

//! The leads manager: the table, the detail, create/edit/delete, bulk actions and
//! conversion. Saved views are in `saved_views`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use models::sales::lead::{
    BulkLeadAction, Conversion, ConvertLeadInput, DuplicateLead, Lead, LeadDetail, LeadInput,
    LeadPage,
};
use models::{AppError, LeadId};

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

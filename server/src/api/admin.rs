//! `/api/admin/v1/…`: the console's data for a platform admin's tools: organisations,
//! people, subscriptions and invoices, plans and the audit trail across the installation.

use super::error::ApiResult;
use crate::state::ServerState;
use axum::extract::{Query, State};
use axum::{Extension, Json};
use models::admin::{
    AdminBilling, AdminTenant, AdminUser, AuditFilter, AuditPage, TenantState, UserState,
};
use models::billing::{AdminPlan, InvoiceStatus, SubscriptionStatus};
use models::AppError;
use platform::api_keys::ApiCaller;
use serde::Deserialize;

/// A search and a state, as the console's lists take them.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Words of a name or e-mail, or an id.
    search: String,
    /// Organisations: `active` or `suspended`; people: `active`, `deactivated` or
    /// `platform_admins`.
    state: String,
}

fn state_of<T>(
    field: &str,
    raw: &str,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        s => parse(s)
            .map(Some)
            .ok_or_else(|| AppError::validation(field, "is not a state of this list")),
    }
}

/// Organisations, at most 200; a search narrows them.
#[utoipa::path(get, path = "/api/admin/v1/tenants", tag = "admin", params(ListQuery),
    responses((status = 200, body = Vec<AdminTenant>), (status = 403, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_tenants(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Vec<AdminTenant>> {
    let state = state_of("state", &q.state, TenantState::parse)?;
    Ok(Json(
        platform::admin::tenants::list_tenants(&s.app.db, &c.ctx, &q.search, state).await?,
    ))
}

/// People, at most 200; a search narrows them.
#[utoipa::path(get, path = "/api/admin/v1/users", tag = "admin", params(ListQuery),
    responses((status = 200, body = Vec<AdminUser>), (status = 403, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_users(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(q): Query<ListQuery>,
) -> ApiResult<Vec<AdminUser>> {
    let state = state_of("state", &q.state, UserState::parse)?;
    Ok(Json(
        platform::admin::users::list_users(&s.app.db, &c.ctx, &q.search, state).await?,
    ))
}

/// The audit trail, newest first, 50 a page; `before` is the `next` of the previous page.
#[utoipa::path(get, path = "/api/admin/v1/activity", tag = "admin",
    params(
        ("tenant" = Option<String>, Query, description = "An organisation's id"),
        ("actor" = Option<String>, Query, description = "The e-mail of whoever acted"),
        ("action" = Option<String>, Query, description = "An exact action, such as auth.signed_in"),
        ("target_type" = Option<String>, Query), ("target_id" = Option<String>, Query),
        ("from" = Option<String>, Query, description = "YYYY-MM-DD, UTC"),
        ("to" = Option<String>, Query, description = "YYYY-MM-DD, UTC"),
        ("before" = Option<String>, Query, description = "The `next` cursor of the previous page"),
    ),
    responses((status = 200, body = AuditPage), (status = 403, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_audit(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(filter): Query<AuditFilter>,
) -> ApiResult<AuditPage> {
    Ok(Json(
        platform::admin::activity::list_audit(&s.app.db, &c.ctx, &filter).await?,
    ))
}

/// The statuses the billing lists are filtered by.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct BillingQuery {
    /// Subscriptions: `trialing`, `active`, `past_due` or `canceled`; empty: any.
    status: String,
    /// Invoices: `draft`, `open`, `paid` or `void`; empty: any.
    invoice_status: String,
}

/// Subscriptions (soonest period end first) and issued invoices (newest first) across
/// organisations, at most 200 of each.
#[utoipa::path(get, path = "/api/admin/v1/billing", tag = "admin", params(BillingQuery),
    responses((status = 200, body = AdminBilling), (status = 403, body = AppError), (status = 422, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_billing(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
    Query(q): Query<BillingQuery>,
) -> ApiResult<AdminBilling> {
    let status = state_of("status", &q.status, SubscriptionStatus::parse)?;
    let invoices = state_of("invoice_status", &q.invoice_status, InvoiceStatus::parse)?;
    Ok(Json(
        billing::admin::list_billing(&s.app.db, &c.ctx, status, invoices).await?,
    ))
}

/// Every plan, offered or retired, with the organisations on it.
#[utoipa::path(get, path = "/api/admin/v1/plans", tag = "admin",
    responses((status = 200, body = Vec<AdminPlan>), (status = 403, body = AppError)),
    security(("api_key" = [])))]
pub async fn list_plans(
    State(s): State<ServerState>,
    Extension(c): Extension<ApiCaller>,
) -> ApiResult<Vec<AdminPlan>> {
    Ok(Json(
        billing::plan_admin::list_admin_plans(&s.app.db, &c.ctx).await?,
    ))
}

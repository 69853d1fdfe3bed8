//! Organisations in the admin console.

use leptos::prelude::*;
use models::admin::{AdminTenant, AdminTenantDetail, TenantState};
use models::billing::InvoiceStatus;
use models::members::InvitationCreated;
use models::{AppError, TenantId};

/// Organisations matching `search` (a name or an id) in `state` (empty: any), each with its
/// plan.
#[server(endpoint = "list_admin_tenants")]
pub async fn list_admin_tenants(
    search: String,
    state: Option<TenantState>,
) -> Result<Vec<AdminTenant>, AppError> {
    let ctx = super::super::ssr::require_user()?;
    let db = &super::super::ssr::state()?.db;
    let mut list = platform::admin::tenants::list_tenants(db, &ctx, &search, state).await?;
    let ids: Vec<TenantId> = list.iter().map(|t| t.id).collect();
    let plans = billing::admin::plans_of(db, &ctx, &ids).await?;
    for t in &mut list {
        if let Some((plan, status)) = plans.get(&t.id) {
            t.plan = Some(plan.clone());
            t.status = Some(*status);
        }
    }
    Ok(list)
}

/// One organisation: its members and its billing.
#[server(endpoint = "get_admin_tenant")]
pub async fn get_admin_tenant(id: TenantId) -> Result<AdminTenantDetail, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    let db = &state()?.db;
    let (mut tenant, members) = platform::admin::tenants::get_tenant(db, &ctx, id).await?;
    let billing = billing::admin::tenant_billing(db, &ctx, id).await?;
    let daily = billing::figures::tenant_daily(db, &ctx, id).await?;
    tenant.plan = Some(billing.plan.name.clone());
    tenant.status = Some(billing.subscription.status);
    Ok(AdminTenantDetail {
        tenant,
        members,
        billing,
        daily,
    })
}

/// A new organisation and its first owner's invitation.
#[server(endpoint = "create_tenant")]
pub async fn create_tenant(
    name: String,
    owner_email: String,
) -> Result<(TenantId, InvitationCreated), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    let state = state()?;
    platform::admin::tenants::create_tenant(&state.db, &ctx, &name, &owner_email, &state.public_url)
        .await
        .map_err(AppError::from)
}

/// Suspends an organisation (`reason` is recorded and mailed to its owners). Returns how
/// many sessions ended.
#[server(endpoint = "suspend_tenant")]
pub async fn suspend_tenant(id: TenantId, reason: String) -> Result<usize, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::tenants::suspend_tenant(&state()?.db, &ctx, id, &reason)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "reactivate_tenant")]
pub async fn reactivate_tenant(id: TenantId) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::tenants::reactivate_tenant(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "change_tenant_plan")]
pub async fn change_tenant_plan(id: TenantId, plan: String) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::admin::change_tenant_plan(&state()?.db, &ctx, id, &plan).await?;
    Ok(())
}

/// Marks one of an organisation's open invoices paid or void.
#[server(endpoint = "set_invoice_status")]
pub async fn set_invoice_status(
    tenant: TenantId,
    invoice: uuid::Uuid,
    status: InvoiceStatus,
) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::admin::set_invoice_status(&state()?.db, &ctx, tenant, invoice, status)
        .await
        .map_err(AppError::from)
}

/// An organisation's ROI, as its managers see it.
#[server(endpoint = "get_tenant_roi")]
pub async fn get_tenant_roi(id: TenantId) -> Result<models::agents::roi::RoiView, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::roi::roi_of(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

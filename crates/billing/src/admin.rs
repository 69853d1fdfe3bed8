//! What the admin console does with billing: each organisation's plan in the tenants list,
//! an organisation's billing, changing its plan, and marking an invoice paid or void.
//! Platform admins only; every change is audited in the organisation's trail.

use crate::manage::{apply_plan_change, overview};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{BillingOverview, InvoiceStatus, SubscriptionStatus, SubscriptionView};
use models::{AppError, TenantId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{invoices, plans, subscriptions};
use platform::{Db, Error, RequestContext};
use std::collections::HashMap;

pub mod action {
    pub const INVOICE_PAID: &str = "billing.invoice_paid";
    pub const INVOICE_VOIDED: &str = "billing.invoice_voided";
}

/// The plan's name and the subscription's status of each of `tenants`.
pub async fn plans_of(
    db: &Db,
    ctx: &RequestContext,
    tenants: &[TenantId],
) -> Result<HashMap<TenantId, (String, SubscriptionStatus)>, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let rows: Vec<(TenantId, String, SubscriptionStatus)> = subscriptions::table
            .inner_join(plans::table.on(plans::id.eq(subscriptions::plan_id)))
            .filter(subscriptions::tenant_id.eq_any(tenants))
            .select((subscriptions::tenant_id, plans::name, subscriptions::status))
            .load(conn)
            .await?;
        Ok(rows.into_iter().map(|(t, p, s)| (t, (p, s))).collect())
    })
    .await
}

/// An organisation's plan, usage and invoices, as its owner sees them.
pub async fn tenant_billing(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
) -> Result<BillingOverview, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| overview(conn, tenant, false).await)
        .await
}

/// Changes an organisation's plan as its owner could (an upgrade now, prorated; a downgrade
/// at the period's end), recorded as the admin's change.
pub async fn change_tenant_plan(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    plan_id: &str,
) -> Result<SubscriptionView, Error> {
    ctx.require_platform_admin()?;
    apply_plan_change(db, ctx, tenant, plan_id).await
}

/// Marks an open invoice paid (a payment received outside a payment provider) or void
/// (never to be paid). Paid and void are final.
pub async fn set_invoice_status(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    invoice: uuid::Uuid,
    status: InvoiceStatus,
) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    let act = match status {
        InvoiceStatus::Paid => action::INVOICE_PAID,
        InvoiceStatus::Void => action::INVOICE_VOIDED,
        _ => {
            return Err(AppError::validation(
                "status",
                "An invoice can only be marked paid or void.",
            )
            .into())
        }
    };
    db.platform_tx(async |conn| {
        let (number, current): (String, InvoiceStatus) = invoices::table
            .find((tenant, invoice))
            .select((invoices::number, invoices::status))
            .for_update()
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That invoice"))?;
        if current != InvoiceStatus::Open {
            return Err(AppError::conflict(format!(
                "Invoice {number} is {}: only an open invoice can be marked paid or void.",
                current.label().to_lowercase()
            ))
            .into());
        }
        let now = Utc::now();
        let target = invoices::table.find((tenant, invoice));
        match status {
            InvoiceStatus::Paid => {
                diesel::update(target)
                    .set((invoices::status.eq(status), invoices::paid_at.eq(now)))
                    .execute(conn)
                    .await?
            }
            _ => {
                diesel::update(target)
                    .set((invoices::status.eq(status), invoices::voided_at.eq(now)))
                    .execute(conn)
                    .await?
            }
        };
        NewAuditEntry::new(tenant, Some(ctx.user_id), act, &ctx.client)
            .target("invoice", invoice)
            .details(serde_json::json!({ "number": number }))
            .record(conn)
            .await
    })
    .await
}

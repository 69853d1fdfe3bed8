//! What the admin console does with billing: each organisation's plan in the tenants list,
//! an organisation's billing, changing its plan, marking an invoice paid or void, and the
//! subscriptions and invoices of every organisation.
//! Platform admins only; every change is audited in the organisation's trail.

use crate::manage::{apply_plan_change, overview};
use chrono::Utc;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Integer, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::admin::{AdminBilling, AdminInvoice, AdminSubscription, Amount, LIST_LIMIT};
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

#[derive(QueryableByName)]
struct SubscriptionLine {
    #[diesel(sql_type = SqlUuid)]
    tenant_id: TenantId,
    #[diesel(sql_type = Text)]
    tenant_name: String,
    #[diesel(sql_type = Text)]
    plan: String,
    #[diesel(sql_type = Text)]
    status: SubscriptionStatus,
    #[diesel(sql_type = Timestamptz)]
    period_end: chrono::DateTime<Utc>,
    #[diesel(sql_type = Integer)]
    seats: i32,
    #[diesel(sql_type = Bool)]
    cancel_at_period_end: bool,
    #[diesel(sql_type = Nullable<Text>)]
    next_plan: Option<String>,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    monthly_minor: i64,
}

#[derive(QueryableByName)]
struct InvoiceLine {
    #[diesel(sql_type = SqlUuid)]
    tenant_id: TenantId,
    #[diesel(sql_type = Text)]
    tenant_name: String,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Timestamptz)]
    period_start: chrono::DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    period_end: chrono::DateTime<Utc>,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    total_minor: i64,
    #[diesel(sql_type = Text)]
    status: InvoiceStatus,
    #[diesel(sql_type = Timestamptz)]
    issued_at: chrono::DateTime<Utc>,
}

/// Subscriptions (soonest period end first) and issued invoices (newest first) across
/// organisations, each in `status` (None: any), at most [`LIST_LIMIT`] of each.
pub async fn list_billing(
    db: &Db,
    ctx: &RequestContext,
    status: Option<SubscriptionStatus>,
    invoice_status: Option<InvoiceStatus>,
) -> Result<AdminBilling, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let subscriptions: Vec<SubscriptionLine> = diesel::sql_query(concat!(
            "SELECT s.tenant_id, t.name AS tenant_name, p.name AS plan, s.status, s.period_end, \
                    s.seats, s.cancel_at_period_end, n.name AS next_plan, p.currency, ",
            crate::figures::monthly_minor!(),
            " AS monthly_minor \
             FROM subscriptions s JOIN tenants t ON t.id = s.tenant_id \
             JOIN plans p ON p.id = s.plan_id LEFT JOIN plans n ON n.id = s.next_plan_id \
             WHERE ($1::text IS NULL OR s.status = $1) \
             ORDER BY s.period_end, s.tenant_id LIMIT $2"
        ))
        .bind::<Nullable<Text>, _>(status.map(|s| s.as_str()))
        .bind::<BigInt, _>(LIST_LIMIT)
        .load(conn)
        .await?;
        let invoices: Vec<InvoiceLine> = diesel::sql_query(
            "SELECT i.tenant_id, t.name AS tenant_name, i.number, i.period_start, i.period_end, \
                    i.currency, i.total_minor, i.status, i.issued_at \
             FROM invoices i JOIN tenants t ON t.id = i.tenant_id \
             WHERE ($1::text IS NULL OR i.status = $1) \
             ORDER BY i.issued_at DESC, i.number DESC LIMIT $2",
        )
        .bind::<Nullable<Text>, _>(invoice_status.map(|s| s.as_str()))
        .bind::<BigInt, _>(LIST_LIMIT)
        .load(conn)
        .await?;
        Ok(AdminBilling {
            subscriptions: subscriptions
                .into_iter()
                .map(|s| AdminSubscription {
                    tenant_id: s.tenant_id,
                    tenant_name: s.tenant_name,
                    plan: s.plan,
                    status: s.status,
                    period_end: s.period_end,
                    seats: s.seats,
                    cancel_at_period_end: s.cancel_at_period_end,
                    next_plan: s.next_plan,
                    monthly: Amount {
                        currency: s.currency,
                        minor: s.monthly_minor,
                    },
                })
                .collect(),
            invoices: invoices
                .into_iter()
                .map(|i| AdminInvoice {
                    tenant_id: i.tenant_id,
                    tenant_name: i.tenant_name,
                    number: i.number,
                    period_start: i.period_start,
                    period_end: i.period_end,
                    total: Amount {
                        currency: i.currency,
                        minor: i.total_minor,
                    },
                    status: i.status,
                    issued_at: i.issued_at,
                })
                .collect(),
        })
    })
    .await
}

//! What the tenant's Billing page does: see the plan and the period's usage, preview and
//! change the plan, cancel at the period's end and take that back; and what only platform
//! admins do: grant a one-off allowance.

use crate::plans::{all_plans, plan};
use crate::proration::preview;
use crate::quota::period_usage;
use crate::subscription::{lock_subscription, subscription};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{
    BillingOverview, Meter, PlanChangePreview, SubscriptionStatus, SubscriptionView, TakesEffect,
};
use models::{AppError, Role, TenantId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{subscription_changes, subscriptions, usage_counters};
use platform::{Db, Error, RequestContext};

pub mod action {
    pub const PLAN_CHANGED: &str = "billing.plan_changed";
    pub const CANCELED: &str = "billing.cancel_requested";
    pub const REACTIVATED: &str = "billing.reactivated";
    pub const ALLOWANCE_GRANTED: &str = "billing.allowance_granted";
}

/// Admins see the page; only owners change what the organisation pays.
pub async fn get_billing(db: &Db, ctx: &RequestContext) -> Result<BillingOverview, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        overview(conn, ctx.tenant_id, ctx.role.at_least(Role::Owner)).await
    })
    .await
}

/// An organisation's plan, usage and invoices, in the caller's transaction.
pub(crate) async fn overview(
    conn: &mut platform::db::Conn,
    tenant: TenantId,
    can_manage: bool,
) -> Result<BillingOverview, Error> {
    let sub = subscription(conn, tenant).await?;
    let plans = all_plans(conn).await?;
    let current = plans
        .iter()
        .find(|p| p.id == sub.plan_id)
        .cloned()
        .ok_or_else(|| AppError::not_found("plan"))?;
    Ok(BillingOverview {
        subscription: sub.view(),
        upcoming: crate::invoice::draft(conn, &sub).await?,
        invoices: crate::invoice::list_invoices(conn, tenant).await?,
        usage: period_usage(conn, &sub).await?,
        // Only plans it can move to: on offer, in its currency.
        plans: plans
            .into_iter()
            .filter(|p| p.offered && p.currency == current.currency)
            .collect(),
        plan: current,
        can_manage,
    })
}

/// The plan to move to from `from`: one on offer, in the same currency (a period cannot be
/// prorated across two currencies).
async fn offered_plan(
    conn: &mut platform::db::Conn,
    id: &str,
    from: &models::billing::PlanView,
) -> Result<models::billing::PlanView, Error> {
    let p = plan(conn, id).await?;
    if !p.offered {
        return Err(
            AppError::validation("plan", format!("{} is no longer offered.", p.name)).into(),
        );
    }
    if p.currency != from.currency {
        return Err(AppError::validation(
            "plan",
            format!(
                "{} is billed in {} and this organisation in {}: a plan in {} keeps the \
                 billing in one currency.",
                p.name, p.currency, from.currency, from.currency
            ),
        )
        .into());
    }
    Ok(p)
}

/// What moving to `plan_id` would cost and when it would start.
pub async fn preview_plan_change(
    db: &Db,
    ctx: &RequestContext,
    plan_id: &str,
) -> Result<PlanChangePreview, Error> {
    ctx.require(Role::Owner)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let sub = subscription(conn, ctx.tenant_id).await?;
        if sub.plan_id == plan_id {
            return Err(AppError::validation("plan", "This is the current plan.").into());
        }
        let from = plan(conn, &sub.plan_id).await?;
        let to = offered_plan(conn, plan_id, &from).await?;
        let usage = period_usage(conn, &sub).await?;
        Ok(preview(&from, &to, &sub.view(), &usage, Utc::now())?)
    })
    .await
}

/// Moves to `plan_id`: an upgrade (or any change during a trial) at once, a downgrade at
/// the period's end. Choosing the current plan while a downgrade waits takes it back.
pub async fn change_plan(
    db: &Db,
    ctx: &RequestContext,
    plan_id: &str,
) -> Result<SubscriptionView, Error> {
    ctx.require(Role::Owner)?;
    apply_plan_change(db, ctx, ctx.tenant_id, plan_id).await
}

/// [`change_plan`] for `tenant`, by `ctx`'s user (its owner, or a platform admin from the
/// console), who is recorded on the change.
pub(crate) async fn apply_plan_change(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    plan_id: &str,
) -> Result<SubscriptionView, Error> {
    db.platform_tx(async |conn| {
        let sub = lock_subscription(conn, tenant).await?;
        if sub.status == SubscriptionStatus::Canceled {
            return Err(AppError::conflict(
                "The subscription has ended; reactivate it before changing the plan.",
            )
            .into());
        }
        if sub.plan_id == plan_id {
            if sub.next_plan_id.is_none() {
                return Err(AppError::validation("plan", "This is the current plan.").into());
            }
            diesel::update(subscriptions::table.find(tenant))
                .set((
                    subscriptions::next_plan_id.eq(None::<String>),
                    subscriptions::updated_at.eq(diesel::dsl::now),
                ))
                .execute(conn)
                .await?;
            NewAuditEntry::new(tenant, Some(ctx.user_id), action::PLAN_CHANGED, &ctx.client)
                .target("subscription", tenant)
                .details(serde_json::json!({ "next_plan": { "before": sub.next_plan_id, "after": null } }))
                .record(conn)
                .await?;
            return Ok(subscription(conn, tenant).await?.view());
        }
        let from = plan(conn, &sub.plan_id).await?;
        let to = offered_plan(conn, plan_id, &from).await?;
        let usage = period_usage(conn, &sub).await?;
        let p = preview(&from, &to, &sub.view(), &usage, Utc::now())?;
        match p.takes_effect {
            TakesEffect::Now => {
                diesel::update(subscriptions::table.find(tenant))
                    .set((
                        subscriptions::plan_id.eq(&to.id),
                        subscriptions::next_plan_id.eq(None::<String>),
                        subscriptions::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?
            }
            TakesEffect::PeriodEnd => {
                diesel::update(subscriptions::table.find(tenant))
                    .set((
                        subscriptions::next_plan_id.eq(&to.id),
                        subscriptions::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?
            }
        };
        diesel::insert_into(subscription_changes::table)
            .values((
                subscription_changes::tenant_id.eq(tenant),
                subscription_changes::from_plan_id.eq(&from.id),
                subscription_changes::to_plan_id.eq(&to.id),
                subscription_changes::takes_effect.eq(match p.takes_effect {
                    TakesEffect::Now => "now",
                    TakesEffect::PeriodEnd => "period_end",
                }),
                subscription_changes::proration_minor.eq(p.net_minor),
                subscription_changes::changed_by.eq(ctx.user_id),
            ))
            .execute(conn)
            .await?;
        NewAuditEntry::new(tenant, Some(ctx.user_id), action::PLAN_CHANGED, &ctx.client)
            .target("subscription", tenant)
            .details(serde_json::json!({
                "plan": { "before": from.id, "after": to.id },
                "takes_effect": p.takes_effect,
                "proration_minor": p.net_minor,
            }))
            .record(conn)
            .await?;
        Ok(subscription(conn, tenant).await?.view())
    })
    .await
}

/// One of the organisation's invoices with its lines, for the printable page (admins and
/// owners); not found for another organisation's.
pub async fn get_invoice(
    db: &Db,
    ctx: &RequestContext,
    id: uuid::Uuid,
) -> Result<models::billing::InvoiceView, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        crate::invoice::load_invoice(conn, ctx.tenant_id, id)
            .await?
            .ok_or_else(|| AppError::not_found("That invoice").into())
    })
    .await
}

/// Ends the subscription when the period ends (the organisation keeps the plan until then).
pub async fn cancel_subscription(db: &Db, ctx: &RequestContext) -> Result<SubscriptionView, Error> {
    set_cancel(db, ctx, true).await
}

/// Takes back a cancellation, or starts a new period for an ended subscription.
pub async fn reactivate_subscription(
    db: &Db,
    ctx: &RequestContext,
) -> Result<SubscriptionView, Error> {
    set_cancel(db, ctx, false).await
}

async fn set_cancel(
    db: &Db,
    ctx: &RequestContext,
    cancel: bool,
) -> Result<SubscriptionView, Error> {
    ctx.require(Role::Owner)?;
    db.platform_tx(async |conn| {
        let sub = lock_subscription(conn, ctx.tenant_id).await?;
        let ended = sub.status == SubscriptionStatus::Canceled;
        match (cancel, ended, sub.cancel_at_period_end) {
            (true, true, _) => {
                return Err(AppError::conflict("The subscription has already ended.").into())
            }
            (true, false, true) => {
                return Err(AppError::conflict("The subscription is already set to end.").into())
            }
            (false, false, false) => {
                return Err(AppError::conflict("The subscription is not set to end.").into())
            }
            (true, false, false) | (false, false, true) => {
                diesel::update(subscriptions::table.find(ctx.tenant_id))
                    .set((
                        subscriptions::cancel_at_period_end.eq(cancel),
                        subscriptions::updated_at.eq(diesel::dsl::now),
                    ))
                    .execute(conn)
                    .await?;
            }
            (false, true, _) => {
                let now = Utc::now();
                let end = now
                    .checked_add_months(chrono::Months::new(1))
                    .unwrap_or(now + chrono::Duration::days(30));
                diesel::update(subscriptions::table.find(ctx.tenant_id))
                    .set((
                        subscriptions::status.eq(SubscriptionStatus::Active),
                        subscriptions::period_start.eq(now),
                        subscriptions::period_end.eq(end),
                        subscriptions::canceled_at.eq(None::<chrono::DateTime<Utc>>),
                        subscriptions::cancel_at_period_end.eq(false),
                        subscriptions::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
        NewAuditEntry::by(
            ctx,
            if cancel {
                action::CANCELED
            } else {
                action::REACTIVATED
            },
        )
        .target("subscription", ctx.tenant_id)
        .details(serde_json::json!({ "plan": sub.plan_id, "period_end": sub.period_end }))
        .record(conn)
        .await?;
        Ok(subscription(conn, ctx.tenant_id).await?.view())
    })
    .await
}

/// Adds `quantity` to a tenant's cap on `meter` for its current period (platform admins).
pub async fn grant_allowance(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
    meter: Meter,
    quantity: i64,
    note: &str,
) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    if !(1..=1_000_000_000_000).contains(&quantity) {
        return Err(
            AppError::validation("quantity", "Grant between 1 and 1,000,000,000,000.").into(),
        );
    }
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 200 {
        return Err(AppError::validation("note", "Say why, in up to 200 characters.").into());
    }
    db.platform_tx(async |conn| {
        let sub = subscription(conn, tenant)
            .await
            .map_err(|_| AppError::validation("tenant", "There is no such organisation."))?;
        diesel::insert_into(usage_counters::table)
            .values((
                usage_counters::tenant_id.eq(tenant),
                usage_counters::meter.eq(meter),
                usage_counters::period_start.eq(sub.period()),
                usage_counters::allowance.eq(quantity),
            ))
            .on_conflict((
                usage_counters::tenant_id,
                usage_counters::meter,
                usage_counters::period_start,
            ))
            .do_update()
            .set(usage_counters::allowance.eq(usage_counters::allowance + quantity))
            .execute(conn)
            .await?;
        NewAuditEntry::new(
            tenant,
            Some(ctx.user_id),
            action::ALLOWANCE_GRANTED,
            &ctx.client,
        )
        .target("subscription", tenant)
        .details(serde_json::json!({
            "meter": meter.as_str(),
            "quantity": quantity,
            "period_start": sub.period(),
            "note": note,
        }))
        .record(conn)
        .await
    })
    .await
}

//! A tenant's subscription: its plan, status and the billing period usage counts against.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{SubscriptionStatus, SubscriptionView};
use models::{AppError, TenantId};
use platform::db::schema::subscriptions;
use platform::db::Conn;
use platform::Error;

/// The plan a canceled subscription falls back to.
pub const FALLBACK_PLAN: &str = "free";

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = subscriptions, check_for_backend(diesel::pg::Pg))]
pub struct SubscriptionRow {
    pub tenant_id: TenantId,
    pub plan_id: String,
    pub status: SubscriptionStatus,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    pub next_plan_id: Option<String>,
    pub seats: i32,
    pub tax_rate_bp: i32,
}

impl SubscriptionRow {
    /// The plan whose limits apply now: a canceled subscription has the free plan's.
    pub fn effective_plan(&self) -> &str {
        match self.status {
            SubscriptionStatus::Canceled => FALLBACK_PLAN,
            _ => &self.plan_id,
        }
    }

    /// The period usage is counted in (its first day, UTC).
    pub fn period(&self) -> NaiveDate {
        self.period_start.date_naive()
    }

    pub fn view(&self) -> SubscriptionView {
        SubscriptionView {
            plan_id: self.plan_id.clone(),
            status: self.status,
            period_start: self.period_start,
            period_end: self.period_end,
            trial_ends_at: self.trial_ends_at,
            cancel_at_period_end: self.cancel_at_period_end,
            next_plan_id: self.next_plan_id.clone(),
            seats: self.seats,
        }
    }
}

/// The tenant's subscription (every tenant has one from the moment it is created).
pub async fn subscription(conn: &mut Conn, tenant: TenantId) -> Result<SubscriptionRow, Error> {
    let row = subscriptions::table
        .find(tenant)
        .select(SubscriptionRow::as_select())
        .first(conn)
        .await
        .optional()?;
    row.ok_or_else(|| {
        tracing::error!(tenant = %tenant.0, "a tenant without a subscription");
        AppError::unavailable("Billing is not set up for this organisation; ask a platform admin.")
            .into()
    })
}

/// The same row locked for an update in this transaction.
pub async fn lock_subscription(
    conn: &mut Conn,
    tenant: TenantId,
) -> Result<SubscriptionRow, Error> {
    let row = subscriptions::table
        .find(tenant)
        .select(SubscriptionRow::as_select())
        .for_update()
        .first(conn)
        .await
        .optional()?;
    row.ok_or_else(|| AppError::not_found("subscription").into())
}

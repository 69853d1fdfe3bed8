//! Billing as it crosses the wire: meters, plans, the subscription and its usage.

use crate::sales::{format_money, str_enum};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod plan_input;
pub use plan_input::{micros_text, parse_micros, plan_id, AdminPlan, PlanChanges, PlanInput};

/// The billing page's path, under settings (the route and the sidebar entry use these).
pub const SEGMENT: &str = "billing";
pub const PATH: &str = "/settings/billing";
/// A link (not a form: `form-action 'self'` blocks a form's redirect to Stripe) that sends
/// an owner to Stripe's page for payment details.
pub const PAYMENT_DETAILS_PATH: &str = "/settings/billing/payment-details";

str_enum!(
    /// What billing counts.
    Meter {
        AgentRuns => "agent_runs", "Agent runs";
        LlmTokens => "llm_tokens", "LLM tokens";
        RecordsSynced => "records_synced", "Records synced";
        ApiCalls => "api_calls", "API calls";
    }
);

str_enum!(
    /// Where a subscription stands.
    SubscriptionStatus {
        Trialing => "trialing", "Trial";
        Active => "active", "Active";
        PastDue => "past_due", "Past due";
        Canceled => "canceled", "Canceled";
    }
);

/// What a plan includes of one meter.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanMeter {
    pub meter: Meter,
    /// None: unlimited.
    pub included: Option<i64>,
    /// The price of one unit past the included quantity, in millionths of the currency's
    /// major unit; None: the included quantity is a hard cap.
    pub overage_micros: Option<i64>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub monthly_price_minor: i64,
    pub included_seats: i32,
    /// None: no seats past the included ones.
    pub seat_price_minor: Option<i64>,
    /// None: any number of connections.
    pub connector_limit: Option<i32>,
    pub features: Vec<String>,
    pub trial_days: i32,
    pub offered: bool,
    pub meters: Vec<PlanMeter>,
}

impl PlanView {
    pub fn meter(&self, meter: Meter) -> Option<&PlanMeter> {
        self.meters.iter().find(|m| m.meter == meter)
    }

    pub fn price_label(&self) -> String {
        format!(
            "{} / month",
            format_money(self.monthly_price_minor, &self.currency, false)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub plan_id: String,
    pub status: SubscriptionStatus,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub cancel_at_period_end: bool,
    /// A downgrade waiting for the period's end.
    pub next_plan_id: Option<String>,
    pub seats: i32,
}

str_enum!(
    /// Where an invoice stands.
    InvoiceStatus {
        Draft => "draft", "Draft";
        Open => "open", "Open";
        Paid => "paid", "Paid";
        Void => "void", "Void";
    }
);

str_enum!(
    /// What an invoice line bills.
    InvoiceLineKind {
        Base => "base", "Plan";
        Seats => "seats", "Seats";
        Overage => "overage", "Overage";
        Proration => "proration", "Change of plan";
    }
);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub kind: InvoiceLineKind,
    pub description: String,
    pub quantity: i64,
    pub amount_minor: i64,
}

/// An issued invoice, or (status `Draft`, no number) the current period's so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceView {
    /// None for a draft (not stored).
    pub id: Option<uuid::Uuid>,
    pub number: String,
    pub plan_id: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub currency: String,
    pub lines: Vec<InvoiceLine>,
    pub subtotal_minor: i64,
    /// Basis points: 1,900 is 19 %.
    pub tax_rate_bp: i32,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub status: InvoiceStatus,
    pub issued_at: Option<DateTime<Utc>>,
}

impl InvoiceView {
    pub fn money(&self, minor: i64) -> String {
        format_money(minor, &self.currency, false)
    }

    /// `19 %`, `7.5 %`.
    pub fn tax_label(&self) -> String {
        let whole = self.tax_rate_bp / 100;
        match self.tax_rate_bp % 100 {
            0 => format!("{whole} %"),
            rest if rest % 10 == 0 => format!("{whole}.{} %", rest / 10),
            rest => format!("{whole}.{rest:02} %"),
        }
    }

    /// Where the printable invoice is served.
    pub fn href(&self) -> Option<String> {
        self.id.map(|id| format!("{PATH}/invoices/{id}"))
    }
}

/// One meter's use in the current period against the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeterUsage {
    pub meter: Meter,
    pub used: i64,
    /// Held for work under way.
    pub reserved: i64,
    /// Past which work is refused (included plus any allowance); None: no cap.
    pub cap: Option<i64>,
    /// The included quantity (None: unlimited).
    pub included: Option<i64>,
    /// Granted for this period on top of the plan.
    pub allowance: i64,
}

impl MeterUsage {
    /// The share of the cap (or of the included quantity) used, 0–100+.
    pub fn percent(&self) -> Option<u32> {
        let of = self.cap.or(self.included)?;
        if of <= 0 {
            return Some(if self.used > 0 { 100 } else { 0 });
        }
        Some(((self.used + self.reserved) as f64 * 100.0 / of as f64).round() as u32)
    }

    /// At or past 80 % of a hard cap.
    pub fn near_cap(&self) -> bool {
        self.cap.is_some() && self.percent().is_some_and(|p| p >= WARN_PERCENT)
    }
}

/// The share of a cap at which owners are warned.
pub const WARN_PERCENT: u32 = 80;

/// A tenant's billing page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BillingOverview {
    pub subscription: SubscriptionView,
    pub plan: PlanView,
    pub usage: Vec<MeterUsage>,
    /// The plans it can move to (on offer, in its currency), in their order.
    pub plans: Vec<PlanView>,
    /// Owners change the plan; admins see the page.
    pub can_manage: bool,
    /// This period's invoice so far (a draft; None during a trial or once ended).
    pub upcoming: Option<InvoiceView>,
    /// Issued invoices, newest first.
    pub invoices: Vec<InvoiceView>,
}

/// Payments through Stripe, as the Billing page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payments {
    /// Stripe is configured on this installation.
    pub configured: bool,
    /// The organisation's Stripe customer, once payments are set up.
    pub customer_id: Option<String>,
    /// Owners set payments up and open Stripe's page for payment details.
    pub can_manage: bool,
    /// Stripe's invoices, as its webhooks last said, newest first.
    pub invoices: Vec<StripeInvoiceView>,
}

/// A Stripe invoice, mirrored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StripeInvoiceView {
    pub id: String,
    pub number: Option<String>,
    /// Stripe's own: draft, open, paid, uncollectible or void.
    pub status: String,
    pub amount_due_minor: i64,
    pub amount_paid_minor: i64,
    /// Upper case, as our money is (`USD`).
    pub currency: String,
    /// Stripe's page for the invoice, where it can be paid.
    pub hosted_url: Option<String>,
}

/// When a change of plan takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TakesEffect {
    /// An upgrade: at once, the rest of the period prorated.
    Now,
    /// A downgrade: at the period's end.
    PeriodEnd,
}

/// What changing to another plan would do, shown before it is confirmed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanChangePreview {
    pub from_plan: String,
    pub to_plan: String,
    pub takes_effect: TakesEffect,
    pub currency: String,
    /// The unused part of the current plan, credited (≤ 0).
    pub credit_minor: i64,
    /// The new plan for the rest of the period (≥ 0).
    pub charge_minor: i64,
    /// What the next invoice adds: charge plus credit.
    pub net_minor: i64,
    /// Each new period from then on.
    pub next_period_minor: i64,
    /// Meters whose use this period is already past the new plan's cap.
    pub over_new_caps: Vec<Meter>,
    pub explanation: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sales::paths;

    #[test]
    fn the_path_is_the_settings_segment() {
        assert_eq!(PATH, paths::href(&[paths::SETTINGS, SEGMENT]));
    }

    #[test]
    fn usage_percent_counts_what_is_held() {
        let u = MeterUsage {
            meter: Meter::AgentRuns,
            used: 70,
            reserved: 10,
            cap: Some(100),
            included: Some(100),
            allowance: 0,
        };
        assert_eq!(u.percent(), Some(80));
        assert!(u.near_cap());
        let unlimited = MeterUsage {
            cap: None,
            included: None,
            ..u
        };
        assert_eq!(unlimited.percent(), None);
        assert!(!unlimited.near_cap());
    }
}

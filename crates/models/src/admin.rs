//! The admin console as it crosses the wire: organisations, people and the audit trail
//! across the installation. Only platform admins ever receive these.

use crate::billing::SubscriptionStatus;
use crate::sales::str_enum;
use crate::{AppError, Role, TenantId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub const PATH: &str = "/admin";
/// The console's sections, under [`PATH`]: one lazy route serves them all.
pub const TENANTS: &str = "tenants";
pub const USERS: &str = "users";
pub const ACTIVITY: &str = "activity";
pub const PLANS: &str = "plans";
pub const BILLING: &str = "billing";
/// The audit trail as CSV, with the same filters as the Activity page.
pub const ACTIVITY_CSV: &str = "/admin/activity.csv";
/// The most rows a list of organisations or people shows; a search narrows it.
pub const LIST_LIMIT: i64 = 200;
/// Audit entries per page of the explorer.
pub const AUDIT_PAGE: i64 = 50;

str_enum!(
    /// Which organisations a list shows.
    TenantState {
        Active => "active", "Active";
        Suspended => "suspended", "Suspended";
    }
);

str_enum!(
    /// Which people a list shows.
    UserState {
        Active => "active", "Active";
        Deactivated => "deactivated", "Deactivated";
        PlatformAdmins => "platform_admins", "Platform admins";
    }
);

/// One organisation in the console's list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminTenant {
    pub id: TenantId,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub members: i64,
    pub suspended_at: Option<DateTime<Utc>>,
    pub suspended_reason: Option<String>,
    /// From billing: the plan's name and the subscription's status.
    pub plan: Option<String>,
    pub status: Option<SubscriptionStatus>,
}

/// A member of an organisation, as the console's tenant page lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminMember {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub deactivated: bool,
}

/// An organisation as the console's tenant page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminTenantDetail {
    pub tenant: AdminTenant,
    pub members: Vec<AdminMember>,
    pub billing: crate::billing::BillingOverview,
    /// Per meter, its use per day over the last 30 days.
    pub daily: Vec<(crate::billing::Meter, Daily)>,
}

/// A person across the installation.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminUser {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub is_platform_admin: bool,
    pub deactivated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The organisations they belong to, by name.
    pub organisations: Vec<String>,
    pub last_sign_in: Option<DateTime<Utc>>,
}

/// What the audit explorer filters on; every field optional. The page keeps it in the URL
/// (`to_query`/`from_pairs`), so a filtered view can be bookmarked and exported.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// An organisation's id.
    #[serde(default)]
    pub tenant: String,
    /// The e-mail of whoever acted.
    #[serde(default)]
    pub actor: String,
    /// An exact action, such as `auth.signed_in`.
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub target_type: String,
    #[serde(default)]
    pub target_id: String,
    /// Days, inclusive, in UTC: `YYYY-MM-DD`.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// The keyset cursor: entries older than this one (see [`AuditCursor`]).
    #[serde(default)]
    pub before: String,
}

/// A filter checked and typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditCriteria {
    pub tenant: Option<TenantId>,
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub before: Option<AuditCursor>,
}

/// Where a page of the explorer ends: the last entry's time (microseconds) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditCursor {
    pub micros: i64,
    pub id: i64,
}

impl AuditCursor {
    pub fn encode(self) -> String {
        format!("{}.{}", self.micros, self.id)
    }

    pub fn parse(s: &str) -> Option<AuditCursor> {
        let (micros, id) = s.split_once('.')?;
        Some(AuditCursor {
            micros: micros.parse().ok()?,
            id: id.parse().ok()?,
        })
    }
}

fn trimmed(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn day(field: &str, s: &str) -> Result<Option<NaiveDate>, AppError> {
    match trimmed(s) {
        None => Ok(None),
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| AppError::validation(field, "is not a date: use YYYY-MM-DD.")),
    }
}

impl AuditFilter {
    /// Reads the filter from a URL's query pairs (unknown keys are ignored).
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> AuditFilter {
        let mut f = AuditFilter::default();
        for (k, v) in pairs {
            let slot = match k {
                "tenant" => &mut f.tenant,
                "actor" => &mut f.actor,
                "action" => &mut f.action,
                "target_type" => &mut f.target_type,
                "target_id" => &mut f.target_id,
                "from" => &mut f.from,
                "to" => &mut f.to,
                "before" => &mut f.before,
                _ => continue,
            };
            *slot = v.to_string();
        }
        f
    }

    /// The non-empty fields as a query string (without `?`), `before` included.
    pub fn to_query(&self) -> String {
        let fields = [
            ("tenant", &self.tenant),
            ("actor", &self.actor),
            ("action", &self.action),
            ("target_type", &self.target_type),
            ("target_id", &self.target_id),
            ("from", &self.from),
            ("to", &self.to),
            ("before", &self.before),
        ];
        fields
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| format!("{k}={}", crate::url::encode(v.trim())))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The same filter from its first page.
    pub fn first_page(&self) -> AuditFilter {
        AuditFilter {
            before: String::new(),
            ..self.clone()
        }
    }

    /// Checks every field; a bad one is a validation error naming it.
    pub fn criteria(&self) -> Result<AuditCriteria, AppError> {
        let tenant = match trimmed(&self.tenant) {
            None => None,
            Some(t) => Some(
                t.parse::<TenantId>()
                    .map_err(|_| AppError::validation("tenant", "is not an organisation id."))?,
            ),
        };
        let before = match trimmed(&self.before) {
            None => None,
            Some(b) => Some(
                AuditCursor::parse(&b)
                    .ok_or_else(|| AppError::validation("before", "is not a page cursor."))?,
            ),
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(AppError::validation("to", "is before the first day."));
            }
        }
        for (field, value, max) in [
            ("actor", &self.actor, 254),
            ("action", &self.action, 100),
            ("target_type", &self.target_type, 100),
            ("target_id", &self.target_id, 200),
        ] {
            if value.trim().chars().count() > max {
                return Err(AppError::validation(
                    field,
                    format!("is longer than {max} characters."),
                ));
            }
        }
        Ok(AuditCriteria {
            tenant,
            actor: trimmed(&self.actor).map(|a| a.to_lowercase()),
            action: trimmed(&self.action),
            target_type: trimmed(&self.target_type),
            target_id: trimmed(&self.target_id),
            from,
            to,
            before,
        })
    }
}

/// One audit entry, with the names behind its ids.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub tenant_id: Option<TenantId>,
    pub tenant_name: Option<String>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// The details object as compact JSON.
    pub details: String,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

/// A page of the explorer, newest first; `next` is the cursor of the following page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub next: Option<String>,
}

/// A count per day, oldest first: a trend chart's points.
pub type Daily = Vec<(NaiveDate, i64)>;

/// What the platform's own tables say (organisations, people, sign-ins, jobs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformFigures {
    pub tenants: i64,
    pub suspended: i64,
    pub users: i64,
    /// People who did anything recorded in the audit trail in the last 7 and 30 days.
    pub active_7d: i64,
    pub active_30d: i64,
    /// Background jobs finished in the last 7 days, and those of them that failed for good.
    pub jobs_finished_7d: i64,
    pub jobs_dead_7d: i64,
    /// Sign-ins per day over the last 30 days.
    pub sign_ins: Daily,
}

/// An amount in one currency.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub currency: String,
    pub minor: i64,
}

/// An invoice open past its due date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OverdueInvoice {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub number: String,
    pub total: Amount,
    pub issued_at: DateTime<Utc>,
}

/// A subscription in the console's billing list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminSubscription {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub plan: String,
    pub status: SubscriptionStatus,
    pub period_end: DateTime<Utc>,
    pub seats: i32,
    pub cancel_at_period_end: bool,
    /// A downgrade waiting for the period's end.
    pub next_plan: Option<String>,
    /// What it brings a month on its plan (price and extra seats), whatever its status.
    pub monthly: Amount,
}

/// An issued invoice in the console's billing list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminInvoice {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub number: String,
    pub period_start: DateTime<Utc>,
    pub period_end: DateTime<Utc>,
    pub total: Amount,
    pub status: crate::billing::InvoiceStatus,
    pub issued_at: DateTime<Utc>,
}

/// The console's billing section: subscriptions and invoices across organisations, each
/// list filtered by status and at most [`LIST_LIMIT`] long.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminBilling {
    pub subscriptions: Vec<AdminSubscription>,
    pub invoices: Vec<AdminInvoice>,
}

/// Revenue as billing knows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevenueFigures {
    /// Monthly recurring revenue per currency: each active or past-due subscription's plan
    /// price and extra seats (trials and ended subscriptions bring none).
    pub mrr: Vec<Amount>,
    pub paying: i64,
    pub trialing: i64,
    /// Subscriptions whose last payment failed (Stripe's webhooks say so).
    pub past_due: i64,
    /// Net revenue churn over the last 30 days, in basis points (see the page's definition);
    /// None without invoices to compare.
    pub net_churn_bp: Option<i64>,
    /// The recurring part (plan and seats) of the invoices of each month's periods, by
    /// `YYYY-MM`, the last 12 months, in the main currency.
    pub mrr_by_month: Vec<(String, i64)>,
    pub main_currency: String,
    /// Open invoices issued more than [`OVERDUE_DAYS`] days ago: payments that did not come.
    pub overdue: Vec<OverdueInvoice>,
}

/// Days after which an open invoice counts as a failed payment.
pub const OVERDUE_DAYS: i64 = 14;

/// One organisation's use of one meter this period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeterUse {
    pub tenant_id: TenantId,
    pub tenant_name: String,
    pub meter: crate::billing::Meter,
    pub used: i64,
    /// The plan's cap plus any allowance; None: no cap.
    pub cap: Option<i64>,
}

/// Usage across the installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageFigures {
    /// Per meter, its total per day over the last 30 days.
    pub daily: Vec<(crate::billing::Meter, Daily)>,
    /// The largest users of each meter this period.
    pub top: Vec<MeterUse>,
    /// Organisations past 80 % of a capped meter this period.
    pub near_cap: Vec<MeterUse>,
}

/// The console's overview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminDashboard {
    pub platform: PlatformFigures,
    pub revenue: RevenueFigures,
    pub usage: UsageFigures,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_survives_the_url_and_checks_its_fields() {
        let f = AuditFilter {
            action: "auth.signed_in".into(),
            from: "2026-12-01".into(),
            before: AuditCursor { micros: 5, id: 7 }.encode(),
            ..Default::default()
        };
        let q = f.to_query();
        let back = AuditFilter::from_pairs(
            q.split('&')
                .filter_map(|p| p.split_once('='))
                .collect::<Vec<_>>(),
        );
        assert_eq!(back, f);
        let c = back.criteria().expect("valid");
        assert_eq!(c.before, Some(AuditCursor { micros: 5, id: 7 }));
        assert_eq!(c.action.as_deref(), Some("auth.signed_in"));

        for (f, field) in [
            (
                AuditFilter {
                    tenant: "acme".into(),
                    ..Default::default()
                },
                "tenant",
            ),
            (
                AuditFilter {
                    from: "1/12/2026".into(),
                    ..Default::default()
                },
                "from",
            ),
            (
                AuditFilter {
                    from: "2026-12-02".into(),
                    to: "2026-12-01".into(),
                    ..Default::default()
                },
                "to",
            ),
            (
                AuditFilter {
                    before: "x".into(),
                    ..Default::default()
                },
                "before",
            ),
        ] {
            assert_eq!(f.criteria().expect_err("invalid").field(), Some(field));
        }
    }
}

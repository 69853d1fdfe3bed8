//! A plan as a platform admin types it in the console, and the rules it must meet. Numbers
//! travel as text so that a bad one is refused with its field named, and the same rules run
//! in the form and on the server.

use super::{Meter, PlanMeter, PlanView};
use crate::sales::parse_money;
use crate::AppError;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What an admin edits of a plan. Empty optional fields mean "none" (no extra seats, any
/// number of connections, unlimited use, no overage price: a hard cap).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanInput {
    /// A new plan's id (lowercase letters, digits, `-`, `_`); it never changes afterwards.
    pub id: String,
    pub name: String,
    pub currency: String,
    pub monthly_price: String,
    pub included_seats: String,
    pub seat_price: String,
    pub connector_limit: String,
    /// Feature flags, separated by commas or spaces.
    pub features: String,
    pub trial_days: String,
    pub position: String,
    pub offered: bool,
    pub agent_runs_included: String,
    pub agent_runs_overage: String,
    pub llm_tokens_included: String,
    pub llm_tokens_overage: String,
    pub records_synced_included: String,
    pub records_synced_overage: String,
    pub api_calls_included: String,
    pub api_calls_overage: String,
    /// When the plan was last saved, as the form saw it (RFC 3339); a later save in between
    /// is a conflict, not overwritten. Empty for a new plan.
    pub seen: String,
}

/// A plan as stored, after the rules (the insert of a new plan, or the update of one).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanChanges {
    pub name: String,
    pub currency: String,
    pub monthly_price_minor: i64,
    pub included_seats: i32,
    pub seat_price_minor: Option<i64>,
    pub connector_limit: Option<i32>,
    pub features: Vec<String>,
    pub trial_days: i32,
    pub position: i32,
    pub offered: bool,
    pub meters: Vec<PlanMeter>,
}

impl PlanChanges {
    /// The plan as it reads once stored under `id`.
    pub fn view(&self, id: &str) -> PlanView {
        PlanView {
            id: id.to_string(),
            name: self.name.clone(),
            currency: self.currency.clone(),
            monthly_price_minor: self.monthly_price_minor,
            included_seats: self.included_seats,
            seat_price_minor: self.seat_price_minor,
            connector_limit: self.connector_limit,
            features: self.features.clone(),
            trial_days: self.trial_days,
            offered: self.offered,
            meters: self.meters.clone(),
        }
    }
}

/// A plan in the console: the plan, how many organisations are on it, when it was saved.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminPlan {
    pub plan: PlanView,
    pub position: i32,
    /// Organisations whose subscription is on it, or moves to it at the period's end.
    pub subscribers: i64,
    pub updated_at: DateTime<Utc>,
}

pub const MAX_PLAN_NAME: usize = 60;
pub const MAX_TRIAL_DAYS: i32 = 90;
const MAX_FEATURES: usize = 20;

impl PlanInput {
    /// The form's fields for a plan as it is (editing starts from the stored figures).
    pub fn from_plan(p: &AdminPlan) -> Self {
        let plan = &p.plan;
        let mut input = PlanInput {
            id: plan.id.clone(),
            name: plan.name.clone(),
            currency: plan.currency.clone(),
            monthly_price: minor_text(plan.monthly_price_minor),
            included_seats: plan.included_seats.to_string(),
            seat_price: plan.seat_price_minor.map(minor_text).unwrap_or_default(),
            connector_limit: plan
                .connector_limit
                .map(|n| n.to_string())
                .unwrap_or_default(),
            features: plan.features.join(", "),
            trial_days: plan.trial_days.to_string(),
            position: p.position.to_string(),
            offered: plan.offered,
            seen: p
                .updated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
            ..Default::default()
        };
        for m in &plan.meters {
            let (included, overage) = input.meter_mut(m.meter);
            *included = m.included.map(|n| n.to_string()).unwrap_or_default();
            *overage = m.overage_micros.map(micros_text).unwrap_or_default();
        }
        input
    }

    /// The included quantity and the overage price typed for `meter`.
    pub fn meter(&self, meter: Meter) -> (&str, &str) {
        match meter {
            Meter::AgentRuns => (&self.agent_runs_included, &self.agent_runs_overage),
            Meter::LlmTokens => (&self.llm_tokens_included, &self.llm_tokens_overage),
            Meter::RecordsSynced => (&self.records_synced_included, &self.records_synced_overage),
            Meter::ApiCalls => (&self.api_calls_included, &self.api_calls_overage),
        }
    }

    fn meter_mut(&mut self, meter: Meter) -> (&mut String, &mut String) {
        match meter {
            Meter::AgentRuns => (&mut self.agent_runs_included, &mut self.agent_runs_overage),
            Meter::LlmTokens => (&mut self.llm_tokens_included, &mut self.llm_tokens_overage),
            Meter::RecordsSynced => (
                &mut self.records_synced_included,
                &mut self.records_synced_overage,
            ),
            Meter::ApiCalls => (&mut self.api_calls_included, &mut self.api_calls_overage),
        }
    }

    /// The plan to store, or the first field that breaks a rule.
    pub fn parse(&self) -> Result<PlanChanges, AppError> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(AppError::validation("name", "is required"));
        }
        if name.chars().count() > MAX_PLAN_NAME || name.chars().any(char::is_control) {
            return Err(AppError::validation(
                "name",
                format!("must be at most {MAX_PLAN_NAME} characters, with no control characters"),
            ));
        }
        let currency = self.currency.trim().to_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            return Err(AppError::validation(
                "currency",
                "must be a three-letter ISO 4217 code such as USD or EUR",
            ));
        }
        let monthly_price_minor = required("monthly_price", &self.monthly_price)
            .and_then(|v| parse_money("monthly_price", v))?;
        let included_seats = count("included_seats", &self.included_seats, 1, 1_000_000)?
            .ok_or_else(|| AppError::validation("included_seats", "is required (at least 1)"))?;
        let seat_price_minor = optional(&self.seat_price)
            .map(|v| parse_money("seat_price", v))
            .transpose()?;
        let connector_limit = count("connector_limit", &self.connector_limit, 0, 1000)?;
        let features = features(&self.features)?;
        let trial_days = count("trial_days", &self.trial_days, 0, MAX_TRIAL_DAYS)?.unwrap_or(0);
        let position = count("position", &self.position, 0, 1000)?.unwrap_or(0);
        let mut meters = Vec::with_capacity(Meter::ALL.len());
        for &meter in Meter::ALL {
            let (included, overage) = self.meter(meter);
            let field = |what: &str| format!("{}_{what}", meter.as_str());
            let included = optional(included)
                .map(|v| whole(&field("included"), v, 0, i64::MAX / 4))
                .transpose()?;
            let overage_micros = optional(overage)
                .map(|v| parse_micros(&field("overage"), v))
                .transpose()?;
            if included.is_none() && overage_micros.is_some() {
                return Err(AppError::validation(
                    field("overage"),
                    "needs an included quantity: with unlimited use there is nothing past it to price",
                ));
            }
            meters.push(PlanMeter {
                meter,
                included,
                overage_micros,
            });
        }
        Ok(PlanChanges {
            name: name.to_string(),
            currency,
            monthly_price_minor,
            included_seats,
            seat_price_minor,
            connector_limit,
            features,
            trial_days,
            position,
            offered: self.offered,
            meters,
        })
    }
}

/// A new plan's id: 2–32 of lowercase letters, digits, `-` and `_`, starting with a letter.
pub fn plan_id(value: &str) -> Result<String, AppError> {
    let id = value.trim();
    let mut chars = id.chars();
    let ok = (2..=32).contains(&id.len())
        && chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(id.to_string())
    } else {
        Err(AppError::validation(
            "id",
            "must be 2 to 32 lowercase letters, digits, '-' or '_', starting with a letter",
        ))
    }
}

fn optional(value: &str) -> Option<&str> {
    Some(value.trim()).filter(|v| !v.is_empty())
}

fn required<'a>(field: &str, value: &'a str) -> Result<&'a str, AppError> {
    optional(value).ok_or_else(|| AppError::validation(field, "is required"))
}

/// A whole number typed with or without thousands separators, within `min..=max`.
fn whole(field: &str, value: &str, min: i64, max: i64) -> Result<i64, AppError> {
    let cleaned: String = value
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '_'))
        .collect();
    let n: i64 = cleaned.parse().map_err(|_| {
        AppError::validation(
            field,
            format!("must be a whole number such as {}", min.max(1)),
        )
    })?;
    if n < min || n > max {
        return Err(AppError::validation(
            field,
            format!("must be between {min} and {max}"),
        ));
    }
    Ok(n)
}

/// An optional whole number that fits the `integer` columns.
fn count(field: &str, value: &str, min: i32, max: i32) -> Result<Option<i32>, AppError> {
    optional(value)
        .map(|v| whole(field, v, min.into(), max.into()).map(|n| n as i32))
        .transpose()
}

/// A price per unit in the currency's major unit, to six decimal places ("0.000002", "0.05").
pub fn parse_micros(field: &str, value: &str) -> Result<i64, AppError> {
    let bad = || {
        AppError::validation(
            field,
            "must be a price per unit such as 0.05 or 0.000002 (at most six decimals)",
        )
    };
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '$' | '€' | '£' | '_'))
        .collect();
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 6
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: i64 = format!("{frac:0<6}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(frac))
        .filter(|v| *v <= 1_000_000_000_000)
        .ok_or_else(|| AppError::validation(field, "is too large"))
}

fn features(value: &str) -> Result<Vec<String>, AppError> {
    let mut out: Vec<String> = Vec::new();
    for f in value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|f| !f.is_empty())
    {
        let f = f.to_lowercase();
        let mut chars = f.chars();
        let ok = f.len() <= 32
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            return Err(AppError::validation(
                "features",
                format!("{f:?} is not a feature flag: use lowercase letters, digits, '-' or '_'"),
            ));
        }
        if !out.contains(&f) {
            out.push(f);
        }
    }
    if out.len() > MAX_FEATURES {
        return Err(AppError::validation(
            "features",
            format!("at most {MAX_FEATURES} feature flags"),
        ));
    }
    Ok(out)
}

/// Minor units as the form shows them: `4900` → `49.00`.
fn minor_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

/// Micros as the form shows them, without trailing zeros: `50000` → `0.05`.
pub fn micros_text(micros: i64) -> String {
    let text = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Breaks one field of a good input.
    type Spoil = fn(&mut PlanInput);

    fn starter() -> PlanInput {
        PlanInput {
            name: " Starter ".into(),
            currency: "usd".into(),
            monthly_price: "49".into(),
            included_seats: "3".into(),
            seat_price: "19.00".into(),
            connector_limit: "1".into(),
            features: "agents, Agents automation".into(),
            trial_days: "14".into(),
            offered: true,
            agent_runs_included: "1,000".into(),
            agent_runs_overage: "0.05".into(),
            llm_tokens_included: "2000000".into(),
            llm_tokens_overage: "0.000002".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_typed_plan_becomes_minor_units_micros_and_limits() {
        let p = starter().parse().expect("valid");
        assert_eq!(p.name, "Starter");
        assert_eq!(p.currency, "USD");
        assert_eq!(p.monthly_price_minor, 4900);
        assert_eq!(p.seat_price_minor, Some(1900));
        assert_eq!(p.connector_limit, Some(1));
        assert_eq!(p.features, vec!["agents", "automation"]);
        assert_eq!(p.position, 0);
        let m = |meter| p.meters.iter().find(|m| m.meter == meter).cloned();
        assert_eq!(
            m(Meter::AgentRuns).map(|m| (m.included, m.overage_micros)),
            Some((Some(1000), Some(50_000)))
        );
        assert_eq!(
            m(Meter::LlmTokens).map(|m| (m.included, m.overage_micros)),
            Some((Some(2_000_000), Some(2)))
        );
        // Left empty: unlimited.
        assert_eq!(
            m(Meter::ApiCalls).map(|m| (m.included, m.overage_micros)),
            Some((None, None))
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        let cases: [(Spoil, &str); 12] = [
            (|i| i.name = "  ".into(), "name"),
            (|i| i.currency = "US".into(), "currency"),
            (|i| i.monthly_price = "".into(), "monthly_price"),
            (|i| i.monthly_price = "-5".into(), "monthly_price"),
            (|i| i.included_seats = "0".into(), "included_seats"),
            (|i| i.seat_price = "ten".into(), "seat_price"),
            (|i| i.connector_limit = "1.5".into(), "connector_limit"),
            (|i| i.features = "sso, Single Sign-On!".into(), "features"),
            (|i| i.trial_days = "91".into(), "trial_days"),
            (
                |i| i.agent_runs_included = "-1".into(),
                "agent_runs_included",
            ),
            (
                |i| i.llm_tokens_overage = "0.0000001".into(),
                "llm_tokens_overage",
            ),
            (
                |i| {
                    i.api_calls_included = String::new();
                    i.api_calls_overage = "0.01".into();
                },
                "api_calls_overage",
            ),
        ];
        for (spoil, field) in cases {
            let mut input = starter();
            spoil(&mut input);
            match input.parse() {
                Err(AppError::Validation { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn ids_prices_and_the_form_round_trip() {
        assert_eq!(plan_id(" team-2 ").as_deref(), Ok("team-2"));
        for bad in ["", "a", "2team", "Team", "team plan", &"x".repeat(33)] {
            assert!(plan_id(bad).is_err(), "{bad:?}");
        }
        assert_eq!(parse_micros("f", "1.5"), Ok(1_500_000));
        assert_eq!(parse_micros("f", ".000002"), Ok(2));
        assert_eq!(micros_text(50_000), "0.05");
        assert_eq!(micros_text(2_000_000), "2");
        let parsed = starter().parse().expect("valid");
        let plan = AdminPlan {
            plan: parsed.view("starter"),
            position: parsed.position,
            subscribers: 0,
            updated_at: Utc::now(),
        };
        assert_eq!(PlanInput::from_plan(&plan).parse(), Ok(parsed));
    }
}

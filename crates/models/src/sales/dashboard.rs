//! The dashboard: ten KPIs for a period and an owner scope, three charts, and "My day".

use super::activity::Task;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Week,
    Month,
    #[default]
    Quarter,
    Year,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Week, Period::Month, Period::Quarter, Period::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Period::Week => "Last 7 days",
            Period::Month => "Last 30 days",
            Period::Quarter => "Last 90 days",
            Period::Year => "Last 365 days",
        }
    }

    pub fn days(self) -> i64 {
        match self {
            Period::Week => 7,
            Period::Month => 30,
            Period::Quarter => 90,
            Period::Year => 365,
        }
    }

    pub fn parse(s: &str) -> Option<Period> {
        Period::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiUnit {
    /// Minor units of the tenant's currency.
    Money,
    /// Minor units per day.
    MoneyPerDay,
    /// A ratio, 0.0..=1.0 (or above, for coverage).
    Ratio,
    /// A multiple, such as coverage 3.2×.
    Multiple,
    Days,
    Hours,
    Count,
}

/// One KPI for the period and the one before it. `None`: not computable (no data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReading {
    pub key: String,
    pub label: String,
    pub definition: String,
    pub unit: KpiUnit,
    pub value: Option<f64>,
    pub previous: Option<f64>,
}

impl KpiReading {
    pub fn format(&self, v: Option<f64>, currency: &str) -> String {
        let Some(v) = v else {
            return "—".into();
        };
        match self.unit {
            KpiUnit::Money => super::format_money(v.round() as i64, currency, true),
            KpiUnit::MoneyPerDay => {
                format!(
                    "{}/day",
                    super::format_money(v.round() as i64, currency, true)
                )
            }
            KpiUnit::Ratio => format!("{:.1}%", v * 100.0),
            KpiUnit::Multiple => format!("{v:.1}×"),
            KpiUnit::Days => format!("{v:.1} days"),
            KpiUnit::Hours => format!("{v:.1} h"),
            KpiUnit::Count => {
                if v.fract() == 0.0 {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            }
        }
    }

    /// Short enough for a card: money compact (`$3.49M`, `$58.7K/day`), the rest as
    /// `format`. Show `format`'s exact value beside it (on hover) when the two differ.
    pub fn format_compact(&self, v: Option<f64>, currency: &str) -> String {
        match (self.unit, v) {
            (KpiUnit::Money, Some(v)) => super::format_money_compact(v.round() as i64, currency),
            (KpiUnit::MoneyPerDay, Some(v)) => format!(
                "{}/day",
                super::format_money_compact(v.round() as i64, currency)
            ),
            _ => self.format(v, currency),
        }
    }

    /// The change against the previous period, e.g. "+12.5% vs previous", or why there is none.
    pub fn change(&self) -> String {
        match (self.value, self.previous) {
            (Some(v), Some(p)) if p != 0.0 => {
                let pct = (v - p) / p.abs() * 100.0;
                format!("{pct:+.1}% vs previous period")
            }
            (Some(0.0), Some(_)) => "unchanged vs previous period".into(),
            (Some(_), _) => "no figure for the previous period".into(),
            _ => "no data in this period".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartBar {
    pub label: String,
    pub value: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub label: String,
    pub won: i64,
    pub lost: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    pub period: Period,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// "mine" or "team".
    pub scope: String,
    pub currency: String,
    pub kpis: Vec<KpiReading>,
    /// Open amount by stage.
    pub pipeline_by_stage: Vec<ChartBar>,
    /// Deals won and lost, by month.
    pub won_lost: Vec<TrendPoint>,
    /// Leads created in the period, by how far they got.
    pub funnel: Vec<ChartBar>,
    /// The signed-in user's open tasks due today or earlier.
    pub my_day: Vec<Task>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(unit: KpiUnit) -> KpiReading {
        KpiReading {
            key: "k".into(),
            label: "K".into(),
            definition: String::new(),
            unit,
            value: None,
            previous: None,
        }
    }

    #[test]
    fn money_kpis_are_compact_on_the_card_and_exact_beside_it() {
        let money = reading(KpiUnit::Money);
        assert_eq!(money.format_compact(Some(349_150_000.0), "USD"), "$3.49M");
        assert_eq!(money.format(Some(349_150_000.0), "USD"), "$3,491,500");
        let per_day = reading(KpiUnit::MoneyPerDay);
        assert_eq!(
            per_day.format_compact(Some(5_872_800.0), "USD"),
            "$58.7K/day"
        );
        assert_eq!(per_day.format(Some(5_872_800.0), "USD"), "$58,728/day");
        let ratio = reading(KpiUnit::Ratio);
        assert_eq!(ratio.format_compact(Some(0.25), "USD"), "25.0%");
        assert_eq!(money.format_compact(None, "USD"), "—");
    }
}

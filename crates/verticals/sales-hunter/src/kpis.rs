//! The ten KPIs, computed from a period's facts. Pure functions: the dashboard gathers the
//! facts with a few aggregate queries (`dashboard.rs`), the maths is here and unit-tested on
//! hand-computed fixtures.

use models::sales::dashboard::{KpiReading, KpiUnit};
use models::vertical::KpiDefinition;

/// What one period (for one owner scope) contributes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeriodFacts {
    /// Deals open at the end of the period: how many, their amount and weighted amount.
    pub open_count: i64,
    pub open_amount_minor: i64,
    pub open_weighted_minor: f64,
    /// Deals closed in the period.
    pub won_count: i64,
    pub lost_count: i64,
    pub won_amount_minor: i64,
    /// Median days from creation to a win, over deals won in the period.
    pub median_cycle_days: Option<f64>,
    /// Leads created in the period, and how many of them became opportunities.
    pub leads_created: i64,
    pub leads_converted: i64,
    /// Median hours from a lead's creation to its first activity (leads created in the period).
    pub median_response_hours: Option<f64>,
    /// Activities logged in the period, and the reps they are shared among.
    pub activities: i64,
    pub reps: i64,
    /// The quota for a period of this length (minor units); 0 when none is set.
    pub quota_minor: i64,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

pub fn win_rate(f: &PeriodFacts) -> Option<f64> {
    ratio(f.won_count as f64, (f.won_count + f.lost_count) as f64)
}

pub fn average_deal_size(f: &PeriodFacts) -> Option<f64> {
    ratio(f.won_amount_minor as f64, f.won_count as f64)
}

/// Open deals × win rate × average deal size ÷ cycle length: expected revenue per day.
pub fn pipeline_velocity(f: &PeriodFacts) -> Option<f64> {
    let cycle = f.median_cycle_days.filter(|d| *d > 0.0)?;
    Some(f.open_count as f64 * win_rate(f)? * average_deal_size(f)? / cycle)
}

pub fn lead_conversion(f: &PeriodFacts) -> Option<f64> {
    ratio(f.leads_converted as f64, f.leads_created as f64)
}

pub fn activities_per_rep(f: &PeriodFacts) -> Option<f64> {
    ratio(f.activities as f64, f.reps as f64)
}

pub fn pipeline_coverage(f: &PeriodFacts) -> Option<f64> {
    ratio(f.open_amount_minor as f64, f.quota_minor as f64)
}

/// The value of KPI `key` for a period.
pub fn value(key: &str, f: &PeriodFacts) -> Option<f64> {
    match key {
        "pipeline_value" => Some(f.open_amount_minor as f64),
        "weighted_pipeline" => Some(f.open_weighted_minor),
        "win_rate" => win_rate(f),
        "average_deal_size" => average_deal_size(f),
        "sales_cycle" => f.median_cycle_days,
        "pipeline_velocity" => pipeline_velocity(f),
        "lead_conversion" => lead_conversion(f),
        "lead_response_time" => f.median_response_hours,
        "activities_per_rep" => activities_per_rep(f),
        "pipeline_coverage" => pipeline_coverage(f),
        _ => None,
    }
}

pub fn unit(key: &str) -> KpiUnit {
    match key {
        "pipeline_value" | "weighted_pipeline" | "average_deal_size" => KpiUnit::Money,
        "pipeline_velocity" => KpiUnit::MoneyPerDay,
        "win_rate" | "lead_conversion" => KpiUnit::Ratio,
        "pipeline_coverage" => KpiUnit::Multiple,
        "sales_cycle" => KpiUnit::Days,
        "lead_response_time" => KpiUnit::Hours,
        _ => KpiUnit::Count,
    }
}

/// Every defined KPI for the period beside the one before it.
pub fn readings(
    defs: &[KpiDefinition],
    current: &PeriodFacts,
    previous: &PeriodFacts,
) -> Vec<KpiReading> {
    defs.iter()
        .map(|d| KpiReading {
            key: d.key.clone(),
            label: d.label.clone(),
            definition: d.definition.clone(),
            unit: unit(&d.key),
            value: value(&d.key, current),
            previous: value(&d.key, previous),
        })
        .collect()
}

/// The median of `values` (the mean of the middle two for an even count).
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SalesHunter;
    use platform::verticals::Vertical;

    /// A quarter worked out by hand: 4 open deals worth 100k (weighted 45k); 3 won (10k,
    /// 20k, 30k; cycles 10, 20, 60 days) and 1 lost; 20 leads, 5 converted, responses after
    /// 1, 2, 4 and 9 hours; 60 activities among 3 reps; a 50k quota.
    fn quarter() -> PeriodFacts {
        PeriodFacts {
            open_count: 4,
            open_amount_minor: 10_000_000,
            open_weighted_minor: 4_500_000.0,
            won_count: 3,
            lost_count: 1,
            won_amount_minor: 6_000_000,
            median_cycle_days: median(&mut [60.0, 10.0, 20.0]),
            leads_created: 20,
            leads_converted: 5,
            median_response_hours: median(&mut [9.0, 1.0, 4.0, 2.0]),
            activities: 60,
            reps: 3,
            quota_minor: 5_000_000,
        }
    }

    #[test]
    fn hand_computed_quarter() {
        let f = quarter();
        assert_eq!(value("pipeline_value", &f), Some(10_000_000.0));
        assert_eq!(value("weighted_pipeline", &f), Some(4_500_000.0));
        assert_eq!(value("win_rate", &f), Some(0.75));
        assert_eq!(value("average_deal_size", &f), Some(2_000_000.0));
        assert_eq!(value("sales_cycle", &f), Some(20.0));
        // 4 × 0.75 × 20,000 ÷ 20 days = 3,000 a day.
        assert_eq!(value("pipeline_velocity", &f), Some(300_000.0));
        assert_eq!(value("lead_conversion", &f), Some(0.25));
        assert_eq!(value("lead_response_time", &f), Some(3.0));
        assert_eq!(value("activities_per_rep", &f), Some(20.0));
        assert_eq!(value("pipeline_coverage", &f), Some(2.0));
    }

    #[test]
    fn empty_periods_have_no_figures_rather_than_zeros() {
        let f = PeriodFacts::default();
        for key in [
            "win_rate",
            "average_deal_size",
            "sales_cycle",
            "pipeline_velocity",
            "lead_conversion",
            "lead_response_time",
            "activities_per_rep",
            "pipeline_coverage",
        ] {
            assert_eq!(value(key, &f), None, "{key}");
        }
        assert_eq!(value("pipeline_value", &f), Some(0.0));
    }

    #[test]
    fn every_defined_kpi_is_computed_and_compared() {
        let defs = SalesHunter.kpis();
        let mut prev = quarter();
        prev.won_count = 1;
        let r = readings(&defs, &quarter(), &prev);
        assert_eq!(r.len(), 10);
        assert!(r.iter().all(|k| k.value.is_some()), "{r:?}");
        let win = r.iter().find(|k| k.key == "win_rate").expect("ok");
        assert_eq!(win.previous, Some(0.5));
        assert_eq!(win.change(), "+50.0% vs previous period");
    }
}

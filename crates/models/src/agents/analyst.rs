//! The Pipeline Analyst: its configuration (risk thresholds, how far back to backtest) and
//! its report (stage conversion and durations, velocity, three forecasts each with its
//! track record, deal risks).

use super::settings::CommonSettings;
use crate::error::AppError;
use crate::OpportunityId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RiskThresholds {
    /// No activity on the deal for this many days.
    pub quiet_days: u16,
    /// The close date moved later at least this many times.
    pub pushes: u16,
    /// In its stage longer than this percentile of the stage's past durations.
    pub stall_percentile: u8,
    /// The amount fell by at least this share of its highest, in percent.
    pub amount_cut_percent: u8,
    /// Flag deals with at most one contact.
    pub single_threaded: bool,
}

impl Default for RiskThresholds {
    fn default() -> Self {
        RiskThresholds {
            quiet_days: 14,
            pushes: 2,
            stall_percentile: 75,
            amount_cut_percent: 20,
            single_threaded: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalystConfig {
    pub common: CommonSettings,
    pub risks: RiskThresholds,
    /// Past quarters each forecast method is backtested on.
    pub backtest_quarters: u8,
}

impl AnalystConfig {
    pub fn validate(&self) -> Result<(), AppError> {
        let r = &self.risks;
        if !(1..=365).contains(&r.quiet_days) {
            return Err(AppError::validation(
                "risks.quiet_days",
                "Must be 1 to 365 days.",
            ));
        }
        if !(1..=20).contains(&r.pushes) {
            return Err(AppError::validation("risks.pushes", "Must be 1 to 20."));
        }
        if !(50..=99).contains(&r.stall_percentile) {
            return Err(AppError::validation(
                "risks.stall_percentile",
                "Must be 50 to 99.",
            ));
        }
        if !(1..=100).contains(&r.amount_cut_percent) {
            return Err(AppError::validation(
                "risks.amount_cut_percent",
                "Must be 1 to 100.",
            ));
        }
        if !(1..=12).contains(&self.backtest_quarters) {
            return Err(AppError::validation(
                "backtest_quarters",
                "Must be 1 to 12 quarters.",
            ));
        }
        Ok(())
    }
}

/// One open stage's record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageStats {
    pub stage: String,
    /// Deals that were ever in the stage and have closed since.
    pub closed_after: i64,
    pub won_after: i64,
    /// won / closed, percent; none before any closed.
    pub conversion_percent: Option<f64>,
    /// Days deals spent in the stage (stays that ended).
    pub median_days: Option<f64>,
    pub p75_days: Option<f64>,
}

/// Pipeline velocity: open deals × average won amount × win rate ÷ average cycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    pub open_deals: i64,
    pub average_won_minor: i64,
    pub win_rate_percent: f64,
    pub cycle_days: f64,
    pub per_day_minor: i64,
}

/// One forecast method for the current quarter with its track record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// `weighted`, `category`, `statistical`.
    pub method: String,
    pub label: String,
    pub definition: String,
    pub amount_minor: i64,
    /// Past quarters: (quarter, forecast at its start, what was won in it).
    pub backtest: Vec<(String, i64, i64)>,
    /// Mean absolute error over those quarters, percent of what was won; none without any.
    pub error_percent: Option<f64>,
}

/// A deal that needs attention, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealRisk {
    pub id: OpportunityId,
    pub name: String,
    pub amount_minor: i64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PipelineReport {
    pub quarter: String,
    pub currency: String,
    pub stages: Vec<StageStats>,
    pub velocity: Velocity,
    pub forecasts: Vec<Forecast>,
    /// Commit, best case (commit + best case) and the whole pipeline closing this quarter.
    pub roll_up: (i64, i64, i64),
    pub risks: Vec<DealRisk>,
}

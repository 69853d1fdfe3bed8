//! What the Agents page shows.

use super::icp::ProspectorConfig;
use super::run::{RunStatus, RunSummary};
use super::settings::{ConfigVersion, ProviderOption, StoredKey};
use super::AgentKind;
use crate::AgentRunId;
use serde::{Deserialize, Serialize};

/// One agent's card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentCard {
    pub kind: AgentKind,
    pub enabled: bool,
    pub provider: String,
    pub model: String,
    pub temperature: f32,
    pub version: i32,
    /// Whether this server runs it yet.
    pub available: bool,
    /// What a bulk run can cover (none: the agent has no bulk runs).
    pub scopes: Vec<super::automation::BulkScope>,
    /// The record events it can run on.
    pub events: Vec<super::automation::WorkflowEvent>,
    pub automation: super::automation::Automation,
    /// The latest bulk run of its records.
    pub bulk: Option<super::automation::BulkRunView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentsOverview {
    pub cards: Vec<AgentCard>,
    pub recent_runs: Vec<RunSummary>,
    pub monthly_limit_micros: Option<i64>,
    pub spent_micros: i64,
    pub can_configure: bool,
    pub can_set_budget: bool,
}

/// The bulk rescore's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkProgress {
    pub done: i64,
    pub total: i64,
    /// `running`, `finished`, `failed`, `superseded`.
    pub state: String,
}

/// The Prospector's settings page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProspectorPage {
    pub version: i32,
    pub config: ProspectorConfig,
    pub max_fit: i16,
    pub history: Vec<ConfigVersion>,
    pub providers: Vec<ProviderOption>,
    pub keys: Vec<StoredKey>,
    pub keys_enabled: bool,
    pub bulk: Option<BulkProgress>,
    pub can_configure: bool,
    /// Records to preview the prompt against: (`lead:<id>`, its name).
    pub preview_subjects: Vec<(String, String)>,
}

/// How a run ended, for the page that asked for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    pub id: AgentRunId,
    pub status: RunStatus,
    /// The brief, or the output as JSON.
    pub text: String,
    pub error: String,
}

/// The Pipeline Analyst's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalystPage {
    pub version: i32,
    pub config: super::analyst::AnalystConfig,
    pub report: super::analyst::PipelineReport,
    pub history: Vec<ConfigVersion>,
    pub can_configure: bool,
}

/// The Pipeline Analyst's thresholds as a plain form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AnalystForm {
    pub quiet_days: String,
    pub pushes: String,
    pub stall_percentile: String,
    pub amount_cut_percent: String,
    #[serde(default)]
    pub single_threaded: Option<String>,
    pub backtest_quarters: String,
    #[serde(default)]
    pub note: String,
}

impl AnalystForm {
    pub fn from_config(c: &super::analyst::AnalystConfig) -> AnalystForm {
        AnalystForm {
            quiet_days: c.risks.quiet_days.to_string(),
            pushes: c.risks.pushes.to_string(),
            stall_percentile: c.risks.stall_percentile.to_string(),
            amount_cut_percent: c.risks.amount_cut_percent.to_string(),
            single_threaded: c.risks.single_threaded.then(|| "on".to_string()),
            backtest_quarters: c.backtest_quarters.to_string(),
            note: String::new(),
        }
    }

    /// The thresholds applied to `config`; errors name the inputs.
    pub fn apply(
        &self,
        mut config: super::analyst::AnalystConfig,
    ) -> Result<super::analyst::AnalystConfig, crate::AppError> {
        fn num<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, crate::AppError> {
            s.trim()
                .parse()
                .map_err(|_| crate::AppError::validation(field, "Must be a whole number."))
        }
        config.risks.quiet_days = num("quiet_days", &self.quiet_days)?;
        config.risks.pushes = num("pushes", &self.pushes)?;
        config.risks.stall_percentile = num("stall_percentile", &self.stall_percentile)?;
        config.risks.amount_cut_percent = num("amount_cut_percent", &self.amount_cut_percent)?;
        config.risks.single_threaded = self
            .single_threaded
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "off");
        config.backtest_quarters = num("backtest_quarters", &self.backtest_quarters)?;
        Ok(config)
    }
}

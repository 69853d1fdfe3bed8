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

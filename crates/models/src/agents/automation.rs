//! Agent runs nobody clicked: a bulk run over many records through the job queue, a
//! schedule that starts one, and record events that start a run on that record.

use super::run::RunTrigger;
use crate::sales::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    /// How often an agent's scheduled bulk run starts (at the first worker tick of the
    /// period, in UTC).
    ScheduleEvery {
        Off => "off", "Never";
        Daily => "daily", "Every day";
        Weekly => "weekly", "Every Monday";
    }
);

str_enum!(
    /// A record event an agent can run on; the run is about that record.
    WorkflowEvent {
        LeadCreated => "lead_created", "A lead is created";
        ActivityLogged => "activity_logged", "An activity is logged on a lead or deal";
    }
);

/// Which records a bulk run covers, as an agent names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkScope {
    pub key: String,
    pub label: String,
}

/// An agent's automation as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Automation {
    pub schedule: ScheduleEvery,
    /// The scope the schedule runs over (one of the agent's).
    pub scope: String,
    pub run_on: Vec<WorkflowEvent>,
    /// Who saved it: scheduled and workflow runs act as them.
    pub updated_by: String,
}

impl Default for Automation {
    fn default() -> Self {
        Automation {
            schedule: ScheduleEvery::Off,
            scope: String::new(),
            run_on: Vec::new(),
            updated_by: String::new(),
        }
    }
}

/// A bulk run's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkRunView {
    pub id: Uuid,
    pub trigger: RunTrigger,
    pub scope: String,
    pub total: i64,
    pub done: i64,
    pub failed: i64,
    /// `running`, `finished`, `failed`, `stopped` (the budget, a member gone), `canceled`.
    pub state: String,
    pub error: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl BulkRunView {
    pub fn running(&self) -> bool {
        self.state == "running"
    }

    /// `12 of 40 · 1 failed`.
    pub fn progress(&self) -> String {
        let failed = if self.failed > 0 {
            format!(" · {} failed", self.failed)
        } else {
            String::new()
        };
        format!("{} of {}{failed}", self.done, self.total)
    }
}

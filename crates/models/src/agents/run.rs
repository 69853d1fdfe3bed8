//! The run ledger as pages show it.

use crate::sales::str_enum;
use crate::{AgentRunId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

str_enum!(
    RunTrigger {
        Manual => "manual", "Manual";
        Workflow => "workflow", "Workflow";
        Schedule => "schedule", "Schedule";
        Bulk => "bulk", "Bulk";
    }
);

str_enum!(
    RunStatus {
        Succeeded => "succeeded", "Succeeded";
        Failed => "failed", "Failed";
        Refused => "refused", "Refused";
    }
);

str_enum!(
    SubjectKind {
        Lead => "lead", "Lead";
        Opportunity => "opportunity", "Deal";
        Tenant => "tenant", "Whole pipeline";
    }
);

/// What a run is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSubject {
    pub kind: SubjectKind,
    pub id: Option<Uuid>,
}

impl RunSubject {
    /// A subject as a form names it: `lead`, `opportunity` or `tenant`, and an id (empty
    /// for the tenant).
    pub fn parse(kind: &str, id: &str) -> Result<RunSubject, crate::AppError> {
        let kind = SubjectKind::parse(kind.trim()).ok_or_else(|| {
            crate::AppError::validation(
                "subject_kind",
                "Runs are about a lead, a deal or the pipeline.",
            )
        })?;
        let id = match id.trim() {
            "" => None,
            t => Some(
                t.parse()
                    .map_err(|_| crate::AppError::validation("subject_id", "This is not an id."))?,
            ),
        };
        Ok(RunSubject { kind, id })
    }
}

/// A run in the history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    pub id: AgentRunId,
    pub agent: super::AgentKind,
    pub config_version: i32,
    pub trigger: RunTrigger,
    pub subject: RunSubject,
    /// The subject's name when it still exists.
    pub subject_name: String,
    pub provider: String,
    pub model: String,
    pub status: RunStatus,
    pub tokens_in: i32,
    pub tokens_out: i32,
    pub cost_micros: i64,
    pub latency_ms: i32,
    pub created_at: DateTime<Utc>,
    pub replay_of: Option<AgentRunId>,
}

/// A run with everything it saw and said.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDetail {
    pub summary: RunSummary,
    pub inputs: String,
    pub prompt: String,
    pub raw_answer: String,
    pub output: String,
    pub error: String,
    pub created_by: Option<UserId>,
}

/// `$0.000450` for micro-dollars: runs cost fractions of a cent.
pub fn format_micros(micros: i64) -> String {
    if micros == 0 {
        return "$0".into();
    }
    format!("${}.{:06}", micros / 1_000_000, micros % 1_000_000)
}

/// Dollars as typed (`25`, `7.50`, `$1,000`) in micro-dollars; empty for none.
pub fn parse_dollars(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim().trim_start_matches('$').replace([',', ' '], "");
    if t.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 6
    {
        return Err("Write an amount in dollars, such as 25 or 7.50.".into());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole
            .parse()
            .map_err(|_| "That amount is too large.".to_string())?
    };
    let frac: i64 = format!("{frac:0<6}").parse().unwrap_or(0);
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(frac))
        .map(Some)
        .ok_or_else(|| "That amount is too large.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_parse_to_micro_dollars() {
        assert_eq!(parse_dollars(""), Ok(None));
        assert_eq!(parse_dollars("25"), Ok(Some(25_000_000)));
        assert_eq!(parse_dollars("$1,000.5"), Ok(Some(1_000_500_000)));
        assert_eq!(parse_dollars("0.000450"), Ok(Some(450)));
        assert!(parse_dollars("-3").is_err());
        assert!(parse_dollars("abc").is_err());
        assert_eq!(format_micros(450), "$0.000450");
    }
}

//! What the agents are worth to an organisation: hours saved, pipeline influenced, and the
//! win rate of the deals they touched against the rest. Each figure's definition travels
//! with it, so every page shows how it is counted.

use super::AgentKind;
use serde::{Deserialize, Serialize};

/// The days of agent runs the hours saved count.
pub const ROI_DAYS: i64 = 90;

pub const HOURS_DEFINITION: &str = "Successful agent runs in the last 90 days, times the minutes a person would spend on each (set per agent by the platform's admins).";
pub const INFLUENCED_DEFINITION: &str = "The amount of open and won deals whose history includes an agent's output: a run about the deal itself, or about the lead it was converted from.";
pub const WIN_RATE_DEFINITION: &str = "Won deals as a share of closed (won or lost) ones: those an agent touched, as above, against all the others.";

/// One agent's share of the hours saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTime {
    pub agent: AgentKind,
    pub runs: i64,
    pub minutes_per_run: i32,
}

/// Won of closed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinRate {
    pub won: i64,
    pub closed: i64,
}

impl WinRate {
    /// Basis points; None with nothing closed.
    pub fn bp(self) -> Option<i64> {
        (self.closed > 0).then(|| self.won * 10_000 / self.closed)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoiView {
    pub agents: Vec<AgentTime>,
    /// Tenths of an hour.
    pub hours_saved_tenths: i64,
    /// In the organisation's currency (deals in another currency are left out).
    pub currency: String,
    pub influenced_minor: i64,
    pub influenced_deals: i64,
    pub touched: WinRate,
    pub rest: WinRate,
}

impl RoiView {
    pub fn hours_saved(&self) -> String {
        format!(
            "{}.{}",
            self.hours_saved_tenths / 10,
            self.hours_saved_tenths % 10
        )
    }
}

/// Tenths of an hour from runs and minutes per run, rounded to the nearest tenth.
pub fn hours_tenths(agents: &[AgentTime]) -> i64 {
    let minutes: i64 = agents
        .iter()
        .map(|a| a.runs * i64::from(a.minutes_per_run))
        .sum();
    (minutes + 3) / 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_are_runs_times_minutes_in_tenths() {
        let agents = [
            AgentTime {
                agent: AgentKind::Prospector,
                runs: 7,
                minutes_per_run: 10,
            },
            AgentTime {
                agent: AgentKind::PipelineAnalyst,
                runs: 1,
                minutes_per_run: 30,
            },
        ];
        assert_eq!(hours_tenths(&agents), 17, "100 minutes is 1.7 hours");
        assert_eq!(WinRate { won: 1, closed: 3 }.bp(), Some(3333));
        assert_eq!(WinRate::default().bp(), None);
    }
}

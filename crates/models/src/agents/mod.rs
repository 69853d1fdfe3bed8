//! Agents: what crosses the wire between the Agents page and the runtime.

pub mod analyst;
pub mod automation;
pub mod form;
pub mod icp;
pub mod live;
pub mod qualifier;
pub mod roi;
pub mod run;
pub mod settings;
pub mod views;

use crate::sales::str_enum;

str_enum!(
    AgentKind {
        Prospector => "prospector", "Prospector";
        Qualifier => "qualifier", "Qualifier";
        PipelineAnalyst => "pipeline_analyst", "Pipeline Analyst";
    }
);

impl AgentKind {
    /// What the agent does, in a line for its card.
    pub fn purpose(self) -> &'static str {
        match self {
            AgentKind::Prospector => {
                "Scores every lead against your ideal customer profile, point by point, and writes a research brief."
            }
            AgentKind::Qualifier => {
                "Tracks BANT and MEDDPICC per lead and deal from notes and activities, with the evidence."
            }
            AgentKind::PipelineAnalyst => {
                "Conversion, velocity, three forecasts with their track record, and deal risks."
            }
        }
    }
}

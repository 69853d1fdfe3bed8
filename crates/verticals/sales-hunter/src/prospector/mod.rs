//! The Prospector: scores every lead against the tenant's ideal customer profile (fit),
//! what the lead did (engagement) and both combined, with a grade and every point
//! explained; and, as an agent run, writes a research brief for the rep.

pub mod agent;
pub mod core;
pub mod decay;
pub mod eval;
pub mod manage;
pub mod rescore;

pub use agent::Prospector;
pub use decay::RescoreEngagedLeads;
pub use rescore::{rescore_leads, start_bulk_rescore, RescoreAllLeads};

use models::agents::icp::{Icp, ProspectorConfig, Scoring};
use models::agents::settings::{CommonSettings, ModelSettings};
use models::agents::AgentKind;
use platform::db::Conn;
use platform::Error;

pub const SYSTEM_PROMPT: &str =
    "You are the Prospector, a research assistant for a B2B sales rep. \
Write a short research brief about one lead: what we know, the gaps to fill, and a suggested \
first angle for the first conversation. Use only the data given; never invent facts. Plain \
text, at most 120 words.";

pub const PROMPT: &str =
    "The lead:\n{{ lead }}\n\nIts score and every reason for it:\n{{ score }}\n\n\
What we do not know yet:\n{{ gaps }}\n\nRecent activities:\n{{ activities }}\n\nWrite the brief.";

pub fn default_config() -> ProspectorConfig {
    ProspectorConfig {
        common: CommonSettings {
            enabled: true,
            model: ModelSettings::default(),
            system_prompt: SYSTEM_PROMPT.into(),
            prompt: PROMPT.into(),
        },
        icp: Icp::default(),
        scoring: Scoring::default(),
    }
}

/// The profile in use (the defaults until a tenant saves its own).
pub async fn load_config(conn: &mut Conn) -> Result<ProspectorConfig, Error> {
    match agents::config::current(conn, AgentKind::Prospector).await? {
        Some(row) => serde_json::from_value(row.config).map_err(|e| {
            Error::Corrupt(format!("the Prospector's configuration does not read: {e}"))
        }),
        None => Ok(default_config()),
    }
}

//! The agent runtime: an agent is a kind, a per-tenant versioned configuration, a
//! deterministic core in Rust and an optional model part. This crate holds what every
//! agent shares — the `Agent` trait and registry, configurations and their versions,
//! sealed provider keys, the monthly budget, the run ledger and the run itself — and
//! calls models through `llm`. The agents themselves live in their vertical.

pub mod agent;
pub mod automation;
pub mod budget;
pub mod config;
pub mod keys;
pub mod ledger;
pub mod live;
pub mod manage;
pub mod run;
pub mod template;

pub use agent::{
    narrative, typed_config, validated_config, Agent, AgentRegistry, Applied, BoxFuture,
    BulkRecords, Prepared,
};
pub use live::start_live_run;
pub use llm::OutputSchema;
pub use run::{run_agent, RunOutcome, RunRequest, RunWatcher};

use llm::{EgressPolicy, HttpSettings, ProviderRegistry};
use platform::secrets::SecretKey;

/// The agents, providers and limits a server runs with, filled at start-up (`server`).
#[derive(Clone)]
pub struct AgentHub {
    pub agents: AgentRegistry,
    pub providers: ProviderRegistry,
    /// Which hosts tenants may point providers at (`LLM_ALLOWED_HOSTS`).
    pub policy: EgressPolicy,
    /// Seals provider keys (`CONNECTOR_KEY`); without it only keyless providers work.
    pub key: Option<SecretKey>,
    pub http: HttpSettings,
}

//! The agents and LLM providers this server offers, the hosts tenants may point providers
//! at, and the key that seals provider keys. A new agent or provider is registered here.

use crate::Config;
use agents::{AgentHub, AgentRegistry};
use llm::{EgressPolicy, HttpSettings, ProviderRegistry};
use platform::secrets::SecretKey;

pub fn hub(config: &Config) -> AgentHub {
    AgentHub {
        agents: AgentRegistry::new()
            .agent(sales_hunter::prospector::Prospector)
            .agent(sales_hunter::qualifier::Qualifier)
            .agent(sales_hunter::analyst::PipelineAnalyst),
        providers: ProviderRegistry::standard(),
        // Both were checked when the configuration was read.
        policy: EgressPolicy::parse(&config.llm_allowed_hosts).unwrap_or_default(),
        key: config
            .connector_key
            .as_deref()
            .and_then(|k| SecretKey::from_hex(k).ok()),
        http: HttpSettings::default(),
    }
}

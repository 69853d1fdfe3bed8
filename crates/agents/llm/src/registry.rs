//! The providers a server offers, by kind, filled at start-up by the composition root
//! (`server`): a new provider is a struct implementing `LlmProvider` and one `register` line.

use crate::egress::EgressPolicy;
use crate::error::ProviderError;
use crate::http::HttpSettings;
use crate::provider::{BoxFuture, LlmProvider};
use std::collections::BTreeMap;

/// Where and how to reach a provider for one run.
pub struct ProviderTarget {
    pub base_url: String,
    /// Empty when the endpoint needs none (a local server).
    pub api_key: String,
    pub policy: EgressPolicy,
    pub http: HttpSettings,
}

pub type Factory =
    fn(ProviderTarget) -> BoxFuture<'static, Result<Box<dyn LlmProvider>, ProviderError>>;

#[derive(Clone, Copy)]
pub struct ProviderInfo {
    pub kind: &'static str,
    pub display_name: &'static str,
    /// Empty for the built-in provider.
    pub default_base_url: &'static str,
    pub needs_key: bool,
    pub factory: Factory,
}

#[derive(Clone, Default)]
pub struct ProviderRegistry {
    providers: BTreeMap<&'static str, ProviderInfo>,
}

impl ProviderRegistry {
    /// The three stock providers.
    pub fn standard() -> ProviderRegistry {
        ProviderRegistry::default()
            .register(ProviderInfo {
                kind: "builtin",
                display_name: "Built-in (offline, no key)",
                default_base_url: "",
                needs_key: false,
                factory: |_| {
                    Box::pin(async {
                        Ok(Box::new(crate::builtin::Builtin) as Box<dyn LlmProvider>)
                    })
                },
            })
            .register(ProviderInfo {
                kind: "openai",
                display_name: "OpenAI-compatible",
                default_base_url: crate::openai::DEFAULT_BASE_URL,
                needs_key: false,
                factory: |t| {
                    Box::pin(async move {
                        let p =
                            crate::openai::OpenAi::open(&t.base_url, t.api_key, &t.policy, t.http)
                                .await?;
                        Ok(Box::new(p) as Box<dyn LlmProvider>)
                    })
                },
            })
            .register(ProviderInfo {
                kind: "anthropic",
                display_name: "Anthropic",
                default_base_url: crate::anthropic::DEFAULT_BASE_URL,
                needs_key: true,
                factory: |t| {
                    Box::pin(async move {
                        let p = crate::anthropic::Anthropic::open(
                            &t.base_url,
                            t.api_key,
                            &t.policy,
                            t.http,
                        )
                        .await?;
                        Ok(Box::new(p) as Box<dyn LlmProvider>)
                    })
                },
            })
    }

    pub fn register(mut self, info: ProviderInfo) -> ProviderRegistry {
        self.providers.insert(info.kind, info);
        self
    }

    pub fn get(&self, kind: &str) -> Option<&ProviderInfo> {
        self.providers.get(kind)
    }

    pub fn all(&self) -> impl Iterator<Item = &ProviderInfo> {
        self.providers.values()
    }

    /// A provider ready for one run.
    pub async fn open(
        &self,
        kind: &str,
        target: ProviderTarget,
    ) -> Result<Box<dyn LlmProvider>, ProviderError> {
        let info = self
            .get(kind)
            .ok_or_else(|| ProviderError::HostRefused(format!("no provider of kind `{kind}`")))?;
        (info.factory)(target).await
    }
}

//! LLM providers behind one trait: the built-in offline provider (the default),
//! OpenAI-compatible chat completions and Anthropic's messages API. No database: the agent
//! runtime (`agents`) owns configurations, keys and the run ledger and calls through here.

pub mod anthropic;
pub mod builtin;
pub mod egress;
pub mod error;
pub mod http;
pub mod openai;
pub mod prices;
pub mod provider;
pub mod registry;
pub mod sse;

pub use reqwest::Url;

pub use egress::EgressPolicy;
pub use error::ProviderError;
pub use http::HttpSettings;
pub use provider::{ChatRequest, Completion, LlmProvider, Message, OutputSchema, Role, TextSink};
pub use registry::{ProviderRegistry, ProviderTarget};

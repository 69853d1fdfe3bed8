//! The part of every agent's configuration that says how it talks to a model.

use serde::{Deserialize, Serialize};

/// Which provider, where, which model, how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSettings {
    /// `builtin`, `openai`, `anthropic`.
    pub provider: String,
    /// Empty for the provider's own (and for the built-in provider).
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub model: String,
    pub temperature: f32,
    pub max_tokens: u32,
}

impl Default for ModelSettings {
    fn default() -> Self {
        ModelSettings {
            provider: "builtin".into(),
            base_url: String::new(),
            model: String::new(),
            temperature: 0.2,
            max_tokens: 400,
        }
    }
}

/// What every agent's configuration holds besides its own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommonSettings {
    pub enabled: bool,
    pub model: ModelSettings,
    /// The system prompt: the agent's role and rules. Record data never goes here.
    pub system_prompt: String,
    /// The user prompt, a template over the run's variables (`{{ lead }}`, `{{ score }}`, …).
    pub prompt: String,
}

/// A configuration version as the history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigVersion {
    pub version: i32,
    pub note: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The configuration, pretty-printed JSON.
    pub config: String,
    /// What changed from the version before (`icp.regions: [] → ["Germany"]`).
    pub changes: Vec<String>,
}

/// A provider the server offers, for the provider select.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderOption {
    pub kind: String,
    pub display_name: String,
    pub default_base_url: String,
    pub needs_key: bool,
}

/// A stored key, as the browser may see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredKey {
    pub provider: String,
    pub base_url: String,
    /// The last four characters.
    pub hint: String,
}

/// A prompt as a run would send it, rendered against a record (or the sample data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromptPreview {
    /// The record's name, or "Sample data".
    pub subject_name: String,
    pub system: String,
    pub prompt: String,
}

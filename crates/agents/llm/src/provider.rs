//! The one trait every LLM provider implements, and the values that cross it.

use crate::error::ProviderError;
use std::future::Future;
use std::pin::Pin;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where streamed text goes as it arrives (a run's live narrative); `None` for no streaming.
pub type TextSink<'a> = Option<&'a (dyn Fn(&str) + Send + Sync)>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

#[derive(Clone, Debug)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

/// The JSON an answer must be: the schema is sent to providers that enforce it and checked
/// again on our side by the caller.
#[derive(Clone, Debug)]
pub struct OutputSchema {
    pub name: &'static str,
    pub schema: serde_json::Value,
}

/// One request to a model.
#[derive(Clone, Debug)]
pub struct ChatRequest {
    pub model: String,
    pub system: String,
    pub messages: Vec<Message>,
    pub temperature: f32,
    pub max_tokens: u32,
    pub output: Option<OutputSchema>,
    /// What the built-in provider answers: the agent's own text (or JSON) written from
    /// its deterministic core, so a run with no model still says something true.
    pub builtin_answer: String,
}

impl ChatRequest {
    /// The request's text as one string, for the run ledger.
    pub fn rendered(&self) -> String {
        let mut out = format!("[system]\n{}\n", self.system);
        for m in &self.messages {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            out.push_str(&format!("\n[{role}]\n{}\n", m.content));
        }
        out
    }
}

/// A finished answer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Completion {
    pub text: String,
    pub tokens_in: u32,
    pub tokens_out: u32,
    /// The model that answered, as the provider names it.
    pub model: String,
    /// Why generation stopped (`stop`, `length`, `end_turn`, `max_tokens`, …).
    pub finish: String,
}

/// A provider of completions. `complete` streams text to `sink` as it is written when a
/// sink is given, and returns the whole answer either way.
pub trait LlmProvider: Send + Sync {
    /// `builtin`, `openai`, `anthropic`.
    fn kind(&self) -> &'static str;
    fn complete<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: TextSink<'a>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>>;
}

//! The built-in provider: offline, deterministic, no key, the default. It answers with the
//! text the agent wrote from its own deterministic core (`ChatRequest::builtin_answer`), so
//! a fresh install gives true, explainable output with no account anywhere. Streaming sends
//! that text a word at a time, as a model would.

use crate::error::ProviderError;
use crate::provider::{BoxFuture, ChatRequest, Completion, LlmProvider, TextSink};

pub struct Builtin;

pub const MODEL: &str = "built-in";

impl LlmProvider for Builtin {
    fn kind(&self) -> &'static str {
        "builtin"
    }

    fn complete<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: TextSink<'a>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(async move {
            if let Some(sink) = sink {
                for word in request.builtin_answer.split_inclusive(' ') {
                    sink(word);
                }
            }
            Ok(Completion {
                text: request.builtin_answer.clone(),
                tokens_in: 0,
                tokens_out: 0,
                model: MODEL.to_string(),
                finish: "stop".to_string(),
            })
        })
    }
}

//! Anthropic's messages API (`POST {base}/messages`, `x-api-key`, `anthropic-version`).
//! Structured output: the schema goes into the system prompt and the answer is checked on
//! our side (the caller retries once with the validation error). Streaming through SSE:
//! `message_start` (input tokens), `content_block_delta` (text), `message_delta` (output
//! tokens, stop reason), `error` (an error after the status line was already 200).

use crate::egress::EgressPolicy;
use crate::error::ProviderError;
use crate::http::{error_message, tokens, Endpoint, HttpSettings};
use crate::provider::{BoxFuture, ChatRequest, Completion, LlmProvider, Role, TextSink};
use serde_json::{json, Value};

pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com/v1/";
const API_VERSION: &str = "2023-06-01";

pub struct Anthropic {
    endpoint: Endpoint,
    api_key: String,
}

impl Anthropic {
    pub async fn open(
        base_url: &str,
        api_key: String,
        policy: &EgressPolicy,
        settings: HttpSettings,
    ) -> Result<Anthropic, ProviderError> {
        Ok(Anthropic {
            endpoint: Endpoint::open(base_url, policy, settings).await?,
            api_key,
        })
    }

    fn body(request: &ChatRequest, stream: bool) -> Value {
        let messages: Vec<Value> = request
            .messages
            .iter()
            .map(|m| {
                let role = match m.role {
                    Role::User => "user",
                    Role::Assistant => "assistant",
                };
                json!({"role": role, "content": m.content})
            })
            .collect();
        let mut system = request.system.clone();
        if let Some(output) = &request.output {
            system.push_str(&format!(
                "\n\nAnswer with one JSON object and nothing else. It must match this JSON schema:\n{}",
                output.schema
            ));
        }
        json!({
            "model": request.model,
            "system": system,
            "messages": messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stream": stream,
        })
    }

    async fn run(
        &self,
        request: &ChatRequest,
        sink: TextSink<'_>,
    ) -> Result<Completion, ProviderError> {
        let url = self.endpoint.url("messages")?;
        let body = Self::body(request, sink.is_some());
        let build = || {
            self.endpoint
                .client
                .post(url.clone())
                .header("x-api-key", &self.api_key)
                .header("anthropic-version", API_VERSION)
                .json(&body)
        };
        let response = self.endpoint.send(build, error_message).await?;
        match sink {
            None => parse_answer(&self.endpoint.json(response).await?),
            Some(sink) => self.read_stream(response, sink).await,
        }
    }

    async fn read_stream(
        &self,
        response: reqwest::Response,
        sink: &(dyn Fn(&str) + Send + Sync),
    ) -> Result<Completion, ProviderError> {
        let mut done = Completion::default();
        let mut stopped = false;
        self.endpoint
            .events(response, |event| {
                let data: Value = serde_json::from_str(&event.data).map_err(|e| {
                    ProviderError::Malformed(format!("a streamed event is not JSON ({e})"))
                })?;
                match data["type"].as_str().unwrap_or(event.name.as_str()) {
                    "message_start" => {
                        let message = &data["message"];
                        done.model = message["model"].as_str().unwrap_or_default().to_string();
                        done.tokens_in = input_tokens(&message["usage"]);
                    }
                    "content_block_delta" => {
                        if let Some(text) = data["delta"]["text"].as_str() {
                            sink(text);
                            done.text.push_str(text);
                        }
                    }
                    "message_delta" => {
                        if let Some(reason) = data["delta"]["stop_reason"].as_str() {
                            done.finish = reason.to_string();
                        }
                        done.tokens_out = tokens(&data["usage"]["output_tokens"]);
                    }
                    "message_stop" => stopped = true,
                    "error" => return Err(stream_error(&data["error"])),
                    _ => {}
                }
                Ok(())
            })
            .await?;
        if !stopped {
            return Err(ProviderError::Malformed(
                "the stream ended before the answer did".into(),
            ));
        }
        Ok(done)
    }
}

/// Input tokens in all: Anthropic counts tokens read from or written to its prompt cache
/// apart from `input_tokens`.
fn input_tokens(usage: &Value) -> u32 {
    tokens(&usage["input_tokens"])
        .saturating_add(tokens(&usage["cache_read_input_tokens"]))
        .saturating_add(tokens(&usage["cache_creation_input_tokens"]))
}

/// An `error` event: the same kinds as the HTTP errors, arriving inside a 200 stream.
fn stream_error(error: &Value) -> ProviderError {
    let message = error["message"].as_str().unwrap_or("an error").to_string();
    match error["type"].as_str().unwrap_or_default() {
        "overloaded_error" => ProviderError::Overloaded {
            message,
            retry_after: None,
        },
        "rate_limit_error" => ProviderError::RateLimited {
            message,
            retry_after: None,
        },
        "authentication_error" | "permission_error" => ProviderError::Unauthorized(message),
        "api_error" => ProviderError::Server {
            status: 500,
            message,
            retry_after: None,
        },
        _ => ProviderError::Rejected {
            status: 400,
            message,
        },
    }
}

fn parse_answer(v: &Value) -> Result<Completion, ProviderError> {
    if v["type"] == "error" {
        return Err(stream_error(&v["error"]));
    }
    let blocks = v["content"]
        .as_array()
        .ok_or_else(|| ProviderError::Malformed("the answer has no content".into()))?;
    let text: String = blocks
        .iter()
        .filter(|b| b["type"] == "text")
        .filter_map(|b| b["text"].as_str())
        .collect();
    Ok(Completion {
        text,
        tokens_in: input_tokens(&v["usage"]),
        tokens_out: tokens(&v["usage"]["output_tokens"]),
        model: v["model"].as_str().unwrap_or_default().to_string(),
        finish: v["stop_reason"].as_str().unwrap_or_default().to_string(),
    })
}

impl LlmProvider for Anthropic {
    fn kind(&self) -> &'static str {
        "anthropic"
    }

    fn complete<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: TextSink<'a>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(self.run(request, sink))
    }
}

//! OpenAI-compatible chat completions (`POST {base}/chat/completions`): OpenAI, Azure's v1
//! API, Ollama, vLLM, llama.cpp, LM Studio. Structured output through `response_format`
//! with a JSON schema; streaming through SSE with the usage in the last chunk.

use crate::egress::EgressPolicy;
use crate::error::ProviderError;
use crate::http::{error_message, tokens, Endpoint, HttpSettings};
use crate::provider::{BoxFuture, ChatRequest, Completion, LlmProvider, Role, TextSink};
use serde_json::{json, Value};

pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1/";

pub struct OpenAi {
    endpoint: Endpoint,
    api_key: String,
}

impl OpenAi {
    pub async fn open(
        base_url: &str,
        api_key: String,
        policy: &EgressPolicy,
        settings: HttpSettings,
    ) -> Result<OpenAi, ProviderError> {
        Ok(OpenAi {
            endpoint: Endpoint::open(base_url, policy, settings).await?,
            api_key,
        })
    }

    fn body(request: &ChatRequest, stream: bool) -> Value {
        let mut messages = vec![json!({"role": "system", "content": request.system})];
        for m in &request.messages {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            messages.push(json!({"role": role, "content": m.content}));
        }
        let mut body = json!({
            "model": request.model,
            "messages": messages,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
            "stream": stream,
        });
        if stream {
            body["stream_options"] = json!({"include_usage": true});
        }
        if let Some(output) = &request.output {
            body["response_format"] = json!({
                "type": "json_schema",
                "json_schema": {"name": output.name, "strict": true, "schema": output.schema},
            });
        }
        body
    }

    async fn run(
        &self,
        request: &ChatRequest,
        sink: TextSink<'_>,
    ) -> Result<Completion, ProviderError> {
        let url = self.endpoint.url("chat/completions")?;
        let body = Self::body(request, sink.is_some());
        let build = || {
            let mut r = self.endpoint.client.post(url.clone()).json(&body);
            if !self.api_key.is_empty() {
                r = r.bearer_auth(&self.api_key);
            }
            r
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
        let mut finished = false;
        self.endpoint
            .events(response, |event| {
                if event.data.trim() == "[DONE]" {
                    finished = true;
                    return Ok(());
                }
                let chunk: Value = serde_json::from_str(&event.data).map_err(|e| {
                    ProviderError::Malformed(format!("a streamed chunk is not JSON ({e})"))
                })?;
                if chunk.get("error").is_some() {
                    return Err(ProviderError::Server {
                        status: 500,
                        message: error_message(&event.data),
                        retry_after: None,
                    });
                }
                if let Some(model) = chunk["model"].as_str() {
                    done.model = model.to_string();
                }
                if let Some(choice) = chunk["choices"].get(0) {
                    if let Some(text) = choice["delta"]["content"].as_str() {
                        sink(text);
                        done.text.push_str(text);
                    }
                    if let Some(reason) = choice["finish_reason"].as_str() {
                        done.finish = reason.to_string();
                    }
                }
                if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
                    done.tokens_in = tokens(&usage["prompt_tokens"]);
                    done.tokens_out = tokens(&usage["completion_tokens"]);
                }
                Ok(())
            })
            .await?;
        if !finished && done.finish.is_empty() {
            return Err(ProviderError::Malformed(
                "the stream ended before the answer did".into(),
            ));
        }
        Ok(done)
    }
}

/// A non-streamed chat completion.
fn parse_answer(v: &Value) -> Result<Completion, ProviderError> {
    let choice = v["choices"]
        .get(0)
        .ok_or_else(|| ProviderError::Malformed("the answer has no choices".into()))?;
    if let Some(refusal) = choice["message"]["refusal"].as_str() {
        return Err(ProviderError::Rejected {
            status: 200,
            message: format!("the model refused: {refusal}"),
        });
    }
    let text = choice["message"]["content"]
        .as_str()
        .ok_or_else(|| ProviderError::Malformed("the answer has no text".into()))?;
    Ok(Completion {
        text: text.to_string(),
        tokens_in: tokens(&v["usage"]["prompt_tokens"]),
        tokens_out: tokens(&v["usage"]["completion_tokens"]),
        model: v["model"].as_str().unwrap_or_default().to_string(),
        finish: choice["finish_reason"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    })
}

impl LlmProvider for OpenAi {
    fn kind(&self) -> &'static str {
        "openai"
    }

    fn complete<'a>(
        &'a self,
        request: &'a ChatRequest,
        sink: TextSink<'a>,
    ) -> BoxFuture<'a, Result<Completion, ProviderError>> {
        Box::pin(self.run(request, sink))
    }
}

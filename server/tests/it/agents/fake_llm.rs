//! A fake LLM server on loopback for what a real one will not do on demand: 429 with
//! `Retry-After`, 5xx, Anthropic's 529 `overloaded_error` with its exact body, malformed
//! JSON, a stream cut short or failing midway, a slow first byte. Unscripted calls get a
//! well-formed answer in the shape of the path's API (OpenAI chat completions or Anthropic
//! messages), streamed when asked.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ANSWER: &str = "Hello from the fake";

#[derive(Debug, Clone)]
pub enum Scripted {
    /// This status, these headers, this body.
    Status(u16, Vec<(&'static str, String)>, String),
    /// 200 with this body as JSON's content type.
    Body(String),
    /// 200 with these SSE events (`(event name, data)`), then the connection closes.
    Stream(Vec<(&'static str, String)>),
    /// Wait this long before the headers, then answer normally.
    Delay(Duration),
}

#[derive(Default)]
pub struct Calls {
    pub script: VecDeque<Scripted>,
    /// (path, request body) of every call.
    pub seen: Vec<(String, Value)>,
}

pub struct FakeLlm {
    pub base_url: String,
    pub port: u16,
    pub state: Arc<Mutex<Calls>>,
}

impl FakeLlm {
    pub async fn start() -> FakeLlm {
        let state = Arc::new(Mutex::new(Calls::default()));
        let app = Router::new()
            .route("/v1/chat/completions", post(openai))
            .route("/v1/messages", post(anthropic))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeLlm {
            base_url: format!("http://127.0.0.1:{port}/v1/"),
            port,
            state,
        }
    }

    pub fn script(&self, answers: impl IntoIterator<Item = Scripted>) {
        self.state.lock().expect("fake").script.extend(answers);
    }

    pub fn calls(&self) -> usize {
        self.state.lock().expect("fake").seen.len()
    }

    pub fn last_body(&self) -> Value {
        let calls = self.state.lock().expect("fake");
        calls
            .seen
            .last()
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    }
}

type Shared = State<Arc<Mutex<Calls>>>;

async fn next(state: &Arc<Mutex<Calls>>, path: &str, body: &Value) -> Option<Response> {
    let scripted = {
        let mut calls = state.lock().expect("fake");
        calls.seen.push((path.to_string(), body.clone()));
        calls.script.pop_front()
    };
    match scripted? {
        Scripted::Status(status, headers, body) => {
            let mut r = (
                StatusCode::from_u16(status).expect("status"),
                [("content-type", "application/json")],
                body,
            )
                .into_response();
            for (k, v) in headers {
                r.headers_mut().insert(k, v.parse().expect("header"));
            }
            Some(r)
        }
        Scripted::Body(body) => {
            Some(([("content-type", "application/json")], body).into_response())
        }
        Scripted::Stream(events) => Some(sse(events)),
        Scripted::Delay(d) => {
            tokio::time::sleep(d).await;
            None
        }
    }
}

fn sse(events: Vec<(&'static str, String)>) -> Response {
    let text: String = events
        .into_iter()
        .map(|(name, data)| {
            if name.is_empty() {
                format!("data: {data}\n\n")
            } else {
                format!("event: {name}\ndata: {data}\n\n")
            }
        })
        .collect();
    ([("content-type", "text/event-stream")], Body::from(text)).into_response()
}

async fn openai(State(state): Shared, _h: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = next(&state, "chat/completions", &body).await {
        return r;
    }
    if body["stream"] == true {
        let mut events: Vec<(&'static str, String)> = ANSWER
            .split_inclusive(' ')
            .map(|w| ("", json!({"model": "fake-gpt", "choices": [{"index": 0, "delta": {"content": w}, "finish_reason": null}]}).to_string()))
            .collect();
        events.push(("", json!({"model": "fake-gpt", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}).to_string()));
        events.push(("", json!({"model": "fake-gpt", "choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 4}}).to_string()));
        events.push(("", "[DONE]".to_string()));
        return sse(events);
    }
    Json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "model": "fake-gpt",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16}
    }))
    .into_response()
}

async fn anthropic(State(state): Shared, _h: HeaderMap, Json(body): Json<Value>) -> Response {
    if let Some(r) = next(&state, "messages", &body).await {
        return r;
    }
    if body["stream"] == true {
        let mut events = vec![(
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_1", "type": "message", "role": "assistant", "model": "fake-claude", "content": [], "usage": {"input_tokens": 12, "output_tokens": 1}}}).to_string(),
        )];
        events.push(("content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}).to_string()));
        events.push(("ping", json!({"type": "ping"}).to_string()));
        for w in ANSWER.split_inclusive(' ') {
            events.push(("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": w}}).to_string()));
        }
        events.push((
            "content_block_stop",
            json!({"type": "content_block_stop", "index": 0}).to_string(),
        ));
        events.push(("message_delta", json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 4}}).to_string()));
        events.push(("message_stop", json!({"type": "message_stop"}).to_string()));
        return sse(events);
    }
    Json(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "fake-claude",
        "content": [{"type": "text", "text": ANSWER}], "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 12, "output_tokens": 4}
    }))
    .into_response()
}

/// Anthropic's documented error body.
/// A whole OpenAI chat completion saying `content`, with this usage.
pub fn chat_answer(content: &str, tokens_in: u32, tokens_out: u32) -> Scripted {
    Scripted::Body(
        json!({"model": "gpt-4o-mini", "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
               "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out}})
        .to_string(),
    )
}

pub fn anthropic_error(kind: &str, message: &str) -> String {
    json!({"type": "error", "error": {"type": kind, "message": message}}).to_string()
}

/// OpenAI's documented error body.
pub fn openai_error(message: &str, kind: &str) -> String {
    json!({"error": {"message": message, "type": kind, "param": null, "code": null}}).to_string()
}

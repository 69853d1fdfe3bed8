//! The JSON API with API keys: keys made by admins, shown once, hashed, revoked at once and
//! gone with their member; a key of one organisation never reaching another's records; the
//! records' lists, reads and writes with the pages' rules; rate limits, the `api_calls`
//! meter and its cap; the admin API for platform admins' keys only; the OpenAPI document.

mod keys;
mod limits;
mod openapi;
mod records;

use crate::harness::TestApp;
use app::api::api_keys::CreateApiKey;
use models::api_keys::CreatedApiKey;
use models::AppError;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde_json::Value;

/// An answer of the API: status, headers and the JSON body (`Null` when empty).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    /// The body as the `AppError` it is.
    pub fn error(&self) -> AppError {
        serde_json::from_value(self.body.clone())
            .unwrap_or_else(|e| panic!("not an AppError ({e}): {}", self.body))
    }
}

/// One call of the API as a tool makes it: a bearer key, JSON, no cookie, no Origin.
pub(crate) async fn call(
    app: &TestApp,
    key: Option<&str>,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Answer {
    let method: reqwest::Method = method.parse().expect("method");
    let mut req = app.http.request(method, format!("{}{path}", app.base));
    if let Some(k) = key {
        req = req.bearer_auth(k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request");
    let (status, headers) = (res.status(), res.headers().clone());
    let text = res.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status} not JSON: {text}"))
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) async fn get(app: &TestApp, key: &str, path: &str) -> Answer {
    call(app, Some(key), "GET", path, None).await
}

/// A key made through the server function, as the settings page makes it.
pub(crate) async fn make_key(
    app: &TestApp,
    session: &str,
    scope: &str,
    rate: &str,
) -> Result<CreatedApiKey, AppError> {
    app.invoke(
        Some(session),
        CreateApiKey {
            name: format!("{scope} tool"),
            scope: scope.into(),
            rate_per_minute: rate.into(),
        },
    )
    .await
}

pub(crate) async fn key(app: &TestApp, session: &str, scope: &str) -> String {
    make_key(app, session, scope, "")
        .await
        .expect("a key")
        .secret
}

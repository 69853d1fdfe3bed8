//! The HTTP part every remote provider shares: a client pinned to the addresses the egress
//! policy approved (no redirects), timeouts, and retries on 429, 529 and 5xx that honour
//! `Retry-After`.

use crate::egress::EgressPolicy;
use crate::error::ProviderError;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode, Url};
use std::time::Duration;

/// Timeouts and retries for one provider.
#[derive(Clone, Debug)]
pub struct HttpSettings {
    pub connect_timeout: Duration,
    /// Until the response headers arrive (a slow first byte).
    pub first_byte_timeout: Duration,
    /// Between two pieces of a streamed body.
    pub idle_timeout: Duration,
    pub max_attempts: u32,
    /// A `Retry-After` longer than this is not waited for: the error is returned.
    pub max_retry_wait: Duration,
    /// The wait before the second attempt when the provider names none; doubled after.
    pub backoff: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            connect_timeout: Duration::from_secs(10),
            first_byte_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(30),
            max_attempts: 3,
            max_retry_wait: Duration::from_secs(30),
            backoff: Duration::from_millis(500),
        }
    }
}

/// A base URL the policy allowed, with a client that can only reach it.
pub struct Endpoint {
    pub base: Url,
    pub client: reqwest::Client,
    pub settings: HttpSettings,
}

impl Endpoint {
    pub async fn open(
        base_url: &str,
        policy: &EgressPolicy,
        settings: HttpSettings,
    ) -> Result<Endpoint, ProviderError> {
        let mut base = Url::parse(base_url.trim())
            .map_err(|_| ProviderError::HostRefused("the base URL is not a URL".into()))?;
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let addrs = policy.resolve(&base).await?;
        let host = base.host_str().unwrap_or_default().to_string();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(settings.connect_timeout)
            .resolve_to_addrs(&host, &addrs)
            .build()
            .map_err(|e| ProviderError::Network(e.to_string()))?;
        Ok(Endpoint {
            base,
            client,
            settings,
        })
    }

    /// `path` under the base URL (`chat/completions`, `messages`).
    pub fn url(&self, path: &str) -> Result<Url, ProviderError> {
        self.base
            .join(path)
            .map_err(|_| ProviderError::HostRefused("the base URL cannot take a path".into()))
    }

    /// Sends the request built by `build`, again after a transient failure, and returns the
    /// first successful response (its body not yet read). `message_of` reads the provider's
    /// error body into words.
    pub async fn send(
        &self,
        build: impl Fn() -> RequestBuilder,
        message_of: fn(&str) -> String,
    ) -> Result<Response, ProviderError> {
        let mut wait = self.settings.backoff;
        let mut attempt = 1;
        loop {
            let error = match tokio::time::timeout(self.settings.first_byte_timeout, build().send())
                .await
            {
                Err(_) => ProviderError::Timeout(self.settings.first_byte_timeout),
                Ok(Err(e)) => network_error(e, self.settings.first_byte_timeout),
                Ok(Ok(response)) if response.status().is_success() => return Ok(response),
                Ok(Ok(response)) => self.error_of(response, message_of).await,
            };
            if !error.is_transient() || attempt >= self.settings.max_attempts {
                return Err(error);
            }
            let pause = error.retry_after().unwrap_or(wait);
            if pause > self.settings.max_retry_wait {
                return Err(error);
            }
            tracing::info!(attempt, ?pause, %error, "LLM provider: retrying");
            tokio::time::sleep(pause).await;
            wait *= 2;
            attempt += 1;
        }
    }

    async fn error_of(&self, response: Response, message_of: fn(&str) -> String) -> ProviderError {
        let status = response.status();
        let retry_after = retry_after(response.headers());
        let body = match tokio::time::timeout(self.settings.idle_timeout, response.text()).await {
            Ok(Ok(body)) => body,
            _ => String::new(),
        };
        let message = message_of(&body);
        error_for_status(status, message, retry_after)
    }

    /// The next piece of a streamed body, or `None` at its end.
    pub async fn chunk(&self, response: &mut Response) -> Result<Option<Vec<u8>>, ProviderError> {
        match tokio::time::timeout(self.settings.idle_timeout, response.chunk()).await {
            Err(_) => Err(ProviderError::Timeout(self.settings.idle_timeout)),
            Ok(Err(e)) => Err(network_error(e, self.settings.idle_timeout)),
            Ok(Ok(piece)) => Ok(piece.map(|b| b.to_vec())),
        }
    }

    /// Reads a streamed body as server-sent events, handing each to `on_event` in order;
    /// an error from it stops the reading.
    pub async fn events(
        &self,
        mut response: Response,
        mut on_event: impl FnMut(crate::sse::Event) -> Result<(), ProviderError>,
    ) -> Result<(), ProviderError> {
        let mut reader = crate::sse::SseReader::default();
        while let Some(bytes) = self.chunk(&mut response).await? {
            for event in reader.feed(&bytes) {
                on_event(event)?;
            }
        }
        reader.finish().into_iter().try_for_each(on_event)
    }

    /// The whole body, as JSON.
    pub async fn json(&self, mut response: Response) -> Result<serde_json::Value, ProviderError> {
        let mut body = Vec::new();
        while let Some(piece) = self.chunk(&mut response).await? {
            body.extend_from_slice(&piece);
        }
        serde_json::from_slice(&body)
            .map_err(|e| ProviderError::Malformed(format!("the answer is not JSON ({e})")))
    }
}

/// A token count from a usage object (absent: 0).
pub fn tokens(v: &serde_json::Value) -> u32 {
    v.as_u64().map_or(0, |n| n.min(u32::MAX as u64) as u32)
}

fn network_error(e: reqwest::Error, limit: Duration) -> ProviderError {
    if e.is_timeout() {
        ProviderError::Timeout(limit)
    } else {
        // Without the URL: it may carry a deployment's name.
        ProviderError::Network(e.without_url().to_string())
    }
}

/// The error an HTTP status stands for.
pub fn error_for_status(
    status: StatusCode,
    message: String,
    retry_after: Option<Duration>,
) -> ProviderError {
    match status.as_u16() {
        401 | 403 => ProviderError::Unauthorized(message),
        429 => ProviderError::RateLimited {
            message,
            retry_after,
        },
        529 => ProviderError::Overloaded {
            message,
            retry_after,
        },
        s @ 500..=599 => ProviderError::Server {
            status: s,
            message,
            retry_after,
        },
        s => ProviderError::Rejected { status: s, message },
    }
}

/// `Retry-After` in seconds or as an HTTP date, or OpenAI's `retry-after-ms`.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        return Some(Duration::from_millis(ms.max(0.0) as u64));
    }
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return Some(Duration::from_millis((seconds.max(0.0) * 1000.0) as u64));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A provider error body's message: `{"error": {"message": …}}` (OpenAI, Anthropic,
/// llama.cpp) or `{"error": "…"}`, else the body's start.
pub fn error_message(body: &str) -> String {
    let parsed: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        let error = v.get("error")?;
        error
            .get("message")
            .and_then(|m| m.as_str())
            .or_else(|| error.as_str())
            .map(str::to_string)
    });
    from_json.unwrap_or_else(|| body.chars().take(200).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_milliseconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "150".parse().expect("header"));
        assert_eq!(retry_after(&h), Some(Duration::from_millis(150)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().expect("header"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO), "a past date: now");
    }

    #[test]
    fn statuses_map_to_their_errors() {
        let e =
            |s: u16| error_for_status(StatusCode::from_u16(s).expect("status"), "m".into(), None);
        assert!(matches!(e(401), ProviderError::Unauthorized(_)));
        assert!(matches!(e(429), ProviderError::RateLimited { .. }));
        assert!(matches!(e(529), ProviderError::Overloaded { .. }));
        assert!(matches!(e(503), ProviderError::Server { status: 503, .. }));
        assert!(matches!(
            e(400),
            ProviderError::Rejected { status: 400, .. }
        ));
        assert!(e(500).is_transient() && !e(400).is_transient() && !e(401).is_transient());
        assert_eq!(
            error_message(
                r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
            ),
            "Overloaded"
        );
    }
}

//! Talking to one org: every REST call goes through `Api::call`, which adds the token,
//! reads `Sforce-Limit-Info`, refreshes an expired session once and retries, and backs off
//! and retries rate limits (`REQUEST_LIMIT_EXCEEDED`, 429), 5xx, timeouts and answers that
//! do not read (a body cut short by a proxy is an outage, not a verdict). Whatever it
//! returns as an error is final for the run.

use crate::oauth;
use crate::settings::{Secrets, Settings};
use crate::Options;
use connector_api::{ApiUsage, RemoteError};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use std::time::Duration;

/// Salesforce's error body: `[{"message": "...", "errorCode": "..."}]`.
#[derive(Debug, Deserialize)]
struct ApiErrorBody {
    message: String,
    #[serde(rename = "errorCode")]
    error_code: String,
}

/// A readable summary of an error body (or the start of whatever came instead).
fn describe_error(status: StatusCode, body: &str) -> (String, String) {
    match serde_json::from_str::<Vec<ApiErrorBody>>(body) {
        Ok(errors) if !errors.is_empty() => (
            errors[0].error_code.clone(),
            errors
                .iter()
                .map(|e| format!("{}: {}", e.error_code, e.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        _ => {
            let start: String = body.chars().take(200).collect();
            (String::new(), format!("HTTP {status}: {start}"))
        }
    }
}

/// `api-usage=25/15000` (other entries such as `per-app-api-usage` may follow).
pub fn parse_limit_info(header: &str) -> Option<(i32, i32)> {
    header.split(',').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        if name.trim() != "api-usage" {
            return None;
        }
        let (used, limit) = value.trim().split_once('/')?;
        Some((used.trim().parse().ok()?, limit.trim().parse().ok()?))
    })
}

/// One org's API, for one run.
pub struct Api {
    pub http: reqwest::Client,
    pub options: Options,
    pub settings: Settings,
    pub secrets: Secrets,
    pub usage: ApiUsage,
    /// The token was renewed during the session: the new secrets must be sealed again.
    pub renewed: bool,
}

impl Api {
    /// Sends a request to the org and reads a successful answer with `read`; an answer
    /// `read` finds `Malformed` is retried like a 5xx. `what` names the request in errors
    /// ("Lead query").
    pub async fn call<T>(
        &mut self,
        method: Method,
        url: &str,
        body: Option<&serde_json::Value>,
        what: &str,
        read: impl Fn(&str) -> Result<T, RemoteError>,
    ) -> Result<T, RemoteError> {
        let mut renewed_here = false;
        let mut attempt: u32 = 0;
        loop {
            if self.secrets.access_token.is_empty() {
                self.renew().await?;
                renewed_here = true;
            }
            let mut request = self
                .http
                .request(method.clone(), url)
                .bearer_auth(&self.secrets.access_token)
                .header("Sforce-Query-Options", "batchSize=2000")
                .timeout(self.options.timeout);
            if let Some(body) = body {
                request = request.json(body);
            }
            self.usage.calls += 1;
            let failure = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    if let Some((used, limit)) = response
                        .headers()
                        .get("sforce-limit-info")
                        .and_then(|v| v.to_str().ok())
                        .and_then(parse_limit_info)
                    {
                        self.usage.used = Some(used);
                        self.usage.limit = Some(limit);
                    }
                    let text = match response.text().await {
                        Ok(t) => t,
                        Err(e) => {
                            self.retry_or(&mut attempt, what, format!("reading the answer: {e}"))
                                .await?;
                            continue;
                        }
                    };
                    if status.is_success() {
                        match read(&text) {
                            Err(RemoteError::Malformed(why)) => {
                                format!("a malformed answer ({why})")
                            }
                            read => return read,
                        }
                    } else {
                        let (code, message) = describe_error(status, &text);
                        if status == StatusCode::UNAUTHORIZED {
                            // An expired session: renew once, then it is final.
                            if renewed_here {
                                return Err(RemoteError::Auth(format!("{what}: {message}")));
                            }
                            self.renew().await?;
                            renewed_here = true;
                            continue;
                        }
                        let transient = status.is_server_error()
                            || status == StatusCode::TOO_MANY_REQUESTS
                            || code == "REQUEST_LIMIT_EXCEEDED"
                            || code == "SERVER_UNAVAILABLE";
                        if !transient {
                            return Err(RemoteError::Refused(format!("{what}: {message}")));
                        }
                        message
                    }
                }
                Err(e) if e.is_timeout() => format!("no answer within {:?}", self.options.timeout),
                Err(e) => format!("could not be reached: {}", e.without_url()),
            };
            self.retry_or(&mut attempt, what, failure).await?;
        }
    }

    /// Waits before the next attempt, or gives up as `Unavailable` after the last.
    async fn retry_or(
        &self,
        attempt: &mut u32,
        what: &str,
        failure: String,
    ) -> Result<(), RemoteError> {
        if *attempt >= self.options.retries {
            return Err(RemoteError::Unavailable(format!(
                "{what}: {failure} (after {} attempts)",
                *attempt + 1
            )));
        }
        let base = self.options.backoff.as_millis() as u64;
        let wait = base.saturating_mul(1 << (*attempt).min(10));
        let jitter = rand::random::<u64>() % (wait / 5 + 1);
        tracing::warn!(what, attempt = *attempt + 1, %failure, "Salesforce call failed; retrying");
        tokio::time::sleep(Duration::from_millis(wait + jitter).min(self.options.max_backoff))
            .await;
        *attempt += 1;
        Ok(())
    }

    /// A new access token: by the refresh token, else by the JWT bearer flow.
    async fn renew(&mut self) -> Result<(), RemoteError> {
        let token = if !self.secrets.refresh_token.is_empty() {
            oauth::refresh(&self.http, &self.options, &self.settings, &self.secrets).await?
        } else if !self.secrets.jwt_private_key.is_empty() && !self.settings.jwt_username.is_empty()
        {
            oauth::jwt_bearer(&self.http, &self.options, &self.settings, &self.secrets).await?
        } else {
            return Err(RemoteError::Auth(
                "the session expired and there is no refresh token".into(),
            ));
        };
        self.secrets.access_token = token.access_token;
        if let Some(refresh) = token.refresh_token {
            self.secrets.refresh_token = refresh;
        }
        if !token.instance_url.is_empty() {
            self.settings.instance_url = token.instance_url;
        }
        self.renewed = true;
        Ok(())
    }

    /// A URL under the org's REST API (`/query?...`), or a `nextRecordsUrl` as given.
    pub fn url(&self, path: &str) -> String {
        if path.starts_with("/services/") {
            format!("{}{path}", self.settings.instance_url.trim_end_matches('/'))
        } else {
            format!("{}{path}", self.settings.api_base())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_header_is_read() {
        assert_eq!(parse_limit_info("api-usage=25/15000"), Some((25, 15000)));
        assert_eq!(
            parse_limit_info("per-app-api-usage=2/250(appName=x), api-usage=18/5000"),
            Some((18, 5000))
        );
        assert_eq!(parse_limit_info("api-usage=x/5000"), None);
        assert_eq!(parse_limit_info(""), None);
    }

    #[test]
    fn error_bodies_are_summarised() {
        let (code, msg) = describe_error(
            StatusCode::FORBIDDEN,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert_eq!(code, "REQUEST_LIMIT_EXCEEDED");
        assert!(msg.contains("TotalRequests"));
        let (code, msg) = describe_error(StatusCode::BAD_GATEWAY, "<html>proxy</html>");
        assert_eq!(code, "");
        assert!(msg.contains("502") && msg.contains("proxy"));
    }
}

//! OAuth 2.0 against the login host: the web-server flow with PKCE, refresh, the JWT bearer
//! flow, and revocation. Token requests do not count against the org's API allowance.

use crate::settings::{Secrets, Settings};
use crate::Options;
use connector_api::RemoteError;
use serde::Deserialize;

/// The token endpoint's answer.
#[derive(Debug, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub instance_url: String,
    /// The identity URL: `https://login.salesforce.com/id/<org id>/<user id>`.
    #[serde(default)]
    pub id: String,
}

#[derive(Debug, Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: String,
}

/// Where the browser goes to log in and allow access.
pub fn authorize_url(
    settings: &Settings,
    redirect_uri: &str,
    state: &str,
    code_challenge: &str,
) -> Result<String, models::AppError> {
    let mut url = reqwest::Url::parse(&format!(
        "{}/services/oauth2/authorize",
        settings.login_url()
    ))
    .map_err(|_| models::AppError::validation("login_host", "This login host is not a URL."))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", &settings.client_id)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state)
        .append_pair("code_challenge", code_challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("scope", "api refresh_token offline_access");
    Ok(url.to_string())
}

/// Posts a form to the token endpoint. `invalid_grant` and `invalid_client` are refusals of
/// the credentials (`Auth`); an outage is retried like API calls.
async fn token_request(
    http: &reqwest::Client,
    options: &Options,
    settings: &Settings,
    form: &[(&str, &str)],
) -> Result<TokenResponse, RemoteError> {
    let url = format!("{}/services/oauth2/token", settings.login_url());
    let mut attempt = 0;
    loop {
        let result = http
            .post(&url)
            .form(form)
            .timeout(options.timeout)
            .send()
            .await;
        let failure = match result {
            Ok(response) => {
                let status = response.status();
                let text = response.text().await.unwrap_or_default();
                if status.is_success() {
                    // An answer cut short is retried like an outage.
                    match serde_json::from_str(&text) {
                        Ok(token) => return Ok(token),
                        Err(e) => format!("the token endpoint's answer did not read ({e})"),
                    }
                } else if !status.is_server_error() {
                    return Err(match serde_json::from_str::<TokenError>(&text) {
                        Ok(e) => {
                            RemoteError::Auth(format!("{} ({})", e.error_description, e.error))
                        }
                        Err(_) => {
                            RemoteError::Auth(format!("the token endpoint answered {status}"))
                        }
                    });
                } else {
                    format!("the token endpoint answered {status}")
                }
            }
            Err(e) => format!(
                "the token endpoint could not be reached: {}",
                e.without_url()
            ),
        };
        if attempt >= options.retries {
            return Err(RemoteError::Unavailable(failure));
        }
        attempt += 1;
        tokio::time::sleep(options.backoff * attempt).await;
    }
}

/// Trades an authorisation code (and its PKCE verifier) for tokens.
pub async fn exchange_code(
    http: &reqwest::Client,
    options: &Options,
    settings: &Settings,
    secrets: &Secrets,
    code: &str,
    verifier: &str,
    redirect_uri: &str,
) -> Result<TokenResponse, RemoteError> {
    token_request(
        http,
        options,
        settings,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", &settings.client_id),
            ("client_secret", &secrets.client_secret),
            ("redirect_uri", redirect_uri),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// A new access token from the refresh token.
pub async fn refresh(
    http: &reqwest::Client,
    options: &Options,
    settings: &Settings,
    secrets: &Secrets,
) -> Result<TokenResponse, RemoteError> {
    token_request(
        http,
        options,
        settings,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", &secrets.refresh_token),
            ("client_id", &settings.client_id),
            ("client_secret", &secrets.client_secret),
        ],
    )
    .await
}

/// A token by the JWT bearer flow (no refresh token: the next one is asked the same way).
pub async fn jwt_bearer(
    http: &reqwest::Client,
    options: &Options,
    settings: &Settings,
    secrets: &Secrets,
) -> Result<TokenResponse, RemoteError> {
    let assertion = crate::jwt::assertion(
        &secrets.jwt_private_key,
        &settings.client_id,
        &settings.jwt_username,
        settings.jwt_audience(),
        chrono::Utc::now().timestamp(),
    )
    .map_err(|e| RemoteError::Auth(e.to_string()))?;
    token_request(
        http,
        options,
        settings,
        &[
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
            ("assertion", &assertion),
        ],
    )
    .await
}

/// Revokes the refresh token (which ends its access tokens too), else the access token.
pub async fn revoke(
    http: &reqwest::Client,
    options: &Options,
    settings: &Settings,
    secrets: &Secrets,
) -> Result<(), RemoteError> {
    let token = if secrets.refresh_token.is_empty() {
        &secrets.access_token
    } else {
        &secrets.refresh_token
    };
    let url = format!("{}/services/oauth2/revoke", settings.login_url());
    let response = http
        .post(&url)
        .form(&[("token", token.as_str())])
        .timeout(options.timeout)
        .send()
        .await
        .map_err(|e| RemoteError::Unavailable(e.without_url().to_string()))?;
    let status = response.status();
    // An already invalid token is as good as revoked.
    if status.is_success() || status == reqwest::StatusCode::BAD_REQUEST {
        Ok(())
    } else {
        Err(RemoteError::Unavailable(format!(
            "the revoke endpoint answered {status}"
        )))
    }
}

/// "org 00D… · user 005…" from the identity URL.
pub fn remote_account(identity_url: &str) -> String {
    let mut parts = identity_url.trim_end_matches('/').rsplit('/');
    match (parts.next(), parts.next()) {
        (Some(user), Some(org)) if org.starts_with("00D") => format!("org {org} · user {user}"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_authorize_url_carries_pkce_and_state() {
        let settings = Settings {
            login_host: "https://test.salesforce.com".into(),
            client_id: "3MVG9 id".into(),
            ..Settings::default()
        };
        let url = authorize_url(&settings, "https://app.example/cb", "st", "ch").expect("ok");
        assert!(url.starts_with("https://test.salesforce.com/services/oauth2/authorize?"));
        assert!(url.contains("client_id=3MVG9+id"));
        assert!(url.contains("redirect_uri=https%3A%2F%2Fapp.example%2Fcb"));
        assert!(url.contains("code_challenge=ch&code_challenge_method=S256"));
        assert!(url.contains("state=st"));
    }

    #[test]
    fn the_remote_account_is_read_from_the_identity_url() {
        assert_eq!(
            remote_account("https://login.salesforce.com/id/00Dxx0000001gPL/005xx000001Swi"),
            "org 00Dxx0000001gPL · user 005xx000001Swi"
        );
        assert_eq!(remote_account(""), "");
    }
}

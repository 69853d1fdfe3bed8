//! A Salesforce connection's settings (not secret) and secrets (sealed at rest).

use models::AppError;
use serde::{Deserialize, Serialize};

/// The API version used when none is given.
pub const DEFAULT_API_VERSION: &str = "62.0";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Settings {
    /// `https://login.salesforce.com`, `https://test.salesforce.com` or a My Domain URL.
    pub login_host: String,
    pub client_id: String,
    pub api_version: String,
    #[serde(default)]
    pub jwt_username: String,
    /// Where the org's API answers, from the token response.
    #[serde(default)]
    pub instance_url: String,
}

#[derive(Clone, Default, Serialize, Deserialize)]
pub struct Secrets {
    #[serde(default)]
    pub client_secret: String,
    #[serde(default)]
    pub jwt_private_key: String,
    #[serde(default)]
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets(<hidden>)")
    }
}

impl Settings {
    pub fn from_json(v: &serde_json::Value) -> Settings {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }

    /// The login URL, scheme included.
    pub fn login_url(&self) -> String {
        self.login_host.trim_end_matches('/').to_string()
    }

    /// The JWT audience: the sandbox login for sandboxes, else production's.
    pub fn jwt_audience(&self) -> &'static str {
        let host = self.login_host.to_ascii_lowercase();
        if host.contains("test.salesforce.com") || host.contains(".sandbox.") {
            "https://test.salesforce.com"
        } else {
            "https://login.salesforce.com"
        }
    }

    pub fn api_base(&self) -> String {
        format!(
            "{}/services/data/v{}",
            self.instance_url.trim_end_matches('/'),
            self.api_version
        )
    }
}

impl Secrets {
    pub fn from_json(v: &serde_json::Value) -> Secrets {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }
}

/// True for loopback hosts, where plain HTTP is allowed (a local test org).
fn is_loopback(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or("");
    host == "localhost" || host == "127.0.0.1" || host == "[::1]"
}

/// Checks and normalises the settings the connectors page sends. Errors name the field.
pub fn check(input: &serde_json::Value) -> Result<serde_json::Value, AppError> {
    let text = |k: &str| {
        input
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let mut login = text("login_host").to_ascii_lowercase();
    if login.is_empty() {
        login = "login.salesforce.com".into();
    }
    let (scheme, rest) = match login.split_once("://") {
        Some((s, r)) => (s.to_string(), r.trim_end_matches('/').to_string()),
        None => ("https".to_string(), login.trim_end_matches('/').to_string()),
    };
    let host_ok = !rest.is_empty()
        && rest.len() <= 253
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    if !host_ok {
        return Err(AppError::validation(
            "login_host",
            "Give a host such as login.salesforce.com, test.salesforce.com or your My Domain \
             (yourcompany.my.salesforce.com).",
        ));
    }
    if scheme != "https" && !(scheme == "http" && is_loopback(&rest)) {
        return Err(AppError::validation(
            "login_host",
            "Salesforce is reached over HTTPS only.",
        ));
    }
    let client_id = text("client_id");
    if client_id.is_empty() || client_id.len() > 256 || client_id.chars().any(char::is_whitespace) {
        return Err(AppError::validation(
            "client_id",
            "Paste the connected app's consumer key.",
        ));
    }
    let mut version = text("api_version");
    if version.is_empty() {
        version = DEFAULT_API_VERSION.into();
    }
    let version = version.trim_start_matches(['v', 'V']).to_string();
    let ok_version = version
        .split_once('.')
        .is_some_and(|(a, b)| a.parse::<u16>().is_ok_and(|n| (20..=99).contains(&n)) && b == "0");
    if !ok_version {
        return Err(AppError::validation(
            "api_version",
            "Give an API version such as 62.0.",
        ));
    }
    let username = text("jwt_username");
    if username.len() > 254 || (!username.is_empty() && !username.contains('@')) {
        return Err(AppError::validation(
            "jwt_username",
            "Give the Salesforce username (an e-mail address) to act as, or leave it empty.",
        ));
    }
    let pem = text("jwt_private_key");
    if !pem.is_empty() {
        crate::jwt::parse_pem(&pem)?;
    }
    Ok(serde_json::json!({
        "login_host": format!("{scheme}://{rest}"),
        "client_id": client_id,
        "api_version": version,
        "jwt_username": username,
        "jwt_private_key": pem,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn login_hosts_are_normalised_and_plain_http_only_on_loopback() {
        let ok =
            check(&json!({"login_host": "Test.Salesforce.com/", "client_id": "abc"})).expect("ok");
        assert_eq!(ok["login_host"], "https://test.salesforce.com");
        assert_eq!(ok["api_version"], DEFAULT_API_VERSION);
        let ok = check(&json!({"login_host": "http://127.0.0.1:8080", "client_id": "abc", "api_version": "v59.0"})).expect("ok");
        assert_eq!(ok["login_host"], "http://127.0.0.1:8080");
        assert_eq!(ok["api_version"], "59.0");
        let field =
            |v: serde_json::Value| check(&v).expect_err("an error").field().map(str::to_string);
        assert_eq!(
            field(json!({"login_host": "http://evil.example", "client_id": "a"})).as_deref(),
            Some("login_host")
        );
        assert_eq!(
            field(json!({"login_host": "a b", "client_id": "a"})).as_deref(),
            Some("login_host")
        );
        assert_eq!(
            field(json!({"client_id": ""})).as_deref(),
            Some("client_id")
        );
        assert_eq!(
            field(json!({"client_id": "a", "api_version": "sixty"})).as_deref(),
            Some("api_version")
        );
        assert_eq!(
            field(json!({"client_id": "a", "jwt_username": "bob"})).as_deref(),
            Some("jwt_username")
        );
        assert_eq!(
            field(json!({"client_id": "a", "jwt_private_key": "nope"})).as_deref(),
            Some("jwt_private_key")
        );
    }

    #[test]
    fn the_jwt_audience_follows_the_login_host() {
        let s = |h: &str| Settings {
            login_host: h.into(),
            ..Settings::default()
        };
        assert_eq!(
            s("https://test.salesforce.com").jwt_audience(),
            "https://test.salesforce.com"
        );
        assert_eq!(
            s("https://acme.my.salesforce.com").jwt_audience(),
            "https://login.salesforce.com"
        );
        assert!(format!(
            "{:?}",
            Secrets {
                access_token: "t0ken".into(),
                ..Secrets::default()
            }
        )
        .contains("hidden"));
    }
}

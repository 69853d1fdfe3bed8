//! A Salesforce connection's settings (not secret) and secrets (sealed at rest).

use connector_api::{Credentials, SavedSettings, SecretsState};
use models::connectors::ConnectionSettingsInput;
use models::AppError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
    pub fn from_json(v: &Value) -> Settings {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }

    /// As stored. Strings only, so serialising cannot fail.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The settings form these fill (the framework adds the API share and the schedule).
    pub fn form(&self) -> ConnectionSettingsInput {
        ConnectionSettingsInput {
            login_host: self.login_host.clone(),
            client_id: self.client_id.clone(),
            api_version: self.api_version.clone(),
            jwt_username: self.jwt_username.clone(),
            ..ConnectionSettingsInput::default()
        }
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
    pub fn from_json(v: &Value) -> Secrets {
        serde_json::from_value(v.clone()).unwrap_or_default()
    }

    /// As stored (sealed). Strings only, so serialising cannot fail.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    pub fn state(&self) -> SecretsState {
        SecretsState {
            client_secret: !self.client_secret.is_empty(),
            server_key: !self.jwt_private_key.is_empty(),
            token: !self.access_token.is_empty() || !self.refresh_token.is_empty(),
        }
    }
}

/// True for loopback hosts, where plain HTTP is allowed (a local test org).
fn is_loopback(host: &str) -> bool {
    let host = host.split(':').next().unwrap_or("");
    host == "localhost" || host == "127.0.0.1" || host == "[::1]"
}

/// The settings form, checked and normalised: the settings to store, and the JWT bearer
/// flow's private key (a secret; empty when none was given).
pub struct Checked {
    pub settings: Settings,
    pub jwt_private_key: String,
}

impl std::fmt::Debug for Checked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checked")
            .field("settings", &self.settings)
            .field("jwt_private_key", &"<hidden>")
            .finish()
    }
}

/// Checks and normalises the settings the connectors page sends. Errors name the field.
pub fn check(form: &ConnectionSettingsInput) -> Result<Checked, AppError> {
    let mut login = form.login_host.trim().to_ascii_lowercase();
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
    let client_id = form.client_id.trim().to_string();
    if client_id.is_empty() || client_id.len() > 256 || client_id.chars().any(char::is_whitespace) {
        return Err(AppError::validation(
            "client_id",
            "Paste the connected app's consumer key.",
        ));
    }
    let mut version = form.api_version.trim().to_string();
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
    let username = form.jwt_username.trim().to_string();
    if username.len() > 254 || (!username.is_empty() && !username.contains('@')) {
        return Err(AppError::validation(
            "jwt_username",
            "Give the Salesforce username (an e-mail address) to act as, or leave it empty.",
        ));
    }
    let pem = form.jwt_private_key.trim().to_string();
    if !pem.is_empty() {
        crate::jwt::parse_pem(&pem)?;
    }
    Ok(Checked {
        settings: Settings {
            login_host: format!("{scheme}://{rest}"),
            client_id,
            api_version: version,
            jwt_username: username,
            instance_url: String::new(),
        },
        jwt_private_key: pem,
    })
}

/// Applies the posted form to the stored credentials. A secret left empty keeps the stored
/// one; another org or app voids the tokens of the old one.
pub fn save(
    form: &ConnectionSettingsInput,
    current: &Credentials,
) -> Result<SavedSettings, AppError> {
    let checked = check(form)?;
    let mut settings = Settings::from_json(&current.settings);
    let mut secrets = Secrets::from_json(&current.secrets);
    let changed = |stored: &str, new: &str| !stored.is_empty() && stored != new;
    let moved = changed(&settings.login_host, &checked.settings.login_host)
        || changed(&settings.client_id, &checked.settings.client_id);
    settings = Settings {
        instance_url: std::mem::take(&mut settings.instance_url),
        ..checked.settings
    };
    let client_secret = form.client_secret.trim();
    if !client_secret.is_empty() {
        secrets.client_secret = client_secret.to_string();
    }
    if !checked.jwt_private_key.is_empty() {
        secrets.jwt_private_key = checked.jwt_private_key;
    }
    if moved {
        secrets.access_token.clear();
        secrets.refresh_token.clear();
    }
    Ok(SavedSettings {
        credentials: Credentials {
            settings: settings.to_json(),
            secrets: secrets.to_json(),
        },
        reauthorise: moved,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The form from JSON, as the page's fields would fill it.
    fn form(v: Value) -> ConnectionSettingsInput {
        let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        ConnectionSettingsInput {
            login_host: text("login_host"),
            client_id: text("client_id"),
            api_version: text("api_version"),
            jwt_username: text("jwt_username"),
            jwt_private_key: text("jwt_private_key"),
            client_secret: text("client_secret"),
            ..ConnectionSettingsInput::default()
        }
    }

    #[test]
    fn login_hosts_are_normalised_and_plain_http_only_on_loopback() {
        let ok = check(&form(
            json!({"login_host": "Test.Salesforce.com/", "client_id": "abc"}),
        ))
        .expect("ok");
        assert_eq!(ok.settings.login_host, "https://test.salesforce.com");
        assert_eq!(ok.settings.api_version, DEFAULT_API_VERSION);
        let ok = check(&form(json!({"login_host": "http://127.0.0.1:8080", "client_id": "abc", "api_version": "v59.0"}))).expect("ok");
        assert_eq!(ok.settings.login_host, "http://127.0.0.1:8080");
        assert_eq!(ok.settings.api_version, "59.0");
        let field = |v: Value| {
            check(&form(v))
                .expect_err("an error")
                .field()
                .map(str::to_string)
        };
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

    #[test]
    fn saving_keeps_unsent_secrets_and_voids_tokens_of_another_org() {
        let stored = Credentials {
            settings: json!({"login_host": "https://login.salesforce.com", "client_id": "app",
                             "api_version": "62.0", "instance_url": "https://acme.my.salesforce.com"}),
            secrets: json!({"client_secret": "s3cret", "refresh_token": "r", "access_token": "a"}),
        };
        let same = save(
            &form(json!({"login_host": "login.salesforce.com", "client_id": "app"})),
            &stored,
        )
        .expect("saved");
        assert!(!same.reauthorise);
        let secrets = Secrets::from_json(&same.credentials.secrets);
        assert_eq!(
            secrets.client_secret, "s3cret",
            "an empty secret keeps the stored one"
        );
        assert!(secrets.state().token);
        assert_eq!(
            Settings::from_json(&same.credentials.settings).instance_url,
            "https://acme.my.salesforce.com"
        );
        let moved = save(
            &form(json!({"login_host": "test.salesforce.com", "client_id": "app", "client_secret": "new"})),
            &stored,
        )
        .expect("saved");
        assert!(moved.reauthorise, "another org");
        let secrets = Secrets::from_json(&moved.credentials.secrets);
        assert_eq!(secrets.client_secret, "new");
        assert!(!secrets.state().token, "the old org's tokens are gone");
        let first = save(
            &form(json!({"client_id": "app"})),
            &Credentials {
                settings: json!({}),
                secrets: json!({}),
            },
        )
        .expect("saved");
        assert!(!first.reauthorise, "a new connection moves from nowhere");
        assert!(
            !Secrets::from_json(&first.credentials.secrets)
                .state()
                .client_secret
        );
    }
}

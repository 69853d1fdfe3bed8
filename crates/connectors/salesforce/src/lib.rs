//! The Salesforce connector: authorisation (OAuth 2.0 web-server flow with PKCE and refresh
//! tokens, or the JWT bearer flow), incremental SOQL pulls on a (SystemModstamp, Id) cursor
//! with `nextRecordsUrl` paging, deletions through `queryAll`, describe, writes through
//! sObject Collections, and the org's API allowance read from `Sforce-Limit-Info`.

mod api;
mod choices;
mod defaults;
mod jwt;
mod oauth;
mod session;
mod settings;
mod soql;

pub use defaults::LEAD_STATUSES;
pub use settings::DEFAULT_API_VERSION;

use api::Api;
use connector_api::{
    ApiUsage, Authorised, BoxFuture, Connector, Credentials, ObjectDefaults, RemoteError,
    SavedSettings, SecretsState, Session,
};
use models::connectors::ConnectionSettingsInput;
use session::SalesforceSession;
use settings::{Secrets, Settings};
use std::time::Duration;

/// Timeouts and retries (tests shorten them).
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// One request's deadline.
    pub timeout: Duration,
    /// Retries of a busy or failing call before the run gives up (and its job retries later).
    pub retries: u32,
    /// The first wait; doubled each retry, with up to 20% jitter.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(60),
            retries: 4,
            backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
        }
    }
}

pub struct Salesforce {
    http: reqwest::Client,
    options: Options,
}

impl Salesforce {
    /// Fails only when no HTTP client can be built here (no TLS roots, say).
    pub fn new(options: Options) -> Result<Salesforce, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .user_agent("SalesHunter/0.1")
            .build()?;
        Ok(Salesforce { http, options })
    }

    fn authorised(token: oauth::TokenResponse, mut secrets: Secrets) -> Authorised {
        secrets.access_token = token.access_token;
        if let Some(refresh) = token.refresh_token {
            secrets.refresh_token = refresh;
        }
        Authorised {
            secrets: secrets.to_json(),
            settings: serde_json::json!({"instance_url": token.instance_url}),
            remote_account: oauth::remote_account(&token.id),
        }
    }
}

impl Connector for Salesforce {
    fn kind(&self) -> &'static str {
        "salesforce"
    }

    fn display_name(&self) -> &'static str {
        "Salesforce"
    }

    fn objects(&self) -> Vec<ObjectDefaults> {
        defaults::objects()
    }

    fn settings_form(&self, settings: &serde_json::Value) -> ConnectionSettingsInput {
        Settings::from_json(settings).form()
    }

    fn secrets_state(&self, secrets: &serde_json::Value) -> SecretsState {
        Secrets::from_json(secrets).state()
    }

    fn save_settings(
        &self,
        form: &ConnectionSettingsInput,
        current: &Credentials,
    ) -> Result<SavedSettings, models::AppError> {
        settings::save(form, current)
    }

    fn forget_authorisation(&self, settings: &serde_json::Value) -> serde_json::Value {
        Settings {
            instance_url: String::new(),
            ..Settings::from_json(settings)
        }
        .to_json()
    }

    fn authorize_url(
        &self,
        settings: &serde_json::Value,
        redirect_uri: &str,
        state: &str,
        code_challenge: &str,
    ) -> Result<String, models::AppError> {
        oauth::authorize_url(
            &Settings::from_json(settings),
            redirect_uri,
            state,
            code_challenge,
        )
    }

    fn exchange_code<'a>(
        &'a self,
        creds: &'a Credentials,
        code: &'a str,
        verifier: &'a str,
        redirect_uri: &'a str,
    ) -> BoxFuture<'a, Result<Authorised, RemoteError>> {
        Box::pin(async move {
            let settings = Settings::from_json(&creds.settings);
            let secrets = Secrets::from_json(&creds.secrets);
            let token = oauth::exchange_code(
                &self.http,
                &self.options,
                &settings,
                &secrets,
                code,
                verifier,
                redirect_uri,
            )
            .await?;
            if token.refresh_token.is_none() {
                return Err(RemoteError::Refused(
                    "no refresh token was granted: give the connected app the \
                     refresh_token (offline_access) scope"
                        .into(),
                ));
            }
            Ok(Salesforce::authorised(token, secrets))
        })
    }

    fn authorize_server<'a>(
        &'a self,
        creds: &'a Credentials,
    ) -> Option<BoxFuture<'a, Result<Authorised, RemoteError>>> {
        let settings = Settings::from_json(&creds.settings);
        let secrets = Secrets::from_json(&creds.secrets);
        if settings.jwt_username.is_empty() || secrets.jwt_private_key.is_empty() {
            return None;
        }
        Some(Box::pin(async move {
            let token = oauth::jwt_bearer(&self.http, &self.options, &settings, &secrets).await?;
            Ok(Salesforce::authorised(token, secrets))
        }))
    }

    fn open(&self, creds: Credentials) -> Result<Box<dyn Session>, RemoteError> {
        let settings = Settings::from_json(&creds.settings);
        if settings.instance_url.is_empty() {
            return Err(RemoteError::Auth(
                "the org's instance URL is not known".into(),
            ));
        }
        Ok(Box::new(SalesforceSession {
            api: Api {
                http: self.http.clone(),
                options: self.options,
                settings,
                secrets: Secrets::from_json(&creds.secrets),
                usage: ApiUsage::default(),
                renewed: false,
            },
        }))
    }

    fn revoke<'a>(&'a self, creds: &'a Credentials) -> BoxFuture<'a, Result<(), RemoteError>> {
        Box::pin(async move {
            oauth::revoke(
                &self.http,
                &self.options,
                &Settings::from_json(&creds.settings),
                &Secrets::from_json(&creds.secrets),
            )
            .await
        })
    }
}

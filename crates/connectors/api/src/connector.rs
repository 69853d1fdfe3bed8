//! The `Connector` trait a remote system's crate implements, and the `Session` a sync run
//! talks through. Both are object-safe (the server registers connectors as `dyn`), so their
//! async methods return boxed futures.

use crate::remote::{
    ApiUsage, Cursor, Describe, Page, PushOutcome, PushRecord, RemoteError, RemoteUser,
};
use models::connectors::{ConnectionSettingsInput, FieldMapping, RemoteChoice, SyncObject};
use std::future::Future;
use std::pin::Pin;

/// Ids a `Session::pull_ids` call takes at once.
pub const IDS_AT_ONCE: usize = 200;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A connection's settings (not secret) and secrets (sealed at rest), as stored: JSON that
/// only the connector reads, into its own typed structs (Salesforce: `settings.rs`). The
/// framework never looks inside by key.
#[derive(Clone)]
pub struct Credentials {
    pub settings: serde_json::Value,
    pub secrets: serde_json::Value,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("settings", &self.settings)
            .field("secrets", &"<hidden>")
            .finish()
    }
}

/// Which secrets a connection holds, never their values: for the page, and for the framework
/// to know whether an authorisation can start or a token must be revoked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SecretsState {
    /// The app's client secret, which the browser authorisation needs.
    pub client_secret: bool,
    /// A key for server-to-server authorisation (Salesforce: the JWT bearer flow's).
    pub server_key: bool,
    /// An access or refresh token: something to revoke on disconnect.
    pub token: bool,
}

/// What saving the settings form makes of a connection's credentials.
#[derive(Debug, Clone)]
pub struct SavedSettings {
    pub credentials: Credentials,
    /// The connection now points at another remote account or app: its old authorisation
    /// is void (and its tokens already dropped from `credentials`).
    pub reauthorise: bool,
}

/// What a connector syncs for one local object by default.
#[derive(Debug, Clone)]
pub struct ObjectDefaults {
    pub object: SyncObject,
    pub remote_object: &'static str,
    pub mappings: Vec<FieldMapping>,
}

/// What an authorisation yields: the secrets to seal and who is connected.
#[derive(Debug, Clone)]
pub struct Authorised {
    pub secrets: serde_json::Value,
    /// Settings the connector learnt (the instance URL, the remote user and org).
    pub settings: serde_json::Value,
    pub remote_account: String,
}

/// A kind of outside system (Salesforce).
pub trait Connector: Send + Sync + 'static {
    /// Stored on connections and as the `external_source` of synced records.
    fn kind(&self) -> &'static str;
    fn display_name(&self) -> &'static str;
    /// The objects it syncs and their default mappings.
    fn objects(&self) -> Vec<ObjectDefaults>;
    /// The settings form as the stored settings fill it (its connector's fields; secrets are
    /// never filled in).
    fn settings_form(&self, settings: &serde_json::Value) -> ConnectionSettingsInput;
    /// Which secrets are stored.
    fn secrets_state(&self, secrets: &serde_json::Value) -> SecretsState;
    /// Checks and normalises the posted form (errors name the field) and applies it to the
    /// stored credentials: a secret left empty keeps the stored one.
    fn save_settings(
        &self,
        form: &ConnectionSettingsInput,
        current: &Credentials,
    ) -> Result<SavedSettings, models::AppError>;
    /// The settings without what an authorisation taught (the remote instance), for a
    /// disconnected connection.
    fn forget_authorisation(&self, settings: &serde_json::Value) -> serde_json::Value;
    /// Where to send the browser to authorise (OAuth 2.0 with PKCE).
    fn authorize_url(
        &self,
        settings: &serde_json::Value,
        redirect_uri: &str,
        state: &str,
        code_challenge: &str,
    ) -> Result<String, models::AppError>;
    /// Trades the callback's code for tokens.
    fn exchange_code<'a>(
        &'a self,
        creds: &'a Credentials,
        code: &'a str,
        verifier: &'a str,
        redirect_uri: &'a str,
    ) -> BoxFuture<'a, Result<Authorised, RemoteError>>;
    /// Server-to-server authorisation without a browser (Salesforce's JWT bearer flow);
    /// `None` when the settings do not ask for it.
    fn authorize_server<'a>(
        &'a self,
        creds: &'a Credentials,
    ) -> Option<BoxFuture<'a, Result<Authorised, RemoteError>>>;
    /// A session for one run.
    fn open(&self, creds: Credentials) -> Result<Box<dyn Session>, RemoteError>;
    /// Revokes the token on the remote side (disconnect).
    fn revoke<'a>(&'a self, creds: &'a Credentials) -> BoxFuture<'a, Result<(), RemoteError>>;
}

/// A run's conversation with the remote side. It refreshes an expired token itself (once
/// per refusal) and retries what is worth retrying; what it returns as an error is final
/// for this run.
pub trait Session: Send + Sync {
    /// Records of `remote_object` changed after `cursor`, in (modified, id) order, with
    /// `fields`.
    fn pull<'a>(
        &'a mut self,
        remote_object: &'a str,
        fields: &'a [String],
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Result<Page, RemoteError>>;
    /// Records deleted after `cursor`, in (modified, id) order (fields empty).
    fn pull_deleted<'a>(
        &'a mut self,
        remote_object: &'a str,
        cursor: &'a Cursor,
    ) -> BoxFuture<'a, Result<Page, RemoteError>>;
    /// The records of `remote_object` with these ids (at most [`IDS_AT_ONCE`]) that still
    /// exist, with `fields`, in (modified, id) order: records that failed are fetched again.
    fn pull_ids<'a>(
        &'a mut self,
        remote_object: &'a str,
        fields: &'a [String],
        ids: &'a [String],
    ) -> BoxFuture<'a, Result<Page, RemoteError>>;
    /// The next page of a pull (`Page::next`).
    fn next_page<'a>(
        &'a mut self,
        remote_object: &'a str,
        next: &'a str,
    ) -> BoxFuture<'a, Result<Page, RemoteError>>;
    /// Writes records; one outcome per record, in order.
    fn push<'a>(
        &'a mut self,
        remote_object: &'a str,
        records: &'a [PushRecord],
    ) -> BoxFuture<'a, Result<Vec<PushOutcome>, RemoteError>>;
    /// The fields of `remote_object`.
    fn describe<'a>(
        &'a mut self,
        remote_object: &'a str,
    ) -> BoxFuture<'a, Result<Describe, RemoteError>>;
    /// The active values of a picklist field of `remote_object`, in the remote order, with
    /// what they mean (an opportunity's stage, a lead's status); empty when the field has
    /// no such list.
    fn choices<'a>(
        &'a mut self,
        remote_object: &'a str,
        field: &'a str,
    ) -> BoxFuture<'a, Result<Vec<RemoteChoice>, RemoteError>>;
    /// The remote system's users (active or not), to match owners with members by e-mail.
    fn users(&mut self) -> BoxFuture<'_, Result<Vec<RemoteUser>, RemoteError>>;
    /// Calls made so far and the allowance as last reported.
    fn usage(&self) -> ApiUsage;
    /// Secrets changed during the session (a refreshed token), to seal again.
    fn refreshed_secrets(&self) -> Option<serde_json::Value>;
}

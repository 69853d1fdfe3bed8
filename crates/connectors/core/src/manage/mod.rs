//! What the connectors page does, each a function the server functions call: save a
//! connection's settings, authorise it (OAuth 2.0 with PKCE, or server to server), edit its
//! mappings, sync now, read its runs, disconnect. Admins and owners only. Secrets go in
//! sealed and never come out.

use super::store::{
    active_run, load_connection, load_objects, ConnectionRow, NewSyncRun, ObjectRow, RunRow,
};
use super::sync::{ConnectorHub, SyncConnection};
use base64::Engine as _;
use chrono::{Duration, Utc};
use connector_api::{Authorised, Connector, Credentials, RemoteError, Session};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    validate_mappings, ConnectionSettingsInput, ConnectionStatus, ConnectionView, FieldMapping,
    ObjectSetup, RemoteField, SyncObject, SyncRunError, SyncRunView, SyncState, SyncTrigger,
};
use models::jobs::JobState;
use models::{AppError, ConnectionId, Role, SyncRunId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{connection_objects, connections, jobs, sync_run_errors, sync_runs};
use platform::db::{Conn, Db};
use platform::jobs::{NewJob, Schedule};
use platform::Error;
use platform::RequestContext;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

mod choices;
mod oauth;
mod objects;
mod runs;
mod settings;
mod view;
pub use choices::{add_translations, read_choices};
pub use oauth::{authorize_server, disconnect, finish_authorization, start_authorization};
pub use objects::{describe_object, save_object};
pub use runs::{list_run_errors, list_runs, resync_connection, sync_now};
pub use settings::save_connection;
use settings::set_schedule;
pub use view::{available, get_connection, list_connections};

pub mod action {
    pub const SAVED: &str = "connection.saved";
    pub const AUTHORISED: &str = "connection.authorised";
    pub const MAPPING_SAVED: &str = "connection.mapping_saved";
    pub const SYNC_REQUESTED: &str = "connection.sync_requested";
    pub const RESYNC_REQUESTED: &str = "connection.resync_requested";
    pub const DISCONNECTED: &str = "connection.disconnected";
}

/// Where the remote side sends the browser back: register it with the connected app.
pub fn callback_url(public_url: &str, kind: &str) -> String {
    format!(
        "{}/connectors/{kind}/callback",
        public_url.trim_end_matches('/')
    )
}

fn open_secrets(hub: &ConnectorHub, row: &ConnectionRow) -> Result<Value, Error> {
    match &row.credentials {
        Some(sealed) => hub.key()?.open_json(sealed, &row.seal_context()),
        None => Ok(json!({})),
    }
}

/// The connection's credentials as its connector reads them: its part of the settings and
/// the opened secrets.
fn credentials(hub: &ConnectorHub, row: &ConnectionRow) -> Result<Credentials, Error> {
    Ok(Credentials {
        settings: row.stored()?.connector(),
        secrets: open_secrets(hub, row)?,
    })
}

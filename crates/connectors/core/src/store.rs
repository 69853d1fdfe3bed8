//! The connector tables as typed rows, and the small reads and writes both the sync engine
//! and the connectors page use.

use chrono::{DateTime, Utc};
use connector_api::Cursor;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    ConnectionStatus, FieldMapping, SyncCounts, SyncObject, SyncRunView, SyncState, SyncTrigger,
};
use models::{AppError, ConnectionId, SyncRunId, TenantId, UserId};
use platform::db::schema::{connection_objects, connections, sync_run_errors, sync_runs};
use platform::db::Conn;
use platform::Error;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = connections, check_for_backend(diesel::pg::Pg))]
pub struct ConnectionRow {
    pub id: ConnectionId,
    pub kind: String,
    pub status: ConnectionStatus,
    pub settings: serde_json::Value,
    pub credentials: Option<Vec<u8>>,
    pub sync_every_minutes: i32,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub api_used: Option<i32>,
    pub api_limit: Option<i32>,
    pub api_checked_at: Option<DateTime<Utc>>,
}

impl ConnectionRow {
    /// What seals its credentials to it (the AES-GCM associated data).
    pub fn seal_context(&self) -> [u8; 16] {
        *self.id.0.as_bytes()
    }

    /// Its settings, typed.
    pub fn stored(&self) -> Result<StoredSettings, Error> {
        StoredSettings::read(&self.settings)
    }
}

/// A connection's settings as stored in `connections.settings`: what the framework keeps,
/// typed, and the connector's own beside them (flattened, so the stored object has kept one
/// shape since the first release; only the connector reads its part, into its own types).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSettings {
    /// The share of the org's daily API allowance a run may bring usage up to, 1–100.
    #[serde(default = "default_budget")]
    pub api_budget_percent: u8,
    /// Who is connected there (the remote user and org), once authorised.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remote_account: String,
    #[serde(flatten)]
    pub connector: serde_json::Map<String, serde_json::Value>,
}

fn default_budget() -> u8 {
    50
}

impl Default for StoredSettings {
    fn default() -> StoredSettings {
        StoredSettings {
            api_budget_percent: default_budget(),
            remote_account: String::new(),
            connector: serde_json::Map::new(),
        }
    }
}

impl StoredSettings {
    pub fn read(json: &serde_json::Value) -> Result<StoredSettings, Error> {
        let mut s: StoredSettings = serde_json::from_value(json.clone())
            .map_err(|e| Error::Corrupt(format!("a connection's settings do not parse: {e}")))?;
        s.api_budget_percent = s.api_budget_percent.clamp(1, 100);
        Ok(s)
    }

    /// The connector's part, as the connector reads it.
    pub fn connector(&self) -> serde_json::Value {
        serde_json::Value::Object(self.connector.clone())
    }

    /// Replaces the connector's part (an object; anything else leaves it empty).
    pub fn set_connector(&mut self, settings: serde_json::Value) {
        self.connector = match settings {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
    }

    /// As stored. Plain values only, so serialising cannot fail.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = connection_objects, check_for_backend(diesel::pg::Pg))]
pub struct ObjectRow {
    pub tenant_id: TenantId,
    pub connection_id: ConnectionId,
    pub object: SyncObject,
    pub remote_object: String,
    pub enabled: bool,
    pub mappings: serde_json::Value,
    pub cursor_at: Option<DateTime<Utc>>,
    pub cursor_id: String,
    pub deleted_cursor_at: Option<DateTime<Utc>>,
    pub deleted_cursor_id: String,
    /// When the last check of every remote id finished (`sync/check.rs`).
    pub checked_at: Option<DateTime<Utc>>,
    /// A check under way: when it began, and how far it read.
    pub check_started_at: Option<DateTime<Utc>>,
    pub check_cursor_at: Option<DateTime<Utc>>,
    pub check_cursor_id: String,
    /// Mapped fields the org did not show at the last run (missing, or hidden from the API
    /// user): left out of its queries.
    pub unseen_fields: Vec<Option<String>>,
    /// A full resync was asked for: the next run reads the object from the start.
    pub resync_requested: bool,
}

impl ObjectRow {
    pub fn mappings(&self) -> Result<Vec<FieldMapping>, Error> {
        serde_json::from_value(self.mappings.clone())
            .map_err(|e| Error::Corrupt(format!("the {} mappings do not parse: {e}", self.object)))
    }
    pub fn cursor(&self) -> Cursor {
        Cursor {
            at: self.cursor_at,
            id: self.cursor_id.clone(),
        }
    }
    pub fn deleted_cursor(&self) -> Cursor {
        Cursor {
            at: self.deleted_cursor_at,
            id: self.deleted_cursor_id.clone(),
        }
    }
    pub fn check_cursor(&self) -> Cursor {
        Cursor {
            at: self.check_cursor_at,
            id: self.check_cursor_id.clone(),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sync_runs, check_for_backend(diesel::pg::Pg))]
pub struct RunRow {
    pub id: SyncRunId,
    pub trigger: SyncTrigger,
    pub state: SyncState,
    pub object: String,
    pub counts: serde_json::Value,
    pub api_calls: i32,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// A run's counts as kept in `sync_runs.counts` (`{"lead": {"fetched": …}, …}`).
pub fn read_counts(json: &serde_json::Value) -> Vec<(SyncObject, SyncCounts)> {
    SyncObject::ALL
        .iter()
        .filter_map(|o| {
            let c = json.get(o.as_str())?;
            Some((*o, serde_json::from_value(c.clone()).ok()?))
        })
        .collect()
}

impl RunRow {
    pub fn counts(&self) -> Vec<(SyncObject, SyncCounts)> {
        read_counts(&self.counts)
    }

    pub fn view(&self, error_count: i64) -> SyncRunView {
        SyncRunView {
            id: self.id,
            trigger: self.trigger,
            state: self.state,
            object: self.object.clone(),
            counts: self.counts(),
            api_calls: self.api_calls,
            error: self.error.clone(),
            created_at: self.created_at,
            started_at: self.started_at,
            finished_at: self.finished_at,
            error_count,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = sync_runs, check_for_backend(diesel::pg::Pg))]
pub struct NewSyncRun {
    pub tenant_id: TenantId,
    pub id: SyncRunId,
    pub connection_id: ConnectionId,
    pub trigger: SyncTrigger,
    pub state: SyncState,
    pub requested_by: Option<UserId>,
}

/// A record a run could not sync.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = sync_run_errors, check_for_backend(diesel::pg::Pg))]
pub struct NewSyncError {
    pub tenant_id: TenantId,
    pub run_id: SyncRunId,
    pub object: String,
    pub external_id: String,
    pub direction: &'static str,
    pub message: String,
}

pub async fn load_connection(conn: &mut Conn, id: ConnectionId) -> Result<ConnectionRow, Error> {
    connections::table
        .filter(connections::id.eq(id))
        .select(ConnectionRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::not_found("The connection").into())
}

/// Its objects, in sync order.
pub async fn load_objects(conn: &mut Conn, id: ConnectionId) -> Result<Vec<ObjectRow>, Error> {
    let mut rows: Vec<ObjectRow> = connection_objects::table
        .filter(connection_objects::connection_id.eq(id))
        .select(ObjectRow::as_select())
        .load(conn)
        .await?;
    rows.sort_by_key(|r| SyncObject::ALL.iter().position(|o| *o == r.object));
    Ok(rows)
}

pub async fn load_run(conn: &mut Conn, id: SyncRunId) -> Result<Option<RunRow>, Error> {
    Ok(sync_runs::table
        .filter(sync_runs::id.eq(id))
        .select(RunRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

/// The connection's queued or running run, if any.
pub async fn active_run(conn: &mut Conn, id: ConnectionId) -> Result<Option<RunRow>, Error> {
    Ok(sync_runs::table
        .filter(sync_runs::connection_id.eq(id))
        .filter(sync_runs::state.eq_any([SyncState::Queued, SyncState::Running]))
        .order(sync_runs::created_at.desc())
        .select(RunRow::as_select())
        .first(conn)
        .await
        .optional()?)
}

pub async fn record_errors(conn: &mut Conn, errors: &[NewSyncError]) -> Result<(), Error> {
    if !errors.is_empty() {
        diesel::insert_into(sync_run_errors::table)
            .values(errors)
            .execute(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_settings_keep_the_connectors_part_and_read_old_rows() {
        let old = json!({"login_host": "https://login.salesforce.com", "client_id": "app",
                         "api_budget_percent": 80, "remote_account": "ada@acme (00D1)"});
        let s = StoredSettings::read(&old).expect("reads");
        assert_eq!(s.api_budget_percent, 80);
        assert_eq!(s.remote_account, "ada@acme (00D1)");
        assert_eq!(
            s.connector(),
            json!({"login_host": "https://login.salesforce.com", "client_id": "app"})
        );
        assert_eq!(s.to_json(), old, "written back as it was read");
        let fresh = StoredSettings::read(&json!({})).expect("reads");
        assert_eq!(fresh.api_budget_percent, 50);
        assert_eq!(fresh.to_json(), json!({"api_budget_percent": 50}));
        let clamped = StoredSettings::read(&json!({"api_budget_percent": 0})).expect("reads");
        assert_eq!(clamped.api_budget_percent, 1);
        assert!(StoredSettings::read(&json!({"api_budget_percent": "lots"})).is_err());
    }
}

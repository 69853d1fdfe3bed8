//! Where synced records land: a vertical implements `SyncTarget` for each local object it
//! offers to connectors (Sales Hunter: accounts, contacts, leads, opportunities). The sync
//! engine only moves JSON values under local field keys; the target knows the columns, checks
//! and normalises values, and writes in bulk.
//!
//! Writes stamp `updated_at` with the transaction's `now()`, as the links' `synced_at` is:
//! a record the sync itself wrote is then not "changed since its last sync".

use chrono::{DateTime, Utc};
use connector_api::BoxFuture;
use connector_api::Values;
use models::connectors::{LocalField, SyncObject};
use models::ConnectionId;
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;
use uuid::Uuid;

/// One record to create: its remote id (stored as the record's external id), when it was
/// created there (the local record's creation time; the sync's when unknown) and values.
pub struct NewSynced<'a> {
    pub external_id: &'a str,
    pub created_at: Option<DateTime<Utc>>,
    pub values: &'a Values,
}

/// Fields to set on one existing record, and the (source, id) to link it to when it was
/// matched rather than linked.
pub struct SyncUpdate<'a> {
    pub id: Uuid,
    pub values: Values,
    pub link: Option<(&'a str, &'a str)>,
}

/// A local record as the sync sees it.
#[derive(Debug, Clone)]
pub struct LocalRecord {
    pub values: Values,
    pub modified: DateTime<Utc>,
    /// Already linked to a remote record (of any connection or import source).
    pub external: Option<(String, String)>,
}

pub trait SyncTarget: Send + Sync + 'static {
    fn object(&self) -> SyncObject;

    /// The fields a connector may fill, with the tenant's custom fields (`custom.<key>`).
    fn fields<'a>(&'a self, conn: &'a mut Conn) -> BoxFuture<'a, Result<Vec<LocalField>, Error>>;

    /// Checks and normalises a pulled value for `field` (one of `fields`); the reason names
    /// what is wrong. `null` means empty.
    fn normalize(
        &self,
        field: &LocalField,
        value: serde_json::Value,
    ) -> Result<serde_json::Value, String>;

    /// The records' current values of every field in `fields`.
    fn load_records<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<HashMap<Uuid, LocalRecord>, Error>>;

    /// For records about to be created, an existing local record each one is the same as
    /// (a lead or contact with the same e-mail), in order.
    fn find_existing<'a>(
        &'a self,
        conn: &'a mut Conn,
        records: &'a [&'a Values],
    ) -> BoxFuture<'a, Result<Vec<Option<Uuid>>, Error>>;

    /// Creates records from complete values, external ids under `source`; one result per
    /// record, in order (a record refused by a rule the values cannot show, such as a
    /// duplicate e-mail, gets its reason).
    fn create<'a>(
        &'a self,
        conn: &'a mut Conn,
        source: &'a str,
        records: &'a [NewSynced<'a>],
    ) -> BoxFuture<'a, Result<Vec<Result<Uuid, String>>, Error>>;

    /// Sets the given fields of existing records, linking each to `external` (source, id)
    /// when given; one result per record, in order.
    fn update<'a>(
        &'a self,
        conn: &'a mut Conn,
        records: &'a [SyncUpdate<'a>],
    ) -> BoxFuture<'a, Result<Vec<Result<(), String>>, Error>>;

    /// Deletes records whose remote twin was deleted and that nothing changed here; keeps
    /// (and returns) those that carry work done here (activities, tasks), which a deletion
    /// would take with them.
    fn delete<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<Vec<Uuid>, Error>>;

    /// Forgets the records' external ids (their remote twin is gone but they were edited
    /// here, so they stay as local records).
    fn unlink<'a>(
        &'a self,
        conn: &'a mut Conn,
        ids: &'a [Uuid],
    ) -> BoxFuture<'a, Result<(), Error>>;

    /// Records linked to `connection` and changed here since their last sync (`updated_at`
    /// after the link's `synced_at`, or the link's `push_pending`), in id order after `after`, at most `limit`: what a push
    /// looks at.
    fn changed_since_sync<'a>(
        &'a self,
        conn: &'a mut Conn,
        connection: ConnectionId,
        after: Option<Uuid>,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<Uuid>, Error>>;
}

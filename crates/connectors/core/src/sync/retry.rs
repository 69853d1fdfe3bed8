//! Records fetched again. A record a pull could not apply (a stage not known here, a value a
//! rule refuses, a reference not synced yet) is passed by the cursor with its page, so it is
//! kept in `connector_retries`; every later run fetches those by id until they apply, or are
//! gone there. A full resync (`resync_requested`) reads an object again from the start.

use super::progress::total;
use super::run::{Ending, Failure, ObjectPlan, Sync};
use crate::store::{ConnectionRow, NewSyncError, ObjectRow};
use connector_api::{RemoteRecord, Session, IDS_AT_ONCE};
use diesel::prelude::*;
use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::connectors::SyncObject;
use models::ConnectionId;
use platform::db::schema::{connection_objects, connector_retries};
use platform::db::Conn;
use platform::Error;
use std::collections::{HashMap, HashSet};

/// After a page of changes is applied (in its transaction): the records that applied leave
/// the retry set, those that failed join it (or count another attempt).
pub(super) async fn settle(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    records: &[RemoteRecord],
    errors: &[NewSyncError],
) -> Result<(), Error> {
    let failed: HashMap<&str, &str> = errors
        .iter()
        .filter(|e| e.direction == "pull" && !e.external_id.is_empty())
        .map(|e| (e.external_id.as_str(), e.message.as_str()))
        .collect();
    let (ids, messages): (Vec<&str>, Vec<&str>) = failed.iter().map(|(i, m)| (*i, *m)).unzip();
    if !ids.is_empty() {
        diesel::sql_query(
            "INSERT INTO connector_retries (tenant_id, connection_id, object, external_id, message) \
             SELECT app_current_tenant(), $1, $2, x.id, x.message \
             FROM unnest($3::text[], $4::text[]) AS x(id, message) \
             ON CONFLICT (tenant_id, connection_id, object, external_id) DO UPDATE \
             SET message = EXCLUDED.message, attempts = connector_retries.attempts + 1, \
                 last_failed_at = now()",
        )
        .bind::<SqlUuid, _>(connection.0)
        .bind::<Text, _>(object.as_str())
        .bind::<Array<Text>, _>(&ids)
        .bind::<Array<Text>, _>(&messages)
        .execute(conn)
        .await?;
    }
    // The set is empty in the common case: one probe, and no delete.
    let waiting: bool = diesel::select(diesel::dsl::exists(waiting(connection, object)))
        .get_result(conn)
        .await?;
    let applied: Vec<&str> = records
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !failed.contains_key(id))
        .collect();
    if waiting && !applied.is_empty() {
        forget(conn, connection, object, &applied).await?;
    }
    Ok(())
}

fn waiting(
    connection: ConnectionId,
    object: SyncObject,
) -> connector_retries::BoxedQuery<'static, diesel::pg::Pg> {
    connector_retries::table
        .filter(connector_retries::connection_id.eq(connection))
        .filter(connector_retries::object.eq(object.as_str()))
        .into_boxed()
}

/// Takes records out of the retry set (a join on the ids: each looked up in the key).
async fn forget(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    ids: &[&str],
) -> Result<(), Error> {
    diesel::sql_query(
        "DELETE FROM connector_retries r USING unnest($3::text[]) AS x(id) \
         WHERE r.tenant_id = app_current_tenant() AND r.connection_id = $1 AND r.object = $2 \
           AND r.external_id = x.id",
    )
    .bind::<SqlUuid, _>(connection.0)
    .bind::<Text, _>(object.as_str())
    .bind::<Array<Text>, _>(ids)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many records of each object wait to be tried again (for the connectors page).
pub async fn waiting_counts(
    conn: &mut Conn,
    connection: ConnectionId,
) -> Result<HashMap<String, i64>, Error> {
    let rows: Vec<(String, i64)> = connector_retries::table
        .filter(connector_retries::connection_id.eq(connection))
        .group_by(connector_retries::object)
        .select((connector_retries::object, diesel::dsl::count_star()))
        .load(conn)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Starts a full resync the object's row asked for: its cursor back to the start, in the
/// run's setup (so a run under way when it was asked for kept its own cursor).
pub(super) async fn start_over(conn: &mut Conn, mut row: ObjectRow) -> Result<ObjectRow, Error> {
    if !row.resync_requested {
        return Ok(row);
    }
    diesel::update(
        connection_objects::table
            .filter(connection_objects::connection_id.eq(row.connection_id))
            .filter(connection_objects::object.eq(row.object)),
    )
    .set((
        connection_objects::cursor_at.eq(None::<chrono::DateTime<chrono::Utc>>),
        connection_objects::cursor_id.eq(""),
        connection_objects::resync_requested.eq(false),
    ))
    .execute(conn)
    .await?;
    row.cursor_at = None;
    row.cursor_id = String::new();
    row.resync_requested = false;
    Ok(row)
}

impl Sync<'_> {
    /// The records waiting to be tried again, before this run's pull of the object adds
    /// its own failures (tried again by the next run, not this one).
    pub(super) async fn waiting_ids(
        &self,
        connection: &ConnectionRow,
        object: SyncObject,
    ) -> Result<Vec<String>, Failure> {
        Ok(self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| {
                Ok(waiting(connection.id, object)
                    .order(connector_retries::external_id)
                    .select(connector_retries::external_id)
                    .load(conn)
                    .await?)
            })
            .await?)
    }

    /// Fetches the records that failed before (`before`, as `waiting_ids` read them, less
    /// those this run's pull settled) by id, a batch at a time, and applies them as any
    /// page. One no longer returned is gone there (deleted, or out of the API user's sight)
    /// and leaves the set; its deletion, if any, comes through the deletions pull.
    pub(super) async fn retry_failed(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        fields: &[String],
        budget: u8,
        before: Vec<String>,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        let remote = plan.row.remote_object.as_str();
        if before.is_empty() {
            return Ok(Ending::Done);
        }
        let still: HashSet<String> = self
            .waiting_ids(connection, object)
            .await?
            .into_iter()
            .collect();
        let ids: Vec<String> = before.into_iter().filter(|id| still.contains(id)).collect();
        for batch in ids.chunks(IDS_AT_ONCE) {
            if session.usage().exhausted(budget) {
                return Ok(Ending::Paused);
            }
            let mut page = session.pull_ids(remote, fields, batch).await?;
            let mut records = std::mem::take(&mut page.records);
            while let Some(next) = page.next.take() {
                page = session.next_page(remote, &next).await?;
                records.append(&mut page.records);
            }
            let (totals, errors) = self.write_page(connection, plan, &records, false).await?;
            if total(&totals) > total(&self.counts) {
                self.counts = totals;
            }
            let returned: HashSet<&str> = records.iter().map(|r| r.id.as_str()).collect();
            let gone: Vec<&str> = batch
                .iter()
                .map(String::as_str)
                .filter(|id| !returned.contains(id))
                .collect();
            if !gone.is_empty() {
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        forget(conn, connection.id, object, &gone).await
                    })
                    .await?;
            }
            let state = self.session_state(connection, session)?;
            self.pass_page(connection, state, plan, &errors, None, false)
                .await?;
        }
        Ok(Ending::Done)
    }
}

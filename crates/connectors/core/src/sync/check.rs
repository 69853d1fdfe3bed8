//! The periodic check for deletions the remote side no longer reports. `queryAll` sees a
//! deleted record only while it sits in the org's Recycle Bin (15 days, less once someone
//! empties it). Every `CHECK_EVERY`, a run reads every remote id of an object (ids only, in
//! the pull's order, resumable) into `connector_seen`; a link whose record was not seen was
//! deleted there, and goes the way of any remote deletion (`apply_deletions`).
//!
//! A first full pull counts as a check: it has just read every record.

use super::apply::apply_deletions;
use super::progress::{add_counts, save_usage};
use super::run::{Ending, Failure, ObjectPlan, Sync};
use crate::store::{record_errors, ConnectionRow, NewSyncError};
use chrono::{DateTime, Duration, Utc};
use connector_api::Session;
use connector_api::{Cursor, RemoteRecord};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::SyncObject;
use models::ConnectionId;
use platform::db::schema::{connection_objects, connector_links, connector_seen};
use platform::db::Conn;
use platform::Error;

/// How often every remote id is checked.
pub(super) const CHECK_EVERY: Duration = Duration::days(7);

/// More records than this missing at once (and more than a twentieth of those synced) is
/// more likely lost access than deletions: they are reported, not deleted here.
const MISSING_AT_MOST: i64 = 50;

/// Whether this run checks the object: a check is under way, or the last one is older than
/// `CHECK_EVERY`.
pub(super) fn check_due(plan: &ObjectPlan, now: DateTime<Utc>) -> bool {
    plan.row.check_started_at.is_some()
        || plan.row.checked_at.is_none_or(|at| now - at >= CHECK_EVERY)
}

/// Records that every remote id was read at `at` (a first full pull).
pub(super) async fn mark_checked(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    diesel::update(
        connection_objects::table
            .filter(connection_objects::connection_id.eq(connection))
            .filter(connection_objects::object.eq(object)),
    )
    .set(connection_objects::checked_at.eq(at))
    .execute(conn)
    .await?;
    Ok(())
}

impl Sync<'_> {
    /// Reads every remote id of the object, page by page (each page's ids and the check's
    /// cursor in one transaction), then settles the links whose record was not seen.
    pub(super) async fn check_object(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        budget: u8,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        let remote = plan.row.remote_object.as_str();
        let started = match plan.row.check_started_at {
            Some(at) => at,
            None => {
                let now = Utc::now();
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        forget_seen(conn, connection.id, object).await?;
                        diesel::update(
                            connection_objects::table
                                .filter(connection_objects::connection_id.eq(connection.id))
                                .filter(connection_objects::object.eq(object)),
                        )
                        .set(connection_objects::check_started_at.eq(now))
                        .execute(conn)
                        .await?;
                        Ok(())
                    })
                    .await?;
                now
            }
        };
        let mut cursor = plan.row.check_cursor();
        let mut next: Option<String> = None;
        loop {
            if session.usage().exhausted(budget) {
                return Ok(Ending::Paused);
            }
            let page = match &next {
                Some(n) => session.next_page(remote, n).await?,
                None => session.pull(remote, &[], &cursor).await?,
            };
            if let Some(last) = page.records.last() {
                cursor = Cursor::after(last);
            }
            let ids: Vec<&str> = page.records.iter().map(|r| r.id.as_str()).collect();
            let state = self.session_state(connection, session)?;
            self.job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    seen(conn, connection.id, object, &ids).await?;
                    diesel::update(
                        connection_objects::table
                            .filter(connection_objects::connection_id.eq(connection.id))
                            .filter(connection_objects::object.eq(object)),
                    )
                    .set((
                        connection_objects::check_cursor_at.eq(cursor.at),
                        connection_objects::check_cursor_id.eq(&cursor.id),
                    ))
                    .execute(conn)
                    .await?;
                    save_usage(conn, connection.id, state.usage, state.refreshed.as_deref()).await
                })
                .await?;
            match page.next {
                Some(n) if !page.records.is_empty() => next = Some(n),
                _ => break,
            }
        }
        self.settle_missing(connection, plan, started).await?;
        Ok(Ending::Done)
    }

    /// Links whose record the check did not see: deleted there, unless so many are missing
    /// that lost access is the likelier cause. Ends the check.
    async fn settle_missing(
        &mut self,
        connection: &ConnectionRow,
        plan: &ObjectPlan,
        started: DateTime<Utc>,
    ) -> Result<(), Failure> {
        let object = plan.row.object;
        let page = self.page_context(connection, plan);
        let (tenant, run) = (self.tenant, self.run);
        let totals = self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| {
                let synced: i64 = connector_links::table
                    .filter(connector_links::connection_id.eq(connection.id))
                    .filter(connector_links::object.eq(object.as_str()))
                    .count()
                    .get_result(conn)
                    .await?;
                let missing = missing(conn, connection.id, object).await?;
                let count = missing.len() as i64;
                let totals = if count > MISSING_AT_MOST && count * 20 > synced {
                    let error = NewSyncError {
                        tenant_id: tenant,
                        run_id: run,
                        object: object.as_str().into(),
                        external_id: String::new(),
                        direction: "delete",
                        message: format!(
                            "{count} of {synced} synced records are no longer visible there; \
                             nothing was deleted here. If the remote user lost access to them, \
                             restore it; if they were deleted there, delete them here"
                        ),
                    };
                    record_errors(conn, &[error]).await?;
                    None
                } else {
                    let gone: Vec<RemoteRecord> = missing
                        .into_iter()
                        .map(|id| RemoteRecord {
                            id,
                            modified: started,
                            created: None,
                            fields: Default::default(),
                        })
                        .collect();
                    let (delta, errors) = apply_deletions(conn, &page, &gone).await?;
                    record_errors(conn, &errors).await?;
                    Some(add_counts(conn, run, object, &delta).await?)
                };
                forget_seen(conn, connection.id, object).await?;
                diesel::update(
                    connection_objects::table
                        .filter(connection_objects::connection_id.eq(connection.id))
                        .filter(connection_objects::object.eq(object)),
                )
                .set((
                    connection_objects::checked_at.eq(Some(started)),
                    connection_objects::check_started_at.eq(None::<DateTime<Utc>>),
                    connection_objects::check_cursor_at.eq(None::<DateTime<Utc>>),
                    connection_objects::check_cursor_id.eq(""),
                ))
                .execute(conn)
                .await?;
                Ok(totals)
            })
            .await?;
        if let Some(totals) = totals {
            self.counts = totals;
        }
        Ok(())
    }
}

/// Drops the ids a check of the object has seen.
async fn forget_seen(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
) -> Result<(), Error> {
    diesel::delete(
        connector_seen::table
            .filter(connector_seen::connection_id.eq(connection))
            .filter(connector_seen::object.eq(object.as_str())),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The remote ids of links the check under way has not seen.
async fn missing(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
) -> Result<Vec<String>, Error> {
    use diesel::sql_types::{Text, Uuid as SqlUuid};
    #[derive(QueryableByName)]
    struct Missing {
        #[diesel(sql_type = Text)]
        external_id: String,
    }
    let rows: Vec<Missing> = diesel::sql_query(
        "SELECT l.external_id FROM connector_links l \
         WHERE l.connection_id = $1 AND l.object = $2 AND NOT EXISTS ( \
           SELECT 1 FROM connector_seen s WHERE s.tenant_id = l.tenant_id \
             AND s.connection_id = l.connection_id AND s.object = l.object \
             AND s.external_id = l.external_id)",
    )
    .bind::<SqlUuid, _>(connection.0)
    .bind::<Text, _>(object.as_str())
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.external_id).collect())
}

/// Keeps a page of remote ids as seen by the check under way.
async fn seen(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    ids: &[&str],
) -> Result<(), Error> {
    use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
    if ids.is_empty() {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO connector_seen (tenant_id, connection_id, object, external_id) \
         SELECT app_current_tenant(), $1, $2, x FROM unnest($3::text[]) AS x \
         ON CONFLICT DO NOTHING",
    )
    .bind::<SqlUuid, _>(connection.0)
    .bind::<Text, _>(object.as_str())
    .bind::<Array<Text>, _>(ids)
    .execute(conn)
    .await?;
    Ok(())
}

//! Pulling an object's changes: pages fetched ahead while earlier ones are written, each page
//! its own transaction, and the cursor moved past a page only once it and every page before
//! it are committed.

use super::apply::{apply_changes, apply_deletions};
use super::progress::*;
use super::retry;
use super::run::*;
use crate::store::{record_errors, ConnectionRow, NewSyncError};
use connector_api::{Cursor, Page, RemoteError, RemoteRecord, Session};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use platform::db::schema::connection_objects;

/// Pages a pull writes at once (each in its own transaction) and fetches ahead.
pub(super) const PAGES_AT_ONCE: usize = 2;

impl Sync<'_> {
    /// Pulls every page of changes (or of deletions) after the object's cursor. Two pages
    /// are written at a time, each in its own transaction, while the next two are fetched:
    /// PostgreSQL gets both cores and the remote side works meanwhile. The cursor then moves
    /// page by page, in order, only past pages whose records are committed; a page written
    /// but not yet passed by the cursor is pulled again after a crash, which changes
    /// nothing (its records are linked by then).
    pub(super) async fn pull_all(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        fields: &[String],
        budget: u8,
        deletions: bool,
    ) -> Result<Ending, Failure> {
        let remote = plan.row.remote_object.as_str();
        let mut cursor = if deletions {
            plan.row.deleted_cursor()
        } else {
            plan.row.cursor()
        };
        if session.usage().exhausted(budget) {
            return Ok(Ending::Paused);
        }
        let first = if deletions {
            session.pull_deleted(remote, &cursor).await?
        } else {
            session.pull(remote, fields, &cursor).await?
        };
        let mut held = vec![first];
        loop {
            // Where the query goes on after the pages held (an empty page ends it).
            let more = held
                .last()
                .filter(|p| !p.records.is_empty())
                .and_then(|p| p.next.clone());
            let fetch = async {
                let mut pages = Vec::new();
                let mut next = more.clone();
                while pages.len() < PAGES_AT_ONCE {
                    let Some(n) = next.take() else { break };
                    if session.usage().exhausted(budget) {
                        break;
                    }
                    let page = session.next_page(remote, &n).await?;
                    next = page.next.clone().filter(|_| !page.records.is_empty());
                    pages.push(page);
                }
                Ok::<_, RemoteError>(pages)
            };
            let this = &*self;
            let write = async |page: Option<&Page>| match page {
                Some(p) => Some(
                    this.write_page(connection, plan, &p.records, deletions)
                        .await,
                ),
                None => None,
            };
            let (written_a, written_b, fetched) =
                tokio::join!(write(held.as_slice().first()), write(held.get(1)), fetch);
            let written: Vec<_> = [written_a, written_b].into_iter().flatten().collect();
            // Counts are added under the run's row lock: the later commit counted both.
            for (totals, _) in written.iter().flatten() {
                if total(totals) > total(&self.counts) {
                    self.counts = totals.clone();
                }
            }
            // The cursor passes the pages in order, and stops at the first that failed.
            for (page, written) in held.iter().zip(written) {
                let (_, errors) = written?;
                if let Some(last) = page.records.last() {
                    cursor = Cursor::after(last);
                }
                let state = self.session_state(connection, session)?;
                self.pass_page(connection, state, plan, &errors, Some(&cursor), deletions)
                    .await?;
            }
            let fetched = fetched?;
            if fetched.is_empty() {
                return Ok(match more {
                    Some(_) => Ending::Paused,
                    None => Ending::Done,
                });
            }
            held = fetched;
        }
    }

    /// Applies one page of changes (or deletions) in one transaction; the cursor does not
    /// move yet (`pass_page`).
    pub(super) async fn write_page(
        &self,
        connection: &ConnectionRow,
        plan: &ObjectPlan,
        records: &[RemoteRecord],
        deletions: bool,
    ) -> Result<(Counts, Vec<NewSyncError>), Failure> {
        let object = plan.row.object;
        let page = self.page_context(connection, plan);
        Ok(self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| {
                // The remote side keeps the records: a page lost in a crash, with the cursor
                // that had not passed it, is pulled again.
                platform::db::relaxed_commit(conn).await?;
                let (delta, errors) = if deletions {
                    apply_deletions(conn, &page, records).await?
                } else {
                    let (delta, errors) = apply_changes(conn, &page, records).await?;
                    retry::settle(conn, connection.id, object, records, &errors).await?;
                    (delta, errors)
                };
                let written = delta.created + delta.updated + delta.deleted;
                if let (Some(meter), true) = (&self.hub.meter, written > 0) {
                    meter.count(conn, self.tenant, written, true).await?;
                }
                let totals = add_counts(conn, self.run, object, &delta).await?;
                Ok((totals, errors))
            })
            .await?)
    }

    /// Moves the cursor past a written page (`None`: records fetched by id, no cursor to
    /// move), with the page's errors and the API usage.
    pub(super) async fn pass_page(
        &mut self,
        connection: &ConnectionRow,
        state: SessionState,
        plan: &ObjectPlan,
        errors: &[NewSyncError],
        cursor: Option<&Cursor>,
        deletions: bool,
    ) -> Result<(), Failure> {
        let object = plan.row.object;
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                platform::db::relaxed_commit(conn).await?;
                record_errors(conn, errors).await?;
                let Some(cursor) = cursor else {
                    save_progress(conn, self.run, &self.counts, state.calls).await?;
                    return save_usage(
                        conn,
                        connection.id,
                        state.usage,
                        state.refreshed.as_deref(),
                    )
                    .await;
                };
                let (at_col, id_col) = (cursor.at, cursor.id.clone());
                let target = connection_objects::table
                    .filter(connection_objects::connection_id.eq(connection.id))
                    .filter(connection_objects::object.eq(object));
                if deletions {
                    diesel::update(target)
                        .set((
                            connection_objects::deleted_cursor_at.eq(at_col),
                            connection_objects::deleted_cursor_id.eq(id_col),
                        ))
                        .execute(conn)
                        .await?;
                } else {
                    diesel::update(target)
                        .set((
                            connection_objects::cursor_at.eq(at_col),
                            connection_objects::cursor_id.eq(id_col),
                        ))
                        .execute(conn)
                        .await?;
                }
                save_progress(conn, self.run, &self.counts, state.calls).await?;
                save_usage(conn, connection.id, state.usage, state.refreshed.as_deref()).await
            })
            .await?;
        Ok(())
    }
}

//! How a run ends (its state, the connection's status, the retry) and the counts and API
//! usage it keeps on the way.

use super::run::*;
use crate::store::{load_connection, read_counts};
use chrono::Utc;
use connector_api::RemoteError;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{ConnectionStatus, SyncCounts, SyncObject, SyncState};
use models::{ConnectionId, SyncRunId};
use platform::db::schema::{connections, sync_runs};
use platform::db::Conn;
use platform::Error;
use serde_json::{json, Value};
use std::collections::HashMap;

pub(super) fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A run's counts per object.
pub(super) type Counts = HashMap<SyncObject, SyncCounts>;

/// Every count of a run, summed: counts only grow, so the larger sum is the later state.
pub(super) fn total(counts: &Counts) -> i64 {
    counts
        .values()
        .map(|c| c.fetched + c.created + c.updated + c.deleted + c.skipped + c.failed + c.pushed)
        .sum()
}

/// Adds a written page's counts to the run's, under the run's row lock. It is the page
/// transaction's last statement, so two pages written at once wait on each other only to
/// commit (never while one holds a lock the other needs). The run's counts as they stand.
pub(super) async fn add_counts(
    conn: &mut Conn,
    run: SyncRunId,
    object: SyncObject,
    delta: &SyncCounts,
) -> Result<Counts, Error> {
    let json: Value = sync_runs::table
        .filter(sync_runs::id.eq(run))
        .select(sync_runs::counts)
        .for_update()
        .first(conn)
        .await?;
    let mut counts: Counts = read_counts(&json).into_iter().collect();
    counts.entry(object).or_default().add(delta);
    diesel::update(sync_runs::table.filter(sync_runs::id.eq(run)))
        .set(sync_runs::counts.eq(counts_json(&counts)))
        .execute(conn)
        .await?;
    Ok(counts)
}

pub(super) fn counts_json(counts: &Counts) -> Value {
    Value::Object(
        counts
            .iter()
            .map(|(o, c)| (o.as_str().to_string(), json!(c)))
            .collect(),
    )
}

pub(super) async fn save_progress(
    conn: &mut Conn,
    run: SyncRunId,
    counts: &HashMap<SyncObject, SyncCounts>,
    calls: i32,
) -> Result<(), Error> {
    diesel::update(sync_runs::table.filter(sync_runs::id.eq(run)))
        .set((
            sync_runs::counts.eq(counts_json(counts)),
            sync_runs::api_calls.eq(calls),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the allowance the remote side last reported, and refreshed credentials.
pub(super) async fn save_usage(
    conn: &mut Conn,
    id: ConnectionId,
    usage: connector_api::ApiUsage,
    sealed: Option<&[u8]>,
) -> Result<(), Error> {
    let target = connections::table.filter(connections::id.eq(id));
    if let (Some(used), Some(limit)) = (usage.used, usage.limit) {
        diesel::update(target)
            .set((
                connections::api_used.eq(used),
                connections::api_limit.eq(limit),
                connections::api_checked_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
    }
    if let Some(sealed) = sealed {
        diesel::update(target)
            .set(connections::credentials.eq(sealed))
            .execute(conn)
            .await?;
    }
    Ok(())
}

impl Sync<'_> {
    /// Records how the run ended on the run and the connection. A remote outage or a local
    /// error is returned, so the queue retries the job (the run resumes from its cursors);
    /// refused credentials or a refused request are not retried: they need a person.
    pub(super) async fn finish(
        &mut self,
        id: ConnectionId,
        outcome: RunOutcome,
    ) -> Result<(), Error> {
        let (state, status, message, session, retry) = match outcome {
            Ok((Ending::Done, s)) => (SyncState::Done, None, String::new(), s, None),
            Ok((Ending::Paused, s)) => (
                SyncState::Paused,
                None,
                "Paused before using more than this connection's share of the org's daily \
                 API allowance; the next run continues."
                    .to_string(),
                s,
                None,
            ),
            Err((Failure::Remote(RemoteError::Auth(m)), s)) => (
                SyncState::Failed,
                Some(ConnectionStatus::Error),
                format!("Not authorised ({m}). Connect again."),
                s,
                None,
            ),
            Err((Failure::Remote(e @ RemoteError::Refused(_)), s)) => {
                (SyncState::Failed, None, capitalise(&e.to_string()), s, None)
            }
            Err((Failure::Remote(e), s)) => {
                let message = capitalise(&e.to_string());
                let retry = Error::Remote(e.to_string());
                (SyncState::Failed, None, message, s, Some(retry))
            }
            // A plan's cap on records synced: the page was refused whole; the run stops
            // with billing's message (what is used, the limit, how to raise it) and the
            // next scheduled run tries again.
            Err((Failure::Local(Error::App(e @ models::AppError::QuotaExceeded { .. })), s)) => {
                (SyncState::Failed, None, e.to_string(), s, None)
            }
            Err((Failure::Local(e), s)) => {
                tracing::error!(run = %self.run, error = %e, "a sync run failed");
                (
                    SyncState::Failed,
                    None,
                    "An error on our side stopped the run; it is retried.".to_string(),
                    s,
                    Some(e),
                )
            }
        };
        // A retried run stays running (with the reason) until its last attempt.
        let state = match (&retry, self.job.is_last_attempt()) {
            (Some(_), false) => SyncState::Running,
            _ => state,
        };
        let usage = session.as_ref().map(|s| s.usage());
        let calls = session
            .as_ref()
            .map_or(self.api_calls, |s| self.calls(s.as_ref()));
        let refreshed = session
            .as_ref()
            .and_then(|s| s.refreshed_secrets())
            .filter(|s| self.sealed.as_ref() != Some(s));
        let run = self.run;
        let counts = self.counts.clone();
        let hub = self.hub;
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                let connection = load_connection(conn, id).await?;
                let sealed = match &refreshed {
                    Some(s) => Some(hub.key()?.seal_json(s, &connection.seal_context())?),
                    None => None,
                };
                save_progress(conn, run, &counts, calls).await?;
                let finished = !state.is_active();
                diesel::update(sync_runs::table.filter(sync_runs::id.eq(run)))
                    .set((
                        sync_runs::state.eq(state),
                        sync_runs::error.eq(&message),
                        sync_runs::finished_at.eq(finished.then(Utc::now)),
                    ))
                    .execute(conn)
                    .await?;
                if finished {
                    diesel::update(sync_runs::table.filter(sync_runs::id.eq(run)))
                        .set(sync_runs::object.eq(""))
                        .execute(conn)
                        .await?;
                }
                if let Some(usage) = usage {
                    save_usage(conn, id, usage, sealed.as_deref()).await?;
                }
                let target = connections::table.filter(connections::id.eq(id));
                if finished {
                    diesel::update(target)
                        .set((
                            connections::last_sync_at.eq(Utc::now()),
                            connections::last_error.eq(&message),
                        ))
                        .execute(conn)
                        .await?;
                }
                if let Some(status) = status {
                    diesel::update(target)
                        .set(connections::status.eq(status))
                        .execute(conn)
                        .await?;
                }
                Ok(())
            })
            .await?;
        match retry {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

//! One run: the objects in order, each pulled, its deletions read, its changes pushed; and
//! how the run ends.

use super::apply::{apply_changes, apply_deletions, PageContext};
use super::check::{check_due, mark_checked};
use super::owners::{self, Owners};
use super::push::{pending_pushes, touch_links, PendingPush};
use super::ConnectorHub;
use crate::connectors::connector::{Credentials, Session};
use crate::connectors::remote::{
    ApiUsage, Cursor, Page, PushOutcome, PushRecord, RemoteError, RemoteRecord,
};
use crate::connectors::store::{
    load_connection, load_objects, read_counts, record_errors, ConnectionRow, NewSyncError,
    ObjectRow,
};
use crate::connectors::target::SyncTarget;
use crate::db::schema::{connection_objects, connections, connector_links, sync_runs};
use crate::db::Conn;
use crate::error::Error;
use crate::jobs::JobContext;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    ConnectionStatus, FieldMapping, LocalField, LocalFieldKind, SyncCounts, SyncObject, SyncState,
};
use models::{ConnectionId, SyncRunId, TenantId};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// How a run ended, with its session (for the usage and refreshed credentials to keep).
pub(super) type RunOutcome =
    Result<(Ending, Option<Box<dyn Session>>), (Failure, Option<Box<dyn Session>>)>;

/// How a run ended.
pub(super) enum Ending {
    Done,
    /// The API allowance share is used: resume on the next run.
    Paused,
}

/// Pages a pull writes at once (each in its own transaction) and fetches ahead.
const PAGES_AT_ONCE: usize = 2;

/// One running sync.
pub(super) struct Sync<'a> {
    pub(super) hub: &'a ConnectorHub,
    pub(super) job: &'a JobContext,
    pub(super) tenant: TenantId,
    pub(super) run: SyncRunId,
    pub(super) counts: HashMap<SyncObject, SyncCounts>,
    /// Remote calls of this run, over all attempts.
    pub(super) api_calls: i32,
    /// The refreshed credentials last sealed and saved.
    pub(super) sealed: Option<Value>,
}

/// The session as a commit records it.
pub(super) struct SessionState {
    pub(super) usage: ApiUsage,
    pub(super) calls: i32,
    /// Refreshed credentials, sealed, to save.
    pub(super) refreshed: Option<Vec<u8>>,
}

/// The run's failure: remote (sorted by what to do) or local.
pub(super) enum Failure {
    Remote(RemoteError),
    Local(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Local(e)
    }
}

impl From<RemoteError> for Failure {
    fn from(e: RemoteError) -> Self {
        Failure::Remote(e)
    }
}

/// What a run syncs of one object.
pub(super) struct ObjectPlan {
    pub(super) row: ObjectRow,
    pub(super) mappings: Vec<FieldMapping>,
    pub(super) fields: Vec<LocalField>,
    pub(super) target: Arc<dyn SyncTarget>,
    /// Owners across the systems (empty unless an owner field is mapped).
    pub(super) owners: Arc<Owners>,
}

impl ObjectPlan {
    /// Whether a mapping fills an owner field.
    fn maps_owners(&self) -> bool {
        self.mappings.iter().any(|m| self.is_owner(&m.local))
    }

    pub(super) fn is_owner(&self, key: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.key == key && f.kind == LocalFieldKind::User)
    }
}

impl<'a> Sync<'a> {
    pub(super) async fn run(&mut self, id: ConnectionId) -> RunOutcome {
        let setup = self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| {
                let connection = load_connection(conn, id).await?;
                let objects = load_objects(conn, id).await?;
                let mut plans = Vec::new();
                for row in objects.into_iter().filter(|o| o.enabled) {
                    let Some(target) = self.hub.registry.target_for(row.object) else {
                        continue;
                    };
                    let fields = target.fields(conn).await?;
                    let mappings = row.mappings()?;
                    plans.push(ObjectPlan {
                        row,
                        mappings,
                        fields,
                        target,
                        owners: Arc::default(),
                    });
                }
                Ok((connection, plans))
            })
            .await;
        let (connection, mut plans) = setup.map_err(|e| (Failure::Local(e), None))?;
        // Not connected (any more): the run ends without touching the connection's status
        // (its settings may have just moved to another org).
        if connection.status != ConnectionStatus::Connected {
            return Err((
                Failure::Remote(RemoteError::Refused(
                    "the connection is not authorised; connect it first".into(),
                )),
                None,
            ));
        }
        let mut session = self.open(&connection).map_err(|e| (e, None))?;
        let budget = connection.api_budget_percent();
        if let Err(f) = self.match_owners(session.as_mut(), &mut plans).await {
            return Err((f, Some(session)));
        }
        for plan in &plans {
            match self
                .sync_object(&connection, session.as_mut(), plan, budget)
                .await
            {
                Ok(Ending::Done) => {}
                Ok(Ending::Paused) => return Ok((Ending::Paused, Some(session))),
                Err(f) => return Err((f, Some(session))),
            }
        }
        Ok((Ending::Done, Some(session)))
    }

    /// Reads the remote users when an owner field is mapped, and matches them with the
    /// members here. If the remote side refuses to list them, this run leaves owners alone
    /// (rather than emptying them) and says so in its errors.
    async fn match_owners(
        &mut self,
        session: &mut dyn Session,
        plans: &mut [ObjectPlan],
    ) -> Result<(), Failure> {
        if !plans.iter().any(ObjectPlan::maps_owners) {
            return Ok(());
        }
        let remote = match session.users().await {
            Ok(users) => Some(users),
            Err(RemoteError::Refused(why) | RemoteError::Malformed(why)) => {
                let error = NewSyncError {
                    tenant_id: self.tenant,
                    run_id: self.run,
                    object: "user".into(),
                    external_id: String::new(),
                    direction: "pull",
                    message: format!(
                        "owners left as they are: the users could not be read ({why})"
                    ),
                };
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        record_errors(conn, &[error]).await
                    })
                    .await?;
                None
            }
            Err(e) => return Err(e.into()),
        };
        let Some(remote) = remote else {
            for plan in plans.iter_mut() {
                let owner_keys: Vec<String> = plan
                    .mappings
                    .iter()
                    .filter(|m| plan.is_owner(&m.local))
                    .map(|m| m.local.clone())
                    .collect();
                plan.mappings.retain(|m| !owner_keys.contains(&m.local));
            }
            return Ok(());
        };
        let members = self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| owners::members(conn).await)
            .await?;
        let owners = Arc::new(Owners::matched(&remote, &members));
        for plan in plans.iter_mut() {
            plan.owners = owners.clone();
        }
        Ok(())
    }

    fn open(&self, connection: &ConnectionRow) -> Result<Box<dyn Session>, Failure> {
        let key = self.hub.key()?;
        let connector = self.hub.connector(&connection.kind)?;
        let sealed = connection.credentials.as_deref().ok_or_else(|| {
            Failure::Remote(RemoteError::Auth("no credentials are stored".into()))
        })?;
        let secrets = key.open_json(sealed, &connection.seal_context())?;
        Ok(connector.open(Credentials {
            settings: connection.settings.clone(),
            secrets,
        })?)
    }

    async fn sync_object(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        budget: u8,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                diesel::update(sync_runs::table.filter(sync_runs::id.eq(self.run)))
                    .set(sync_runs::object.eq(object.as_str()))
                    .execute(conn)
                    .await?;
                Ok(())
            })
            .await?;
        let fields: Vec<String> = plan
            .mappings
            .iter()
            .filter(|m| m.direction.pulls())
            .map(|m| m.remote.clone())
            .collect();

        let now = Utc::now();
        let full = plan.row.cursor_at.is_none();
        for deletions in [false, true] {
            if let Ending::Paused = self
                .pull_all(connection, session, plan, &fields, budget, deletions)
                .await?
            {
                return Ok(Ending::Paused);
            }
        }
        // Deletions the remote side no longer reports: a full pull has just seen everything.
        if full {
            self.job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    mark_checked(conn, connection.id, object, now).await
                })
                .await?;
        } else if check_due(plan, now) {
            if let Ending::Paused = self.check_object(connection, session, plan, budget).await? {
                return Ok(Ending::Paused);
            }
        }

        // Local changes out.
        if plan.mappings.iter().any(|m| m.direction.pushes()) {
            return self.push_object(connection, session, plan, budget).await;
        }
        Ok(Ending::Done)
    }

    /// Pulls every page of changes (or of deletions) after the object's cursor. Two pages
    /// are written at a time, each in its own transaction, while the next two are fetched:
    /// PostgreSQL gets both cores and the remote side works meanwhile. The cursor then moves
    /// page by page, in order, only past pages whose records are committed; a page written
    /// but not yet passed by the cursor is pulled again after a crash, which changes
    /// nothing (its records are linked by then).
    async fn pull_all(
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
                self.pass_page(connection, state, plan, &errors, &cursor, deletions)
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

    /// The run's API calls: those of earlier attempts plus this session's.
    fn calls(&self, session: &dyn Session) -> i32 {
        self.api_calls + session.usage().calls
    }

    /// What a commit keeps of the session: its usage, and credentials refreshed since they
    /// were last sealed (sealed once per refresh, not on every page).
    pub(super) fn session_state(
        &mut self,
        connection: &ConnectionRow,
        session: &dyn Session,
    ) -> Result<SessionState, Failure> {
        let refreshed = match session.refreshed_secrets() {
            Some(secrets) if self.sealed.as_ref() != Some(&secrets) => {
                let sealed = self
                    .hub
                    .key()?
                    .seal_json(&secrets, &connection.seal_context())?;
                self.sealed = Some(secrets);
                Some(sealed)
            }
            _ => None,
        };
        Ok(SessionState {
            usage: session.usage(),
            calls: self.calls(session),
            refreshed,
        })
    }

    /// Applies one page of changes (or deletions) in one transaction; the cursor does not
    /// move yet (`pass_page`).
    async fn write_page(
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
                crate::db::relaxed_commit(conn).await?;
                let (delta, errors) = if deletions {
                    apply_deletions(conn, &page, records).await?
                } else {
                    apply_changes(conn, &page, records).await?
                };
                let totals = add_counts(conn, self.run, object, &delta).await?;
                Ok((totals, errors))
            })
            .await?)
    }

    /// What this run's pages of `plan` are applied with.
    pub(super) fn page_context<'p>(
        &self,
        connection: &'p ConnectionRow,
        plan: &'p ObjectPlan,
    ) -> PageContext<'p> {
        PageContext {
            tenant: self.tenant,
            connection: connection.id,
            source: &connection.kind,
            run: self.run,
            job_id: self.job.id,
            plan,
        }
    }

    /// Moves the cursor past a written page, with the page's errors and the API usage.
    async fn pass_page(
        &mut self,
        connection: &ConnectionRow,
        state: SessionState,
        plan: &ObjectPlan,
        errors: &[NewSyncError],
        cursor: &Cursor,
        deletions: bool,
    ) -> Result<(), Failure> {
        let object = plan.row.object;
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                crate::db::relaxed_commit(conn).await?;
                record_errors(conn, errors).await?;
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

    /// Pushes local changes of the fields that flow out, 200 records a call.
    async fn push_object(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        budget: u8,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        let pushed: Vec<&FieldMapping> = plan
            .mappings
            .iter()
            .filter(|m| m.direction.pushes())
            .collect();
        let mut after: Option<Uuid> = None;
        loop {
            // What changed here since its last sync, with the values to send.
            let batch = self
                .job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    pending_pushes(conn, connection.id, plan, &pushed, after).await
                })
                .await?;
            let Some(last) = batch.scanned_to else {
                return Ok(Ending::Done);
            };
            after = Some(last);
            if !batch.records.is_empty() {
                if session.usage().exhausted(budget) {
                    return Ok(Ending::Paused);
                }
                let records: Vec<PushRecord> =
                    batch.records.iter().map(|p| p.record.clone()).collect();
                let outcomes = session.push(&plan.row.remote_object, &records).await?;
                if outcomes.len() != records.len() {
                    return Err(Failure::Remote(RemoteError::Malformed(format!(
                        "{}: {} results for {} records written",
                        plan.row.remote_object,
                        outcomes.len(),
                        records.len()
                    ))));
                }
                let state = self.session_state(connection, session)?;
                self.commit_push(connection, state, object, &batch.records, &outcomes)
                    .await?;
            }
            // Records looked at but with nothing to send: mark them seen. Fields that
            // cannot be written back are the run's errors.
            if !batch.unchanged.is_empty() || !batch.refused.is_empty() {
                let errors: Vec<NewSyncError> = batch
                    .refused
                    .iter()
                    .map(|(id, why)| NewSyncError {
                        tenant_id: self.tenant,
                        run_id: self.run,
                        object: object.as_str().into(),
                        external_id: id.clone(),
                        direction: "push",
                        message: why.clone(),
                    })
                    .collect();
                let mut all_counts = self.counts.clone();
                all_counts.entry(object).or_default().failed += errors.len() as i64;
                let (run, calls) = (self.run, self.calls(session));
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        touch_links(conn, connection.id, object, &batch.unchanged).await?;
                        record_errors(conn, &errors).await?;
                        save_progress(conn, run, &all_counts, calls).await
                    })
                    .await?;
                self.counts = all_counts;
            }
        }
    }

    async fn commit_push(
        &mut self,
        connection: &ConnectionRow,
        state: SessionState,
        object: SyncObject,
        pending: &[PendingPush],
        outcomes: &[PushOutcome],
    ) -> Result<(), Failure> {
        let mut counts = self.counts.get(&object).copied().unwrap_or_default();
        let mut all_counts = self.counts.clone();
        let tenant = self.tenant;
        let run = self.run;
        self.job
            .db
            .tenant_tx(tenant, async |conn| {
                let mut errors = Vec::new();
                for (p, outcome) in pending.iter().zip(outcomes) {
                    match outcome {
                        PushOutcome::Saved => {
                            counts.pushed += 1;
                            let mut synced = p.synced.clone();
                            for (k, v) in &p.sent {
                                synced.insert(k.clone(), v.clone());
                            }
                            diesel::update(
                                connector_links::table
                                    .filter(connector_links::connection_id.eq(connection.id))
                                    .filter(connector_links::object.eq(object.as_str()))
                                    .filter(connector_links::external_id.eq(&p.record.id)),
                            )
                            .set((
                                connector_links::synced.eq(Value::Object(synced)),
                                connector_links::synced_at.eq(diesel::dsl::now),
                                connector_links::push_pending.eq(false),
                            ))
                            .execute(conn)
                            .await?;
                        }
                        PushOutcome::Rejected(reason) => {
                            counts.failed += 1;
                            errors.push(NewSyncError {
                                tenant_id: tenant,
                                run_id: run,
                                object: object.as_str().into(),
                                external_id: p.record.id.clone(),
                                direction: "push",
                                message: reason.clone(),
                            });
                        }
                    }
                }
                record_errors(conn, &errors).await?;
                all_counts.insert(object, counts);
                save_progress(conn, run, &all_counts, state.calls).await?;
                save_usage(conn, connection.id, state.usage, state.refreshed.as_deref()).await?;
                Ok(())
            })
            .await?;
        self.counts = all_counts;
        Ok(())
    }

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

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A run's counts per object.
type Counts = HashMap<SyncObject, SyncCounts>;

/// Every count of a run, summed: counts only grow, so the larger sum is the later state.
fn total(counts: &Counts) -> i64 {
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

fn counts_json(counts: &Counts) -> Value {
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
    usage: crate::connectors::remote::ApiUsage,
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

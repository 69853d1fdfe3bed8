//! The sync job: for each enabled object of a connection, in order, pull what changed since
//! the cursor page by page, then what was deleted, then push local changes of the fields that
//! flow out. Every page is one transaction that also moves the cursor and the run's counts,
//! so a worker killed midway resumes after the last committed page: nothing lost, nothing
//! doubled. Before every remote call the run checks the org's API allowance and pauses
//! cleanly once the connection's share is used; the next run resumes from the cursors.

use super::connector::{Connector, Credentials, Session};
use super::mapping::{edited_locally, merge, to_local, to_remote, LocalState};
use super::registry::ConnectorRegistry;
use super::remote::{Cursor, Page, PushOutcome, PushRecord, RemoteError, RemoteRecord, Values};
use super::secrets::SecretKey;
use super::store::{
    active_run, load_connection, load_objects, load_run, record_errors, ConnectionRow,
    NewSyncError, NewSyncRun, ObjectRow, RunRow,
};
use super::target::{NewSynced, SyncTarget, SyncUpdate};
use crate::audit::NewAuditEntry;
use crate::db::schema::{connection_objects, connections, connector_links, sync_runs};
use crate::db::Conn;
use crate::error::Error;
use crate::jobs::{Job, JobContext};
use crate::Client;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    ConnectionStatus, FieldMapping, LocalField, LocalFieldKind, SyncCounts, SyncObject, SyncState,
    SyncTrigger,
};
use models::{ConnectionId, SyncRunId, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Records pushed per remote call (Salesforce's sObject Collections take 200).
pub const PUSH_BATCH: i64 = 200;

/// What sync jobs need from the server: the connectors and targets, and the key that opens
/// credentials (`None` when `CONNECTOR_KEY` is not set: connections cannot be used).
#[derive(Clone)]
pub struct ConnectorHub {
    pub registry: ConnectorRegistry,
    pub key: Option<SecretKey>,
}

impl ConnectorHub {
    pub fn key(&self) -> Result<&SecretKey, Error> {
        self.key.as_ref().ok_or_else(|| {
            models::AppError::unavailable(
                "Connectors are not available: the server has no CONNECTOR_KEY set.",
            )
            .into()
        })
    }

    pub fn connector(&self, kind: &str) -> Result<Arc<dyn Connector>, Error> {
        self.registry
            .get(kind)
            .ok_or_else(|| Error::Config(format!("no connector of kind {kind} is registered")))
    }
}

/// Syncs one connection. De-duplicated per connection (with its schedule's key), so one run
/// at a time; `run_id` is the run a "sync now" created, `None` from the schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncConnection {
    pub connection_id: ConnectionId,
    #[serde(default)]
    pub run_id: Option<SyncRunId>,
}

impl SyncConnection {
    /// The name of a connection's schedule.
    pub fn schedule_name(id: ConnectionId) -> String {
        format!("connector:{id}")
    }
}

impl Job for SyncConnection {
    const KIND: &'static str = "connector.sync";
    const MAX_ATTEMPTS: i32 = 6;
    type Deps = ConnectorHub;

    async fn run(self, hub: &ConnectorHub, job: &JobContext) -> Result<(), Error> {
        let tenant = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("a sync job without a tenant".into()))?;
        let run = job
            .db
            .tenant_tx(tenant, async |conn| start_run(conn, tenant, &self).await)
            .await?;
        let Some(run) = run else { return Ok(()) };
        let mut sync = Sync {
            hub,
            job,
            tenant,
            run: run.id,
            counts: run_counts(&run),
            api_calls: run.api_calls,
        };
        let outcome = sync.run(self.connection_id).await;
        sync.finish(self.connection_id, outcome).await
    }
}

/// Adopts the connection's queued or running run (this job's, or one a killed worker left),
/// else starts one for the schedule. `None`: nothing to do.
async fn start_run(
    conn: &mut Conn,
    tenant: TenantId,
    job: &SyncConnection,
) -> Result<Option<RunRow>, Error> {
    let connection = match load_connection(conn, job.connection_id).await {
        Ok(c) => c,
        Err(Error::App(models::AppError::NotFound { .. })) => return Ok(None),
        Err(e) => return Err(e),
    };
    if connection.status == ConnectionStatus::Disconnected {
        return Ok(None);
    }
    let adopted = match job.run_id {
        Some(id) => load_run(conn, id).await?.filter(|r| r.state.is_active()),
        None => active_run(conn, job.connection_id).await?,
    };
    let id = match adopted {
        Some(run) => run.id,
        None => {
            let id = SyncRunId(Uuid::new_v4());
            diesel::insert_into(sync_runs::table)
                .values(NewSyncRun {
                    tenant_id: tenant,
                    id,
                    connection_id: job.connection_id,
                    trigger: SyncTrigger::Schedule,
                    state: SyncState::Queued,
                    requested_by: None,
                })
                .execute(conn)
                .await?;
            id
        }
    };
    diesel::update(sync_runs::table.filter(sync_runs::id.eq(id)))
        .set((
            sync_runs::state.eq(SyncState::Running),
            sync_runs::started_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(started_at, now())")),
        ))
        .execute(conn)
        .await?;
    load_run(conn, id).await
}

fn run_counts(run: &RunRow) -> HashMap<SyncObject, SyncCounts> {
    run.counts().into_iter().collect()
}

/// How a run ended, with its session (for the usage and refreshed credentials to keep).
type RunOutcome = Result<(Ending, Option<Box<dyn Session>>), (Failure, Option<Box<dyn Session>>)>;

/// How a run ended.
enum Ending {
    Done,
    /// The API allowance share is used: resume on the next run.
    Paused,
}

/// One running sync.
struct Sync<'a> {
    hub: &'a ConnectorHub,
    job: &'a JobContext,
    tenant: TenantId,
    run: SyncRunId,
    counts: HashMap<SyncObject, SyncCounts>,
    /// Remote calls of this run, over all attempts.
    api_calls: i32,
}

/// The run's failure: remote (sorted by what to do) or local.
enum Failure {
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
struct ObjectPlan {
    row: ObjectRow,
    mappings: Vec<FieldMapping>,
    fields: Vec<LocalField>,
    target: Arc<dyn SyncTarget>,
}

impl<'a> Sync<'a> {
    async fn run(&mut self, id: ConnectionId) -> RunOutcome {
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
                    });
                }
                Ok((connection, plans))
            })
            .await;
        let (connection, plans) = setup.map_err(|e| (Failure::Local(e), None))?;
        if connection.status != ConnectionStatus::Connected {
            return Err((
                Failure::Remote(RemoteError::Auth(
                    "the connection is not authorised; connect it again".into(),
                )),
                None,
            ));
        }
        let mut session = self.open(&connection).map_err(|e| (e, None))?;
        let budget = connection.api_budget_percent();
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
        let remote = plan.row.remote_object.as_str();
        let fields: Vec<String> = plan
            .mappings
            .iter()
            .filter(|m| m.direction.pulls())
            .map(|m| m.remote.clone())
            .collect();

        // Changes.
        let mut cursor = plan.row.cursor();
        let mut next: Option<String> = None;
        loop {
            if session.usage().exhausted(budget) {
                return Ok(Ending::Paused);
            }
            let page = match &next {
                None => session.pull(remote, &fields, &cursor).await,
                Some(n) => session.next_page(remote, n).await,
            };
            let Page {
                records,
                next: more,
            } = page?;
            if let Some(last) = records.last() {
                cursor = Cursor::after(last);
            }
            self.commit_page(connection, session, plan, &records, &cursor, false)
                .await?;
            match more {
                Some(n) if !records.is_empty() => next = Some(n),
                _ => break,
            }
        }

        // Deletions.
        let mut cursor = plan.row.deleted_cursor();
        let mut next: Option<String> = None;
        loop {
            if session.usage().exhausted(budget) {
                return Ok(Ending::Paused);
            }
            let page = match &next {
                None => session.pull_deleted(remote, &cursor).await,
                Some(n) => session.next_page(remote, n).await,
            };
            let Page {
                records,
                next: more,
            } = page?;
            if let Some(last) = records.last() {
                cursor = Cursor::after(last);
            }
            self.commit_page(connection, session, plan, &records, &cursor, true)
                .await?;
            match more {
                Some(n) if !records.is_empty() => next = Some(n),
                _ => break,
            }
        }

        // Local changes out.
        if plan.mappings.iter().any(|m| m.direction.pushes()) {
            return self.push_object(connection, session, plan, budget).await;
        }
        Ok(Ending::Done)
    }

    /// The run's API calls: those of earlier attempts plus this session's.
    fn calls(&self, session: &dyn Session, base: i32) -> i32 {
        base + session.usage().calls
    }

    /// Applies one page of changes (or deletions) and moves the cursor, in one transaction.
    async fn commit_page(
        &mut self,
        connection: &ConnectionRow,
        session: &dyn Session,
        plan: &ObjectPlan,
        records: &[RemoteRecord],
        cursor: &Cursor,
        deletions: bool,
    ) -> Result<(), Failure> {
        let object = plan.row.object;
        let mut counts = self.counts.get(&object).copied().unwrap_or_default();
        let usage = session.usage();
        let calls = self.calls(session, self.api_calls);
        let refreshed = match session.refreshed_secrets() {
            Some(secrets) => Some(
                self.hub
                    .key()?
                    .seal_json(&secrets, &connection.seal_context())?,
            ),
            None => None,
        };
        let page = PageContext {
            tenant: self.tenant,
            connection: connection.id,
            source: &connection.kind,
            run: self.run,
            job_id: self.job.id,
            plan,
        };
        let mut all_counts = self.counts.clone();
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                let (delta, errors) = if deletions {
                    apply_deletions(conn, &page, records).await?
                } else {
                    apply_changes(conn, &page, records).await?
                };
                counts.add(&delta);
                record_errors(conn, &errors).await?;
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
                all_counts.insert(object, counts);
                save_progress(conn, self.run, &all_counts, calls).await?;
                save_usage(conn, connection.id, usage, refreshed.as_deref()).await?;
                Ok(())
            })
            .await?;
        self.counts = all_counts;
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
                self.commit_push(connection, session, object, &batch.records, &outcomes)
                    .await?;
            }
            // Records looked at but with nothing to send: mark them seen.
            if !batch.unchanged.is_empty() {
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        touch_links(conn, connection.id, object, &batch.unchanged).await
                    })
                    .await?;
            }
        }
    }

    async fn commit_push(
        &mut self,
        connection: &ConnectionRow,
        session: &dyn Session,
        object: SyncObject,
        pending: &[PendingPush],
        outcomes: &[PushOutcome],
    ) -> Result<(), Failure> {
        let mut counts = self.counts.get(&object).copied().unwrap_or_default();
        let calls = self.calls(session, self.api_calls);
        let usage = session.usage();
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
                save_progress(conn, run, &all_counts, calls).await?;
                save_usage(conn, connection.id, usage, None).await?;
                Ok(())
            })
            .await?;
        self.counts = all_counts;
        Ok(())
    }

    /// Records how the run ended on the run and the connection. A remote outage or a local
    /// error is returned, so the queue retries the job (the run resumes from its cursors);
    /// refused credentials or a refused request are not retried: they need a person.
    async fn finish(&mut self, id: ConnectionId, outcome: RunOutcome) -> Result<(), Error> {
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
            .map_or(self.api_calls, |s| self.calls(s.as_ref(), self.api_calls));
        let refreshed = session.as_ref().and_then(|s| s.refreshed_secrets());
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

async fn save_progress(
    conn: &mut Conn,
    run: SyncRunId,
    counts: &HashMap<SyncObject, SyncCounts>,
    calls: i32,
) -> Result<(), Error> {
    let json: serde_json::Map<String, Value> = counts
        .iter()
        .map(|(o, c)| (o.as_str().to_string(), json!(c)))
        .collect();
    diesel::update(sync_runs::table.filter(sync_runs::id.eq(run)))
        .set((
            sync_runs::counts.eq(Value::Object(json)),
            sync_runs::api_calls.eq(calls),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Keeps the allowance the remote side last reported, and refreshed credentials.
async fn save_usage(
    conn: &mut Conn,
    id: ConnectionId,
    usage: super::remote::ApiUsage,
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

/// What a page's records are applied with.
struct PageContext<'a> {
    tenant: TenantId,
    connection: ConnectionId,
    source: &'a str,
    run: SyncRunId,
    job_id: i64,
    plan: &'a ObjectPlan,
}

impl PageContext<'_> {
    fn error(&self, external_id: &str, direction: &'static str, message: String) -> NewSyncError {
        NewSyncError {
            tenant_id: self.tenant,
            run_id: self.run,
            object: self.plan.row.object.as_str().into(),
            external_id: external_id.into(),
            direction,
            message,
        }
    }

    fn audit(&self, action: &'static str, id: Uuid, details: Value) -> NewAuditEntry {
        NewAuditEntry::new(self.tenant, None, action, &Client::job(self.job_id))
            .target(self.plan.row.object.as_str(), id)
            .details(details)
    }
}

#[derive(Queryable)]
struct LinkRow {
    external_id: String,
    local_id: Uuid,
    synced: Value,
}

async fn load_links(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    external_ids: &[&str],
) -> Result<HashMap<String, LinkRow>, Error> {
    let rows: Vec<LinkRow> = connector_links::table
        .filter(connector_links::connection_id.eq(connection))
        .filter(connector_links::object.eq(object.as_str()))
        .filter(connector_links::external_id.eq_any(external_ids))
        .select((
            connector_links::external_id,
            connector_links::local_id,
            connector_links::synced,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.external_id.clone(), r))
        .collect())
}

/// Reads, checks and normalises a remote record into local values; references to other
/// synced records are resolved by `refs` (remote id → local id) afterwards.
fn local_values(page: &PageContext<'_>, record: &RemoteRecord) -> Result<Values, String> {
    let raw = to_local(&page.plan.mappings, record)?;
    let mut out = Values::new();
    for (key, value) in raw {
        let Some(field) = page.plan.fields.iter().find(|f| f.key == key) else {
            return Err(format!("{key} is no longer a field here; fix the mapping"));
        };
        let remote = page
            .plan
            .mappings
            .iter()
            .find(|m| m.local == key)
            .map_or(key.as_str(), |m| m.remote.as_str());
        let value = match &field.kind {
            LocalFieldKind::Reference(_) => match value {
                Value::String(s) if !s.is_empty() => Value::String(s),
                Value::Null => Value::Null,
                Value::String(_) => Value::Null,
                other => return Err(format!("{remote}: {other} is not a record id")),
            },
            _ => page
                .plan
                .target
                .normalize(field, value)
                .map_err(|reason| format!("{remote}: {reason}"))?,
        };
        out.insert(key, value);
    }
    Ok(out)
}

/// Replaces remote ids in reference fields by the local ids of their synced twins (`null`
/// when the referenced record is not synced).
async fn resolve_references(
    conn: &mut Conn,
    page: &PageContext<'_>,
    values: &mut [(usize, Values)],
) -> Result<(), Error> {
    for field in &page.plan.fields {
        let LocalFieldKind::Reference(object) = &field.kind else {
            continue;
        };
        let ids: Vec<&str> = values
            .iter()
            .filter_map(|(_, v)| v.get(&field.key).and_then(|x| x.as_str()))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let links = load_links(conn, page.connection, *object, &ids).await?;
        for (_, v) in values.iter_mut() {
            if let Some(slot) = v.get_mut(&field.key) {
                let local = slot
                    .as_str()
                    .and_then(|id| links.get(id))
                    .map(|l| Value::String(l.local_id.to_string()));
                *slot = local.unwrap_or(Value::Null);
            }
        }
    }
    Ok(())
}

/// Upserts the links of synced records.
async fn save_links(
    conn: &mut Conn,
    page: &PageContext<'_>,
    links: &[(String, Uuid, DateTime<Utc>, Values, bool)],
) -> Result<(), Error> {
    use diesel::upsert::excluded;
    if links.is_empty() {
        return Ok(());
    }
    let rows: Vec<_> = links
        .iter()
        .map(|(ext, local, modified, synced, pending)| {
            (
                connector_links::tenant_id.eq(page.tenant),
                connector_links::connection_id.eq(page.connection),
                connector_links::object.eq(page.plan.row.object.as_str()),
                connector_links::external_id.eq(ext),
                connector_links::local_id.eq(*local),
                connector_links::remote_modified.eq(*modified),
                connector_links::synced.eq(Value::Object(synced.clone())),
                connector_links::push_pending.eq(*pending),
            )
        })
        .collect();
    diesel::insert_into(connector_links::table)
        .values(rows)
        .on_conflict((
            connector_links::tenant_id,
            connector_links::connection_id,
            connector_links::object,
            connector_links::external_id,
        ))
        .do_update()
        .set((
            connector_links::local_id.eq(excluded(connector_links::local_id)),
            connector_links::remote_modified.eq(excluded(connector_links::remote_modified)),
            connector_links::synced.eq(excluded(connector_links::synced)),
            connector_links::synced_at.eq(diesel::dsl::now),
            connector_links::push_pending.eq(excluded(connector_links::push_pending)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// Applies a page of changed remote records.
async fn apply_changes(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
) -> Result<(SyncCounts, Vec<NewSyncError>), Error> {
    let mut counts = SyncCounts {
        fetched: records.len() as i64,
        ..SyncCounts::default()
    };
    let mut errors = Vec::new();
    let mut valid: Vec<(usize, Values)> = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match local_values(page, r) {
            Ok(v) => valid.push((i, v)),
            Err(reason) => errors.push(page.error(&r.id, "pull", reason)),
        }
    }
    resolve_references(conn, page, &mut valid).await?;

    let ids: Vec<&str> = valid.iter().map(|(i, _)| records[*i].id.as_str()).collect();
    let links = load_links(conn, page.connection, page.plan.row.object, &ids).await?;

    // Records not linked yet may be ones already here (same e-mail).
    let unlinked: Vec<&(usize, Values)> = valid
        .iter()
        .filter(|(i, _)| !links.contains_key(&records[*i].id))
        .collect();
    let candidates: Vec<&Values> = unlinked.iter().map(|(_, v)| v).collect();
    let existing = page.plan.target.find_existing(conn, &candidates).await?;
    let matched: HashMap<usize, Uuid> = unlinked
        .iter()
        .zip(existing)
        .filter_map(|((i, _), e)| e.map(|id| (*i, id)))
        .collect();

    let mut local_ids: Vec<Uuid> = links.values().map(|l| l.local_id).collect();
    local_ids.extend(matched.values().copied());
    let locals = page.plan.target.load_records(conn, &local_ids).await?;

    let mut creates: Vec<(usize, Values)> = Vec::new();
    let mut updates: Vec<(usize, Uuid, Values, bool, Vec<super::mapping::Conflict>)> = Vec::new();
    let mut new_links: Vec<(String, Uuid, DateTime<Utc>, Values, bool)> = Vec::new();
    for (i, values) in valid {
        let record = &records[i];
        let link = links.get(&record.id);
        let local_id = link
            .map(|l| l.local_id)
            .or_else(|| matched.get(&i).copied());
        let Some(local_id) = local_id else {
            creates.push((i, values));
            continue;
        };
        let Some(local) = locals.get(&local_id) else {
            // Deleted here after it was synced: not brought back.
            counts.skipped += 1;
            continue;
        };
        if link.is_none() {
            if let Some((source, ext)) = &local.external {
                if source == page.source && ext != &record.id {
                    errors.push(page.error(
                        &record.id,
                        "pull",
                        format!(
                            "the same record here (matched by e-mail) is already synced with {ext}; \
                             merge the duplicates in the remote system"
                        ),
                    ));
                    continue;
                }
            }
        }
        let synced = link.and_then(|l| l.synced.as_object());
        let merged = merge(
            &page.plan.mappings,
            &values,
            record.modified,
            synced,
            Some(LocalState {
                values: &local.values,
                modified: local.modified,
            }),
        );
        // A field that flows out and now differs from the remote value is to be pushed.
        let pending = page
            .plan
            .mappings
            .iter()
            .filter(|m| m.direction.pushes())
            .any(|m| {
                let now = merged
                    .set
                    .get(&m.local)
                    .or_else(|| local.values.get(&m.local));
                let remote = merged.synced.get(&m.local);
                !super::mapping::same_value(
                    now.unwrap_or(&Value::Null),
                    remote.unwrap_or(&Value::Null),
                )
            });
        new_links.push((
            record.id.clone(),
            local_id,
            record.modified,
            merged.synced,
            pending,
        ));
        if merged.set.is_empty() && link.is_some() && merged.conflicts.is_empty() {
            counts.skipped += 1;
            continue;
        }
        updates.push((i, local_id, merged.set, link.is_none(), merged.conflicts));
    }
    // Creates.
    let news: Vec<NewSynced<'_>> = creates
        .iter()
        .map(|(i, v)| NewSynced {
            external_id: &records[*i].id,
            values: v,
        })
        .collect();
    let created = page.plan.target.create(conn, page.source, &news).await?;
    for ((i, values), result) in creates.iter().zip(created) {
        let record = &records[*i];
        match result {
            Ok(id) => {
                counts.created += 1;
                new_links.push((
                    record.id.clone(),
                    id,
                    record.modified,
                    values.clone(),
                    false,
                ));
            }
            Err(reason) => errors.push(page.error(&record.id, "pull", reason)),
        }
    }

    // Updates, audited before → after with any conflict's loser.
    let batch: Vec<SyncUpdate<'_>> = updates
        .iter()
        .map(|(i, id, set, link, _)| SyncUpdate {
            id: *id,
            values: set.clone(),
            link: link.then_some((page.source, records[*i].id.as_str())),
        })
        .collect();
    let updated = page.plan.target.update(conn, &batch).await?;
    let mut audit = Vec::new();
    let mut failed_ids = std::collections::HashSet::new();
    for ((i, id, set, _, conflicts), result) in updates.iter().zip(updated) {
        let record = &records[*i];
        match result {
            Ok(()) => {
                counts.updated += 1;
                let before = locals.get(id).map(|l| &l.values);
                let changes: serde_json::Map<String, Value> = set
                    .iter()
                    .map(|(k, v)| {
                        let old = before
                            .and_then(|b| b.get(k))
                            .cloned()
                            .unwrap_or(Value::Null);
                        (k.clone(), json!({"before": old, "after": v}))
                    })
                    .collect();
                let conflicts: Vec<Value> = conflicts
                    .iter()
                    .map(|c| json!({"field": c.field, "kept": c.kept, "lost": c.lost, "winner": c.winner}))
                    .collect();
                audit.push(page.audit(
                    "sync.updated",
                    *id,
                    json!({
                        "connection": page.connection, "run": page.run, "remote_id": record.id,
                        "changes": changes, "conflicts": conflicts,
                    }),
                ));
            }
            Err(reason) => {
                failed_ids.insert(record.id.clone());
                errors.push(page.error(&record.id, "pull", reason));
            }
        }
    }
    counts.failed = errors.len() as i64;
    new_links.retain(|(ext, ..)| !failed_ids.contains(ext));
    save_links(conn, page, &new_links).await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    Ok((counts, errors))
}

/// Applies a page of remote deletions: a record unchanged here since its last sync is
/// deleted; one edited here is kept as a local record (its link and external id dropped).
async fn apply_deletions(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
) -> Result<(SyncCounts, Vec<NewSyncError>), Error> {
    let mut counts = SyncCounts::default();
    let mut errors = Vec::new();
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let links = load_links(conn, page.connection, page.plan.row.object, &ids).await?;
    if links.is_empty() {
        return Ok((counts, errors));
    }
    let local_ids: Vec<Uuid> = links.values().map(|l| l.local_id).collect();
    let locals = page.plan.target.load_records(conn, &local_ids).await?;
    // Edited here since the last sync: kept, as a record of its own.
    let mut kept: Vec<(&LinkRow, &'static str)> = Vec::new();
    let mut candidates = Vec::new();
    for link in links.values() {
        let Some(local) = locals.get(&link.local_id) else {
            continue;
        };
        let synced = link.synced.as_object().cloned().unwrap_or_default();
        if edited_locally(&page.plan.mappings, &synced, &local.values) {
            kept.push((link, "edited here since the last sync"));
        } else {
            candidates.push(link.local_id);
        }
    }
    // The target keeps those with activities or tasks here.
    let busy = page.plan.target.delete(conn, &candidates).await?;
    let mut audit = Vec::new();
    for link in links.values().filter(|l| candidates.contains(&l.local_id)) {
        if busy.contains(&link.local_id) {
            kept.push((link, "it has activities or tasks here"));
            continue;
        }
        counts.deleted += 1;
        let record = locals.get(&link.local_id).map(|l| &l.values);
        audit.push(page.audit(
            "sync.deleted",
            link.local_id,
            json!({"connection": page.connection, "run": page.run,
                   "remote_id": link.external_id, "record": record}),
        ));
    }
    for (link, why) in &kept {
        counts.skipped += 1;
        errors.push(page.error(
            &link.external_id,
            "delete",
            format!("deleted on the remote side but {why}: kept here as a record of its own"),
        ));
        audit.push(page.audit(
            "sync.unlinked",
            link.local_id,
            json!({"connection": page.connection, "run": page.run,
                   "remote_id": link.external_id, "reason": why}),
        ));
    }
    let keep: Vec<Uuid> = kept.iter().map(|(l, _)| l.local_id).collect();
    page.plan.target.unlink(conn, &keep).await?;
    let gone: Vec<&str> = links.keys().map(|k| k.as_str()).collect();
    diesel::delete(
        connector_links::table
            .filter(connector_links::connection_id.eq(page.connection))
            .filter(connector_links::object.eq(page.plan.row.object.as_str()))
            .filter(connector_links::external_id.eq_any(gone)),
    )
    .execute(conn)
    .await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    Ok((counts, errors))
}

/// A local change to send.
struct PendingPush {
    record: PushRecord,
    /// The link's agreed values, and the local values sent (under local keys).
    synced: Values,
    sent: Values,
}

struct PushBatch {
    records: Vec<PendingPush>,
    /// Looked at, nothing to send.
    unchanged: Vec<String>,
    /// The last local id looked at (`None`: nothing left).
    scanned_to: Option<Uuid>,
}

#[derive(Queryable)]
struct PushLink {
    external_id: String,
    local_id: Uuid,
    synced: Value,
}

async fn pending_pushes(
    conn: &mut Conn,
    connection: ConnectionId,
    plan: &ObjectPlan,
    pushed: &[&FieldMapping],
    after: Option<Uuid>,
) -> Result<PushBatch, Error> {
    let object = plan.row.object;
    let changed = plan
        .target
        .changed_since_sync(conn, connection, after, PUSH_BATCH)
        .await?;
    let Some(last) = changed.last().copied() else {
        return Ok(PushBatch {
            records: Vec::new(),
            unchanged: Vec::new(),
            scanned_to: None,
        });
    };
    let links: Vec<PushLink> = connector_links::table
        .filter(connector_links::connection_id.eq(connection))
        .filter(connector_links::object.eq(object.as_str()))
        .filter(connector_links::local_id.eq_any(&changed))
        .select((
            connector_links::external_id,
            connector_links::local_id,
            connector_links::synced,
        ))
        .load(conn)
        .await?;
    let locals = plan.target.load_records(conn, &changed).await?;
    let (mut records, mut unchanged) = (Vec::new(), Vec::new());
    for link in links {
        let Some(local) = locals.get(&link.local_id) else {
            continue;
        };
        let synced = link.synced.as_object().cloned().unwrap_or_default();
        let (mut fields, mut sent) = (serde_json::Map::new(), Values::new());
        for m in pushed {
            let l = local.values.get(&m.local).cloned().unwrap_or(Value::Null);
            let s = synced.get(&m.local).cloned().unwrap_or(Value::Null);
            if !super::mapping::same_value(&l, &s) {
                fields.insert(m.remote.clone(), to_remote(m, &l));
                sent.insert(m.local.clone(), l);
            }
        }
        if fields.is_empty() {
            unchanged.push(link.external_id);
        } else {
            records.push(PendingPush {
                record: PushRecord {
                    id: link.external_id,
                    fields,
                },
                synced,
                sent,
            });
        }
    }
    Ok(PushBatch {
        records,
        unchanged,
        scanned_to: Some(last),
    })
}

/// Marks links as seen now (so the next push does not look at them again).
async fn touch_links(
    conn: &mut Conn,
    connection: ConnectionId,
    object: SyncObject,
    external_ids: &[String],
) -> Result<(), Error> {
    diesel::update(
        connector_links::table
            .filter(connector_links::connection_id.eq(connection))
            .filter(connector_links::object.eq(object.as_str()))
            .filter(connector_links::external_id.eq_any(external_ids)),
    )
    .set((
        connector_links::synced_at.eq(diesel::dsl::now),
        connector_links::push_pending.eq(false),
    ))
    .execute(conn)
    .await?;
    Ok(())
}

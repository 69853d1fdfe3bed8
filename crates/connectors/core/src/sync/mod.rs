//! The sync job: for each enabled object of a connection, in order, pull what changed since
//! the cursor page by page, then what was deleted, then push local changes of the fields that
//! flow out. Every page is one transaction that also moves the cursor and the run's counts,
//! so a worker killed midway resumes after the last committed page: nothing lost, nothing
//! doubled. Before every remote call the run checks the org's API allowance and pauses
//! cleanly once the connection's share is used; the next run resumes from the cursors.

mod apply;
mod check;
mod owners;
mod progress;
mod pull;
mod push;
mod retry;
mod run;
mod unseen;

use crate::registry::ConnectorRegistry;
use crate::store::{active_run, load_connection, load_run, NewSyncRun, RunRow};
use connector_api::Connector;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{ConnectionStatus, SyncCounts, SyncObject, SyncState, SyncTrigger};
use models::{ConnectionId, SyncRunId, TenantId};
use platform::db::schema::sync_runs;
use platform::db::Conn;
use platform::jobs::{Job, JobContext};
use platform::secrets::SecretKey;
use platform::Error;
pub use retry::waiting_counts;
use run::Sync;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

/// Records pushed per remote call (Salesforce's sObject Collections take 200).
pub const PUSH_BATCH: i64 = 200;

/// What sync jobs need from the server: the connectors and targets, the key that opens
/// credentials (`None` when `CONNECTOR_KEY` is not set: connections cannot be used), and
/// the meter of records synced.
#[derive(Clone)]
pub struct ConnectorHub {
    pub registry: ConnectorRegistry,
    pub key: Option<SecretKey>,
    /// Counts the records each page moves (billing's meter); `None`: nothing is counted.
    pub meter: Option<Arc<dyn crate::SyncMeter>>,
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
            sealed: None,
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
        Some(id) => match load_run(conn, id).await? {
            Some(run) if run.state.is_active() => Some(run),
            // The run this job was queued for is over: a worker whose lease ran out finished
            // it while this copy waited. Starting another would count it twice.
            Some(_) => return Ok(None),
            None => None,
        },
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

//! A bulk run: one ledger run per record of a scope, through the job queue. Each job runs
//! records for a few seconds, moving the cursor after each, then queues its continuation,
//! so one tenant's long bulk run takes turns with other jobs, a cancel is seen after the
//! record in hand, and a killed worker resumes where it stopped. Each
//! record's run id is derived from the bulk run and the record, so a record run again
//! after a crash (run stored, cursor not yet moved) is found in the ledger and skipped.
//! The budget stops a bulk run: the first refusal ends it, with the reason.

use crate::run::{run_agent, RunRequest};
use crate::{config, AgentHub};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::{BulkRunView, BulkScope};
use models::agents::run::{RunStatus, RunSubject, RunTrigger, SubjectKind};
use models::agents::AgentKind;
use models::{AgentRunId, AppError, Role, TenantId, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{agent_bulk_runs, agent_runs, users};
use platform::db::{Conn, Db};
use platform::jobs::{Job, JobContext, NewJob};
use platform::{Error, RequestContext};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use uuid::Uuid;

pub const BULK_STARTED: &str = "agent.bulk_started";
pub const BULK_CANCELED: &str = "agent.bulk_canceled";

/// Records fetched per step.
const BATCH: i64 = 20;
/// How long one job runs records before it hands over to its continuation.
const SLICE: Duration = Duration::from_secs(20);

/// The scope of `agent` named `key`, or a field error.
fn scope_of(scopes: &[BulkScope], key: &str) -> Result<BulkScope, AppError> {
    scopes
        .iter()
        .find(|s| s.key == key.trim())
        .cloned()
        .ok_or_else(|| AppError::validation("scope", "Choose which records to run on."))
}

/// Starts a bulk run of `kind` over `scope` as `ctx`'s member, in the caller's transaction
/// (a schedule's `period` makes it once per period: `None` when that period has one).
pub async fn start_bulk_in(
    conn: &mut Conn,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    scope: &str,
    trigger: RunTrigger,
    period: Option<String>,
) -> Result<Option<Uuid>, Error> {
    let agent = hub.agents.get(kind)?;
    let scope = scope_of(&agent.bulk_scopes(), scope)?;
    let row =
        config::current_or_default(conn, ctx.tenant_id, kind, &agent.default_config()).await?;
    let total = agent
        .bulk_records(conn, &scope.key)
        .await?
        .count(conn)
        .await?;
    let id = Uuid::new_v4();
    let inserted = diesel::insert_into(agent_bulk_runs::table)
        .values((
            agent_bulk_runs::tenant_id.eq(ctx.tenant_id),
            agent_bulk_runs::id.eq(id),
            agent_bulk_runs::agent.eq(kind.as_str()),
            agent_bulk_runs::config_version.eq(row.version),
            agent_bulk_runs::total.eq(total),
            agent_bulk_runs::mode.eq("runs"),
            agent_bulk_runs::trigger.eq(trigger.as_str()),
            agent_bulk_runs::scope.eq(&scope.key),
            agent_bulk_runs::created_by.eq(ctx.user_id),
            agent_bulk_runs::period.eq(&period),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    NewJob::new(&BulkAgentRuns { bulk_id: id })?
        .tenant(Some(ctx.tenant_id))
        .enqueue(conn)
        .await?;
    NewAuditEntry::by(ctx, BULK_STARTED)
        .target("agent", kind.as_str())
        .details(
            serde_json::json!({"bulk_run": id, "scope": scope.key, "records": total,
                                    "trigger": trigger.as_str()}),
        )
        .record(conn)
        .await?;
    Ok(Some(id))
}

/// Starts a bulk run by hand (admins: it may cost money).
pub async fn start_bulk_run(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    scope: &str,
) -> Result<Uuid, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        if running(conn, kind).await? {
            return Err(AppError::conflict(
                "A bulk run of this agent is still going: cancel it or wait for it to finish.",
            )
            .into());
        }
        start_bulk_in(conn, ctx, hub, kind, scope, RunTrigger::Bulk, None)
            .await?
            .ok_or_else(|| AppError::conflict("That bulk run has already started.").into())
    })
    .await
}

async fn running(conn: &mut Conn, kind: AgentKind) -> Result<bool, Error> {
    Ok(diesel::select(diesel::dsl::exists(
        agent_bulk_runs::table
            .filter(agent_bulk_runs::agent.eq(kind.as_str()))
            .filter(agent_bulk_runs::mode.eq("runs"))
            .filter(agent_bulk_runs::state.eq("running")),
    ))
    .get_result(conn)
    .await?)
}

/// Stops a bulk run after the record in hand (admins). Runs already made stay.
pub async fn cancel_bulk_run(db: &Db, ctx: &RequestContext, id: Uuid) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let agent: String = agent_bulk_runs::table
            .filter(agent_bulk_runs::id.eq(id))
            .filter(agent_bulk_runs::mode.eq("runs"))
            .select(agent_bulk_runs::agent)
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That bulk run"))?;
        let n = end(conn, id, "canceled", "").await?;
        if n == 0 {
            return Err(AppError::conflict("That bulk run has already ended.").into());
        }
        NewAuditEntry::by(ctx, BULK_CANCELED)
            .target("agent", agent)
            .details(serde_json::json!({"bulk_run": id}))
            .record(conn)
            .await
    })
    .await
}

/// Ends a running bulk run; how many rows changed (0: it had ended already).
async fn end(conn: &mut Conn, id: Uuid, state: &str, error: &str) -> Result<usize, Error> {
    Ok(diesel::update(
        agent_bulk_runs::table
            .filter(agent_bulk_runs::id.eq(id))
            .filter(agent_bulk_runs::state.eq("running")),
    )
    .set((
        agent_bulk_runs::state.eq(state),
        agent_bulk_runs::error.eq(error),
        agent_bulk_runs::finished_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?)
}

type BulkRow = (
    Uuid,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// The latest bulk run of an agent's records, for its card.
pub async fn latest_bulk_run(
    conn: &mut Conn,
    kind: AgentKind,
) -> Result<Option<BulkRunView>, Error> {
    let row: Option<BulkRow> = agent_bulk_runs::table
        .left_join(users::table)
        .filter(agent_bulk_runs::agent.eq(kind.as_str()))
        .filter(agent_bulk_runs::mode.eq("runs"))
        .order(agent_bulk_runs::started_at.desc())
        .select((
            agent_bulk_runs::id,
            agent_bulk_runs::trigger,
            agent_bulk_runs::scope,
            agent_bulk_runs::total,
            agent_bulk_runs::done,
            agent_bulk_runs::failed,
            agent_bulk_runs::state,
            agent_bulk_runs::error,
            users::name.nullable(),
            agent_bulk_runs::started_at,
            agent_bulk_runs::finished_at,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.map(
        |(id, trigger, scope, total, done, failed, state, error, by, started_at, finished_at)| {
            BulkRunView {
                id,
                trigger: RunTrigger::parse(&trigger).unwrap_or(RunTrigger::Bulk),
                scope,
                total,
                done,
                failed,
                state,
                error,
                started_by: by.unwrap_or_default(),
                started_at,
                finished_at,
            }
        },
    ))
}

/// Runs a bulk run's records: one job per slice of time.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BulkAgentRuns {
    pub bulk_id: Uuid,
}

/// What a bulk run is, read at each step.
struct Bulk {
    agent: AgentKind,
    scope: String,
    trigger: RunTrigger,
    version: i32,
    cursor: Option<Uuid>,
    created_by: Option<UserId>,
}

async fn load_running(conn: &mut Conn, id: Uuid) -> Result<Option<Bulk>, Error> {
    type Row = (String, String, String, i32, Option<Uuid>, Option<UserId>);
    let row: Option<Row> = agent_bulk_runs::table
        .filter(agent_bulk_runs::id.eq(id))
        .filter(agent_bulk_runs::state.eq("running"))
        .select((
            agent_bulk_runs::agent,
            agent_bulk_runs::scope,
            agent_bulk_runs::trigger,
            agent_bulk_runs::config_version,
            agent_bulk_runs::cursor,
            agent_bulk_runs::created_by,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(
        row.and_then(|(agent, scope, trigger, version, cursor, created_by)| {
            Some(Bulk {
                agent: AgentKind::parse(&agent)?,
                scope,
                trigger: RunTrigger::parse(&trigger).unwrap_or(RunTrigger::Bulk),
                version,
                cursor,
                created_by,
            })
        }),
    )
}

/// The run id of a record in a bulk run: the same every time the record comes up, and
/// distinct for distinct records of one bulk run (XOR with the bulk's random id is a
/// bijection), as unlikely as any random id to meet another run's.
fn run_id(bulk: Uuid, subject: RunSubject) -> AgentRunId {
    let record = subject.id.unwrap_or_default().as_u128();
    AgentRunId(Uuid::from_u128(bulk.as_u128() ^ record))
}

/// What became of one record.
enum Step {
    /// Done (stored, succeeded or failed); `true` when it failed.
    Ran(bool),
    /// The bulk run cannot go on: why.
    Stop(String),
}

async fn run_one(
    job: &JobContext,
    hub: &AgentHub,
    ctx: &RequestContext,
    bulk_id: Uuid,
    bulk: &Bulk,
    subject: RunSubject,
) -> Result<Step, Error> {
    let id = run_id(bulk_id, subject);
    let stored: Option<String> = job
        .db
        .tenant_tx(ctx.tenant_id, async |conn| {
            Ok(agent_runs::table
                .filter(agent_runs::id.eq(id))
                .select(agent_runs::status)
                .first(conn)
                .await
                .optional()?)
        })
        .await?;
    if let Some(status) = stored {
        return Ok(Step::Ran(status != RunStatus::Succeeded.as_str()));
    }
    let outcome = run_agent(
        &job.db,
        ctx,
        hub,
        RunRequest {
            agent: bulk.agent,
            subject,
            trigger: bulk.trigger,
            version: Some(bulk.version),
            replay_of: None,
            id: Some(id),
            watcher: None,
        },
    )
    .await;
    match outcome {
        Ok(o) => Ok(Step::Ran(o.status != RunStatus::Succeeded)),
        // The budget, the agent switched off, the member's role: nothing after this record
        // would fare better.
        Err(Error::App(e @ (AppError::QuotaExceeded { .. } | AppError::Forbidden { .. }))) => {
            Ok(Step::Stop(e.to_string()))
        }
        Err(Error::App(AppError::Validation { field, message })) if field == "agent" => {
            Ok(Step::Stop(message))
        }
        // This record is gone or cannot be run: the ledger has no row for it, the rest go on.
        Err(Error::App(e)) => {
            tracing::info!(error = %e, bulk = %bulk_id, "a bulk run skipped a record");
            Ok(Step::Ran(true))
        }
        Err(e) => Err(e),
    }
}

impl Job for BulkAgentRuns {
    const KIND: &'static str = "agents.bulk_runs";
    const MAX_ATTEMPTS: i32 = 5;
    type Deps = AgentHub;

    async fn run(self, hub: &AgentHub, job: &JobContext) -> Result<(), Error> {
        let tenant: TenantId = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("a bulk run job without a tenant".into()))?;
        let started = Instant::now();
        loop {
            let next = job
                .db
                .tenant_tx(tenant, async |conn| {
                    let Some(bulk) = load_running(conn, self.bulk_id).await? else {
                        return Ok(None);
                    };
                    let ctx = match bulk.created_by {
                        Some(user) => {
                            platform::members::acting_member(conn, tenant, user, job.id).await?
                        }
                        None => None,
                    };
                    let subjects = match &ctx {
                        Some(_) => {
                            let agent = hub.agents.get(bulk.agent)?;
                            let records = agent.bulk_records(conn, &bulk.scope).await?;
                            records.next(conn, bulk.cursor, BATCH).await?
                        }
                        None => Vec::new(),
                    };
                    Ok(Some((bulk, ctx, subjects)))
                })
                .await?;
            let Some((bulk, ctx, subjects)) = next else {
                return Ok(());
            };
            let Some(ctx) = ctx else {
                let why = "The member who started it is no longer in this organisation.";
                job.db
                    .tenant_tx(tenant, async |conn| {
                        end(conn, self.bulk_id, "stopped", why).await
                    })
                    .await?;
                return Ok(());
            };
            if subjects.is_empty() {
                job.db
                    .tenant_tx(tenant, async |conn| {
                        end(conn, self.bulk_id, "finished", "").await
                    })
                    .await?;
                return Ok(());
            }
            for subject in subjects {
                // Canceled meanwhile: stop before the next record.
                let still = job
                    .db
                    .tenant_tx(tenant, async |conn| {
                        Ok(load_running(conn, self.bulk_id).await?.is_some())
                    })
                    .await?;
                if !still {
                    return Ok(());
                }
                let step = run_one(job, hub, &ctx, self.bulk_id, &bulk, subject).await?;
                let whole_pipeline = subject.kind == SubjectKind::Tenant;
                let more = job
                    .db
                    .tenant_tx(tenant, async |conn| {
                        if let Step::Stop(why) = &step {
                            end(conn, self.bulk_id, "stopped", why).await?;
                            return Ok(false);
                        }
                        let failed = matches!(step, Step::Ran(true));
                        diesel::update(
                            agent_bulk_runs::table.filter(agent_bulk_runs::id.eq(self.bulk_id)),
                        )
                        .set((
                            agent_bulk_runs::cursor.eq(subject.id),
                            agent_bulk_runs::done.eq(agent_bulk_runs::done + 1),
                            agent_bulk_runs::failed.eq(agent_bulk_runs::failed + i64::from(failed)),
                        ))
                        .execute(conn)
                        .await?;
                        if whole_pipeline {
                            end(conn, self.bulk_id, "finished", "").await?;
                            return Ok(false);
                        }
                        Ok(true)
                    })
                    .await?;
                if !more {
                    return Ok(());
                }
                if started.elapsed() > SLICE {
                    // Hand over: the rest runs in a fresh job, within its own lease.
                    job.db
                        .tenant_tx(tenant, async |conn| {
                            NewJob::new(&self)?
                                .tenant(Some(tenant))
                                .enqueue(conn)
                                .await?;
                            Ok(())
                        })
                        .await?;
                    return Ok(());
                }
            }
        }
    }
}

//! The run ledger: every run, whatever its outcome, with what it saw, asked, got, cost and
//! took. Append-only for the app's role.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::run::{RunDetail, RunStatus, RunSubject, RunSummary, RunTrigger, SubjectKind};
use models::agents::AgentKind;
use models::{AgentRunId, AppError, TenantId, UserId};
use platform::db::schema::agent_runs;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use uuid::Uuid;

#[derive(Insertable, Debug)]
#[diesel(table_name = agent_runs, check_for_backend(diesel::pg::Pg))]
pub struct NewAgentRun {
    pub tenant_id: TenantId,
    pub id: AgentRunId,
    pub agent: AgentKind,
    pub config_version: i32,
    pub trigger: RunTrigger,
    pub subject_kind: SubjectKind,
    pub subject_id: Option<Uuid>,
    pub subject_name: String,
    pub inputs: Value,
    pub prompt: String,
    pub raw_answer: String,
    pub output: Option<Value>,
    pub provider: String,
    pub model: String,
    pub tokens_in: i32,
    pub tokens_out: i32,
    pub cost_micros: i64,
    pub latency_ms: i32,
    pub status: RunStatus,
    pub error: String,
    pub replay_of: Option<AgentRunId>,
    pub created_by: Option<UserId>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = agent_runs, check_for_backend(diesel::pg::Pg))]
struct SummaryRow {
    id: AgentRunId,
    agent: AgentKind,
    config_version: i32,
    trigger: RunTrigger,
    subject_kind: SubjectKind,
    subject_id: Option<Uuid>,
    subject_name: String,
    provider: String,
    model: String,
    status: RunStatus,
    tokens_in: i32,
    tokens_out: i32,
    cost_micros: i64,
    latency_ms: i32,
    created_at: DateTime<Utc>,
    replay_of: Option<AgentRunId>,
}

impl SummaryRow {
    fn into_summary(self) -> RunSummary {
        RunSummary {
            id: self.id,
            agent: self.agent,
            config_version: self.config_version,
            trigger: self.trigger,
            subject: RunSubject {
                kind: self.subject_kind,
                id: self.subject_id,
            },
            subject_name: self.subject_name,
            provider: self.provider,
            model: self.model,
            status: self.status,
            tokens_in: self.tokens_in,
            tokens_out: self.tokens_out,
            cost_micros: self.cost_micros,
            latency_ms: self.latency_ms,
            created_at: self.created_at,
            replay_of: self.replay_of,
        }
    }
}

pub async fn insert(conn: &mut Conn, run: &NewAgentRun) -> Result<(), Error> {
    diesel::insert_into(agent_runs::table)
        .values(run)
        .execute(conn)
        .await?;
    Ok(())
}

/// Which runs to list.
#[derive(Debug, Clone, Default)]
pub struct RunFilter {
    pub agent: Option<AgentKind>,
    pub status: Option<RunStatus>,
    pub subject: Option<Uuid>,
    /// Older than this (the next page).
    pub before: Option<(DateTime<Utc>, AgentRunId)>,
    pub limit: i64,
}

/// Runs, newest first.
pub async fn list(conn: &mut Conn, filter: &RunFilter) -> Result<Vec<RunSummary>, Error> {
    let mut q = agent_runs::table
        .select(SummaryRow::as_select())
        .into_boxed();
    if let Some(a) = filter.agent {
        q = q.filter(agent_runs::agent.eq(a));
    }
    if let Some(s) = filter.status {
        q = q.filter(agent_runs::status.eq(s));
    }
    if let Some(id) = filter.subject {
        q = q.filter(agent_runs::subject_id.eq(id));
    }
    if let Some((at, id)) = filter.before {
        q = q.filter(
            agent_runs::created_at
                .lt(at)
                .or(agent_runs::created_at.eq(at).and(agent_runs::id.lt(id))),
        );
    }
    let rows: Vec<SummaryRow> = q
        .order((agent_runs::created_at.desc(), agent_runs::id.desc()))
        .limit(filter.limit.clamp(1, 200))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(SummaryRow::into_summary).collect())
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = agent_runs, check_for_backend(diesel::pg::Pg))]
struct DetailRow {
    #[diesel(embed)]
    summary: SummaryRow,
    inputs: Value,
    prompt: String,
    raw_answer: String,
    output: Option<Value>,
    error: String,
    created_by: Option<UserId>,
}

/// One run, whole.
pub async fn get(conn: &mut Conn, id: AgentRunId) -> Result<RunDetail, Error> {
    let row: DetailRow = agent_runs::table
        .filter(agent_runs::id.eq(id))
        .select(DetailRow::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::not_found("That run"))?;
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    Ok(RunDetail {
        summary: row.summary.into_summary(),
        inputs: pretty(&row.inputs),
        prompt: row.prompt,
        raw_answer: row.raw_answer,
        output: row.output.as_ref().map(pretty).unwrap_or_default(),
        error: row.error,
        created_by: row.created_by,
    })
}

/// What a replay needs of the run it repeats.
pub async fn subject_of(
    conn: &mut Conn,
    id: AgentRunId,
) -> Result<(AgentKind, RunSubject, i32), Error> {
    let (agent, kind, subject, version): (AgentKind, SubjectKind, Option<Uuid>, i32) =
        agent_runs::table
            .filter(agent_runs::id.eq(id))
            .select((
                agent_runs::agent,
                agent_runs::subject_kind,
                agent_runs::subject_id,
                agent_runs::config_version,
            ))
            .first(conn)
            .await
            .optional()?
            .ok_or_else(|| AppError::not_found("That run"))?;
    Ok((agent, RunSubject { kind, id: subject }, version))
}

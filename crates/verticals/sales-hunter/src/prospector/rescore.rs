//! Scores written to leads: a set of leads at a time (after a write, an activity, an
//! import batch, a sync), and every lead in batches when the profile changes (a job,
//! resumable, with its progress in `agent_bulk_runs`). A score is not an edit: it moves
//! neither `updated_at` nor the audit log.

use super::core::{score_lead, LeadFacts, Touch};
use super::load_config;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Jsonb, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::agents::icp::ProspectorConfig;
use models::agents::AgentKind;
use models::TenantId;
use platform::db::schema::agent_bulk_runs;
use platform::db::Conn;
use platform::jobs::{Job, JobContext, NewJob};
use platform::Error;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// Leads per batch of the bulk rescore.
pub const RESCORE_BATCH: i64 = 2000;

#[derive(diesel::QueryableByName)]
struct FactsRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    title: String,
    #[diesel(sql_type = Text)]
    company: String,
    #[diesel(sql_type = Text)]
    industry: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Integer>)]
    employee_count: Option<i32>,
    #[diesel(sql_type = Jsonb)]
    custom: Value,
}

#[derive(diesel::QueryableByName)]
struct TouchRow {
    #[diesel(sql_type = SqlUuid)]
    lead_id: Uuid,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Timestamptz)]
    occurred_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    text: String,
}

/// The activities that still count: within ten half-lives (1/1024 of their worth).
async fn touches_of(
    conn: &mut Conn,
    ids: &[Uuid],
    cfg: &ProspectorConfig,
) -> Result<HashMap<Uuid, Vec<Touch>>, Error> {
    let horizon = Utc::now() - chrono::Duration::days(10 * i64::from(cfg.scoring.half_life_days));
    let rows: Vec<TouchRow> = diesel::sql_query(
        "SELECT lead_id, kind, occurred_at, subject || ' ' || body AS text FROM activities \
         WHERE tenant_id = app_current_tenant() AND lead_id = ANY($1) AND occurred_at >= $2",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .bind::<Timestamptz, _>(horizon)
    .load(conn)
    .await?;
    let mut out: HashMap<Uuid, Vec<Touch>> = HashMap::new();
    for r in rows {
        out.entry(r.lead_id).or_default().push(Touch {
            kind: r.kind,
            at: r.occurred_at,
            text: r.text,
        });
    }
    Ok(out)
}

/// Scores `ids` under `cfg` and writes the scores that changed.
pub async fn rescore_with(
    conn: &mut Conn,
    cfg: &ProspectorConfig,
    ids: &[Uuid],
) -> Result<usize, Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let facts: Vec<FactsRow> = diesel::sql_query(
        "SELECT id, title, company, industry, country, employee_count, custom FROM leads \
         WHERE tenant_id = app_current_tenant() AND id = ANY($1)",
    )
    .bind::<Array<SqlUuid>, _>(ids)
    .load(conn)
    .await?;
    let mut touches = touches_of(conn, ids, cfg).await?;
    let now = Utc::now();
    let scored: Vec<Value> = facts
        .into_iter()
        .map(|r| {
            let t = touches.remove(&r.id).unwrap_or_default();
            let lead = LeadFacts {
                title: r.title,
                company: r.company,
                industry: r.industry,
                country: r.country,
                employee_count: r.employee_count,
                custom: r.custom,
            };
            let s = score_lead(cfg, &lead, &t, now);
            json!({"id": r.id, "score": s.score, "breakdown": s.reasons})
        })
        .collect();
    let n = diesel::sql_query(
        "UPDATE leads t SET score = u.score, score_breakdown = u.breakdown \
         FROM jsonb_to_recordset($1) AS u(id uuid, score smallint, breakdown jsonb) \
         WHERE t.tenant_id = app_current_tenant() AND t.id = u.id \
           AND (t.score <> u.score OR t.score_breakdown <> u.breakdown)",
    )
    .bind::<Jsonb, _>(Value::Array(scored))
    .execute(conn)
    .await?;
    Ok(n)
}

/// Scores `ids` under the tenant's profile in use.
pub async fn rescore_leads(conn: &mut Conn, ids: &[Uuid]) -> Result<usize, Error> {
    if ids.is_empty() {
        return Ok(0);
    }
    let cfg = load_config(conn).await?;
    rescore_with(conn, &cfg, ids).await
}

/// Rescores every lead of a tenant; one job per bulk run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RescoreAllLeads {
    pub bulk_id: Uuid,
}

/// Starts a bulk rescore (superseding one still running) and enqueues its job.
pub async fn start_bulk_rescore(
    conn: &mut Conn,
    tenant: TenantId,
    version: i32,
) -> Result<Uuid, Error> {
    diesel::update(
        agent_bulk_runs::table
            .filter(agent_bulk_runs::agent.eq(AgentKind::Prospector))
            .filter(agent_bulk_runs::mode.eq("rescore"))
            .filter(agent_bulk_runs::state.eq("running")),
    )
    .set((
        agent_bulk_runs::state.eq("superseded"),
        agent_bulk_runs::finished_at.eq(diesel::dsl::now),
    ))
    .execute(conn)
    .await?;
    let total: i64 = platform::db::schema::leads::table
        .count()
        .get_result(conn)
        .await?;
    let id = Uuid::new_v4();
    diesel::insert_into(agent_bulk_runs::table)
        .values((
            agent_bulk_runs::tenant_id.eq(tenant),
            agent_bulk_runs::id.eq(id),
            agent_bulk_runs::agent.eq(AgentKind::Prospector),
            agent_bulk_runs::config_version.eq(version),
            agent_bulk_runs::total.eq(total),
        ))
        .execute(conn)
        .await?;
    NewJob::new(&RescoreAllLeads { bulk_id: id })?
        .tenant(Some(tenant))
        .enqueue(conn)
        .await?;
    Ok(id)
}

/// One batch: the next leads after the cursor, scored, and the cursor moved, in one
/// transaction. `true` when the run is over (done, or superseded by a newer one).
async fn rescore_batch(conn: &mut Conn, bulk_id: Uuid) -> Result<bool, Error> {
    let (state, cursor): (String, Option<Uuid>) = agent_bulk_runs::table
        .filter(agent_bulk_runs::id.eq(bulk_id))
        .select((agent_bulk_runs::state, agent_bulk_runs::cursor))
        .for_update()
        .first(conn)
        .await?;
    if state != "running" {
        return Ok(true);
    }
    use platform::db::schema::leads;
    let mut q = leads::table
        .select(leads::id)
        .order(leads::id)
        .limit(RESCORE_BATCH)
        .into_boxed();
    if let Some(c) = cursor {
        q = q.filter(leads::id.gt(c));
    }
    let ids: Vec<Uuid> = q.load(conn).await?;
    let cfg = load_config(conn).await?;
    rescore_with(conn, &cfg, &ids).await?;
    let finished = (ids.len() as i64) < RESCORE_BATCH;
    diesel::update(agent_bulk_runs::table.filter(agent_bulk_runs::id.eq(bulk_id)))
        .set((
            agent_bulk_runs::cursor.eq(ids.last().copied().or(cursor)),
            agent_bulk_runs::done.eq(agent_bulk_runs::done + ids.len() as i64),
            agent_bulk_runs::state.eq(if finished { "finished" } else { "running" }),
            agent_bulk_runs::finished_at.eq(if finished { Some(Utc::now()) } else { None }),
        ))
        .execute(conn)
        .await?;
    Ok(finished)
}

impl Job for RescoreAllLeads {
    const KIND: &'static str = "sales.rescore_all_leads";
    const MAX_ATTEMPTS: i32 = 5;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        let tenant = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("a rescore job without a tenant".into()))?;
        loop {
            let done = job
                .db
                .tenant_tx(tenant, async |conn| rescore_batch(conn, self.bulk_id).await)
                .await;
            match done {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => {
                    if job.is_last_attempt() {
                        let _ = job
                            .db
                            .tenant_tx(tenant, async |conn| {
                                diesel::update(
                                    agent_bulk_runs::table
                                        .filter(agent_bulk_runs::id.eq(self.bulk_id)),
                                )
                                .set(agent_bulk_runs::state.eq("failed"))
                                .execute(conn)
                                .await?;
                                Ok(())
                            })
                            .await;
                    }
                    return Err(e);
                }
            }
        }
    }
}

/// The latest bulk rescore, for the progress bar: (done, total, state).
pub async fn latest_bulk(conn: &mut Conn) -> Result<Option<(i64, i64, String)>, Error> {
    Ok(agent_bulk_runs::table
        .filter(agent_bulk_runs::agent.eq(AgentKind::Prospector))
        .filter(agent_bulk_runs::mode.eq("rescore"))
        .order(agent_bulk_runs::started_at.desc())
        .select((
            agent_bulk_runs::done,
            agent_bulk_runs::total,
            agent_bulk_runs::state,
        ))
        .first(conn)
        .await
        .optional()?)
}

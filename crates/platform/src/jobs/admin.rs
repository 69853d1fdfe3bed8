//! What platform admins see of the queue, and retrying dead jobs.

use crate::db::schema::{jobs, tenants};
use crate::db::Db;
use crate::error::{is_unique_violation, Error};
use crate::RequestContext;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::jobs::{JobCounts, JobState, JobSummary};
use models::AppError;

#[derive(Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
struct JobRow {
    id: i64,
    kind: String,
    queue: String,
    state: JobState,
    #[diesel(select_expression = tenants::name.nullable())]
    tenant_name: Option<String>,
    attempts: i32,
    max_attempts: i32,
    last_error: Option<String>,
    run_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
    finished_at: Option<DateTime<Utc>>,
}

/// The newest 100 jobs in `state`, with the count of jobs in every state.
pub async fn list_jobs(
    db: &Db,
    ctx: &RequestContext,
    state: JobState,
) -> Result<(JobCounts, Vec<JobSummary>), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let counts: Vec<(JobState, i64)> = jobs::table
            .group_by(jobs::state)
            .select((jobs::state, diesel::dsl::count_star()))
            .load(conn)
            .await?;
        let mut totals = JobCounts::default();
        for (state, n) in counts {
            match state {
                JobState::Pending => totals.pending = n,
                JobState::Running => totals.running = n,
                JobState::Done => totals.done = n,
                JobState::Dead => totals.dead = n,
            }
        }
        let rows: Vec<JobRow> = jobs::table
            .left_join(tenants::table)
            .filter(jobs::state.eq(state))
            .order(jobs::id.desc())
            .limit(100)
            .select(JobRow::as_select())
            .load(conn)
            .await?;
        let list = rows
            .into_iter()
            .map(|r| JobSummary {
                state: r.state,
                id: r.id,
                kind: r.kind,
                queue: r.queue,
                tenant_name: r.tenant_name,
                attempts: r.attempts,
                max_attempts: r.max_attempts,
                last_error: r.last_error,
                run_at: r.run_at,
                created_at: r.created_at,
                finished_at: r.finished_at,
            })
            .collect();
        Ok((totals, list))
    })
    .await
}

/// Puts a dead job back in the queue with a fresh set of attempts.
pub async fn retry_job(db: &Db, ctx: &RequestContext, id: i64) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let updated = diesel::update(
            jobs::table
                .filter(jobs::id.eq(id))
                .filter(jobs::state.eq(JobState::Dead)),
        )
        .set((
            jobs::state.eq(JobState::Pending),
            jobs::attempts.eq(0),
            jobs::run_at.eq(Utc::now()),
            jobs::finished_at.eq(None::<DateTime<Utc>>),
        ))
        .execute(conn)
        .await;
        match updated {
            Ok(1) => Ok(()),
            Ok(_) => Err(AppError::not_found("That dead job").into()),
            Err(e) if is_unique_violation(&e, "jobs_dedup_idx") => Err(AppError::conflict(
                "The same job is already queued again; this one can stay dead.",
            )
            .into()),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

//! Recurring jobs. Due times are multiples of the interval since the Unix epoch (every hour
//! on the hour, every day at midnight UTC), so they do not drift with restarts. A worker
//! that finds a schedule due enqueues its job and moves `next_run_at` on, under a row lock
//! taken with SKIP LOCKED: each due time fires once however many workers look.

use super::{Job, NewJob};
use crate::db::schema::job_schedules;
use crate::db::Conn;
use crate::error::Error;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use std::time::Duration;

/// The next due time after now: `every_secs` is the column or the bound value.
const NEXT_DUE: &str =
    "to_timestamp((floor(extract(epoch FROM now()) / every_secs) + 1) * every_secs)";

/// What a schedule stores; written at start-up, read back when due.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = job_schedules, check_for_backend(diesel::pg::Pg))]
struct ScheduleRow {
    name: String,
    tenant_id: Option<TenantId>,
    kind: String,
    queue: String,
    payload: serde_json::Value,
    max_attempts: i32,
    every_secs: i32,
}

/// A job to enqueue every `every`, under a unique name.
#[derive(Debug, Clone)]
pub struct Schedule {
    row: ScheduleRow,
}

impl Schedule {
    pub fn every<J: Job>(
        name: impl Into<String>,
        every: Duration,
        job: &J,
    ) -> Result<Schedule, Error> {
        let template = NewJob::new(job)?;
        let every_secs = i32::try_from(every.as_secs().max(1))
            .map_err(|_| Error::Config(format!("{}: interval too long", J::KIND)))?;
        Ok(Schedule {
            row: ScheduleRow {
                name: name.into(),
                tenant_id: None,
                kind: J::KIND.to_string(),
                queue: J::QUEUE.to_string(),
                payload: template.payload().clone(),
                max_attempts: J::MAX_ATTEMPTS,
                every_secs,
            },
        })
    }

    /// A schedule of one tenant's (a connector's sync): its jobs run for that tenant.
    pub fn tenant(mut self, tenant: TenantId) -> Schedule {
        self.row.tenant_id = Some(tenant);
        self
    }

    /// The de-duplication key of the jobs this schedule enqueues: enqueue an on-demand run
    /// under the same key and it never runs beside a scheduled one.
    pub fn dedup_key(name: &str) -> String {
        format!("schedule:{name}")
    }

    /// Deletes the schedule `name` (a connection's, when it is disconnected).
    pub async fn remove(name: &str, conn: &mut Conn) -> Result<(), Error> {
        diesel::delete(job_schedules::table.find(name))
            .execute(conn)
            .await?;
        Ok(())
    }

    /// Writes the schedule; an existing one keeps its next due time unless its interval
    /// changed. In a tenant's transaction, only that tenant's schedules can be written.
    pub async fn install(&self, conn: &mut Conn) -> Result<(), Error> {
        use diesel::upsert::excluded;
        diesel::insert_into(job_schedules::table)
            .values((
                &self.row,
                job_schedules::next_run_at.eq(diesel::dsl::sql::<diesel::sql_types::Timestamptz>(
                    &NEXT_DUE.replace("every_secs", &self.row.every_secs.to_string()),
                )),
            ))
            .on_conflict(job_schedules::name)
            .do_update()
            .set((
                job_schedules::tenant_id.eq(excluded(job_schedules::tenant_id)),
                job_schedules::kind.eq(excluded(job_schedules::kind)),
                job_schedules::queue.eq(excluded(job_schedules::queue)),
                job_schedules::payload.eq(excluded(job_schedules::payload)),
                job_schedules::max_attempts.eq(excluded(job_schedules::max_attempts)),
                job_schedules::next_run_at.eq(diesel::dsl::sql::<diesel::sql_types::Timestamptz>(
                    "CASE WHEN job_schedules.every_secs = excluded.every_secs \
                     THEN job_schedules.next_run_at ELSE excluded.next_run_at END",
                )),
                job_schedules::every_secs.eq(excluded(job_schedules::every_secs)),
            ))
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// Enqueues the job of every due schedule and moves each to its next due time. Returns how
/// many fired. Run inside one transaction: the row locks are what keep two workers apart.
pub(super) async fn fire_due(conn: &mut Conn) -> Result<usize, Error> {
    // The database's clock throughout: due times are computed by it too.
    let due: Vec<ScheduleRow> = job_schedules::table
        .filter(job_schedules::next_run_at.le(diesel::dsl::now))
        .order(job_schedules::next_run_at)
        .limit(50)
        .for_update()
        .skip_locked()
        .select(ScheduleRow::as_select())
        .load(conn)
        .await?;
    for d in &due {
        // While the previous run is still queued, a due time adds nothing (no pile-up).
        NewJob::raw(&d.kind, &d.queue, d.payload.clone(), d.max_attempts)
            .tenant(d.tenant_id)
            .dedup_key(Schedule::dedup_key(&d.name))
            .enqueue(conn)
            .await?;
        diesel::update(job_schedules::table.find(&d.name))
            .set((
                job_schedules::last_run_at.eq(diesel::dsl::now),
                job_schedules::next_run_at
                    .eq(diesel::dsl::sql::<diesel::sql_types::Timestamptz>(NEXT_DUE)),
            ))
            .execute(conn)
            .await?;
    }
    Ok(due.len())
}

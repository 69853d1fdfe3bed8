//! The worker: claims due jobs, runs them with a lease it keeps renewing, records the outcome.

use super::registry::Registry;
use super::schedule::{fire_due, Schedule};
use super::JobContext;
use crate::db::schema::jobs;
use crate::db::Db;
use crate::error::Error;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Double, Integer, Text};
use diesel_async::RunQueryDsl;
use models::TenantId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinSet;

#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Jobs run at once by this worker.
    pub concurrency: usize,
    /// The queues this worker takes jobs from.
    pub queues: Vec<String>,
    /// How long a claimed job stays with this worker without a heartbeat. A worker that dies
    /// loses its jobs to another after this long.
    pub lease: Duration,
    /// How often to look for due jobs when idle.
    pub poll_interval: Duration,
    /// The wait before the first retry; doubled for each further one, up to `backoff_cap`.
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
    /// On shutdown, how long running jobs may take to finish before they are released.
    pub shutdown_grace: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            concurrency: 4,
            queues: vec!["default".into()],
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_millis(500),
            backoff_base: Duration::from_secs(5),
            backoff_cap: Duration::from_secs(3600),
            shutdown_grace: Duration::from_secs(20),
        }
    }
}

/// The delay before retry number `attempt` (1-based): base × 2^(attempt−1), capped, with
/// ±20% jitter so that failures of many jobs at once do not come back in step.
pub fn backoff(options: &WorkerOptions, attempt: i32) -> Duration {
    let exp = u32::try_from(attempt.clamp(1, 31) - 1).unwrap_or(0);
    let raw = options
        .backoff_base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(options.backoff_cap);
    let jitter: f64 = rand::random::<f64>() * 0.4 + 0.8;
    raw.mul_f64(jitter).min(options.backoff_cap)
}

#[derive(QueryableByName)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
struct Claimed {
    id: i64,
    tenant_id: Option<TenantId>,
    kind: String,
    payload: serde_json::Value,
    attempts: i32,
    max_attempts: i32,
}

pub struct Worker {
    db: Db,
    registry: Arc<Registry>,
    schedules: Vec<Schedule>,
    options: WorkerOptions,
    id: String,
    /// The registry's kinds, sorted: the only ones this worker claims.
    kinds: Vec<String>,
}

impl Worker {
    pub fn new(db: Db, registry: Registry, options: WorkerOptions) -> Worker {
        let id = format!(
            "worker-{}-{}",
            std::process::id(),
            &uuid::Uuid::new_v4().simple().to_string()[..8]
        );
        let mut kinds: Vec<String> = registry.kinds().map(str::to_string).collect();
        kinds.sort_unstable();
        Worker {
            db,
            registry: Arc::new(registry),
            schedules: Vec::new(),
            options,
            id,
            kinds,
        }
    }

    pub fn schedule(mut self, schedule: Schedule) -> Worker {
        self.schedules.push(schedule);
        self
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `stop` turns true, then lets running jobs finish for `shutdown_grace` and
    /// releases those still running, so another worker takes them at once.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.id, concurrency = self.options.concurrency, kinds = ?self.kinds, "worker started");
        let mut installed = false;
        let mut maintained: Option<std::time::Instant> = None;
        let mut running: JoinSet<()> = JoinSet::new();
        loop {
            if *stop.borrow() {
                break;
            }
            if !installed {
                installed = self.install_schedules().await;
            }
            // Upkeep once per poll interval, not after every finished job.
            if maintained.is_none_or(|at| at.elapsed() >= self.options.poll_interval) {
                maintained = Some(std::time::Instant::now());
                if let Err(e) = self.maintain().await {
                    tracing::warn!(error = %e, "job queue upkeep failed; trying again shortly");
                }
            }
            let free = self.options.concurrency.saturating_sub(running.len());
            let mut claimed_all = false;
            if free > 0 {
                match self.claim(free).await {
                    Ok(jobs) => {
                        claimed_all = jobs.len() == free;
                        for job in jobs {
                            running.spawn(self.run_job(job));
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "claiming jobs failed; trying again shortly")
                    }
                }
            }
            // Busy: look again as soon as a slot frees. Idle: wait for the poll interval.
            let wait = if claimed_all && free > 0 {
                Duration::ZERO
            } else {
                self.options.poll_interval
            };
            tokio::select! {
                _ = stop.changed() => {}
                Some(_) = running.join_next(), if !running.is_empty() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        self.shut_down(running).await;
    }

    /// Claims and runs every due job until none is left; for tests and one-off runs.
    pub async fn drain(&self) -> Result<usize, Error> {
        let mut done = 0;
        loop {
            self.maintain().await?;
            let jobs = self.claim(self.options.concurrency.max(1)).await?;
            if jobs.is_empty() {
                return Ok(done);
            }
            done += jobs.len();
            let mut set = JoinSet::new();
            for job in jobs {
                set.spawn(self.run_job(job));
            }
            set.join_all().await;
        }
    }

    async fn install_schedules(&self) -> bool {
        let result = self
            .db
            .platform_tx(async |conn| {
                for s in &self.schedules {
                    s.install(conn).await?;
                }
                Ok(())
            })
            .await;
        match result {
            Ok(()) => true,
            Err(e) => {
                tracing::warn!(error = %e, "installing job schedules failed; trying again shortly");
                false
            }
        }
    }

    /// Returns jobs whose worker vanished to the queue, and fires due schedules.
    async fn maintain(&self) -> Result<(), Error> {
        self.db
            .platform_tx(async |conn| {
                let reclaimed = diesel::sql_query(
                    "UPDATE jobs SET \
                       state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'pending' END, \
                       finished_at = CASE WHEN attempts >= max_attempts THEN now() END, \
                       run_at = now(), locked_by = NULL, locked_until = NULL, \
                       last_error = 'the worker running it stopped before finishing (its lease expired)' \
                     WHERE state = 'running' AND locked_until < now()",
                )
                .execute(conn)
                .await?;
                if reclaimed > 0 {
                    tracing::warn!(reclaimed, "took back jobs whose worker stopped answering");
                }
                Ok(())
            })
            .await?;
        // Apart, so that a schedule that cannot fire does not stop leases from being taken back.
        self.db
            .platform_tx(async |conn| fire_due(conn).await.map(|_| ()))
            .await
    }

    async fn claim(&self, limit: usize) -> Result<Vec<Claimed>, Error> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.db
            .platform_tx(async |conn| {
                Ok(diesel::sql_query(
                    "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, \
                       locked_until = now() + make_interval(secs => $2) \
                     WHERE id IN ( \
                       SELECT id FROM jobs \
                       WHERE state = 'pending' AND run_at <= now() AND queue = ANY($3) \
                         AND kind = ANY($5) \
                         AND (tenant_id IS NULL OR tenant_id NOT IN \
                              (SELECT t.id FROM tenants t WHERE t.suspended_at IS NOT NULL)) \
                       ORDER BY priority DESC, run_at, id \
                       LIMIT $4 \
                       FOR UPDATE SKIP LOCKED) \
                     RETURNING id, tenant_id, kind, payload, attempts, max_attempts",
                )
                .bind::<Text, _>(&self.id)
                .bind::<Double, _>(self.options.lease.as_secs_f64())
                .bind::<Array<Text>, _>(&self.options.queues)
                .bind::<BigInt, _>(limit)
                // Only kinds this worker runs: in a rolling deploy an older worker must not
                // spend a newer job's attempts on "no worker here runs" errors.
                .bind::<Array<Text>, _>(&self.kinds)
                // A suspended organisation's jobs wait (its syncs, agent runs, mail) and run
                // once it is reactivated; platform jobs and platform mail go on.
                .load(conn)
                .await?)
            })
            .await
    }

    /// Runs one claimed job to its outcome. Owns everything it uses, so it can be spawned.
    fn run_job(&self, job: Claimed) -> impl std::future::Future<Output = ()> + Send + 'static {
        let db = self.db.clone();
        let registry = self.registry.clone();
        let options = self.options.clone();
        let worker = self.id.clone();
        let span =
            tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempts);
        let work = async move {
            let ctx = JobContext {
                db: db.clone(),
                id: job.id,
                tenant_id: job.tenant_id,
                attempt: job.attempts,
                max_attempts: job.max_attempts,
            };
            let claim = Claim {
                worker: &worker,
                id: job.id,
                attempt: job.attempts,
            };
            let started = std::time::Instant::now();
            let outcome = match registry.runner(&job.kind) {
                None => Err(Error::Config(format!(
                    "no worker here runs jobs of kind {:?}",
                    job.kind
                ))),
                Some(runner) => {
                    run_with_heartbeat(&db, &claim, &options, runner(job.payload, ctx)).await
                }
            };
            let took_ms = started.elapsed().as_millis();
            let recorded = match &outcome {
                Ok(()) => {
                    tracing::info!(id = job.id, kind = %job.kind, took_ms, "job done");
                    record_done(&db, &claim).await
                }
                Err(e) => {
                    let permanent = matches!(e, Error::Corrupt(_));
                    let retry_in = backoff(&options, job.attempts);
                    let dead = permanent || job.attempts >= job.max_attempts;
                    if dead {
                        tracing::error!(id = job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed for good");
                    } else {
                        tracing::warn!(id = job.id, kind = %job.kind, attempt = job.attempts, error = %e, retry_in_secs = retry_in.as_secs_f64(), "job failed; will retry");
                    }
                    record_failure(&db, &claim, permanent, retry_in, &e.to_string()).await
                }
            };
            if let Err(e) = recorded {
                // The lease runs out and the job is taken again: at least once, never lost.
                tracing::error!(id = job.id, error = %e, "could not record a job's outcome");
            }
        };
        tracing::Instrument::instrument(work, span)
    }

    async fn shut_down(&self, mut running: JoinSet<()>) {
        if !running.is_empty() {
            tracing::info!(
                running = running.len(),
                "worker stopping; letting running jobs finish"
            );
            let grace = tokio::time::sleep(self.options.shutdown_grace);
            tokio::pin!(grace);
            loop {
                tokio::select! {
                    next = running.join_next() => if next.is_none() { break },
                    _ = &mut grace => {
                        running.abort_all();
                        while running.join_next().await.is_some() {}
                        break;
                    }
                }
            }
        }
        let released = self
            .db
            .platform_tx(async |conn| {
                Ok(diesel::sql_query(
                    "UPDATE jobs SET state = 'pending', attempts = GREATEST(attempts - 1, 0), \
                       run_at = now(), locked_by = NULL, locked_until = NULL, \
                       last_error = 'released: its worker shut down before it finished' \
                     WHERE state = 'running' AND locked_by = $1",
                )
                .bind::<Text, _>(&self.id)
                .execute(conn)
                .await?)
            })
            .await;
        match released {
            Ok(0) => {}
            Ok(n) => tracing::warn!(released = n, "released unfinished jobs to other workers"),
            Err(e) => {
                tracing::error!(error = %e, "could not release unfinished jobs; their leases will expire")
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }
}

/// Aborts the task it guards when dropped, so an aborted worker task takes its job with it.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// One claim of a job: the worker and the attempt number it claimed. Every later update
/// names both, so a run whose lease was lost (and the job claimed again, even by the same
/// worker) can no longer touch the row.
struct Claim<'a> {
    worker: &'a str,
    id: i64,
    attempt: i32,
}

/// Runs the job on its own task (a panic is a failure, not a dead worker) while renewing the
/// lease every third of its length. A run that loses its lease is stopped.
async fn run_with_heartbeat(
    db: &Db,
    claim: &Claim<'_>,
    options: &WorkerOptions,
    job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Error>> + Send>>,
) -> Result<(), Error> {
    let mut handle = tokio::spawn(job);
    let _guard = AbortOnDrop(handle.abort_handle());
    let mut beat = tokio::time::interval((options.lease / 3).max(Duration::from_millis(100)));
    beat.tick().await;
    loop {
        tokio::select! {
            joined = &mut handle => {
                return match joined {
                    Ok(result) => result,
                    Err(e) if e.is_panic() => Err(Error::Task("the job panicked".into())),
                    Err(e) => Err(Error::Task(e.to_string())),
                };
            }
            _ = beat.tick() => {
                let renewed = db.platform_tx(async |conn| {
                    Ok(diesel::sql_query(
                        "UPDATE jobs SET locked_until = now() + make_interval(secs => $4) \
                         WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3",
                    )
                    .bind::<BigInt, _>(claim.id)
                    .bind::<Text, _>(claim.worker)
                    .bind::<Integer, _>(claim.attempt)
                    .bind::<Double, _>(options.lease.as_secs_f64())
                    .execute(conn)
                    .await?)
                }).await;
                match renewed {
                    Ok(0) => {
                        // Taken back after the lease ran out: someone else runs it now.
                        tracing::warn!(id = claim.id, "lost the lease on a running job; stopping this run");
                        return Err(Error::Task("the job's lease was lost".into()));
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(id = claim.id, error = %e, "could not renew a job's lease"),
                }
            }
        }
    }
}

async fn record_done(db: &Db, claim: &Claim<'_>) -> Result<(), Error> {
    db.platform_tx(async |conn| {
        diesel::sql_query(
            "UPDATE jobs SET state = 'done', finished_at = now(), locked_by = NULL, \
               locked_until = NULL, last_error = NULL \
             WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3",
        )
        .bind::<BigInt, _>(claim.id)
        .bind::<Text, _>(claim.worker)
        .bind::<Integer, _>(claim.attempt)
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

async fn record_failure(
    db: &Db,
    claim: &Claim<'_>,
    permanent: bool,
    retry_in: Duration,
    error: &str,
) -> Result<(), Error> {
    let error: String = error.chars().take(2000).collect();
    db.platform_tx(async |conn| {
        diesel::sql_query(
            "UPDATE jobs SET \
               state = CASE WHEN $4 OR attempts >= max_attempts THEN 'dead' ELSE 'pending' END, \
               finished_at = CASE WHEN $4 OR attempts >= max_attempts THEN now() END, \
               run_at = now() + make_interval(secs => $5), \
               last_error = $6, locked_by = NULL, locked_until = NULL \
             WHERE id = $1 AND state = 'running' AND locked_by = $2 AND attempts = $3",
        )
        .bind::<BigInt, _>(claim.id)
        .bind::<Text, _>(claim.worker)
        .bind::<Integer, _>(claim.attempt)
        .bind::<Bool, _>(permanent)
        .bind::<Double, _>(retry_in.as_secs_f64())
        .bind::<Text, _>(&error)
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_the_cap_with_jitter() {
        let options = WorkerOptions {
            backoff_base: Duration::from_secs(10),
            backoff_cap: Duration::from_secs(300),
            ..WorkerOptions::default()
        };
        for (attempt, expected) in [(1, 10.0), (2, 20.0), (3, 40.0), (5, 160.0)] {
            let got = backoff(&options, attempt).as_secs_f64();
            assert!(
                got >= expected * 0.8 && got <= expected * 1.2,
                "attempt {attempt}: {got}s, expected about {expected}s"
            );
        }
        for attempt in [6, 20, 1000, i32::MAX] {
            assert!(
                backoff(&options, attempt) <= options.backoff_cap,
                "attempt {attempt}"
            );
        }
        assert!(
            backoff(&options, 0) <= Duration::from_secs(12),
            "attempt 0 counts as the first"
        );
    }
}

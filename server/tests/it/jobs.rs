//! The job queue: exclusive claims under concurrency, retries and dead jobs, leases that
//! outlive a killed worker, graceful release on shutdown, schedules that fire once per due
//! time, de-duplication, and enqueueing that commits or rolls back with its transaction.

use crate::harness::{quick_worker, run, TestApp};
use app::api::admin::{ListJobs, RetryJob};
use models::jobs::JobState;
use models::AppError;
use platform::db::Conn;
use platform::jobs::{Job, JobContext, NewJob, Registry, Schedule, Worker, WorkerOptions};
use platform::Error;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::watch;

type Seen = Arc<Mutex<Vec<u32>>>;

/// Records its number; a little slow, so that claims interleave.
#[derive(Serialize, Deserialize)]
struct Tally {
    n: u32,
}

impl Job for Tally {
    const KIND: &'static str = "test_tally";
    type Deps = Seen;

    async fn run(self, seen: &Seen, _: &JobContext) -> Result<(), Error> {
        tokio::time::sleep(Duration::from_millis(2)).await;
        seen.lock().expect("lock").push(self.n);
        Ok(())
    }
}

/// Fails every time.
#[derive(Serialize, Deserialize)]
struct AlwaysFails {}

impl Job for AlwaysFails {
    const KIND: &'static str = "test_always_fails";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = ();

    async fn run(self, _: &(), ctx: &JobContext) -> Result<(), Error> {
        Err(Error::Mail(format!(
            "the remote end said no (attempt {})",
            ctx.attempt
        )))
    }
}

/// Hangs on its first attempt (until killed), finishes at once on later ones.
#[derive(Serialize, Deserialize)]
struct HangsOnce {}

impl Job for HangsOnce {
    const KIND: &'static str = "test_hangs_once";
    type Deps = Seen;

    async fn run(self, runs: &Seen, ctx: &JobContext) -> Result<(), Error> {
        runs.lock().expect("lock").push(ctx.attempt as u32);
        if ctx.attempt == 1 {
            tokio::time::sleep(Duration::from_secs(600)).await;
        }
        Ok(())
    }
}

async fn enqueue<J: Job>(app: &TestApp, job: J) -> Option<i64> {
    app.db
        .platform_tx(async |conn: &mut Conn| NewJob::new(&job)?.enqueue(conn).await)
        .await
        .expect("enqueue")
}

async fn wait_for(app: &TestApp, sql: &str, want: i64, within: Duration) {
    let start = Instant::now();
    loop {
        let n = app.count(sql).await;
        if n == want {
            return;
        }
        assert!(start.elapsed() < within, "{sql}: {n}, waited for {want}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn worker(app: &TestApp, registry: Registry, options: WorkerOptions) -> Worker {
    Worker::new(app.db.clone(), registry, options)
}

#[test]
fn two_workers_never_run_one_job_twice() {
    run(async {
        let app = TestApp::spawn().await;
        let seen: Seen = Arc::default();
        app.db
            .platform_tx(async |conn| {
                for n in 0..400 {
                    NewJob::new(&Tally { n })?.enqueue(conn).await?;
                }
                Ok(())
            })
            .await
            .expect("enqueue");
        let (stop, stopped) = watch::channel(false);
        let workers: Vec<_> = (0..2)
            .map(|_| {
                let registry = Registry::new().register::<Tally>(seen.clone());
                tokio::spawn(worker(&app, registry, quick_worker()).run(stopped.clone()))
            })
            .collect();
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE state = 'done'",
            400,
            Duration::from_secs(60),
        )
        .await;
        stop.send(true).expect("stop");
        for w in workers {
            w.await.expect("worker");
        }
        let mut seen = seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 400, "every job ran exactly once");
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 400, "no job ran twice");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE attempts <> 1")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(DISTINCT locked_by) AS n FROM jobs")
                .await,
            0,
            "no leases left"
        );
    })
}

#[test]
fn failing_jobs_back_off_then_die_and_an_admin_can_retry_them() {
    run(async {
        let app = TestApp::spawn().await;
        let id = enqueue(&app, AlwaysFails {}).await.expect("id");
        // A slow backoff: after the first failure the job waits.
        let slow = WorkerOptions {
            backoff_base: Duration::from_secs(3600),
            backoff_cap: Duration::from_secs(7200),
            ..quick_worker()
        };
        let registry = || Registry::new().register::<AlwaysFails>(());
        assert_eq!(
            worker(&app, registry(), slow).drain().await.expect("drain"),
            1
        );
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM jobs WHERE id = {id} AND state = 'pending' AND attempts = 1 \
                 AND run_at > now() + interval '45 minutes' AND last_error LIKE '%attempt 1%'"
            ))
            .await,
            1,
            "retried later, with the error kept"
        );
        // With no backoff it runs out of attempts and dies.
        app.exec(&format!("UPDATE jobs SET run_at = now() WHERE id = {id}"))
            .await;
        worker(&app, registry(), quick_worker())
            .drain()
            .await
            .expect("drain");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM jobs WHERE id = {id} AND state = 'dead' AND attempts = 3 \
                 AND finished_at IS NOT NULL AND last_error LIKE '%attempt 3%'"
            ))
            .await,
            1
        );

        // Listed and retried by a platform admin; refused to anyone else.
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let refused = app.invoke(Some(&owner), RetryJob { id }).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{refused:?}"
        );
        app.exec("UPDATE users SET is_platform_admin = true").await;
        let (counts, dead) = app
            .invoke(
                Some(&owner),
                ListJobs {
                    state: JobState::Dead,
                },
            )
            .await
            .expect("list");
        assert_eq!(counts.dead, 1);
        assert_eq!(dead[0].id, id);
        assert!(dead[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("remote end said no"));
        app.invoke(Some(&owner), RetryJob { id })
            .await
            .expect("retry");
        assert_eq!(
            app.count(&format!("SELECT count(*) AS n FROM jobs WHERE id = {id} AND state = 'pending' AND attempts = 0")).await,
            1
        );
        let again = app.invoke(Some(&owner), RetryJob { id }).await;
        assert!(
            matches!(again, Err(AppError::NotFound { .. })),
            "only dead jobs are retried: {again:?}"
        );
    })
}

#[test]
fn a_job_whose_worker_is_killed_runs_again_after_its_lease() {
    run(async {
        let app = TestApp::spawn().await;
        let runs: Seen = Arc::default();
        let id = enqueue(&app, HangsOnce {}).await.expect("id");
        let options = WorkerOptions {
            lease: Duration::from_secs(1),
            ..quick_worker()
        };
        let registry = || Registry::new().register::<HangsOnce>(runs.clone());
        let (_stop, stopped) = watch::channel(false);
        let doomed = tokio::spawn(worker(&app, registry(), options.clone()).run(stopped.clone()));
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE state = 'running'",
            1,
            Duration::from_secs(10),
        )
        .await;
        // As SIGKILL would: the worker vanishes without releasing anything.
        doomed.abort();
        let _ = doomed.await;
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE state = 'running'")
                .await,
            1
        );

        let survivor = tokio::spawn(worker(&app, registry(), options).run(stopped.clone()));
        wait_for(
            &app,
            &format!("SELECT count(*) AS n FROM jobs WHERE id = {id} AND state = 'done'"),
            1,
            Duration::from_secs(20),
        )
        .await;
        survivor.abort();
        assert_eq!(*runs.lock().expect("lock"), vec![1, 2], "taken again, once");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM jobs WHERE id = {id} AND attempts = 2"
            ))
            .await,
            1
        );
    })
}

#[test]
fn shutdown_releases_jobs_that_do_not_finish_in_time() {
    run(async {
        let app = TestApp::spawn().await;
        let runs: Seen = Arc::default();
        let id = enqueue(&app, HangsOnce {}).await.expect("id");
        let options = WorkerOptions {
            shutdown_grace: Duration::from_millis(300),
            ..quick_worker()
        };
        let (stop, stopped) = watch::channel(false);
        let w = tokio::spawn(
            worker(
                &app,
                Registry::new().register::<HangsOnce>(runs.clone()),
                options,
            )
            .run(stopped),
        );
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE state = 'running'",
            1,
            Duration::from_secs(10),
        )
        .await;
        stop.send(true).expect("stop");
        tokio::time::timeout(Duration::from_secs(10), w)
            .await
            .expect("the worker stops within its grace period")
            .expect("worker");
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM jobs WHERE id = {id} AND state = 'pending' AND attempts = 0 \
                 AND locked_by IS NULL AND run_at <= now()"
            ))
            .await,
            1,
            "released for the next worker at once, its attempt not counted"
        );
    })
}

#[test]
fn a_schedule_fires_once_per_due_time_however_many_workers_run() {
    run(async {
        let app = TestApp::spawn().await;
        let seen: Seen = Arc::default();
        let (stop, stopped) = watch::channel(false);
        let start = Instant::now();
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let schedule = Schedule::every("tick", Duration::from_secs(1), &Tally { n: 7 })
                    .expect("schedule");
                let registry = Registry::new().register::<Tally>(seen.clone());
                tokio::spawn(
                    worker(&app, registry, quick_worker())
                        .schedule(schedule)
                        .run(stopped.clone()),
                )
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(4500)).await;
        stop.send(true).expect("stop");
        for w in workers {
            w.await.expect("worker");
        }
        let elapsed = start.elapsed().as_secs_f64();
        let fired = app
            .count("SELECT count(*) AS n FROM jobs WHERE kind = 'test_tally'")
            .await;
        // One job per whole second that passed (give or take the edges), never one per worker.
        assert!((3..=5).contains(&fired), "{fired} fires in {elapsed:.1}s");
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM jobs a JOIN jobs b ON a.id < b.id AND a.kind = b.kind \
                 WHERE a.kind = 'test_tally' AND abs(extract(epoch FROM b.created_at - a.created_at)) < 0.5"
            )
            .await,
            0,
            "no due time fired twice"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM job_schedules WHERE name = 'tick'")
                .await,
            1
        );
    })
}

#[test]
fn a_dedup_key_keeps_one_job_queued_and_enqueueing_rolls_back_with_its_transaction() {
    run(async {
        let app = TestApp::spawn().await;
        let keyed = async |app: &TestApp| {
            app.db
                .platform_tx(async |conn| {
                    NewJob::new(&Tally { n: 1 })?
                        .dedup_key("sync:1")
                        .enqueue(conn)
                        .await
                })
                .await
                .expect("enqueue")
        };
        assert!(keyed(&app).await.is_some());
        assert!(
            keyed(&app).await.is_none(),
            "the same key is not queued twice"
        );
        let seen: Seen = Arc::default();
        worker(
            &app,
            Registry::new().register::<Tally>(seen.clone()),
            quick_worker(),
        )
        .drain()
        .await
        .expect("drain");
        assert!(
            keyed(&app).await.is_some(),
            "once done, the key is free again"
        );

        let failed: Result<(), Error> = app
            .db
            .platform_tx(async |conn| {
                NewJob::new(&Tally { n: 2 })?.enqueue(conn).await?;
                Err(AppError::conflict("the change failed").into())
            })
            .await;
        assert!(failed.is_err());
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE payload->>'n' = '2'")
                .await,
            0,
            "no job without its change"
        );
    })
}

/// A kind a newer release added; the older worker in the test does not know it.
#[derive(Serialize, Deserialize)]
struct Newer {
    n: u32,
}

impl Job for Newer {
    const KIND: &'static str = "test_newer";
    type Deps = Seen;

    async fn run(self, seen: &Seen, _: &JobContext) -> Result<(), Error> {
        seen.lock().expect("lock").push(self.n);
        Ok(())
    }
}

#[test]
fn workers_claim_only_kinds_they_run_and_unreadable_payloads_die() {
    run(async {
        let app = TestApp::spawn().await;
        enqueue(&app, Newer { n: 7 }).await;
        app.exec(
            "INSERT INTO jobs (kind, payload) VALUES ('test_tally', '{\"n\": \"not a number\"}')",
        )
        .await;
        let seen: Seen = Arc::default();
        // An older worker (a rolling deploy) leaves the newer kind alone: no attempt spent.
        worker(
            &app,
            Registry::new().register::<Tally>(seen.clone()),
            quick_worker(),
        )
        .drain()
        .await
        .expect("drain");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'test_newer' AND state = 'pending' AND attempts = 0").await,
            1,
            "a kind this worker cannot run stays pending, its attempts untouched"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'test_tally' AND state = 'dead' AND attempts = 1 AND last_error LIKE '%does not parse%'").await,
            1,
            "a payload that cannot parse dies at once: retrying cannot help"
        );
        assert!(seen.lock().expect("lock").is_empty());
        // A worker of the newer release runs it.
        worker(
            &app,
            Registry::new().register::<Newer>(seen.clone()),
            quick_worker(),
        )
        .drain()
        .await
        .expect("drain");
        assert_eq!(*seen.lock().expect("lock"), vec![7]);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'test_newer' AND state = 'done' AND attempts = 1").await,
            1
        );
    })
}

#[test]
fn pruning_removes_expired_sessions_and_old_records() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let live = app.sign_up("Pat Live", "pat@example.com", "Pat Org").await;
        app.exec("UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = (SELECT id FROM users WHERE email = 'olga@example.com')").await;
        app.exec("INSERT INTO login_attempts (email, ip, succeeded, created_at) VALUES ('x@example.com', '1.2.3.4', false, now() - interval '30 days')").await;
        app.exec("INSERT INTO login_attempts (email, ip, succeeded) VALUES ('y@example.com', '1.2.3.4', false)").await;
        enqueue(&app, platform::maintenance::PruneExpired {})
            .await
            .expect("id");
        app.drain_jobs(None).await;
        assert_eq!(
            app.count("SELECT count(*) AS n FROM sessions").await,
            1,
            "only the live session stays"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM login_attempts WHERE email = 'x@example.com'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM login_attempts WHERE email = 'y@example.com'")
                .await,
            1
        );
        let pat = app
            .invoke(Some(&live), app::api::auth::CurrentUser {})
            .await
            .expect("me");
        assert!(pat.is_some(), "the live session still works");
    })
}

/// `server worker` on the test's database, mailing through `smtp`, with short leases and a
/// short shutdown grace.
fn worker_process(app: &TestApp, smtp: &crate::harness::SmtpSink) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .args(["worker", "--concurrency", "1"])
        .env("DATABASE_URL", app.config.database_url.to_string())
        .env("APP_DATABASE_URL", app.config.app_database_url.to_string())
        .env(
            "PLATFORM_DATABASE_URL",
            app.config.platform_database_url.to_string(),
        )
        .env("SMTP_URL", smtp.url())
        .env("JOB_LEASE_SECS", "2")
        .env("JOB_SHUTDOWN_GRACE_SECS", "1")
        .env("RUST_LOG", "warn")
        .env_remove("DATABASE_NAME")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start server worker")
}

/// The real binary, asked to stop (SIGTERM) while a delivery hangs: it waits out its grace
/// period, then releases the job for the next worker, its attempt not counted, and exits.
#[test]
fn a_worker_process_asked_to_stop_releases_its_job() {
    run(async {
        use crate::harness::{invite_new_person, SmtpSink};
        let app = TestApp::spawn().await;
        invite_new_person(&app).await;
        let silent = SmtpSink::start_silent().await;
        let mut worker = worker_process(&app, &silent);
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND state = 'running'",
            1,
            Duration::from_secs(30),
        )
        .await;
        let term = std::process::Command::new("kill")
            .args(["-TERM", &worker.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(term.success());
        let start = Instant::now();
        loop {
            if let Some(status) = worker.try_wait().expect("wait") {
                assert!(status.success(), "{status}");
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "the worker did not stop"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND state = 'pending' \
                 AND attempts = 0 AND locked_by IS NULL AND last_error LIKE 'released%'"
            )
            .await,
            1
        );
    })
}

/// The real binary: `server worker` is killed with SIGKILL while delivering a mail (its SMTP
/// server never answers); a second `server worker` takes the job once the lease runs out
/// and delivers it, once.
#[test]
fn a_worker_process_killed_mid_job_loses_nothing() {
    run(async {
        use crate::harness::{invite_new_person, SmtpSink};
        let app = TestApp::spawn().await;
        invite_new_person(&app).await;
        let silent = SmtpSink::start_silent().await;
        let working = SmtpSink::start().await;
        let worker = |smtp: &SmtpSink| worker_process(&app, smtp);
        let mut doomed = worker(&silent);
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND state = 'running'",
            1,
            Duration::from_secs(30),
        )
        .await;
        doomed.kill().expect("SIGKILL");
        doomed.wait().expect("reaped");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE state = 'running'")
                .await,
            1,
            "nobody released it"
        );

        let mut survivor = worker(&working);
        wait_for(
            &app,
            "SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND state = 'done'",
            1,
            Duration::from_secs(30),
        )
        .await;
        survivor.kill().expect("stop");
        survivor.wait().expect("reaped");
        assert_eq!(working.received().len(), 1, "delivered once");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND attempts = 2")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE state = 'sent'")
                .await,
            1
        );
    })
}

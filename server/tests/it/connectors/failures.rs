//! What the remote side does wrong: expired sessions, rate limits and outages, a killed
//! worker, malformed answers, the API allowance.

use super::*;

#[test]
fn an_expired_session_is_refreshed_once_and_a_refused_refresh_asks_to_reconnect() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            org.page_size = 2;
            for n in 0..5 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        // The session dies after the first Lead page, mid-run.
        app.invoke(Some(&owner), SyncConnection { id })
            .await
            .expect("sync");
        fake.org()
            .script_for
            .push_back(("GET more".into(), Scripted::ExpireSession));
        app.drain_jobs(None).await;
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        assert_eq!(runs[0].state, SyncState::Done, "{:?}", runs[0]);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 5);
        assert_eq!(fake.org().refreshes, 1);

        // The refresh token is revoked on the Salesforce side: the run fails and says so.
        fake.org().refresh_refused = true;
        fake.org().script.push_back(Scripted::ExpireSession);
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Failed);
        assert!(run.error.contains("Connect again"), "{}", run.error);
        let c = &overview(&app, &owner).await.connections[0];
        assert_eq!(c.status, ConnectionStatus::Error);
        assert_eq!(
            app.invoke(Some(&owner), SyncConnection { id })
                .await
                .expect_err("an error"),
            AppError::conflict("Connect first: this connection is not authorised.")
        );
    })
}

#[test]
fn rate_limits_and_server_errors_are_retried_and_an_outage_resumes_on_the_next_attempt() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            org.page_size = 2;
            for n in 0..6 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        let limit =
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#;
        let busy = r#"[{"message":"Server is busy","errorCode":"SERVER_UNAVAILABLE"}]"#;
        fake.org().script.extend([
            Scripted::Status(403, limit.into()),
            Scripted::Status(503, busy.into()),
            Scripted::Status(500, "<html>oops</html>".into()),
            // Past the client's 2 s deadline (the test configuration's).
            Scripted::Delay(Duration::from_millis(2500)),
        ]);
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 6);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE attempts > 1")
                .await,
            0,
            "retried within the run"
        );

        // An outage longer than the retries: the run stops after what it committed, the job
        // is retried later and picks up from the cursor: nothing lost, nothing doubled.
        {
            let mut org = fake.org();
            for n in 6..12 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        app.invoke(Some(&owner), SyncConnection { id })
            .await
            .expect("sync");
        // The first Lead page arrives, then the org is down through every retry of the next.
        {
            let mut org = fake.org();
            for _ in 0..5 {
                org.script_for
                    .push_back(("GET more".into(), Scripted::Status(503, busy.into())));
            }
        }
        let patient = platform::jobs::WorkerOptions {
            backoff_base: Duration::from_secs(3600),
            backoff_cap: Duration::from_secs(3600),
            ..quick_worker()
        };
        app.worker(None, patient).drain().await.expect("drain");
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        assert_eq!(
            runs[0].state,
            SyncState::Running,
            "waiting for its retry: {:?}",
            runs[0]
        );
        assert!(runs[0].error.contains("navailable"), "{}", runs[0].error);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads").await,
            8,
            "the first page is kept"
        );
        app.exec("UPDATE jobs SET run_at = now() WHERE state = 'pending'")
            .await;
        app.drain_jobs(None).await;
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        assert_eq!(runs[0].state, SyncState::Done, "{:?}", runs[0]);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 12);
        assert_eq!(
            app.count("SELECT count(DISTINCT external_id) AS n FROM leads")
                .await,
            12
        );
        assert_eq!(
            counts(&runs[0], SyncObject::Lead).created,
            6,
            "{:?}",
            runs[0]
        );
    })
}

#[test]
fn a_worker_killed_mid_sync_loses_and_doubles_nothing() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        const N: usize = 3000;
        {
            let mut org = fake.org();
            org.page_size = 200;
            for n in 0..N {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        app.invoke(Some(&owner), SyncConnection { id })
            .await
            .expect("sync");
        let options = platform::jobs::WorkerOptions {
            lease: Duration::from_secs(1),
            ..quick_worker()
        };
        let (_stop, stopped) = tokio::sync::watch::channel(false);
        let doomed = tokio::spawn(app.worker(None, options.clone()).run(stopped.clone()));
        let began = Instant::now();
        while app.count("SELECT count(*) AS n FROM leads").await == 0 {
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "no page committed"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        doomed.abort();
        let _ = doomed.await;
        let at_kill = app.count("SELECT count(*) AS n FROM leads").await;
        assert!(
            at_kill < N as i64,
            "killed before the end ({at_kill} of {N})"
        );
        // The lease runs out; another worker takes the job and resumes from the cursor.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        app.worker(None, options).drain().await.expect("drain");
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, N as i64);
        assert_eq!(
            app.count("SELECT count(DISTINCT external_id) AS n FROM leads")
                .await,
            N as i64
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM connector_links").await,
            N as i64
        );
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        assert_eq!(runs.len(), 1, "the same run resumed");
        assert_eq!(runs[0].state, SyncState::Done);
        assert_eq!(counts(&runs[0], SyncObject::Lead).created, N as i64);
    })
}

#[test]
fn a_malformed_answer_fails_the_run_naming_the_object_and_writes_nothing_half() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        for n in 0..3 {
            fake.org().insert("Lead", remote_lead(n), None);
        }
        // Every Lead query answers a cut-off body, through every retry of all the job's
        // attempts (an answer that does not read is retried like an outage).
        {
            let mut org = fake.org();
            for _ in 0..40 {
                org.script_for.push_back((
                    "FROM Lead WHERE".into(),
                    Scripted::Body(
                        r#"{"totalSize":3,"done":true,"records":[{"Id":"00Qx","LastName":"#.into(),
                    ),
                ));
                org.script_for.push_back((
                    "FROM Lead ORDER".into(),
                    Scripted::Body(
                        r#"{"totalSize":3,"done":true,"records":[{"Id":"00Qx","LastName":"#.into(),
                    ),
                ));
            }
        }
        app.invoke(Some(&owner), SyncConnection { id })
            .await
            .expect("sync");
        for _ in 0..8 {
            app.drain_jobs(None).await;
            app.exec("UPDATE jobs SET run_at = now() WHERE state = 'pending'")
                .await;
        }
        let runs = app
            .invoke(Some(&owner), ListSyncRuns { id })
            .await
            .expect("runs");
        assert_eq!(runs[0].state, SyncState::Failed, "{:?}", runs[0]);
        assert!(
            runs[0].error.contains("Lead query") && runs[0].error.contains("not JSON"),
            "{}",
            runs[0].error
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);
        // Once the org answers properly again, a new run brings everything in.
        fake.org().script_for.clear();
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 3);
    })
}

#[test]
fn a_run_pauses_before_its_share_of_the_api_allowance_and_the_next_resumes() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            org.page_size = 2;
            org.api_limit = 100;
            org.api_used = 74;
            for n in 0..10 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        // 80% of 100: the run may bring usage to 80 and no further.
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Paused, "{run:?}");
        assert!(fake.org().api_used <= 80, "used {}", fake.org().api_used);
        let got = app.count("SELECT count(*) AS n FROM leads").await;
        assert!(got < 10, "stopped early ({got})");
        // The org's day rolls over: the next run finishes the job.
        fake.org().api_used = 0;
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 10);
        assert_eq!(
            app.count("SELECT count(DISTINCT external_id) AS n FROM leads")
                .await,
            10
        );
    })
}

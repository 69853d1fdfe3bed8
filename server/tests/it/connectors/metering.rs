//! Records synced are a billing meter: each pulled page's written records (created,
//! updated, deleted) and each pushed batch's saved ones are counted in the page's own
//! transaction; past a hard cap a page is refused whole and the run stops with the reason.

use super::*;
use app::api::billing::ChangePlan;

async fn synced(app: &TestApp) -> i64 {
    app.count("SELECT COALESCE(sum(used), 0)::bigint AS n FROM usage_counters WHERE meter = 'records_synced'")
        .await
}

#[test]
fn records_synced_are_counted_and_a_capped_plan_stops_the_pull_whole() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        {
            let mut org = fake.org();
            for n in 0..5 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        let first = sync(&app, &owner, id).await;
        assert_eq!(first.state, SyncState::Done, "{first:?}");
        let written: i64 = first
            .counts
            .iter()
            .map(|(_, c)| c.created + c.updated + c.deleted)
            .sum();
        assert_eq!(counts(&first, SyncObject::Lead).created, 5);
        assert_eq!(
            synced(&app).await,
            written,
            "every written record counted once"
        );
        assert_eq!(
            app.count("SELECT COALESCE(sum(quantity), 0)::bigint AS n FROM usage_events WHERE meter = 'records_synced' AND source = 'sync'").await,
            written
        );
        // Nothing changed: a second run writes nothing and counts nothing.
        let again = sync(&app, &owner, id).await;
        assert_eq!(again.state, SyncState::Done, "{again:?}");
        assert_eq!(synced(&app).await, written);

        // On a plan capped just above what is used, five new leads (one page) do not fit.
        app.invoke(
            Some(&owner),
            ChangePlan {
                plan: "free".into(),
            },
        )
        .await
        .expect("free, during the trial");
        app.exec(&format!(
            "UPDATE plan_meters SET included = {} WHERE plan_id = 'free' AND meter = 'records_synced'",
            written + 3
        ))
        .await;
        {
            let mut org = fake.org();
            for n in 5..10 {
                org.insert("Lead", remote_lead(n), None);
            }
        }
        let capped = sync(&app, &owner, id).await;
        assert_eq!(capped.state, SyncState::Failed, "{capped:?}");
        assert!(
            capped.error.contains("Records synced are used up"),
            "{}",
            capped.error
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE external_id IS NOT NULL")
                .await,
            5,
            "the page is refused whole"
        );
        assert_eq!(synced(&app).await, written);
        assert_eq!(
            app.count("SELECT COALESCE(sum(reserved), 0)::bigint AS n FROM usage_counters")
                .await,
            0,
            "nothing stays reserved"
        );
    })
}

#[test]
fn the_plans_connector_count_refuses_one_connection_too_many_and_keeps_the_ones_made() {
    run(async {
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        // The trial's plan allows no connection at all.
        app.exec("UPDATE plans SET connector_limit = 0").await;
        let refused = app
            .invoke(Some(&owner), settings(&fake))
            .await
            .expect_err("no connection fits");
        match &refused {
            AppError::QuotaExceeded { message } => assert!(
                message.contains("allows 0 CRM connections and this organisation has 0")
                    && message.contains("Billing page"),
                "{message}"
            ),
            other => panic!("{other:?}"),
        }
        assert_eq!(app.count("SELECT count(*) AS n FROM connections").await, 0);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'connection.saved'")
                .await,
            0
        );
        // One allowed: the first is made, and saving its settings again is no new one.
        app.exec("UPDATE plans SET connector_limit = 1").await;
        let id = connect(&app, &owner, &fake).await;
        app.invoke(Some(&owner), with(&fake, |s| s.sync_every_minutes = 30))
            .await
            .expect("an existing connection's settings");
        // Lowered under what it has, the plan keeps the connection working.
        app.exec("UPDATE plans SET connector_limit = 0").await;
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(app.count("SELECT count(*) AS n FROM connections").await, 1);
    })
}

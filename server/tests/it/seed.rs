//! The volume seed behind the benchmarks: it adds what it is asked for to the demo tenant
//! alone, and refreshes the planner's statistics on the way (where autovacuum is off, a
//! bulk load planned on empty tables crawls).

use crate::harness::{run, TestApp};
use platform::seed::seed_demo;

#[test]
fn volume_seed_adds_records_and_refreshes_statistics() {
    run(async {
        let app = TestApp::spawn().await;
        let tenant = seed_demo(&app.db).await.expect("demo tenant").tenant_id;
        app.sign_up("Olga Other", "olga@other.example", "Other Org")
            .await;
        let mut last = std::collections::BTreeMap::new();
        sales_hunter::seed::seed_volume(
            &app.db,
            tenant,
            (500, 1200),
            sales_hunter::seed::Created::Spread,
            |what, n| {
                last.insert(what.to_string(), n);
            },
        )
        .await
        .expect("seed_volume");
        assert_eq!(
            last,
            [
                ("leads".to_string(), 500),
                ("opportunities".to_string(), 1200)
            ]
            .into()
        );
        let t = tenant.0;
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM leads WHERE tenant_id = '{t}'"
            ))
            .await,
            500
        );
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM opportunities WHERE tenant_id = '{t}'"
            ))
            .await,
            1200
        );
        // Every deal has its history from its first stage on.
        assert_eq!(
            app.count(&format!(
                "SELECT count(DISTINCT opportunity_id) AS n FROM opportunity_history WHERE tenant_id = '{t}'"
            ))
            .await,
            1200
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads l JOIN tenants t ON t.id = l.tenant_id WHERE t.name = 'Other Org'")
                .await,
            0,
            "the other tenant gets nothing"
        );
        // ANALYZE ran (a table never analyzed has reltuples -1): after the leads, and after
        // the first batch of deals.
        let reltuples = |table: &str| {
            format!("SELECT reltuples::bigint AS n FROM pg_class WHERE oid = 'public.{table}'::regclass")
        };
        assert_eq!(app.count(&reltuples("leads")).await, 500);
        assert!(app.count(&reltuples("opportunities")).await >= 1000);
    })
}

/// The demo tenant shows a figure for every KPI of the default dashboard: none empty, none
/// zero (the lead → opportunity rate read 0 % before the demo's leads were converted).
#[test]
fn every_kpi_of_the_demo_dashboard_has_a_figure() {
    run(async {
        let app = TestApp::spawn().await;
        let report = seed_demo(&app.db).await.expect("demo tenant");
        assert!(
            sales_hunter::seed::seed_demo_sales(&app.db, report.tenant_id)
                .await
                .expect("demo sales")
        );
        let owner = app
            .sign_in(
                platform::seed::DEMO_OWNER_EMAIL,
                platform::seed::DEMO_PASSWORD,
            )
            .await
            .expect("sign in");
        let dash = app
            .invoke(
                Some(&owner),
                app::api::dashboard::GetDashboard {
                    period: String::new(),
                    scope: String::new(),
                },
            )
            .await
            .expect("dashboard");
        assert_eq!(dash.kpis.len(), 10);
        for k in &dash.kpis {
            let shown = k.format_compact(k.value, &dash.currency);
            assert!(
                k.value.is_some_and(|v| v > 0.0),
                "{}: {:?} shows {shown}",
                k.key,
                k.value
            );
            assert!(
                !shown.starts_with("0") && shown != "—",
                "{}: {shown}",
                k.key
            );
        }
        assert!(
            dash.funnel.iter().all(|b| b.value > 0),
            "every step of the funnel: {:?}",
            dash.funnel
        );
    })
}

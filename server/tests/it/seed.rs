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

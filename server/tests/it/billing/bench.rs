//! Billing benchmarks (`scripts/bench-billing`): figures and ratios against baselines
//! measured in the same run. Asserts only that the work was done.

use crate::harness::{bench_env as env, p50, run, TestApp};
use crate::members::me;
use app::api::billing::GetBilling;
use billing::{Meter, UsageEvent};
use diesel_async::RunQueryDsl;
use std::time::{Duration, Instant};

#[test]
#[ignore = "a benchmark: scripts/bench-billing runs it"]
fn bench_billing() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;

        // 1. Metering: each event in its own transaction (as a run records it), beside a
        //    bare INSERT of the same row in its own transaction.
        let n = env("BILLING_BENCH_EVENTS", 20_000);
        let started = Instant::now();
        for i in 0..n {
            app.db
                .tenant_tx(tenant, async |conn| {
                    UsageEvent::new(tenant, Meter::ApiCalls, 1, format!("bench:{i}"))
                        .record(conn)
                        .await
                })
                .await
                .expect("metered");
        }
        let metered = started.elapsed();
        let started = Instant::now();
        for i in 0..n {
            app.db
                .tenant_tx(tenant, async |conn| {
                    diesel::sql_query(format!(
                        "INSERT INTO usage_events (tenant_id, idempotency_key, meter, quantity, period_start) \
                         VALUES (app_current_tenant(), 'bare:{i}', 'api_calls', 1, current_date)"
                    ))
                    .execute(conn)
                    .await?;
                    Ok(())
                })
                .await
                .expect("inserted");
        }
        let bare = started.elapsed();
        let rate = |d: Duration| n as f64 / d.as_secs_f64();
        println!(
            "metering: {n} events, one transaction each: {:.0} events/s; a bare INSERT: {:.0}/s; ratio {:.2}",
            rate(metered),
            rate(bare),
            rate(metered) / rate(bare),
        );

        // 2. The period's usage at scale: the page reads the counters; the baseline sums
        //    the period's events (what a page without counters would do).
        let m = env("BILLING_BENCH_ROLLUP", 10_000_000);
        let started = Instant::now();
        app.exec(&format!(
            "INSERT INTO usage_events (tenant_id, idempotency_key, meter, quantity, period_start, occurred_at) \
             SELECT s.tenant_id, 'bulk:' || g, \
                    (ARRAY['agent_runs','llm_tokens','records_synced','api_calls'])[1 + g % 4], 1 + g % 7, \
                    s.period_start::date, s.period_start + (g % 86400) * interval '1 second' \
             FROM subscriptions s, generate_series(1, {m}) g"
        ))
        .await;
        app.exec(
            "UPDATE usage_counters c SET used = t.total FROM (SELECT meter, period_start, sum(quantity) AS total \
             FROM usage_events GROUP BY 1, 2) t WHERE c.meter = t.meter AND c.period_start = t.period_start",
        )
        .await;
        app.exec("ANALYZE usage_events").await;
        println!("roll-up: {m} events written in {:.1?}", started.elapsed());
        let mut page = Vec::new();
        let mut sum = Vec::new();
        for _ in 0..15 {
            let t = Instant::now();
            let b = app
                .invoke(Some(&owner), GetBilling {})
                .await
                .expect("billing");
            page.push(t.elapsed());
            assert!(b.usage.iter().map(|u| u.used).sum::<i64>() > m as i64);
            let t = Instant::now();
            app.db
                .tenant_tx(tenant, async |conn| {
                    diesel::sql_query(
                        "SELECT meter, sum(quantity) FROM usage_events \
                         WHERE period_start = (SELECT period_start::date FROM subscriptions) GROUP BY meter",
                    )
                    .execute(conn)
                    .await?;
                    Ok(())
                })
                .await
                .expect("summed");
            sum.push(t.elapsed());
        }
        let (page, sum) = (p50(page), p50(sum));
        println!(
            "roll-up at {m} events: the billing page p50 {:.1?} (through the server); summing the period's events p50 {:.1?}; ratio {:.3}",
            page,
            sum,
            page.as_secs_f64() / sum.as_secs_f64(),
        );
    })
}

//! The audit explorer's benchmark (`scripts/bench-admin`): the first page and a deep page
//! (keyset) at millions of rows, through the server, beside the same deep page read with
//! OFFSET (what a pager without a cursor would do), measured in the same run.

use super::platform_admin;
use crate::harness::{bench_env as env, p50, run, TestApp};
use app::api::admin::activity::ListAudit;
use models::admin::{AuditFilter, AuditPage};
use std::time::Instant;

#[test]
#[ignore = "a benchmark: scripts/bench-admin runs it"]
fn bench_audit_explorer() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let n = env("ADMIN_BENCH_ROWS", 5_000_000);
        let depth = n / 2;
        let started = Instant::now();
        // Spread over 50 organisations and two years, several actions.
        app.exec(
            "INSERT INTO tenants (id, name) SELECT gen_random_uuid(), 'Bench ' || g FROM generate_series(1, 50) g",
        )
        .await;
        app.exec(&format!(
            "INSERT INTO audit_log (tenant_id, action, target_type, target_id, details, created_at) \
             SELECT t.ids[1 + g % 50], (ARRAY['lead.created','lead.updated','auth.signed_in','deal.won'])[1 + g % 4], \
                    'lead', 'L' || g, '{{}}'::jsonb, now() - (g * interval '12 seconds') \
             FROM (SELECT array_agg(id) AS ids FROM tenants WHERE name LIKE 'Bench %') t, generate_series(1, {n}) g"
        ))
        .await;
        app.exec("ANALYZE audit_log").await;
        println!(
            "audit explorer: {n} rows written in {:.1?}",
            started.elapsed()
        );

        let call = |filter: AuditFilter| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let t = Instant::now();
                let page: AuditPage = app
                    .invoke(Some(&admin), ListAudit { filter })
                    .await
                    .expect("page");
                assert_eq!(page.entries.len(), 50);
                (t.elapsed(), page)
            }
        };
        // The cursor of the entry `depth` rows down, as paging there would leave it.
        let cursor = app
            .rows(&format!(
                "SELECT (extract(epoch FROM created_at) * 1000000)::bigint::text || '.' || id AS c \
                 FROM audit_log ORDER BY created_at DESC, id DESC OFFSET {depth} LIMIT 1"
            ))
            .await[0]["c"]
            .as_str()
            .expect("cursor")
            .to_string();
        let mut first = Vec::new();
        let mut deep = Vec::new();
        let mut offset = Vec::new();
        for _ in 0..9 {
            first.push(call(AuditFilter::default()).await.0);
            deep.push(
                call(AuditFilter {
                    before: cursor.clone(),
                    ..Default::default()
                })
                .await
                .0,
            );
            let t = Instant::now();
            app.rows(&format!(
                "SELECT id FROM audit_log ORDER BY created_at DESC, id DESC OFFSET {depth} LIMIT 50"
            ))
            .await;
            offset.push(t.elapsed());
        }
        let (first, deep, offset) = (p50(first), p50(deep), p50(offset));
        println!(
            "audit explorer at {n} rows: first page p50 {first:.1?}, page {} deep (keyset) p50 {deep:.1?} ({:.2}x the first); the same page by OFFSET in SQL alone p50 {offset:.1?} (keyset {:.4}x of it)",
            depth / 50,
            deep.as_secs_f64() / first.as_secs_f64(),
            deep.as_secs_f64() / offset.as_secs_f64(),
        );
    })
}

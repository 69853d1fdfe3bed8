//! The overview's figures, counted as the page says they are.

use super::*;

#[test]
fn the_overview_counts_revenue_and_usage_as_it_says() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let bee = app.sign_up("Bea Bee", "bea@bee.example", "Bee Co").await;
        let bee = me(&app, &bee).await.tenant_id;
        let cee = app.sign_up("Cy Cee", "cy@cee.example", "Cee Co").await;
        let cee = me(&app, &cee).await.tenant_id;
        app.exec(&format!("UPDATE subscriptions SET status = 'active', plan_id = 'free' WHERE tenant_id = '{bee}'")).await;
        app.exec(&format!("UPDATE subscriptions SET status = 'past_due', plan_id = 'starter', seats = 5 WHERE tenant_id = '{cee}'")).await;
        // Cee's invoice for a period that ended 40 days ago, still unpaid: Starter alone.
        app.exec(&format!(
            "WITH i AS (INSERT INTO invoices (tenant_id, number, plan_id, period_start, period_end, currency, \
                 subtotal_minor, tax_rate_bp, tax_minor, total_minor, status, issued_at) \
               VALUES ('{cee}', 'SH-2026-900001', 'starter', now() - interval '70 days', now() - interval '40 days', \
                 'USD', 4900, 0, 0, 4900, 'open', now() - interval '39 days') RETURNING tenant_id, id) \
             INSERT INTO invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, amount_minor) \
             SELECT tenant_id, id, 1, 'base', 'Starter', 1, 4900 FROM i"
        ))
        .await;
        app.db
            .tenant_tx(bee, async |conn| {
                billing::UsageEvent::new(bee, billing::Meter::AgentRuns, 85, "bench:85")
                    .record(conn)
                    .await
            })
            .await
            .expect("metered");
        app.sign_in("bea@bee.example", PASSWORD)
            .await
            .expect("a sign-in today");

        let d = app
            .invoke(Some(&admin), app::api::admin::GetAdminDashboard {})
            .await
            .expect("dashboard");
        assert_eq!(d.platform.tenants, 3);
        assert_eq!(d.platform.sign_ins.len(), 30);
        assert_eq!(d.platform.sign_ins.last().map(|p| p.1), Some(1));
        assert!(d.platform.active_7d >= 3, "{:?}", d.platform);
        let r = &d.revenue;
        assert_eq!(
            r.mrr,
            vec![models::admin::Amount {
                currency: "USD".into(),
                minor: 4900 + 2 * 1900
            }],
            "Starter with two extra seats (past due still counts); Free brings nothing"
        );
        assert_eq!(
            (r.paying, r.trialing, r.past_due),
            (2, 1, 1),
            "Cee's payment failed"
        );
        assert_eq!(
            r.net_churn_bp,
            Some((4900 - 8700) * 10_000 / 4900),
            "Cee grew: negative churn"
        );
        assert_eq!(r.mrr_by_month.len(), 12, "every month of the last twelve");
        assert_eq!(r.mrr_by_month.iter().map(|m| m.1).sum::<i64>(), 4900);
        assert_eq!(r.overdue.len(), 1);
        assert_eq!(r.overdue[0].number, "SH-2026-900001");
        let u = &d.usage;
        let runs = &u
            .daily
            .iter()
            .find(|(m, _)| *m == billing::Meter::AgentRuns)
            .expect("runs")
            .1;
        assert_eq!(runs.last().map(|p| p.1), Some(85));
        assert_eq!(runs.iter().map(|p| p.1).sum::<i64>(), 85);
        assert_eq!(u.top.len(), 1);
        assert_eq!((u.top[0].tenant_id, u.top[0].used), (bee, 85));
        assert_eq!(u.near_cap.len(), 1, "85 of Free's 100 runs");
        assert_eq!(u.near_cap[0].cap, Some(100));
        assert_eq!(
            app.count("SELECT sum(quantity)::bigint AS n FROM usage_daily")
                .await,
            app.count("SELECT sum(quantity)::bigint AS n FROM usage_events")
                .await,
            "the day rows sum to the events"
        );
        forbidden(
            app.invoke(
                Some(&app.sign_in("cy@cee.example", PASSWORD).await.expect("cy")),
                app::api::admin::GetAdminDashboard {},
            )
            .await,
            "an owner",
        );
    })
}

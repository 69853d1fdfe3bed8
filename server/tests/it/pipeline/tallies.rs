//! The trigger-kept open pipeline and tallies against the raw rows, through every kind of
//! change and through their folds.

use super::*;

/// Runs `statement` 1,100 times in one transaction: more appended rows than the reads of the
/// open pipeline and the tallies let stand before they fold them.
pub(super) async fn change_many_times(app: &TestApp, statement: &str) {
    app.exec(&format!(
        "DO $$ BEGIN FOR i IN 1..1100 LOOP {statement}; END LOOP; END $$"
    ))
    .await;
}

/// The open pipeline the dashboard reads is what the triggers of migration 000011 kept: after
/// creates, moves, edits, a close and a reopening, bulk statements, a deleted deal, a removed
/// owner and a compaction, it equals the open deals summed afresh, tenant by tenant.
#[test]
fn the_open_pipeline_kept_by_triggers_matches_the_open_deals_through_every_change() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let other = app
            .sign_up("Tom Other", "tom@example.com", "Other Org")
            .await;
        const KEPT: &str = "SELECT tenant_id, stage_id, owner_id, sum(deals)::bigint AS n, sum(amount_minor)::bigint AS amount
             FROM open_pipeline_changes GROUP BY 1, 2, 3 HAVING sum(deals) <> 0 OR sum(amount_minor) <> 0 ORDER BY 1, 2, 3";
        const FRESH: &str = "SELECT tenant_id, stage_id, owner_id, count(*)::bigint AS n, sum(amount_minor)::bigint AS amount
             FROM opportunities WHERE closed_at IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
        // The board's column totals come from the kept changes unless a close-date range is
        // set; a range wide enough for every deal must give the same figures by scanning.
        let totals = |b: Board| -> Vec<(String, i64, i64)> {
            b.columns
                .into_iter()
                .map(|c| (c.stage.name, c.count, c.total_minor))
                .collect()
        };
        let check = |step: &'static str| {
            let app = &app;
            let owner = owner.clone();
            async move {
                assert_eq!(app.rows(KEPT).await, app.rows(FRESH).await, "after {step}");
                for filter in ["", "owner=me", "owner=none"] {
                    let wide = format!("{filter}&from=2000-01-01&to=2100-01-01");
                    let wide = wide.trim_start_matches('&');
                    assert_eq!(
                        totals(board(app, &owner, filter).await),
                        totals(board(app, &owner, wide).await),
                        "board totals ({filter}) after {step}"
                    );
                }
            }
        };
        let pipeline_value = |session: String| {
            let app = &app;
            async move {
                let dash = dashboard(app, &session, "quarter", "")
                    .await
                    .expect("dashboard");
                dash.kpis
                    .into_iter()
                    .find(|k| k.key == "pipeline_value")
                    .and_then(|k| k.value)
            }
        };
        let a = deal("A").amount("1000").create(&app, &owner).await;
        let b = deal("B").amount("2000").create(&app, &rep).await;
        let c = deal("C").amount("4000").create(&app, &rep).await;
        deal("Elsewhere").amount("99999").create(&app, &other).await;
        check("creates").await;
        assert_eq!(pipeline_value(owner.clone()).await, Some(700_000.0));
        assert_eq!(pipeline_value(other.clone()).await, Some(9_999_900.0));

        let stages = app
            .invoke(Some(&owner), GetOpportunity { id: a })
            .await
            .expect("a")
            .stages;
        let open: Vec<_> = stages
            .iter()
            .filter(|s| s.kind == StageKind::Open)
            .collect();
        let won = stages
            .iter()
            .find(|s| s.kind == StageKind::Won)
            .expect("won");
        move_deal(&app, &owner, a, open[1].id, "").await;
        check("a move").await;
        move_deal(&app, &owner, b, won.id, "").await;
        check("a win").await;
        assert_eq!(pipeline_value(owner.clone()).await, Some(500_000.0));
        move_deal(&app, &owner, b, open[0].id, "").await;
        check("reopening").await;
        app.exec(&format!(
            "UPDATE opportunities SET amount_minor = 123456 WHERE id = '{c}'"
        ))
        .await;
        app.exec("UPDATE opportunities SET amount_minor = amount_minor + 1, next_step = 'call'")
            .await;
        app.exec("UPDATE opportunities SET next_step = 'email'")
            .await;
        check("bulk edits").await;
        app.exec(&format!("DELETE FROM opportunities WHERE id = '{a}'"))
            .await;
        check("a delete").await;
        app.invoke(
            Some(&owner),
            RemoveMember {
                user_id: rep_user.user_id,
            },
        )
        .await
        .expect("remove the rep");
        check("the owner's removal").await;
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities WHERE owner_id IS NULL AND closed_at IS NULL")
                .await,
            2
        );

        // Many small changes, then a dashboard read folds them.
        change_many_times(
            &app,
            &format!("UPDATE opportunities SET amount_minor = amount_minor + 1 WHERE id = '{c}'"),
        )
        .await;
        check("many changes").await;
        let expected = app
            .count("SELECT sum(amount_minor)::bigint AS n FROM opportunities o JOIN tenants t ON t.id = o.tenant_id WHERE t.name = 'Olga Org' AND closed_at IS NULL")
            .await;
        assert_eq!(pipeline_value(owner.clone()).await, Some(expected as f64));
        assert!(
            app.count("SELECT count(*) AS n FROM open_pipeline_changes c JOIN tenants t ON t.id = c.tenant_id WHERE t.name = 'Olga Org'")
                .await
                <= 2,
            "folded into one row per stage and owner"
        );
        check("compaction").await;
        assert_eq!(pipeline_value(owner).await, Some(expected as f64));
        // The other tenant's deal took only the bulk edit's +1 (it ran across tenants).
        assert_eq!(pipeline_value(other).await, Some(9_999_901.0));
    })
}

/// The people side of the dashboard sums the tally the triggers of migration 000012 keep
/// (per day, person and response bucket). Through creates, an activity, back-dated records,
/// status changes, bulk statements, a deleted lead with its activities, a removed owner and
/// a compaction, it equals the leads and activities counted afresh, tenant by tenant; and
/// the dashboard's figures, the median response time included, equal SQL's over the records.
#[test]
fn the_people_tally_kept_by_triggers_matches_the_leads_and_activities_through_every_change() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let other = app
            .sign_up("Tom Other", "tom@example.com", "Other Org")
            .await;
        const KEPT: &str = "SELECT tenant_id, day, user_id, response_bucket, sum(leads)::bigint AS leads,
                 sum(converted)::bigint AS converted, sum(worked)::bigint AS worked,
                 sum(qualified)::bigint AS qualified, sum(activities)::bigint AS activities
             FROM people_tally_changes GROUP BY 1, 2, 3, 4
             HAVING sum(leads) <> 0 OR sum(converted) <> 0 OR sum(worked) <> 0 OR sum(qualified) <> 0 OR sum(activities) <> 0
             ORDER BY 1, 2, 3, 4";
        const FRESH: &str = "SELECT tenant_id, day, user_id, response_bucket, sum(leads)::bigint AS leads,
                 sum(converted)::bigint AS converted, sum(worked)::bigint AS worked,
                 sum(qualified)::bigint AS qualified, sum(activities)::bigint AS activities
             FROM (SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date AS day, owner_id AS user_id, response_bucket,
                          1 AS leads, (converted_opportunity_id IS NOT NULL)::int AS converted,
                          (status IN ('working', 'nurture', 'qualified', 'converted'))::int AS worked,
                          (status IN ('qualified', 'converted'))::int AS qualified, 0 AS activities
                   FROM leads
                   UNION ALL
                   SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, user_id, NULL, 0, 0, 0, 0, 1
                   FROM activities) t
             GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
        let check = |step: &'static str| {
            let app = &app;
            async move {
                assert_eq!(app.rows(KEPT).await, app.rows(FRESH).await, "after {step}");
            }
        };
        // The dashboard's quarter against SQL over the records, for the team or one person.
        let figures_match = |session: String, scope: &'static str, step: &'static str| {
            let app = &app;
            async move {
                let dash = dashboard(app, &session, "quarter", scope)
                    .await
                    .expect("dashboard");
                let who = me(app, &session).await.user_id;
                let filter = if scope == "mine" {
                    format!("AND l.owner_id = '{who}'")
                } else {
                    String::new()
                };
                let tenant = format!(
                    "l.tenant_id = (SELECT tenant_id FROM memberships WHERE user_id = '{who}')"
                );
                let want = app
                    .rows(&format!(
                        "SELECT count(*) AS created,
                                count(*) FILTER (WHERE status IN ('working', 'nurture', 'qualified', 'converted')) AS worked,
                                count(*) FILTER (WHERE status IN ('qualified', 'converted')) AS qualified,
                                count(*) FILTER (WHERE converted_opportunity_id IS NOT NULL) AS converted,
                                (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM first_activity_at - created_at) / 3600)
                                     FILTER (WHERE first_activity_at IS NOT NULL))::float8 AS median
                         FROM leads l WHERE {tenant} {filter} AND created_at >= now() - interval '90 days'"
                    ))
                    .await;
                let want = &want[0];
                let funnel: Vec<i64> = dash.funnel.iter().map(|b| b.value).collect();
                let wanted: Vec<i64> = ["created", "worked", "qualified", "converted"]
                    .iter()
                    .map(|k| want[k].as_i64().expect(k))
                    .collect();
                assert_eq!(funnel, wanted, "the funnel after {step} ({scope})");
                let median = dash
                    .kpis
                    .iter()
                    .find(|k| k.key == "lead_response_time")
                    .and_then(|k| k.value);
                match (median, want["median"].as_f64()) {
                    (Some(got), Some(want)) => assert!(
                        (got - want).abs() < 1e-6,
                        "median response after {step} ({scope}): {got} h, SQL says {want} h"
                    ),
                    (got, want) => assert_eq!(got, want, "median response after {step} ({scope})"),
                }
            }
        };

        let mut ids = Vec::new();
        for (session, first, email) in [
            (&owner, "Ann", "ann@a.io"),
            (&owner, "Bea", "bea@b.io"),
            (&owner, "Cid", "cid@c.io"),
            (&rep, "Dee", "dee@d.io"),
            (&rep, "Eve", "eve@e.io"),
            (&other, "Fay", "fay@f.io"),
        ] {
            let made = lead(first, "Lead")
                .email(email)
                .company("Co")
                .create(&app, session)
                .await;
            ids.push(made.id);
        }
        check("creates").await;
        app.invoke(
            Some(&owner),
            LogActivity {
                about_type: "lead".into(),
                about_id: ids[0].to_string(),
                input: ActivityInput {
                    kind: "call".into(),
                    subject: "Intro call".into(),
                    ..ActivityInput::default()
                },
            },
        )
        .await
        .expect("log");
        check("an activity").await;
        figures_match(owner.clone(), "", "an activity").await;

        // Spread the leads over the quarter, so whole days come from the tally. Some are
        // answered after hours or days (buckets apart), some within seconds of each other
        // (one bucket, which then holds the median: its leads are ordered for the value).
        app.exec(
            "UPDATE leads l SET created_at = now() - r.n * interval '9 days 7 hours',
                    first_activity_at = now() - r.n * interval '9 days 7 hours'
                        + CASE WHEN r.n % 2 = 0 THEN r.n * r.n * r.n * interval '41 minutes'
                               ELSE interval '100 minutes' + r.n * interval '20 seconds' END
             FROM (SELECT id, row_number() OVER (ORDER BY email) AS n FROM leads) r WHERE r.id = l.id",
        )
        .await;
        app.exec("UPDATE activities SET occurred_at = now() - interval '20 days'")
            .await;
        check("back-dating").await;
        figures_match(owner.clone(), "", "back-dating").await;
        figures_match(rep.clone(), "mine", "back-dating").await;
        figures_match(other.clone(), "", "back-dating").await;

        app.exec("UPDATE leads SET status = 'qualified' WHERE email IN ('bea@b.io', 'dee@d.io')")
            .await;
        app.exec("UPDATE leads SET status = 'working', score = score WHERE email = 'cid@c.io'")
            .await;
        app.exec("UPDATE leads SET phone = '123'").await;
        app.exec("UPDATE leads SET first_activity_at = created_at + interval '30 seconds' WHERE email = 'eve@e.io'")
            .await;
        check("status changes and bulk edits").await;
        figures_match(owner.clone(), "", "status changes").await;
        app.exec(&format!("DELETE FROM leads WHERE id = '{}'", ids[0]))
            .await;
        check("a deleted lead and its activity").await;
        app.invoke(
            Some(&owner),
            RemoveMember {
                user_id: rep_user.user_id,
            },
        )
        .await
        .expect("remove the rep");
        check("the owner's removal").await;
        figures_match(owner.clone(), "", "the owner's removal").await;

        // Many small changes, then a dashboard read folds them.
        change_many_times(
            &app,
            &format!(
                "UPDATE leads SET status = CASE status WHEN 'new' THEN 'working' ELSE 'new' END WHERE id = '{}'",
                ids[1]
            ),
        )
        .await;
        check("many changes").await;
        figures_match(owner.clone(), "", "many changes").await;
        assert!(
            app.count("SELECT count(*) AS n FROM people_tally_changes c JOIN tenants t ON t.id = c.tenant_id WHERE t.name = 'Olga Org' AND NOT folded")
                .await
                < 10,
            "folded"
        );
        check("compaction").await;
        figures_match(owner, "", "compaction").await;
        figures_match(other, "", "compaction").await;
    })
}

/// Closed deals on the dashboard sum the tally the triggers of migration 000013 keep (per
/// day closed, owner and cycle bucket). Through wins and losses, back-dated closes, a
/// reopening, bulk edits, a deleted deal, a removed owner and a compaction, it equals the
/// closed deals counted afresh, tenant by tenant; and the dashboard's win rate, deal size,
/// median sales cycle and monthly trend equal SQL's over the deals.
#[test]
fn the_closed_deals_tally_kept_by_triggers_matches_the_deals_through_every_change() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let other = app
            .sign_up("Tom Other", "tom@example.com", "Other Org")
            .await;
        const KEPT: &str = "SELECT tenant_id, day, owner_id, cycle_bucket, sum(won)::bigint AS won,
                 sum(lost)::bigint AS lost, sum(won_amount_minor)::bigint AS amount
             FROM closed_tally_changes GROUP BY 1, 2, 3, 4
             HAVING sum(won) <> 0 OR sum(lost) <> 0 OR sum(won_amount_minor) <> 0 ORDER BY 1, 2, 3, 4";
        const FRESH: &str = "SELECT o.tenant_id, (o.closed_at AT TIME ZONE 'UTC')::date AS day, o.owner_id, o.cycle_bucket,
                 count(*) FILTER (WHERE s.kind = 'won') AS won, count(*) FILTER (WHERE s.kind = 'lost') AS lost,
                 COALESCE(sum(o.amount_minor) FILTER (WHERE s.kind = 'won'), 0)::bigint AS amount
             FROM opportunities o JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = o.stage_id
             WHERE o.closed_at IS NOT NULL AND s.kind <> 'open' GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
        let check = |step: &'static str| {
            let app = &app;
            async move {
                assert_eq!(app.rows(KEPT).await, app.rows(FRESH).await, "after {step}");
            }
        };
        let figures_match = |session: String, step: &'static str| {
            let app = &app;
            async move {
                let dash = dashboard(app, &session, "quarter", "")
                    .await
                    .expect("dashboard");
                let who = me(app, &session).await.user_id;
                let deals = format!(
                    "FROM opportunities o JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = o.stage_id
                     WHERE o.tenant_id = (SELECT tenant_id FROM memberships WHERE user_id = '{who}') AND s.kind <> 'open'"
                );
                let want = app
                    .rows(&format!(
                        "SELECT (count(*) FILTER (WHERE s.kind = 'won'))::float8 / NULLIF(count(*), 0) AS win_rate,
                                (sum(o.amount_minor) FILTER (WHERE s.kind = 'won'))::float8
                                    / NULLIF(count(*) FILTER (WHERE s.kind = 'won'), 0) AS deal_size,
                                (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM o.closed_at - o.created_at) / 86400)
                                     FILTER (WHERE s.kind = 'won'))::float8 AS cycle
                         {deals} AND o.closed_at >= now() - interval '90 days'"
                    ))
                    .await;
                for (key, column) in [
                    ("win_rate", "win_rate"),
                    ("average_deal_size", "deal_size"),
                    ("sales_cycle", "cycle"),
                ] {
                    let got = dash
                        .kpis
                        .iter()
                        .find(|k| k.key == key)
                        .and_then(|k| k.value);
                    match (got, want[0][column].as_f64()) {
                        (Some(got), Some(want)) => assert!(
                            (got - want).abs() < 1e-6,
                            "{key} after {step}: {got}, SQL says {want}"
                        ),
                        (got, want) => assert_eq!(got, want, "{key} after {step}"),
                    }
                }
                let months = app
                    .rows(&format!(
                        "SELECT to_char(m, 'Mon') AS label,
                                (SELECT count(*) {deals} AND s.kind = 'won' AND date_trunc('month', o.closed_at, 'UTC') = m) AS won,
                                (SELECT count(*) {deals} AND s.kind = 'lost' AND date_trunc('month', o.closed_at, 'UTC') = m) AS lost
                         FROM generate_series(date_trunc('month', now(), 'UTC') - interval '5 months', date_trunc('month', now(), 'UTC'), interval '1 month') m
                         ORDER BY m"
                    ))
                    .await;
                let got: Vec<serde_json::Value> = dash
                    .won_lost
                    .iter()
                    .map(|p| serde_json::json!({"label": p.label, "won": p.won, "lost": p.lost}))
                    .collect();
                assert_eq!(got, months, "the won/lost trend after {step}");
            }
        };
        let mut ids = Vec::new();
        for (session, name, amount) in [
            (&owner, "A", "1000"),
            (&owner, "B", "2000"),
            (&owner, "C", "4000"),
            (&rep, "D", "8000"),
            (&rep, "E", "16000"),
            (&owner, "F", "32000"),
            (&other, "Elsewhere", "99999"),
        ] {
            ids.push(deal(name).amount(amount).create(&app, session).await);
        }
        let stages = app
            .invoke(Some(&owner), GetOpportunity { id: ids[0] })
            .await
            .expect("a")
            .stages;
        let stage = |kind: StageKind| stages.iter().find(|s| s.kind == kind).expect("stage").id;
        let (won, lost) = (stage(StageKind::Won), stage(StageKind::Lost));
        for (i, stage_id) in [(0, won), (1, won), (2, lost), (3, won), (4, won)] {
            move_deal(&app, &owner, ids[i], stage_id, "Budget").await;
        }
        let other_won = app
            .invoke(Some(&other), GetOpportunity { id: ids[6] })
            .await
            .expect("theirs")
            .stages
            .into_iter()
            .find(|s| s.kind == StageKind::Won)
            .expect("won")
            .id;
        move_deal(&app, &other, ids[6], other_won, "").await;
        check("wins and losses").await;
        figures_match(owner.clone(), "wins and losses").await;

        // Back-date: closes spread over half a year, cycles from minutes to months, three of
        // them within a minute of each other (one bucket, which holds the median).
        app.exec(
            "UPDATE opportunities o SET created_at = now() - r.n * interval '11 days 5 hours' - CASE WHEN r.n % 2 = 0 THEN r.n * interval '9 days' ELSE interval '3 days' + r.n * interval '13 seconds' END,
                    closed_at = now() - r.n * interval '11 days 5 hours'
             FROM (SELECT id, row_number() OVER (ORDER BY name) AS n FROM opportunities WHERE closed_at IS NOT NULL) r
             WHERE r.id = o.id",
        )
        .await;
        check("back-dating").await;
        figures_match(owner.clone(), "back-dating").await;
        figures_match(other.clone(), "back-dating").await;

        move_deal(&app, &owner, ids[1], stages[0].id, "").await;
        check("a reopening").await;
        app.exec("UPDATE opportunities SET amount_minor = amount_minor + 1, next_step = 'call'")
            .await;
        app.exec("UPDATE opportunities SET next_step = 'email'")
            .await;
        check("bulk edits").await;
        figures_match(owner.clone(), "bulk edits").await;
        app.exec(&format!(
            "DELETE FROM opportunities WHERE id = '{}'",
            ids[2]
        ))
        .await;
        check("a delete").await;
        app.invoke(
            Some(&owner),
            RemoveMember {
                user_id: rep_user.user_id,
            },
        )
        .await
        .expect("remove the rep");
        check("the owner's removal").await;
        figures_match(owner.clone(), "the owner's removal").await;

        // Many small changes, then a dashboard read folds them.
        change_many_times(
            &app,
            &format!(
                "UPDATE opportunities SET amount_minor = amount_minor + 1 WHERE id = '{}'",
                ids[0]
            ),
        )
        .await;
        check("many changes").await;
        figures_match(owner.clone(), "many changes").await;
        assert!(
            app.count("SELECT count(*) AS n FROM closed_tally_changes c JOIN tenants t ON t.id = c.tenant_id WHERE t.name = 'Olga Org' AND NOT folded")
                .await
                < 10,
            "folded"
        );
        check("compaction").await;
        figures_match(owner, "compaction").await;
        figures_match(other, "compaction").await;
    })
}

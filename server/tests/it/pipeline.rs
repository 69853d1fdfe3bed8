//! The pipeline board, opportunities, activities, tasks, the dashboard and global search.

use crate::harness::{assert_field, run, TestApp};
use crate::leads::{create, input};
use crate::members::{me, team_with};
use app::api::activities::*;
use app::api::dashboard::*;
use app::api::members::RemoveMember;
use app::api::pipeline::*;
use models::sales::activity::{ActivityInput, TaskInput};
use models::sales::opportunity::{Board, OpportunityInput};
use models::sales::search::HitKind;
use models::sales::stage::StageKind;
use models::{AppError, OpportunityId, StageId};

async fn dashboard(
    app: &TestApp,
    session: &str,
    period: &str,
    scope: &str,
) -> Result<models::sales::dashboard::Dashboard, AppError> {
    app.invoke(
        Some(session),
        GetDashboard {
            period: period.into(),
            scope: scope.into(),
        },
    )
    .await
}

async fn board(app: &TestApp, session: &str, view: &str) -> Board {
    app.invoke(Some(session), GetBoard { view: view.into() })
        .await
        .expect("board")
}

/// A deal closing on 2027-03-01.
pub async fn create_deal(app: &TestApp, session: &str, name: &str, amount: &str) -> OpportunityId {
    app.invoke(
        Some(session),
        CreateOpportunity {
            name: name.into(),
            amount: amount.into(),
            close_date: "2027-03-01".into(),
        },
    )
    .await
    .expect("create a deal")
}

/// Moves a deal to a stage (a lost stage needs `reason`).
async fn move_deal(
    app: &TestApp,
    session: &str,
    id: OpportunityId,
    stage_id: StageId,
    reason: &str,
) {
    app.invoke(
        Some(session),
        MoveOpportunity {
            id,
            stage_id,
            lost_reason: reason.into(),
        },
    )
    .await
    .expect("move a deal");
}

/// Runs `statement` 1,100 times in one transaction: more appended rows than the reads of the
/// open pipeline and the tallies let stand before they fold them.
async fn change_many_times(app: &TestApp, statement: &str) {
    app.exec(&format!(
        "DO $$ BEGIN FOR i IN 1..1100 LOOP {statement}; END LOOP; END $$"
    ))
    .await;
}

#[test]
fn deals_move_through_the_board_with_history_and_audit() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let id = app
            .invoke(
                Some(&owner),
                CreateOpportunity {
                    name: "Acme fleet".into(),
                    amount: "120,000".into(),
                    close_date: "2027-01-15".into(),
                },
            )
            .await
            .expect("create");
        let err = app
            .invoke(
                Some(&owner),
                CreateOpportunity {
                    name: "X".into(),
                    amount: "lots".into(),
                    close_date: "2027-01-15".into(),
                },
            )
            .await
            .expect_err("amount");
        assert_field(&err, "amount");

        let b = board(&app, &owner, "").await;
        assert_eq!(b.columns.len(), 5, "the default open stages");
        let first = &b.columns[0];
        assert_eq!(
            (first.count, first.total_minor, first.weighted_minor),
            (1, 12_000_000, 1_200_000)
        );
        assert_eq!(first.cards[0].id, id);
        let next = b.columns[1].stage.id;

        // Reps cannot move someone else's deal.
        let err = app
            .invoke(
                Some(&rep),
                MoveOpportunity {
                    id,
                    stage_id: next,
                    lost_reason: String::new(),
                },
            )
            .await
            .expect_err("rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let moved = app
            .invoke(
                Some(&owner),
                MoveOpportunity {
                    id,
                    stage_id: next,
                    lost_reason: String::new(),
                },
            )
            .await
            .expect("move");
        assert_eq!(moved.stage.id, next);
        let b = board(&app, &owner, "").await;
        assert_eq!((b.columns[0].count, b.columns[1].count), (0, 1));
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunity_history")
                .await,
            2
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'opportunity.updated' AND details ? 'stage'").await,
            1
        );

        let lost = b
            .stages
            .iter()
            .find(|s| s.kind == StageKind::Lost)
            .expect("lost stage")
            .id;
        let err = app
            .invoke(
                Some(&owner),
                MoveOpportunity {
                    id,
                    stage_id: lost,
                    lost_reason: " ".into(),
                },
            )
            .await
            .expect_err("reason");
        assert_field(&err, "lost_reason");
        let closed = app
            .invoke(
                Some(&owner),
                MoveOpportunity {
                    id,
                    stage_id: lost,
                    lost_reason: "Budget cut".into(),
                },
            )
            .await
            .expect("lose");
        assert!(closed.closed_at.is_some());
        assert_eq!(closed.lost_reason, "Budget cut");
        assert!(
            board(&app, &owner, "")
                .await
                .columns
                .iter()
                .all(|c| c.count == 0),
            "closed deals leave the board"
        );

        // Editing fields: amount and close date changes are history too.
        let detail = app
            .invoke(Some(&owner), GetOpportunity { id })
            .await
            .expect("detail");
        let open = detail.stages[2].id;
        let edit = OpportunityInput {
            name: "Acme fleet (expanded)".into(),
            amount: "150000".into(),
            currency: "EUR".into(),
            stage_id: open.to_string(),
            close_date: "2027-02-28".into(),
            owner_id: me(&app, &owner).await.user_id.to_string(),
            ..OpportunityInput::default()
        };
        let reopened = app
            .invoke(
                Some(&owner),
                UpdateOpportunity {
                    id,
                    input: edit.clone(),
                },
            )
            .await
            .expect("edit");
        assert_eq!(
            (
                reopened.amount_minor,
                reopened.currency.as_str(),
                reopened.closed_at
            ),
            (15_000_000, "EUR", None)
        );
        let detail = app
            .invoke(Some(&owner), GetOpportunity { id })
            .await
            .expect("detail");
        assert_eq!(detail.history.len(), 4);
        assert_eq!(detail.history[0].amount_minor, 15_000_000, "newest first");
        let err = app
            .invoke(
                Some(&owner),
                UpdateOpportunity {
                    id,
                    input: OpportunityInput {
                        close_date: "someday".into(),
                        ..edit
                    },
                },
            )
            .await
            .expect_err("date");
        assert_field(&err, "close_date");

        // Filters: by owner and close date.
        assert_eq!(board(&app, &owner, "owner=me").await.columns[2].count, 1);
        assert_eq!(board(&app, &rep, "owner=me").await.columns[2].count, 0);
        assert_eq!(
            board(&app, &owner, "from=2027-03-01").await.columns[2].count,
            0
        );
        let other = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        assert!(board(&app, &other, "")
            .await
            .columns
            .iter()
            .all(|c| c.count == 0));
        let err = app
            .invoke(Some(&other), GetOpportunity { id })
            .await
            .expect_err("isolation");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    });
}

#[test]
fn activities_and_tasks_feed_the_timeline_my_day_and_the_dashboard() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let lead = create(
            &app,
            &owner,
            input("Ada", "Lovelace", "ada@analytical.io", "Analytical"),
        )
        .await
        .expect("lead");
        let call = ActivityInput {
            kind: "call".into(),
            subject: "Intro call".into(),
            outcome: "Connected".into(),
            ..ActivityInput::default()
        };
        app.invoke(
            Some(&owner),
            LogActivity {
                about_type: "lead".into(),
                about_id: lead.id.to_string(),
                input: call.clone(),
            },
        )
        .await
        .expect("log");
        let err = app
            .invoke(
                Some(&owner),
                LogActivity {
                    about_type: "lead".into(),
                    about_id: lead.id.to_string(),
                    input: ActivityInput {
                        kind: "fax".into(),
                        ..call.clone()
                    },
                },
            )
            .await
            .expect_err("kind");
        assert_field(&err, "kind");
        let err = app
            .invoke(
                Some(&owner),
                LogActivity {
                    about_type: "lead".into(),
                    about_id: uuid::Uuid::new_v4().to_string(),
                    input: call,
                },
            )
            .await
            .expect_err("no such lead");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
        let detail = app
            .invoke(Some(&owner), app::api::leads::GetLead { id: lead.id })
            .await
            .expect("detail");
        assert_eq!(detail.activities.len(), 1);
        assert!(detail.lead.last_activity_at.is_some());
        assert!(
            detail
                .lead
                .score_breakdown
                .iter()
                .any(|r| r.label.contains("activity")),
            "engagement scores"
        );

        let today = chrono::Utc::now().date_naive();
        let task = app
            .invoke(
                Some(&owner),
                CreateTask {
                    about_type: "lead".into(),
                    about_id: lead.id.to_string(),
                    input: TaskInput {
                        title: "Send pricing".into(),
                        due_on: today.to_string(),
                        assignee_id: String::new(),
                    },
                },
            )
            .await
            .expect("task");
        let err = app
            .invoke(
                Some(&owner),
                CreateTask {
                    about_type: String::new(),
                    about_id: String::new(),
                    input: TaskInput {
                        title: "x".into(),
                        due_on: "tomorrow".into(),
                        assignee_id: String::new(),
                    },
                },
            )
            .await
            .expect_err("date");
        assert_field(&err, "due_on");

        let dash = dashboard(&app, &owner, "quarter", "")
            .await
            .expect("dashboard");
        assert_eq!(dash.kpis.len(), 10);
        assert_eq!(dash.my_day.len(), 1);
        assert_eq!(dash.my_day[0].id, task);
        assert_eq!(
            dash.my_day[0].subject_label.as_deref(),
            Some("Ada Lovelace")
        );
        let kpi = |key: &str| dash.kpis.iter().find(|k| k.key == key).expect(key).clone();
        assert_eq!(kpi("activities_per_rep").value, Some(1.0));
        assert_eq!(kpi("lead_conversion").value, Some(0.0));
        assert_eq!(
            kpi("win_rate").value,
            None,
            "no closed deals: no figure, not zero"
        );
        assert!(kpi("lead_response_time").value.is_some_and(|h| h < 1.0));
        assert_eq!(dash.funnel[0].value, 1);

        // Win a deal: the win rate, deal size and pipeline move.
        let id = app
            .invoke(
                Some(&owner),
                CreateOpportunity {
                    name: "Big one".into(),
                    amount: "10000".into(),
                    close_date: today.to_string(),
                },
            )
            .await
            .expect("deal");
        let dash = dashboard(&app, &owner, "quarter", "mine")
            .await
            .expect("dashboard");
        let pipeline = dash
            .kpis
            .iter()
            .find(|k| k.key == "pipeline_value")
            .expect("pv");
        assert_eq!(pipeline.value, Some(1_000_000.0));
        let won = app
            .invoke(Some(&owner), GetOpportunity { id })
            .await
            .expect("d")
            .stages
            .into_iter()
            .find(|s| s.kind == StageKind::Won)
            .expect("won")
            .id;
        app.invoke(
            Some(&owner),
            MoveOpportunity {
                id,
                stage_id: won,
                lost_reason: String::new(),
            },
        )
        .await
        .expect("win");
        let dash = dashboard(&app, &owner, "quarter", "")
            .await
            .expect("dashboard");
        let kpi = |key: &str| dash.kpis.iter().find(|k| k.key == key).expect(key).clone();
        assert_eq!(kpi("win_rate").value, Some(1.0));
        assert_eq!(kpi("average_deal_size").value, Some(1_000_000.0));
        assert_eq!(kpi("pipeline_value").value, Some(0.0));
        assert_eq!(dash.won_lost.last().map(|p| p.won), Some(1));
        let err = dashboard(&app, &owner, "decade", "")
            .await
            .expect_err("period");
        assert_field(&err, "period");

        app.invoke(Some(&owner), CompleteTask { id: task })
            .await
            .expect("done");
        let dash = dashboard(&app, &owner, "", "").await.expect("dashboard");
        assert!(dash.my_day.is_empty());
    });
}

#[test]
fn global_search_finds_every_kind_within_the_tenant() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        create(
            &app,
            &owner,
            input("Ada", "Lovelace", "ada@zephyr.io", "Zephyr Robotics"),
        )
        .await
        .expect("lead");
        app.invoke(
            Some(&owner),
            CreateOpportunity {
                name: "Zephyr fleet".into(),
                amount: "1".into(),
                close_date: "2027-01-01".into(),
            },
        )
        .await
        .expect("deal");
        let hits = app
            .invoke(Some(&owner), SearchRecords { q: "zephyr".into() })
            .await
            .expect("search");
        let kinds: Vec<HitKind> = hits.iter().map(|h| h.kind).collect();
        assert!(
            kinds.contains(&HitKind::Lead) && kinds.contains(&HitKind::Opportunity),
            "{hits:?}"
        );
        assert!(app
            .invoke(Some(&owner), SearchRecords { q: "z".into() })
            .await
            .expect("short")
            .is_empty());
        let other = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        assert!(app
            .invoke(Some(&other), SearchRecords { q: "zephyr".into() })
            .await
            .expect("other")
            .is_empty());
    });
}

#[test]
fn the_previous_periods_pipeline_is_read_from_history_once_and_kept() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let today = chrono::Utc::now().date_naive();
        let id = app
            .invoke(
                Some(&owner),
                CreateOpportunity {
                    name: "Old deal".into(),
                    amount: "5000".into(),
                    close_date: today.to_string(),
                },
            )
            .await
            .expect("deal");
        // Open since 200 days ago, at 5,000 then; raised to 7,000 last week.
        for sql in [
            format!("UPDATE opportunities SET created_at = now() - interval '200 days', amount_minor = 700000 WHERE id = '{id}'"),
            format!("UPDATE opportunity_history SET changed_at = now() - interval '200 days' WHERE opportunity_id = '{id}'"),
            format!(
                "INSERT INTO opportunity_history (tenant_id, opportunity_id, stage_id, amount_minor, close_date, changed_at)
                 SELECT tenant_id, id, stage_id, 700000, close_date, now() - interval '7 days' FROM opportunities WHERE id = '{id}'"
            ),
        ] {
            app.exec(&sql).await;
        }
        let pipeline = || async {
            let dash = dashboard(&app, &owner, "quarter", "")
                .await
                .expect("dashboard");
            let k = dash
                .kpis
                .into_iter()
                .find(|k| k.key == "pipeline_value")
                .expect("pv");
            (k.value, k.previous)
        };
        assert_eq!(
            pipeline().await,
            (Some(700_000.0), Some(500_000.0)),
            "now, and as it stood 90 days ago"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM pipeline_snapshots WHERE scope = 'team' AND amount_minor = 500000").await,
            1,
            "kept"
        );
        // The kept figure is what later loads read (here: a planted one proves it).
        app.exec("UPDATE pipeline_snapshots SET amount_minor = 123400")
            .await;
        assert_eq!(pipeline().await.1, Some(1234.0 * 100.0));
    })
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
        let a = create_deal(&app, &owner, "A", "1000").await;
        let b = create_deal(&app, &rep, "B", "2000").await;
        let c = create_deal(&app, &rep, "C", "4000").await;
        create_deal(&app, &other, "Elsewhere", "99999").await;
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
            let lead = create(&app, session, input(first, "Lead", email, "Co"))
                .await
                .expect("lead");
            ids.push(lead.id);
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
            ids.push(create_deal(&app, session, name, amount).await);
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

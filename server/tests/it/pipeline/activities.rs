//! Activities and tasks: the timeline, my day and the dashboard; and global search.

use super::*;

#[test]
fn activities_and_tasks_feed_the_timeline_my_day_and_the_dashboard() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let lead = lead("Ada", "Lovelace")
            .email("ada@analytical.io")
            .company("Analytical")
            .create(&app, &owner)
            .await;
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
                .any(|r| r.group == "engagement"
                    && r.label.starts_with("1 call")
                    && r.points == 20),
            "a call today is worth 20 engagement points: {:?}",
            detail.lead.score_breakdown
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
        lead("Ada", "Lovelace")
            .email("ada@zephyr.io")
            .company("Zephyr Robotics")
            .create(&app, &owner)
            .await;
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

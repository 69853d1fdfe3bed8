//! The board: deals moving through stages with their history and audit, and the previous
//! period's pipeline read from history.

use super::*;

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

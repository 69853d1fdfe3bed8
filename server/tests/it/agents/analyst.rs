//! The Pipeline Analyst through the server: the report over the tenant's own deals (its
//! maths is tested on hand-computed fixtures in the vertical), thresholds as versions with
//! field errors and roles, and a summary run.

use super::runs::runs_of;
use crate::harness::{assert_field, run, TestApp};
use crate::members::team_with;
use crate::records::deal;
use app::api::agents::*;
use models::agents::run::RunStatus;
use models::agents::views::AnalystForm;
use models::AppError;

#[test]
fn the_report_reads_the_tenants_deals_and_thresholds_are_versions() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let today = chrono::Utc::now().date_naive();
        let (_, quarter_end, quarter) = sales_hunter::analyst::core::quarter_of(today);
        let closes = (quarter_end - chrono::Duration::days(1)).to_string();
        deal("Big")
            .amount("30000")
            .closes(&closes)
            .create(&app, &owner)
            .await;
        deal("Small")
            .amount("10000")
            .closes(&closes)
            .create(&app, &rep)
            .await;
        deal("Next year")
            .amount("99000")
            .closes("2099-01-01")
            .create(&app, &owner)
            .await;
        let page = app
            .invoke(Some(&rep), GetPipelineAnalyst {})
            .await
            .expect("a rep reads the report");
        let r = &page.report;
        assert_eq!(r.quarter, quarter);
        // New deals sit in the first stage; weighted = this quarter's amounts × its probability.
        let p = app.count("SELECT probability::bigint AS n FROM pipeline_stages WHERE kind = 'open' ORDER BY position LIMIT 1").await;
        assert_eq!(r.forecasts[0].amount_minor, 4_000_000 * p / 100);
        assert_eq!(
            r.roll_up.2, 4_000_000,
            "the whole pipeline closing this quarter, not next year's"
        );
        assert_eq!(r.velocity.open_deals, 3);
        assert_eq!(r.forecasts.len(), 3);
        assert!(
            r.forecasts
                .iter()
                .all(|f| f.backtest.len() == 4 && f.error_percent.is_none()),
            "no past quarter yet"
        );
        assert_eq!(r.risks.len(), 3, "no contact on any: {:?}", r.risks);
        assert!(r
            .risks
            .iter()
            .all(|d| d.reasons == vec!["No contact on the deal".to_string()]));

        // Thresholds: field errors and nothing saved, roles, then a new version.
        let good = AnalystForm::from_config(&page.config);
        for (field, form) in [
            (
                "quiet_days",
                AnalystForm {
                    quiet_days: "soon".into(),
                    ..good.clone()
                },
            ),
            (
                "quiet_days",
                AnalystForm {
                    quiet_days: "0".into(),
                    ..good.clone()
                },
            ),
            (
                "stall_percentile",
                AnalystForm {
                    stall_percentile: "100".into(),
                    ..good.clone()
                },
            ),
        ] {
            let err = app
                .invoke(Some(&owner), SavePipelineAnalyst { form })
                .await
                .expect_err(field);
            assert_field(&err, field);
        }
        let err = app
            .invoke(Some(&rep), SavePipelineAnalyst { form: good.clone() })
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let form = AnalystForm {
            single_threaded: None,
            note: "contacts later".into(),
            ..good
        };
        assert_eq!(
            app.invoke(Some(&owner), SavePipelineAnalyst { form })
                .await
                .expect("save"),
            2
        );
        let page = app
            .invoke(Some(&owner), GetPipelineAnalyst {})
            .await
            .expect("report");
        assert!(
            page.report.risks.is_empty(),
            "single-threading no longer flagged"
        );
        assert_eq!(
            page.history[0].changes,
            vec!["risks.single_threaded: true → false"]
        );

        // A summary, written by the built-in provider from the numbers.
        let done = app
            .invoke(
                Some(&rep),
                RunAgent {
                    agent: "pipeline_analyst".into(),
                    subject_kind: "tenant".into(),
                    subject_id: String::new(),
                    open_run: false,
                },
            )
            .await
            .expect("run");
        assert_eq!(done.status, RunStatus::Succeeded, "{done:?}");
        assert!(
            done.text.starts_with(&format!("{quarter}: weighted $")),
            "{}",
            done.text
        );
        assert!(
            done.text
                .contains("No past quarter to check the methods against yet."),
            "{}",
            done.text
        );
        assert_eq!(runs_of(&app, &rep).await[0].config_version, 2);
        let err = app
            .invoke(
                Some(&rep),
                RunAgent {
                    agent: "pipeline_analyst".into(),
                    subject_kind: "lead".into(),
                    subject_id: uuid::Uuid::new_v4().to_string(),
                    open_run: false,
                },
            )
            .await
            .expect_err("the whole pipeline only");
        assert_field(&err, "subject");
    })
}

#[test]
fn a_deal_page_names_a_stall_once_the_stage_limits_are_kept() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let mut moved = Vec::new();
        for i in 0..4 {
            moved.push(deal(&format!("Moved {i}")).create(&app, &owner).await);
        }
        let stuck = deal("Stuck").create(&app, &owner).await;
        // The stages exist once the first deal is made.
        let stages = app
            .rows("SELECT id, name FROM pipeline_stages WHERE kind = 'open' ORDER BY position LIMIT 2")
            .await;
        let (first, first_name, second) = (&stages[0]["id"], &stages[0]["name"], &stages[1]["id"]);
        // Four deals left the first stage after 2, 3, 4 and 5 days: its 75th percentile is
        // 4.25 days. The fifth has been in it for ten.
        for (id, days) in moved.into_iter().zip([2, 3, 4, 5]) {
            let second = second.as_str().expect("id");
            for sql in [
                format!("UPDATE opportunity_history SET changed_at = now() - interval '20 days' WHERE opportunity_id = '{}'", id.0),
                format!(
                    "INSERT INTO opportunity_history (tenant_id, opportunity_id, stage_id, amount_minor, close_date, changed_at) \
                     SELECT tenant_id, opportunity_id, '{second}', amount_minor, close_date, changed_at + interval '{days} days' \
                     FROM opportunity_history WHERE opportunity_id = '{}'",
                    id.0
                ),
                format!("UPDATE opportunities SET stage_id = '{second}' WHERE id = '{}'", id.0),
            ] {
                app.exec(&sql).await;
            }
        }
        app.exec(&format!(
            "UPDATE opportunity_history SET changed_at = now() - interval '10 days' WHERE opportunity_id = '{}'",
            stuck.0
        ))
        .await;
        let expected = format!(
            "In {} for 10 days; 75% of deals moved on within 4",
            first_name.as_str().expect("a name")
        );
        let stalls = |d: &models::sales::opportunity::OpportunityDetail| {
            d.risks.iter().filter(|r| r.starts_with("In ")).count()
        };

        // The first view finds no limits kept: it queues them and judges without.
        let page = app
            .invoke(
                Some(&owner),
                app::api::pipeline::GetOpportunity { id: stuck },
            )
            .await
            .expect("deal page");
        assert_eq!(stalls(&page), 0, "{:?}", page.risks);
        app.drain_jobs(None).await;
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM stage_stall_limits WHERE stage_id = '{}' AND samples = 4 AND percentile = 75",
                first.as_str().expect("id")
            ))
            .await,
            1
        );
        let page = app
            .invoke(
                Some(&owner),
                app::api::pipeline::GetOpportunity { id: stuck },
            )
            .await
            .expect("deal page");
        assert!(page.risks.contains(&expected), "{:?}", page.risks);
        // The same words as the Pipeline Analyst's page, which reads every deal itself.
        let report = app
            .invoke(Some(&owner), GetPipelineAnalyst {})
            .await
            .expect("report")
            .report;
        let analysed = report
            .risks
            .iter()
            .find(|r| r.name == "Stuck")
            .expect("at risk");
        assert!(
            analysed.reasons.contains(&expected),
            "{:?}",
            analysed.reasons
        );
        // Fresh limits are not asked for again.
        app.invoke(
            Some(&owner),
            app::api::pipeline::GetOpportunity { id: stuck },
        )
        .await
        .expect("deal page");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'sales.refresh_stall_limits' AND state = 'pending'")
                .await,
            0
        );
    })
}

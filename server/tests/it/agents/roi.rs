//! The agents' return: hours saved from successful runs and the configured minutes, the
//! pipeline of deals touched through their lead or themselves, and the win rates of those
//! against the rest; managers and up and platform admins see it, with the same figures.

use super::runs::run_on;
use crate::admin::platform_admin;
use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::{deal, lead};
use app::api::admin::tenants::GetTenantRoi;
use app::api::admin::SetMinutesSaved;
use app::api::dashboard::GetRoi;
use app::api::leads::ConvertLead;
use models::agents::AgentKind;
use models::sales::lead::ConvertLeadInput;
use models::AppError;

fn won_or_lost(kind: &str, name: &str) -> String {
    format!(
        "UPDATE opportunities o SET stage_id = s.id, closed_at = now() FROM pipeline_stages s \
         WHERE s.tenant_id = o.tenant_id AND s.kind = '{kind}' AND o.name = '{name}'"
    )
}

#[test]
fn roi_counts_hours_influenced_pipeline_and_win_rates_as_defined() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let (owner, rep, who) = team_with(&app, "rep").await;
        let touched = lead("Ada", "Lovelace")
            .email("ada@analytical.io")
            .company("Analytical Engines")
            .create(&app, &owner)
            .await;
        run_on(&app, &owner, touched.id)
            .await
            .expect("a prospector run");
        let other = lead("Charles", "Babbage")
            .email("charles@difference.io")
            .company("Difference Works")
            .create(&app, &owner)
            .await;
        for (id, name, amount) in [
            (touched.id, "Touched deal", "50,000"),
            (other.id, "Other deal", "20,000"),
        ] {
            app.invoke(
                Some(&owner),
                ConvertLead {
                    id,
                    input: ConvertLeadInput {
                        create_opportunity: true,
                        opportunity_name: name.into(),
                        amount: amount.into(),
                        close_date: "2027-03-31".into(),
                    },
                },
            )
            .await
            .expect("convert");
        }
        deal("Direct deal")
            .amount("10000")
            .create(&app, &owner)
            .await;
        app.exec(&won_or_lost("won", "Touched deal")).await;
        app.exec(&won_or_lost("lost", "Other deal")).await;
        app.exec(&won_or_lost("won", "Direct deal")).await;

        let runs = app.count("SELECT count(*) AS n FROM agent_runs WHERE status = 'succeeded' AND agent = 'prospector'").await;
        assert!(runs >= 1);
        let roi = app.invoke(Some(&owner), GetRoi {}).await.expect("roi");
        assert_eq!(
            roi.hours_saved_tenths,
            (runs * 10 + 3) / 6,
            "{runs} runs of 10 minutes"
        );
        assert_eq!(
            (roi.influenced_deals, roi.influenced_minor),
            (1, 5_000_000),
            "touched through its lead, won"
        );
        assert_eq!((roi.touched.won, roi.touched.closed), (1, 1));
        assert_eq!((roi.rest.won, roi.rest.closed), (1, 2));
        assert_eq!(roi.rest.bp(), Some(5000));

        let as_admin = app
            .invoke(Some(&admin), GetTenantRoi { id: who.tenant_id })
            .await
            .expect("admin");
        assert_eq!(as_admin, roi);
        let rep_roi = app.invoke(Some(&rep), GetRoi {}).await;
        assert!(
            matches!(rep_roi, Err(AppError::Forbidden { .. })),
            "{rep_roi:?}"
        );
        let owner_other = app
            .invoke(
                Some(&owner),
                GetTenantRoi {
                    id: me(&app, &admin).await.tenant_id,
                },
            )
            .await;
        assert!(
            matches!(owner_other, Err(AppError::Forbidden { .. })),
            "{owner_other:?}"
        );

        // The minutes are configured by platform admins, and move every organisation's hours.
        let bad = app
            .invoke(
                Some(&admin),
                SetMinutesSaved {
                    agent: AgentKind::Prospector,
                    minutes: 2000,
                },
            )
            .await;
        assert_field(&bad.expect_err("too many"), "minutes");
        let not_admin = app
            .invoke(
                Some(&owner),
                SetMinutesSaved {
                    agent: AgentKind::Prospector,
                    minutes: 60,
                },
            )
            .await;
        assert!(
            matches!(not_admin, Err(AppError::Forbidden { .. })),
            "{not_admin:?}"
        );
        app.invoke(
            Some(&admin),
            SetMinutesSaved {
                agent: AgentKind::Prospector,
                minutes: 60,
            },
        )
        .await
        .expect("set");
        let roi = app.invoke(Some(&owner), GetRoi {}).await.expect("roi");
        assert_eq!(roi.hours_saved_tenths, runs * 10);
        assert_eq!(app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'agent.minutes_saved_set' AND tenant_id IS NULL").await, 1);
    })
}

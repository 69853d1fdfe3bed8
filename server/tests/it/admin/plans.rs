//! Plans in the console: added and edited by platform admins, each broken rule refused with
//! its field named and nothing changed, a stale form refused, every change audited, and the
//! change seen by organisations at once.

use super::*;
use app::api::admin::plans::*;
use app::api::billing::{ChangePlan, GetBilling};
use models::billing::{AdminPlan, Meter, PlanInput};
use serde_json::json;

async fn plan(app: &TestApp, admin: &str, id: &str) -> AdminPlan {
    app.invoke(Some(admin), GetAdminPlan { id: id.into() })
        .await
        .expect("plan")
}

fn team_plan() -> PlanInput {
    PlanInput {
        id: "team".into(),
        name: "Team".into(),
        currency: "eur".into(),
        monthly_price: "99".into(),
        included_seats: "5".into(),
        seat_price: "15".into(),
        connector_limit: "2".into(),
        features: "agents, automation".into(),
        trial_days: "0".into(),
        position: "5".into(),
        offered: true,
        agent_runs_included: "5,000".into(),
        agent_runs_overage: "0.04".into(),
        ..Default::default()
    }
}

/// Breaks one field of a good input.
type Spoil = fn(&mut PlanInput);

async fn updates(app: &TestApp) -> i64 {
    app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'billing.plan_updated'")
        .await
}

#[test]
fn platform_admins_add_and_edit_plans_within_the_rules_and_every_change_is_audited() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, _rep, _) = team_with(&app, "rep").await;
        let admin = platform_admin(&app).await;
        let list = app
            .invoke(Some(&admin), ListAdminPlans {})
            .await
            .expect("plans");
        let ids: Vec<&str> = list.iter().map(|p| p.plan.id.as_str()).collect();
        assert_eq!(ids, ["free", "starter", "growth", "enterprise"]);
        let growth = list.iter().find(|p| p.plan.id == "growth").expect("growth");
        assert_eq!(growth.subscribers, 2, "both organisations are on its trial");

        // Added: stored as typed, audited platform-wide.
        let id = app
            .invoke(Some(&admin), CreatePlan { input: team_plan() })
            .await
            .expect("create");
        assert_eq!(id, "team");
        let team = plan(&app, &admin, "team").await;
        assert_eq!(
            (
                team.plan.monthly_price_minor,
                team.plan.currency.as_str(),
                team.plan.seat_price_minor,
                team.plan.connector_limit,
                team.subscribers
            ),
            (9900, "EUR", Some(1500), Some(2), 0)
        );
        assert_eq!(
            team.plan
                .meter(Meter::AgentRuns)
                .map(|m| (m.included, m.overage_micros)),
            Some((Some(5000), Some(40_000)))
        );
        assert_eq!(
            team.plan.meter(Meter::ApiCalls).map(|m| m.included),
            Some(None),
            "left empty: unlimited"
        );
        let created = app
            .rows("SELECT tenant_id, actor_id IS NOT NULL AS by_someone, details->>'monthly_price_minor' AS price FROM audit_log WHERE action = 'billing.plan_created' AND target_id = 'team'")
            .await;
        assert_eq!(
            created,
            vec![json!({"tenant_id": null, "by_someone": true, "price": "9900"})]
        );
        // Billed in euros, it is no plan a dollar organisation can move to.
        let billing = app
            .invoke(Some(&owner), GetBilling {})
            .await
            .expect("billing");
        assert!(billing.plans.iter().all(|p| p.id != "team"));
        let other = app
            .invoke(
                Some(&owner),
                ChangePlan {
                    plan: "team".into(),
                },
            )
            .await
            .expect_err("another currency");
        assert_field(&other, "plan");
        let taken = app
            .invoke(Some(&admin), CreatePlan { input: team_plan() })
            .await
            .expect_err("taken");
        assert_field(&taken, "id");

        // Each broken rule names its field and changes nothing.
        let before = plan(&app, &admin, "growth").await;
        let current = PlanInput::from_plan(&before);
        let cases: [(&str, Spoil); 7] = [
            ("monthly_price", |i| i.monthly_price = "12.345".into()),
            ("included_seats", |i| i.included_seats = "0".into()),
            ("api_calls_overage", |i| {
                i.api_calls_included = String::new();
                i.api_calls_overage = "0.1".into();
            }),
            ("features", |i| i.features = "sso; saml".into()),
            // Organisations are billed in dollars on it.
            ("currency", |i| i.currency = "EUR".into()),
            // Olga's organisation has two members: one seat and none for sale is too few.
            ("included_seats", |i| {
                i.included_seats = "1".into();
                i.seat_price = String::new();
            }),
            ("seen", |i| i.seen = String::new()),
        ];
        for (field, spoil) in cases {
            let mut input = current.clone();
            spoil(&mut input);
            let err = app
                .invoke(
                    Some(&admin),
                    UpdatePlan {
                        id: "growth".into(),
                        input,
                    },
                )
                .await
                .expect_err(field);
            assert_field(&err, field);
        }
        assert_eq!(plan(&app, &admin, "growth").await, before);
        assert_eq!(updates(&app).await, 0);

        // A valid change: the organisations on it see it at once; the trail says what moved.
        let mut input = current.clone();
        input.monthly_price = "249".into();
        input.seat_price = String::new();
        input.llm_tokens_included = "30,000,000".into();
        app.invoke(
            Some(&admin),
            UpdatePlan {
                id: "growth".into(),
                input,
            },
        )
        .await
        .expect("update");
        let after = plan(&app, &admin, "growth").await;
        assert_eq!(after.plan.monthly_price_minor, 24900);
        assert_eq!(after.plan.seat_price_minor, None);
        assert!(after.updated_at > before.updated_at);
        let seen_by_owner = app
            .invoke(Some(&owner), GetBilling {})
            .await
            .expect("billing")
            .plan;
        assert_eq!(seen_by_owner, after.plan);
        let details = app
            .rows("SELECT tenant_id, details FROM audit_log WHERE action = 'billing.plan_updated' AND target_id = 'growth'")
            .await;
        assert_eq!(details.len(), 1);
        assert_eq!(details[0]["tenant_id"], json!(null));
        let moved = &details[0]["details"];
        assert_eq!(
            moved["monthly_price_minor"],
            json!({"from": 19900, "to": 24900})
        );
        assert_eq!(moved["seat_price_minor"], json!({"from": 2900, "to": null}));
        assert!(moved.get("name").is_none(), "{moved}");

        // The form opened before that save is refused, not laid over it.
        let mut stale = current.clone();
        stale.name = "Growth+".into();
        let conflict = app
            .invoke(
                Some(&admin),
                UpdatePlan {
                    id: "growth".into(),
                    input: stale,
                },
            )
            .await
            .expect_err("stale");
        assert!(
            matches!(conflict, AppError::Conflict { .. }),
            "{conflict:?}"
        );
        assert_eq!(plan(&app, &admin, "growth").await, after);

        // Retired: its subscribers keep it; no one else can choose it.
        let mut retire = PlanInput::from_plan(&after);
        retire.offered = false;
        app.invoke(
            Some(&admin),
            UpdatePlan {
                id: "growth".into(),
                input: retire,
            },
        )
        .await
        .expect("retire");
        let billing = app
            .invoke(Some(&owner), GetBilling {})
            .await
            .expect("billing");
        assert_eq!(billing.plan.id, "growth");
        assert!(billing.plans.iter().all(|p| p.id != "growth"));
        assert_eq!(updates(&app).await, 2);
        let missing = app
            .invoke(
                Some(&admin),
                UpdatePlan {
                    id: "nope".into(),
                    input: PlanInput::from_plan(&after),
                },
            )
            .await
            .expect_err("none");
        assert!(matches!(missing, AppError::NotFound { .. }), "{missing:?}");
    })
}

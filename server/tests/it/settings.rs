//! Sales settings: currency and quota, the pipeline's stages and the custom fields listed
//! with them — validation, roles, tenant isolation and audit.

use crate::harness::{assert_field, run, TestApp};
use crate::members::team_with;
use crate::records::deal;
use app::api::dashboard::CreateCustomField;
use app::api::settings::*;
use models::sales::custom_field::{CustomFieldKind, CustomObject};
use models::sales::settings::SalesSettings;
use models::sales::stage::{StageInput, StageKind};
use models::{AppError, StageId};

async fn settings(app: &TestApp, session: &str) -> SalesSettings {
    app.invoke(Some(session), GetSalesSettings {})
        .await
        .expect("settings")
}

fn names(s: &SalesSettings) -> Vec<String> {
    s.stages.iter().map(|s| s.stage.name.clone()).collect()
}

fn stage_id(s: &SalesSettings, name: &str) -> StageId {
    s.stages
        .iter()
        .find(|s| s.stage.name == name)
        .map(|s| s.stage.id)
        .unwrap_or_else(|| panic!("no stage {name}"))
}

fn input(name: &str, probability: &str, category: &str) -> StageInput {
    StageInput {
        name: name.into(),
        probability: probability.into(),
        forecast_category: category.into(),
    }
}

#[test]
fn admins_set_currency_and_quota_others_read_them() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let before = settings(&app, &rep).await;
        assert_eq!(before.currency, "USD");
        assert_eq!(before.quarterly_quota_minor, 0);

        let err = app
            .invoke(
                Some(&rep),
                SaveSalesSettings {
                    currency: "EUR".into(),
                    quarterly_quota: "1".into(),
                },
            )
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        for (currency, quota, field) in [
            ("XYZ", "100", "currency"),
            ("", "100", "currency"),
            ("EUR", "lots", "quarterly_quota"),
            ("EUR", "-5", "quarterly_quota"),
        ] {
            let err = app
                .invoke(
                    Some(&owner),
                    SaveSalesSettings {
                        currency: currency.into(),
                        quarterly_quota: quota.into(),
                    },
                )
                .await
                .expect_err(field);
            assert_field(&err, field);
        }
        assert_eq!(
            settings(&app, &owner).await.currency,
            "USD",
            "nothing saved"
        );

        app.invoke(
            Some(&owner),
            SaveSalesSettings {
                currency: "eur".into(),
                quarterly_quota: "750,000".into(),
            },
        )
        .await
        .expect("save");
        let after = settings(&app, &rep).await;
        assert_eq!(after.currency, "EUR");
        assert_eq!(after.quarterly_quota_minor, 75_000_000);
        assert_eq!(
            app.rows("SELECT details FROM audit_log WHERE action = 'sales_settings.updated'")
                .await,
            vec![serde_json::json!({"details": {
                "currency": {"from": "USD", "to": "EUR"},
                "quarterly_quota_minor": {"from": 0, "to": 75_000_000},
            }})]
        );
        // The dashboard reports in it and measures coverage against it.
        let dash = app
            .invoke(
                Some(&owner),
                app::api::dashboard::GetDashboard {
                    period: "quarter".into(),
                    scope: String::new(),
                },
            )
            .await
            .expect("dashboard");
        assert_eq!(dash.currency, "EUR");
    })
}

#[test]
fn admins_add_rename_reorder_and_remove_stages_within_the_rules() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let other = app
            .sign_up("Tom Other", "tom@example.com", "Other Org")
            .await;
        let s = settings(&app, &owner).await;
        assert_eq!(
            names(&s),
            [
                "Prospecting",
                "Qualification",
                "Discovery",
                "Proposal",
                "Negotiation",
                "Closed won",
                "Closed lost"
            ]
        );

        // Validation, field by field, and a duplicate name; nothing is added.
        for (i, field) in [
            (input("", "10", "pipeline"), "name"),
            (input("Demo", "150", "pipeline"), "probability"),
            (input("Demo", "10", "someday"), "forecast_category"),
            (input("Proposal", "10", "pipeline"), "name"),
        ] {
            let err = app
                .invoke(Some(&owner), AddStage { input: i })
                .await
                .expect_err(field);
            assert_field(&err, field);
        }
        let err = app
            .invoke(
                Some(&rep),
                AddStage {
                    input: input("Demo", "50", "best_case"),
                },
            )
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        assert_eq!(settings(&app, &owner).await.stages.len(), 7);

        // A new stage goes after the open ones, before won and lost.
        let demo = app
            .invoke(
                Some(&owner),
                AddStage {
                    input: input("Demo", "50%", "best_case"),
                },
            )
            .await
            .expect("add");
        let s = settings(&app, &owner).await;
        assert_eq!(names(&s)[5], "Demo");
        assert_eq!(names(&s)[6], "Closed won");
        let positions: Vec<i32> = s.stages.iter().map(|s| s.stage.position).collect();
        assert_eq!(positions, (0..8).collect::<Vec<_>>());

        // Moving: open stages among themselves; won and lost stay last.
        app.invoke(
            Some(&owner),
            MoveStage {
                id: demo.id,
                direction: "up".into(),
            },
        )
        .await
        .expect("up");
        assert_eq!(names(&settings(&app, &owner).await)[4], "Demo");
        let err = app
            .invoke(
                Some(&owner),
                MoveStage {
                    id: stage_id(&s, "Prospecting"),
                    direction: "up".into(),
                },
            )
            .await
            .expect_err("already first");
        assert_field(&err, "direction");
        // Demo went up past Negotiation: Negotiation is the last open stage again.
        let order = app
            .invoke(
                Some(&owner),
                MoveStage {
                    id: stage_id(&s, "Negotiation"),
                    direction: "up".into(),
                },
            )
            .await
            .expect("up past Demo");
        assert_eq!(order[4].name, "Negotiation");
        app.invoke(
            Some(&owner),
            MoveStage {
                id: stage_id(&s, "Negotiation"),
                direction: "down".into(),
            },
        )
        .await
        .expect("back down");
        assert_eq!(names(&settings(&app, &owner).await)[5], "Negotiation");
        let err = app
            .invoke(
                Some(&owner),
                MoveStage {
                    id: stage_id(&s, "Negotiation"),
                    direction: "down".into(),
                },
            )
            .await
            .expect_err("won stays after it");
        assert_field(&err, "direction");
        let err = app
            .invoke(
                Some(&owner),
                MoveStage {
                    id: stage_id(&s, "Closed won"),
                    direction: "up".into(),
                },
            )
            .await
            .expect_err("won stays last");
        assert_field(&err, "direction");
        let err = app
            .invoke(
                Some(&owner),
                MoveStage {
                    id: demo.id,
                    direction: "sideways".into(),
                },
            )
            .await
            .expect_err("direction");
        assert_field(&err, "direction");

        // Renaming and re-weighting, audited field by field.
        let saved = app
            .invoke(
                Some(&owner),
                SaveStage {
                    id: demo.id,
                    input: input("Technical demo", "55", "commit"),
                },
            )
            .await
            .expect("save");
        assert_eq!(saved.name, "Technical demo");
        assert_eq!(saved.kind, StageKind::Open);
        let err = app
            .invoke(
                Some(&owner),
                SaveStage {
                    id: demo.id,
                    input: input("Discovery", "55", "commit"),
                },
            )
            .await
            .expect_err("taken");
        assert_field(&err, "name");
        let err = app
            .invoke(
                Some(&rep),
                SaveStage {
                    id: demo.id,
                    input: input("Mine", "5", "pipeline"),
                },
            )
            .await
            .expect_err("a rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        assert_eq!(
            app.rows(&format!(
                "SELECT details FROM audit_log WHERE action = 'stage.updated' AND target_id = '{}'",
                demo.id
            ))
            .await,
            vec![serde_json::json!({"details": {
                "name": {"from": "Demo", "to": "Technical demo"},
                "probability": {"from": 50, "to": 55},
                "forecast_category": {"from": "best_case", "to": "commit"},
            }})]
        );

        // Another tenant cannot see or touch these stages.
        let err = app
            .invoke(
                Some(&other),
                SaveStage {
                    id: demo.id,
                    input: input("Hijack", "1", "pipeline"),
                },
            )
            .await
            .expect_err("isolation");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
        let err = app
            .invoke(Some(&other), RemoveStage { id: demo.id })
            .await
            .expect_err("isolation");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
        assert_eq!(settings(&app, &other).await.stages.len(), 7);

        // Removing: never won or lost, never a stage deals have been in.
        let err = app
            .invoke(
                Some(&owner),
                RemoveStage {
                    id: stage_id(&s, "Closed lost"),
                },
            )
            .await
            .expect_err("lost stays");
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        // A deal lands in the first stage.
        deal("Acme").amount("1000").create(&app, &owner).await;
        let s = settings(&app, &owner).await;
        assert_eq!(s.stages[0].open_deals, 1);
        let err = app
            .invoke(
                Some(&owner),
                RemoveStage {
                    id: stage_id(&s, "Prospecting"),
                },
            )
            .await
            .expect_err("in use");
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        app.invoke(Some(&owner), RemoveStage { id: demo.id })
            .await
            .expect("unused");
        let s = settings(&app, &owner).await;
        assert_eq!(s.stages.len(), 7);
        assert!(!names(&s).contains(&"Technical demo".to_string()));
        let positions: Vec<i32> = s.stages.iter().map(|s| s.stage.position).collect();
        assert_eq!(positions, (0..7).collect::<Vec<_>>());
        for action in ["stage.created", "stage.moved", "stage.removed"] {
            assert!(
                app.count(&format!(
                    "SELECT count(*) AS n FROM audit_log WHERE action = '{action}'"
                ))
                .await
                    >= 1,
                "{action} audited"
            );
        }
    })
}

#[test]
fn custom_fields_are_listed_with_the_settings() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        for (object, label) in [
            (CustomObject::Opportunity, "Deal tier"),
            (CustomObject::Lead, "Region"),
        ] {
            app.invoke(
                Some(&owner),
                CreateCustomField {
                    object,
                    label: label.into(),
                    kind: CustomFieldKind::Select,
                    options: "A, B".into(),
                },
            )
            .await
            .expect("field");
        }
        let fields: Vec<(CustomObject, String)> = settings(&app, &rep)
            .await
            .custom_fields
            .into_iter()
            .map(|f| (f.object, f.key))
            .collect();
        assert_eq!(
            fields,
            [
                (CustomObject::Lead, "region".to_string()),
                (CustomObject::Opportunity, "deal_tier".to_string())
            ]
        );
    })
}

/// Admins adding stages at the same moment take turns: every stage gets its own place, all
/// open stages before won and lost.
#[test]
fn stages_added_at_once_each_get_their_own_place() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, admin, _) = team_with(&app, "admin").await;
        settings(&app, &owner).await;
        let add = |session: String, name: &'static str| {
            let app = &app;
            async move {
                app.invoke(
                    Some(&session),
                    AddStage {
                        input: input(name, "50", "pipeline"),
                    },
                )
                .await
                .expect("add")
            }
        };
        tokio::join!(
            add(owner.clone(), "One"),
            add(admin.clone(), "Two"),
            add(owner.clone(), "Three"),
            add(admin.clone(), "Four"),
            add(owner.clone(), "Five"),
            add(admin.clone(), "Six"),
        );
        let s = settings(&app, &owner).await;
        let positions: Vec<i32> = s.stages.iter().map(|s| s.stage.position).collect();
        assert_eq!(positions, (0..13).collect::<Vec<_>>());
        assert_eq!(names(&s)[11..], ["Closed won", "Closed lost"]);
    })
}

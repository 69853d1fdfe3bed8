//! Deleting a deal (and an account or a contact): the role check, the audit row with what
//! was deleted, and a dashboard that reads as if the deleted won deal had never been.

use super::*;
use app::api::accounts::DeleteAccount;
use app::api::contacts::DeleteContact;
use app::api::leads::ConvertLead;
use models::sales::lead::ConvertLeadInput;

async fn stage(app: &TestApp, session: &str, id: OpportunityId, kind: StageKind) -> StageId {
    app.invoke(Some(session), GetOpportunity { id })
        .await
        .expect("deal")
        .stages
        .into_iter()
        .find(|s| s.kind == kind)
        .expect("stage")
        .id
}

async fn audit_details(app: &TestApp, action: &str) -> Vec<serde_json::Value> {
    app.rows(&format!(
        "SELECT target_id, details FROM audit_log WHERE action = '{action}' ORDER BY created_at"
    ))
    .await
}

#[test]
fn deleting_a_won_deal_is_audited_and_leaves_the_dashboard_as_if_it_never_was() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let kept_won = deal("Kept win").amount("3000").create(&app, &owner).await;
        let won = stage(&app, &owner, kept_won, StageKind::Won).await;
        move_deal(&app, &owner, kept_won, won, "").await;
        deal("Still open").amount("5000").create(&app, &owner).await;
        let before = dashboard(&app, &owner, "quarter", "")
            .await
            .expect("dashboard");

        let big = deal("Big win").amount("12000").create(&app, &owner).await;
        app.invoke(
            Some(&owner),
            LogActivity {
                about_type: "opportunity".into(),
                about_id: big.to_string(),
                input: ActivityInput {
                    kind: "call".into(),
                    subject: "Kick-off".into(),
                    ..ActivityInput::default()
                },
            },
        )
        .await
        .expect("activity");
        move_deal(&app, &owner, big, won, "").await;
        let with_big = dashboard(&app, &owner, "quarter", "")
            .await
            .expect("dashboard");
        assert_ne!(
            with_big.kpis, before.kpis,
            "the big win counts while it exists"
        );

        // A rep may not delete someone else's deal; an unknown deal is not found.
        let err = app
            .invoke(Some(&rep), DeleteOpportunity { id: big })
            .await
            .expect_err("rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let err = app
            .invoke(
                Some(&owner),
                DeleteOpportunity {
                    id: "00000000-0000-4000-8000-000000000000".parse().expect("id"),
                },
            )
            .await
            .expect_err("unknown");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");

        app.invoke(Some(&owner), DeleteOpportunity { id: big })
            .await
            .expect("delete");
        let after = dashboard(&app, &owner, "quarter", "")
            .await
            .expect("dashboard");
        assert_eq!(
            after, before,
            "the dashboard's figures are as before the deal"
        );
        for table in ["opportunity_history", "activities"] {
            assert_eq!(
                app.count(&format!(
                    "SELECT count(*) AS n FROM {table} WHERE opportunity_id = '{big}'"
                ))
                .await,
                0,
                "{table}"
            );
        }
        let err = app
            .invoke(Some(&owner), GetOpportunity { id: big })
            .await
            .expect_err("gone");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
        let audited = audit_details(&app, "opportunity.deleted").await;
        assert_eq!(audited.len(), 1, "{audited:?}");
        assert_eq!(audited[0]["target_id"], big.to_string());
        let d = &audited[0]["details"];
        assert_eq!(d["name"], "Big win", "{d}");
        assert_eq!(d["amount_minor"], 1_200_000, "{d}");
        assert_eq!(d["stage"]["name"], "Closed won", "{d}");
        assert!(d["closed_at"].is_string(), "{d}");
        assert!(d.get("external_id").is_some(), "stored values too: {d}");
        assert!(d.get("search_text").is_none(), "{d}");
    })
}

#[test]
fn a_rep_deletes_their_own_deal_with_its_stage_kept_on_the_board() {
    run(async {
        let app = TestApp::spawn().await;
        let (_owner, rep, _) = team_with(&app, "rep").await;
        let id = deal("Mine").amount("700").create(&app, &rep).await;
        let open = board(&app, &rep, "").await;
        let total = |b: &Board| b.columns.iter().map(|c| c.total_minor).sum::<i64>();
        assert_eq!(total(&open), 70_000);
        app.invoke(Some(&rep), DeleteOpportunity { id })
            .await
            .expect("delete my own");
        assert_eq!(total(&board(&app, &rep, "").await), 0);
    })
}

#[test]
fn accounts_and_contacts_are_deleted_with_their_values_audited() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let ada = lead("Ada", "Lovelace")
            .email("ada@engines.example")
            .company("Analytical Engines")
            .create(&app, &owner)
            .await;
        app.invoke(
            Some(&owner),
            ConvertLead {
                id: ada.id,
                input: ConvertLeadInput {
                    create_opportunity: true,
                    opportunity_name: String::new(),
                    amount: "1000".into(),
                    close_date: "2027-03-31".into(),
                },
            },
        )
        .await
        .expect("convert");
        let ids = app
            .rows("SELECT a.id AS account, c.id AS contact FROM accounts a JOIN contacts c ON c.account_id = a.id")
            .await;
        let id_of = |k: &str| ids[0][k].as_str().expect(k).to_string();
        let account: models::AccountId = id_of("account").parse().expect("account");
        let contact: models::ContactId = id_of("contact").parse().expect("contact");

        let err = app
            .invoke(Some(&rep), DeleteContact { id: contact })
            .await
            .expect_err("rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        app.invoke(Some(&owner), DeleteContact { id: contact })
            .await
            .expect("delete contact");
        let d = &audit_details(&app, "contact.deleted").await[0]["details"];
        assert_eq!(d["email"], "ada@engines.example", "{d}");
        assert_eq!(d["last_name"], "Lovelace", "{d}");

        app.invoke(Some(&owner), DeleteAccount { id: account })
            .await
            .expect("delete account");
        let d = &audit_details(&app, "account.deleted").await[0]["details"];
        assert_eq!(d["name"], "Analytical Engines", "{d}");
        // The deal stays, without its account.
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities WHERE account_id IS NULL")
                .await,
            1
        );
        let err = app
            .invoke(Some(&owner), DeleteAccount { id: account })
            .await
            .expect_err("gone");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    })
}

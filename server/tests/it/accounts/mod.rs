//! The accounts pages through their server functions: create and edit with field errors,
//! role limits and audit; the page of one account (contacts, deals, the timeline rolled up
//! from its contacts and deals, tasks); deleting.

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::{account, contact, lead};
use app::api::accounts::*;
use app::api::activities::{CreateTask, LogActivity};
use app::api::leads::ConvertLead;
use models::sales::activity::{ActivityInput, TaskInput};
use models::sales::lead::ConvertLeadInput;
use models::AppError;

mod list;

#[test]
fn accounts_are_created_and_edited_with_field_errors_roles_and_audit() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        for (builder, field) in [
            (account(""), "name"),
            (account("Acme").employees("many"), "employee_count"),
            (account("Acme").revenue("lots"), "annual_revenue"),
            (account("Acme").revenue("-5"), "annual_revenue"),
            (account("Acme").domain("not a domain"), "domain"),
        ] {
            let err = builder.try_create(&app, &owner).await.expect_err("refused");
            assert_field(&err, field);
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM accounts").await,
            0,
            "nothing saved"
        );

        let acme = account("Acme")
            .domain("https://www.Acme.io/about")
            .industry("Robotics")
            .employees("1,200")
            .revenue("1250000.50")
            .country("DE")
            .create(&app, &owner)
            .await;
        assert_eq!(acme.domain, "acme.io");
        assert_eq!(acme.employee_count, Some(1200));
        assert_eq!(acme.annual_revenue_minor, Some(125_000_050));
        assert_eq!(
            acme.owner_name.as_deref(),
            Some("Olga Owner"),
            "the creator owns it"
        );
        let err = account("Acme again")
            .domain("acme.io")
            .try_create(&app, &owner)
            .await
            .expect_err("a domain is one account's");
        assert_field(&err, "domain");

        // A rep edits only their own; a manager or owner any.
        let mut input = models::sales::account::AccountInput::from(&acme);
        input.industry = "Industrial robotics".into();
        let err = app
            .invoke(
                Some(&rep),
                UpdateAccount {
                    id: acme.id,
                    input: input.clone(),
                },
            )
            .await
            .expect_err("not theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let edited = app
            .invoke(
                Some(&owner),
                UpdateAccount {
                    id: acme.id,
                    input: input.clone(),
                },
            )
            .await
            .expect("edit");
        assert_eq!(edited.industry, "Industrial robotics");
        assert_eq!(
            edited.annual_revenue_minor,
            Some(125_000_050),
            "the form's revenue reads back"
        );
        let audit = app
            .rows(&format!(
                "SELECT action, details FROM audit_log WHERE target_id = '{}' ORDER BY id",
                acme.id
            ))
            .await;
        let actions: Vec<&str> = audit.iter().filter_map(|r| r["action"].as_str()).collect();
        assert_eq!(actions, ["account.created", "account.updated"]);
        assert_eq!(
            audit[1]["details"]["industry"]["to"], "Industrial robotics",
            "the change, before → after: {}",
            audit[1]["details"]
        );

        let mine = account("Rep Co")
            .try_create(&app, &rep)
            .await
            .expect("a rep creates accounts");
        assert_eq!(mine.owner_id, Some(rep_user.user_id));
        let err = account("Given away")
            .owner(me(&app, &owner).await.user_id)
            .try_create(&app, &rep)
            .await
            .expect_err("a rep keeps what they create");
        assert_field(&err, "owner_id");

        let other = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        let err = app
            .invoke(Some(&other), GetAccount { id: acme.id })
            .await
            .expect_err("another tenant's");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    });
}

#[test]
fn an_account_page_holds_its_contacts_deals_and_the_timeline_of_all_three() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let ada = lead("Ada", "Lovelace")
            .email("ada@analytical.io")
            .company("Analytical Engines")
            .create(&app, &owner)
            .await;
        let done = app
            .invoke(
                Some(&owner),
                ConvertLead {
                    id: ada.id,
                    input: ConvertLeadInput {
                        create_opportunity: true,
                        opportunity_name: "Engines pilot".into(),
                        amount: "40,000".into(),
                        close_date: "2027-03-31".into(),
                    },
                },
            )
            .await
            .expect("convert");
        let account_name: String = app
            .rows(&format!(
                "SELECT name FROM accounts WHERE id = '{}'",
                done.account_id
            ))
            .await[0]["name"]
            .as_str()
            .expect("name")
            .into();
        contact("Charles", "Babbage")
            .email("charles@analytical.io")
            .at(&account_name.to_uppercase())
            .create(&app, &owner)
            .await;
        let note = |subject: &str| ActivityInput {
            kind: "note".into(),
            subject: subject.into(),
            ..ActivityInput::default()
        };
        for (about_type, about_id, subject) in [
            ("account", done.account_id.to_string(), "About the account"),
            ("contact", done.contact_id.to_string(), "About Ada"),
            (
                "opportunity",
                done.opportunity_id.expect("a deal").to_string(),
                "About the pilot",
            ),
        ] {
            app.invoke(
                Some(&owner),
                LogActivity {
                    about_type: about_type.into(),
                    about_id,
                    input: note(subject),
                },
            )
            .await
            .expect("log");
        }
        app.invoke(
            Some(&owner),
            CreateTask {
                about_type: "account".into(),
                about_id: done.account_id.to_string(),
                input: TaskInput {
                    title: "Send the renewal terms".into(),
                    due_on: "2027-01-15".into(),
                    assignee_id: String::new(),
                },
            },
        )
        .await
        .expect("task");
        // Another account's activity stays on its own page.
        let other = account("Other Co").create(&app, &owner).await;
        app.invoke(
            Some(&owner),
            LogActivity {
                about_type: "account".into(),
                about_id: other.id.to_string(),
                input: note("Elsewhere"),
            },
        )
        .await
        .expect("log");

        let detail = app
            .invoke(
                Some(&owner),
                GetAccount {
                    id: done.account_id,
                },
            )
            .await
            .expect("account");
        let names: Vec<&str> = detail
            .contacts
            .iter()
            .map(|c| c.full_name.as_str())
            .collect();
        assert_eq!(names, ["Ada Lovelace", "Charles Babbage"], "by name");
        assert_eq!(detail.contact_count, 2);
        assert_eq!(detail.deals.len(), 1);
        assert_eq!(detail.deals[0].name, "Engines pilot");
        assert_eq!(detail.deals[0].amount_minor, 4_000_000);
        let mut subjects: Vec<&str> = detail
            .activities
            .iter()
            .map(|a| a.subject.as_str())
            .collect();
        subjects.sort();
        assert_eq!(
            subjects,
            ["About Ada", "About the account", "About the pilot"]
        );
        assert_eq!(detail.tasks.len(), 1);
        assert_eq!(detail.currency, "USD");

        // Deleting the account keeps its contacts and deals, without it; audited.
        app.invoke(
            Some(&owner),
            DeleteAccount {
                id: done.account_id,
            },
        )
        .await
        .expect("delete");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM contacts WHERE account_id IS NULL")
                .await,
            2
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities WHERE account_id IS NULL")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'account.deleted'")
                .await,
            1
        );
        let err = app
            .invoke(
                Some(&owner),
                GetAccount {
                    id: done.account_id,
                },
            )
            .await
            .expect_err("gone");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    });
}

//! The contacts pages through their server functions: the account named in the form, field
//! errors, roles and audit; the page of one contact (their deals, timeline, tasks); the
//! table's pages and filters.

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::{account, contact, lead};
use app::api::activities::LogActivity;
use app::api::contacts::*;
use app::api::leads::ConvertLead;
use models::sales::activity::ActivityInput;
use models::sales::contact::ContactInput;
use models::sales::lead::ConvertLeadInput;
use models::sales::record_query::{RecordKind, RecordQuery};
use models::{AppError, ContactId};

#[test]
fn a_contact_names_its_account_and_every_wrong_field_is_named() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let acme = account("Acme").domain("acme.io").create(&app, &owner).await;
        account("Twice").create(&app, &owner).await;
        account("twice").create(&app, &owner).await;
        for (builder, field) in [
            (contact("", ""), "last_name"),
            (contact("Ada", "L").at("Nobody Inc"), "account"),
            (contact("Ada", "L").at("TWICE"), "account"),
            (contact("Ada", "L").email("not-an-email"), "email"),
            (
                contact("Ada", "L").linkedin("http://linkedin.com/in/ada"),
                "linkedin_url",
            ),
        ] {
            let err = builder.try_create(&app, &owner).await.expect_err("refused");
            assert_field(&err, field);
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM contacts").await,
            0,
            "nothing saved"
        );

        let ada = contact("Ada", "Lovelace")
            .email("Ada@Acme.io")
            .title("CTO")
            .at("  acme ")
            .create(&app, &owner)
            .await;
        assert_eq!(
            ada.account_id,
            Some(acme.id),
            "the account, by name in any case"
        );
        assert_eq!(ada.account_name.as_deref(), Some("Acme"));
        assert_eq!(ada.email, "ada@acme.io");

        // Moving her to another account by name; keeping the account's name keeps the account.
        let other = account("Globex").create(&app, &owner).await;
        let mut input = ContactInput::from(&ada);
        input.account = "globex".into();
        let moved = app
            .invoke(
                Some(&owner),
                UpdateContact {
                    id: ada.id,
                    input: input.clone(),
                },
            )
            .await
            .expect("move");
        assert_eq!(moved.account_id, Some(other.id));
        input.account = String::new();
        let alone = app
            .invoke(Some(&owner), UpdateContact { id: ada.id, input })
            .await
            .expect("no account");
        assert_eq!(alone.account_id, None);
        let err = app
            .invoke(
                Some(&rep),
                UpdateContact {
                    id: ada.id,
                    input: ContactInput::from(&alone),
                },
            )
            .await
            .expect_err("not theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let changes = app
            .rows(&format!(
                "SELECT details FROM audit_log WHERE action = 'contact.updated' AND target_id = '{}' ORDER BY id",
                ada.id
            ))
            .await;
        assert_eq!(changes.len(), 2);
        assert_eq!(
            changes[0]["details"]["account_name"]["to"], "Globex",
            "{}",
            changes[0]["details"]
        );
    });
}

#[test]
fn a_contact_page_holds_their_deals_timeline_and_tasks() {
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
        app.invoke(
            Some(&owner),
            LogActivity {
                about_type: "contact".into(),
                about_id: done.contact_id.to_string(),
                input: ActivityInput {
                    kind: "call".into(),
                    subject: "Discovery call".into(),
                    ..ActivityInput::default()
                },
            },
        )
        .await
        .expect("log");
        let detail = app
            .invoke(
                Some(&owner),
                GetContact {
                    id: done.contact_id,
                },
            )
            .await
            .expect("contact");
        assert_eq!(detail.contact.full_name(), "Ada Lovelace");
        assert_eq!(detail.contact.account_id, Some(done.account_id));
        assert_eq!(
            detail
                .deals
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>(),
            ["Engines pilot"],
            "the deal she is the primary contact of"
        );
        assert_eq!(detail.activities.len(), 1);
        assert_eq!(detail.activities[0].subject, "Discovery call");

        app.invoke(
            Some(&owner),
            DeleteContact {
                id: done.contact_id,
            },
        )
        .await
        .expect("delete");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities").await,
            1,
            "her deal stays"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM activities").await,
            0,
            "her timeline goes"
        );
        let err = app
            .invoke(
                Some(&owner),
                GetContact {
                    id: done.contact_id,
                },
            )
            .await
            .expect_err("gone");
        assert!(matches!(err, AppError::NotFound { .. }), "{err:?}");
    });
}

#[test]
fn contact_pages_walk_every_row_once_and_filter_by_account_and_owner() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let tenant = me(&app, &owner).await.tenant_id;
        let acme = account("Acme").create(&app, &owner).await;
        app.exec(&format!(
            "INSERT INTO contacts (tenant_id, id, account_id, first_name, last_name, title, email, created_at)
             SELECT '{tenant}', gen_random_uuid(), CASE WHEN i % 2 = 0 THEN '{}'::uuid END,
                    'Person', 'No ' || (i % 30), CASE WHEN i % 3 = 0 THEN 'CTO' ELSE 'CEO' END,
                    'p' || i || '@x.io', '2026-01-01T00:00:00Z'::timestamptz + (i / 10) * interval '1 hour'
             FROM generate_series(1, 120) AS i",
            acme.id
        ))
        .await;
        contact("Rita", "Rep").create(&app, &rep).await;
        for (view, order) in [
            ("", "full_name, id"),
            ("sort=title&dir=desc", "title DESC, id DESC"),
            ("sort=email", "email, id"),
            ("sort=created", "created_at DESC, id DESC"),
        ] {
            let mut seen: Vec<ContactId> = Vec::new();
            let mut next: Option<String> = None;
            loop {
                let q = RecordQuery {
                    after: next.clone(),
                    ..RecordQuery::parse(RecordKind::Contact, view).expect("view")
                };
                let p = app
                    .invoke(
                        Some(&owner),
                        ListContacts {
                            view: q.to_query_string(),
                        },
                    )
                    .await
                    .expect("page");
                seen.extend(p.rows.iter().map(|r| r.id));
                match p.next {
                    Some(c) => next = Some(c),
                    None => break,
                }
            }
            let expected: Vec<String> = app
                .rows(&format!("SELECT id FROM contacts ORDER BY {order}"))
                .await
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_string())
                .collect();
            let got: Vec<String> = seen.iter().map(|i| i.to_string()).collect();
            assert_eq!(got, expected, "{view}");
        }
        let at_acme = app
            .invoke(
                Some(&owner),
                ListContacts {
                    view: format!("account={}", acme.id),
                },
            )
            .await
            .expect("filter");
        assert_eq!(at_acme.matching, 60);
        assert!(at_acme
            .rows
            .iter()
            .all(|r| r.account_name.as_deref() == Some("Acme")));
        let mine = app
            .invoke(
                Some(&rep),
                ListContacts {
                    view: "owner=me".into(),
                },
            )
            .await
            .expect("mine");
        assert_eq!(
            mine.rows
                .iter()
                .map(|r| r.full_name.as_str())
                .collect::<Vec<_>>(),
            ["Rita Rep"]
        );
        let err = app
            .invoke(
                Some(&owner),
                ListContacts {
                    view: "sort=industry".into(),
                },
            )
            .await
            .expect_err("contacts have no industry");
        assert_field(&err, "sort");
    });
}

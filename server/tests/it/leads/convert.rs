//! Converting a lead: contact, account and deal in one transaction.

use super::*;

#[test]
fn converting_a_lead_makes_contact_account_and_deal_in_one_transaction() {
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
        let charles = lead("Charles", "Babbage")
            .email("charles@analytical.io")
            .company("Analytical")
            .create(&app, &owner)
            .await;

        // A failure inside the transaction (a name too long, checked after the account and
        // contact are written) leaves nothing behind.
        let too_long = ConvertLeadInput {
            create_opportunity: true,
            opportunity_name: "x".repeat(201),
            amount: "50,000".into(),
            close_date: "2027-03-31".into(),
        };
        let err = app
            .invoke(
                Some(&owner),
                ConvertLead {
                    id: ada.id,
                    input: too_long,
                },
            )
            .await
            .expect_err("too long");
        assert_field(&err, "opportunity_name");
        for table in ["accounts", "contacts", "opportunities"] {
            assert_eq!(
                app.count(&format!("SELECT count(*) AS n FROM {table}"))
                    .await,
                0,
                "{table}"
            );
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE status = 'converted'")
                .await,
            0
        );

        let deal = ConvertLeadInput {
            create_opportunity: true,
            opportunity_name: String::new(),
            amount: "50,000".into(),
            close_date: "2027-03-31".into(),
        };
        let first = app
            .invoke(
                Some(&owner),
                ConvertLead {
                    id: ada.id,
                    input: deal,
                },
            )
            .await
            .expect("convert");
        assert!(!first.account_matched);
        assert!(first.opportunity_id.is_some());
        assert_eq!(app.count("SELECT count(*) AS n FROM opportunities WHERE name = 'Analytical Engines deal' AND amount_minor = 5000000").await, 1);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunity_history")
                .await,
            1,
            "its first state is recorded"
        );
        let again = app
            .invoke(
                Some(&owner),
                ConvertLead {
                    id: ada.id,
                    input: ConvertLeadInput::default(),
                },
            )
            .await
            .expect_err("twice");
        assert!(matches!(again, AppError::Conflict { .. }), "{again:?}");

        // The second lead at the same domain joins the same account.
        let second = app
            .invoke(
                Some(&owner),
                ConvertLead {
                    id: charles.id,
                    input: ConvertLeadInput::default(),
                },
            )
            .await
            .expect("convert");
        assert!(second.account_matched);
        assert_eq!(second.account_id, first.account_id);
        assert_eq!(second.opportunity_id, None);
        assert_eq!(app.count("SELECT count(*) AS n FROM accounts").await, 1);
        assert_eq!(app.count("SELECT count(*) AS n FROM contacts").await, 2);
        let detail = app
            .invoke(Some(&owner), GetLead { id: ada.id })
            .await
            .expect("detail");
        assert_eq!(detail.lead.status, LeadStatus::Converted);
        assert_eq!(detail.lead.converted_contact_id, Some(first.contact_id));
    });
}

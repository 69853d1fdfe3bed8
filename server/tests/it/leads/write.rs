//! Creating, editing and deleting leads: the audit trail, every field's validation, custom
//! fields, role limits and tenant isolation.

use super::*;

#[test]
fn a_lead_is_created_edited_and_deleted_with_its_audit_trail() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let new = lead("Ada", "Lovelace")
            .email("Ada@Analytical.io")
            .company("Analytical Engines")
            .title("VP Engineering")
            .employees("1,200")
            .source("Referral")
            .input();
        let lead = create(&app, &owner, new.clone()).await.expect("create");
        assert_eq!(lead.email, "ada@analytical.io");
        assert_eq!(lead.domain, "analytical.io", "taken from a work e-mail");
        assert_eq!(lead.status, LeadStatus::New);
        assert_eq!(
            lead.owner_name.as_deref(),
            Some("Olga Owner"),
            "the creator owns it"
        );
        // The default profile, by hand: size 1,200 inside 50–5,000 (+20) and a VP (+15) make
        // fit 35; no activity, engagement 0; 35 × 70% = 24.5, rounded to 25.
        assert_eq!(lead.score, 25);
        let labels: Vec<(&str, i16)> = lead
            .score_breakdown
            .iter()
            .map(|r| (r.label.as_str(), r.points))
            .collect();
        assert_eq!(
            labels,
            vec![
                ("size: 1200 employees, inside the profile's band", 20),
                ("seniority: Vice president", 15),
                ("fit 35 × 70% + engagement 0 × 30%", 25),
            ],
            "every point explained"
        );

        let mut edit = LeadInput::from(&lead);
        edit.status = "working".into();
        edit.company = "Analytical Engines Ltd".into();
        let after: Lead = app
            .invoke(
                Some(&owner),
                UpdateLead {
                    id: lead.id,
                    input: edit,
                },
            )
            .await
            .expect("update");
        assert_eq!(after.status, LeadStatus::Working);
        let audit = app
            .count(&format!(
                "SELECT count(*) AS n FROM audit_log WHERE action = 'lead.updated' AND target_id = '{}'
                 AND details->'status'->>'from' = 'new' AND details->'status'->>'to' = 'working'
                 AND details->'company'->>'to' = 'Analytical Engines Ltd' AND NOT details ? 'email'",
                lead.id
            ))
            .await;
        assert_eq!(
            audit, 1,
            "the audit row holds each changed field's before → after, and only those"
        );

        app.invoke(Some(&owner), DeleteLead { id: lead.id })
            .await
            .expect("delete");
        let gone = app.invoke(Some(&owner), GetLead { id: lead.id }).await;
        assert!(matches!(gone, Err(AppError::NotFound { .. })), "{gone:?}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action IN ('lead.created', 'lead.deleted') AND details->>'email' = 'ada@analytical.io'").await,
            2
        );
    });
}

#[test]
fn bad_input_names_its_field_and_changes_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let cases: Vec<(LeadInput, &str)> = vec![
            (lead("Ada", "  ").input(), "last_name"),
            (lead("Ada", "L").email("not-an-email").input(), "email"),
            (
                LeadInput {
                    employee_count: "lots".into(),
                    ..lead("Ada", "L").input()
                },
                "employee_count",
            ),
            (
                LeadInput {
                    status: "hot".into(),
                    ..lead("Ada", "L").input()
                },
                "status",
            ),
            (
                LeadInput {
                    status: "converted".into(),
                    ..lead("Ada", "L").input()
                },
                "status",
            ),
            (
                LeadInput {
                    domain: "not a domain".into(),
                    ..lead("Ada", "L").input()
                },
                "domain",
            ),
            (
                LeadInput {
                    owner_id: "nobody".into(),
                    ..lead("Ada", "L").input()
                },
                "owner_id",
            ),
            (
                LeadInput {
                    owner_id: uuid::Uuid::new_v4().to_string(),
                    ..lead("Ada", "L").input()
                },
                "owner_id",
            ),
            (
                LeadInput {
                    custom: BTreeMap::from([("nope".into(), "1".into())]),
                    ..lead("Ada", "L").input()
                },
                "custom.nope",
            ),
        ];
        for (bad, field) in cases {
            let err = create(&app, &owner, bad.clone()).await.expect_err(field);
            assert_field(&err, field);
        }
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);

        // A duplicate e-mail is found before saving and refused on save.
        let first = lead("Ada", "L")
            .email("ada@x.io")
            .create(&app, &owner)
            .await;
        let dup = app
            .invoke(
                Some(&owner),
                FindDuplicateLead {
                    email: "ADA@x.io".into(),
                    except: None,
                },
            )
            .await
            .expect("check");
        assert_eq!(dup.map(|d| d.id), Some(first.id));
        let none = app
            .invoke(
                Some(&owner),
                FindDuplicateLead {
                    email: "ada@x.io".into(),
                    except: Some(first.id),
                },
            )
            .await
            .expect("check");
        assert_eq!(none, None, "a lead is not its own duplicate");
        let err = lead("Other", "Ada")
            .email("ada@x.io")
            .try_create(&app, &owner)
            .await
            .expect_err("duplicate");
        assert_field(&err, "email");
        assert!(err.to_string().contains("L"), "{err}");
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 1);
    });
}

#[test]
fn custom_fields_are_validated_stored_and_filterable() {
    run(async {
        use app::api::dashboard::CreateCustomField;
        use models::sales::custom_field::{CustomFieldKind, CustomObject};
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let field = |label: &str, kind, options: &str| CreateCustomField {
            object: CustomObject::Lead,
            label: label.into(),
            kind,
            options: options.into(),
        };
        let denied = app
            .invoke(
                Some(&rep),
                field("Tier", CustomFieldKind::Select, "gold,silver"),
            )
            .await;
        assert!(
            matches!(denied, Err(AppError::Forbidden { .. })),
            "reps cannot define fields"
        );
        let tier = app
            .invoke(
                Some(&owner),
                field("Deal tier", CustomFieldKind::Select, "gold, silver"),
            )
            .await
            .expect("define");
        assert_eq!(tier.key, "deal_tier");
        assert_eq!(tier.options, vec!["gold", "silver"]);
        app.invoke(Some(&owner), field("Seats", CustomFieldKind::Number, ""))
            .await
            .expect("define");
        let err = app
            .invoke(Some(&owner), field("Plan", CustomFieldKind::Select, ""))
            .await
            .expect_err("no options");
        assert_field(&err, "options");

        let with = |tier: &str, seats: &str| LeadInput {
            custom: BTreeMap::from([
                ("deal_tier".into(), tier.into()),
                ("seats".into(), seats.into()),
            ]),
            ..lead("Ada", "Gold").company("Acme").input()
        };
        let err = create(&app, &owner, with("platinum", ""))
            .await
            .expect_err("not a choice");
        assert_field(&err, "custom.deal_tier");
        let err = create(&app, &owner, with("gold", "many"))
            .await
            .expect_err("not a number");
        assert_field(&err, "custom.seats");
        let gold = create(&app, &owner, with("gold", "25"))
            .await
            .expect("valid");
        assert_eq!(
            gold.custom,
            serde_json::json!({"deal_tier": "gold", "seats": 25.0})
        );
        lead("Sil", "Ver")
            .custom("deal_tier", "silver")
            .create(&app, &owner)
            .await;
        let page = list(&app, &owner, "cf.deal_tier=gold").await;
        assert_eq!(
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![gold.id]
        );
        let err = app
            .invoke(
                Some(&owner),
                ListLeads {
                    view: "cf.unknown=1".into(),
                },
            )
            .await
            .expect_err("unknown");
        assert_field(&err, "cf.unknown");
    });
}

#[test]
fn reps_edit_only_their_own_leads_and_managers_edit_all() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let owners_lead = lead("O", "Lead").create(&app, &owner).await;
        let reps_lead = lead("R", "Lead").create(&app, &rep).await;
        assert_eq!(reps_lead.owner_id, Some(rep_user.user_id));

        // Reps see everything in the tenant...
        assert_eq!(list(&app, &rep, "").await.rows.len(), 2);
        // ...but change only their own.
        let mut edit = LeadInput::from(&owners_lead);
        edit.title = "CEO".into();
        let err = app
            .invoke(
                Some(&rep),
                UpdateLead {
                    id: owners_lead.id,
                    input: edit,
                },
            )
            .await
            .expect_err("not theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let err = app
            .invoke(Some(&rep), DeleteLead { id: owners_lead.id })
            .await
            .expect_err("not theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        // A rep cannot hand a lead to someone else.
        let owner_id = me(&app, &owner).await.user_id;
        let mut give = LeadInput::from(&reps_lead);
        give.owner_id = owner_id.to_string();
        let err = app
            .invoke(
                Some(&rep),
                UpdateLead {
                    id: reps_lead.id,
                    input: give.clone(),
                },
            )
            .await
            .expect_err("assign");
        assert_field(&err, "owner_id");
        // The owner may.
        let moved: Lead = app
            .invoke(
                Some(&owner),
                UpdateLead {
                    id: reps_lead.id,
                    input: give,
                },
            )
            .await
            .expect("owner assigns");
        assert_eq!(moved.owner_id, Some(owner_id));

        // Bulk: all or nothing.
        let ids = vec![owners_lead.id, reps_lead.id];
        let err = app
            .invoke_json(
                Some(&rep),
                BulkUpdateLeads {
                    ids: ids.clone(),
                    action: BulkLeadAction::ChangeStatus {
                        status: LeadStatus::Nurture,
                    },
                },
            )
            .await
            .expect_err("rep bulk on others' leads");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE status = 'nurture'")
                .await,
            0
        );
        let n = app
            .invoke_json(
                Some(&owner),
                BulkUpdateLeads {
                    ids: ids.clone(),
                    action: BulkLeadAction::ChangeStatus {
                        status: LeadStatus::Nurture,
                    },
                },
            )
            .await
            .expect("owner bulk");
        assert_eq!(n, 2);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'lead.updated' AND details->'status'->>'to' = 'nurture'").await,
            2,
            "one audit row per lead"
        );
        let n = app
            .invoke_json(
                Some(&owner),
                BulkUpdateLeads {
                    ids: ids.clone(),
                    action: BulkLeadAction::AssignOwner {
                        owner_id: Some(rep_user.user_id),
                    },
                },
            )
            .await
            .expect("assign all");
        assert_eq!(n, 2);
        let err = app
            .invoke_json(
                Some(&owner),
                BulkUpdateLeads {
                    ids: vec![],
                    action: BulkLeadAction::Delete,
                },
            )
            .await
            .expect_err("empty");
        assert_field(&err, "ids");
        let n = app
            .invoke_json(
                Some(&rep),
                BulkUpdateLeads {
                    ids,
                    action: BulkLeadAction::Delete,
                },
            )
            .await
            .expect("now the rep's");
        assert_eq!(n, 2);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);
    });
}

#[test]
fn another_tenant_sees_and_touches_none_of_it() {
    run(async {
        let app = TestApp::spawn().await;
        let olga = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tom = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        let ada = lead("Ada", "L")
            .email("ada@x.io")
            .company("X")
            .create(&app, &olga)
            .await;
        assert_eq!(list(&app, &tom, "").await.rows.len(), 0);
        assert_eq!(list(&app, &tom, "q=ada").await.matching, 0);
        let got = app.invoke(Some(&tom), GetLead { id: ada.id }).await;
        assert!(matches!(got, Err(AppError::NotFound { .. })), "{got:?}");
        let upd = app
            .invoke(
                Some(&tom),
                UpdateLead {
                    id: ada.id,
                    input: lead("Hacked", "X").input(),
                },
            )
            .await;
        assert!(matches!(upd, Err(AppError::NotFound { .. })), "{upd:?}");
        let del = app.invoke(Some(&tom), DeleteLead { id: ada.id }).await;
        assert!(matches!(del, Err(AppError::NotFound { .. })), "{del:?}");
        let n = app
            .invoke_json(
                Some(&tom),
                BulkUpdateLeads {
                    ids: vec![ada.id],
                    action: BulkLeadAction::Delete,
                },
            )
            .await
            .expect("bulk");
        assert_eq!(n, 0, "other tenants' ids match nothing");
        // The same e-mail is free in another tenant.
        let twin = lead("Ada", "Twin")
            .email("ada@x.io")
            .create(&app, &tom)
            .await;
        let dup = app
            .invoke(
                Some(&tom),
                FindDuplicateLead {
                    email: "ada@x.io".into(),
                    except: None,
                },
            )
            .await
            .expect("dup");
        assert_eq!(
            dup.map(|d| d.id),
            Some(twin.id),
            "for Tom only Tom's lead is a duplicate"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE first_name = 'Hacked'")
                .await,
            0
        );
        let unauth = app
            .invoke(
                None,
                ListLeads {
                    view: String::new(),
                },
            )
            .await;
        assert!(matches!(unauth, Err(AppError::Unauthorized)), "{unauth:?}");
    });
}

//! The leads manager through its server functions: create, edit, delete with audit; the
//! validation of every field; role limits; keyset pages with ties; filters and search; bulk
//! actions; conversion in one transaction; tenant isolation.

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use app::api::leads::*;
use models::sales::lead::{
    BulkLeadAction, ConvertLeadInput, Lead, LeadInput, LeadPage, LeadStatus,
};
use models::{AppError, LeadId};
use std::collections::BTreeMap;

pub fn input(first: &str, last: &str, email: &str, company: &str) -> LeadInput {
    LeadInput {
        first_name: first.into(),
        last_name: last.into(),
        email: email.into(),
        company: company.into(),
        ..LeadInput::default()
    }
}

pub async fn create(app: &TestApp, session: &str, input: LeadInput) -> Result<Lead, AppError> {
    app.invoke(Some(session), CreateLead { input }).await
}

/// Defines a custom lead field (admins and above).
pub async fn lead_custom_field(
    app: &TestApp,
    session: &str,
    label: &str,
    kind: models::sales::custom_field::CustomFieldKind,
    options: &str,
) -> Result<models::sales::custom_field::CustomField, AppError> {
    app.invoke(
        Some(session),
        app::api::dashboard::CreateCustomField {
            object: models::sales::custom_field::CustomObject::Lead,
            label: label.into(),
            kind,
            options: options.into(),
        },
    )
    .await
}

pub async fn list(app: &TestApp, session: &str, view: &str) -> LeadPage {
    app.invoke(Some(session), ListLeads { view: view.into() })
        .await
        .unwrap_or_else(|e| panic!("list {view}: {e}"))
}

#[test]
fn a_lead_is_created_edited_and_deleted_with_its_audit_trail() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let mut new = input("Ada", "Lovelace", "Ada@Analytical.io", "Analytical Engines");
        new.title = "VP Engineering".into();
        new.employee_count = "1,200".into();
        new.source = "Referral".into();
        let lead = create(&app, &owner, new.clone()).await.expect("create");
        assert_eq!(lead.email, "ada@analytical.io");
        assert_eq!(lead.domain, "analytical.io", "taken from a work e-mail");
        assert_eq!(lead.status, LeadStatus::New);
        assert_eq!(
            lead.owner_name.as_deref(),
            Some("Olga Owner"),
            "the creator owns it"
        );
        assert_eq!(lead.score, 20 + 25 + 15 + 20);
        assert_eq!(lead.score_breakdown.len(), 4, "every point explained");

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
            (input("Ada", "  ", "", ""), "last_name"),
            (input("Ada", "L", "not-an-email", ""), "email"),
            (
                LeadInput {
                    employee_count: "lots".into(),
                    ..input("Ada", "L", "", "")
                },
                "employee_count",
            ),
            (
                LeadInput {
                    status: "hot".into(),
                    ..input("Ada", "L", "", "")
                },
                "status",
            ),
            (
                LeadInput {
                    status: "converted".into(),
                    ..input("Ada", "L", "", "")
                },
                "status",
            ),
            (
                LeadInput {
                    domain: "not a domain".into(),
                    ..input("Ada", "L", "", "")
                },
                "domain",
            ),
            (
                LeadInput {
                    owner_id: "nobody".into(),
                    ..input("Ada", "L", "", "")
                },
                "owner_id",
            ),
            (
                LeadInput {
                    owner_id: uuid::Uuid::new_v4().to_string(),
                    ..input("Ada", "L", "", "")
                },
                "owner_id",
            ),
            (
                LeadInput {
                    custom: BTreeMap::from([("nope".into(), "1".into())]),
                    ..input("Ada", "L", "", "")
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
        let first = create(&app, &owner, input("Ada", "L", "ada@x.io", ""))
            .await
            .expect("first");
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
        let err = create(&app, &owner, input("Other", "Ada", "ada@x.io", ""))
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
            ..input("Ada", "Gold", "", "Acme")
        };
        let err = create(&app, &owner, with("platinum", ""))
            .await
            .expect_err("not a choice");
        assert_field(&err, "custom.deal_tier");
        let err = create(&app, &owner, with("gold", "many"))
            .await
            .expect_err("not a number");
        assert_field(&err, "custom.seats");
        let lead = create(&app, &owner, with("gold", "25"))
            .await
            .expect("valid");
        assert_eq!(
            lead.custom,
            serde_json::json!({"deal_tier": "gold", "seats": 25.0})
        );
        create(
            &app,
            &owner,
            LeadInput {
                custom: BTreeMap::from([("deal_tier".into(), "silver".into())]),
                ..input("Sil", "Ver", "", "")
            },
        )
        .await
        .expect("other");
        let page = list(&app, &owner, "cf.deal_tier=gold").await;
        assert_eq!(
            page.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
            vec![lead.id]
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
        let owners_lead = create(&app, &owner, input("O", "Lead", "", ""))
            .await
            .expect("owner's");
        let reps_lead = create(&app, &rep, input("R", "Lead", "", ""))
            .await
            .expect("rep's");
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

/// Inserts `n` leads as the database owner, all with the same company and score so every
/// sort meets ties.
async fn insert_many(app: &TestApp, tenant: models::TenantId, n: usize) {
    app.exec(&format!(
        "INSERT INTO leads (tenant_id, id, first_name, last_name, email, company, score, status, created_at)
         SELECT '{tenant}', gen_random_uuid(), 'Lead', 'No ' || i, 'lead' || i || '@tie.io', 'Tie Corp', 50,
                CASE WHEN i % 3 = 0 THEN 'working' ELSE 'new' END,
                '2026-01-01T00:00:00Z'::timestamptz + (i / 10) * interval '1 hour'
         FROM generate_series(1, {n}) AS i"
    ))
    .await;
}

#[test]
fn keyset_pages_walk_every_row_once_in_order_even_through_ties() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        insert_many(&app, tenant, 130).await;
        for view in [
            "sort=company",
            "sort=score",
            "sort=created",
            "sort=name&dir=desc",
            "sort=status",
            "sort=last_activity",
        ] {
            let mut seen: Vec<LeadId> = Vec::new();
            let mut cursor: Option<String> = None;
            let mut pages = Vec::new();
            loop {
                let v = match &cursor {
                    Some(c) => format!("{view}&after={c}"),
                    None => view.to_string(),
                };
                let page = list(&app, &owner, &v).await;
                assert_eq!(page.matching, 130);
                seen.extend(page.rows.iter().map(|r| r.id));
                pages.push(page.clone());
                match page.next {
                    Some(n) => cursor = Some(n),
                    None => break,
                }
            }
            assert_eq!(pages.len(), 3, "{view}: 50 + 50 + 30");
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(
                (seen.len(), unique.len()),
                (130, 130),
                "{view}: every row exactly once"
            );
            // And back: `before` the last page's first row is the middle page.
            let back = list(
                &app,
                &owner,
                &format!("{view}&before={}", pages[2].prev.clone().expect("prev")),
            )
            .await;
            assert_eq!(
                back.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                pages[1].rows.iter().map(|r| r.id).collect::<Vec<_>>(),
                "{view}: back one page"
            );
        }
        let err = app
            .invoke(
                Some(&owner),
                ListLeads {
                    view: "sort=score&after=garbage".into(),
                },
            )
            .await
            .expect_err("bad cursor");
        assert_field(&err, "after");
    });
}

#[test]
fn filters_and_search_narrow_the_list() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let mut a = input("Ada", "Lovelace", "ada@analytical.io", "Analytical Engines");
        a.title = "CEO".into();
        a.employee_count = "5000".into();
        a.source = "Referral".into();
        let ada = create(&app, &owner, a).await.expect("ada");
        let grace = create(
            &app,
            &rep,
            input("Grace", "Hopper", "grace@navy.mil", "US Navy"),
        )
        .await
        .expect("grace");
        create(
            &app,
            &owner,
            LeadInput {
                status: "qualified".into(),
                ..input("Alan", "Turing", "alan@bletchley.uk", "Bletchley")
            },
        )
        .await
        .expect("alan");
        let ids = |p: LeadPage| p.rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(list(&app, &owner, "q=analytical").await),
            vec![ada.id],
            "by company"
        );
        assert_eq!(
            ids(list(&app, &owner, "q=HOPPER").await),
            vec![grace.id],
            "by name, any case"
        );
        assert_eq!(
            ids(list(&app, &owner, "q=navy.mil").await),
            vec![grace.id],
            "by e-mail"
        );
        assert_eq!(
            ids(list(&app, &owner, "q=ada+lovelace").await),
            vec![ada.id],
            "every word"
        );
        assert_eq!(
            ids(list(&app, &owner, "q=100%25").await),
            Vec::<LeadId>::new(),
            "% is literal"
        );
        assert_eq!(list(&app, &owner, "status=qualified").await.rows.len(), 1);
        assert_eq!(ids(list(&app, &rep, "owner=me").await), vec![grace.id]);
        assert_eq!(ids(list(&app, &owner, "score_min=80").await), vec![ada.id]);
        assert_eq!(
            ids(list(&app, &owner, "source=Referral").await),
            vec![ada.id]
        );
        assert_eq!(
            list(&app, &owner, "from=2000-01-01&to=2000-12-31")
                .await
                .rows
                .len(),
            0
        );
        assert_eq!(list(&app, &owner, "").await.rows.len(), 3);
        let err = app
            .invoke(
                Some(&owner),
                ListLeads {
                    view: "score_min=90&score_max=10".into(),
                },
            )
            .await
            .expect_err("range");
        assert_field(&err, "score_max");
    });
}

#[test]
fn converting_a_lead_makes_contact_account_and_deal_in_one_transaction() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let ada = create(
            &app,
            &owner,
            input("Ada", "Lovelace", "ada@analytical.io", "Analytical Engines"),
        )
        .await
        .expect("ada");
        let charles = create(
            &app,
            &owner,
            input("Charles", "Babbage", "charles@analytical.io", "Analytical"),
        )
        .await
        .expect("c");

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

#[test]
fn another_tenant_sees_and_touches_none_of_it() {
    run(async {
        let app = TestApp::spawn().await;
        let olga = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tom = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        let lead = create(&app, &olga, input("Ada", "L", "ada@x.io", "X"))
            .await
            .expect("create");
        assert_eq!(list(&app, &tom, "").await.rows.len(), 0);
        assert_eq!(list(&app, &tom, "q=ada").await.matching, 0);
        let got = app.invoke(Some(&tom), GetLead { id: lead.id }).await;
        assert!(matches!(got, Err(AppError::NotFound { .. })), "{got:?}");
        let upd = app
            .invoke(
                Some(&tom),
                UpdateLead {
                    id: lead.id,
                    input: input("Hacked", "X", "", ""),
                },
            )
            .await;
        assert!(matches!(upd, Err(AppError::NotFound { .. })), "{upd:?}");
        let del = app.invoke(Some(&tom), DeleteLead { id: lead.id }).await;
        assert!(matches!(del, Err(AppError::NotFound { .. })), "{del:?}");
        let n = app
            .invoke_json(
                Some(&tom),
                BulkUpdateLeads {
                    ids: vec![lead.id],
                    action: BulkLeadAction::Delete,
                },
            )
            .await
            .expect("bulk");
        assert_eq!(n, 0, "other tenants' ids match nothing");
        // The same e-mail is free in another tenant.
        let twin = create(&app, &tom, input("Ada", "Twin", "ada@x.io", ""))
            .await
            .expect("own namespace");
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

#[test]
fn saved_views_are_personal_unless_shared() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let mine = app
            .invoke(
                Some(&rep),
                CreateSavedView {
                    name: "My hot leads".into(),
                    query: "status=working&score_min=50&after=x".into(),
                    shared: None,
                },
            )
            .await
            .expect("save");
        assert_eq!(
            mine.query, "status=working&score_min=50",
            "stored without the page position"
        );
        let err = app
            .invoke(
                Some(&rep),
                CreateSavedView {
                    name: "Bad".into(),
                    query: "status=bogus".into(),
                    shared: None,
                },
            )
            .await
            .expect_err("bad view");
        assert_field(&err, "status");
        let err = app
            .invoke(
                Some(&rep),
                CreateSavedView {
                    name: "My hot leads".into(),
                    query: String::new(),
                    shared: None,
                },
            )
            .await
            .expect_err("same name");
        assert_field(&err, "name");
        app.invoke(
            Some(&owner),
            CreateSavedView {
                name: "Team qualified".into(),
                query: "status=qualified".into(),
                shared: Some("on".into()),
            },
        )
        .await
        .expect("shared");
        let reps: Vec<String> = app
            .invoke(Some(&rep), ListSavedViews {})
            .await
            .expect("list")
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(reps, vec!["My hot leads", "Team qualified"]);
        let owners: Vec<String> = app
            .invoke(Some(&owner), ListSavedViews {})
            .await
            .expect("list")
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(
            owners,
            vec!["Team qualified"],
            "a personal view stays personal"
        );
        let shared_id = app
            .invoke(Some(&rep), ListSavedViews {})
            .await
            .expect("list")[1]
            .id;
        let err = app
            .invoke(Some(&rep), DeleteSavedView { id: shared_id })
            .await
            .expect_err("not theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        app.invoke(Some(&rep), DeleteSavedView { id: mine.id })
            .await
            .expect("own");
    });
}

#[test]
fn the_current_view_exports_as_csv_with_custom_fields_and_defused_formulas() {
    run(async {
        use models::sales::custom_field::CustomFieldKind;
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        lead_custom_field(&app, &owner, "Tier", CustomFieldKind::Text, "")
            .await
            .expect("field");
        let tenant = me(&app, &owner).await.tenant_id;
        insert_many(&app, tenant, 2100).await;
        create(
            &app,
            &owner,
            LeadInput {
                custom: BTreeMap::from([("tier".into(), "gold".into())]),
                ..input("Eve", "=HYPERLINK(\"x\")", "eve@x.io", "Evil, Inc.")
            },
        )
        .await
        .expect("create");
        let all = app.get(Some(&owner), "/leads/export.csv").await;
        assert_eq!(all.status(), 200);
        assert!(all.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv"));
        let body = all.text().await.expect("body");
        let lines: Vec<&str> = body.lines().collect();
        assert_eq!(
            lines.len(),
            1 + 2101,
            "a header and every lead, across export pages"
        );
        assert!(
            lines[0].starts_with("id,first_name,last_name,email") && lines[0].ends_with(",Tier"),
            "{}",
            lines[0]
        );
        let eve = lines.iter().find(|l| l.contains("eve@x.io")).expect("eve");
        assert!(
            eve.contains("\"'=HYPERLINK(\"\"x\"\")\""),
            "formula defused and quoted: {eve}"
        );
        assert!(
            eve.contains("\"Evil, Inc.\"") && eve.ends_with(",gold"),
            "{eve}"
        );

        let filtered = app
            .get(Some(&owner), "/leads/export.csv?status=working&sort=name")
            .await
            .text()
            .await
            .expect("body");
        assert_eq!(filtered.lines().count(), 1 + 700, "only the view's rows");
        let bad = app
            .get(Some(&owner), "/leads/export.csv?status=bogus")
            .await;
        assert_eq!(bad.status(), 400);
        let other = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        assert_eq!(
            app.get(Some(&other), "/leads/export.csv")
                .await
                .text()
                .await
                .expect("body")
                .lines()
                .count(),
            1
        );
        let anonymous = app.get(None, "/leads/export.csv").await;
        assert_ne!(anonymous.status(), 200);
    });
}

/// A search word matching few leads is filtered by the ids the trigram index gives; one
/// matching many, by LIKE along the sort order. Both find the same leads, and a search counts
/// to 1,000.
#[test]
fn searches_for_rare_and_common_words_find_the_same_leads_either_way() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        app.exec(&format!(
            "INSERT INTO leads (tenant_id, id, first_name, last_name, company, created_at)
             SELECT '{tenant}', gen_random_uuid(), 'Common', 'Person ' || i,
                    CASE WHEN i % 1000 = 0 THEN 'Rarebird Ltd' ELSE 'Manyco' END,
                    now() - i * interval '1 minute'
             FROM generate_series(1, 2500) i"
        ))
        .await;
        let common = list(&app, &owner, "q=manyco").await;
        assert_eq!(
            common.matching,
            LeadPage::SEARCH_COUNT_CAP + 1,
            "counted to the cap"
        );
        assert_eq!(common.count_cap, LeadPage::SEARCH_COUNT_CAP);
        assert_eq!(common.rows[0].full_name, "Common Person 1", "newest first");
        assert!(common.rows.iter().all(|r| r.company == "Manyco"));
        let rare = list(&app, &owner, "q=rarebird").await;
        assert_eq!(rare.matching, 2);
        assert_eq!(
            rare.rows
                .iter()
                .map(|r| r.full_name.as_str())
                .collect::<Vec<_>>(),
            ["Common Person 1000", "Common Person 2000"]
        );
        let both = list(&app, &owner, "q=common+rarebird").await;
        assert_eq!(both.matching, 2, "a common and a rare word together");
        assert_eq!(list(&app, &owner, "").await.count_cap, LeadPage::COUNT_CAP);
    })
}

/// A view with search words or custom-field filters is first asked of their indexes
/// (`leads_matching_view`, run as the tables' owner); what it finds must be exactly what the
/// same conditions find as plain SQL, for views holding few leads (filtered by their ids),
/// many (walked along the sort order, counted to the cap) and many without a search
/// (counted by the function), and never another tenant's leads.
#[test]
fn views_asked_of_the_indexes_find_what_plain_sql_finds() {
    run(async {
        use models::sales::custom_field::CustomFieldKind;
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let who = me(&app, &owner).await;
        let (tenant, olga) = (who.tenant_id, who.user_id);
        lead_custom_field(
            &app,
            &owner,
            "Tier",
            CustomFieldKind::Select,
            "gold, silver",
        )
        .await
        .expect("define");
        let fill = |tenant: models::TenantId, owner_sql: String| {
            format!(
                "INSERT INTO leads (tenant_id, id, first_name, last_name, company, status, score,
                                    source, owner_id, custom, created_at)
                 SELECT '{tenant}', gen_random_uuid(), 'Lead', 'No ' || i,
                        (ARRAY['Manyco', 'Globex', 'Initech'])[i % 3 + 1],
                        (ARRAY['new', 'working', 'nurture', 'qualified', 'disqualified'])[i % 5 + 1],
                        i % 101, CASE WHEN i % 2 = 0 THEN 'Web' ELSE 'Referral' END, {owner_sql},
                        jsonb_build_object('tier', CASE WHEN i % 4 = 0 THEN 'silver' ELSE 'gold' END),
                        '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'
                 FROM generate_series(1, 3000) i"
            )
        };
        app.exec(&fill(
            tenant,
            format!("CASE WHEN i % 7 = 0 THEN '{olga}'::uuid END"),
        ))
        .await;
        // Another tenant whose leads match every view.
        let other = app
            .sign_up("Oscar Other", "oscar@example.com", "Other Org")
            .await;
        app.exec(&fill(me(&app, &other).await.tenant_id, "NULL".into()))
            .await;

        // (view, the same conditions in SQL, count cap)
        let cases = [
            ("q=manyco", "search_text LIKE '%manyco%'", 1000),
            ("q=lead", "search_text LIKE '%lead%'", 1000),
            // 1,500 matches: more than a search counts to, fewer than the probe reads.
            ("q=lead&source=Web", "search_text LIKE '%lead%' AND source = 'Web'", 1000),
            ("q=lead+globex&status=working", "search_text LIKE '%lead%' AND search_text LIKE '%globex%' AND status = 'working'", 1000),
            ("q=no+1&owner=me&source=Web", "search_text LIKE '%no%' AND search_text LIKE '%1%' AND owner_id = '{olga}' AND source = 'Web'", 1000),
            ("q=initech&owner=none&score_min=20&score_max=60", "search_text LIKE '%initech%' AND owner_id IS NULL AND score BETWEEN 20 AND 60", 1000),
            ("q=globex&from=2026-01-20&to=2026-02-10", "search_text LIKE '%globex%' AND created_at >= '2026-01-20' AND created_at < '2026-02-11'", 1000),
            ("cf.tier=silver", "custom @> '{\"tier\": \"silver\"}'", 10000),
            ("cf.tier=gold", "custom @> '{\"tier\": \"gold\"}'", 10000),
            ("cf.tier=gold&status=nurture&q=manyco", "custom @> '{\"tier\": \"gold\"}' AND status = 'nurture' AND search_text LIKE '%manyco%'", 1000),
            ("q=nobody", "search_text LIKE '%nobody%'", 1000),
        ];
        for (view, sql, cap) in cases {
            let sql = sql.replace("{olga}", &olga.to_string());
            let expected = app
                .count(&format!(
                    "SELECT count(*) AS n FROM leads WHERE tenant_id = '{tenant}' AND {sql}"
                ))
                .await;
            let page = list(&app, &owner, view).await;
            assert_eq!(page.count_cap, cap, "{view}: cap");
            assert_eq!(page.matching, expected.min(cap + 1), "{view}: count");
            let first: Vec<String> = app
                .rows(&format!(
                    "SELECT id FROM leads WHERE tenant_id = '{tenant}' AND {sql}
                     ORDER BY created_at DESC, id DESC LIMIT 50"
                ))
                .await
                .into_iter()
                .map(|r| r["id"].as_str().unwrap_or_default().to_string())
                .collect();
            let got: Vec<String> = page.rows.iter().map(|r| r.id.to_string()).collect();
            assert_eq!(got, first, "{view}: first page");
        }
        // Outside a tenant's transaction the function finds nothing.
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM leads_matching_view(ARRAY['%lead%'], NULL, NULL, false,
                 NULL, NULL, NULL, NULL, NULL, NULL, 100)"
            )
            .await,
            0
        );
    })
}

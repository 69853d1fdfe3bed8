//! The accounts and contacts tables: keyset pages through ties in every sort, filters and
//! search, bulk actions (all or nothing), saved views, the CSV export.

use super::*;
use app::api::contacts::{BulkUpdateContacts, ListContacts};
use app::api::saved_views::{CreateSavedView, ListSavedViews};
use models::sales::custom_field::CustomObject;
use models::sales::record_query::{BulkRecordAction, RecordKind, RecordQuery};
use models::{AccountId, ContactId};

/// `n` accounts as the database owner: industries and countries repeat (ties in every text
/// sort), every third has no head count, creation times tie in tens.
async fn insert_accounts(app: &TestApp, tenant: models::TenantId, n: usize) {
    app.exec(&format!(
        "INSERT INTO accounts (tenant_id, id, name, domain, industry, country, employee_count, created_at)
         SELECT '{tenant}', gen_random_uuid(), 'Account ' || (i % 40), 'a' || i || '.example',
                CASE WHEN i % 2 = 0 THEN 'Software' ELSE 'Retail' END,
                CASE WHEN i % 3 = 0 THEN 'DE' ELSE 'FR' END,
                CASE WHEN i % 3 = 0 THEN NULL ELSE (i % 7) * 10 END,
                '2026-01-01T00:00:00Z'::timestamptz + (i / 10) * interval '1 hour'
         FROM generate_series(1, {n}) AS i"
    ))
    .await;
}

async fn page(
    app: &TestApp,
    session: &str,
    view: &str,
) -> models::sales::record_query::RecordPage<models::sales::account::AccountRow> {
    app.invoke(Some(session), ListAccounts { view: view.into() })
        .await
        .unwrap_or_else(|e| panic!("{view}: {e}"))
}

#[test]
fn account_pages_walk_every_row_once_in_every_sort_and_back() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        insert_accounts(&app, tenant, 130).await;
        for view in [
            "",
            "sort=name&dir=desc",
            "sort=domain",
            "sort=industry",
            "sort=country&dir=desc",
            "sort=employees",
            "sort=employees&dir=asc",
            "sort=created",
        ] {
            let mut seen: Vec<AccountId> = Vec::new();
            let mut pages: Vec<(String, Vec<AccountId>)> = Vec::new();
            let mut next: Option<String> = None;
            loop {
                let q = RecordQuery {
                    after: next.clone(),
                    ..RecordQuery::parse(RecordKind::Account, view).expect("view")
                };
                let p = page(&app, &owner, &q.to_query_string()).await;
                assert_eq!(p.matching, 130, "{view}");
                let ids: Vec<AccountId> = p.rows.iter().map(|r| r.id).collect();
                seen.extend(&ids);
                pages.push((q.to_query_string(), ids));
                match p.next {
                    Some(c) => next = Some(c),
                    None => break,
                }
            }
            assert_eq!(seen.len(), 130, "{view}: every row");
            let unique: std::collections::HashSet<_> = seen.iter().collect();
            assert_eq!(unique.len(), 130, "{view}: none twice");
            // The order is the one SQL gives for the same sort.
            let order = match view {
                "" => "name, id",
                "sort=name&dir=desc" => "name DESC, id DESC",
                "sort=domain" => "domain, id",
                "sort=industry" => "industry, id",
                "sort=country&dir=desc" => "country DESC, id DESC",
                "sort=employees" => "coalesce(employee_count, -1) DESC, id DESC",
                "sort=employees&dir=asc" => "coalesce(employee_count, -1), id",
                _ => "created_at DESC, id DESC",
            };
            let expected: Vec<String> = app
                .rows(&format!("SELECT id FROM accounts ORDER BY {order}"))
                .await
                .iter()
                .map(|r| r["id"].as_str().expect("id").to_string())
                .collect();
            let got: Vec<String> = seen.iter().map(|i| i.to_string()).collect();
            assert_eq!(got, expected, "{view}");
            // The second page's "previous" link gives the first page back.
            let second = page(&app, &owner, &pages[1].0).await;
            let prev = RecordQuery {
                before: second.prev.clone(),
                ..RecordQuery::parse(RecordKind::Account, view).expect("view")
            };
            let back: Vec<AccountId> = page(&app, &owner, &prev.to_query_string())
                .await
                .rows
                .iter()
                .map(|r| r.id)
                .collect();
            assert_eq!(back, pages[0].1, "{view}: back to the first page");
        }
        let err = app
            .invoke(
                Some(&owner),
                ListAccounts {
                    view: "after=garbage".into(),
                },
            )
            .await
            .expect_err("bad cursor");
        assert_field(&err, "after");
    });
}

#[test]
fn account_filters_search_and_counts_match_the_rows() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let tenant = me(&app, &owner).await.tenant_id;
        insert_accounts(&app, tenant, 130).await;
        account("Zeta Robotics")
            .domain("zeta.io")
            .industry("Robotics")
            .create(&app, &rep)
            .await;
        let cases = [
            ("industry=Software", "industry = 'Software'"),
            ("country=DE", "country = 'DE'"),
            (
                "industry=Retail&country=DE",
                "industry = 'Retail' AND country = 'DE'",
            ),
            ("q=zeta", "name ILIKE '%zeta%'"),
            ("q=a12.example", "domain LIKE '%a12.example%'"),
            ("owner=none", "owner_id IS NULL"),
            (
                &format!("owner={}", rep_user.user_id),
                "owner_id IS NOT NULL",
            ),
            (
                "from=2026-01-01&to=2026-01-01",
                "created_at >= '2026-01-01' AND created_at < '2026-01-02'",
            ),
        ];
        for (view, sql) in cases {
            let p = page(&app, &owner, view).await;
            let n = app
                .count(&format!("SELECT count(*) AS n FROM accounts WHERE {sql}"))
                .await;
            assert_eq!(p.matching, n, "{view}");
            assert_eq!(p.rows.len() as i64, n.min(50), "{view}");
        }
        let mine = page(&app, &rep, "owner=me").await;
        assert_eq!(
            mine.rows
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["Zeta Robotics"]
        );
        for (view, field) in [
            ("sort=email", "sort"),
            ("from=soon", "from"),
            ("cf.tier=gold", "cf.tier"),
        ] {
            let err = app
                .invoke(Some(&owner), ListAccounts { view: view.into() })
                .await
                .expect_err("refused");
            assert_field(&err, field);
        }
        let other = app.sign_up("Tom Other", "tom@example.com", "Tom Org").await;
        assert_eq!(
            page(&app, &other, "").await.matching,
            0,
            "another tenant sees none"
        );
    });
}

#[test]
fn bulk_actions_on_accounts_and_contacts_are_all_or_nothing_and_audited() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let olgas = account("Olga Co").create(&app, &owner).await;
        let reps = account("Rep Co").create(&app, &rep).await;
        let err = app
            .invoke_json(
                Some(&rep),
                BulkUpdateAccounts {
                    ids: vec![olgas.id, reps.id],
                    action: BulkRecordAction::Delete,
                },
            )
            .await
            .expect_err("not all theirs");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM accounts").await,
            2,
            "nothing deleted"
        );
        let n = app
            .invoke_json(
                Some(&owner),
                BulkUpdateAccounts {
                    ids: vec![olgas.id, reps.id],
                    action: BulkRecordAction::AssignOwner {
                        owner_id: Some(rep_user.user_id),
                    },
                },
            )
            .await
            .expect("assign");
        assert_eq!(n, 2);
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM accounts WHERE owner_id = '{}'",
                rep_user.user_id
            ))
            .await,
            2
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'account.updated'")
                .await,
            1,
            "only the account whose owner changed"
        );
        let ada = contact("Ada", "Lovelace")
            .at("Olga Co")
            .create(&app, &owner)
            .await;
        let n = app
            .invoke_json(
                Some(&rep),
                BulkUpdateContacts {
                    ids: vec![ada.id],
                    action: BulkRecordAction::Delete,
                },
            )
            .await;
        assert!(matches!(n, Err(AppError::Forbidden { .. })), "{n:?}");
        let n = app
            .invoke_json(
                Some(&owner),
                BulkUpdateContacts {
                    ids: vec![ada.id],
                    action: BulkRecordAction::Delete,
                },
            )
            .await
            .expect("delete");
        assert_eq!(n, 1);
        let deleted = app
            .rows("SELECT details FROM audit_log WHERE action = 'contact.deleted'")
            .await;
        assert_eq!(
            deleted[0]["details"]["last_name"], "Lovelace",
            "what was deleted is kept"
        );
        let err = app
            .invoke_json(
                Some(&owner),
                BulkUpdateContacts {
                    ids: Vec::<ContactId>::new(),
                    action: BulkRecordAction::Delete,
                },
            )
            .await
            .expect_err("empty");
        assert_field(&err, "ids");
    });
}

#[test]
fn views_of_accounts_and_contacts_are_saved_and_exported_as_csv() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        insert_accounts(&app, tenant, 1100).await;
        let acme = account("=Acme, Inc.")
            .domain("acme.io")
            .industry("Robotics")
            .create(&app, &owner)
            .await;
        contact("Ada", "Lovelace")
            .email("ada@acme.io")
            .title("CTO")
            .at("=acme, inc.")
            .create(&app, &owner)
            .await;
        contact("Bob", "Other")
            .email("bob@else.io")
            .create(&app, &owner)
            .await;

        let view = app
            .invoke(
                Some(&owner),
                CreateSavedView {
                    object: CustomObject::Account,
                    name: "Robots".into(),
                    query: "industry=Robotics&after=x".into(),
                    shared: None,
                },
            )
            .await
            .expect("save");
        assert_eq!(view.query, "industry=Robotics");
        let err = app
            .invoke(
                Some(&owner),
                CreateSavedView {
                    object: CustomObject::Contact,
                    name: "Bad".into(),
                    query: "sort=employees".into(),
                    shared: None,
                },
            )
            .await
            .expect_err("contacts do not sort by head count");
        assert_field(&err, "sort");
        let accounts = app
            .invoke(
                Some(&owner),
                ListSavedViews {
                    object: CustomObject::Account,
                },
            )
            .await
            .expect("list");
        assert_eq!(accounts.len(), 1);
        let leads = app
            .invoke(
                Some(&owner),
                ListSavedViews {
                    object: CustomObject::Lead,
                },
            )
            .await
            .expect("list");
        assert!(leads.is_empty(), "views are per table");

        let all = app.get(Some(&owner), "/accounts/export.csv").await;
        assert_eq!(all.status(), 200);
        let body = all.text().await.expect("body");
        assert_eq!(
            body.lines().count(),
            1 + 1101,
            "a header and every account, across export pages"
        );
        assert!(
            body.starts_with("id,name,domain,industry"),
            "{}",
            &body[..60]
        );
        let robots = app
            .get(Some(&owner), "/accounts/export.csv?industry=Robotics")
            .await
            .text()
            .await
            .expect("body");
        let lines: Vec<&str> = robots.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(
            lines[1].contains("\"'=Acme, Inc.\""),
            "formula defused and quoted: {}",
            lines[1]
        );

        let people = app
            .get(
                Some(&owner),
                &format!("/contacts/export.csv?account={}", acme.id),
            )
            .await
            .text()
            .await
            .expect("body");
        let lines: Vec<&str> = people.lines().collect();
        assert_eq!(lines.len(), 2, "only the account's contacts: {people}");
        assert!(
            lines[1].contains("ada@acme.io") && lines[1].contains("CTO"),
            "{}",
            lines[1]
        );
        // As a browser asks for it: compressed, and read to its end (a compressing layer
        // polls the stream once more after its last page; it once cut the download short).
        for path in [
            "/accounts/export.csv",
            "/contacts/export.csv",
            "/leads/export.csv",
        ] {
            let compressed = app
                .get_with(Some(&owner), path, &[("accept-encoding", "br, gzip")])
                .await;
            assert_eq!(compressed.status(), 200, "{path}");
            assert!(
                compressed.headers().contains_key("content-encoding"),
                "{path}"
            );
            let bytes = compressed.bytes().await;
            assert!(bytes.is_ok_and(|b| !b.is_empty()), "{path}: the whole body");
        }
        let bad = app
            .get(Some(&owner), "/contacts/export.csv?account=acme")
            .await;
        assert_eq!(bad.status(), 400);
        assert_ne!(app.get(None, "/accounts/export.csv").await.status(), 200);
        let listed = app
            .invoke(
                Some(&owner),
                ListContacts {
                    view: "q=ada".into(),
                },
            )
            .await
            .expect("search");
        assert_eq!(listed.rows.len(), 1);
        assert_eq!(listed.rows[0].account_name.as_deref(), Some("=Acme, Inc."));
    });
}

/// A word too common for the trigram probe (2,000 matches or more) walks the name order with
/// LIKE, counts to "1,000+", and still finds what plain SQL finds; another filter beside it
/// is counted.
#[test]
fn a_common_word_walks_the_sort_order_and_counts_to_a_thousand() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        insert_accounts(&app, tenant, 2100).await;
        let p = page(&app, &owner, "q=account").await;
        assert_eq!((p.matching, p.count_cap), (1001, 1000), "1,000+");
        let expected: Vec<String> = app
            .rows("SELECT id FROM accounts WHERE search_text LIKE '%account%' ORDER BY name, id LIMIT 50")
            .await
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_string())
            .collect();
        let got: Vec<String> = p.rows.iter().map(|r| r.id.to_string()).collect();
        assert_eq!(got, expected);
        let de = page(&app, &owner, "q=account&country=DE").await;
        assert_eq!(de.matching, 700, "narrowed by another filter: counted");
        let few = page(&app, &owner, "q=a2000.example").await;
        assert_eq!((few.matching, few.count_cap), (1, 1000));
    });
}

//! The leads table: keyset pages through ties, filters and search, saved views, the CSV
//! export, and the indexes' answers against plain SQL.

use super::*;
use app::api::saved_views::{CreateSavedView, DeleteSavedView, ListSavedViews};
use models::sales::custom_field::CustomObject;

/// Inserts `n` leads as the database owner, all with the same company and score so every
/// sort meets ties.
pub(super) async fn insert_many(app: &TestApp, tenant: models::TenantId, n: usize) {
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
        let ada = lead("Ada", "Lovelace")
            .email("ada@analytical.io")
            .company("Analytical Engines")
            .title("CEO")
            .employees("5000")
            .source("Referral")
            .create(&app, &owner)
            .await;
        let grace = lead("Grace", "Hopper")
            .email("grace@navy.mil")
            .company("US Navy")
            .create(&app, &rep)
            .await;
        create(
            &app,
            &owner,
            LeadInput {
                status: "qualified".into(),
                ..lead("Alan", "Turing")
                    .email("alan@bletchley.uk")
                    .company("Bletchley")
                    .input()
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
        // Only Ada scores: 5,000 employees (+20) and a CEO (+15) make fit 35, score 25.
        assert_eq!(ids(list(&app, &owner, "score_min=20").await), vec![ada.id]);
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
fn saved_views_are_personal_unless_shared() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let mine = app
            .invoke(
                Some(&rep),
                CreateSavedView {
                    object: CustomObject::Lead,
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
                    object: CustomObject::Lead,
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
                    object: CustomObject::Lead,
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
                object: CustomObject::Lead,
                name: "Team qualified".into(),
                query: "status=qualified".into(),
                shared: Some("on".into()),
            },
        )
        .await
        .expect("shared");
        let reps: Vec<String> = app
            .invoke(
                Some(&rep),
                ListSavedViews {
                    object: CustomObject::Lead,
                },
            )
            .await
            .expect("list")
            .into_iter()
            .map(|v| v.name)
            .collect();
        assert_eq!(reps, vec!["My hot leads", "Team qualified"]);
        let owners: Vec<String> = app
            .invoke(
                Some(&owner),
                ListSavedViews {
                    object: CustomObject::Lead,
                },
            )
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
            .invoke(
                Some(&rep),
                ListSavedViews {
                    object: CustomObject::Lead,
                },
            )
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
                ..lead("Eve", "=HYPERLINK(\"x\")")
                    .email("eve@x.io")
                    .company("Evil, Inc.")
                    .input()
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

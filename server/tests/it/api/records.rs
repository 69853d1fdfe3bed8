use super::{call, get, key};
use crate::harness::{run, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn rows(v: &Value) -> usize {
    v["rows"].as_array().map_or(0, Vec::len)
}

#[test]
fn leads_are_listed_read_created_edited_and_deleted_with_the_pages_rules() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let k = key(&app, &owner, "write").await;
        let made = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/leads",
            Some(json!({
                "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
                "employee_count": 250, "company": "Analytical Engines", "phone": null,
            })),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(made.body["employee_count"], 250);
        let id = made.body["id"].as_str().expect("id").to_string();
        let path = format!("/api/v1/leads/{id}");

        let edited = call(
            &app,
            Some(&k),
            "PATCH",
            &path,
            Some(json!({"title": "Countess"})),
        )
        .await;
        assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        assert_eq!(edited.body["title"], "Countess");
        assert_eq!(
            edited.body["email"], "ada@example.com",
            "fields not named keep their values"
        );
        assert_eq!(edited.body["company"], "Analytical Engines");

        for (body, field) in [
            (json!({"fist_name": "Ada"}), "fist_name"),
            (json!({"email": "not an address"}), "email"),
            (json!({"employee_count": "many"}), "employee_count"),
            (json!({"custom": {"nope": "x"}}), "custom.nope"),
        ] {
            let bad = call(&app, Some(&k), "PATCH", &path, Some(body.clone())).await;
            assert_eq!(
                bad.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{body}: {}",
                bad.body
            );
            assert!(
                bad.body["field"]
                    .as_str()
                    .is_some_and(|f| f.starts_with(field.split('.').next().unwrap_or(field))),
                "{body}: {}",
                bad.body
            );
        }
        let not_json = app
            .http
            .patch(format!("{}{path}", app.base))
            .bearer_auth(&k)
            .body("title=x")
            .send()
            .await
            .expect("sent");
        assert_eq!(not_json.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let same = get(&app, &k, &path).await;
        assert_eq!(same.body["title"], "Countess", "bad input changed nothing");
        assert_eq!(same.body["updated_at"], edited.body["updated_at"]);

        let dupe = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/leads",
            Some(json!({"first_name": "Ada", "last_name": "Again", "email": "ADA@example.com"})),
        )
        .await;
        assert_eq!(
            (dupe.status, dupe.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("email")),
            "a second Ada: {}",
            dupe.body
        );

        for i in 0..55 {
            let r = call(
                &app,
                Some(&k),
                "POST",
                "/api/v1/leads",
                Some(json!({"first_name": format!("P{i:02}"), "last_name": "Walker"})),
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let first = get(&app, &k, "/api/v1/leads?q=Walker&sort=name&dir=asc").await;
        assert_eq!(rows(&first.body), 50, "{}", first.body);
        let next = first.body["next"].as_str().expect("a next page");
        let second = get(
            &app,
            &k,
            &format!("/api/v1/leads?q=Walker&sort=name&dir=asc&after={next}"),
        )
        .await;
        assert_eq!(rows(&second.body), 5);
        assert_eq!(second.body["rows"][4]["full_name"], "P54 Walker");
        let bad = get(&app, &k, "/api/v1/leads?score_min=high").await;
        assert_eq!(
            (bad.status, bad.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("score_min"))
        );

        let gone = call(&app, Some(&k), "DELETE", &path, None).await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT);
        assert_eq!(get(&app, &k, &path).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            get(&app, &k, "/api/v1/leads/not-an-id").await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM audit_log WHERE action IN ('lead.created', 'lead.updated', 'lead.deleted')").await, 58);
        let nowhere = get(&app, &k, "/api/v1/nowhere").await;
        assert_eq!(
            (nowhere.status, nowhere.body["kind"].as_str()),
            (StatusCode::NOT_FOUND, Some("not_found"))
        );
    })
}

#[test]
fn accounts_contacts_deals_and_activities_go_through_the_api() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let k = key(&app, &owner, "write").await;
        let acme = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/accounts",
            Some(json!({"name": "Acme", "domain": "acme.io", "employee_count": 40})),
        )
        .await;
        assert_eq!(acme.status, StatusCode::CREATED, "{}", acme.body);
        let acme_id = acme.body["id"].as_str().expect("id").to_string();
        let edited = call(
            &app,
            Some(&k),
            "PATCH",
            &format!("/api/v1/accounts/{acme_id}"),
            Some(json!({"industry": "Software"})),
        )
        .await;
        assert_eq!(
            (
                edited.body["industry"].as_str(),
                edited.body["domain"].as_str()
            ),
            (Some("Software"), Some("acme.io")),
            "{}",
            edited.body
        );

        let grace = call(&app, Some(&k), "POST", "/api/v1/contacts", Some(json!({"first_name": "Grace", "last_name": "Hopper", "email": "grace@acme.io", "account": "acme"}))).await;
        assert_eq!(grace.status, StatusCode::CREATED, "{}", grace.body);
        assert_eq!(grace.body["account_name"], "Acme");
        let at_acme = get(&app, &k, &format!("/api/v1/contacts?account={acme_id}")).await;
        assert_eq!(rows(&at_acme.body), 1, "{}", at_acme.body);
        let nowhere = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/contacts",
            Some(json!({"first_name": "No", "last_name": "Where", "account": "Nowhere Inc"})),
        )
        .await;
        assert_eq!(
            (nowhere.status, nowhere.body["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("account")),
            "{}",
            nowhere.body
        );
        let detail = get(&app, &k, &format!("/api/v1/accounts/{acme_id}")).await;
        assert_eq!(
            detail.body["contacts"][0]["full_name"], "Grace Hopper",
            "{}",
            detail.body
        );

        let deal = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/opportunities",
            Some(
                json!({"name": "Acme renewal", "amount": "12,000.50", "close_date": "2027-01-31"}),
            ),
        )
        .await;
        assert_eq!(deal.status, StatusCode::CREATED, "{}", deal.body);
        assert_eq!(deal.body["opportunity"]["amount_minor"], 1_200_050);
        let deal_id = deal.body["opportunity"]["id"]
            .as_str()
            .expect("id")
            .to_string();
        let stage_field = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/opportunities",
            Some(json!({"name": "X", "amount": "1", "close_date": "2027-01-31", "stage_id": "x"})),
        )
        .await;
        assert_eq!(
            stage_field.body["field"], "stage_id",
            "{}",
            stage_field.body
        );
        let won = deal.body["stages"]
            .as_array()
            .expect("stages")
            .iter()
            .find(|s| s["kind"] == "won")
            .expect("a won stage")["id"]
            .clone();
        let closed = call(
            &app,
            Some(&k),
            "PATCH",
            &format!("/api/v1/opportunities/{deal_id}"),
            Some(json!({"stage_id": won, "next_step": "Invoice"})),
        )
        .await;
        assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
        assert!(closed.body["closed_at"].is_string(), "{}", closed.body);
        assert_eq!(
            closed.body["amount_minor"], 1_200_050,
            "the amount kept to the cent"
        );
        assert_eq!(
            rows(&get(&app, &k, "/api/v1/opportunities?state=won").await.body),
            1
        );
        assert_eq!(
            rows(&get(&app, &k, "/api/v1/opportunities?state=open").await.body),
            0
        );
        let bad_state = get(&app, &k, "/api/v1/opportunities?state=pending").await;
        assert_eq!(bad_state.body["field"], "state");
        for i in 0..100 {
            crate::records::deal(&format!("Deal {i:03}"))
                .create(&app, &owner)
                .await;
        }
        let page = get(&app, &k, "/api/v1/opportunities").await;
        assert_eq!(rows(&page.body), 100);
        let rest = get(
            &app,
            &k,
            &format!(
                "/api/v1/opportunities?after={}",
                page.body["next"].as_str().expect("next")
            ),
        )
        .await;
        assert_eq!(rows(&rest.body), 1, "{}", rest.body);
        assert_eq!(
            rest.body["rows"][0]["name"], "Acme renewal",
            "the oldest comes last"
        );
        assert!(rest.body["next"].is_null());

        let logged = call(&app, Some(&k), "POST", "/api/v1/activities", Some(json!({"opportunity": deal_id, "kind": "call", "subject": "Renewal call", "outcome": "Signed"}))).await;
        assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.body);
        let listed = get(
            &app,
            &k,
            &format!("/api/v1/activities?opportunity={deal_id}"),
        )
        .await;
        assert_eq!(listed.body[0]["subject"], "Renewal call", "{}", listed.body);
        let neither = get(&app, &k, "/api/v1/activities").await;
        assert_eq!(neither.status, StatusCode::UNPROCESSABLE_ENTITY);
        let both = get(
            &app,
            &k,
            &format!("/api/v1/activities?opportunity={deal_id}&account={acme_id}"),
        )
        .await;
        assert_eq!(both.status, StatusCode::UNPROCESSABLE_ENTITY);
        let bad_kind = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/activities",
            Some(json!({"account": acme_id, "kind": "fax", "subject": "x"})),
        )
        .await;
        assert_eq!(bad_kind.body["field"], "kind", "{}", bad_kind.body);

        assert_eq!(
            call(
                &app,
                Some(&k),
                "DELETE",
                &format!(
                    "/api/v1/contacts/{}",
                    grace.body["id"].as_str().expect("id")
                ),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(
                &app,
                Some(&k),
                "DELETE",
                &format!("/api/v1/opportunities/{deal_id}"),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(
            call(
                &app,
                Some(&k),
                "DELETE",
                &format!("/api/v1/accounts/{acme_id}"),
                None
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM accounts").await, 0);
    })
}

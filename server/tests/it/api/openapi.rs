use super::{call, get, key};
use crate::harness::{run, TestApp};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::BTreeSet;

/// Every `$ref` in `v`.
fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        out.insert(r.clone());
                    }
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_openapi_document_describes_every_route_and_every_schema_it_names() {
    run(async {
        let app = TestApp::spawn().await;
        let doc = call(&app, None, "GET", "/api/v1/openapi.json", None).await;
        assert_eq!(doc.status, StatusCode::OK);
        let doc = doc.body;
        assert!(
            doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")),
            "{}",
            doc["openapi"]
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["api_key"]["scheme"],
            "bearer"
        );
        let paths = doc["paths"].as_object().expect("paths");
        let mut routes = BTreeSet::new();
        for (path, item) in paths {
            for method in item.as_object().expect("item").keys() {
                routes.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
        let expected: BTreeSet<String> = [
            "GET /api/v1/leads",
            "POST /api/v1/leads",
            "GET /api/v1/leads/{id}",
            "PATCH /api/v1/leads/{id}",
            "DELETE /api/v1/leads/{id}",
            "GET /api/v1/accounts",
            "POST /api/v1/accounts",
            "GET /api/v1/accounts/{id}",
            "PATCH /api/v1/accounts/{id}",
            "DELETE /api/v1/accounts/{id}",
            "GET /api/v1/contacts",
            "POST /api/v1/contacts",
            "GET /api/v1/contacts/{id}",
            "PATCH /api/v1/contacts/{id}",
            "DELETE /api/v1/contacts/{id}",
            "GET /api/v1/opportunities",
            "POST /api/v1/opportunities",
            "GET /api/v1/opportunities/{id}",
            "PATCH /api/v1/opportunities/{id}",
            "DELETE /api/v1/opportunities/{id}",
            "GET /api/v1/activities",
            "POST /api/v1/activities",
            "GET /api/admin/v1/tenants",
            "GET /api/admin/v1/users",
            "GET /api/admin/v1/billing",
            "GET /api/admin/v1/plans",
            "GET /api/admin/v1/activity",
        ]
        .into_iter()
        .map(String::from)
        .collect();
        assert_eq!(routes, expected);
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let mut named = BTreeSet::new();
        refs(&doc, &mut named);
        assert!(named.len() > 20, "{named:?}");
        for r in &named {
            let name = r
                .strip_prefix("#/components/schemas/")
                .unwrap_or_else(|| panic!("{r}"));
            assert!(schemas.contains_key(name), "{r} is named but not described");
        }
        // What the document says a lead is, a lead through the API is.
        let lead_fields: BTreeSet<&String> = schemas["Lead"]["properties"]
            .as_object()
            .expect("lead")
            .keys()
            .collect();
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let k = key(&app, &owner, "write").await;
        let made = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/leads",
            Some(serde_json::json!({"first_name": "Ada", "last_name": "L"})),
        )
        .await;
        let got: BTreeSet<&String> = made.body.as_object().expect("lead").keys().collect();
        assert_eq!(lead_fields, got);
        // Every documented GET without a path parameter answers (the admin ones refuse).
        for route in &expected {
            let Some(path) = route.strip_prefix("GET ") else {
                continue;
            };
            if path.contains('{') || path.ends_with("/activities") {
                continue;
            }
            let a = get(&app, &k, path).await;
            let want = if path.starts_with("/api/admin") {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::OK
            };
            assert_eq!(a.status, want, "{path}: {}", a.body);
        }
        app.exec("UPDATE users SET is_platform_admin = true").await;
        let audit = get(&app, &k, "/api/admin/v1/activity?action=api_key.created").await;
        assert_eq!(
            audit.body["entries"].as_array().map(Vec::len),
            Some(1),
            "{}",
            audit.body
        );
        let tenants = get(&app, &k, "/api/admin/v1/tenants?search=Olga").await;
        assert_eq!(tenants.body[0]["name"], "Olga Org", "{}", tenants.body);
        let bad = get(&app, &k, "/api/admin/v1/users?state=sleeping").await;
        assert_eq!(bad.body["field"], "state");
        let trials = get(&app, &k, "/api/admin/v1/billing?status=trialing").await;
        assert_eq!(
            trials.body["subscriptions"][0]["tenant_name"], "Olga Org",
            "{}",
            trials.body
        );
        let bad = get(&app, &k, "/api/admin/v1/billing?invoice_status=owed").await;
        assert_eq!(bad.body["field"], "invoice_status");
        let plans = get(&app, &k, "/api/admin/v1/plans").await;
        assert_eq!(plans.body[0]["plan"]["id"], "free", "{}", plans.body);
    })
}

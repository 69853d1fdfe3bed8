use super::{call, get, key, make_key};
use crate::harness::{run, TestApp};
use app::api::billing::ChangePlan;
use models::AppError;
use reqwest::StatusCode;

fn api_calls(app: &TestApp) -> impl std::future::Future<Output = i64> + '_ {
    app.count("SELECT COALESCE(sum(quantity), 0)::bigint AS n FROM usage_events WHERE meter = 'api_calls'")
}

#[test]
fn each_key_has_its_rate_per_minute_and_every_call_counts_once_on_the_meter() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let slow = make_key(&app, &owner, "read", "3")
            .await
            .expect("a key")
            .secret;
        let other = key(&app, &owner, "read").await;
        for left in ["2", "1", "0"] {
            let a = get(&app, &slow, "/api/v1/leads").await;
            assert_eq!(a.status, StatusCode::OK);
            assert_eq!(a.headers["x-ratelimit-remaining"], left);
        }
        let refused = get(&app, &slow, "/api/v1/leads").await;
        assert_eq!(
            refused.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            refused.body
        );
        let wait: u64 = refused.headers["retry-after"]
            .to_str()
            .expect("header")
            .parse()
            .expect("seconds");
        assert!((1..=60).contains(&wait), "{wait}");
        assert!(
            matches!(refused.error(), AppError::RateLimited { retry_after_secs, .. } if retry_after_secs == wait)
        );
        assert_eq!(
            get(&app, &other, "/api/v1/leads").await.status,
            StatusCode::OK,
            "keys are limited apart"
        );
        assert_eq!(
            api_calls(&app).await,
            4,
            "answered calls count, refused ones do not"
        );
        let counted = app
            .rows("SELECT used FROM usage_counters WHERE meter = 'api_calls'")
            .await;
        assert_eq!(counted[0]["used"], 4);
        // The OpenAPI document is free and needs no key.
        assert_eq!(
            call(&app, None, "GET", "/api/v1/openapi.json", None)
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(api_calls(&app).await, 4);
    })
}

#[test]
fn a_capped_plan_refuses_calls_past_its_cap_with_the_reason() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        app.invoke(
            Some(&owner),
            ChangePlan {
                plan: "free".into(),
            },
        )
        .await
        .expect("free");
        app.exec(
            "UPDATE plan_meters SET included = 5 WHERE plan_id = 'free' AND meter = 'api_calls'",
        )
        .await;
        let k = key(&app, &owner, "read").await;
        let answers =
            futures_util::future::join_all((0..8).map(|_| get(&app, &k, "/api/v1/leads"))).await;
        let ok = answers
            .iter()
            .filter(|a| a.status == StatusCode::OK)
            .count();
        assert_eq!(ok, 5, "exactly the cap");
        for a in answers.iter().filter(|a| a.status != StatusCode::OK) {
            assert_eq!(a.status, StatusCode::PAYMENT_REQUIRED, "{}", a.body);
            assert!(
                matches!(a.error(), AppError::QuotaExceeded { message } if message.contains("API calls") && message.contains("limit of 5")),
                "{}",
                a.body
            );
        }
        assert_eq!(api_calls(&app).await, 5);
        assert_eq!(
            app.count("SELECT reserved AS n FROM usage_counters WHERE meter = 'api_calls'")
                .await,
            0
        );
    })
}

//! Stripe: webhook deliveries signed as Stripe signs them (valid, wrong secret, altered,
//! stale, replayed), applied once through the job queue and in the order of the events'
//! times; and a customer made in localstripe, whose own signed webhook comes back.

use super::localstripe::localstripe;
use crate::harness::{run, Options, TestApp};
use crate::members::{me, team_with};
use app::api::billing::SetUpPayments;
use billing::stripe::signature::sign;
use billing::stripe::StripeConfig;
use models::billing::PAYMENT_DETAILS_PATH;
use models::AppError;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_fixture_secret";

async fn with_stripe(api_url: &str, webhook_secret: &str) -> TestApp {
    TestApp::spawn_with(Options {
        stripe: Some(StripeConfig {
            secret_key: "sk_test_sales_hunter".into(),
            webhook_secret: webhook_secret.into(),
            api_url: api_url.into(),
        }),
        ..Options::default()
    })
    .await
}

async fn deliver(app: &TestApp, body: &str, signature: Option<&str>) -> StatusCode {
    let mut req = app
        .http
        .post(format!("{}/webhooks/stripe", app.base))
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_string());
    if let Some(s) = signature {
        req = req.header("stripe-signature", s);
    }
    req.send().await.expect("delivered").status()
}

fn event(id: &str, kind: &str, created: i64, object: Value) -> String {
    json!({"id": id, "object": "event", "type": kind, "created": created, "data": {"object": object}})
        .to_string()
}

fn invoice(status: &str, paid: i64) -> Value {
    json!({"id": "in_1", "object": "invoice", "customer": "cus_fixture", "status": status,
           "number": "SH-STRIPE-1", "amount_due": 19900, "amount_paid": paid, "currency": "usd",
           "hosted_invoice_url": "https://invoice.stripe.example/in_1"})
}

async fn status(app: &TestApp) -> String {
    app.rows("SELECT status FROM subscriptions").await[0]["status"]
        .as_str()
        .expect("status")
        .to_string()
}

#[test]
fn webhooks_are_verified_kept_once_and_applied_in_the_order_of_their_events() {
    run(async {
        let app = with_stripe("http://127.0.0.1:9", SECRET).await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        app.exec(&format!("INSERT INTO stripe_customers (tenant_id, customer_id) VALUES ('{tenant}', 'cus_fixture')")).await;
        app.exec("UPDATE subscriptions SET status = 'active'").await;
        let now = chrono::Utc::now().timestamp();
        let failed = event(
            "evt_failed",
            "invoice.payment_failed",
            now - 60,
            invoice("open", 0),
        );

        // Refused: no signature, another secret, an altered body, a stale signature.
        assert_eq!(deliver(&app, &failed, None).await, StatusCode::BAD_REQUEST);
        assert_eq!(
            deliver(
                &app,
                &failed,
                Some(&sign(failed.as_bytes(), "whsec_other", now))
            )
            .await,
            StatusCode::BAD_REQUEST
        );
        let altered = failed.replace("19900", "1");
        assert_eq!(
            deliver(&app, &altered, Some(&sign(failed.as_bytes(), SECRET, now))).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            deliver(
                &app,
                &failed,
                Some(&sign(failed.as_bytes(), SECRET, now - 400))
            )
            .await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            deliver(&app, "not json", Some(&sign(b"not json", SECRET, now))).await,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM stripe_events").await,
            0,
            "nothing refused is kept"
        );

        // Kept once: the same delivery again (Stripe's retry, or a replay) changes nothing.
        let signature = sign(failed.as_bytes(), SECRET, now);
        assert_eq!(
            deliver(&app, &failed, Some(&signature)).await,
            StatusCode::OK
        );
        assert_eq!(
            deliver(&app, &failed, Some(&signature)).await,
            StatusCode::OK
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM stripe_events").await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'billing.stripe_event'")
                .await,
            1
        );
        assert_eq!(
            status(&app).await,
            "active",
            "applied by the job, not the request"
        );
        app.drain_jobs(None).await;
        assert_eq!(status(&app).await, "past_due");
        let mirrored = app
            .rows("SELECT status, amount_due, number FROM stripe_invoices")
            .await;
        assert_eq!(mirrored[0]["status"], "open");
        assert_eq!(mirrored[0]["number"], "SH-STRIPE-1");

        // Paid: back to active. Then the failure again, older, delivered late: ignored.
        let paid = event("evt_paid", "invoice.paid", now - 30, invoice("paid", 19900));
        assert_eq!(
            deliver(&app, &paid, Some(&sign(paid.as_bytes(), SECRET, now))).await,
            StatusCode::OK
        );
        let late = event(
            "evt_failed_late",
            "invoice.payment_failed",
            now - 90,
            invoice("open", 0),
        );
        assert_eq!(
            deliver(&app, &late, Some(&sign(late.as_bytes(), SECRET, now))).await,
            StatusCode::OK
        );
        app.drain_jobs(None).await;
        assert_eq!(status(&app).await, "active");
        assert_eq!(
            app.rows("SELECT status FROM stripe_invoices").await[0]["status"],
            "paid"
        );
        let outcomes = app
            .rows("SELECT id, outcome FROM stripe_events ORDER BY created_at")
            .await;
        assert_eq!(
            outcomes[0]["outcome"], "ignored: older than what is mirrored",
            "{outcomes:?}"
        );

        // What localstripe does not emit: a subscription gone past due, then deleted.
        let sub = |status: &str| {
            json!({"id": "sub_1", "object": "subscription", "customer": "cus_fixture",
                                        "status": status, "cancel_at_period_end": false, "current_period_end": now + 86400})
        };
        let updated = event(
            "evt_sub_updated",
            "customer.subscription.updated",
            now - 20,
            sub("past_due"),
        );
        assert_eq!(
            deliver(&app, &updated, Some(&sign(updated.as_bytes(), SECRET, now))).await,
            StatusCode::OK
        );
        app.drain_jobs(None).await;
        assert_eq!(status(&app).await, "past_due");
        let deleted = event(
            "evt_sub_deleted",
            "customer.subscription.deleted",
            now - 10,
            sub("canceled"),
        );
        assert_eq!(
            deliver(&app, &deleted, Some(&sign(deleted.as_bytes(), SECRET, now))).await,
            StatusCode::OK
        );
        app.drain_jobs(None).await;
        assert_eq!(status(&app).await, "canceled");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM subscriptions WHERE canceled_at IS NOT NULL")
                .await,
            1
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'billing.payment_status_changed'").await, 4);
        // Another customer's events are kept and say why they changed nothing.
        let stranger = event(
            "evt_stranger",
            "invoice.paid",
            now,
            json!({"id": "in_9", "customer": "cus_unknown", "status": "paid"}),
        );
        assert_eq!(
            deliver(
                &app,
                &stranger,
                Some(&sign(stranger.as_bytes(), SECRET, now))
            )
            .await,
            StatusCode::OK
        );
        app.drain_jobs(None).await;
        assert_eq!(
            app.rows("SELECT outcome FROM stripe_events WHERE id = 'evt_stranger'")
                .await[0]["outcome"],
            "ignored: no organisation has customer cus_unknown"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM stripe_events WHERE processed_at IS NULL")
                .await,
            0
        );

        // Without Stripe configured there is no webhook.
        let plain = TestApp::spawn().await;
        assert_eq!(
            deliver(&plain, &failed, Some(&signature)).await,
            StatusCode::NOT_FOUND
        );
    })
}

#[test]
fn a_customer_made_in_localstripe_comes_back_by_its_own_signed_webhook() {
    run(async {
        let stripe = localstripe();
        let secret = format!("whsec_{}", uuid::Uuid::new_v4().simple());
        let app = with_stripe(&stripe.url, &secret).await;
        let http = reqwest::Client::new();
        let registered = http
            .post(format!(
                "{}/_config/webhooks/{}",
                stripe.url,
                uuid::Uuid::new_v4().simple()
            ))
            .form(&[
                ("url", format!("{}/webhooks/stripe", app.base)),
                ("secret", secret.clone()),
            ])
            .send()
            .await
            .expect("webhook registered");
        assert!(registered.status().is_success());
        let (owner, rep, _) = team_with(&app, "rep").await;
        let err = app
            .invoke(Some(&rep), SetUpPayments {})
            .await
            .expect_err("owners only");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        let customer = app
            .invoke(Some(&owner), SetUpPayments {})
            .await
            .expect("a customer");
        assert!(customer.starts_with("cus_"), "{customer}");
        assert_eq!(
            app.invoke(Some(&owner), SetUpPayments {})
                .await
                .expect("the same"),
            customer
        );
        let theirs: Value = http
            .get(format!("{}/v1/customers/{customer}", stripe.url))
            .bearer_auth("sk_test_sales_hunter")
            .send()
            .await
            .expect("read back")
            .json()
            .await
            .expect("json");
        let tenant = me(&app, &owner).await.tenant_id;
        assert_eq!(theirs["metadata"]["tenant_id"], tenant.to_string());
        assert_eq!(theirs["email"], "olga@example.com");

        // localstripe signs and sends customer.created a second later.
        let deadline = Instant::now() + Duration::from_secs(20);
        while app
            .count("SELECT count(*) AS n FROM stripe_events WHERE type = 'customer.created'")
            .await
            == 0
        {
            assert!(
                Instant::now() < deadline,
                "no signed customer.created arrived from localstripe"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        app.drain_jobs(None).await;
        let kept = app
            .rows("SELECT outcome FROM stripe_events WHERE type = 'customer.created'")
            .await;
        assert_eq!(kept[0]["outcome"], "mirrored");
        let mirrored = app
            .rows("SELECT customer_id, email FROM stripe_customers")
            .await;
        assert_eq!(
            (
                mirrored[0]["customer_id"].as_str(),
                mirrored[0]["email"].as_str()
            ),
            (Some(customer.as_str()), Some("olga@example.com"))
        );
    })
}

/// Stripe's customer portal, which localstripe does not have: a stand-in answering
/// `POST /v1/customers` and `POST /v1/billing_portal/sessions` as Stripe documents them,
/// refusing a wrong key or an unknown customer with Stripe's error shape.
async fn portal_stand_in() -> String {
    use axum::http::{HeaderMap, StatusCode as S};
    use axum::routing::post;
    use axum::{Form, Json};
    use std::collections::HashMap;
    fn authorised(h: &HeaderMap) -> bool {
        h.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer sk_test_sales_hunter")
    }
    fn refused(status: S, message: &str) -> (S, Json<Value>) {
        (
            status,
            Json(json!({"error": {"type": "invalid_request_error", "message": message}})),
        )
    }
    let app = axum::Router::new()
        .route(
            "/v1/customers",
            post(|h: HeaderMap, Form(f): Form<HashMap<String, String>>| async move {
                if !authorised(&h) {
                    return refused(S::UNAUTHORIZED, "Invalid API Key provided");
                }
                (S::OK, Json(json!({"id": "cus_portal", "object": "customer", "email": f.get("email")})))
            }),
        )
        .route(
            "/v1/billing_portal/sessions",
            post(|h: HeaderMap, Form(f): Form<HashMap<String, String>>| async move {
                if !authorised(&h) {
                    return refused(S::UNAUTHORIZED, "Invalid API Key provided");
                }
                match (f.get("customer").map(String::as_str), f.get("return_url")) {
                    (Some("cus_portal"), Some(back)) if back.ends_with("/settings/billing") => (
                        S::OK,
                        Json(json!({"id": "bps_1", "object": "billing_portal.session",
                                    "url": "https://billing.stripe.example/p/session/bps_1", "return_url": back})),
                    ),
                    _ => refused(S::BAD_REQUEST, "No such customer"),
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[test]
fn an_owner_is_sent_to_stripes_page_for_payment_details_and_others_are_not() {
    run(async {
        let stand_in = portal_stand_in().await;
        let app = with_stripe(&stand_in, SECRET).await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        // A link (a form's redirect to Stripe would be blocked by `form-action 'self'`).
        let res = app.get(Some(&owner), PAYMENT_DETAILS_PATH).await;
        assert!(res.status().is_redirection(), "{}", res.status());
        assert_eq!(
            res.headers()["location"],
            "https://billing.stripe.example/p/session/bps_1"
        );
        assert_eq!(
            app.rows("SELECT customer_id FROM stripe_customers").await[0]["customer_id"],
            "cus_portal"
        );
        let back = |res: &reqwest::Response| {
            res.headers()["location"]
                .to_str()
                .expect("location")
                .to_string()
        };
        let refused = app.get(Some(&rep), PAYMENT_DETAILS_PATH).await;
        assert!(
            back(&refused).starts_with("/settings/billing?payments_error="),
            "{}",
            back(&refused)
        );
        let anonymous = app.get(None, PAYMENT_DETAILS_PATH).await;
        assert!(
            back(&anonymous).starts_with("/sign-in"),
            "{}",
            back(&anonymous)
        );
        let payments = app
            .invoke(Some(&owner), app::api::billing::GetPayments {})
            .await
            .expect("payments");
        assert!(payments.configured && payments.can_manage);
        assert_eq!(payments.customer_id.as_deref(), Some("cus_portal"));
        // Stripe refusing (here: a customer it no longer knows) is said on the page, not a 500.
        app.exec("UPDATE stripe_customers SET customer_id = 'cus_gone'")
            .await;
        let failed = app.get(Some(&owner), PAYMENT_DETAILS_PATH).await;
        let to = back(&failed);
        assert!(
            to.starts_with("/settings/billing?payments_error=") && to.contains("payment%20details"),
            "{to}"
        );
    })
}

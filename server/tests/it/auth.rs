//! Sign-up, sign-in, throttling, sign-out, the page guard, CSRF and error hygiene, through
//! the real router over HTTP against a fresh database.

use crate::harness::run;
use crate::harness::{assert_field, session_cookie, set_cookie_header, Options, TestApp};
use app::api::auth::CurrentUser;
use app::api::auth::SignIn;
use app::api::auth::SignOut;
use app::api::auth::SignUp;
use app::api::invitations::ListInvitations;
use models::session::SessionUser;
use models::{AppError, Role};

const PASSWORD: &str = "a good long password";

#[test]
fn sign_up_creates_tenant_owner_session_and_audit_entry() {
    run(async {
        let app = TestApp::spawn().await;
        let (status, headers, body) = app
            .post::<SignUp>(
                None,
                &[
                    ("name", "Ada Owner"),
                    ("email", " Ada@Example.com "),
                    ("password", PASSWORD),
                    ("organisation", "Ada Analytics"),
                ],
                &[],
            )
            .await;
        assert!(status.is_success(), "{status} {body}");
        let cookie = set_cookie_header(&headers);
        assert!(
            cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Lax")
                && cookie.contains("Path=/"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "loopback over plain HTTP must not set Secure: {cookie}"
        );
        let session = session_cookie(&headers).expect("session");

        let me: Option<SessionUser> = app
            .call::<CurrentUser>(Some(&session), &[])
            .await
            .expect("current_user");
        let me = me.expect("signed in");
        assert_eq!(me.email, "ada@example.com");
        assert_eq!(me.tenant_name, "Ada Analytics");
        assert_eq!(me.role, Role::Owner);
        assert!(!me.is_platform_admin);

        assert_eq!(app.count("SELECT count(*) AS n FROM tenants").await, 1);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM memberships WHERE role = 'owner'")
                .await,
            1
        );
        assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.signed_up' AND ip = '127.0.0.1' AND actor_id IS NOT NULL").await,
        1
    );
        assert!(
            app.count("SELECT count(*) AS n FROM users WHERE password_hash LIKE '$argon2id$%'")
                .await
                == 1
        );
    })
}

#[test]
fn bad_sign_up_input_names_the_field_and_writes_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let long = "x".repeat(101);
        let cases: [(&str, [(&str, &str); 4]); 7] = [
            (
                "name",
                [
                    ("name", ""),
                    ("email", "a@example.com"),
                    ("password", PASSWORD),
                    ("organisation", "Org"),
                ],
            ),
            (
                "name",
                [
                    ("name", &long),
                    ("email", "a@example.com"),
                    ("password", PASSWORD),
                    ("organisation", "Org"),
                ],
            ),
            (
                "email",
                [
                    ("name", "A"),
                    ("email", ""),
                    ("password", PASSWORD),
                    ("organisation", "Org"),
                ],
            ),
            (
                "email",
                [
                    ("name", "A"),
                    ("email", "not-an-email"),
                    ("password", PASSWORD),
                    ("organisation", "Org"),
                ],
            ),
            (
                "email",
                [
                    ("name", "A"),
                    ("email", "a@b"),
                    ("password", PASSWORD),
                    ("organisation", "Org"),
                ],
            ),
            (
                "password",
                [
                    ("name", "A"),
                    ("email", "a@example.com"),
                    ("password", "short"),
                    ("organisation", "Org"),
                ],
            ),
            (
                "organisation",
                [
                    ("name", "A"),
                    ("email", "a@example.com"),
                    ("password", PASSWORD),
                    ("organisation", &long),
                ],
            ),
        ];
        for (field, form) in cases {
            let err = app.call::<SignUp>(None, &form).await.expect_err(field);
            assert_field(&err, field);
        }
        // A missing field entirely is reported too, not a crash.
        let err = app
            .call::<SignUp>(None, &[("name", "A")])
            .await
            .expect_err("missing fields");
        assert!(matches!(err, AppError::Validation { .. }), "{err:?}");

        for table in ["tenants", "users", "memberships", "sessions", "audit_log"] {
            assert_eq!(
                app.count(&format!("SELECT count(*) AS n FROM {table}"))
                    .await,
                0,
                "{table} must stay empty"
            );
        }
    })
}

#[test]
fn a_taken_email_is_a_field_error_and_the_first_account_is_untouched() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("First", "taken@example.com", "First Org").await;
        let err = app
            .call::<SignUp>(
                None,
                &[
                    ("name", "Second"),
                    ("email", "TAKEN@example.com"),
                    ("password", PASSWORD),
                    ("organisation", "Second Org"),
                ],
            )
            .await
            .expect_err("duplicate");
        assert_field(&err, "email");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM tenants").await,
            1,
            "the second tenant was rolled back"
        );
        app.sign_in("taken@example.com", PASSWORD)
            .await
            .expect("the first account still signs in");
    })
}

#[test]
fn sign_in_succeeds_and_a_wrong_password_or_unknown_email_fails_alike() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("Bo", "bo@example.com", "Bo Org").await;

        let session = app
            .sign_in("bo@example.com", PASSWORD)
            .await
            .expect("sign in");
        let me: Option<SessionUser> = app
            .call::<CurrentUser>(Some(&session), &[])
            .await
            .expect("me");
        assert_eq!(me.map(|m| m.email), Some("bo@example.com".into()));
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.signed_in'")
                .await,
            1
        );

        let wrong = app
            .sign_in("bo@example.com", "wrong password!")
            .await
            .expect_err("wrong password");
        let unknown = app
            .sign_in("nobody@example.com", "wrong password!")
            .await
            .expect_err("unknown");
        assert_field(&wrong, "password");
        assert_eq!(
            wrong, unknown,
            "the answer must not reveal which e-mails have accounts"
        );
        let empty = app.sign_in("bo@example.com", "").await.expect_err("empty");
        assert_field(&empty, "password");

        assert_eq!(
            app.count("SELECT count(*) AS n FROM login_attempts WHERE NOT succeeded")
                .await,
            2
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM sessions").await,
            2,
            "no session for failures"
        );
    })
}

#[test]
fn sign_in_is_throttled_per_account() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("Cy", "cy@example.com", "Cy Org").await;
        app.sign_up("Di", "di@example.com", "Di Org").await;
        for _ in 0..5 {
            let e = app
                .sign_in("cy@example.com", "wrong password!")
                .await
                .expect_err("wrong");
            assert_field(&e, "password");
        }
        // Locked now, even with the right password.
        match app
            .sign_in("cy@example.com", PASSWORD)
            .await
            .expect_err("throttled")
        {
            AppError::RateLimited {
                message,
                retry_after_secs,
            } => {
                assert!(message.contains("for this account"), "{message}");
                assert!((1..=900).contains(&retry_after_secs), "{retry_after_secs}");
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
        let (status, _, _) = app
            .post::<SignIn>(
                None,
                &[("email", "cy@example.com"), ("password", PASSWORD)],
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 429);
        // Another account from the same address is unaffected.
        app.sign_in("di@example.com", PASSWORD)
            .await
            .expect("other account");
    })
}

#[test]
fn sign_in_is_throttled_per_ip() {
    run(async {
        let app = TestApp::spawn_with(Options {
            trust_proxy: true,
            ..Options::default()
        })
        .await;
        app.sign_up("Ed", "ed@example.com", "Ed Org").await;
        let attacker = [("x-forwarded-for", "203.0.113.9")];
        for i in 0..30 {
            let email = format!("guess{i}@example.com");
            let (status, _, _) = app
                .post::<SignIn>(
                    None,
                    &[("email", &email), ("password", "guess guess")],
                    &attacker,
                )
                .await;
            assert_eq!(status.as_u16(), 422, "attempt {i}");
        }
        let (status, _, body) = app
            .post::<SignIn>(
                None,
                &[("email", "ed@example.com"), ("password", PASSWORD)],
                &attacker,
            )
            .await;
        assert_eq!(status.as_u16(), 429, "{body}");
        assert!(body.contains("from your network"), "{body}");
        // A forged entry on the left does not make the attacker someone else: the proxy's
        // own entry (the rightmost) is the address.
        let (status, _, body) = app
            .post::<SignIn>(
                None,
                &[("email", "ed@example.com"), ("password", PASSWORD)],
                &[("x-forwarded-for", "198.51.100.50, 203.0.113.9")],
            )
            .await;
        assert_eq!(status.as_u16(), 429, "a forged left entry: {body}");
        let (status, _, body) = app
            .post::<SignIn>(
                None,
                &[("email", "ed@example.com"), ("password", PASSWORD)],
                &[("x-forwarded-for", "203.0.113.9, 198.51.100.7")],
            )
            .await;
        assert!(status.is_success(), "another address signs in: {body}");
    })
}

#[test]
fn sign_out_revokes_the_session_on_the_server() {
    run(async {
        let app = TestApp::spawn().await;
        let session = app.sign_up("Flo", "flo@example.com", "Flo Org").await;
        let (status, headers, _) = app.post::<SignOut>(Some(&session), &[], &[]).await;
        assert!(status.is_success());
        assert!(
            set_cookie_header(&headers).contains("Max-Age=0"),
            "the cookie is cleared"
        );
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/sign-in")
        );
        let me: Option<SessionUser> = app
            .call::<CurrentUser>(Some(&session), &[])
            .await
            .expect("me");
        assert!(me.is_none(), "the old cookie no longer works");
        assert_eq!(app.count("SELECT count(*) AS n FROM sessions").await, 0);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.signed_out'")
                .await,
            1
        );
    })
}

#[test]
fn pages_need_a_session_and_sign_in_pages_do_not() {
    run(async {
        let app = TestApp::spawn().await;
        let res = app.get(None, "/").await;
        assert_eq!(res.status().as_u16(), 303);
        assert_eq!(res.headers()["location"], "/sign-in");
        let res = app.get(None, "/settings/members").await;
        assert_eq!(res.headers()["location"], "/sign-in?next=/settings/members");
        let res = app.get(None, "/sign-in").await;
        assert_eq!(res.status().as_u16(), 200);
        let html = res.text().await.expect("html");
        assert!(html.contains("Sign in to your organisation"));

        let session = app.sign_up("Gus", "gus@example.com", "Gus Org").await;
        let res = app.get(Some(&session), "/").await;
        assert_eq!(res.status().as_u16(), 200);
        let html = res.text().await.expect("html");
        assert!(
            html.contains("Gus Org") && html.contains("Welcome, Gus"),
            "the shell renders on the server"
        );
        let res = app.get(Some(&session), "/sign-in").await;
        assert_eq!(res.headers()["location"], "/");

        // Tenant owners are not platform admins: the admin console is refused.
        let res = app.get(Some(&session), "/admin").await;
        assert_eq!(res.status().as_u16(), 403);

        let res = app.get(Some(&session), "/no/such/page").await;
        assert_eq!(res.status().as_u16(), 404);
        assert!(res.text().await.expect("html").contains("Page not found"));
    })
}

#[test]
fn plain_html_forms_work_without_javascript() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("Hal", "hal@example.com", "Hal Org").await;
        let referer = format!("{}/sign-in", app.base);
        let html_form = [("accept", "text/html"), ("referer", referer.as_str())];

        let (status, headers, _) = app
            .post::<SignIn>(
                None,
                &[
                    ("email", "hal@example.com"),
                    ("password", "wrong password!"),
                ],
                &html_form,
            )
            .await;
        assert_eq!(status.as_u16(), 302);
        let location = headers["location"].to_str().expect("location").to_string();
        assert!(
            location.contains("__err="),
            "the error travels in the URL: {location}"
        );
        let page = app
            .get(None, location.trim_start_matches(&app.base))
            .await
            .text()
            .await
            .expect("html");
        assert!(
            page.contains("The e-mail or password is incorrect."),
            "the page shows the error without JS"
        );

        let (status, headers, _) = app
            .post::<SignIn>(
                None,
                &[("email", "hal@example.com"), ("password", PASSWORD)],
                &html_form,
            )
            .await;
        assert_eq!(status.as_u16(), 302);
        assert_eq!(headers["location"], "/");
        assert!(session_cookie(&headers).is_some());
    })
}

#[test]
fn state_changing_requests_from_another_origin_are_refused() {
    run(async {
        let app = TestApp::spawn().await;
        app.sign_up("Ivy", "ivy@example.com", "Ivy Org").await;
        let (status, _, body) = app
            .post::<SignIn>(
                None,
                &[("email", "ivy@example.com"), ("password", PASSWORD)],
                &[("origin", "http://evil.example")],
            )
            .await;
        assert_eq!(status.as_u16(), 403, "{body}");
        let (status, _, _) = app
            .post::<SignIn>(
                None,
                &[("email", "ivy@example.com"), ("password", PASSWORD)],
                &[("sec-fetch-site", "cross-site")],
            )
            .await;
        // Our own Origin wins over a stray Sec-Fetch-Site (this one signs in and is recorded).
        assert!(status.is_success());
        // A cross-site request with no Origin header at all is refused too.
        let res = app
            .http
            .post(format!("{}/api/sign_in", app.base))
            .header("sec-fetch-site", "cross-site")
            .form(&[("email", "ivy@example.com"), ("password", PASSWORD)])
            .send()
            .await
            .expect("request");
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM login_attempts").await,
            1,
            "only the same-origin request was processed"
        );
    })
}

#[test]
fn database_failures_reach_the_browser_only_as_a_reference() {
    run(async {
        let app = TestApp::spawn().await;
        let session = app.sign_up("Jo", "jo@example.com", "Jo Org").await;
        app.exec("DROP TABLE invitations CASCADE").await;
        let (status, _, body) = app.post::<ListInvitations>(Some(&session), &[], &[]).await;
        assert_eq!(status.as_u16(), 500);
        let err: AppError = serde_json::from_str(&body).expect("AppError");
        assert!(matches!(err, AppError::Internal { .. }), "{err:?}");
        for leak in ["invitations", "relation", "does not exist", "SQL"] {
            assert!(!body.contains(leak), "{leak:?} leaked: {body}");
        }
    })
}

#[test]
fn health_check_reports_the_database() {
    run(async {
        let app = TestApp::spawn().await;
        let res = app.get(None, "/healthz").await;
        assert_eq!(res.status().as_u16(), 200);
        assert!(
            res.headers().contains_key("x-request-id"),
            "every response carries its request id"
        );
    })
}

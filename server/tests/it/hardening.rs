//! HTTP hardening: security headers (a CSP whose nonce the page's own scripts carry),
//! malformed bodies to every server function answered 4xx (never 5xx), body size limits,
//! compression, and a friendly page when the database is away.

use crate::harness::{run, Options, TestApp};
use app::api::auth::SignIn;
use leptos::server_fn::ServerFn;

#[test]
fn every_response_carries_the_security_headers() {
    run(async {
        let app = TestApp::spawn().await;
        for path in ["/sign-in", "/no/such/page", "/healthz"] {
            let res = app.get(None, path).await;
            let h = res.headers();
            let csp = h
                .get("content-security-policy")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            assert!(
                csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"),
                "{path}: {csp}"
            );
            assert!(csp.contains("script-src 'self' 'nonce-"), "{path}: {csp}");
            assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(
                h.get("x-content-type-options")
                    .and_then(|v| v.to_str().ok()),
                Some("nosniff"),
                "{path}"
            );
            assert!(h.get("referrer-policy").is_some(), "{path}");
            assert!(
                h.get("strict-transport-security").is_none(),
                "{path}: no HSTS over plain HTTP"
            );
        }
        // The page's inline scripts carry this response's nonce, so they run under the CSP;
        // the 404 page too (it is rendered by the fallback, which once made its own nonce).
        let mut csp = String::new();
        for (path, status) in [("/no/such/page", 404), ("/sign-in", 200)] {
            let res = app.get(None, path).await;
            assert_eq!(res.status().as_u16(), status, "{path}");
            csp = res.headers()["content-security-policy"]
                .to_str()
                .expect("csp")
                .to_string();
            let nonce = csp
                .split("'nonce-")
                .nth(1)
                .and_then(|r| r.split('\'').next())
                .expect("nonce")
                .to_string();
            let html = res.text().await.expect("html");
            let scripts = html.matches("<script").count();
            assert!(scripts > 0, "{path}: the page has its hydration script");
            assert_eq!(
                html.matches(&format!("nonce=\"{nonce}\"")).count(),
                scripts,
                "{path}: every script has the header's nonce: {html}"
            );
        }
        let again = app.get(None, "/sign-in").await;
        assert_ne!(
            again.headers()["content-security-policy"]
                .to_str()
                .expect("csp"),
            csp,
            "a new nonce each time"
        );
    })
}

#[test]
fn hsts_is_sent_when_served_over_https() {
    run(async {
        let app = TestApp::spawn_with(Options {
            public_url: Some("https://sales.example.com".into()),
            ..Options::default()
        })
        .await;
        let res = app.get(None, "/sign-in").await;
        let hsts = res
            .headers()
            .get("strict-transport-security")
            .and_then(|v| v.to_str().ok());
        assert!(hsts.is_some_and(|v| v.contains("max-age=")), "{hsts:?}");
    })
}

#[test]
fn malformed_bodies_to_every_server_function_are_client_errors() {
    run(async {
        let app = TestApp::spawn().await;
        let session = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let paths: Vec<&str> = leptos::server_fn::axum::server_fn_paths()
            .map(|(p, _)| p)
            .collect();
        assert!(paths.len() >= 15, "{paths:?}");
        let invalid_utf8: Vec<u8> = vec![0xff, 0xfe, b'=', 0xc3, 0x28];
        let bodies: [(&str, Vec<u8>); 6] = [
            ("application/x-www-form-urlencoded", invalid_utf8.clone()),
            (
                "application/x-www-form-urlencoded",
                b"%%%=%%%&&&===".to_vec(),
            ),
            (
                "application/x-www-form-urlencoded",
                b"user_id=not-a-uuid&tenant_id=xyz&id=1e999&role=emperor&state=bogus&email=&token="
                    .to_vec(),
            ),
            (
                "application/x-www-form-urlencoded",
                b"email[]=a&email[]=b&email[x]=c".to_vec(),
            ),
            (
                "application/json",
                b"{\"email\": [1, 2, 3], \"password\": {}}".to_vec(),
            ),
            ("text/plain", invalid_utf8),
        ];
        let mut answered = 0;
        for path in &paths {
            for session in [None, Some(session.as_str())] {
                for (content_type, body) in &bodies {
                    let (status, _, text) = app
                        .send(session, path, content_type, body.clone(), &[])
                        .await;
                    assert!(
                        !status.is_server_error(),
                        "{path} ({content_type}, {:?}, signed in: {}): {status} {text}",
                        String::from_utf8_lossy(body),
                        session.is_some()
                    );
                    answered += 1;
                }
                // Bytes that are not text at all can never be a valid form.
                let (status, _, text) = app
                    .send(
                        session,
                        path,
                        "application/x-www-form-urlencoded",
                        vec![0xff, 0x00, 0xfe],
                        &[],
                    )
                    .await;
                assert!(status.is_client_error(), "{path}: {status} {text}");
            }
        }
        assert!(answered > 100);
        // A missing field is named.
        let (status, _, body) = app
            .send(
                None,
                SignIn::PATH,
                "application/x-www-form-urlencoded",
                b"email=a%40example.com".to_vec(),
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 422);
        assert!(body.contains("\"field\":\"password\""), "{body}");
        // Nothing was written by any of it beyond the sign-up.
        assert_eq!(app.count("SELECT count(*) AS n FROM tenants").await, 1);
        assert_eq!(app.count("SELECT count(*) AS n FROM users").await, 1);
    })
}

#[test]
fn oversized_bodies_are_refused() {
    run(async {
        let app = TestApp::spawn().await;
        let body = format!(
            "email=a%40example.com&password={}",
            "x".repeat(2 * 1024 * 1024)
        );
        let (status, _, _) = app
            .send(
                None,
                SignIn::PATH,
                "application/x-www-form-urlencoded",
                body.into_bytes(),
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 413);
    })
}

#[test]
fn pages_are_compressed_for_clients_that_accept_it() {
    run(async {
        let app = TestApp::spawn().await;
        for encoding in ["gzip", "br"] {
            let res = app
                .http
                .get(format!("{}/sign-in", app.base))
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("get");
            assert_eq!(
                res.headers()
                    .get("content-encoding")
                    .and_then(|v| v.to_str().ok()),
                Some(encoding)
            );
        }
    })
}

#[test]
fn a_page_load_while_the_database_is_away_gets_a_friendly_retrying_page() {
    run(async {
        let app = TestApp::spawn_with(Options {
            database_down: true,
            ..Options::default()
        })
        .await;
        let res = app
            .http
            .get(format!("{}/", app.base))
            .header("cookie", format!("sh_session={}", "a".repeat(64)))
            .header("accept", "text/html,application/xhtml+xml")
            .send()
            .await
            .expect("get");
        assert_eq!(res.status().as_u16(), 503);
        assert_eq!(
            res.headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("5")
        );
        assert!(res.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html"));
        let html = res.text().await.expect("html");
        assert!(
            html.contains("http-equiv=\"refresh\"") && html.contains("back in a moment"),
            "{html}"
        );
        assert!(!html.contains("\"kind\""), "no raw JSON error: {html}");

        // A server function still answers JSON, with 503.
        let (status, _, body) = app
            .send(
                Some(&"a".repeat(64)),
                SignIn::PATH,
                "application/x-www-form-urlencoded",
                b"email=a%40example.com&password=x".to_vec(),
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 503);
        assert!(body.contains("\"kind\":\"unavailable\""), "{body}");
    })
}

#[test]
fn a_client_that_trickles_its_request_head_is_cut_off() {
    run(async {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let app = TestApp::spawn().await;
        let addr = app.base.trim_start_matches("http://").to_string();
        let mut slow = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        slow.write_all(b"GET /sign-in HTTP/1.1\r\nHost: x\r\n")
            .await
            .expect("write");
        // The harness serves with a one-second deadline for the request head (10 s in production).
        let mut buf = Vec::new();
        let read = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            slow.read_to_end(&mut buf),
        )
        .await;
        assert!(read.is_ok(), "the server closed the connection");
        // Meanwhile, and after, others are served.
        assert_eq!(app.get(None, "/healthz").await.status().as_u16(), 200);
    })
}

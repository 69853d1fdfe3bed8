//! Who is calling (session, IP, request id), and the sign-in guard for pages.

use super::error_response;
use super::REQUEST_ID;
use crate::state::ServerState;
use app::state::RequestAuth;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use models::AppError;
use platform::auth::SESSION_COOKIE;
use platform::Client;
use std::net::SocketAddr;

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The address the trusted proxy saw: the rightmost `X-Forwarded-For` entry, which that
/// proxy appended. Entries to its left came with the request and anyone can write them, so
/// the throttle must not key on them. Several headers read as one list, in order.
fn forwarded_client(headers: &HeaderMap) -> Option<String> {
    let last = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .rfind(|entry| !entry.is_empty())?;
    last.parse::<std::net::IpAddr>()
        .ok()
        .map(|ip| ip.to_string())
}

fn client_of(req: &Request, trust_proxy: bool) -> Client {
    let headers = req.headers();
    let forwarded = trust_proxy.then(|| forwarded_client(headers)).flatten();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    Client {
        ip: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| ua.chars().take(300).collect()),
        request_id: headers
            .get(REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    }
}

fn is_static(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg" || path == "/healthz"
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// What a browser gets when a page cannot be served: a page that says what happened, not
/// the JSON a server function answers. While the database is away it tries again by itself.
fn error_page(e: &AppError) -> Response {
    let unavailable = matches!(e, AppError::Unavailable { .. });
    let (title, refresh) = if unavailable {
        (
            "Sales Hunter is back in a moment",
            r#"<meta http-equiv="refresh" content="5">"#,
        )
    } else {
        ("Something went wrong", "")
    };
    let detail = if unavailable {
        "We cannot reach our database right now. This page tries again every few seconds; nothing you saved is lost.".to_string()
    } else {
        e.to_string()
    };
    let page = format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{refresh}<title>{title} · Sales Hunter</title></head>
<body class="h-full bg-slate-50 text-slate-900"><main class="mx-auto max-w-md px-4 py-24 text-center">
<h1 class="text-2xl font-semibold">{title}</h1>
<p class="mt-4 text-slate-700">{detail}</p>
<p class="mt-6"><a class="font-semibold text-indigo-700" href="">Try again now</a></p>
</main></body></html>"#
    );
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "text/html; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-store");
    if unavailable {
        response = response.header(header::RETRY_AFTER, "5");
    }
    response
        .body(Body::from(page))
        .unwrap_or_else(|_| status.into_response())
}

/// Resolves the session cookie into a [`RequestAuth`] for the handlers, redirects signed-out
/// page loads to the sign-in page (and signed-in ones away from it).
pub async fn resolve_session(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if is_static(&path) {
        return next.run(req).await;
    }
    let client = client_of(&req, state.trust_proxy);
    let token = cookie(req.headers(), SESSION_COOKIE).filter(|t| !t.is_empty());
    let user = match &token {
        Some(t) => match platform::auth::resolve_session(&state.app.db, t).await {
            Ok(user) => user,
            Err(e) => {
                let e = AppError::from(e);
                if req.method() == Method::GET && wants_html(req.headers()) {
                    return error_page(&e);
                }
                return error_response(e);
            }
        },
        None => None,
    };
    if req.method() == Method::GET {
        if user.is_none() && state.protected_pages.contains(&path) {
            let target = if path == "/" {
                "/sign-in".to_string()
            } else {
                format!("/sign-in?next={path}")
            };
            return Redirect::to(&target).into_response();
        }
        if user.is_some() && (path == "/sign-in" || path == "/sign-up") {
            return Redirect::to("/").into_response();
        }
    }
    req.extensions_mut().insert(RequestAuth {
        user,
        token,
        client,
    });
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; sh_session=abc; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, "sh_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    fn forwarded(values: &[&str]) -> Option<String> {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().expect("header"));
        }
        forwarded_client(&headers)
    }

    #[test]
    fn the_client_is_the_entry_the_trusted_proxy_appended() {
        assert_eq!(forwarded(&["203.0.113.9"]).as_deref(), Some("203.0.113.9"));
        // A client's own header is kept on the left; the proxy's entry is the last.
        assert_eq!(
            forwarded(&["1.2.3.4, 198.51.100.7"]).as_deref(),
            Some("198.51.100.7")
        );
        assert_eq!(
            forwarded(&["1.2.3.4", "198.51.100.7"]).as_deref(),
            Some("198.51.100.7")
        );
        assert_eq!(
            forwarded(&["2001:db8::1 , "]).as_deref(),
            Some("2001:db8::1")
        );
        // Not an address, or nothing: the peer address is used instead.
        assert_eq!(forwarded(&["1.2.3.4, unknown"]), None);
        assert_eq!(forwarded(&[]), None);
    }
}

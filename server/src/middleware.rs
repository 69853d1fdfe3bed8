//! Request middleware: who is calling (session, IP, request id), the sign-in guard for pages,
//! and the same-origin rule for state-changing requests.

use crate::router::ServerState;
use app::state::RequestAuth;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use models::AppError;
use platform::auth::SESSION_COOKIE;
use platform::Client;
use std::net::SocketAddr;

pub const REQUEST_ID: &str = "x-request-id";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn client_of(req: &Request, trust_proxy: bool) -> Client {
    let headers = req.headers();
    let forwarded = trust_proxy
        .then(|| headers.get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|ip| ip.trim().to_string())
        .filter(|ip| !ip.is_empty());
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
            Err(e) => return error_response(AppError::from(e)),
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

/// Refuses state-changing requests from another origin (CSRF): the `Origin` header must be
/// ours when present, and a browser's `Sec-Fetch-Site: cross-site` is refused outright.
pub async fn same_origin(State(state): State<ServerState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let allowed = match origin {
        Some(o) => {
            o == state.public_origin
                || o == format!("http://{host}")
                || o == format!("https://{host}")
        }
        None => headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) != Some("cross-site"),
    };
    if !allowed {
        tracing::warn!(
            origin = origin.unwrap_or("-"),
            "refused a cross-origin request"
        );
        return error_response(AppError::forbidden(
            "Requests from another site are not accepted.",
        ));
    }
    next.run(req).await
}

/// server_fn answers every error with 500 (marked by its `serverfnerror` header). The status
/// is mended here from the `AppError` in the body, so HTTP clients see 401, 403, 422, 429 ...
pub async fn server_fn_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, 64 * 1024).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "reading a server function's error body");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// An `AppError` as an HTTP response: JSON for API callers, the message as text otherwise.
pub fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_else(|_| "{\"kind\":\"internal\"}".into());
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| status.into_response())
}

/// The path as it may be logged: invitation tokens are credentials.
pub fn loggable_path(path: &str) -> String {
    if path.starts_with("/invite/") {
        "/invite/…".to_string()
    } else {
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cookies() {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; sh_session=abc; b=2".parse().expect("header"),
        );
        assert_eq!(cookie(&h, "sh_session").as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn hides_invitation_tokens() {
        assert_eq!(loggable_path("/invite/0123abcd"), "/invite/…");
        assert_eq!(loggable_path("/leads"), "/leads");
    }
}

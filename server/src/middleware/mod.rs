//! Request middleware, outermost first as `router.rs` stacks it: security headers (and the
//! CSP nonce), the same-origin rule, the session, and the status mending of server-function
//! errors.

pub mod origin;
pub mod security_headers;
pub mod server_fn_status;
pub mod session;

use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use models::AppError;

pub const REQUEST_ID: &str = "x-request-id";

/// An `AppError` as a JSON response with its status.
pub fn error_response(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&e).unwrap_or_else(|_| "{\"kind\":\"internal\"}".into());
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| status.into_response())
}

/// The path as it may be logged: invitation and reset tokens are credentials.
pub fn loggable_path(path: &str) -> String {
    for secret in ["/invite/", "/reset-password/"] {
        if path.starts_with(secret) {
            return format!("{secret}…");
        }
    }
    path.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hides_tokens_in_paths() {
        assert_eq!(loggable_path("/invite/0123abcd"), "/invite/…");
        assert_eq!(
            loggable_path("/reset-password/0123abcd"),
            "/reset-password/…"
        );
        assert_eq!(loggable_path("/leads"), "/leads");
    }
}

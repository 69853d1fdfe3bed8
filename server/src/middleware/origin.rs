//! The same-origin rule for state-changing requests (CSRF).

use super::error_response;
use crate::state::ServerState;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::Response;
use models::AppError;

/// Refuses state-changing requests from another origin: the `Origin` header must be ours
/// when present, and a browser's `Sec-Fetch-Site: cross-site` is refused outright.
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

//! Security headers on every response, and the per-request nonce that lets the page's own
//! inline scripts (hydration, resource data) run under a strict Content-Security-Policy.

use crate::state::ServerState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The nonce of this request, for the renderer (see `router.rs`).
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

pub async fn security_headers(
    State(state): State<ServerState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = hex::encode(rand::random::<[u8; 16]>());
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let is_pkg = req.uri().path().starts_with("/pkg/");
    let mut response = next.run(req).await;
    let response_ok = response.status().is_success();
    let headers = response.headers_mut();
    let cached = headers.contains_key(header::CACHE_CONTROL);
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        &content_security_policy(&nonce),
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "strict-origin-when-cross-origin");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if state.hsts {
        set(
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if is_pkg && !cached && response_ok {
        // Hashed names change with their content: cache for a year. Unhashed ones (a build
        // without hash-files) are revalidated on every use instead.
        let policy = if state.hashed_assets {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        set(header::CACHE_CONTROL, policy);
    }
    response
}

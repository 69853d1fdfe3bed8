//! The one router: pages (server-rendered), server functions (registered under `/api/` by
//! `leptos_routes_with_context`), the JSON API (`/api/v1`, `/api/admin/v1`: `crate::api`),
//! static files, health; and the layers around them.

use crate::import;
use crate::middleware::security_headers::{security_headers, CspNonce};
use crate::middleware::{loggable_path, origin, server_fn_status, session, REQUEST_ID};
use crate::state::{route_list, ServerState};
use app::shell;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::LeptosRoutes;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

/// The largest request body accepted (forms and JSON of server functions); the CSV upload
/// has its own (`import::UPLOAD_BODY_BYTES`).
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// How long a client may take to send its body, and a request to be answered.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(15);
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

async fn healthz(State(state): State<ServerState>) -> impl IntoResponse {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// Context for every render and server-function call: the app state, and the request's CSP
/// nonce so Leptos marks its inline scripts with it.
fn render_context(state: &ServerState) -> impl Fn() + Clone + Send + Sync + 'static {
    let app_state = state.app.clone();
    move || {
        provide_context(app_state.clone());
        let nonce = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
        if let Some(CspNonce(nonce)) = nonce {
            provide_context(leptos::nonce::Nonce::from_value(nonce));
        }
    }
}

pub fn build_router(state: ServerState) -> Router {
    let options = state.leptos_options.clone();
    let request_id = HeaderName::from_static(REQUEST_ID);
    // Every body is held to 1 MiB but the CSV upload's, which has its own limit.
    let uploads = Router::new()
        .route(import::UPLOAD_PATH, post(import::upload_lead_import))
        .layer(DefaultBodyLimit::max(import::UPLOAD_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            import::UPLOAD_BODY_BYTES,
        ));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/leads/export.csv", get(crate::export::export_leads))
        .route("/accounts/export.csv", get(crate::export::export_accounts))
        .route("/contacts/export.csv", get(crate::export::export_contacts))
        .route("/leads/import/{id}/errors.csv", get(import::download_import_errors))
        .route("/settings/billing/invoices/{id}", get(crate::invoice::show_invoice))
        .route(models::billing::PAYMENT_DETAILS_PATH, get(crate::payments::open_payment_details))
        .route(models::admin::ACTIVITY_CSV, get(crate::audit_export::export_audit))
        .route(crate::stripe_webhook::PATH, post(crate::stripe_webhook::receive_stripe_webhook))
        .route("/connectors/{kind}/callback", get(crate::connectors::oauth_callback))
        .route("/connectors/{kind}/authorize/{id}", get(crate::connectors::start_oauth))
        .leptos_routes_with_context(&state, route_list(), render_context(&state), move || shell(options.clone()))
        // The 404 renders with the same context as the pages, so its scripts carry this
        // request's nonce (without it, leptos_axum made a nonce of its own, which the CSP
        // header did not name, and the browser blocked every script of the page).
        .fallback(leptos_axum::file_and_error_handler_with_context::<ServerState, _>(render_context(&state), shell))
        .merge(crate::api::router(&state))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .layer(axum::middleware::from_fn(server_fn_status::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), session::resolve_session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), origin::same_origin))
        .layer(RequestBodyTimeoutLayer::new(BODY_TIMEOUT))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, REQUEST_TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security_headers))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %req.method(), path = %loggable_path(req.uri().path()))
            }),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

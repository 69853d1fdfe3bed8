//! The one router: pages (server-rendered), server functions (registered under `/api/` by
//! `leptos_routes_with_context`), static files, health.

use crate::middleware::{self, loggable_path, REQUEST_ID};
use crate::Config;
use app::state::{AppState, AuthSettings};
use app::{shell, App};
use axum::extract::{FromRef, Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use platform::auth::throttle::ThrottlePolicy;
use platform::Db;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

/// Pages anyone may open; every other page needs a session.
const PUBLIC_PAGES: [&str; 3] = ["/sign-in", "/sign-up", "/invite/:token"];

#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    pub public_origin: String,
    pub trust_proxy: bool,
    /// Page paths that redirect to sign-in without a session.
    pub protected_pages: Arc<HashSet<String>>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

impl ServerState {
    pub fn new(config: &Config, db: Db) -> ServerState {
        let leptos_options = LeptosOptions::builder()
            .output_name("sales-hunter")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .build();
        let origin_end = config
            .public_url
            .find("://")
            .and_then(|i| config.public_url[i + 3..].find('/').map(|j| i + 3 + j))
            .unwrap_or(config.public_url.len());
        ServerState {
            leptos_options,
            app: AppState {
                db,
                auth: AuthSettings {
                    session_ttl: chrono::Duration::hours(config.session_ttl_hours),
                    cookie_secure: config.cookie_secure(),
                    throttle: ThrottlePolicy::default(),
                },
            },
            public_origin: config.public_url[..origin_end].to_string(),
            trust_proxy: config.trust_proxy,
            protected_pages: Arc::new(HashSet::new()),
        }
    }
}

async fn healthz(State(state): State<ServerState>) -> impl IntoResponse {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

/// The app's routes, generated once per process: generation runs the app with resource loading
/// suppressed process-wide, which would stall a page rendering at the same moment
/// (leptos-rs/leptos#4773).
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn build_router(mut state: ServerState) -> Router {
    let routes = route_list();
    state.protected_pages = Arc::new(
        routes
            .iter()
            .map(|r| r.path().to_string())
            .filter(|p| !PUBLIC_PAGES.contains(&p.as_str()))
            .collect(),
    );
    let app_state = state.app.clone();
    let options = state.leptos_options.clone();
    let request_id = HeaderName::from_static(REQUEST_ID);
    Router::new()
        .route("/healthz", get(healthz))
        .leptos_routes_with_context(&state, routes, move || provide_context(app_state.clone()), move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<ServerState, _>(shell))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::resolve_session))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::same_origin))
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

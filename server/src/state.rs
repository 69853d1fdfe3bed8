//! What every handler and middleware of the server shares, built once at start-up.

use crate::Config;
use app::state::{AppState, AuthSettings};
use app::App;
use axum::extract::FromRef;
use connectors::ConnectorHub;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing};
use platform::auth::throttle::ThrottlePolicy;
use platform::Db;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

/// Pages anyone may open; every other page needs a session.
const PUBLIC_PAGES: [&str; 5] = [
    "/sign-in",
    "/sign-up",
    "/invite/:token",
    "/forgot-password",
    "/reset-password/:token",
];

#[derive(Clone)]
pub struct ServerState {
    pub leptos_options: LeptosOptions,
    pub app: AppState,
    /// `PUBLIC_URL`'s scheme and authority: the origin state-changing requests must carry.
    pub public_origin: String,
    pub trust_proxy: bool,
    /// Add `Strict-Transport-Security` (served over HTTPS).
    pub hsts: bool,
    /// `/pkg` names carry content hashes: cache them for a year.
    pub hashed_assets: bool,
    /// Page paths that redirect to sign-in without a session.
    pub protected_pages: Arc<HashSet<String>>,
    /// Each API key's requests this minute.
    pub api_limits: Arc<crate::api::rate_limit::RateLimiter>,
}

impl FromRef<ServerState> for LeptosOptions {
    fn from_ref(state: &ServerState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app's routes, generated once per process: generation runs the app with resource loading
/// suppressed process-wide, which would stall a page rendering at the same moment
/// (leptos-rs/leptos#4773).
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

impl ServerState {
    pub fn new(config: &Config, db: Db, connectors: ConnectorHub) -> ServerState {
        let leptos_options = LeptosOptions::builder()
            .output_name("sales-hunter")
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(config.site_addr)
            .hash_files(config.hash_files)
            .build();
        let protected_pages = route_list()
            .iter()
            .map(|r| r.path().to_string())
            .filter(|p| !PUBLIC_PAGES.contains(&p.as_str()))
            .collect();
        ServerState {
            leptos_options,
            app: AppState {
                db,
                public_url: config.public_url.clone(),
                verticals: crate::verticals::registry(),
                connectors,
                agents: crate::agents::hub(config),
                stripe: config.stripe.clone(),
                auth: AuthSettings {
                    session_ttl: chrono::Duration::hours(config.session_ttl_hours),
                    cookie_secure: config.cookie_secure(),
                    throttle: ThrottlePolicy::default(),
                },
            },
            public_origin: config.public_origin().to_string(),
            trust_proxy: config.trust_proxy,
            hsts: config.is_https(),
            hashed_assets: config.hash_files,
            protected_pages: Arc::new(protected_pages),
            api_limits: Arc::default(),
        }
    }
}

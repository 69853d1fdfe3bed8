//! The connectors this server offers, with the verticals' sync targets and the key that
//! seals credentials; and the OAuth callback route (`/connectors/{kind}/callback`).

use crate::state::ServerState;
use crate::Config;
use app::state::RequestAuth;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use connectors::{manage, ConnectorHub, ConnectorRegistry, SecretKey};
use serde::Deserialize;

/// Every connector and sync target. A new connector is registered here, and so are a new
/// vertical's sync targets.
pub fn hub(config: &Config) -> Result<ConnectorHub, platform::Error> {
    let salesforce = salesforce::Salesforce::new(config.salesforce)
        .map_err(|e| platform::Error::Config(format!("an HTTP client for Salesforce: {e}")))?;
    let registry = ConnectorRegistry::new().connector(salesforce);
    Ok(ConnectorHub {
        registry: sales_hunter::sync::register_targets(registry),
        key: config
            .connector_key
            .as_deref()
            .map(SecretKey::from_hex)
            .transpose()?,
        meter: Some(std::sync::Arc::new(BilledSync)),
    })
}

/// Billing's meter of records synced: a pull's page reserves its records against the cap
/// and records them in the page's transaction (past a hard cap the page is refused and the
/// run stops with the `QuotaExceeded` message); a push's saved records are recorded. And the
/// plan's connector count, checked when a connection is created.
struct BilledSync;

impl connectors::SyncMeter for BilledSync {
    fn count<'a>(
        &'a self,
        conn: &'a mut platform::db::Conn,
        tenant: models::TenantId,
        records: i64,
        enforce: bool,
    ) -> connectors::BoxFuture<'a, Result<(), platform::Error>> {
        Box::pin(async move {
            use billing::{Meter, UsageEvent};
            // One event per page, in the page's transaction: a page rolled back counts nothing.
            let event = UsageEvent::new(
                tenant,
                Meter::RecordsSynced,
                records,
                format!("sync:{}", uuid::Uuid::new_v4()),
            )
            .source("sync");
            let event = if enforce {
                event.settles(billing::reserve(conn, tenant, Meter::RecordsSynced, records).await?)
            } else {
                event
            };
            event.record(conn).await.map(|_| ())
        })
    }

    fn allow_connection<'a>(
        &'a self,
        conn: &'a mut platform::db::Conn,
        tenant: models::TenantId,
        existing: i64,
    ) -> connectors::BoxFuture<'a, Result<(), platform::Error>> {
        Box::pin(billing::connection_limit::allow_connection(
            conn, tenant, existing,
        ))
    }
}

/// Starts an OAuth authorisation and sends the browser to the remote login page. A link, not a
/// form: a form's redirect to another origin is blocked by `form-action 'self'`.
pub async fn start_oauth(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    Path((_kind, id)): Path<(String, String)>,
) -> Response {
    let Some(ctx) = auth.context() else {
        return Redirect::to("/sign-in?next=/connectors").into_response();
    };
    let Ok(id) = id.parse() else {
        return back("That connection does not exist.", false);
    };
    let app = &state.app;
    match manage::start_authorization(&app.db, &ctx, &app.connectors, id, &app.public_url).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => back(&models::AppError::from(e).to_string(), false),
    }
}

/// What the remote login page sends the browser back with.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
    #[serde(default)]
    error_description: String,
}

fn back(message: &str, ok: bool) -> Response {
    let key = if ok { "connected" } else { "error" };
    let mut url = String::from("/connectors?");
    url.push_str(key);
    url.push('=');
    url.push_str(&models::url::encode(message));
    Redirect::to(&url).into_response()
}

/// The OAuth callback: finishes the authorisation and sends the admin back to the
/// connectors page with the outcome.
pub async fn oauth_callback(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    Path(kind): Path<String>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(ctx) = auth.context() else {
        return Redirect::to("/sign-in?next=/connectors").into_response();
    };
    if !query.error.is_empty() {
        let why = if query.error_description.is_empty() {
            query.error.clone()
        } else {
            query.error_description.clone()
        };
        return back(&format!("The authorisation was not given: {why}"), false);
    }
    if query.code.is_empty() || query.state.is_empty() {
        return back("The callback lacks its code or state.", false);
    }
    let app = &state.app;
    match manage::finish_authorization(
        &app.db,
        &ctx,
        &app.connectors,
        &query.state,
        &query.code,
        &app.public_url,
    )
    .await
    {
        Ok(_) => back(&kind, true),
        Err(e) => back(&models::AppError::from(e).to_string(), false),
    }
}

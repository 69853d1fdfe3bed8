//! The JSON API: `/api/v1/…` for an organisation's own tools, `/api/admin/v1/…` for the
//! operators'. Authenticated by API keys only (never the session cookie, so no page can be
//! made to call it), rate-limited and metered per key (`auth`), and answered by the same
//! vertical functions, in the same row-level-secured transactions, as the pages. Its
//! OpenAPI document is generated from these handlers and the models' types (`openapi`).

mod activities;
mod admin;
mod auth;
mod body;
mod error;
mod leads;
pub mod openapi;
mod opportunities;
pub mod rate_limit;
mod records;

use crate::state::ServerState;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use error::ApiError;
use models::AppError;

async fn no_such_route() -> ApiError {
    ApiError(AppError::not_found("That API route"))
}

pub fn router(state: &ServerState) -> Router<ServerState> {
    let v1 = Router::new()
        .route("/leads", get(leads::list_leads).post(leads::create_lead))
        .route(
            "/leads/{id}",
            get(leads::get_lead)
                .patch(leads::update_lead)
                .delete(leads::delete_lead),
        )
        .route(
            "/accounts",
            get(records::list_accounts).post(records::create_account),
        )
        .route(
            "/accounts/{id}",
            get(records::get_account)
                .patch(records::update_account)
                .delete(records::delete_account),
        )
        .route(
            "/contacts",
            get(records::list_contacts).post(records::create_contact),
        )
        .route(
            "/contacts/{id}",
            get(records::get_contact)
                .patch(records::update_contact)
                .delete(records::delete_contact),
        )
        .route(
            "/opportunities",
            get(opportunities::list_opportunities).post(opportunities::create_opportunity),
        )
        .route(
            "/opportunities/{id}",
            get(opportunities::get_opportunity)
                .patch(opportunities::update_opportunity)
                .delete(opportunities::delete_opportunity),
        )
        .route(
            "/activities",
            get(activities::list_activities).post(activities::log_activity),
        )
        .route("/{*rest}", axum::routing::any(no_such_route));
    let admin = Router::new()
        .route("/tenants", get(admin::list_tenants))
        .route("/users", get(admin::list_users))
        .route("/billing", get(admin::list_billing))
        .route("/plans", get(admin::list_plans))
        .route("/activity", get(admin::list_audit))
        .route("/{*rest}", axum::routing::any(no_such_route))
        .layer(from_fn(auth::platform_admins_only));
    Router::new()
        .nest("/api/v1", v1)
        .nest("/api/admin/v1", admin)
        .layer(from_fn_with_state(state.clone(), auth::authenticate))
        .route(openapi::OPENAPI_PATH, get(openapi::serve_openapi))
}

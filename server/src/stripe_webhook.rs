//! `POST /webhooks/stripe`: Stripe's deliveries, handed to `billing::stripe::webhook` with
//! the raw body (the signature covers its exact bytes). 200 once the event is kept (or was
//! kept before); 400 for a bad signature or a body that is not an event, which Stripe shows
//! its operator and retries; 404 while Stripe is not configured.

use crate::middleware::error_response;
use crate::state::ServerState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use billing::stripe::webhook::{receive_event, Received, Refused};
use models::AppError;

pub const PATH: &str = "/webhooks/stripe";

pub async fn receive_stripe_webhook(
    State(state): State<ServerState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(config) = state.app.stripe.as_ref() else {
        return error_response(AppError::not_found(
            "Stripe's webhook (Stripe is not configured)",
        ));
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    match receive_event(&state.app.db, config, signature, &body).await {
        Ok(Ok(Received::Queued(id))) => {
            tracing::info!(event = %id, "stripe: event kept");
            StatusCode::OK.into_response()
        }
        Ok(Ok(Received::AlreadyKept(id))) => {
            tracing::info!(event = %id, "stripe: event already kept");
            StatusCode::OK.into_response()
        }
        Ok(Err(refused)) => {
            let why = match refused {
                Refused::Signature(e) => e.message().to_string(),
                Refused::NotAnEvent(why) => why,
            };
            tracing::warn!(reason = %why, "stripe: a webhook delivery refused");
            (StatusCode::BAD_REQUEST, why).into_response()
        }
        Err(e) => error_response(e.into()),
    }
}

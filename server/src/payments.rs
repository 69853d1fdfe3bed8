//! `GET /settings/billing/payment-details`: sends an owner to Stripe's customer portal for
//! payment details, and back to Billing after. A link, not a form: a form's redirect to
//! another origin is blocked by `form-action 'self'`, so a form could not get there without
//! JavaScript. Whatever goes wrong is said on the Billing page (`?payments_error=`).

use crate::state::ServerState;
use app::state::RequestAuth;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use models::billing::PATH;

fn back(message: &str) -> Response {
    Redirect::to(&format!(
        "{PATH}?payments_error={}",
        models::url::encode(message)
    ))
    .into_response()
}

pub async fn open_payment_details(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
) -> Response {
    let Some(ctx) = auth.context() else {
        return Redirect::to(&format!("/sign-in?next={PATH}")).into_response();
    };
    let app = &state.app;
    let Some(config) = app.stripe.as_ref() else {
        return back("Payments through Stripe are not set up on this installation.");
    };
    let return_url = format!("{}{PATH}", app.public_url);
    match billing::stripe::payments::open_payment_portal(&app.db, &ctx, config, &return_url).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => back(&models::AppError::from(e).to_string()),
    }
}

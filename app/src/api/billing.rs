//! The organisation's billing: its plan, the period's usage, changing the plan.

use leptos::prelude::*;
use models::billing::{BillingOverview, Meter, PlanChangePreview, SubscriptionView};
use models::{AppError, TenantId};

/// The plan, the subscription and this period's usage against the plan (admins and
/// owners).
#[server(endpoint = "get_billing")]
pub async fn get_billing() -> Result<BillingOverview, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::get_billing(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// What moving to another plan would cost now and from then on (owners).
#[server(endpoint = "preview_plan_change")]
pub async fn preview_plan_change(plan: String) -> Result<PlanChangePreview, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::preview_plan_change(&state()?.db, &ctx, &plan)
        .await
        .map_err(AppError::from)
}

/// Moves to another plan: an upgrade at once, a downgrade at the period's end (owners).
#[server(endpoint = "change_plan")]
pub async fn change_plan(plan: String) -> Result<SubscriptionView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::change_plan(&state()?.db, &ctx, &plan)
        .await
        .map_err(AppError::from)
}

/// Ends the subscription at the period's end (owners).
#[server(endpoint = "cancel_subscription")]
pub async fn cancel_subscription() -> Result<SubscriptionView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::cancel_subscription(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// Takes back a cancellation, or restarts an ended subscription (owners).
#[server(endpoint = "reactivate_subscription")]
pub async fn reactivate_subscription() -> Result<SubscriptionView, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::reactivate_subscription(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// Adds a one-off allowance to an organisation's cap for this period (platform admins).
#[server(endpoint = "grant_allowance")]
pub async fn grant_allowance(
    tenant: TenantId,
    meter: Meter,
    quantity: i64,
    note: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    billing::manage::grant_allowance(&state()?.db, &ctx, tenant, meter, quantity, &note)
        .await
        .map_err(AppError::from)
}

/// The organisation's Stripe customer, made the first time (owners; Stripe configured).
#[server(endpoint = "set_up_payments")]
pub async fn set_up_payments() -> Result<String, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let app = state()?;
    let Some(config) = app.stripe.as_ref() else {
        // Not a passing fault but how this installation is set up: a client error.
        return Err(AppError::conflict(
            "Payments through Stripe are not set up on this installation.",
        ));
    };
    billing::stripe::client::ensure_customer(&app.db, &ctx, config)
        .await
        .map_err(AppError::from)
}

/// What Stripe says of the organisation's payments (admins and owners).
#[server(endpoint = "get_payments")]
pub async fn get_payments() -> Result<models::billing::Payments, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let app = state()?;
    billing::stripe::payments::get_payments(&app.db, &ctx, app.stripe.as_ref())
        .await
        .map_err(AppError::from)
}

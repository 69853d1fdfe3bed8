//! Plans in the admin console: the plans of this installation and their editor.

use leptos::prelude::*;
use models::billing::{AdminPlan, PlanInput};
use models::AppError;

/// Every plan, offered or retired, with how many organisations are on it.
#[server(endpoint = "list_admin_plans")]
pub async fn list_admin_plans() -> Result<Vec<AdminPlan>, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::plan_admin::list_admin_plans(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// One plan, for its editor.
#[server(endpoint = "get_admin_plan")]
pub async fn get_admin_plan(id: String) -> Result<AdminPlan, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::plan_admin::get_admin_plan(&state()?.db, &ctx, &id)
        .await
        .map_err(AppError::from)
}

/// A new plan; its id.
#[server(endpoint = "create_plan")]
pub async fn create_plan(input: PlanInput) -> Result<String, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::plan_admin::create_plan(&state()?.db, &ctx, &input)
        .await
        .map_err(AppError::from)
}

/// A plan's prices, seats, meters, connector count, features and offer.
#[server(endpoint = "update_plan")]
pub async fn update_plan(id: String, input: PlanInput) -> Result<(), AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::plan_admin::update_plan(&state()?.db, &ctx, &id, &input)
        .await
        .map_err(AppError::from)
}

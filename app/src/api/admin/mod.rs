//! The platform admin console: the job queue and the dev mailbox here; organisations,
//! people and the audit trail in the submodules. Every function is for platform admins only
//! (the call into `platform`/`billing` checks it).

pub mod activity;
pub mod billing;
pub mod plans;
pub mod tenants;
pub mod users;

use leptos::prelude::*;
use models::admin::AdminDashboard;
use models::jobs::{JobCounts, JobState, JobSummary};
use models::mail::EmailSummary;
use models::AppError;

/// Jobs in `state` (newest 100) and the count in every state. Platform admins only.
#[server(endpoint = "list_jobs")]
pub async fn list_jobs(state: JobState) -> Result<(JobCounts, Vec<JobSummary>), AppError> {
    let ctx = super::ssr::require_user()?;
    platform::jobs::list_jobs(&super::ssr::state()?.db, &ctx, state)
        .await
        .map_err(AppError::from)
}

/// Puts a dead job back in the queue. Platform admins only.
#[server(endpoint = "retry_job")]
pub async fn retry_job(id: i64) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::jobs::retry_job(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// The newest mail of the installation. Platform admins only.
#[server(endpoint = "list_emails")]
pub async fn list_emails() -> Result<Vec<EmailSummary>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    platform::mail::list_emails(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

/// The overview's figures: organisations and people, revenue, usage.
#[server(endpoint = "get_admin_dashboard")]
pub async fn get_admin_dashboard() -> Result<AdminDashboard, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let db = &state()?.db;
    Ok(AdminDashboard {
        platform: platform::admin::figures::platform_figures(db, &ctx).await?,
        revenue: ::billing::figures::revenue(db, &ctx).await?,
        usage: ::billing::figures::usage(db, &ctx).await?,
    })
}

/// The minutes each agent's run is counted as saving (the ROI's hours).
#[server(endpoint = "list_minutes_saved")]
pub async fn list_minutes_saved() -> Result<Vec<(models::agents::AgentKind, i32)>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::roi::list_minutes_saved(&state()?.db, &ctx)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "set_minutes_saved")]
pub async fn set_minutes_saved(
    agent: models::agents::AgentKind,
    minutes: i32,
) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::roi::set_minutes_saved(&state()?.db, &ctx, agent, minutes)
        .await
        .map_err(AppError::from)
}

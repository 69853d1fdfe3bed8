//! The platform admin console: the job queue and the dev mailbox.

use leptos::prelude::*;
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

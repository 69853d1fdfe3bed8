//! Activities and tasks on any record.

use leptos::prelude::*;
use models::sales::activity::{Activity, ActivityInput, TaskInput};
use models::{AppError, TaskId};

/// Logs a call, e-mail, meeting or note about the record `about_type`/`about_id`.
#[server(endpoint = "log_activity")]
pub async fn log_activity(
    about_type: String,
    about_id: String,
    input: ActivityInput,
) -> Result<Activity, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let about = models::sales::activity::Subject::parse(&about_type, &about_id)?;
    sales_hunter::activities::log_activity(&state()?.db, &ctx, about, &input)
        .await
        .map_err(AppError::from)
}

/// Creates a task, about a record when `about_type` is given.
#[server(endpoint = "create_task")]
pub async fn create_task(
    #[server(default)] about_type: String,
    #[server(default)] about_id: String,
    input: TaskInput,
) -> Result<TaskId, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let about = if about_type.is_empty() {
        None
    } else {
        Some(models::sales::activity::Subject::parse(
            &about_type,
            &about_id,
        )?)
    };
    sales_hunter::activities::create_task(&state()?.db, &ctx, about, &input)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "complete_task")]
pub async fn complete_task(id: TaskId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::activities::complete_task(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

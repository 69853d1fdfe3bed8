//! The audit explorer in the admin console (its CSV is `server/src/audit_export.rs`).

use leptos::prelude::*;
use models::admin::{AuditFilter, AuditPage};
use models::AppError;

#[server(endpoint = "list_audit")]
pub async fn list_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    platform::admin::activity::list_audit(&state()?.db, &ctx, &filter)
        .await
        .map_err(AppError::from)
}

//! The plan's connector count: how many CRM connections an organisation may have. Checked
//! when a connection is created; the ones it has keep working after a downgrade.

use crate::plans::plan;
use crate::subscription::subscription;
use models::{AppError, TenantId};
use platform::db::Conn;
use platform::Error;

/// Refuses one more connection to an organisation that has `existing` when its plan allows
/// no more, with `QuotaExceeded` naming the plan, its limit and how to raise it.
pub async fn allow_connection(
    conn: &mut Conn,
    tenant: TenantId,
    existing: i64,
) -> Result<(), Error> {
    let sub = subscription(conn, tenant).await?;
    let plan = plan(conn, sub.effective_plan()).await?;
    match plan.connector_limit {
        Some(limit) if existing >= i64::from(limit) => Err(AppError::quota_exceeded(format!(
            "The {} plan allows {limit} CRM connection{} and this organisation has {existing}. \
             An owner can move to a larger plan on the Billing page.",
            plan.name,
            if limit == 1 { "" } else { "s" },
        ))
        .into()),
        _ => Ok(()),
    }
}

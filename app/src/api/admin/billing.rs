//! Billing across organisations in the admin console.

use leptos::prelude::*;
use models::admin::AdminBilling;
use models::billing::{InvoiceStatus, SubscriptionStatus};
use models::AppError;

/// Subscriptions in `status` and invoices in `invoice_status` (None: any), across
/// organisations.
#[server(endpoint = "list_admin_billing")]
pub async fn list_admin_billing(
    status: Option<SubscriptionStatus>,
    invoice_status: Option<InvoiceStatus>,
) -> Result<AdminBilling, AppError> {
    use super::super::ssr::*;
    let ctx = require_user()?;
    billing::admin::list_billing(&state()?.db, &ctx, status, invoice_status)
        .await
        .map_err(AppError::from)
}

//! Accounts and their contacts. They have no pages yet; deleting one is here already, with
//! the same role check and audit as deleting a lead or a deal.

use leptos::prelude::*;
use models::{AccountId, AppError, ContactId};

#[server(endpoint = "delete_account")]
pub async fn delete_account(id: AccountId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::accounts::delete_account(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "delete_contact")]
pub async fn delete_contact(id: ContactId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::contacts::delete_contact(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

//! Accounts: the table, one account, create/edit/delete and bulk actions.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use models::sales::account::{Account, AccountDetail, AccountInput, AccountRow};
use models::sales::record_query::{BulkRecordAction, RecordPage};
use models::{AccountId, AppError};

/// One page of accounts for `view`, the page's query string.
#[server(endpoint = "list_accounts")]
pub async fn list_accounts(view: String) -> Result<RecordPage<AccountRow>, AppError> {
    use super::ssr::*;
    use models::sales::record_query::{RecordKind, RecordQuery};
    let ctx = require_user()?;
    let query = RecordQuery::parse(RecordKind::Account, &view)?;
    sales_hunter::accounts::list_accounts(&state()?.db, &ctx, &query)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_account")]
pub async fn get_account(id: AccountId) -> Result<AccountDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::accounts::get_account(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "create_account")]
pub async fn create_account(input: AccountInput) -> Result<Account, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let account = sales_hunter::accounts::create_account(&state()?.db, &ctx, &input)
        .await
        .map_err(AppError::from)?;
    // The form lands on the new account's page (with or without JavaScript).
    leptos_axum::redirect(&format!("/accounts/{}", account.id));
    Ok(account)
}

#[server(endpoint = "update_account")]
pub async fn update_account(id: AccountId, input: AccountInput) -> Result<Account, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::accounts::update_account(&state()?.db, &ctx, id, &input)
        .await
        .map_err(AppError::from)
}

/// Deletes an account; its contacts and deals stay, without it.
#[server(endpoint = "delete_account")]
pub async fn delete_account(id: AccountId) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::accounts::delete_account(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect("/accounts");
    Ok(())
}

/// Applies one action to the selected accounts; all or nothing. Returns how many changed.
#[server(endpoint = "bulk_update_accounts", input = Json)]
pub async fn bulk_update_accounts(
    ids: Vec<AccountId>,
    action: BulkRecordAction,
) -> Result<usize, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    sales_hunter::accounts::bulk_update_accounts(&state()?.db, &ctx, &ids, &action)
        .await
        .map_err(AppError::from)
}

//! Accounts: the companies a tenant sells to — the table (`list`), one account with what
//! hangs off it (`detail`), creating, editing and deleting them (`write`), and the CSV
//! export (`export`).

mod detail;
mod export;
mod list;
mod write;

pub use detail::get_account;
pub use export::{account_export_header, account_export_page};
pub use list::list_accounts;
pub use write::{bulk_update_accounts, create_account, delete_account, update_account};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::account::Account;
use models::{AccountId, AppError, TenantId, UserId};
use platform::db::schema::accounts;
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;

#[derive(Insertable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct NewAccount<'a> {
    pub tenant_id: TenantId,
    pub id: AccountId,
    pub name: &'a str,
    pub domain: &'a str,
    pub industry: &'a str,
    pub employee_count: Option<i32>,
    pub country: &'a str,
    pub owner_id: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

impl NewAccount<'_> {
    pub async fn insert(&self, conn: &mut Conn) -> Result<(), Error> {
        diesel::insert_into(accounts::table)
            .values(self)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// The oldest account with this domain, if any: conversion attaches to it.
pub async fn find_by_domain(conn: &mut Conn, domain: &str) -> Result<Option<AccountId>, Error> {
    if domain.is_empty() {
        return Ok(None);
    }
    Ok(accounts::table
        .filter(accounts::domain.eq(domain))
        .order((accounts::created_at, accounts::id))
        .select(accounts::id)
        .first(conn)
        .await
        .optional()?)
}

/// An account's stored fields.
#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub(crate) struct AccountRecord {
    pub id: AccountId,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: Option<i32>,
    pub annual_revenue_minor: Option<i64>,
    pub country: String,
    pub region: String,
    pub owner_id: Option<UserId>,
    pub custom: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl AccountRecord {
    pub(crate) fn into_account(self, names: &HashMap<UserId, String>) -> Account {
        Account {
            owner_name: self.owner_id.and_then(|o| names.get(&o).cloned()),
            id: self.id,
            name: self.name,
            domain: self.domain,
            industry: self.industry,
            employee_count: self.employee_count,
            annual_revenue_minor: self.annual_revenue_minor,
            country: self.country,
            region: self.region,
            owner_id: self.owner_id,
            custom: self.custom,
            external_source: self.external_source,
            external_id: self.external_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// The account, locked for an edit when `lock` is set; not found when it is not this tenant's.
pub(crate) async fn load_account(
    conn: &mut Conn,
    id: AccountId,
    lock: bool,
) -> Result<AccountRecord, Error> {
    let q = accounts::table
        .filter(accounts::id.eq(id))
        .select(AccountRecord::as_select());
    let row = if lock {
        q.for_update().first(conn).await.optional()?
    } else {
        q.first(conn).await.optional()?
    };
    Ok(row.ok_or_else(|| AppError::not_found("That account"))?)
}

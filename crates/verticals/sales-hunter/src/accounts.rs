//! Accounts: the companies a tenant sells to.

use crate::actions;
use crate::removal::{delete_record, Removable};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{AccountId, TenantId, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::accounts;
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

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

/// Deletes an account (managers and above, or its owner): its activities and tasks go
/// with it, its contacts and deals stay, without an account. Audited with every value it held.
pub async fn delete_account(db: &Db, ctx: &RequestContext, id: AccountId) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let stored = delete_record(conn, ctx, Removable::Account, id.0).await?;
        NewAuditEntry::by(ctx, actions::ACCOUNT_DELETED)
            .target("account", id)
            .details(stored)
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

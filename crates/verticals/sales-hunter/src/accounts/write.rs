//! Creating, editing and deleting accounts, one at a time or in bulk. Every change writes
//! its audit entry (the fields' before → after) in the same transaction.

use super::{load_account, AccountRecord};
use crate::access::{ensure_can_assign, ensure_can_edit, ensure_owner_is_member};
use crate::actions;
use crate::custom_fields::definitions;
use crate::fields;
use crate::records::bulk_update_records;
use crate::removal::{delete_record, Removable};
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::account::{Account, AccountInput};
use models::sales::custom_field::{validate_values, CustomObject};
use models::sales::parse_money;
use models::sales::record_query::BulkRecordAction;
use models::{AccountId, AppError, TenantId, UserId};
use platform::audit::{changes, snapshot, NewAuditEntry};
use platform::db::schema::accounts;
use platform::db::{Conn, Db};
use platform::members::member_names;
use platform::{Error, RequestContext};
use uuid::Uuid;

#[derive(Insertable, AsChangeset, Clone, Debug)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct AccountChanges {
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: Option<i32>,
    pub annual_revenue_minor: Option<i64>,
    pub country: String,
    pub region: String,
    pub owner_id: Option<UserId>,
    pub custom: serde_json::Value,
}

#[derive(Insertable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
struct NewAccountRow {
    tenant_id: TenantId,
    id: AccountId,
    #[diesel(embed)]
    fields: AccountChanges,
}

/// The typed form as column values, each error naming its field.
fn clean_account(
    input: &AccountInput,
    custom: serde_json::Value,
    owner: Option<UserId>,
) -> Result<AccountChanges, AppError> {
    let revenue = input.annual_revenue.trim();
    let annual_revenue_minor = if revenue.is_empty() {
        None
    } else {
        let m = parse_money("annual_revenue", revenue)?;
        if m < 0 {
            return Err(AppError::validation(
                "annual_revenue",
                "must not be negative",
            ));
        }
        Some(m)
    };
    Ok(AccountChanges {
        name: fields::required("name", &input.name, 200)?,
        domain: fields::domain("domain", &input.domain)?,
        industry: fields::text("industry", &input.industry, 100)?,
        employee_count: fields::count("employee_count", &input.employee_count, 10_000_000)?,
        annual_revenue_minor,
        country: fields::text("country", &input.country, 100)?,
        region: fields::text("region", &input.region, 100)?,
        owner_id: owner,
        custom,
    })
}

/// Refuses a domain another account has: conversion and imports attach people to the
/// account with their domain, so two would split them.
async fn ensure_domain_free(
    conn: &mut Conn,
    domain: &str,
    except: Option<AccountId>,
) -> Result<(), Error> {
    if domain.is_empty() {
        return Ok(());
    }
    let mut q = accounts::table
        .filter(accounts::domain.eq(domain))
        .select(accounts::name)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(accounts::id.ne(id));
    }
    if let Some(name) = q.first::<String>(conn).await.optional()? {
        return Err(AppError::validation(
            "domain",
            format!("the account “{name}” has this domain already"),
        )
        .into());
    }
    Ok(())
}

/// Creates an account, owned by its creator unless another owner is chosen.
pub async fn create_account(
    db: &Db,
    ctx: &RequestContext,
    input: &AccountInput,
) -> Result<Account, Error> {
    let owner = fields::user("owner_id", &input.owner_id)?.or(Some(ctx.user_id));
    ensure_can_assign(ctx, owner)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        ensure_owner_is_member(conn, owner).await?;
        let defs = definitions(conn, CustomObject::Account).await?;
        let custom = validate_values(&defs, &input.custom)?;
        let fields = clean_account(input, custom, owner)?;
        ensure_domain_free(conn, &fields.domain, None).await?;
        let id = AccountId(Uuid::new_v4());
        diesel::insert_into(accounts::table)
            .values(NewAccountRow {
                tenant_id: ctx.tenant_id,
                id,
                fields,
            })
            .execute(conn)
            .await?;
        let account = load_account(conn, id, false)
            .await?
            .into_account(&member_names(conn).await?);
        NewAuditEntry::by(ctx, actions::ACCOUNT_CREATED)
            .target("account", id)
            .details(snapshot(&account))
            .record(conn)
            .await?;
        Ok(account)
    })
    .await
}

/// Edits an account: reps their own, managers and above any.
pub async fn update_account(
    db: &Db,
    ctx: &RequestContext,
    id: AccountId,
    input: &AccountInput,
) -> Result<Account, Error> {
    let owner = fields::user("owner_id", &input.owner_id)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let before: AccountRecord = load_account(conn, id, true).await?;
        ensure_can_edit(ctx, before.owner_id, "accounts")?;
        if owner != before.owner_id {
            ensure_can_assign(ctx, owner)?;
            ensure_owner_is_member(conn, owner).await?;
        }
        let defs = definitions(conn, CustomObject::Account).await?;
        let custom = validate_values(&defs, &input.custom)?;
        let fields = clean_account(input, custom, owner)?;
        if fields.domain != before.domain {
            ensure_domain_free(conn, &fields.domain, Some(id)).await?;
        }
        let names = member_names(conn).await?;
        let before = before.into_account(&names);
        diesel::update(accounts::table.filter(accounts::id.eq(id)))
            .set((&fields, accounts::updated_at.eq(Utc::now())))
            .execute(conn)
            .await?;
        let after = load_account(conn, id, false).await?.into_account(&names);
        let diff = changes(&before, &after, &["updated_at"]);
        if diff.as_object().is_some_and(|m| !m.is_empty()) {
            NewAuditEntry::by(ctx, actions::ACCOUNT_UPDATED)
                .target("account", id)
                .details(diff)
                .record(conn)
                .await?;
        }
        Ok(after)
    })
    .await
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

/// Assigns or deletes many accounts at once (see `records::bulk`).
pub async fn bulk_update_accounts(
    db: &Db,
    ctx: &RequestContext,
    ids: &[AccountId],
    action: &BulkRecordAction,
) -> Result<usize, Error> {
    let ids: Vec<Uuid> = ids.iter().map(|i| i.0).collect();
    bulk_update_records(db, ctx, Removable::Account, &ids, action).await
}

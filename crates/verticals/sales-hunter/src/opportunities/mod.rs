//! Opportunities: create, edit, move between stages, win and lose. Every stage, amount and
//! close-date change appends a row to `opportunity_history`, so durations, slippage and
//! velocity can be computed later. Here: the rows and what the reads and writes share;
//! `detail.rs` reads a deal with what hangs off it, `write.rs` creates, edits, moves and
//! deletes.

mod detail;
mod lines;
mod list;
mod write;

pub use detail::get_opportunity;
pub use lines::{deal_lines, DealsOf};
pub use list::list_opportunities;
pub use write::{
    create_opportunity, delete_opportunity, insert_opportunity, move_opportunity,
    update_opportunity,
};

use crate::access::{ensure_can_assign, ensure_can_edit, ensure_owner_is_member};
use crate::actions;
use crate::fields;
use crate::removal::{delete_record, Removable};
use crate::stages::list_stages;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::activity::Subject;
use models::sales::opportunity::{
    Opportunity, OpportunityContact, OpportunityDetail, OpportunityInput, StageChange,
};
use models::sales::parse_money;
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::{AccountId, AppError, ContactId, LeadId, OpportunityId, StageId, TenantId, UserId};
use platform::audit::{changes, snapshot, NewAuditEntry};
use platform::db::schema::{
    accounts, contacts, opportunities, opportunity_contacts, opportunity_history, users,
};
use platform::db::{Conn, Db};
use platform::members::member_names;
use platform::{Error, RequestContext};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = opportunities, check_for_backend(diesel::pg::Pg))]
pub struct OpportunityRecord {
    pub id: OpportunityId,
    pub name: String,
    pub account_id: Option<AccountId>,
    pub primary_contact_id: Option<ContactId>,
    pub amount_minor: i64,
    pub currency: String,
    pub stage_id: StageId,
    pub close_date: NaiveDate,
    pub owner_id: Option<UserId>,
    pub forecast_category: Option<ForecastCategory>,
    pub next_step: String,
    pub lost_reason: String,
    pub stage_entered_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub custom: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = opportunities, check_for_backend(diesel::pg::Pg))]
pub struct NewOpportunity<'a> {
    pub tenant_id: TenantId,
    pub id: OpportunityId,
    pub name: String,
    pub account_id: Option<AccountId>,
    pub primary_contact_id: Option<ContactId>,
    pub lead_id: Option<LeadId>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub stage_id: StageId,
    pub close_date: NaiveDate,
    pub owner_id: Option<UserId>,
    pub stage_entered_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(AsChangeset)]
#[diesel(table_name = opportunities, check_for_backend(diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct OpportunityChanges {
    pub name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub stage_id: StageId,
    pub close_date: NaiveDate,
    pub owner_id: Option<UserId>,
    pub forecast_category: Option<ForecastCategory>,
    pub next_step: String,
    pub lost_reason: String,
    pub stage_entered_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = opportunity_history, check_for_backend(diesel::pg::Pg))]
pub struct NewStageChange {
    pub tenant_id: TenantId,
    pub opportunity_id: OpportunityId,
    pub stage_id: StageId,
    pub amount_minor: i64,
    pub close_date: NaiveDate,
    pub changed_by: Option<UserId>,
    pub changed_at: DateTime<Utc>,
}

impl NewOpportunity<'_> {
    /// Inserts the deal and its first history row.
    pub async fn insert(&self, conn: &mut Conn, by: Option<UserId>) -> Result<(), Error> {
        diesel::insert_into(opportunities::table)
            .values(self)
            .execute(conn)
            .await?;
        diesel::insert_into(opportunity_history::table)
            .values(NewStageChange {
                tenant_id: self.tenant_id,
                opportunity_id: self.id,
                stage_id: self.stage_id,
                amount_minor: self.amount_minor,
                close_date: self.close_date,
                changed_by: by,
                changed_at: self.created_at,
            })
            .execute(conn)
            .await?;
        Ok(())
    }
}

pub(crate) fn stage_by_id(stages: &[Stage], id: StageId) -> Result<&Stage, Error> {
    stages
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| Error::Corrupt(format!("opportunity stage {id} missing")))
}

async fn load(conn: &mut Conn, id: OpportunityId, lock: bool) -> Result<OpportunityRecord, Error> {
    let q = opportunities::table
        .filter(opportunities::id.eq(id))
        .select(OpportunityRecord::as_select());
    let row = if lock {
        q.for_update().first(conn).await.optional()?
    } else {
        q.first(conn).await.optional()?
    };
    Ok(row.ok_or_else(|| AppError::not_found("That opportunity"))?)
}

async fn account_name(conn: &mut Conn, id: Option<AccountId>) -> Result<Option<String>, Error> {
    let Some(id) = id else { return Ok(None) };
    Ok(accounts::table
        .filter(accounts::id.eq(id))
        .select(accounts::name)
        .first(conn)
        .await
        .optional()?)
}

fn to_model(
    r: OpportunityRecord,
    stages: &[Stage],
    names: &HashMap<UserId, String>,
    account_name: Option<String>,
) -> Result<Opportunity, Error> {
    let stage = stage_by_id(stages, r.stage_id)?.clone();
    Ok(Opportunity {
        forecast_category: r.forecast_category.unwrap_or(stage.forecast_category),
        owner_name: r.owner_id.and_then(|o| names.get(&o).cloned()),
        id: r.id,
        name: r.name,
        account_id: r.account_id,
        account_name,
        primary_contact_id: r.primary_contact_id,
        amount_minor: r.amount_minor,
        currency: r.currency,
        stage,
        close_date: r.close_date,
        owner_id: r.owner_id,
        next_step: r.next_step,
        lost_reason: r.lost_reason,
        stage_entered_at: r.stage_entered_at,
        closed_at: r.closed_at,
        custom: r.custom,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

async fn load_model(
    conn: &mut Conn,
    tenant: TenantId,
    id: OpportunityId,
) -> Result<Opportunity, Error> {
    let r = load(conn, id, false).await?;
    let stages = list_stages(conn, tenant).await?;
    let names = member_names(conn).await?;
    let account = account_name(conn, r.account_id).await?;
    to_model(r, &stages, &names, account)
}

//! Opportunities: create, edit, move between stages, win and lose. Every stage, amount and
//! close-date change appends a row to `opportunity_history`, so durations, slippage and
//! velocity can be computed later.

use crate::access::{ensure_can_assign, ensure_can_edit, ensure_owner_is_member};
use crate::actions;
use crate::fields;
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

/// The deal with its history, contacts, activities and tasks.
pub async fn get_opportunity(
    db: &Db,
    ctx: &RequestContext,
    id: OpportunityId,
) -> Result<OpportunityDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let r = load(conn, id, false).await?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let names = member_names(conn).await?;
        let account = account_name(conn, r.account_id).await?;
        let primary = r.primary_contact_id;
        let opportunity = to_model(r, &stages, &names, account)?;
        let stage_names: HashMap<StageId, String> =
            stages.iter().map(|s| (s.id, s.name.clone())).collect();
        type Row = (StageId, i64, NaiveDate, Option<UserId>, DateTime<Utc>);
        let history: Vec<Row> = opportunity_history::table
            .filter(opportunity_history::opportunity_id.eq(id))
            .order((
                opportunity_history::changed_at.desc(),
                opportunity_history::id.desc(),
            ))
            .select((
                opportunity_history::stage_id,
                opportunity_history::amount_minor,
                opportunity_history::close_date,
                opportunity_history::changed_by,
                opportunity_history::changed_at,
            ))
            .limit(200)
            .load(conn)
            .await?;
        let by_ids: Vec<UserId> = history.iter().filter_map(|h| h.3).collect();
        let people: HashMap<UserId, String> = users::table
            .filter(users::id.eq_any(&by_ids))
            .select((users::id, users::name))
            .load::<(UserId, String)>(conn)
            .await?
            .into_iter()
            .collect();
        let history = history
            .into_iter()
            .map(|(stage, amount, close, by, at)| StageChange {
                stage_name: stage_names.get(&stage).cloned().unwrap_or_default(),
                amount_minor: amount,
                close_date: close,
                changed_by: by.and_then(|u| people.get(&u).or(names.get(&u)).cloned()),
                changed_at: at,
            })
            .collect();
        let contact_rows: Vec<(ContactId, String, String, String, String)> =
            opportunity_contacts::table
                .inner_join(
                    contacts::table.on(contacts::tenant_id
                        .eq(opportunity_contacts::tenant_id)
                        .and(contacts::id.eq(opportunity_contacts::contact_id))),
                )
                .filter(opportunity_contacts::opportunity_id.eq(id))
                .select((
                    contacts::id,
                    contacts::first_name,
                    contacts::last_name,
                    contacts::email,
                    opportunity_contacts::role,
                ))
                .load(conn)
                .await?;
        let contacts = contact_rows
            .into_iter()
            .map(|(cid, first, last, email, role)| OpportunityContact {
                is_primary: Some(cid) == primary,
                contact_id: cid,
                name: format!("{first} {last}").trim().to_string(),
                email,
                role,
            })
            .collect();
        let activities = crate::activities::timeline(conn, Subject::Opportunity(id)).await?;
        let tasks = crate::activities::tasks_about(conn, Subject::Opportunity(id)).await?;
        Ok(OpportunityDetail {
            opportunity,
            history,
            contacts,
            activities,
            tasks,
            stages,
        })
    })
    .await
}

/// Closing bookkeeping for a move to `stage`: won and lost deals are closed (and a lost one
/// needs its reason); reopening clears the close time.
fn closed_at_for(
    stage: &Stage,
    before: &OpportunityRecord,
    lost_reason: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    match stage.kind {
        StageKind::Open => Ok(None),
        StageKind::Lost if lost_reason.trim().is_empty() => Err(AppError::validation(
            "lost_reason",
            "say why the deal was lost",
        )),
        _ => Ok(before
            .closed_at
            .filter(|_| before.stage_id == stage.id)
            .or(Some(now))),
    }
}

/// Writes `changes`, the history row when stage, amount or close date moved, and the
/// audit entry with before → after.
async fn apply(
    conn: &mut Conn,
    ctx: &RequestContext,
    before: OpportunityRecord,
    changes_: OpportunityChanges,
) -> Result<Opportunity, Error> {
    let id = before.id;
    let moved = before.stage_id != changes_.stage_id
        || before.amount_minor != changes_.amount_minor
        || before.close_date != changes_.close_date;
    diesel::update(opportunities::table.filter(opportunities::id.eq(id)))
        .set(&changes_)
        .execute(conn)
        .await?;
    if moved {
        diesel::insert_into(opportunity_history::table)
            .values(NewStageChange {
                tenant_id: ctx.tenant_id,
                opportunity_id: id,
                stage_id: changes_.stage_id,
                amount_minor: changes_.amount_minor,
                close_date: changes_.close_date,
                changed_by: Some(ctx.user_id),
                changed_at: changes_.updated_at,
            })
            .execute(conn)
            .await?;
    }
    let stages = list_stages(conn, ctx.tenant_id).await?;
    let names = member_names(conn).await?;
    let account = account_name(conn, before.account_id).await?;
    let before = to_model(before, &stages, &names, account.clone())?;
    let after = load_model(conn, ctx.tenant_id, id).await?;
    let diff = changes(&before, &after, &["updated_at", "stage_entered_at"]);
    if diff.as_object().is_some_and(|m| !m.is_empty()) {
        NewAuditEntry::by(ctx, actions::OPPORTUNITY_UPDATED)
            .target("opportunity", id)
            .details(diff)
            .record(conn)
            .await?;
    }
    Ok(after)
}

/// Edits a deal's fields (reps their own; managers and above any).
pub async fn update_opportunity(
    db: &Db,
    ctx: &RequestContext,
    id: OpportunityId,
    input: &OpportunityInput,
) -> Result<Opportunity, Error> {
    let name = fields::required("name", &input.name, 200)?;
    let amount_minor = parse_money("amount", &input.amount)?;
    let close_date = fields::date("close_date", &input.close_date)?;
    let owner = fields::user("owner_id", &input.owner_id)?;
    let stage_id: StageId = input
        .stage_id
        .trim()
        .parse()
        .map_err(|_| AppError::validation("stage_id", "choose a stage"))?;
    let forecast_category = match input.forecast_category.trim() {
        "" => None,
        s => Some(ForecastCategory::parse(s).ok_or_else(|| {
            AppError::validation("forecast_category", "is not a forecast category")
        })?),
    };
    let next_step = fields::text("next_step", &input.next_step, 500)?;
    let lost_reason = fields::text("lost_reason", &input.lost_reason, 500)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let before = load(conn, id, true).await?;
        ensure_can_edit(ctx, before.owner_id, "opportunities")?;
        if owner != before.owner_id {
            ensure_can_assign(ctx, owner)?;
            ensure_owner_is_member(conn, owner).await?;
        }
        let currency = fields::currency("currency", &input.currency, &before.currency)?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let stage = stages
            .iter()
            .find(|s| s.id == stage_id)
            .ok_or_else(|| AppError::validation("stage_id", "is not a stage of this pipeline"))?
            .clone();
        let now = Utc::now();
        let closed_at = closed_at_for(&stage, &before, &lost_reason, now)?;
        let changes_ = OpportunityChanges {
            name,
            amount_minor,
            currency,
            stage_id,
            close_date,
            owner_id: owner,
            forecast_category,
            next_step,
            lost_reason: if stage.kind == StageKind::Lost {
                lost_reason
            } else {
                String::new()
            },
            stage_entered_at: if stage_id == before.stage_id {
                before.stage_entered_at
            } else {
                now
            },
            closed_at,
            updated_at: now,
        };
        apply(conn, ctx, before, changes_).await
    })
    .await
}

/// Moves a deal to another stage: the board's drag, its keyboard path and its select. A
/// lost stage needs `lost_reason`.
pub async fn move_opportunity(
    db: &Db,
    ctx: &RequestContext,
    id: OpportunityId,
    stage_id: StageId,
    lost_reason: &str,
) -> Result<Opportunity, Error> {
    let lost_reason = fields::text("lost_reason", lost_reason, 500)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let before = load(conn, id, true).await?;
        ensure_can_edit(ctx, before.owner_id, "opportunities")?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let stage = stages
            .iter()
            .find(|s| s.id == stage_id)
            .ok_or_else(|| AppError::validation("stage_id", "is not a stage of this pipeline"))?
            .clone();
        if stage.id == before.stage_id {
            let stages_ = stages.clone();
            let names = member_names(conn).await?;
            let account = account_name(conn, before.account_id).await?;
            return to_model(before, &stages_, &names, account);
        }
        let now = Utc::now();
        let closed_at = closed_at_for(&stage, &before, &lost_reason, now)?;
        let changes_ = OpportunityChanges {
            name: before.name.clone(),
            amount_minor: before.amount_minor,
            currency: before.currency.clone(),
            stage_id,
            close_date: before.close_date,
            owner_id: before.owner_id,
            forecast_category: before.forecast_category,
            next_step: before.next_step.clone(),
            lost_reason: if stage.kind == StageKind::Lost {
                lost_reason
            } else {
                String::new()
            },
            stage_entered_at: now,
            closed_at,
            updated_at: now,
        };
        apply(conn, ctx, before, changes_).await
    })
    .await
}

/// A new deal (the board's "new opportunity" and lead conversion use it).
#[allow(clippy::too_many_arguments)]
pub async fn insert_opportunity(
    conn: &mut Conn,
    ctx: &RequestContext,
    name: &str,
    account_id: Option<AccountId>,
    contact_id: Option<ContactId>,
    lead_id: Option<LeadId>,
    amount_minor: i64,
    close_date: NaiveDate,
) -> Result<OpportunityId, Error> {
    let stages = list_stages(conn, ctx.tenant_id).await?;
    let first_open = stages
        .iter()
        .find(|s| s.kind == StageKind::Open)
        .ok_or_else(|| AppError::conflict("The pipeline has no open stage to start a deal in."))?;
    let currency: String = platform::db::schema::sales_settings::table
        .select(platform::db::schema::sales_settings::currency)
        .first(conn)
        .await
        .optional()?
        .unwrap_or_else(|| "USD".to_string());
    let id = OpportunityId(Uuid::new_v4());
    let now = Utc::now();
    NewOpportunity {
        tenant_id: ctx.tenant_id,
        id,
        name: name.to_string(),
        account_id,
        primary_contact_id: contact_id,
        lead_id,
        amount_minor,
        currency: &currency,
        stage_id: first_open.id,
        close_date,
        owner_id: Some(ctx.user_id),
        stage_entered_at: now,
        closed_at: None,
        created_at: now,
    }
    .insert(conn, Some(ctx.user_id))
    .await?;
    if let Some(c) = contact_id {
        diesel::insert_into(opportunity_contacts::table)
            .values((
                opportunity_contacts::tenant_id.eq(ctx.tenant_id),
                opportunity_contacts::opportunity_id.eq(id),
                opportunity_contacts::contact_id.eq(c),
                opportunity_contacts::role.eq("Primary contact"),
            ))
            .execute(conn)
            .await?;
    }
    let created = load_model(conn, ctx.tenant_id, id).await?;
    NewAuditEntry::by(ctx, actions::OPPORTUNITY_CREATED)
        .target("opportunity", id)
        .details(snapshot(&created))
        .record(conn)
        .await?;
    Ok(id)
}

/// Creates a deal from the board's form.
pub async fn create_opportunity(
    db: &Db,
    ctx: &RequestContext,
    name: &str,
    amount: &str,
    close_date: &str,
) -> Result<OpportunityId, Error> {
    let name = fields::required("name", name, 200)?;
    let amount_minor = parse_money("amount", amount)?;
    let close_date = fields::date("close_date", close_date)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        insert_opportunity(conn, ctx, &name, None, None, None, amount_minor, close_date).await
    })
    .await
}

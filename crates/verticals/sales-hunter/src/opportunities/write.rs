//! Creating, editing and moving deals; every stage, amount or close-date change appends
//! its history row and audit entry in the same transaction.

use super::*;

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

/// Deletes a deal (managers and above, or its owner) with its history, contact roles,
/// activities and tasks. The open pipeline and the closed-deals tally follow by their
/// triggers, so the dashboard and the board stay true. The audit row holds the deal as
/// shown (stage, account, owner) and every stored value besides (its external id too, for
/// a synced deal: see `removal` for what a deletion does to synced records).
pub async fn delete_opportunity(
    db: &Db,
    ctx: &RequestContext,
    id: OpportunityId,
) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let shown = load_model(conn, ctx.tenant_id, id).await?;
        let stored = delete_record(conn, ctx, Removable::Opportunity, id.0).await?;
        let mut details = snapshot(&shown);
        if let (Some(d), serde_json::Value::Object(stored)) = (details.as_object_mut(), stored) {
            for (k, v) in stored {
                d.entry(k).or_insert(v);
            }
        }
        NewAuditEntry::by(ctx, actions::OPPORTUNITY_DELETED)
            .target("opportunity", id)
            .details(details)
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

//! The pipeline's stages, per tenant, with sensible defaults; admins add, rename, reorder and
//! remove them on the sales settings page.

use crate::actions;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::stage::{ForecastCategory, Stage, StageInput, StageKind};
use models::{AppError, Role, StageId, TenantId};
use platform::audit::{changes, NewAuditEntry};
use platform::db::schema::{opportunities, opportunity_history, pipeline_stages};
use platform::db::{Conn, Db};
use platform::error::is_unique_violation;
use platform::{Error, RequestContext};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = pipeline_stages, check_for_backend(diesel::pg::Pg))]
pub struct StageRow {
    pub id: StageId,
    pub name: String,
    pub position: i32,
    pub probability: i16,
    pub forecast_category: ForecastCategory,
    pub kind: StageKind,
}

impl From<StageRow> for Stage {
    fn from(r: StageRow) -> Stage {
        Stage {
            id: r.id,
            name: r.name,
            position: r.position,
            probability: r.probability,
            forecast_category: r.forecast_category,
            kind: r.kind,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = pipeline_stages, check_for_backend(diesel::pg::Pg))]
pub(crate) struct NewStage<'a> {
    pub(crate) tenant_id: TenantId,
    pub(crate) id: StageId,
    pub(crate) name: &'a str,
    pub(crate) position: i32,
    pub(crate) probability: i16,
    pub(crate) forecast_category: ForecastCategory,
    pub(crate) kind: StageKind,
}

/// The stages a new tenant starts with.
pub const DEFAULTS: [(&str, i16, ForecastCategory, StageKind); 7] = [
    (
        "Prospecting",
        10,
        ForecastCategory::Pipeline,
        StageKind::Open,
    ),
    (
        "Qualification",
        20,
        ForecastCategory::Pipeline,
        StageKind::Open,
    ),
    ("Discovery", 40, ForecastCategory::BestCase, StageKind::Open),
    ("Proposal", 60, ForecastCategory::BestCase, StageKind::Open),
    ("Negotiation", 80, ForecastCategory::Commit, StageKind::Open),
    ("Closed won", 100, ForecastCategory::Closed, StageKind::Won),
    ("Closed lost", 0, ForecastCategory::Omitted, StageKind::Lost),
];

/// The tenant's stages in board order, creating the defaults the first time.
pub async fn list_stages(conn: &mut Conn, tenant: TenantId) -> Result<Vec<Stage>, Error> {
    let rows: Vec<StageRow> = pipeline_stages::table
        .order((pipeline_stages::position, pipeline_stages::name))
        .select(StageRow::as_select())
        .load(conn)
        .await?;
    if !rows.is_empty() {
        return Ok(rows.into_iter().map(Stage::from).collect());
    }
    let new: Vec<NewStage> = DEFAULTS
        .iter()
        .enumerate()
        .map(
            |(i, (name, probability, forecast_category, kind))| NewStage {
                tenant_id: tenant,
                id: StageId(Uuid::new_v4()),
                name,
                position: i as i32,
                probability: *probability,
                forecast_category: *forecast_category,
                kind: *kind,
            },
        )
        .collect();
    diesel::insert_into(pipeline_stages::table)
        .values(&new)
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let rows: Vec<StageRow> = pipeline_stages::table
        .order((pipeline_stages::position, pipeline_stages::name))
        .select(StageRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(Stage::from).collect())
}

/// At most this many stages per tenant: a board wider than this is not read.
pub(crate) const MAX_STAGES: usize = 20;

#[derive(AsChangeset)]
#[diesel(table_name = pipeline_stages, check_for_backend(diesel::pg::Pg))]
struct StageChanges<'a> {
    name: &'a str,
    probability: i16,
    forecast_category: ForecastCategory,
}

/// A clash on the stage's name is the person's to fix; anything else is ours.
fn name_taken(e: diesel::result::Error) -> Error {
    if is_unique_violation(&e, "pipeline_stages_name_key") {
        AppError::validation("name", "another stage has this name").into()
    } else {
        e.into()
    }
}

fn find(stages: &[Stage], id: StageId) -> Result<&Stage, Error> {
    stages
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| AppError::not_found("stage").into())
}

/// The tenant's stages in board order, locked until the transaction ends, so that two
/// admins editing at once take turns rather than both renumbering from the same order.
/// (`NO KEY UPDATE` leaves deals free to point at the stages meanwhile.)
pub(crate) async fn locked_stages(conn: &mut Conn, tenant: TenantId) -> Result<Vec<Stage>, Error> {
    diesel::sql_query("SELECT id FROM pipeline_stages FOR NO KEY UPDATE")
        .execute(conn)
        .await?;
    list_stages(conn, tenant).await
}

/// Writes the positions of `stages` as their order in the list, where they differ.
pub(crate) async fn renumber(conn: &mut Conn, stages: &[Stage]) -> Result<(), Error> {
    for (i, s) in stages.iter().enumerate() {
        if s.position != i as i32 {
            diesel::update(pipeline_stages::table.filter(pipeline_stages::id.eq(s.id)))
                .set(pipeline_stages::position.eq(i as i32))
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// Adds an open stage after the last open one (admins and owners).
pub async fn add_stage(db: &Db, ctx: &RequestContext, input: &StageInput) -> Result<Stage, Error> {
    ctx.require(Role::Admin)?;
    let (name, probability, forecast_category) = input.validate()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut stages = locked_stages(conn, ctx.tenant_id).await?;
        if stages.len() >= MAX_STAGES {
            return Err(AppError::conflict(format!(
                "A pipeline has at most {MAX_STAGES} stages; remove or rename one first."
            ))
            .into());
        }
        // After the last open stage; won and lost move one place on.
        let at = stages
            .iter()
            .rposition(|s| s.kind == StageKind::Open)
            .map_or(0, |i| i + 1);
        let stage = Stage {
            id: StageId(Uuid::new_v4()),
            name: name.clone(),
            position: at as i32,
            probability,
            forecast_category,
            kind: StageKind::Open,
        };
        diesel::insert_into(pipeline_stages::table)
            .values(NewStage {
                tenant_id: ctx.tenant_id,
                id: stage.id,
                name: &name,
                position: stage.position,
                probability,
                forecast_category,
                kind: StageKind::Open,
            })
            .execute(conn)
            .await
            .map_err(name_taken)?;
        stages.insert(at, stage.clone());
        renumber(conn, &stages).await?;
        NewAuditEntry::by(ctx, actions::STAGE_CREATED)
            .target("stage", stage.id)
            .details(serde_json::json!({
                "name": name,
                "probability": probability,
                "forecast_category": forecast_category.as_str(),
            }))
            .record(conn)
            .await?;
        Ok(stage)
    })
    .await
}

/// Renames a stage or sets its probability and forecast category (admins and owners). Its
/// deals keep their history; the weighted pipeline uses the new probability from now on.
pub async fn save_stage(
    db: &Db,
    ctx: &RequestContext,
    id: StageId,
    input: &StageInput,
) -> Result<Stage, Error> {
    ctx.require(Role::Admin)?;
    let (name, probability, forecast_category) = input.validate()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let stages = locked_stages(conn, ctx.tenant_id).await?;
        let before = find(&stages, id)?.clone();
        let after = Stage {
            name: name.clone(),
            probability,
            forecast_category,
            ..before.clone()
        };
        if after == before {
            return Ok(after);
        }
        diesel::update(pipeline_stages::table.filter(pipeline_stages::id.eq(id)))
            .set(StageChanges {
                name: &name,
                probability,
                forecast_category,
            })
            .execute(conn)
            .await
            .map_err(name_taken)?;
        NewAuditEntry::by(ctx, actions::STAGE_UPDATED)
            .target("stage", id)
            .details(changes(&before, &after, &[]))
            .record(conn)
            .await?;
        Ok(after)
    })
    .await
}

/// Moves an open stage one place earlier (`up`) or later on the board (admins and owners).
/// The won and lost stages stay last.
pub async fn move_stage(
    db: &Db,
    ctx: &RequestContext,
    id: StageId,
    up: bool,
) -> Result<Vec<Stage>, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut stages = locked_stages(conn, ctx.tenant_id).await?;
        let i = stages
            .iter()
            .position(|s| s.id == id)
            .ok_or_else(|| Error::from(AppError::not_found("stage")))?;
        let j = if up { i.checked_sub(1) } else { Some(i + 1) };
        let open = |k: usize| stages.get(k).is_some_and(|s| s.kind == StageKind::Open);
        let Some(j) = j.filter(|&j| open(i) && open(j)) else {
            return Err(AppError::validation(
                "direction",
                if open(i) {
                    "the stage is already at that end of the open stages"
                } else {
                    "won and lost stages stay at the end of the board"
                },
            )
            .into());
        };
        stages.swap(i, j);
        renumber(conn, &stages).await?;
        NewAuditEntry::by(ctx, actions::STAGE_MOVED)
            .target("stage", id)
            .details(serde_json::json!({ "from": i, "to": j }))
            .record(conn)
            .await?;
        for (k, s) in stages.iter_mut().enumerate() {
            s.position = k as i32;
        }
        Ok(stages)
    })
    .await
}

/// Removes an open stage no deal has ever been in (admins and owners). A stage deals have
/// passed through stays, so that their history keeps its meaning: rename it instead.
pub async fn remove_stage(db: &Db, ctx: &RequestContext, id: StageId) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut stages = locked_stages(conn, ctx.tenant_id).await?;
        let stage = find(&stages, id)?.clone();
        if stage.kind != StageKind::Open {
            return Err(AppError::conflict(
                "The won and the lost stage close deals; every pipeline keeps them.",
            )
            .into());
        }
        if stages.iter().filter(|s| s.kind == StageKind::Open).count() == 1 {
            return Err(AppError::conflict("A pipeline needs at least one open stage.").into());
        }
        let used: bool = diesel::select(
            diesel::dsl::exists(opportunities::table.filter(opportunities::stage_id.eq(id)))
                .or(diesel::dsl::exists(
                    opportunity_history::table.filter(opportunity_history::stage_id.eq(id)),
                )),
        )
        .get_result(conn)
        .await?;
        if used {
            return Err(AppError::conflict(format!(
                "Deals are or have been in “{}”; it stays so that their history keeps its meaning. Rename it instead.",
                stage.name
            ))
            .into());
        }
        diesel::delete(pipeline_stages::table.filter(pipeline_stages::id.eq(id)))
            .execute(conn)
            .await?;
        stages.retain(|s| s.id != id);
        renumber(conn, &stages).await?;
        NewAuditEntry::by(ctx, actions::STAGE_REMOVED)
            .target("stage", id)
            .details(serde_json::json!({ "name": stage.name }))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

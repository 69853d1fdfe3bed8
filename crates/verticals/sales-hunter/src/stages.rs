//! The pipeline's stages, per tenant, with sensible defaults.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::{StageId, TenantId};
use platform::db::schema::pipeline_stages;
use platform::db::Conn;
use platform::Error;
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
struct NewStage<'a> {
    tenant_id: TenantId,
    id: StageId,
    name: &'a str,
    position: i32,
    probability: i16,
    forecast_category: ForecastCategory,
    kind: StageKind,
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

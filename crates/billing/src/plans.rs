//! Plans are data: the platform admins edit them, every tenant reads them.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{Meter, PlanMeter, PlanView};
use models::AppError;
use platform::db::schema::{plan_meters, plans};
use platform::db::Conn;
use platform::Error;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = plans, check_for_backend(diesel::pg::Pg))]
struct PlanRow {
    id: String,
    name: String,
    currency: String,
    monthly_price_minor: i64,
    included_seats: i32,
    seat_price_minor: Option<i64>,
    connector_limit: Option<i32>,
    features: Vec<Option<String>>,
    trial_days: i32,
    offered: bool,
}

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = plan_meters, check_for_backend(diesel::pg::Pg))]
struct PlanMeterRow {
    plan_id: String,
    meter: Meter,
    included: Option<i64>,
    overage_micros: Option<i64>,
}

fn view(row: PlanRow, meters: &[PlanMeterRow]) -> PlanView {
    // In the meters' own order, whatever order the rows come in.
    let mut meters: Vec<PlanMeter> = meters
        .iter()
        .filter(|m| m.plan_id == row.id)
        .map(|m| PlanMeter {
            meter: m.meter,
            included: m.included,
            overage_micros: m.overage_micros,
        })
        .collect();
    meters.sort_by_key(|m| Meter::ALL.iter().position(|x| *x == m.meter));
    PlanView {
        meters,
        id: row.id,
        name: row.name,
        currency: row.currency,
        monthly_price_minor: row.monthly_price_minor,
        included_seats: row.included_seats,
        seat_price_minor: row.seat_price_minor,
        connector_limit: row.connector_limit,
        features: row.features.into_iter().flatten().collect(),
        trial_days: row.trial_days,
        offered: row.offered,
    }
}

/// Every plan, in the order they are shown (cheapest first).
pub async fn all_plans(conn: &mut Conn) -> Result<Vec<PlanView>, Error> {
    let rows: Vec<PlanRow> = plans::table
        .order((plans::position, plans::id))
        .select(PlanRow::as_select())
        .load(conn)
        .await?;
    let meters: Vec<PlanMeterRow> = plan_meters::table
        .select(PlanMeterRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| view(r, &meters)).collect())
}

/// One plan; a field error on `plan` when there is none of that id.
pub async fn plan(conn: &mut Conn, id: &str) -> Result<PlanView, Error> {
    let row: Option<PlanRow> = plans::table
        .find(id)
        .select(PlanRow::as_select())
        .first(conn)
        .await
        .optional()?;
    let row =
        row.ok_or_else(|| AppError::validation("plan", format!("There is no plan {id:?}.")))?;
    let meters: Vec<PlanMeterRow> = plan_meters::table
        .filter(plan_meters::plan_id.eq(id))
        .select(PlanMeterRow::as_select())
        .load(conn)
        .await?;
    Ok(view(row, &meters))
}

/// The cap a plan puts on a meter: its included quantity when there is no overage price.
pub fn cap_of(plan: &PlanView, meter: Meter) -> Option<i64> {
    plan.meter(meter)
        .filter(|m| m.overage_micros.is_none())
        .and_then(|m| m.included)
}

//! The tenant's monthly budget for model calls. A run reserves its worst-case cost before
//! it calls a model, with one conditional UPDATE on the month's row (the row lock orders
//! concurrent runs, and each re-checks the limit against the total the previous one left),
//! and settles to its real cost afterwards. So concurrent runs never overshoot.

use chrono::{Datelike, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::{AppError, TenantId};
use platform::db::schema::agent_budgets;
use platform::db::Conn;
use platform::Error;

/// The month a run counts against.
pub fn this_month() -> NaiveDate {
    let today = Utc::now().date_naive();
    today.with_day(1).unwrap_or(today)
}

#[derive(diesel::QueryableByName)]
struct Spent {
    #[diesel(sql_type = BigInt)]
    spent_micros: i64,
}

/// Reserves `estimate` micro-dollars of this month's budget, or refuses with
/// `QuotaExceeded` naming the estimate and what is left.
pub async fn reserve(
    conn: &mut Conn,
    tenant: TenantId,
    month: NaiveDate,
    estimate: i64,
) -> Result<(), Error> {
    if estimate <= 0 {
        return Ok(());
    }
    diesel::sql_query(
        "INSERT INTO agent_spend (tenant_id, month) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Date, _>(month)
    .execute(conn)
    .await?;
    let reserved: Option<Spent> = diesel::sql_query(
        "UPDATE agent_spend SET spent_micros = spent_micros + $3 \
         WHERE tenant_id = $1 AND month = $2 \
           AND spent_micros + $3 <= COALESCE( \
               (SELECT monthly_limit_micros FROM agent_budgets WHERE tenant_id = $1), \
               9223372036854775807 - $3) \
         RETURNING spent_micros",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Date, _>(month)
    .bind::<BigInt, _>(estimate)
    .get_result(conn)
    .await
    .optional()?;
    if reserved.is_some() {
        return Ok(());
    }
    let limit = monthly_limit(conn).await?.unwrap_or(0);
    let spent: i64 = diesel::sql_query(
        "SELECT spent_micros FROM agent_spend WHERE tenant_id = $1 AND month = $2",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Date, _>(month)
    .get_result::<Spent>(conn)
    .await
    .map(|s| s.spent_micros)
    .unwrap_or(0);
    Err(AppError::quota_exceeded(format!(
        "This run could cost up to {} and only {} of this month's agent budget of {} is left. \
         An owner or admin can raise the budget on the Agents page.",
        models::agents::run::format_micros(estimate),
        models::agents::run::format_micros((limit - spent).max(0)),
        models::agents::run::format_micros(limit),
    ))
    .into())
}

/// Gives back what a run reserved beyond its real cost.
pub async fn settle(
    conn: &mut Conn,
    tenant: TenantId,
    month: NaiveDate,
    reserved: i64,
    actual: i64,
) -> Result<(), Error> {
    if reserved <= 0 && actual <= 0 {
        return Ok(());
    }
    diesel::sql_query(
        "UPDATE agent_spend SET spent_micros = GREATEST(0, spent_micros + $3) \
         WHERE tenant_id = $1 AND month = $2",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Date, _>(month)
    .bind::<BigInt, _>(actual - reserved)
    .execute(conn)
    .await?;
    Ok(())
}

/// The monthly limit in micro-dollars; none when unlimited.
pub async fn monthly_limit(conn: &mut Conn) -> Result<Option<i64>, Error> {
    Ok(agent_budgets::table
        .select(agent_budgets::monthly_limit_micros)
        .first::<Option<i64>>(conn)
        .await
        .optional()?
        .flatten())
}

/// What this month has spent (and holds reserved for runs in flight).
pub async fn spent_this_month(conn: &mut Conn, tenant: TenantId) -> Result<i64, Error> {
    let spent: Option<Spent> = diesel::sql_query(
        "SELECT spent_micros FROM agent_spend WHERE tenant_id = $1 AND month = $2",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Date, _>(this_month())
    .get_result(conn)
    .await
    .optional()?;
    Ok(spent.map_or(0, |s| s.spent_micros))
}

/// Sets (or, with `None`, lifts) the monthly limit.
pub async fn set_monthly_limit(
    conn: &mut Conn,
    tenant: TenantId,
    limit: Option<i64>,
) -> Result<(), Error> {
    diesel::insert_into(agent_budgets::table)
        .values((
            agent_budgets::tenant_id.eq(tenant),
            agent_budgets::monthly_limit_micros.eq(limit),
        ))
        .on_conflict(agent_budgets::tenant_id)
        .do_update()
        .set((
            agent_budgets::monthly_limit_micros.eq(limit),
            agent_budgets::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

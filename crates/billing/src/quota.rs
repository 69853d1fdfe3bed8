//! Usage against the plan: one counter row per tenant, meter and period. A capped meter is
//! reserved before the work with one conditional UPDATE (the row lock orders concurrent
//! callers and each re-checks the cap against what the previous one left), so the cap is
//! never overshot; the work's usage event then settles what it reserved.

use crate::plans::{cap_of, plan};
use crate::subscription::{subscription, SubscriptionRow};
use crate::warning::warn_owners;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::billing::{Meter, MeterUsage, WARN_PERCENT};
use models::sales::group_thousands;
use models::{AppError, TenantId};
use platform::db::schema::usage_counters;
use platform::db::Conn;
use platform::Error;

/// What a caller holds of a meter until its usage event settles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    pub meter: Meter,
    pub period: NaiveDate,
    pub quantity: i64,
}

#[derive(QueryableByName, Debug)]
struct Counted {
    #[diesel(sql_type = BigInt)]
    used: i64,
    #[diesel(sql_type = BigInt)]
    reserved: i64,
    #[diesel(sql_type = BigInt)]
    allowance: i64,
}

#[derive(Queryable, Selectable, Debug, Default)]
#[diesel(table_name = usage_counters, check_for_backend(diesel::pg::Pg))]
struct CounterRow {
    used: i64,
    reserved: i64,
    allowance: i64,
}

async fn ensure_counter(
    conn: &mut Conn,
    tenant: TenantId,
    meter: Meter,
    period: NaiveDate,
) -> Result<(), Error> {
    diesel::insert_into(usage_counters::table)
        .values((
            usage_counters::tenant_id.eq(tenant),
            usage_counters::meter.eq(meter),
            usage_counters::period_start.eq(period),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(())
}

/// Holds `quantity` of the meter for work about to happen, or refuses with
/// `QuotaExceeded` naming the meter, the limit and how to raise it.
pub async fn reserve(
    conn: &mut Conn,
    tenant: TenantId,
    meter: Meter,
    quantity: i64,
) -> Result<Reservation, Error> {
    let sub = subscription(conn, tenant).await?;
    let period = sub.period();
    let quantity = quantity.max(0);
    ensure_counter(conn, tenant, meter, period).await?;
    let plan = plan(conn, sub.effective_plan()).await?;
    let cap = cap_of(&plan, meter);
    let counted: Option<Counted> = diesel::sql_query(
        "UPDATE usage_counters SET reserved = reserved + $4 \
         WHERE tenant_id = $1 AND meter = $2 AND period_start = $3 \
           AND ($5::bigint IS NULL OR used + reserved + $4 <= $5 + allowance) \
         RETURNING used, reserved, allowance",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Text, _>(meter.as_str())
    .bind::<Date, _>(period)
    .bind::<BigInt, _>(quantity)
    .bind::<Nullable<BigInt>, _>(cap)
    .get_result(conn)
    .await
    .optional()?;
    match (counted, cap) {
        (Some(c), Some(cap)) => {
            warn_if_near(conn, &sub, meter, c.used + c.reserved, cap + c.allowance).await?;
            Ok(Reservation {
                meter,
                period,
                quantity,
            })
        }
        (Some(_), None) => Ok(Reservation {
            meter,
            period,
            quantity,
        }),
        (None, cap) => {
            let c = counter(conn, tenant, meter, period).await?;
            let limit = cap.unwrap_or(0) + c.allowance;
            Err(AppError::quota_exceeded(format!(
                "{} are used up for this billing period: {} of the {} plan's limit of {} \
                 (this needs {} more; the period ends {}). An owner can move to a larger \
                 plan on the Billing page, or a platform admin can grant a one-off allowance.",
                meter.label(),
                group(c.used + c.reserved),
                plan.name,
                group(limit),
                group(quantity),
                sub.period_end.format("%B %-d, %Y"),
            ))
            .into())
        }
    }
}

/// Counts `quantity` of the meter as used in `period` and gives back `settles` of what was
/// reserved there.
pub(crate) async fn count(
    conn: &mut Conn,
    sub: &SubscriptionRow,
    meter: Meter,
    period: NaiveDate,
    quantity: i64,
    settles: i64,
) -> Result<(), Error> {
    ensure_counter(conn, sub.tenant_id, meter, period).await?;
    let c: Counted = diesel::sql_query(
        "UPDATE usage_counters SET used = used + $4, reserved = GREATEST(0, reserved - $5) \
         WHERE tenant_id = $1 AND meter = $2 AND period_start = $3 \
         RETURNING used, reserved, allowance",
    )
    .bind::<SqlUuid, _>(sub.tenant_id.0)
    .bind::<Text, _>(meter.as_str())
    .bind::<Date, _>(period)
    .bind::<BigInt, _>(quantity)
    .bind::<BigInt, _>(settles)
    .get_result(conn)
    .await?;
    if period == sub.period() {
        let plan = plan(conn, sub.effective_plan()).await?;
        if let Some(cap) = cap_of(&plan, meter) {
            warn_if_near(conn, sub, meter, c.used + c.reserved, cap + c.allowance).await?;
        }
    }
    Ok(())
}

/// Gives back a reservation whose work did not happen.
pub async fn release(conn: &mut Conn, tenant: TenantId, r: Reservation) -> Result<(), Error> {
    diesel::sql_query(
        "UPDATE usage_counters SET reserved = GREATEST(0, reserved - $4) \
         WHERE tenant_id = $1 AND meter = $2 AND period_start = $3",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Text, _>(r.meter.as_str())
    .bind::<Date, _>(r.period)
    .bind::<BigInt, _>(r.quantity.max(0))
    .execute(conn)
    .await?;
    Ok(())
}

/// Tells the owners once per period and meter when use passes 80 % of the cap.
async fn warn_if_near(
    conn: &mut Conn,
    sub: &SubscriptionRow,
    meter: Meter,
    used: i64,
    cap: i64,
) -> Result<(), Error> {
    if cap <= 0 || used * 100 < cap * i64::from(WARN_PERCENT) {
        return Ok(());
    }
    let first = diesel::update(
        usage_counters::table
            .find((sub.tenant_id, meter, sub.period()))
            .filter(usage_counters::warned_at.is_null()),
    )
    .set(usage_counters::warned_at.eq(diesel::dsl::now))
    .execute(conn)
    .await?;
    if first == 1 {
        warn_owners(conn, sub, meter, used, cap).await?;
    }
    Ok(())
}

async fn counter(
    conn: &mut Conn,
    tenant: TenantId,
    meter: Meter,
    period: NaiveDate,
) -> Result<CounterRow, Error> {
    Ok(usage_counters::table
        .find((tenant, meter, period))
        .select(CounterRow::as_select())
        .first(conn)
        .await
        .optional()?
        .unwrap_or_default())
}

/// Every meter's use in the subscription's current period against its plan.
pub async fn period_usage(
    conn: &mut Conn,
    sub: &SubscriptionRow,
) -> Result<Vec<MeterUsage>, Error> {
    let plan = plan(conn, sub.effective_plan()).await?;
    let mut usage = Vec::with_capacity(Meter::ALL.len());
    for &meter in Meter::ALL {
        let c = counter(conn, sub.tenant_id, meter, sub.period()).await?;
        let cap = cap_of(&plan, meter).map(|cap| cap + c.allowance);
        usage.push(MeterUsage {
            meter,
            used: c.used,
            reserved: c.reserved,
            cap,
            included: plan.meter(meter).and_then(|m| m.included),
            allowance: c.allowance,
        });
    }
    Ok(usage)
}

fn group(n: i64) -> String {
    group_thousands(n.unsigned_abs())
}

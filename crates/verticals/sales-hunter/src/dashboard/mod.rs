//! The dashboard's facts, then the maths in `kpis`. Nothing here reads every deal or lead of
//! a period: the open pipeline (`open_pipeline`), closed deals (`closed`) and leads and
//! activities (`people`) are summed from what triggers keep, and a past period's pipeline is
//! kept once read (`pipeline_at`).
//!
//! Aggregates with `FILTER`, unions and a lateral look-up of each deal's state at a past
//! moment are written as SQL with bind parameters (typed through `QueryableByName`); the
//! query builder has no words for them.

mod closed;
mod people;
mod tally;

use crate::kpis::{readings, PeriodFacts};
use crate::open_pipeline::{open_by_stage, Owners, StageTotal};
use crate::stages::list_stages;
use crate::SalesHunter;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use closed::{closed, trend, Closed, Month};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Nullable, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::sales::activity::Task;
use models::sales::dashboard::{ChartBar, Dashboard, Period, TrendPoint};
use models::sales::stage::{Stage, StageKind};
use models::UserId;
use people::{people, People};
use platform::db::schema::{memberships, pipeline_snapshots};
use platform::db::{Conn, Db};
use platform::verticals::Vertical;
use platform::{Error, RequestContext};

#[derive(QueryableByName)]
struct OpenRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    amount: i64,
    #[diesel(sql_type = Double)]
    weighted: f64,
}

/// Deals open at moment $2, at the amount and stage they had then (from their history). A
/// deal whose last close is before $2 was closed then (reopening clears `closed_at`).
const OPEN_AT: &str = "
SELECT count(*)::bigint AS n,
       COALESCE(sum(h.amount_minor), 0)::bigint AS amount,
       COALESCE(sum(h.amount_minor * s.probability / 100.0), 0)::float8 AS weighted
FROM opportunities o
CROSS JOIN LATERAL (
    SELECT stage_id, amount_minor FROM opportunity_history h
    WHERE h.tenant_id = o.tenant_id AND h.opportunity_id = o.id AND h.changed_at <= $2
    ORDER BY h.changed_at DESC, h.id DESC LIMIT 1) h
JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = h.stage_id AND s.kind = 'open'
WHERE o.created_at <= $2 AND (o.closed_at IS NULL OR o.closed_at > $2)
  AND ($1::uuid IS NULL OR o.owner_id = $1)";

/// The open pipeline at midnight (UTC) `at`: kept in `pipeline_snapshots` the first time it is
/// asked for, from the deals' history. The past does not change, so the copy stays true.
async fn pipeline_at(
    conn: &mut Conn,
    owner: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<OpenRow, Error> {
    let scope = owner.map_or_else(|| "team".to_string(), |o| o.0.to_string());
    let kept: Option<(i64, i64, f64)> = pipeline_snapshots::table
        .filter(pipeline_snapshots::at.eq(at))
        .filter(pipeline_snapshots::scope.eq(&scope))
        .select((
            pipeline_snapshots::open_count,
            pipeline_snapshots::amount_minor,
            pipeline_snapshots::weighted_minor,
        ))
        .first(conn)
        .await
        .optional()?;
    if let Some((n, amount, weighted)) = kept {
        return Ok(OpenRow {
            n,
            amount,
            weighted,
        });
    }
    let row: OpenRow = diesel::sql_query(OPEN_AT)
        .bind::<Nullable<SqlUuid>, _>(owner.map(|u| u.0))
        .bind::<Timestamptz, _>(at)
        .get_result(conn)
        .await?;
    diesel::insert_into(pipeline_snapshots::table)
        .values((
            pipeline_snapshots::tenant_id.eq(diesel::dsl::sql::<SqlUuid>("app_current_tenant()")),
            pipeline_snapshots::at.eq(at),
            pipeline_snapshots::scope.eq(&scope),
            pipeline_snapshots::open_count.eq(row.n),
            pipeline_snapshots::amount_minor.eq(row.amount),
            pipeline_snapshots::weighted_minor.eq(row.weighted),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(row)
}

/// Midnight (UTC) at the start of `t`'s day: the moment a past period's pipeline is read at.
fn midnight(t: DateTime<Utc>) -> DateTime<Utc> {
    tally::at_midnight(t.date_naive())
}

/// One period's facts from its deals and its leads and activities.
fn facts(
    open: OpenRow,
    closed: &Closed,
    people: &People,
    reps: i64,
    quota_minor: i64,
) -> PeriodFacts {
    PeriodFacts {
        open_count: open.n,
        open_amount_minor: open.amount,
        open_weighted_minor: open.weighted,
        won_count: closed.won,
        lost_count: closed.lost,
        won_amount_minor: closed.won_amount_minor,
        median_cycle_days: closed.median_cycle_days,
        leads_created: people.created,
        leads_converted: people.converted,
        median_response_hours: people.median_response_hours,
        activities: people.activities,
        reps,
        quota_minor,
    }
}

/// A quarterly quota scaled to a period of `days`.
pub fn quota_for(quarterly_minor: i64, days: i64) -> i64 {
    ((quarterly_minor as i128 * days as i128 * 4) / 365) as i64
}

/// What the deals side of the dashboard reads, in one transaction.
struct DealSide {
    currency: String,
    quarterly_quota: i64,
    stages: Vec<Stage>,
    sums: Vec<StageTotal>,
    open_then: OpenRow,
    closed_now: Closed,
    closed_before: Closed,
    trend: Vec<Month>,
    my_day: Vec<Task>,
}

/// What the leads side reads, in another: both periods' leads and activities, and the reps.
struct PeopleSide {
    now: People,
    before: People,
    reps: i64,
}

/// The dashboard for the period ending now; `mine` narrows it to the user's own records.
///
/// Its two halves run at once, each in its own transaction on its own connection: the deals
/// (open pipeline, closed deals, the won/lost trend, "My day") and both periods' leads and
/// activities are independent reads, so the page waits for the longer half rather than
/// both. Each statement reads its own snapshot under READ COMMITTED in any case, so two
/// transactions see nothing one would not.
pub async fn get_dashboard(
    db: &Db,
    ctx: &RequestContext,
    period: Period,
    mine: bool,
) -> Result<Dashboard, Error> {
    let now = Utc::now();
    let len = Duration::days(period.days());
    let from = now - len;
    let prev_from = from - len;
    let owner = mine.then_some(ctx.user_id);
    let deals = db.tenant_tx(ctx.tenant_id, async |conn| {
        // `$1 IS NULL OR owner_id = $1` needs the value to be planned well.
        platform::db::plan_for_values(conn).await?;
        let (currency, quarterly_quota) = crate::settings::currency_and_quota(conn).await?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let sums = open_by_stage(conn, owner.map_or(Owners::All, Owners::One)).await?;
        let open_then = pipeline_at(conn, owner, midnight(from)).await?;
        let closed_now = closed(conn, owner, from, now).await?;
        let closed_before = closed(conn, owner, prev_from, from).await?;
        let trend = trend(conn, owner, first_of_month(now.date_naive(), 5)).await?;
        let my_day = crate::activities::my_day(conn, ctx.user_id, now.date_naive()).await?;
        Ok(DealSide {
            currency,
            quarterly_quota,
            stages,
            sums,
            open_then,
            closed_now,
            closed_before,
            trend,
            my_day,
        })
    });
    let people = db.tenant_tx(ctx.tenant_id, async |conn| {
        platform::db::plan_for_values(conn).await?;
        let reps = if owner.is_some() {
            1
        } else {
            memberships::table.count().get_result::<i64>(conn).await?
        };
        Ok(PeopleSide {
            now: people(conn, owner, from, now).await?,
            before: people(conn, owner, prev_from, from).await?,
            reps,
        })
    });
    let (deals, people) = tokio::try_join!(deals, people)?;

    let open_stages = || deals.stages.iter().filter(|s| s.kind == StageKind::Open);
    let stage_sum = |s: &Stage| deals.sums.iter().find(|x| x.stage_id == s.id);
    let open_now = open_stages()
        .filter_map(|s| stage_sum(s).map(|x| (s, x)))
        .fold(
            OpenRow {
                n: 0,
                amount: 0,
                weighted: 0.0,
            },
            |acc, (s, x)| OpenRow {
                n: acc.n + x.deals,
                amount: acc.amount + x.amount_minor,
                weighted: acc.weighted + x.amount_minor as f64 * f64::from(s.probability) / 100.0,
            },
        );
    let quota = quota_for(deals.quarterly_quota, len.num_days().max(1));
    let current = facts(open_now, &deals.closed_now, &people.now, people.reps, quota);
    let previous = facts(
        deals.open_then,
        &deals.closed_before,
        &people.before,
        people.reps,
        quota,
    );
    let kpis = readings(&SalesHunter.kpis(), &current, &previous);

    let pipeline_by_stage = open_stages()
        .map(|s| ChartBar {
            label: s.name.clone(),
            value: stage_sum(s).map_or(0, |x| x.amount_minor),
        })
        .collect();
    let won_lost = won_lost(&deals.trend, now.date_naive());
    let funnel = funnel(&people.now);
    Ok(Dashboard {
        period,
        from: from.date_naive(),
        to: now.date_naive(),
        scope: if mine { "mine" } else { "team" }.into(),
        currency: deals.currency,
        kpis,
        pipeline_by_stage,
        won_lost,
        funnel,
        my_day: deals.my_day,
    })
}

/// Won and lost deals per month, the last six months to `today`'s.
fn won_lost(trend: &[Month], today: NaiveDate) -> Vec<TrendPoint> {
    (0..6)
        .rev()
        .map(|back| {
            let start = first_of_month(today, back);
            let row = trend.iter().find(|m| m.month == start);
            TrendPoint {
                label: start.format("%b").to_string(),
                won: row.map_or(0, |r| r.won),
                lost: row.map_or(0, |r| r.lost),
            }
        })
        .collect()
}

/// The period's leads from created to opportunity.
fn funnel(leads: &People) -> Vec<ChartBar> {
    [
        ("Created", leads.created),
        ("Worked", leads.working),
        ("Qualified", leads.qualified),
        ("Opportunity", leads.converted),
    ]
    .into_iter()
    .map(|(label, value)| ChartBar {
        label: label.into(),
        value,
    })
    .collect()
}

/// The first day of the month `back` months before `d`'s.
fn first_of_month(d: NaiveDate, back: u32) -> NaiveDate {
    let months = d.year() * 12 + d.month0() as i32 - back as i32;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).unwrap_or(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_quotas() {
        let d = NaiveDate::from_ymd_opt(2026, 2, 17).expect("ok");
        assert_eq!(
            first_of_month(d, 0),
            NaiveDate::from_ymd_opt(2026, 2, 1).expect("ok")
        );
        assert_eq!(
            first_of_month(d, 3),
            NaiveDate::from_ymd_opt(2025, 11, 1).expect("ok")
        );
        assert_eq!(quota_for(100_000, 365), 400_000);
    }
}

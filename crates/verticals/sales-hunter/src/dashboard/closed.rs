//! The deals side's closed deals: a period's won and lost deals, the won amount and the
//! median sales cycle, and the won/lost trend by month.
//!
//! Summed from `closed_tally_changes`, which triggers keep (migration 000013: a few rows per
//! day, owner and cycle bucket); a period's partial first and last days are read from the
//! deals. The median cycle is exact: the tally says which bucket holds it, and only that
//! bucket's won deals are read for the value.

use super::tally::{median_lookups, median_of, span, COMPACT_PAST};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Nullable, SmallInt, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::UserId;
use platform::db::Conn;
use platform::Error;

/// The deals closed in a period.
pub(super) struct Closed {
    pub won: i64,
    pub lost: i64,
    pub won_amount_minor: i64,
    pub median_cycle_days: Option<f64>,
}

/// Won and lost deals in a calendar month (UTC).
#[derive(QueryableByName)]
pub(super) struct Month {
    #[diesel(sql_type = Date)]
    pub month: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub won: i64,
    #[diesel(sql_type = BigInt)]
    pub lost: i64,
}

#[derive(QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = SmallInt)]
    bucket: i16,
    #[diesel(sql_type = BigInt)]
    won: i64,
    #[diesel(sql_type = BigInt)]
    lost: i64,
    #[diesel(sql_type = BigInt)]
    won_amount: i64,
    #[diesel(sql_type = BigInt)]
    fresh: i64,
}

/// The tally of days [$2, $3) and the deals closed in [$4, $5) and [$6, $7), by cycle
/// bucket; $1 narrows to one owner.
const TALLY: &str = "
SELECT cycle_bucket AS bucket, sum(won)::bigint AS won, sum(lost)::bigint AS lost,
       sum(won_amount_minor)::bigint AS won_amount, sum(fresh)::bigint AS fresh
FROM (SELECT cycle_bucket, won, lost, won_amount_minor, (NOT folded)::int AS fresh
      FROM closed_tally_changes
      WHERE day >= $2 AND day < $3 AND ($1::uuid IS NULL OR owner_id = $1)
      UNION ALL
      SELECT o.cycle_bucket, (s.kind = 'won')::int, (s.kind = 'lost')::int,
             CASE WHEN s.kind = 'won' THEN o.amount_minor ELSE 0 END, 0
      FROM opportunities o
      JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = o.stage_id AND s.kind <> 'open'
      WHERE ((o.closed_at >= $4 AND o.closed_at < $5) OR (o.closed_at >= $6 AND o.closed_at < $7))
        AND ($1::uuid IS NULL OR o.owner_id = $1)) t
GROUP BY cycle_bucket";

/// Won and lost per month since $2 (the first of a month); $1 narrows to one owner.
const TREND: &str = "
SELECT date_trunc('month', day::timestamp)::date AS month,
       sum(won)::bigint AS won, sum(lost)::bigint AS lost
FROM closed_tally_changes
WHERE day >= $2 AND ($1::uuid IS NULL OR owner_id = $1)
GROUP BY 1";

#[derive(QueryableByName)]
struct Days {
    #[diesel(sql_type = Double)]
    days: f64,
}

/// The cycle (days) of rank $5 (from 0, shortest first) among the deals won in [$3, $4)
/// whose cycle falls in bucket $2 — or the bucket's last, should a write that committed since
/// the tally was read have shortened it.
const CYCLE_AT: &str = "
SELECT days FROM (
    SELECT extract(epoch FROM o.closed_at - o.created_at)::float8 / 86400 AS days
    FROM opportunities o
    JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = o.stage_id AND s.kind = 'won'
    WHERE o.cycle_bucket = $2 AND o.closed_at >= $3 AND o.closed_at < $4
      AND ($1::uuid IS NULL OR o.owner_id = $1)
    ORDER BY 1 LIMIT $5 + 1) d
ORDER BY days DESC LIMIT 1";

/// The deals closed in `[from, to)`, for the team or one owner.
pub(super) async fn closed(
    conn: &mut Conn,
    owner: Option<UserId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Closed, Error> {
    let owner = owner.map(|u| u.0);
    let s = span(from, to);
    let rows: Vec<BucketRow> = diesel::sql_query(TALLY)
        .bind::<Nullable<SqlUuid>, _>(owner)
        .bind::<Date, _>(s.days.0)
        .bind::<Date, _>(s.days.1)
        .bind::<Timestamptz, _>(s.head.0)
        .bind::<Timestamptz, _>(s.head.1)
        .bind::<Timestamptz, _>(s.tail.0)
        .bind::<Timestamptz, _>(s.tail.1)
        .load(conn)
        .await?;
    if rows.iter().map(|r| r.fresh).sum::<i64>() > COMPACT_PAST {
        diesel::sql_query("SELECT compact_closed_tally()")
            .execute(conn)
            .await?;
    }
    let mut buckets: Vec<(i16, i64)> = rows
        .iter()
        .map(|r| (r.bucket, r.won))
        .filter(|&(_, n)| n > 0)
        .collect();
    buckets.sort_unstable();
    let mut values = Vec::with_capacity(2);
    for (bucket, within) in median_lookups(&buckets) {
        let found: Option<Days> = diesel::sql_query(CYCLE_AT)
            .bind::<Nullable<SqlUuid>, _>(owner)
            .bind::<SmallInt, _>(bucket)
            .bind::<Timestamptz, _>(from)
            .bind::<Timestamptz, _>(to)
            .bind::<BigInt, _>(within)
            .get_result(conn)
            .await
            .optional()?;
        values.push(found.map(|v| v.days));
    }
    let median_cycle_days = median_of(&values);
    Ok(Closed {
        won: rows.iter().map(|r| r.won).sum(),
        lost: rows.iter().map(|r| r.lost).sum(),
        won_amount_minor: rows.iter().map(|r| r.won_amount).sum(),
        median_cycle_days,
    })
}

/// Won and lost per calendar month from `since` (a first of the month) on.
pub(super) async fn trend(
    conn: &mut Conn,
    owner: Option<UserId>,
    since: NaiveDate,
) -> Result<Vec<Month>, Error> {
    Ok(diesel::sql_query(TREND)
        .bind::<Nullable<SqlUuid>, _>(owner.map(|u| u.0))
        .bind::<Date, _>(since)
        .load(conn)
        .await?)
}

//! The deals side's closed deals: a period's won and lost deals, the won amount and the
//! median sales cycle, and the won/lost trend by month.
//!
//! Summed from `closed_tally_changes`, which triggers keep (migration 000013: a few rows per
//! day, owner and cycle bucket); a period's partial first and last days are read from the
//! deals. The median cycle is exact: the tally says which bucket holds it, and only that
//! bucket's won deals are read for the value.

use super::tally::{exact_median, read_period};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, SmallInt, Uuid as SqlUuid};
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

/// The tally of days [$2, $3) and the deals closed in [$4, $5) and [$6, $7) counted $8 and
/// $9 times (`tally::read_period`), by cycle bucket; $1 narrows to one owner.
const TALLY: &str = "
SELECT cycle_bucket AS bucket, sum(won)::bigint AS won, sum(lost)::bigint AS lost,
       sum(won_amount_minor)::bigint AS won_amount, sum(fresh)::bigint AS fresh
FROM (SELECT cycle_bucket, won, lost, won_amount_minor, (NOT folded)::int AS fresh
      FROM closed_tally_changes
      WHERE day >= $2 AND day < $3 AND ($1::uuid IS NULL OR owner_id = $1)
      UNION ALL
      SELECT o.cycle_bucket, w.w * (s.kind = 'won')::int, w.w * (s.kind = 'lost')::int,
             w.w * CASE WHEN s.kind = 'won' THEN o.amount_minor ELSE 0 END, 0
      FROM opportunities o
      CROSS JOIN LATERAL (SELECT CASE WHEN o.closed_at < $5 THEN $8 ELSE $9 END AS w) w
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

/// The cycle (days) of rank $5 (from 0, shortest first) among the deals won in [$3, $4)
/// whose cycle falls in bucket $2 — or the bucket's last, should a write that committed since
/// the tally was read have shortened it.
const CYCLE_AT: &str = "
SELECT value FROM (
    SELECT extract(epoch FROM o.closed_at - o.created_at)::float8 / 86400 AS value
    FROM opportunities o
    JOIN pipeline_stages s ON s.tenant_id = o.tenant_id AND s.id = o.stage_id AND s.kind = 'won'
    WHERE o.cycle_bucket = $2 AND o.closed_at >= $3 AND o.closed_at < $4
      AND ($1::uuid IS NULL OR o.owner_id = $1)
    ORDER BY 1 LIMIT $5 + 1) d
ORDER BY value DESC LIMIT 1";

/// The deals closed in `[from, to)`, for the team or one owner.
pub(super) async fn closed(
    conn: &mut Conn,
    owner: Option<UserId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Closed, Error> {
    let owner = owner.map(|u| u.0);
    let rows: Vec<BucketRow> = read_period(
        conn,
        TALLY,
        "SELECT compact_closed_tally()",
        owner,
        (from, to),
        |r: &BucketRow| r.fresh,
    )
    .await?;
    let won = rows.iter().map(|r| (r.bucket, r.won)).collect();
    let median_cycle_days = exact_median(conn, CYCLE_AT, owner, (from, to), won).await?;
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

//! The people side of the dashboard: the leads created in a period (worked, qualified,
//! converted), their median response time, and the activities logged in it.
//!
//! The whole UTC days of a period are summed from `people_tally_changes`, which triggers keep
//! (migration 000012: a few rows per day, person and response bucket, not every lead); the
//! partial first and last days are read from the records. The median is exact: the tally
//! says which response bucket holds it and how many smaller responses come before, and that
//! bucket's leads alone are read for the value.

use super::tally::{exact_median, read_period};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, SmallInt};
use models::UserId;
use platform::db::Conn;
use platform::Error;

/// Leads created in a period and activities logged in it.
pub(super) struct People {
    pub created: i64,
    pub converted: i64,
    pub working: i64,
    pub qualified: i64,
    pub median_response_hours: Option<f64>,
    pub activities: i64,
}

/// One response bucket's figures (bucket NULL: leads without an activity, and activities).
#[derive(QueryableByName)]
struct BucketRow {
    #[diesel(sql_type = Nullable<SmallInt>)]
    bucket: Option<i16>,
    #[diesel(sql_type = BigInt)]
    leads: i64,
    #[diesel(sql_type = BigInt)]
    converted: i64,
    #[diesel(sql_type = BigInt)]
    worked: i64,
    #[diesel(sql_type = BigInt)]
    qualified: i64,
    #[diesel(sql_type = BigInt)]
    activities: i64,
    #[diesel(sql_type = BigInt)]
    fresh: i64,
}

/// The tally of days [$2, $3) and the records of [$4, $5) and [$6, $7) counted $8 and $9
/// times (`tally::read_period`), by response bucket; $1 narrows to one person. `fresh`
/// counts appended (unfolded) rows read.
const TALLY: &str = "
SELECT response_bucket AS bucket, sum(leads)::bigint AS leads, sum(converted)::bigint AS converted,
       sum(worked)::bigint AS worked, sum(qualified)::bigint AS qualified,
       sum(activities)::bigint AS activities, sum(fresh)::bigint AS fresh
FROM (SELECT response_bucket, leads, converted, worked, qualified, activities, (NOT folded)::int AS fresh
      FROM people_tally_changes
      WHERE day >= $2 AND day < $3 AND ($1::uuid IS NULL OR user_id = $1)
      UNION ALL
      SELECT response_bucket, w, w * (converted_opportunity_id IS NOT NULL)::int,
             w * (status IN ('working', 'nurture', 'qualified', 'converted'))::int,
             w * (status IN ('qualified', 'converted'))::int, 0, 0
      FROM (SELECT response_bucket, converted_opportunity_id, status,
                   CASE WHEN created_at < $5 THEN $8 ELSE $9 END AS w
            FROM leads
            WHERE ((created_at >= $4 AND created_at < $5) OR (created_at >= $6 AND created_at < $7))
              AND ($1::uuid IS NULL OR owner_id = $1)) l
      UNION ALL
      SELECT NULL, 0, 0, 0, 0, CASE WHEN occurred_at < $5 THEN $8 ELSE $9 END, 0
      FROM activities
      WHERE ((occurred_at >= $4 AND occurred_at < $5) OR (occurred_at >= $6 AND occurred_at < $7))
        AND ($1::uuid IS NULL OR user_id = $1)) t
GROUP BY response_bucket";

/// The response (seconds) of rank $5 (from 0, smallest first) among the leads created in
/// [$3, $4) whose response falls in bucket $2 — or the bucket's last, should a write that
/// committed since the tally was read have shortened it.
const RESPONSE_AT: &str = "
SELECT value FROM (
    SELECT extract(epoch FROM first_activity_at - created_at)::float8 AS value
    FROM leads
    WHERE response_bucket = $2 AND created_at >= $3 AND created_at < $4
      AND ($1::uuid IS NULL OR owner_id = $1)
    ORDER BY 1 LIMIT $5 + 1) s
ORDER BY value DESC LIMIT 1";

/// Leads created in `[from, to)` and activities logged then, for the team or one person.
pub(super) async fn people(
    conn: &mut Conn,
    owner: Option<UserId>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<People, Error> {
    let owner = owner.map(|u| u.0);
    let rows: Vec<BucketRow> = read_period(
        conn,
        TALLY,
        "SELECT compact_people_tally()",
        owner,
        (from, to),
        |r: &BucketRow| r.fresh,
    )
    .await?;
    let total = |f: fn(&BucketRow) -> i64| rows.iter().map(f).sum::<i64>();
    let responded = rows
        .iter()
        .filter_map(|r| r.bucket.map(|b| (b, r.leads)))
        .collect();
    let median_secs = exact_median(conn, RESPONSE_AT, owner, (from, to), responded).await?;
    Ok(People {
        created: total(|r| r.leads),
        converted: total(|r| r.converted),
        working: total(|r| r.worked),
        qualified: total(|r| r.qualified),
        median_response_hours: median_secs.map(|s| s / 3600.0),
        activities: total(|r| r.activities),
    })
}

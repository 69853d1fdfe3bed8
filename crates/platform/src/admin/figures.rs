//! The platform's figures for the console's overview: organisations, people, activity, the
//! queue's failures. Each is one indexed query; billing adds revenue and usage.

use crate::db::Db;
use crate::error::Error;
use crate::RequestContext;
use chrono::NaiveDate;
use diesel::sql_types::{BigInt, Date};
use diesel_async::RunQueryDsl;
use models::admin::{Daily, PlatformFigures};

#[derive(diesel::QueryableByName)]
struct Counts {
    #[diesel(sql_type = BigInt)]
    tenants: i64,
    #[diesel(sql_type = BigInt)]
    suspended: i64,
    #[diesel(sql_type = BigInt)]
    users: i64,
    #[diesel(sql_type = BigInt)]
    active_7d: i64,
    #[diesel(sql_type = BigInt)]
    active_30d: i64,
    #[diesel(sql_type = BigInt)]
    jobs_finished_7d: i64,
    #[diesel(sql_type = BigInt)]
    jobs_dead_7d: i64,
}

#[derive(diesel::QueryableByName)]
pub(crate) struct DayCount {
    #[diesel(sql_type = Date)]
    pub(crate) day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    pub(crate) n: i64,
}

/// `rows` as one point per day of the last `days` days (UTC), zeros where none.
pub fn every_day(rows: &[(NaiveDate, i64)], days: u32, today: NaiveDate) -> Daily {
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .map(|day| {
            let n = rows.iter().filter(|(d, _)| *d == day).map(|(_, n)| n).sum();
            (day, n)
        })
        .collect()
}

pub async fn platform_figures(db: &Db, ctx: &RequestContext) -> Result<PlatformFigures, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let c: Counts = diesel::sql_query(
            "SELECT (SELECT count(*) FROM tenants) AS tenants, \
                    (SELECT count(*) FROM tenants WHERE suspended_at IS NOT NULL) AS suspended, \
                    (SELECT count(*) FROM users WHERE deactivated_at IS NULL) AS users, \
                    (SELECT count(DISTINCT actor_id) FROM audit_log \
                      WHERE created_at > now() - interval '7 days' AND actor_id IS NOT NULL) AS active_7d, \
                    (SELECT count(DISTINCT actor_id) FROM audit_log \
                      WHERE created_at > now() - interval '30 days' AND actor_id IS NOT NULL) AS active_30d, \
                    (SELECT count(*) FROM jobs WHERE state IN ('done', 'dead') \
                      AND finished_at > now() - interval '7 days') AS jobs_finished_7d, \
                    (SELECT count(*) FROM jobs WHERE state = 'dead' \
                      AND finished_at > now() - interval '7 days') AS jobs_dead_7d",
        )
        .get_result(conn)
        .await?;
        let days: Vec<DayCount> = diesel::sql_query(
            "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, count(*) AS n FROM audit_log \
             WHERE action = 'auth.signed_in' AND created_at >= (now() AT TIME ZONE 'UTC')::date - 29 \
             GROUP BY 1",
        )
        .load(conn)
        .await?;
        let rows: Vec<(NaiveDate, i64)> = days.into_iter().map(|d| (d.day, d.n)).collect();
        Ok(PlatformFigures {
            tenants: c.tenants,
            suspended: c.suspended,
            users: c.users,
            active_7d: c.active_7d,
            active_30d: c.active_30d,
            jobs_finished_7d: c.jobs_finished_7d,
            jobs_dead_7d: c.jobs_dead_7d,
            sign_ins: every_day(&rows, 30, chrono::Utc::now().date_naive()),
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::every_day;
    use chrono::NaiveDate;

    #[test]
    fn every_day_fills_the_gaps_oldest_first() {
        let d = |n| NaiveDate::from_ymd_opt(2026, 12, n).expect("a day");
        let filled = every_day(&[(d(6), 3), (d(4), 2), (d(1), 9)], 3, d(6));
        assert_eq!(filled, vec![(d(4), 2), (d(5), 0), (d(6), 3)]);
    }
}

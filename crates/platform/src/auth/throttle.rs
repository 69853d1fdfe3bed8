//! Sign-in throttling, per account and per client IP, kept in PostgreSQL so that every web
//! process sees the same counts.
//!
//! Only failures since the account's last success count, within a sliding window.

use crate::db::{schema::login_attempts, Conn};
use crate::error::Error;
use chrono::{DateTime, Duration, Utc};
use diesel::dsl::{count_star, max, min};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::AppError;

#[derive(Debug, Clone, Copy)]
pub struct ThrottlePolicy {
    pub window: Duration,
    pub max_failures_per_account: i64,
    pub max_failures_per_ip: i64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            window: Duration::minutes(15),
            max_failures_per_account: 5,
            max_failures_per_ip: 30,
        }
    }
}

/// Refuses with `RateLimited` when the account or the IP has failed too often lately.
pub async fn check(
    conn: &mut Conn,
    policy: &ThrottlePolicy,
    email: &str,
    ip: &str,
) -> Result<(), Error> {
    let now = Utc::now();
    let window_start = now - policy.window;

    let last_success: Option<DateTime<Utc>> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(true))
        .select(max(login_attempts::created_at))
        .first(conn)
        .await?;
    let since = last_success.map_or(window_start, |s| s.max(window_start));
    let (account_failures, account_oldest): (i64, Option<DateTime<Utc>>) = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.gt(since))
        .select((count_star(), min(login_attempts::created_at)))
        .first(conn)
        .await?;
    if account_failures >= policy.max_failures_per_account {
        return Err(limited("for this account", account_oldest, policy, now).into());
    }

    let (ip_failures, ip_oldest): (i64, Option<DateTime<Utc>>) = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::created_at.gt(window_start))
        .select((count_star(), min(login_attempts::created_at)))
        .first(conn)
        .await?;
    if ip_failures >= policy.max_failures_per_ip {
        return Err(limited("from your network", ip_oldest, policy, now).into());
    }
    Ok(())
}

fn limited(
    whose: &str,
    oldest: Option<DateTime<Utc>>,
    policy: &ThrottlePolicy,
    now: DateTime<Utc>,
) -> AppError {
    let free_at = oldest.unwrap_or(now) + policy.window;
    let secs = (free_at - now).num_seconds().max(1) as u64;
    let minutes = secs.div_ceil(60);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    AppError::RateLimited {
        message: format!(
            "Too many failed sign-in attempts {whose}. Try again in {minutes} {unit}."
        ),
        retry_after_secs: secs,
    }
}

#[derive(Insertable)]
#[diesel(table_name = login_attempts, check_for_backend(diesel::pg::Pg))]
struct NewLoginAttempt<'a> {
    email: &'a str,
    ip: &'a str,
    succeeded: bool,
}

pub async fn record(conn: &mut Conn, email: &str, ip: &str, succeeded: bool) -> Result<(), Error> {
    diesel::insert_into(login_attempts::table)
        .values(NewLoginAttempt {
            email,
            ip,
            succeeded,
        })
        .execute(conn)
        .await?;
    Ok(())
}

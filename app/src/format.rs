//! Display helpers shared by the sales pages.

use chrono::{DateTime, NaiveDate, Utc};

pub fn date(d: NaiveDate) -> String {
    d.format("%b %-d, %Y").to_string()
}

pub fn day(t: DateTime<Utc>) -> String {
    date(t.date_naive())
}

pub fn when(t: DateTime<Utc>) -> String {
    t.format("%b %-d, %Y %H:%M UTC").to_string()
}

/// "12,345" style thousands.
pub fn count(n: i64) -> String {
    let grouped = models::sales::group_thousands(n.unsigned_abs());
    if n < 0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

//! What the dashboard's tallies share (migrations 000012 and 000013): a period cut into
//! whole UTC days (summed from a tally) and two partial days (read from the records), and an
//! exact median found by rank across ordered buckets.
//!
//! A partial day is read as its part inside the period, or as the whole day from the tally
//! less its part outside, whichever has less of the past to read: the period ending now
//! takes today whole and subtracts what lies ahead of now (next to nothing), so a million
//! leads brought in this morning cost the dashboard nothing more than yesterday's did.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{
    BigInt, Date, Double, Integer, Nullable, SmallInt, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::RunQueryDsl;
use platform::db::Conn;
use platform::Error;
use uuid::Uuid;

/// Past this many appended rows in a period, a read folds the tally.
const COMPACT_PAST: i64 = 1000;

/// A period's figures by bucket. `sql` sums the tally's whole days [$2, $3) and the records
/// of [$4, $5) and [$6, $7), counted $8 and $9 times (1 for a part inside the period, -1 for
/// one outside that a whole day brought in), $1 narrowing to one person; `fresh` says how
/// many appended rows a figure summed. Past [`COMPACT_PAST`] of them the read runs `compact`
/// (a `compact_*_tally()` call), which folds the tally.
pub(super) async fn read_period<R>(
    conn: &mut Conn,
    sql: &'static str,
    compact: &'static str,
    owner: Option<Uuid>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    fresh: fn(&R) -> i64,
) -> Result<Vec<R>, Error>
where
    R: QueryableByName<Pg> + Send + 'static,
{
    let s = span(from, to, Utc::now());
    let rows: Vec<R> = diesel::sql_query(sql)
        .bind::<Nullable<SqlUuid>, _>(owner)
        .bind::<Date, _>(s.days.0)
        .bind::<Date, _>(s.days.1)
        .bind::<Timestamptz, _>(s.head.range.0)
        .bind::<Timestamptz, _>(s.head.range.1)
        .bind::<Timestamptz, _>(s.tail.range.0)
        .bind::<Timestamptz, _>(s.tail.range.1)
        .bind::<Integer, _>(s.head.sign)
        .bind::<Integer, _>(s.tail.sign)
        .load(conn)
        .await?;
    if rows.iter().map(fresh).sum::<i64>() > COMPACT_PAST {
        diesel::sql_query(compact).execute(conn).await?;
    }
    Ok(rows)
}

#[derive(QueryableByName)]
struct Value {
    #[diesel(sql_type = Double)]
    value: f64,
}

/// The exact median of the values counted in `buckets` ((bucket, count), in any order), as
/// `percentile_cont(0.5)`. `value_at` selects `value` of rank $5 (from 0, smallest first)
/// among the records of [$3, $4) in bucket $2, $1 narrowing to one person; it is run for
/// the one or two middle values only. None when nothing is counted, or when a value is gone.
pub(super) async fn exact_median(
    conn: &mut Conn,
    value_at: &'static str,
    owner: Option<Uuid>,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    mut buckets: Vec<(i16, i64)>,
) -> Result<Option<f64>, Error> {
    buckets.retain(|&(_, n)| n > 0);
    buckets.sort_unstable();
    let mut values = Vec::with_capacity(2);
    for (bucket, within) in median_lookups(&buckets) {
        let found: Option<Value> = diesel::sql_query(value_at)
            .bind::<Nullable<SqlUuid>, _>(owner)
            .bind::<SmallInt, _>(bucket)
            .bind::<Timestamptz, _>(from)
            .bind::<Timestamptz, _>(to)
            .bind::<BigInt, _>(within)
            .get_result(conn)
            .await
            .optional()?;
        values.push(found.map(|v| v.value));
    }
    Ok(median_of(&values))
}

/// A period's whole UTC days and the partial days around them.
#[derive(Debug, PartialEq)]
struct Span {
    /// Whole days, `[first, last)`.
    days: (NaiveDate, NaiveDate),
    /// The records read at the start and at the end.
    head: Part,
    tail: Part,
}

/// Records of a partial day: those in the period (`sign` 1), or those of a day the tally
/// counts whole that lie outside it (`sign` -1).
#[derive(Debug, PartialEq)]
struct Part {
    range: (DateTime<Utc>, DateTime<Utc>),
    sign: i32,
}

impl Part {
    fn inside(from: DateTime<Utc>, to: DateTime<Utc>) -> Part {
        Part {
            range: (from, to),
            sign: 1,
        }
    }

    fn outside(from: DateTime<Utc>, to: DateTime<Utc>) -> Part {
        Part {
            range: (from, to),
            sign: -1,
        }
    }
}

pub(super) fn at_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// How much of the past `[from, to)` covers (records are not made ahead of `now`, or
/// hardly: a clock ahead, a date typed in).
fn past(from: DateTime<Utc>, to: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (to.min(now) - from).max(Duration::zero())
}

fn span(from: DateTime<Utc>, to: DateTime<Utc>, now: DateTime<Utc>) -> Span {
    let first = if at_midnight(from.date_naive()) == from {
        from.date_naive()
    } else {
        from.date_naive() + Duration::days(1)
    };
    let last = to.date_naive();
    if first >= last {
        // No whole day: the records of the whole period.
        return Span {
            days: (first, first),
            head: Part::inside(from, to),
            tail: Part::inside(to, to),
        };
    }
    let mut days = (first, last);
    // The start: [from, midnight) inside, or the day before it whole less [its midnight, from).
    let day_before = at_midnight(first - Duration::days(1));
    let head = if past(day_before, from, now) < past(from, at_midnight(first), now) {
        days.0 = first - Duration::days(1);
        Part::outside(day_before, from)
    } else {
        Part::inside(from, at_midnight(first))
    };
    // The end: [midnight, to) inside, or its day whole less [to, the next midnight).
    let next = at_midnight(last + Duration::days(1));
    let tail = if to > at_midnight(last) && past(to, next, now) < past(at_midnight(last), to, now) {
        days.1 = last + Duration::days(1);
        Part::outside(to, next)
    } else {
        Part::inside(at_midnight(last), to)
    };
    Span { days, head, tail }
}

/// Which bucket holds the value of `rank` (from 0, smallest first), and its rank within the
/// bucket; `buckets` are (bucket, values in it) in ascending order.
fn locate(buckets: &[(i16, i64)], rank: i64) -> Option<(i16, i64)> {
    let mut before = 0;
    for &(bucket, n) in buckets {
        if rank < before + n {
            return Some((bucket, rank - before));
        }
        before += n;
    }
    None
}

/// The ranks whose values make the median of `n` values (as `percentile_cont(0.5)`: the
/// middle one, or the mean of the middle two).
fn median_ranks(n: i64) -> Option<(i64, i64)> {
    (n > 0).then(|| ((n - 1) / 2, n / 2))
}

/// Where the one or two middle values of those counted in `buckets` ((bucket, count),
/// ascending) are: (bucket, rank within it). Their mean is the median.
fn median_lookups(buckets: &[(i16, i64)]) -> Vec<(i16, i64)> {
    let Some((lo, hi)) = median_ranks(buckets.iter().map(|&(_, n)| n).sum()) else {
        return Vec::new();
    };
    let ranks: &[i64] = if lo == hi { &[lo] } else { &[lo, hi] };
    ranks.iter().filter_map(|&r| locate(buckets, r)).collect()
}

/// The median from the values read at [`median_lookups`]: None when there were none or one
/// is missing (gone since the tally was read).
fn median_of(values: &[Option<f64>]) -> Option<f64> {
    let found: Vec<f64> = values.iter().copied().collect::<Option<_>>()?;
    (!found.is_empty()).then(|| found.iter().sum::<f64>() / found.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().expect("a time")
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn a_period_is_whole_days_between_two_partial_ones() {
        // A period that ended in the past: each partial day read as its part inside.
        let later = t("2026-12-31T00:00:00Z");
        assert_eq!(
            span(t("2026-08-29T15:30:00Z"), t("2026-11-27T08:30:00Z"), later),
            Span {
                days: (d("2026-08-30"), d("2026-11-27")),
                head: Part::inside(t("2026-08-29T15:30:00Z"), t("2026-08-30T00:00:00Z")),
                tail: Part::inside(t("2026-11-27T00:00:00Z"), t("2026-11-27T08:30:00Z")),
            }
        );
        // Less of the day outside the period: the day whole, less that part.
        assert_eq!(
            span(t("2026-08-29T03:00:00Z"), t("2026-11-27T20:00:00Z"), later),
            Span {
                days: (d("2026-08-29"), d("2026-11-28")),
                head: Part::outside(t("2026-08-29T00:00:00Z"), t("2026-08-29T03:00:00Z")),
                tail: Part::outside(t("2026-11-27T20:00:00Z"), t("2026-11-28T00:00:00Z")),
            }
        );
        // The period ending now takes today whole, less what lies ahead of now.
        let now = t("2026-11-27T08:30:00Z");
        assert_eq!(
            span(t("2026-08-29T08:30:00Z"), now, now),
            Span {
                days: (d("2026-08-29"), d("2026-11-28")),
                head: Part::outside(t("2026-08-29T00:00:00Z"), t("2026-08-29T08:30:00Z")),
                tail: Part::outside(now, t("2026-11-28T00:00:00Z")),
            }
        );
        // Starting at midnight, the first day is whole; ending at one, the last is not.
        let s = span(t("2026-11-01T00:00:00Z"), t("2026-11-03T00:00:00Z"), later);
        assert_eq!(s.days, (d("2026-11-01"), d("2026-11-03")));
        assert_eq!(s.tail.range.0, s.tail.range.1);
        // Within a day, or across one midnight: no whole day, all read from the records.
        for (from, to) in [
            ("2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z"),
            ("2026-11-26T23:00:00Z", "2026-11-27T02:00:00Z"),
        ] {
            let s = span(t(from), t(to), t(to));
            assert_eq!(s.head, Part::inside(t(from), t(to)));
            assert_eq!(s.tail.range.0, s.tail.range.1);
            assert_eq!(s.days.0, s.days.1);
        }
    }

    #[test]
    fn the_median_is_found_by_rank_across_buckets() {
        assert_eq!(median_ranks(0), None);
        assert_eq!(median_ranks(1), Some((0, 0)));
        assert_eq!(median_ranks(4), Some((1, 2)));
        assert_eq!(median_ranks(5), Some((2, 2)));
        let buckets = [(0, 2), (7, 1), (40, 3)];
        assert_eq!(locate(&buckets, 0), Some((0, 0)));
        assert_eq!(locate(&buckets, 1), Some((0, 1)));
        assert_eq!(locate(&buckets, 2), Some((7, 0)));
        assert_eq!(locate(&buckets, 3), Some((40, 0)));
        assert_eq!(locate(&buckets, 5), Some((40, 2)));
        assert_eq!(locate(&buckets, 6), None);
        assert_eq!(median_lookups(&buckets), [(7, 0), (40, 0)]);
        assert_eq!(median_lookups(&[(3, 5)]), [(3, 2)]);
        assert!(median_lookups(&[]).is_empty());
        assert_eq!(median_of(&[Some(2.0), Some(5.0)]), Some(3.5));
        assert_eq!(median_of(&[Some(2.0), None]), None);
        assert_eq!(median_of(&[]), None);
    }
}

//! What the dashboard's tallies share (migrations 000012 and 000013): a period cut into
//! whole UTC days (summed from a tally) and two partial days (read from the records), and an
//! exact median found by rank across ordered buckets.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Double, Nullable, SmallInt, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use platform::db::Conn;
use platform::Error;
use uuid::Uuid;

/// Past this many appended rows in a period, a read folds the tally.
const COMPACT_PAST: i64 = 1000;

/// A period's figures by bucket. `sql` sums the tally's whole days [$2, $3) and reads the
/// records of the partial days [$4, $5) and [$6, $7), $1 narrowing to one person; `fresh`
/// says how many appended rows a figure summed. Past [`COMPACT_PAST`] of them the read runs
/// `compact` (a `compact_*_tally()` call), which folds the tally.
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
    let s = span(from, to);
    let rows: Vec<R> = diesel::sql_query(sql)
        .bind::<Nullable<SqlUuid>, _>(owner)
        .bind::<Date, _>(s.days.0)
        .bind::<Date, _>(s.days.1)
        .bind::<Timestamptz, _>(s.head.0)
        .bind::<Timestamptz, _>(s.head.1)
        .bind::<Timestamptz, _>(s.tail.0)
        .bind::<Timestamptz, _>(s.tail.1)
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
    /// The part before the first whole day and the part after the last.
    head: (DateTime<Utc>, DateTime<Utc>),
    tail: (DateTime<Utc>, DateTime<Utc>),
}

pub(super) fn at_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

fn span(from: DateTime<Utc>, to: DateTime<Utc>) -> Span {
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
            head: (from, to),
            tail: (to, to),
        };
    }
    Span {
        days: (first, last),
        head: (from, at_midnight(first)),
        tail: (at_midnight(last), to),
    }
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
        assert_eq!(
            span(t("2026-08-29T15:30:00Z"), t("2026-11-27T15:30:00Z")),
            Span {
                days: (d("2026-08-30"), d("2026-11-27")),
                head: (t("2026-08-29T15:30:00Z"), t("2026-08-30T00:00:00Z")),
                tail: (t("2026-11-27T00:00:00Z"), t("2026-11-27T15:30:00Z")),
            }
        );
        // Starting at midnight, the first day is whole.
        assert_eq!(
            span(t("2026-11-01T00:00:00Z"), t("2026-11-03T08:00:00Z")).days,
            (d("2026-11-01"), d("2026-11-03"))
        );
        // Within a day, or across one midnight: no whole day, all read from the records.
        for (from, to) in [
            ("2026-11-27T01:00:00Z", "2026-11-27T02:00:00Z"),
            ("2026-11-26T23:00:00Z", "2026-11-27T02:00:00Z"),
        ] {
            let s = span(t(from), t(to));
            assert_eq!(s.head, (t(from), t(to)));
            assert_eq!(s.tail.0, s.tail.1);
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

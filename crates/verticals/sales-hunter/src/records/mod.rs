//! What the accounts and contacts tables share with each other (and, where it is the same
//! thing, with the leads table): keyset cursors, the page's next/previous links, search
//! words, custom-field filters.
//!
//! A page is the next `PAGE` rows after the cursor `(value, id)` in the sort order, each
//! sortable column having an index `(tenant_id, column, id)` (migration 000020): a range scan
//! whose cost does not grow with how deep the page is; `id` breaks ties.

mod bulk;
mod csv;

pub use bulk::{bulk_update_records, MAX_BULK};
pub use csv::{csv_field, csv_line, export_header, record_line};

use crate::text_search::like_pattern;
use chrono::{DateTime, Utc};
use models::sales::custom_field::CustomField;
use models::sales::record_query::RecordSort;
use models::AppError;
use uuid::Uuid;

/// Rows per page.
pub const PAGE: i64 = 50;
/// Counted up to this many (more shows as "10,000+").
pub const COUNT_CAP: i64 = 10_000;
/// A search is counted up to this many ("1,000+"), as on the leads table.
pub const SEARCH_COUNT_CAP: i64 = 1_000;
/// Rows per page of a CSV export.
pub const EXPORT_PAGE: i64 = 1000;

/// Keeps the rows after `(v, id)` in the walking order and sorts by `(col, id)`.
macro_rules! keyset {
    ($q:expr, $col:expr, $id:expr, $cursor:expr, $desc:expr) => {{
        let mut q = $q;
        if let Some((v, id)) = $cursor {
            q = if $desc {
                q.filter($col.le(v.clone()).and($col.lt(v).or($id.lt(id))))
            } else {
                q.filter($col.ge(v.clone()).and($col.gt(v).or($id.gt(id))))
            };
        }
        if $desc {
            q.order_by(($col.desc(), $id.desc()))
        } else {
            q.order_by(($col.asc(), $id.asc()))
        }
    }};
}
pub(crate) use keyset;

/// A position in a list: the last (or first) row's sort value.
#[derive(Clone, Debug)]
pub enum CursorValue {
    Text(String),
    Int(i32),
    Time(DateTime<Utc>),
}

impl CursorValue {
    pub fn text(self) -> Option<String> {
        match self {
            CursorValue::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn int(self) -> Option<i32> {
        match self {
            CursorValue::Int(n) => Some(n),
            _ => None,
        }
    }

    pub fn time(self) -> Option<DateTime<Utc>> {
        match self {
            CursorValue::Time(t) => Some(t),
            _ => None,
        }
    }
}

/// `<id>.<value>`: times as microseconds.
pub fn encode_cursor(id: Uuid, value: &CursorValue) -> String {
    match value {
        CursorValue::Text(t) => format!("{id}.{t}"),
        CursorValue::Int(n) => format!("{id}.{n}"),
        CursorValue::Time(t) => format!("{id}.{}", t.timestamp_micros()),
    }
}

/// Reads the cursor of the `field` parameter (`after` or `before`) for a list sorted by `sort`.
pub fn decode_cursor(
    sort: RecordSort,
    field: &str,
    cursor: &str,
) -> Result<(CursorValue, Uuid), AppError> {
    let bad = || {
        AppError::validation(
            field,
            "is not a position in this list; start from the first page",
        )
    };
    let (id, value) = cursor.split_once('.').ok_or_else(bad)?;
    let id: Uuid = id.parse().map_err(|_| bad())?;
    let value = match sort {
        RecordSort::Created => CursorValue::Time(
            value
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(bad)?,
        ),
        RecordSort::Employees => CursorValue::Int(value.parse().map_err(|_| bad())?),
        _ => CursorValue::Text(value.to_string()),
    };
    Ok((value, id))
}

/// The cursor of a view's `after` or `before`, and whether the page is read backwards.
pub fn view_cursor(
    sort: RecordSort,
    after: &Option<String>,
    before: &Option<String>,
) -> Result<(Option<(CursorValue, Uuid)>, bool), AppError> {
    Ok(match (after, before) {
        (Some(c), _) => (Some(decode_cursor(sort, "after", c)?), false),
        (None, Some(c)) => (Some(decode_cursor(sort, "before", c)?), true),
        (None, None) => (None, false),
    })
}

/// Trims a page read with one row too many (`PAGE + 1`) into its rows and the cursors of
/// the next and previous pages. `backwards`: the rows were read towards the start (a
/// `before` link) and are put back in the view's order.
pub fn page_links<R>(
    rows: &mut Vec<R>,
    backwards: bool,
    has_after: bool,
    cursor: impl Fn(&R) -> String,
) -> (Option<String>, Option<String>) {
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    if backwards {
        rows.reverse();
    }
    let first = rows.first().map(&cursor);
    let last = rows.last().map(&cursor);
    if backwards {
        (last, if more { first } else { None })
    } else {
        (
            if more { last } else { None },
            if has_after { first } else { None },
        )
    }
}

/// A view's search: its words as LIKE patterns, and every match of the longest word when
/// the trigram index found few (`None`: many, so the page walks the sort order).
pub struct Search {
    pub patterns: Vec<String>,
    pub ids: Option<Vec<Uuid>>,
}

/// A search matching fewer rows than this is filtered by their ids (see `text_search`).
const FEW: i32 = 2000;

impl Search {
    /// Asks `table`'s trigram index for the longest word's matches; when they are many, sets
    /// the transaction to walk the sort order.
    pub async fn of(
        conn: &mut platform::db::Conn,
        table: crate::text_search::Searchable,
        q: &str,
    ) -> Result<Search, platform::Error> {
        let patterns = search_patterns(q);
        let ids = match patterns.iter().max_by_key(|p| p.len()) {
            Some(p) => crate::text_search::few_matches(conn, table, p, FEW).await?,
            None => None,
        };
        if !patterns.is_empty() && ids.is_none() {
            crate::text_search::walk_the_sort_order(conn).await?;
        }
        Ok(Search { patterns, ids })
    }

    /// The count cap for this view, and whether the count is known to pass it without
    /// counting: one common word and nothing else narrows it (its index found `FEW` or more).
    pub fn count_cap(&self, narrowed_otherwise: bool) -> (i64, bool) {
        if self.patterns.is_empty() {
            return (COUNT_CAP, false);
        }
        let known = self.ids.is_none() && self.patterns.len() == 1 && !narrowed_otherwise;
        (SEARCH_COUNT_CAP, known)
    }
}

/// A view of the accounts or contacts table resolved against the signed-in user, the
/// custom fields and the search index; each table applies it to its own query.
pub struct ResolvedView {
    pub query: models::sales::record_query::RecordQuery,
    pub me: models::UserId,
    pub search: Search,
    /// The custom-field filters as one object for `@>`.
    pub custom: Option<serde_json::Value>,
}

impl ResolvedView {
    pub async fn resolve(
        conn: &mut platform::db::Conn,
        query: &models::sales::record_query::RecordQuery,
        me: models::UserId,
        object: models::sales::custom_field::CustomObject,
        table: crate::text_search::Searchable,
    ) -> Result<ResolvedView, platform::Error> {
        if query.is_filtered() {
            platform::db::plan_for_values(conn).await?;
        }
        let defs = crate::custom_fields::definitions(conn, object).await?;
        let custom = custom_filter(&query.custom, &defs, query.kind.plural())?;
        let search = Search::of(conn, table, &query.q).await?;
        Ok(ResolvedView {
            query: query.clone(),
            me,
            search,
            custom,
        })
    }

    /// The count's cap, and whether the count is known to pass it (see `Search::count_cap`).
    pub fn count_cap(&self) -> (i64, bool) {
        self.search.count_cap(self.query.is_narrowed())
    }
}

/// Each search word (up to five) as a LIKE pattern over `search_text`.
pub fn search_patterns(q: &str) -> Vec<String> {
    q.to_lowercase()
        .split_whitespace()
        .take(5)
        .map(like_pattern)
        .collect()
}

/// The view's `cf.<key>` filters checked against the definitions, as one object for `@>`.
pub fn custom_filter(
    filters: &[(String, String)],
    defs: &[CustomField],
    what: &str,
) -> Result<Option<serde_json::Value>, AppError> {
    let mut custom = serde_json::Map::new();
    for (key, text) in filters {
        let def = defs.iter().find(|d| &d.key == key).ok_or_else(|| {
            AppError::validation(
                format!("cf.{key}"),
                format!("is not a custom field of {what}"),
            )
        })?;
        if let Some(v) = def.parse(text)? {
            custom.insert(key.clone(), v);
        }
    }
    Ok((!custom.is_empty()).then(|| custom.into()))
}

pub fn day_start(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let id = Uuid::new_v4();
        let t = DateTime::from_timestamp_micros(1_790_000_000_123_456).expect("a time");
        let c = encode_cursor(id, &CursorValue::Time(t));
        let (v, back) = decode_cursor(RecordSort::Created, "after", &c).expect("ok");
        assert_eq!((v.time(), back), (Some(t), id));
        let c = encode_cursor(id, &CursorValue::Text("a.b c".into()));
        let (v, _) = decode_cursor(RecordSort::Name, "after", &c).expect("ok");
        assert_eq!(v.text().as_deref(), Some("a.b c"));
        for bad in ["", "x.1", &format!("{id}.soon")] {
            let e = decode_cursor(RecordSort::Employees, "before", bad).expect_err("bad");
            assert_eq!(e.field(), Some("before"));
        }
    }

    #[test]
    fn a_backwards_page_keeps_the_view_order_and_both_links() {
        let mut rows: Vec<i64> = (0..=PAGE).rev().collect();
        let (next, prev) = page_links(&mut rows, true, false, |r| r.to_string());
        assert_eq!(rows.len() as i64, PAGE);
        assert_eq!(rows.first(), Some(&1));
        assert_eq!((next.as_deref(), prev.as_deref()), (Some("50"), Some("1")));
        let mut rows: Vec<i64> = (0..3).collect();
        assert_eq!(
            page_links(&mut rows, false, false, |r| r.to_string()),
            (None, None)
        );
    }
}

//! The leads table: filters, search and keyset pages over any sortable column.
//!
//! Each sortable column has an index `(tenant_id, column, id)`, and a page is the next
//! `PAGE` rows after the cursor `(value, id)` in that order — a range scan whose cost does
//! not grow with how deep the page is. `id` breaks ties, so rows sharing a value are neither
//! skipped nor repeated.

use super::probe::{count_view, view_ids};
use crate::text_search::{like_pattern, walk_the_sort_order};
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::lead::{LeadPage, LeadRow, LeadStatus};
use models::sales::lead_query::{LeadQuery, LeadSort, OwnerFilter};
use models::{AppError, LeadId, UserId};
use platform::db::count::CountRows;
use platform::db::schema::leads;
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

/// Rows per page.
pub const PAGE: i64 = 50;

#[derive(Queryable, Selectable)]
#[diesel(table_name = leads, check_for_backend(diesel::pg::Pg))]
pub(super) struct ListRow {
    pub(super) id: LeadId,
    full_name: String,
    email: String,
    title: String,
    company: String,
    source: String,
    status: LeadStatus,
    score: i16,
    owner_id: Option<UserId>,
    last_activity_at: Option<DateTime<Utc>>,
    activity_sort: DateTime<Utc>,
    created_at: DateTime<Utc>,
    custom: serde_json::Value,
}

type Boxed<'a, ST> = leads::BoxedQuery<'a, Pg, ST>;

/// The filters of a view, resolved against the signed-in user and the custom fields.
pub struct LeadFilter {
    pub(super) query: LeadQuery,
    me: UserId,
    /// The custom-field filters, merged into one object for `@>`.
    custom: serde_json::Map<String, serde_json::Value>,
    /// Each search word as a LIKE pattern.
    patterns: Vec<String>,
    /// What [`LeadFilter::narrow`] found.
    probe: Probe,
}

enum Probe {
    /// Not asked (a view with no words nor custom-field filters), or not yet.
    NotAsked,
    /// Every lead of the view.
    Few(Vec<LeadId>),
    /// As many as `narrow` asked for (`FEW`): the view holds at least that many.
    Many,
}

/// A view with search words or custom-field filters holding fewer leads than this is
/// filtered by their ids (see `probe`); one holding more walks its sort order. At 1M leads,
/// reading the page from 1,354 ids took 18 ms and walking to it 280 ms (a search asked for
/// 1,001 ids before): the ids' cost grows with the matches, the walk's shrinks, and past
/// 2,000 matches a walk reads about 25k rows per page (estimated: 51 ÷ 2,000 per million).
/// A search still counts to 1,000.
const FEW: i32 = 2000;

/// A view's conditions as `leads_matching_view` takes them.
pub(super) struct Conditions {
    pub(super) patterns: Vec<String>,
    pub(super) status: Option<&'static str>,
    pub(super) owner: Option<UserId>,
    pub(super) unassigned: bool,
    pub(super) source: Option<String>,
    pub(super) score_min: Option<i16>,
    pub(super) score_max: Option<i16>,
    pub(super) created_from: Option<DateTime<Utc>>,
    pub(super) created_before: Option<DateTime<Utc>>,
    pub(super) custom: Option<serde_json::Value>,
}

/// Checks a view's custom-field filters against the definitions.
pub fn lead_filter(
    query: &LeadQuery,
    me: UserId,
    defs: &[CustomField],
) -> Result<LeadFilter, AppError> {
    let mut custom = serde_json::Map::new();
    for (key, text) in &query.custom {
        let def = defs.iter().find(|d| &d.key == key).ok_or_else(|| {
            AppError::validation(format!("cf.{key}"), "is not a custom field of leads")
        })?;
        if let Some(v) = def.parse(text)? {
            // `@>` with an array matches records holding every listed choice (and more).
            custom.insert(key.clone(), v);
        }
    }
    let patterns = query
        .q
        .to_lowercase()
        .split_whitespace()
        .take(5)
        .map(like_pattern)
        .collect();
    Ok(LeadFilter {
        query: query.clone(),
        me,
        custom,
        patterns,
        probe: Probe::NotAsked,
    })
}

impl LeadFilter {
    /// For a view with search words or custom-field filters, asks their indexes which leads
    /// it holds (see `probe`). When they are few, the view is then filtered by their ids;
    /// when many, the page is found by walking the sort order.
    pub async fn narrow(&mut self, conn: &mut Conn) -> Result<(), Error> {
        if self.patterns.is_empty() && self.custom.is_empty() {
            return Ok(());
        }
        let ids = view_ids(conn, self, FEW).await?;
        if ids.len() < FEW as usize {
            self.probe = Probe::Few(ids);
            return Ok(());
        }
        self.probe = Probe::Many;
        if !self.patterns.is_empty() {
            walk_the_sort_order(conn).await?;
        }
        Ok(())
    }

    /// How many leads the view holds, counted up to `cap + 1` (more than `cap` shows as
    /// "cap+"); exact when `narrow` found them few.
    pub(super) async fn count(&self, conn: &mut Conn, cap: i64) -> Result<i64, Error> {
        match &self.probe {
            Probe::Few(ids) => Ok((ids.len() as i64).min(cap + 1)),
            Probe::Many if cap < i64::from(FEW) => Ok(cap + 1),
            Probe::Many => {
                let max_rows = i32::try_from(cap + 1).unwrap_or(i32::MAX);
                count_view(conn, self, max_rows).await
            }
            Probe::NotAsked => Ok(CountRows(
                self.apply(leads::table.select(leads::id).into_boxed())
                    .limit(cap + 1),
            )
            .get_result::<i64>(conn)
            .await?),
        }
    }

    /// The conditions of [`LeadFilter::apply`], for `leads_matching_view`.
    pub(super) fn conditions(&self) -> Conditions {
        let f = &self.query;
        let (owner, unassigned) = match f.owner {
            Some(OwnerFilter::Me) => (Some(self.me), false),
            Some(OwnerFilter::User(u)) => (Some(u), false),
            Some(OwnerFilter::Unassigned) => (None, true),
            None => (None, false),
        };
        Conditions {
            patterns: self.patterns.clone(),
            status: f.status.map(|s| s.as_str()),
            owner,
            unassigned,
            source: (!f.source.is_empty()).then(|| f.source.clone()),
            score_min: f.score_min,
            score_max: f.score_max,
            created_from: f.created_from.map(day_start),
            created_before: f.created_to.map(|d| day_start(d + chrono::Days::new(1))),
            custom: (!self.custom.is_empty()).then(|| self.custom.clone().into()),
        }
    }

    /// Applies search and filters to any select over leads.
    pub fn apply<'a, ST: 'a>(&self, mut q: Boxed<'a, ST>) -> Boxed<'a, ST> {
        let f = &self.query;
        if let Probe::Few(ids) = &self.probe {
            q = q.filter(leads::id.eq_any(ids.clone()));
        }
        for pattern in &self.patterns {
            q = q.filter(leads::search_text.like(pattern.clone()));
        }
        if let Some(s) = f.status {
            q = q.filter(leads::status.eq(s));
        }
        match f.owner {
            Some(OwnerFilter::Me) => q = q.filter(leads::owner_id.eq(self.me)),
            Some(OwnerFilter::User(u)) => q = q.filter(leads::owner_id.eq(u)),
            Some(OwnerFilter::Unassigned) => q = q.filter(leads::owner_id.is_null()),
            None => {}
        }
        if !f.source.is_empty() {
            q = q.filter(leads::source.eq(f.source.clone()));
        }
        if let Some(s) = f.score_min {
            q = q.filter(leads::score.ge(s));
        }
        if let Some(s) = f.score_max {
            q = q.filter(leads::score.le(s));
        }
        if let Some(d) = f.created_from {
            q = q.filter(leads::created_at.ge(day_start(d)));
        }
        if let Some(d) = f.created_to {
            q = q.filter(leads::created_at.lt(day_start(d + chrono::Days::new(1))));
        }
        if !self.custom.is_empty() {
            q = q.filter(leads::custom.contains(serde_json::Value::from(self.custom.clone())));
        }
        q
    }
}

fn day_start(d: chrono::NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// A position in the list: the last (or first) row's sort value and id.
pub(super) enum CursorValue {
    Text(String),
    Int(i16),
    Time(DateTime<Utc>),
}

pub(super) fn encode_cursor(sort: LeadSort, row: &ListRow) -> String {
    let value = match sort {
        LeadSort::Name => row.full_name.clone(),
        LeadSort::Company => row.company.clone(),
        LeadSort::Email => row.email.clone(),
        LeadSort::Status => row.status.as_str().to_string(),
        LeadSort::Score => row.score.to_string(),
        LeadSort::LastActivity => row.activity_sort.timestamp_micros().to_string(),
        LeadSort::Created => row.created_at.timestamp_micros().to_string(),
    };
    format!("{}.{value}", row.id)
}

pub(super) fn decode_cursor(
    sort: LeadSort,
    cursor: &str,
) -> Result<(CursorValue, LeadId), AppError> {
    let bad = || {
        AppError::validation(
            "after",
            "is not a position in this list; start from the first page",
        )
    };
    let (id, value) = cursor.split_once('.').ok_or_else(bad)?;
    let id: LeadId = id.parse().map_err(|_| bad())?;
    let value = match sort {
        LeadSort::Name | LeadSort::Company | LeadSort::Email => {
            CursorValue::Text(value.to_string())
        }
        LeadSort::Status => {
            LeadStatus::parse(value).ok_or_else(bad)?;
            CursorValue::Text(value.to_string())
        }
        LeadSort::Score => CursorValue::Int(value.parse().map_err(|_| bad())?),
        LeadSort::LastActivity | LeadSort::Created => CursorValue::Time(
            value
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(bad)?,
        ),
    };
    Ok((value, id))
}

/// Keeps the rows after `(v, id)` in the walking order and sorts by `(col, id)`.
macro_rules! keyset {
    ($q:expr, $col:expr, $cursor:expr, $desc:expr) => {{
        let mut q = $q;
        if let Some((v, id)) = $cursor {
            q = if $desc {
                q.filter($col.le(v.clone()).and($col.lt(v).or(leads::id.lt(id))))
            } else {
                q.filter($col.ge(v.clone()).and($col.gt(v).or(leads::id.gt(id))))
            };
        }
        if $desc {
            q.order_by(($col.desc(), leads::id.desc()))
        } else {
            q.order_by(($col.asc(), leads::id.asc()))
        }
    }};
}

fn text(v: Option<(CursorValue, LeadId)>) -> Option<(String, LeadId)> {
    v.and_then(|(v, id)| match v {
        CursorValue::Text(t) => Some((t, id)),
        _ => None,
    })
}

/// Up to `limit` rows after `cursor` in the view's order (walking backwards when `desc`
/// differs from the view's direction).
pub(super) async fn load_page(
    conn: &mut Conn,
    filter: &LeadFilter,
    cursor: Option<(CursorValue, LeadId)>,
    desc: bool,
    limit: i64,
) -> Result<Vec<ListRow>, Error> {
    let base = filter.apply(leads::table.select(ListRow::as_select()).into_boxed());
    let q = match filter.query.sort {
        LeadSort::Name => keyset!(base, leads::full_name, text(cursor), desc),
        LeadSort::Company => keyset!(base, leads::company, text(cursor), desc),
        LeadSort::Email => keyset!(base, leads::email, text(cursor), desc),
        LeadSort::Status => {
            let c = text(cursor).and_then(|(t, id)| LeadStatus::parse(&t).map(|s| (s, id)));
            keyset!(base, leads::status, c, desc)
        }
        LeadSort::Score => {
            let c = cursor.and_then(|(v, id)| match v {
                CursorValue::Int(n) => Some((n, id)),
                _ => None,
            });
            keyset!(base, leads::score, c, desc)
        }
        LeadSort::LastActivity | LeadSort::Created => {
            let c = cursor.and_then(|(v, id)| match v {
                CursorValue::Time(t) => Some((t, id)),
                _ => None,
            });
            if filter.query.sort == LeadSort::Created {
                keyset!(base, leads::created_at, c, desc)
            } else {
                keyset!(base, leads::activity_sort, c, desc)
            }
        }
    };
    Ok(q.limit(limit).load(conn).await?)
}

/// One page of the tenant's leads for a view. Any role may look.
pub async fn list_leads(
    db: &Db,
    ctx: &RequestContext,
    query: &LeadQuery,
) -> Result<LeadPage, Error> {
    let sort = query.sort;
    let backwards = query.before.is_some() && query.after.is_none();
    let cursor = match (&query.after, &query.before) {
        (Some(c), _) => Some(decode_cursor(sort, c)?),
        (None, Some(c)) => Some(decode_cursor(sort, c).map_err(|_| {
            AppError::validation(
                "before",
                "is not a position in this list; start from the first page",
            )
        })?),
        (None, None) => None,
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        if query.is_filtered() {
            platform::db::plan_for_values(conn).await?;
        }
        let defs = crate::custom_fields::definitions(conn, CustomObject::Lead).await?;
        let mut filter = lead_filter(query, ctx.user_id, &defs)?;
        filter.narrow(conn).await?;
        let walk_desc = query.descending != backwards;
        let mut rows = load_page(conn, &filter, cursor, walk_desc, PAGE + 1).await?;
        let more = rows.len() as i64 > PAGE;
        rows.truncate(PAGE as usize);
        if backwards {
            rows.reverse();
        }
        let first = <[ListRow]>::first(&rows).map(|r| encode_cursor(sort, r));
        let last = <[ListRow]>::last(&rows).map(|r| encode_cursor(sort, r));
        let (next, prev) = if backwards {
            (last, if more { first } else { None })
        } else {
            (
                if more { last } else { None },
                if query.after.is_some() { first } else { None },
            )
        };
        let count_cap = if query.q.trim().is_empty() {
            LeadPage::COUNT_CAP
        } else {
            LeadPage::SEARCH_COUNT_CAP
        };
        let matching = filter.count(conn, count_cap).await?;
        let names = platform::members::member_names(conn).await?;
        let rows = rows
            .into_iter()
            .map(|r| LeadRow {
                owner_name: r.owner_id.and_then(|o| names.get(&o).cloned()),
                id: r.id,
                full_name: r.full_name,
                email: r.email,
                title: r.title,
                company: r.company,
                source: r.source,
                status: r.status,
                score: r.score,
                owner_id: r.owner_id,
                last_activity_at: r.last_activity_at,
                created_at: r.created_at,
                custom: r.custom,
            })
            .collect();
        Ok(LeadPage {
            rows,
            next,
            prev,
            matching,
            count_cap,
        })
    })
    .await
}

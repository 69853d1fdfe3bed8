//! The accounts table: filters, search and keyset pages over any sortable column (see
//! `records`), each row with its owner, contacts and open deals.

use crate::records::{
    day_start, encode_cursor, keyset, page_links, view_cursor, CursorValue, ResolvedView, PAGE,
};
use crate::text_search::Searchable;
use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, sql};
use diesel::expression::SqlLiteral;
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::sql_types::Integer;
use diesel_async::RunQueryDsl;
use models::sales::account::AccountRow;
use models::sales::custom_field::CustomObject;
use models::sales::record_query::{RecordPage, RecordQuery, RecordSort};
use models::sales::view_params::OwnerFilter;
use models::{AccountId, UserId};
use platform::db::count::CountRows;
use platform::db::schema::{accounts, contacts, opportunities};
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub(super) struct ListRow {
    pub(super) id: AccountId,
    name: String,
    domain: String,
    industry: String,
    country: String,
    employee_count: Option<i32>,
    owner_id: Option<UserId>,
    created_at: DateTime<Utc>,
}

type Boxed<'a, ST> = accounts::BoxedQuery<'a, Pg, ST>;

/// Size as a sortable value: accounts without a head count sort below any.
fn employees() -> SqlLiteral<Integer> {
    sql("coalesce(employee_count, -1)")
}

/// A view of the accounts table, resolved (see `records::ResolvedView`).
pub(super) struct AccountFilter(pub(super) ResolvedView);

pub(super) async fn account_filter(
    conn: &mut Conn,
    query: &RecordQuery,
    me: UserId,
) -> Result<AccountFilter, Error> {
    let view =
        ResolvedView::resolve(conn, query, me, CustomObject::Account, Searchable::Accounts).await?;
    Ok(AccountFilter(view))
}

impl AccountFilter {
    pub(super) fn apply<'a, ST: 'a>(&self, mut q: Boxed<'a, ST>) -> Boxed<'a, ST> {
        let v = &self.0;
        let f = &v.query;
        if let Some(ids) = &v.search.ids {
            q = q.filter(accounts::id.eq_any(ids.clone()));
        }
        for p in &v.search.patterns {
            q = q.filter(accounts::search_text.like(p.clone()));
        }
        match f.owner {
            Some(OwnerFilter::Me) => q = q.filter(accounts::owner_id.eq(v.me)),
            Some(OwnerFilter::User(u)) => q = q.filter(accounts::owner_id.eq(u)),
            Some(OwnerFilter::Unassigned) => q = q.filter(accounts::owner_id.is_null()),
            None => {}
        }
        if !f.industry.is_empty() {
            q = q.filter(accounts::industry.eq(f.industry.clone()));
        }
        if !f.country.is_empty() {
            q = q.filter(accounts::country.eq(f.country.clone()));
        }
        if let Some(d) = f.created_from {
            q = q.filter(accounts::created_at.ge(day_start(d)));
        }
        if let Some(d) = f.created_to {
            q = q.filter(accounts::created_at.lt(day_start(d + chrono::Days::new(1))));
        }
        if let Some(c) = &v.custom {
            q = q.filter(accounts::custom.contains(c.clone()));
        }
        q
    }
}

pub(super) fn cursor_of(sort: RecordSort, r: &ListRow) -> String {
    let v = match sort {
        RecordSort::Domain => CursorValue::Text(r.domain.clone()),
        RecordSort::Industry => CursorValue::Text(r.industry.clone()),
        RecordSort::Country => CursorValue::Text(r.country.clone()),
        RecordSort::Employees => CursorValue::Int(r.employee_count.unwrap_or(-1)),
        RecordSort::Created => CursorValue::Time(r.created_at),
        _ => CursorValue::Text(r.name.clone()),
    };
    encode_cursor(r.id.0, &v)
}

/// Up to `limit` rows after `cursor` in the view's order, walking backwards when `desc`
/// differs from the view's direction.
pub(super) async fn load_page(
    conn: &mut Conn,
    filter: &AccountFilter,
    cursor: Option<(CursorValue, Uuid)>,
    desc: bool,
    limit: i64,
) -> Result<Vec<ListRow>, Error> {
    let base = filter.apply(accounts::table.select(ListRow::as_select()).into_boxed());
    let text = |c: Option<(CursorValue, Uuid)>| c.and_then(|(v, id)| Some((v.text()?, id)));
    let id = accounts::id;
    let q = match filter.0.query.sort {
        RecordSort::Domain => keyset!(base, accounts::domain, id, text(cursor), desc),
        RecordSort::Industry => keyset!(base, accounts::industry, id, text(cursor), desc),
        RecordSort::Country => keyset!(base, accounts::country, id, text(cursor), desc),
        RecordSort::Employees => {
            let c = cursor.and_then(|(v, id)| Some((v.int()?, id)));
            keyset!(base, employees(), id, c, desc)
        }
        RecordSort::Created => {
            let c = cursor.and_then(|(v, id)| Some((v.time()?, id)));
            keyset!(base, accounts::created_at, id, c, desc)
        }
        _ => keyset!(base, accounts::name, id, text(cursor), desc),
    };
    Ok(q.limit(limit).load(conn).await?)
}

/// How many contacts and open deals each account has.
async fn related_counts(
    conn: &mut Conn,
    ids: &[AccountId],
) -> Result<(HashMap<AccountId, i64>, HashMap<AccountId, i64>), Error> {
    let people: Vec<(Option<AccountId>, i64)> = contacts::table
        .filter(contacts::account_id.eq_any(ids))
        .group_by(contacts::account_id)
        .select((contacts::account_id, count_star()))
        .load(conn)
        .await?;
    let deals: Vec<(Option<AccountId>, i64)> = opportunities::table
        .filter(opportunities::account_id.eq_any(ids))
        .filter(opportunities::closed_at.is_null())
        .group_by(opportunities::account_id)
        .select((opportunities::account_id, count_star()))
        .load(conn)
        .await?;
    let by_account = |rows: Vec<(Option<AccountId>, i64)>| {
        rows.into_iter()
            .filter_map(|(a, n)| Some((a?, n)))
            .collect::<HashMap<_, _>>()
    };
    Ok((by_account(people), by_account(deals)))
}

/// One page of the tenant's accounts for a view. Any role may look.
pub async fn list_accounts(
    db: &Db,
    ctx: &RequestContext,
    query: &RecordQuery,
) -> Result<RecordPage<AccountRow>, Error> {
    let sort = query.sort;
    let (cursor, backwards) = view_cursor(sort, &query.after, &query.before)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let filter = account_filter(conn, query, ctx.user_id).await?;
        let walk_desc = query.descending != backwards;
        let mut rows = load_page(conn, &filter, cursor, walk_desc, PAGE + 1).await?;
        let (next, prev) = page_links(&mut rows, backwards, query.after.is_some(), |r| {
            cursor_of(sort, r)
        });
        let (count_cap, over) = filter.0.count_cap();
        let matching = if over {
            count_cap + 1
        } else {
            CountRows(
                filter
                    .apply(accounts::table.select(accounts::id).into_boxed())
                    .limit(count_cap + 1),
            )
            .get_result::<i64>(conn)
            .await?
        };
        let ids: Vec<AccountId> = rows.iter().map(|r| r.id).collect();
        let (people, deals) = related_counts(conn, &ids).await?;
        let names = platform::members::member_names(conn).await?;
        let rows = rows
            .into_iter()
            .map(|r| AccountRow {
                owner_name: r.owner_id.and_then(|o| names.get(&o).cloned()),
                contacts: people.get(&r.id).copied().unwrap_or(0),
                open_deals: deals.get(&r.id).copied().unwrap_or(0),
                id: r.id,
                name: r.name,
                domain: r.domain,
                industry: r.industry,
                country: r.country,
                employee_count: r.employee_count,
                owner_id: r.owner_id,
                created_at: r.created_at,
            })
            .collect();
        Ok(RecordPage {
            rows,
            next,
            prev,
            matching,
            count_cap,
        })
    })
    .await
}

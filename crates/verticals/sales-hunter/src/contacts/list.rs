//! The contacts table: filters (an account among them), search and keyset pages over any
//! sortable column (see `records`).

use super::contact_rows;
use crate::records::{
    day_start, encode_cursor, keyset, page_links, view_cursor, CursorValue, ResolvedView, PAGE,
};
use crate::text_search::Searchable;
use chrono::{DateTime, Utc};
use diesel::pg::Pg;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::contact::ContactRow;
use models::sales::custom_field::CustomObject;
use models::sales::record_query::{RecordPage, RecordQuery, RecordSort};
use models::sales::view_params::OwnerFilter;
use models::{ContactId, UserId};
use platform::db::count::CountRows;
use platform::db::schema::contacts;
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};
use uuid::Uuid;

#[derive(Queryable, Selectable)]
#[diesel(table_name = contacts, check_for_backend(diesel::pg::Pg))]
pub(super) struct ListRow {
    pub(super) id: ContactId,
    full_name: String,
    title: String,
    email: String,
    created_at: DateTime<Utc>,
}

type Boxed<'a, ST> = contacts::BoxedQuery<'a, Pg, ST>;

/// A view of the contacts table, resolved (see `records::ResolvedView`).
pub(super) struct ContactFilter(pub(super) ResolvedView);

pub(super) async fn contact_filter(
    conn: &mut Conn,
    query: &RecordQuery,
    me: UserId,
) -> Result<ContactFilter, Error> {
    let view =
        ResolvedView::resolve(conn, query, me, CustomObject::Contact, Searchable::Contacts).await?;
    Ok(ContactFilter(view))
}

impl ContactFilter {
    pub(super) fn apply<'a, ST: 'a>(&self, mut q: Boxed<'a, ST>) -> Boxed<'a, ST> {
        let v = &self.0;
        let f = &v.query;
        if let Some(ids) = &v.search.ids {
            q = q.filter(contacts::id.eq_any(ids.clone()));
        }
        for p in &v.search.patterns {
            q = q.filter(contacts::search_text.like(p.clone()));
        }
        match f.owner {
            Some(OwnerFilter::Me) => q = q.filter(contacts::owner_id.eq(v.me)),
            Some(OwnerFilter::User(u)) => q = q.filter(contacts::owner_id.eq(u)),
            Some(OwnerFilter::Unassigned) => q = q.filter(contacts::owner_id.is_null()),
            None => {}
        }
        if let Some(a) = f.account {
            q = q.filter(contacts::account_id.eq(a));
        }
        if let Some(d) = f.created_from {
            q = q.filter(contacts::created_at.ge(day_start(d)));
        }
        if let Some(d) = f.created_to {
            q = q.filter(contacts::created_at.lt(day_start(d + chrono::Days::new(1))));
        }
        if let Some(c) = &v.custom {
            q = q.filter(contacts::custom.contains(c.clone()));
        }
        q
    }
}

pub(super) fn cursor_of(sort: RecordSort, r: &ListRow) -> String {
    let v = match sort {
        RecordSort::Title => CursorValue::Text(r.title.clone()),
        RecordSort::Email => CursorValue::Text(r.email.clone()),
        RecordSort::Created => CursorValue::Time(r.created_at),
        _ => CursorValue::Text(r.full_name.clone()),
    };
    encode_cursor(r.id.0, &v)
}

pub(super) async fn load_page(
    conn: &mut Conn,
    filter: &ContactFilter,
    cursor: Option<(CursorValue, Uuid)>,
    desc: bool,
    limit: i64,
) -> Result<Vec<ListRow>, Error> {
    let base = filter.apply(contacts::table.select(ListRow::as_select()).into_boxed());
    let text = |c: Option<(CursorValue, Uuid)>| c.and_then(|(v, id)| Some((v.text()?, id)));
    let id = contacts::id;
    let q = match filter.0.query.sort {
        RecordSort::Title => keyset!(base, contacts::title, id, text(cursor), desc),
        RecordSort::Email => keyset!(base, contacts::email, id, text(cursor), desc),
        RecordSort::Created => {
            let c = cursor.and_then(|(v, id)| Some((v.time()?, id)));
            keyset!(base, contacts::created_at, id, c, desc)
        }
        _ => keyset!(base, contacts::full_name, id, text(cursor), desc),
    };
    Ok(q.limit(limit).load(conn).await?)
}

/// One page of the tenant's contacts for a view. Any role may look.
pub async fn list_contacts(
    db: &Db,
    ctx: &RequestContext,
    query: &RecordQuery,
) -> Result<RecordPage<ContactRow>, Error> {
    let sort = query.sort;
    let (cursor, backwards) = view_cursor(sort, &query.after, &query.before)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let filter = contact_filter(conn, query, ctx.user_id).await?;
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
                    .apply(contacts::table.select(contacts::id).into_boxed())
                    .limit(count_cap + 1),
            )
            .get_result::<i64>(conn)
            .await?
        };
        let names = platform::members::member_names(conn).await?;
        let rows = contact_rows(conn, rows.into_iter().map(|r| r.id).collect(), &names).await?;
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

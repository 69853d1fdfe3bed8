//! Which leads a view holds, asked of the indexes that row-level security keeps from the
//! tenant role. A view's search words (`LIKE`) and custom-field filters (`@>`) have indexes
//! (trigram, JSON) that PostgreSQL will not use under a row-level policy, because neither
//! operator is leakproof; filtered one row at a time along the sort order they are quick
//! when the view holds many leads and slow when it holds few, or when counting. The
//! function `leads_matching_view` (migration `000014_leads_view_probe`) runs as the tables'
//! owner, keeps to the transaction's tenant itself, and applies the same conditions as
//! [`LeadFilter::apply`](super::LeadFilter).

use diesel::pg::Pg;
use diesel::prelude::*;
use diesel::query_builder::BoxedSqlQuery;
use diesel::sql_types::{
    Array, BigInt, Bool, Integer, Jsonb, Nullable, SmallInt, Text, Timestamptz, Uuid as SqlUuid,
};
use diesel_async::RunQueryDsl;
use models::LeadId;
use platform::db::Conn;
use platform::Error;

use super::list::LeadFilter;
use crate::text_search::IdRow;

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// `select` followed by a call of `leads_matching_view` with the view's conditions bound.
fn bound<'a>(
    select: &str,
    filter: &'a LeadFilter,
    max_rows: i32,
) -> BoxedSqlQuery<'a, Pg, diesel::query_builder::SqlQuery> {
    let c = filter.conditions();
    diesel::sql_query(format!(
        "{select} leads_matching_view($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) AS id"
    ))
    .into_boxed()
    .bind::<Array<Text>, _>(c.patterns)
    .bind::<Nullable<Text>, _>(c.status)
    .bind::<Nullable<SqlUuid>, _>(c.owner)
    .bind::<Bool, _>(c.unassigned)
    .bind::<Nullable<Text>, _>(c.source)
    .bind::<Nullable<SmallInt>, _>(c.score_min)
    .bind::<Nullable<SmallInt>, _>(c.score_max)
    .bind::<Nullable<Timestamptz>, _>(c.created_from)
    .bind::<Nullable<Timestamptz>, _>(c.created_before)
    .bind::<Nullable<Jsonb>, _>(c.custom)
    .bind::<Integer, _>(max_rows)
}

/// The ids of the view's leads, up to `max_rows`.
pub(super) async fn view_ids(
    conn: &mut Conn,
    filter: &LeadFilter,
    max_rows: i32,
) -> Result<Vec<LeadId>, Error> {
    let rows: Vec<IdRow> = bound("SELECT id FROM", filter, max_rows).load(conn).await?;
    Ok(rows.into_iter().map(|r| LeadId(r.id)).collect())
}

/// How many leads the view holds, counted up to `max_rows`.
pub(super) async fn count_view(
    conn: &mut Conn,
    filter: &LeadFilter,
    max_rows: i32,
) -> Result<i64, Error> {
    let row: CountRow = bound("SELECT count(*) AS n FROM", filter, max_rows)
        .get_result(conn)
        .await?;
    Ok(row.n)
}

//! Trigram search under row-level security. PostgreSQL will not put a condition whose
//! operator is not leakproof on an index when a row-level policy applies, and LIKE is not
//! leakproof: `search_text LIKE '%x%'` run by the tenant role filters the tenant's rows one
//! by one. That is quick when matches are many (walking the sort order finds a page of them
//! at once) and slow when they are few (the walk goes to the end). So a search first asks the
//! trigram index through `<table>_matching` (migration `000008_search_functions`: it runs as
//! the tables' owner and keeps to the transaction's tenant itself) for up to a few thousand
//! ids. When that is all of them the query filters on those ids; when there are more, on
//! LIKE. This serves global search; the leads table asks for a whole view at once
//! (`leads/probe.rs`).

use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use platform::db::Conn;
use platform::Error;
use uuid::Uuid;

/// The tables with a `search_text` column and a `<table>_matching` function.
#[derive(Clone, Copy)]
pub enum Searchable {
    Leads,
    Contacts,
    Accounts,
    Opportunities,
}

impl Searchable {
    fn function(self) -> &'static str {
        match self {
            Searchable::Leads => "leads_matching",
            Searchable::Contacts => "contacts_matching",
            Searchable::Accounts => "accounts_matching",
            Searchable::Opportunities => "opportunities_matching",
        }
    }
}

/// `%word%` with LIKE's own characters escaped.
pub fn like_pattern(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// One `uuid` column named `id`, for raw queries returning ids.
#[derive(QueryableByName)]
pub(crate) struct IdRow {
    #[diesel(sql_type = SqlUuid)]
    pub(crate) id: Uuid,
}

/// The ids of the rows matching `pattern` when there are fewer than `few`; `None` when there
/// are more (then filtering on LIKE along the sort order is the quicker way).
pub async fn few_matches(
    conn: &mut Conn,
    table: Searchable,
    pattern: &str,
    few: i32,
) -> Result<Option<Vec<Uuid>>, Error> {
    let rows: Vec<IdRow> = diesel::sql_query(format!("SELECT {}($1, $2) AS id", table.function()))
        .bind::<Text, _>(pattern)
        .bind::<Integer, _>(few)
        .load(conn)
        .await?;
    Ok((rows.len() < few as usize).then(|| rows.into_iter().map(|r| r.id).collect()))
}

/// For a query filtering a common word with LIKE along its sort order's index. PostgreSQL
/// cannot tell how many rows a LIKE matches; guessing few, it would read and sort every match
/// (360 ms at 1M leads), where walking the sort order's index finds a page within a few
/// thousand rows (22 ms). Compiling the plan (JIT) would cost more than running it. For the
/// rest of the transaction.
pub async fn walk_the_sort_order(conn: &mut Conn) -> Result<(), Error> {
    diesel::sql_query("SET LOCAL enable_sort = off")
        .execute(conn)
        .await?;
    diesel::sql_query("SET LOCAL jit = off")
        .execute(conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_escapes_its_wildcards() {
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}

//! Counting a capped query where it runs. A list shows "10,000+" past its cap, so it counts
//! `SELECT … LIMIT cap + 1`; loading those ids to count them sent up to 10,001 rows to the
//! server on every page of a large tenant.

use diesel::pg::Pg;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::sql_types::BigInt;
use diesel::QueryResult;

/// `SELECT count(*) FROM (<query>) AS counted`: how many rows `query` returns. Give the
/// query its `LIMIT`.
#[derive(Debug, Clone, Copy)]
pub struct CountRows<Q>(pub Q);

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for CountRows<Q> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("SELECT count(*) FROM (");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(") AS counted");
        Ok(())
    }
}

impl<Q: QueryId> QueryId for CountRows<Q> {
    type QueryId = CountRows<Q::QueryId>;
    const HAS_STATIC_QUERY_ID: bool = Q::HAS_STATIC_QUERY_ID;
}

impl<Q> Query for CountRows<Q> {
    type SqlType = BigInt;
}

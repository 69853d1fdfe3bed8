//! The pipeline board: open deals by stage with per-column totals, filtered by owner and
//! close date. Totals cover every matching deal; each column carries its first cards
//! (ordered by close date) and grows with "show more".

use crate::open_pipeline::{open_by_stage, Owners};
use crate::stages::list_stages;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::dsl::{count_star, sql};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable};
use diesel_async::RunQueryDsl;
use models::sales::lead_query::OwnerFilter;
use models::sales::opportunity::{Board, BoardColumn, BoardQuery, OpportunityCard};
use models::sales::stage::StageKind;
use models::{AccountId, OpportunityId, StageId, UserId};
use platform::db::schema::{accounts, opportunities};
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};
use std::collections::HashMap;

/// Cards per column unless asked for more; at most `MAX_PER_COLUMN`.
pub const PER_COLUMN: i64 = 25;
pub const MAX_PER_COLUMN: i64 = 500;

#[derive(Queryable, Selectable)]
#[diesel(table_name = opportunities, check_for_backend(diesel::pg::Pg))]
struct CardRow {
    id: OpportunityId,
    name: String,
    account_id: Option<AccountId>,
    amount_minor: i64,
    currency: String,
    stage_id: StageId,
    close_date: NaiveDate,
    owner_id: Option<UserId>,
    stage_entered_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

/// Open deals matching the board's filters (a macro: the grouped and the plain query are
/// different boxed types).
macro_rules! filtered {
    ($q:expr, $f:expr, $ctx:expr $(,)?) => {{
        let f: &BoardQuery = $f;
        let ctx: &RequestContext = $ctx;
        // The tenant as a value too (the policy checks it anyway): PostgreSQL then tests the
        // policy once rather than on every row it scans.
        let mut q = $q
            .filter(opportunities::tenant_id.eq(ctx.tenant_id))
            .filter(opportunities::closed_at.is_null());
        match f.owner {
            Some(OwnerFilter::Me) => q = q.filter(opportunities::owner_id.eq(ctx.user_id)),
            Some(OwnerFilter::User(u)) => q = q.filter(opportunities::owner_id.eq(u)),
            Some(OwnerFilter::Unassigned) => q = q.filter(opportunities::owner_id.is_null()),
            None => {}
        }
        if let Some(d) = f.close_from {
            q = q.filter(opportunities::close_date.ge(d));
        }
        if let Some(d) = f.close_to {
            q = q.filter(opportunities::close_date.le(d));
        }
        q
    }};
}

pub async fn get_board(db: &Db, ctx: &RequestContext, query: &BoardQuery) -> Result<Board, Error> {
    let per_column = if query.per_column <= 0 {
        PER_COLUMN
    } else {
        query.per_column.min(MAX_PER_COLUMN)
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        platform::db::plan_for_values(conn).await?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        // SUM(bigint) is numeric in PostgreSQL; amounts fit a bigint, so it is cast back.
        // Column totals: kept by triggers unless a close-date range narrows the deals.
        let sums: HashMap<StageId, (i64, i64)> =
            if query.close_from.is_none() && query.close_to.is_none() {
                open_by_stage(conn, Owners::of(query.owner, ctx.user_id))
                    .await?
                    .into_iter()
                    .map(|t| (t.stage_id, (t.deals, t.amount_minor)))
                    .collect()
            } else {
                filtered!(
                    opportunities::table
                        .group_by(opportunities::stage_id)
                        .select((opportunities::stage_id, count_star(), sum_amount()))
                        .into_boxed(),
                    query,
                    ctx,
                )
                .load::<(StageId, i64, Option<i64>)>(conn)
                .await?
                .into_iter()
                .map(|(s, n, t)| (s, (n, t.unwrap_or(0))))
                .collect()
            };
        let names = member_names(conn).await?;
        let mut loaded = Vec::new();
        for stage in stages.iter().filter(|s| s.kind == StageKind::Open) {
            let (count, total_minor) = sums.get(&stage.id).copied().unwrap_or((0, 0));
            let rows: Vec<CardRow> = if count == 0 {
                Vec::new()
            } else {
                filtered!(
                    opportunities::table
                        .select(CardRow::as_select())
                        .into_boxed(),
                    query,
                    ctx,
                )
                .filter(opportunities::stage_id.eq(stage.id))
                .order((opportunities::close_date, opportunities::id))
                .limit(per_column)
                .load(conn)
                .await?
            };
            loaded.push((stage, count, total_minor, rows));
        }
        // The cards' account names, for every column at once.
        let account_ids: Vec<AccountId> = loaded
            .iter()
            .flat_map(|(_, _, _, rows)| rows.iter().filter_map(|r| r.account_id))
            .collect();
        let accounts: HashMap<AccountId, String> = if account_ids.is_empty() {
            HashMap::new()
        } else {
            accounts::table
                .filter(accounts::id.eq_any(&account_ids))
                .select((accounts::id, accounts::name))
                .load::<(AccountId, String)>(conn)
                .await?
                .into_iter()
                .collect()
        };
        let columns = loaded
            .into_iter()
            .map(|(stage, count, total_minor, rows)| BoardColumn {
                stage: stage.clone(),
                count,
                total_minor,
                weighted_minor: weighted(total_minor, stage.probability),
                cards: rows
                    .into_iter()
                    .map(|r| OpportunityCard {
                        account_name: r.account_id.and_then(|a| accounts.get(&a).cloned()),
                        owner_name: r.owner_id.and_then(|o| names.get(&o).cloned()),
                        id: r.id,
                        name: r.name,
                        amount_minor: r.amount_minor,
                        currency: r.currency,
                        stage_id: r.stage_id,
                        close_date: r.close_date,
                        owner_id: r.owner_id,
                        stage_entered_at: r.stage_entered_at,
                        updated_at: r.updated_at,
                    })
                    .collect(),
            })
            .collect();
        let (currency, _) = crate::settings::currency_and_quota(conn).await?;
        Ok(Board {
            columns,
            currency,
            stages,
        })
    })
    .await
}

/// `amount × probability %`, rounded to the nearest minor unit.
pub fn weighted(amount_minor: i64, probability: i16) -> i64 {
    ((amount_minor as i128 * probability as i128 + 50) / 100) as i64
}

/// `SUM(amount_minor)` as a bigint.
pub(crate) fn sum_amount() -> diesel::expression::SqlLiteral<Nullable<BigInt>> {
    sql::<Nullable<BigInt>>("SUM(opportunities.amount_minor)::bigint")
}

//! The open pipeline by stage right now, summed from the changes the triggers of migration
//! 000011 keep in `open_pipeline_changes` (a few rows per stage and owner, not every open
//! deal). The dashboard, the board's column totals and the settings page read it.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::sales::lead_query::OwnerFilter;
use models::{StageId, UserId};
use platform::db::Conn;
use platform::Error;

/// Whose deals: everyone's, one member's, or those without an owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owners {
    All,
    One(UserId),
    Unassigned,
}

impl Owners {
    /// The board's owner filter, for the user `me`.
    pub fn of(filter: Option<OwnerFilter>, me: UserId) -> Owners {
        match filter {
            None => Owners::All,
            Some(OwnerFilter::Me) => Owners::One(me),
            Some(OwnerFilter::User(u)) => Owners::One(u),
            Some(OwnerFilter::Unassigned) => Owners::Unassigned,
        }
    }
}

/// One stage's open deals and their amount.
#[derive(QueryableByName, Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageTotal {
    #[diesel(sql_type = SqlUuid)]
    pub stage_id: StageId,
    #[diesel(sql_type = BigInt)]
    pub deals: i64,
    #[diesel(sql_type = BigInt)]
    pub amount_minor: i64,
    /// How many rows of changes were summed.
    #[diesel(sql_type = BigInt)]
    changes: i64,
}

const BY_STAGE: &str = "
SELECT stage_id, sum(deals)::bigint AS deals, sum(amount_minor)::bigint AS amount_minor,
       count(*)::bigint AS changes
FROM open_pipeline_changes
WHERE CASE WHEN $2 THEN owner_id IS NULL ELSE $1::uuid IS NULL OR owner_id = $1 END
GROUP BY stage_id";

/// Past this many rows of changes, a read folds them (one row per stage and owner remains).
const COMPACT_PAST: i64 = 1000;

/// The open deals and amount per stage (stages without any are absent).
pub async fn open_by_stage(conn: &mut Conn, owners: Owners) -> Result<Vec<StageTotal>, Error> {
    let (one, unassigned) = match owners {
        Owners::All => (None, false),
        Owners::One(u) => (Some(u.0), false),
        Owners::Unassigned => (None, true),
    };
    let totals: Vec<StageTotal> = diesel::sql_query(BY_STAGE)
        .bind::<Nullable<SqlUuid>, _>(one)
        .bind::<Bool, _>(unassigned)
        .load(conn)
        .await?;
    if totals.iter().map(|t| t.changes).sum::<i64>() > COMPACT_PAST {
        diesel::sql_query("SELECT compact_open_pipeline()")
            .execute(conn)
            .await?;
    }
    Ok(totals)
}

//! Deals a page at a time for the API: newest first on a keyset `(created_at, id)`, so a
//! client walks every deal once however many are added meanwhile.

use super::*;
use models::sales::opportunity::{OpportunityListQuery, OpportunityPage};
use platform::db::schema::pipeline_stages as stages;

/// Deals a page of the API holds.
pub const PAGE: i64 = 100;

fn id_of<T: std::str::FromStr>(field: &str, s: &str) -> Result<Option<T>, AppError> {
    match s.trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| AppError::validation(field, "is not an id")),
    }
}

fn cursor(s: &str) -> Result<Option<(DateTime<Utc>, Uuid)>, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || AppError::validation("after", "is not a position in this list; start over");
    let (micros, id) = s.split_once('~').ok_or_else(bad)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_micros)
        .ok_or_else(bad)?;
    Ok(Some((at, id.parse().map_err(|_| bad())?)))
}

/// One page of the tenant's deals, filtered by stage, owner, account and state. Any role
/// may look, as on the board.
pub async fn list_opportunities(
    db: &Db,
    ctx: &RequestContext,
    q: &OpportunityListQuery,
) -> Result<OpportunityPage, Error> {
    let stage: Option<StageId> = id_of("stage", &q.stage)?;
    let owner: Option<UserId> = match q.owner.trim() {
        "me" => Some(ctx.user_id),
        s => id_of("owner", s)?,
    };
    let account: Option<AccountId> = id_of("account", &q.account)?;
    let state = match q.state.trim() {
        "" => None,
        s => Some(
            StageKind::parse(s)
                .ok_or_else(|| AppError::validation("state", "must be open, won or lost"))?,
        ),
    };
    let after = cursor(&q.after)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut query = opportunities::table
            .select(OpportunityRecord::as_select())
            .into_boxed();
        if let Some(s) = stage {
            query = query.filter(opportunities::stage_id.eq(s));
        }
        if let Some(o) = owner {
            query = query.filter(opportunities::owner_id.eq(o));
        }
        if let Some(a) = account {
            query = query.filter(opportunities::account_id.eq(a));
        }
        if let Some(kind) = state {
            query = query.filter(
                opportunities::stage_id.eq_any(
                    stages::table
                        .filter(stages::kind.eq(kind))
                        .select(stages::id),
                ),
            );
        }
        if let Some((at, id)) = after {
            query = query.filter(
                opportunities::created_at
                    .lt(at)
                    .or(opportunities::created_at
                        .eq(at)
                        .and(opportunities::id.lt(OpportunityId(id)))),
            );
        }
        let mut rows: Vec<OpportunityRecord> = query
            .order((opportunities::created_at.desc(), opportunities::id.desc()))
            .limit(PAGE + 1)
            .load(conn)
            .await?;
        let more = rows.len() as i64 > PAGE;
        rows.truncate(PAGE as usize);
        let next = more
            .then(|| rows.last())
            .flatten()
            .map(|r| format!("{}~{}", r.created_at.timestamp_micros(), r.id));
        let stages_ = list_stages(conn, ctx.tenant_id).await?;
        let names = member_names(conn).await?;
        let account_ids: Vec<AccountId> = rows.iter().filter_map(|r| r.account_id).collect();
        let accounts_: HashMap<AccountId, String> = accounts::table
            .filter(accounts::id.eq_any(&account_ids))
            .select((accounts::id, accounts::name))
            .load::<(AccountId, String)>(conn)
            .await?
            .into_iter()
            .collect();
        let rows = rows
            .into_iter()
            .map(|r| {
                let account = r.account_id.and_then(|a| accounts_.get(&a).cloned());
                to_model(r, &stages_, &names, account)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(OpportunityPage { rows, next })
    })
    .await
}

//! The console's plan editor: platform admins add plans and change their prices, seats,
//! meters, connector count and feature flags. A change reaches every subscriber from the
//! next use of a limit and the next invoice; it never rewrites an issued invoice. Every
//! change is audited (platform-wide, not in one organisation's trail).

use crate::plans::{all_plans, plan};
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Nullable, Text};
use diesel_async::RunQueryDsl;
use models::billing::{plan_id, AdminPlan, PlanChanges, PlanInput};
use models::AppError;
use platform::audit::{changes, snapshot, NewAuditEntry};
use platform::db::schema::{plan_meters, plans};
use platform::db::Conn;
use platform::{Db, Error, RequestContext};
use std::collections::HashMap;

pub mod action {
    pub const PLAN_CREATED: &str = "billing.plan_created";
    pub const PLAN_UPDATED: &str = "billing.plan_updated";
}

/// Every plan, offered or retired, with its subscribers. Platform admins only.
pub async fn list_admin_plans(db: &Db, ctx: &RequestContext) -> Result<Vec<AdminPlan>, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let stamps: HashMap<String, (i32, DateTime<Utc>)> = plans::table
            .select((plans::id, plans::position, plans::updated_at))
            .load::<(String, i32, DateTime<Utc>)>(conn)
            .await?
            .into_iter()
            .map(|(id, position, at)| (id, (position, at)))
            .collect();
        let subscribers = subscribers(conn, None, None).await?;
        Ok(all_plans(conn)
            .await?
            .into_iter()
            .filter_map(|plan| {
                let (position, updated_at) = *stamps.get(&plan.id)?;
                Some(AdminPlan {
                    subscribers: subscribers.get(&plan.id).copied().unwrap_or(0),
                    plan,
                    position,
                    updated_at,
                })
            })
            .collect())
    })
    .await
}

/// One plan for its editor. Platform admins only.
pub async fn get_admin_plan(db: &Db, ctx: &RequestContext, id: &str) -> Result<AdminPlan, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let (position, updated_at) = stamp(conn, id, false).await?;
        Ok(AdminPlan {
            plan: plan(conn, id).await?,
            position,
            subscribers: subscribers_of(conn, id, None).await?,
            updated_at,
        })
    })
    .await
}

/// Adds a plan; its id is refused if taken. Platform admins only.
pub async fn create_plan(
    db: &Db,
    ctx: &RequestContext,
    input: &PlanInput,
) -> Result<String, Error> {
    ctx.require_platform_admin()?;
    let id = plan_id(&input.id)?;
    let new = input.parse()?;
    db.platform_tx(async |conn| {
        let inserted = diesel::insert_into(plans::table)
            .values((plans::id.eq(&id), PlanValues::of(&new)))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        if inserted == 0 {
            return Err(
                AppError::validation("id", format!("There is already a plan {id:?}.")).into(),
            );
        }
        write_meters(conn, &id, &new).await?;
        NewAuditEntry::platform(ctx, action::PLAN_CREATED)
            .target("plan", &id)
            .details(snapshot(&new.view(&id)))
            .record(conn)
            .await
    })
    .await?;
    Ok(id)
}

/// Changes a plan. Refused, with nothing changed: a save since the form was opened (that
/// change would be lost), another currency while organisations are billed in this one, and
/// fewer seats with none for sale than a subscriber has members. Platform admins only.
pub async fn update_plan(
    db: &Db,
    ctx: &RequestContext,
    id: &str,
    input: &PlanInput,
) -> Result<(), Error> {
    ctx.require_platform_admin()?;
    let new = input.parse()?;
    let seen = DateTime::parse_from_rfc3339(input.seen.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            AppError::validation(
                "seen",
                "The form does not say when the plan was last saved: reload it and make the \
                 change again.",
            )
        })?;
    db.platform_tx(async |conn| {
        let (position, updated_at) = stamp(conn, id, true).await?;
        if (updated_at - seen).num_microseconds() != Some(0) {
            return Err(AppError::conflict(
                "Someone saved this plan after you opened it. Reload it to see their change, \
                 then make yours again.",
            )
            .into());
        }
        let before = plan(conn, id).await?;
        let subscribed = subscribers_of(conn, id, None).await?;
        if subscribed > 0 && new.currency != before.currency {
            return Err(AppError::validation(
                "currency",
                format!(
                    "stays {}: {subscribed} organisation(s) are billed in it. Add a plan in {} \
                     and move them to it instead.",
                    before.currency, new.currency
                ),
            )
            .into());
        }
        if new.seat_price_minor.is_none() {
            let crowded = subscribers_of(conn, id, Some(new.included_seats)).await?;
            if crowded > 0 {
                return Err(AppError::validation(
                    "included_seats",
                    format!(
                        "{crowded} organisation(s) on this plan have more than {} members. \
                         Include more seats, or give extra seats a price.",
                        new.included_seats
                    ),
                )
                .into());
            }
        }
        diesel::update(plans::table.find(id))
            .set((PlanValues::of(&new), plans::updated_at.eq(diesel::dsl::now)))
            .execute(conn)
            .await?;
        diesel::delete(plan_meters::table.filter(plan_meters::plan_id.eq(id)))
            .execute(conn)
            .await?;
        write_meters(conn, id, &new).await?;
        let mut details = changes(&before, &new.view(id), &[]);
        if position != new.position {
            details["position"] = serde_json::json!({ "from": position, "to": new.position });
        }
        NewAuditEntry::platform(ctx, action::PLAN_UPDATED)
            .target("plan", id)
            .details(details)
            .record(conn)
            .await
    })
    .await
}

/// A plan's columns, as a new plan's and as an update's (an empty option stores NULL).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = plans, treat_none_as_null = true)]
struct PlanValues<'a> {
    name: &'a str,
    currency: &'a str,
    monthly_price_minor: i64,
    included_seats: i32,
    seat_price_minor: Option<i64>,
    connector_limit: Option<i32>,
    features: &'a Vec<String>,
    trial_days: i32,
    position: i32,
    offered: bool,
}

impl<'a> PlanValues<'a> {
    fn of(p: &'a PlanChanges) -> Self {
        PlanValues {
            name: &p.name,
            currency: &p.currency,
            monthly_price_minor: p.monthly_price_minor,
            included_seats: p.included_seats,
            seat_price_minor: p.seat_price_minor,
            connector_limit: p.connector_limit,
            features: &p.features,
            trial_days: p.trial_days,
            position: p.position,
            offered: p.offered,
        }
    }
}

async fn write_meters(conn: &mut Conn, id: &str, plan: &PlanChanges) -> Result<(), Error> {
    let rows: Vec<_> = plan
        .meters
        .iter()
        .map(|m| {
            (
                plan_meters::plan_id.eq(id),
                plan_meters::meter.eq(m.meter),
                plan_meters::included.eq(m.included),
                plan_meters::overage_micros.eq(m.overage_micros),
            )
        })
        .collect();
    diesel::insert_into(plan_meters::table)
        .values(rows)
        .execute(conn)
        .await?;
    Ok(())
}

/// The plan's place and last save (locked for an update); not found if there is none.
async fn stamp(conn: &mut Conn, id: &str, lock: bool) -> Result<(i32, DateTime<Utc>), Error> {
    let query = plans::table
        .find(id)
        .select((plans::position, plans::updated_at));
    let row: QueryResult<(i32, DateTime<Utc>)> = if lock {
        query.for_update().first(conn).await
    } else {
        query.first(conn).await
    };
    row.optional()?
        .ok_or_else(|| AppError::not_found(format!("Plan {id:?}")).into())
}

#[derive(QueryableByName)]
struct PlanCount {
    #[diesel(sql_type = Text)]
    plan_id: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Organisations on each plan (or `only` that one), and with more members than
/// `more_seats_than` if given: billed on it now or moving to it at the period's end. An
/// ended subscription is on no plan.
async fn subscribers(
    conn: &mut Conn,
    only: Option<&str>,
    more_seats_than: Option<i32>,
) -> Result<HashMap<String, i64>, Error> {
    let rows: Vec<PlanCount> = diesel::sql_query(
        "SELECT p.id AS plan_id, count(*) AS n FROM plans p \
         JOIN subscriptions s ON (s.plan_id = p.id OR s.next_plan_id = p.id) \
         WHERE s.status <> 'canceled' AND ($1::text IS NULL OR p.id = $1) \
           AND ($2::integer IS NULL OR s.seats > $2) \
         GROUP BY p.id",
    )
    .bind::<Nullable<Text>, _>(only)
    .bind::<Nullable<Integer>, _>(more_seats_than)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.plan_id, r.n)).collect())
}

/// [`subscribers`] of one plan.
async fn subscribers_of(
    conn: &mut Conn,
    id: &str,
    more_seats_than: Option<i32>,
) -> Result<i64, Error> {
    Ok(subscribers(conn, Some(id), more_seats_than)
        .await?
        .get(id)
        .copied()
        .unwrap_or(0))
}

//! The agents' return for an organisation (`models::agents::roi` holds the definitions):
//! hours saved, pipeline influenced, and the win rate of agent-touched deals against the
//! rest. Managers and up see their organisation's; platform admins see any.

use diesel::sql_types::{BigInt, Bool, Integer, Text};
use diesel_async::RunQueryDsl;
use models::agents::roi::{hours_tenths, AgentTime, RoiView, WinRate, ROI_DAYS};
use models::agents::AgentKind;
use models::{Role, TenantId};
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

#[derive(diesel::QueryableByName)]
struct AgentRuns {
    #[diesel(sql_type = Text)]
    agent: String,
    #[diesel(sql_type = BigInt)]
    runs: i64,
    #[diesel(sql_type = Integer)]
    minutes: i32,
}

#[derive(diesel::QueryableByName)]
struct DealGroup {
    #[diesel(sql_type = Bool)]
    touched: bool,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    deals: i64,
    #[diesel(sql_type = BigInt)]
    amount: i64,
}

/// The figures for the tenant of the transaction (RLS narrows every table to it).
async fn compute(conn: &mut Conn) -> Result<RoiView, Error> {
    let runs: Vec<AgentRuns> = diesel::sql_query(
        "SELECT r.agent, count(*) AS runs, COALESCE(m.minutes, 0) AS minutes \
         FROM agent_runs r LEFT JOIN agent_minutes_saved m ON m.agent = r.agent \
         WHERE r.tenant_id = app_current_tenant() AND r.status = 'succeeded' \
           AND r.created_at > now() - make_interval(days => $1) \
         GROUP BY r.agent, m.minutes ORDER BY r.agent",
    )
    .bind::<Integer, _>(i32::try_from(ROI_DAYS).unwrap_or(90))
    .load(conn)
    .await?;
    let agents: Vec<AgentTime> = runs
        .into_iter()
        .filter_map(|r| {
            Some(AgentTime {
                agent: AgentKind::parse(&r.agent)?,
                runs: r.runs,
                minutes_per_run: r.minutes,
            })
        })
        .collect();
    // Touched: a successful run about the deal, or about the lead it was converted from.
    // Anchored on the runs' subjects, so only those deals are looked up by index.
    let groups: Vec<DealGroup> = diesel::sql_query(
        "WITH subjects AS ( \
           SELECT DISTINCT subject_kind, subject_id FROM agent_runs \
           WHERE tenant_id = app_current_tenant() AND status = 'succeeded' \
             AND subject_id IS NOT NULL AND subject_kind IN ('lead', 'opportunity')), \
         touched AS ( \
           SELECT o.id FROM subjects s JOIN opportunities o \
             ON o.tenant_id = app_current_tenant() AND s.subject_kind = 'opportunity' AND o.id = s.subject_id \
           UNION \
           SELECT o.id FROM subjects s JOIN opportunities o \
             ON o.tenant_id = app_current_tenant() AND s.subject_kind = 'lead' AND o.lead_id = s.subject_id) \
         SELECT (t.id IS NOT NULL) AS touched, st.kind, o.currency, count(*) AS deals, \
                COALESCE(sum(o.amount_minor), 0)::bigint AS amount \
         FROM opportunities o \
         JOIN pipeline_stages st ON st.tenant_id = o.tenant_id AND st.id = o.stage_id \
         LEFT JOIN touched t ON t.id = o.id \
         WHERE o.tenant_id = app_current_tenant() \
         GROUP BY 1, 2, 3",
    )
    .load(conn)
    .await?;
    let currency: String = diesel::sql_query(
        "SELECT COALESCE((SELECT currency FROM sales_settings WHERE tenant_id = app_current_tenant()), 'USD') AS currency",
    )
    .get_result::<Currency>(conn)
    .await?
    .currency;
    let rate = |touched: bool| {
        let of = |kind: &str| -> i64 {
            groups
                .iter()
                .filter(|g| g.touched == touched && g.kind == kind)
                .map(|g| g.deals)
                .sum()
        };
        WinRate {
            won: of("won"),
            closed: of("won") + of("lost"),
        }
    };
    let influenced = groups
        .iter()
        .filter(|g| g.touched && g.kind != "lost" && g.currency == currency);
    Ok(RoiView {
        hours_saved_tenths: hours_tenths(&agents),
        agents,
        influenced_minor: influenced.clone().map(|g| g.amount).sum(),
        influenced_deals: influenced.map(|g| g.deals).sum(),
        currency,
        touched: rate(true),
        rest: rate(false),
    })
}

#[derive(diesel::QueryableByName)]
struct Currency {
    #[diesel(sql_type = Text)]
    currency: String,
}

/// The organisation's own figures (managers and up: it shows the pipeline's amounts).
pub async fn get_roi(db: &Db, ctx: &RequestContext) -> Result<RoiView, Error> {
    ctx.require(Role::Manager)?;
    db.tenant_tx(ctx.tenant_id, async |conn| compute(conn).await)
        .await
}

/// Any organisation's figures, for the admin console (platform admins), read through that
/// organisation's RLS like its own page.
pub async fn roi_of(db: &Db, ctx: &RequestContext, tenant: TenantId) -> Result<RoiView, Error> {
    ctx.require_platform_admin()?;
    db.tenant_tx(tenant, async |conn| compute(conn).await).await
}

/// The minutes each agent's run is counted as saving.
pub async fn list_minutes_saved(
    db: &Db,
    ctx: &RequestContext,
) -> Result<Vec<(AgentKind, i32)>, Error> {
    use diesel::QueryDsl;
    use platform::db::schema::agent_minutes_saved as m;
    ctx.require_platform_admin()?;
    let rows: Vec<(String, i32)> = db
        .platform_tx(async |conn| {
            Ok(m::table
                .select((m::agent, m::minutes))
                .order(m::agent)
                .load(conn)
                .await?)
        })
        .await?;
    Ok(AgentKind::ALL
        .iter()
        .map(|a| {
            let minutes = rows
                .iter()
                .find(|(k, _)| k == a.as_str())
                .map_or(0, |r| r.1);
            (*a, minutes)
        })
        .collect())
}

/// Sets what one run of `agent` is counted as saving (0 to 1,440 minutes), for every
/// organisation's ROI. Platform admins; audited.
pub async fn set_minutes_saved(
    db: &Db,
    ctx: &RequestContext,
    agent: AgentKind,
    minutes: i32,
) -> Result<(), Error> {
    use diesel::ExpressionMethods;
    use platform::db::schema::agent_minutes_saved as m;
    ctx.require_platform_admin()?;
    if !(0..=1440).contains(&minutes) {
        return Err(models::AppError::validation(
            "minutes",
            "must be between 0 and 1,440 (a day).",
        )
        .into());
    }
    db.platform_tx(async |conn| {
        diesel::insert_into(m::table)
            .values((m::agent.eq(agent.as_str()), m::minutes.eq(minutes)))
            .on_conflict(m::agent)
            .do_update()
            .set((m::minutes.eq(minutes), m::updated_at.eq(diesel::dsl::now)))
            .execute(conn)
            .await?;
        platform::audit::NewAuditEntry::platform(ctx, "agent.minutes_saved_set")
            .target("agent", agent.as_str())
            .details(serde_json::json!({ "minutes": minutes }))
            .record(conn)
            .await
    })
    .await
}

//! Runs nobody clicked: a bulk run over an agent's records through the job queue (`bulk`),
//! a schedule that starts one (`schedule`), and record events that start a run on the
//! record (`workflow`). Each acts as a member with their role at the time it runs: whoever
//! started the bulk run, or whoever last saved the automation.

pub mod bulk;
pub mod schedule;
pub mod workflow;

pub use bulk::{cancel_bulk_run, latest_bulk_run, start_bulk_run, BulkAgentRuns};
pub use schedule::AgentScheduleTick;
pub use workflow::{fire_workflow, WorkflowRun};

use crate::AgentHub;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::{Automation, ScheduleEvery, WorkflowEvent};
use models::agents::AgentKind;
use models::{AppError, Role, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{agent_automations, users};
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

pub const AUTOMATION_SAVED: &str = "agent.automation_saved";

/// schedule, scope, run_on, updated_by and their name.
type AutomationRow = (
    String,
    String,
    Vec<Option<String>>,
    Option<UserId>,
    Option<String>,
);

/// An agent's automation and who saved it (the member its runs act as).
pub async fn load_automation(
    conn: &mut Conn,
    agent: AgentKind,
) -> Result<(Automation, Option<UserId>), Error> {
    let row: Option<AutomationRow> = agent_automations::table
        .left_join(users::table)
        .filter(agent_automations::agent.eq(agent.as_str()))
        .select((
            agent_automations::schedule,
            agent_automations::scope,
            agent_automations::run_on,
            agent_automations::updated_by,
            users::name.nullable(),
        ))
        .first(conn)
        .await
        .optional()?;
    let Some((schedule, scope, run_on, by, name)) = row else {
        return Ok((Automation::default(), None));
    };
    Ok((
        Automation {
            schedule: ScheduleEvery::parse(&schedule).unwrap_or(ScheduleEvery::Off),
            scope,
            run_on: run_on
                .iter()
                .flatten()
                .filter_map(|e| WorkflowEvent::parse(e))
                .collect(),
            updated_by: name.unwrap_or_default(),
        },
        by,
    ))
}

/// Saves an agent's automation (admins): a schedule over one of the agent's scopes, and
/// the record events it runs on. Checked against what the agent offers; audited.
pub async fn save_automation(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    schedule: &str,
    scope: &str,
    run_on: &[String],
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    let agent = hub.agents.get(kind)?;
    let schedule = ScheduleEvery::parse(schedule.trim())
        .ok_or_else(|| AppError::validation("schedule", "Choose never, daily or weekly."))?;
    let scopes = agent.bulk_scopes();
    let scope = scope.trim();
    if schedule != ScheduleEvery::Off && !scopes.iter().any(|s| s.key == scope) {
        return Err(
            AppError::validation("scope", "Choose which records the schedule runs on.").into(),
        );
    }
    let mut events = Vec::new();
    for e in run_on {
        let event = WorkflowEvent::parse(e.trim())
            .filter(|e| agent.workflow_events().contains(e))
            .ok_or_else(|| {
                AppError::validation("run_on", format!("{} cannot run on “{e}”.", kind.label()))
            })?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    let stored: Vec<String> = events.iter().map(|e| e.as_str().to_string()).collect();
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let (before, _) = load_automation(conn, kind).await?;
        diesel::insert_into(agent_automations::table)
            .values((
                agent_automations::tenant_id.eq(ctx.tenant_id),
                agent_automations::agent.eq(kind.as_str()),
                agent_automations::schedule.eq(schedule.as_str()),
                agent_automations::scope.eq(scope),
                agent_automations::run_on.eq(&stored),
                agent_automations::updated_by.eq(ctx.user_id),
            ))
            .on_conflict((agent_automations::tenant_id, agent_automations::agent))
            .do_update()
            .set((
                agent_automations::schedule.eq(schedule.as_str()),
                agent_automations::scope.eq(scope),
                agent_automations::run_on.eq(&stored),
                agent_automations::updated_by.eq(ctx.user_id),
                agent_automations::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, AUTOMATION_SAVED)
            .target("agent", kind.as_str())
            .details(serde_json::json!({
                "before": {"schedule": before.schedule.as_str(), "scope": before.scope,
                           "run_on": before.run_on.iter().map(|e| e.as_str()).collect::<Vec<_>>()},
                "after": {"schedule": schedule.as_str(), "scope": scope, "run_on": stored},
            }))
            .record(conn)
            .await
    })
    .await
}

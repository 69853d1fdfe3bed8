//! Record events that start a run on the record: a lead created, an activity logged. The
//! event queues a job in the transaction that wrote the record (a rolled-back write starts
//! nothing); the job runs a little later, so a burst of notes on one deal makes one run.

use crate::run::{run_agent, RunRequest};
use crate::AgentHub;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::WorkflowEvent;
use models::agents::run::{RunSubject, RunTrigger};
use models::agents::AgentKind;
use models::{TenantId, UserId};
use platform::db::schema::agent_automations;
use platform::db::Conn;
use platform::jobs::{Job, JobContext, NewJob};
use platform::Error;
use serde::{Deserialize, Serialize};

/// How long a workflow run waits for more events on the same record.
const SETTLE_SECS: i64 = 30;

/// Queues a run of every agent set to run on `event`, about `subject`.
pub async fn fire_workflow(
    conn: &mut Conn,
    tenant: TenantId,
    event: WorkflowEvent,
    subject: RunSubject,
) -> Result<(), Error> {
    let rows: Vec<(String, Vec<Option<String>>, Option<UserId>)> = agent_automations::table
        .select((
            agent_automations::agent,
            agent_automations::run_on,
            agent_automations::updated_by,
        ))
        .load(conn)
        .await?;
    for (agent, run_on, by) in rows {
        let (Some(kind), Some(user)) = (AgentKind::parse(&agent), by) else {
            continue;
        };
        if !run_on.iter().flatten().any(|e| e == event.as_str()) {
            continue;
        }
        let key = format!(
            "{}:{}:{}",
            kind.as_str(),
            subject.kind.as_str(),
            subject.id.unwrap_or_default()
        );
        NewJob::new(&WorkflowRun {
            agent: kind,
            subject,
            user,
        })?
        .tenant(Some(tenant))
        .run_at(chrono::Utc::now() + chrono::Duration::seconds(SETTLE_SECS))
        .dedup_key(key)
        .enqueue(conn)
        .await?;
    }
    Ok(())
}

/// One workflow run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct WorkflowRun {
    pub agent: AgentKind,
    pub subject: RunSubject,
    /// Who saved the automation: the run acts as them.
    pub user: UserId,
}

impl Job for WorkflowRun {
    const KIND: &'static str = "agents.workflow_run";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = AgentHub;

    async fn run(self, hub: &AgentHub, job: &JobContext) -> Result<(), Error> {
        let tenant = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("a workflow run without a tenant".into()))?;
        let ctx = job
            .db
            .tenant_tx(tenant, async |conn| {
                platform::members::acting_member(conn, tenant, self.user, job.id).await
            })
            .await?;
        let Some(ctx) = ctx else {
            tracing::info!(%tenant, "a workflow run's member has left: not run");
            return Ok(());
        };
        let outcome = run_agent(
            &job.db,
            &ctx,
            hub,
            RunRequest {
                agent: self.agent,
                subject: self.subject,
                trigger: RunTrigger::Workflow,
                version: None,
                replay_of: None,
                id: None,
                watcher: None,
            },
        )
        .await;
        match outcome {
            Ok(_) => Ok(()),
            // Refused (the budget, the agent off) or the record gone: the ledger says so
            // where it can, and trying again would not change it.
            Err(Error::App(e)) => {
                tracing::info!(%tenant, agent = self.agent.as_str(), error = %e, "a workflow run was not made");
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

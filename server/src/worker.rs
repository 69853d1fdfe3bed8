//! The background worker: which job types this server runs, their dependencies and
//! schedules. `platform::jobs::Worker` does the claiming, running and retrying.

use crate::Config;
use agents::automation::{AgentScheduleTick, BulkAgentRuns, WorkflowRun};
use agents::AgentHub;
use billing::renewal::RenewSubscriptions;
use billing::stripe::apply::ProcessStripeEvent;
use connectors::{ConnectorHub, SyncConnection};
use platform::jobs::{Registry, Worker, WorkerOptions};
use platform::mail::{Mailer, SendEmail};
use platform::maintenance::PruneExpired;
use platform::Db;

/// Every job type, with what it needs: the platform's, then the verticals'. A new platform
/// job type is registered here; a vertical registers its own.
pub fn registry(mailer: Mailer, connectors: ConnectorHub, agents: AgentHub) -> Registry {
    let platform = Registry::new()
        .register::<SendEmail>(mailer)
        .register::<PruneExpired>(())
        .register::<RenewSubscriptions>(())
        .register::<ProcessStripeEvent>(())
        .register::<SyncConnection>(connectors)
        .register::<BulkAgentRuns>(agents.clone())
        .register::<WorkflowRun>(agents.clone())
        .register::<AgentScheduleTick>(agents);
    crate::verticals::registry().register_jobs(platform)
}

/// The worker as `server worker` and `server dev` run it.
pub fn build(
    config: &Config,
    db: Db,
    connectors: ConnectorHub,
    concurrency: usize,
) -> Result<Worker, platform::Error> {
    let mailer = Mailer::new(config.smtp_url.as_deref(), &config.mail_from)?;
    if !mailer.is_smtp() {
        tracing::warn!("SMTP_URL is not set: mail is logged and shown in the admin console's mailbox, not sent");
    }
    let options = WorkerOptions {
        concurrency,
        lease: std::time::Duration::from_secs(config.job_lease_secs),
        shutdown_grace: std::time::Duration::from_secs(config.job_shutdown_grace_secs),
        ..WorkerOptions::default()
    };
    let agents = crate::agents::hub(config);
    Ok(
        Worker::new(db, registry(mailer, connectors, agents), options)
            .schedule(PruneExpired::schedule()?)
            .schedule(RenewSubscriptions::schedule()?)
            .schedule(AgentScheduleTick::schedule()?)
            .schedule(sales_hunter::prospector::RescoreEngagedLeads::schedule()?),
    )
}

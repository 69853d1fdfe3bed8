//! Engagement halves every half-life, so a score drifts as days pass with nothing written
//! to the lead. Once a day every lead with activity recent enough to still count is
//! scored again (a batch per transaction; the rest of the leads cannot have moved).

use super::load_config;
use super::rescore::{rescore_with, RESCORE_BATCH};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use platform::db::schema::leads;
use platform::jobs::{Job, JobContext, Schedule};
use platform::Error;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RescoreEngagedLeads {}

impl RescoreEngagedLeads {
    /// Daily.
    pub fn schedule() -> Result<Schedule, Error> {
        Schedule::every(
            "sales.rescore_engaged_leads",
            std::time::Duration::from_secs(24 * 3600),
            &RescoreEngagedLeads {},
        )
    }
}

impl Job for RescoreEngagedLeads {
    const KIND: &'static str = "sales.rescore_engaged_leads";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        // Ten half-lives of the longest allowed (365 days) bound what can still count.
        let horizon = Utc::now() - Duration::days(3650);
        let tenants: Vec<TenantId> = job
            .db
            .platform_tx(async |conn| {
                Ok(leads::table
                    .filter(leads::last_activity_at.gt(horizon))
                    .select(leads::tenant_id)
                    .distinct()
                    .load(conn)
                    .await?)
            })
            .await?;
        for tenant in tenants {
            let mut after: Option<Uuid> = None;
            loop {
                let next = job
                    .db
                    .tenant_tx(tenant, async |conn| {
                        let cfg = load_config(conn).await?;
                        let since =
                            Utc::now() - Duration::days(10 * i64::from(cfg.scoring.half_life_days));
                        let mut q = leads::table
                            .filter(leads::last_activity_at.gt(since))
                            .select(leads::id)
                            .order(leads::id)
                            .limit(RESCORE_BATCH)
                            .into_boxed();
                        if let Some(a) = after {
                            q = q.filter(leads::id.gt(a));
                        }
                        let ids: Vec<Uuid> = q.load(conn).await?;
                        rescore_with(conn, &cfg, &ids).await?;
                        Ok(((ids.len() as i64) == RESCORE_BATCH)
                            .then(|| ids.last().copied())
                            .flatten())
                    })
                    .await?;
                match next {
                    Some(id) => after = Some(id),
                    None => break,
                }
            }
        }
        Ok(())
    }
}

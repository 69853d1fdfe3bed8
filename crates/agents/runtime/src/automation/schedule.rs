//! Scheduled bulk runs: every hour a tick looks for automations whose period (a UTC day,
//! or a week from Monday) has no bulk run yet and starts one, as the member who saved the
//! automation. The period is unique per agent, so two ticks (or two workers) start one.

use super::bulk::start_bulk_in;
use crate::AgentHub;
use chrono::{Datelike, Duration, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::ScheduleEvery;
use models::agents::run::RunTrigger;
use models::agents::AgentKind;
use models::{AppError, TenantId, UserId};
use platform::db::schema::agent_automations;
use platform::jobs::{Job, JobContext, Schedule};
use platform::Error;
use serde::{Deserialize, Serialize};

/// The period a schedule's run belongs to, on `today`.
pub fn period(every: ScheduleEvery, today: NaiveDate) -> Option<String> {
    match every {
        ScheduleEvery::Off => None,
        ScheduleEvery::Daily => Some(today.to_string()),
        ScheduleEvery::Weekly => {
            let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
            Some(format!("week of {monday}"))
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AgentScheduleTick {}

impl AgentScheduleTick {
    /// Hourly: a daily run starts within the hour after midnight UTC.
    pub fn schedule() -> Result<Schedule, Error> {
        Schedule::every(
            "agents.schedule_tick",
            std::time::Duration::from_secs(3600),
            &AgentScheduleTick {},
        )
    }
}

impl Job for AgentScheduleTick {
    const KIND: &'static str = "agents.schedule_tick";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = AgentHub;

    async fn run(self, hub: &AgentHub, job: &JobContext) -> Result<(), Error> {
        type Row = (TenantId, String, String, String, Option<UserId>);
        let due: Vec<Row> = job
            .db
            .platform_tx(async |conn| {
                Ok(agent_automations::table
                    .filter(agent_automations::schedule.ne("off"))
                    .select((
                        agent_automations::tenant_id,
                        agent_automations::agent,
                        agent_automations::schedule,
                        agent_automations::scope,
                        agent_automations::updated_by,
                    ))
                    .load(conn)
                    .await?)
            })
            .await?;
        let today = Utc::now().date_naive();
        for (tenant, agent, every, scope, by) in due {
            let (Some(kind), Some(every), Some(user)) =
                (AgentKind::parse(&agent), ScheduleEvery::parse(&every), by)
            else {
                continue;
            };
            let Some(period) = period(every, today) else {
                continue;
            };
            let started = job
                .db
                .tenant_tx(tenant, async |conn| {
                    let Some(ctx) =
                        platform::members::acting_member(conn, tenant, user, job.id).await?
                    else {
                        return Ok(None);
                    };
                    start_bulk_in(
                        conn,
                        &ctx,
                        hub,
                        kind,
                        &scope,
                        RunTrigger::Schedule,
                        Some(period.clone()),
                    )
                    .await
                })
                .await;
            match started {
                Ok(_) => {}
                // One tenant's stale automation (a scope the agent no longer offers) must
                // not stop the others'.
                Err(Error::App(e @ AppError::Validation { .. })) => {
                    tracing::warn!(%tenant, agent, error = %e, "a scheduled agent run could not start");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_days_and_weeks_from_monday() {
        let sunday = NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).expect("date");
        assert_eq!(period(ScheduleEvery::Off, sunday), None);
        assert_eq!(
            period(ScheduleEvery::Daily, sunday).expect("a period"),
            "2026-12-06"
        );
        assert_eq!(
            period(ScheduleEvery::Weekly, sunday).expect("a period"),
            "week of 2026-11-30"
        );
        assert_eq!(
            period(ScheduleEvery::Weekly, monday).expect("a period"),
            "week of 2026-12-07"
        );
    }
}

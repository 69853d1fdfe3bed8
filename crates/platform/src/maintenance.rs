//! Housekeeping on a schedule: expired sessions, old sign-in attempts, used or expired reset
//! links, finished jobs and delivered mail.

use crate::db::schema::{emails, jobs, login_attempts, password_resets, sessions};
use crate::error::Error;
use crate::jobs::{Job, JobContext, Schedule};
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::jobs::JobState;
use serde::{Deserialize, Serialize};

/// How long records are kept once they no longer matter.
pub const KEEP_LOGIN_ATTEMPTS_DAYS: i64 = 7;
pub const KEEP_RESETS_DAYS: i64 = 7;
pub const KEEP_DONE_JOBS_DAYS: i64 = 7;
pub const KEEP_SENT_MAIL_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PruneExpired {}

impl PruneExpired {
    /// Hourly, on the hour.
    pub fn schedule() -> Result<Schedule, Error> {
        Schedule::every(
            "prune_expired",
            std::time::Duration::from_secs(3600),
            &PruneExpired {},
        )
    }
}

impl Job for PruneExpired {
    const KIND: &'static str = "prune_expired";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = ();

    async fn run(self, _: &(), ctx: &JobContext) -> Result<(), Error> {
        let now = Utc::now();
        let counts = ctx
            .db
            .platform_tx(async |conn| {
                let sessions = diesel::delete(sessions::table.filter(sessions::expires_at.lt(now)))
                    .execute(conn)
                    .await?;
                let attempts = diesel::delete(login_attempts::table.filter(
                    login_attempts::created_at.lt(now - Duration::days(KEEP_LOGIN_ATTEMPTS_DAYS)),
                ))
                .execute(conn)
                .await?;
                let resets = diesel::delete(password_resets::table.filter(
                    password_resets::expires_at.lt(now - Duration::days(KEEP_RESETS_DAYS)),
                ))
                .execute(conn)
                .await?;
                let jobs = diesel::delete(
                    jobs::table
                        .filter(jobs::state.eq(JobState::Done))
                        .filter(jobs::finished_at.lt(now - Duration::days(KEEP_DONE_JOBS_DAYS))),
                )
                .execute(conn)
                .await?;
                let mail = diesel::delete(
                    emails::table
                        .filter(emails::state.ne("queued"))
                        .filter(emails::created_at.lt(now - Duration::days(KEEP_SENT_MAIL_DAYS))),
                )
                .execute(conn)
                .await?;
                Ok((sessions, attempts, resets, jobs, mail))
            })
            .await?;
        tracing::info!(
            sessions = counts.0,
            login_attempts = counts.1,
            password_resets = counts.2,
            jobs = counts.3,
            emails = counts.4,
            "pruned expired records"
        );
        Ok(())
    }
}

//! The job queue: typed jobs in a PostgreSQL table, claimed with `FOR UPDATE SKIP LOCKED`.
//!
//! - [`Job`]: a payload type with a name, what it needs from the server (`Deps`) and `run`.
//! - [`NewJob`]: enqueues a job on the caller's connection, so it commits with the change
//!   that caused it, or not at all. A de-duplication key keeps one pending or running job
//!   per (tenant, kind, key).
//! - [`Registry`]: the job types a worker runs, filled by the server at start-up.
//! - [`Worker`]: claims, runs, retries with exponential backoff, and lets jobs that run out
//!   of attempts die (kept with their last error, retryable from the admin console). A worker
//!   that disappears loses its lease and the job is taken again.
//! - [`Schedule`]: recurring jobs that fire once per due time however many workers run.

mod admin;
mod enqueue;
mod registry;
mod schedule;
mod worker;

pub use admin::{list_jobs, retry_job};
pub use enqueue::NewJob;
pub use registry::Registry;
pub use schedule::Schedule;
pub use worker::{Worker, WorkerOptions};

use crate::db::Db;
use crate::error::Error;
use models::TenantId;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;

/// A kind of background work. The value is the payload, stored as JSON.
///
/// Jobs run at least once: a job must be idempotent, so that running it twice changes
/// nothing more than running it once.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The stored name; never rename one that may still be queued.
    const KIND: &'static str;
    const QUEUE: &'static str = "default";
    const MAX_ATTEMPTS: i32 = 10;
    /// What the job needs from the server (a mailer, an HTTP client...), given at
    /// registration.
    type Deps: Send + Sync + 'static;

    fn run(
        self,
        deps: &Self::Deps,
        ctx: &JobContext,
    ) -> impl Future<Output = Result<(), Error>> + Send;
}

/// What a running job knows about itself.
#[derive(Clone)]
pub struct JobContext {
    pub db: Db,
    pub id: i64,
    pub tenant_id: Option<TenantId>,
    /// 1 on the first run.
    pub attempt: i32,
    pub max_attempts: i32,
}

impl JobContext {
    /// True when a failure now makes the job dead.
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

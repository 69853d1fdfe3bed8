//! Enqueueing a job in the caller's transaction.

use super::Job;
use crate::db::schema::jobs;
use crate::db::Conn;
use crate::error::Error;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;

/// A job to enqueue: `NewJob::new(&job)?.tenant(t).dedup_key(k).enqueue(conn).await?`.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
pub struct NewJob {
    kind: String,
    queue: String,
    payload: serde_json::Value,
    tenant_id: Option<TenantId>,
    priority: i16,
    run_at: DateTime<Utc>,
    max_attempts: i32,
    dedup_key: Option<String>,
}

impl NewJob {
    pub fn new<J: Job>(job: &J) -> Result<NewJob, Error> {
        let payload = serde_json::to_value(job)
            .map_err(|e| Error::Corrupt(format!("{} payload: {e}", J::KIND)))?;
        Ok(NewJob {
            kind: J::KIND.to_string(),
            queue: J::QUEUE.to_string(),
            payload,
            tenant_id: None,
            priority: 0,
            run_at: Utc::now(),
            max_attempts: J::MAX_ATTEMPTS,
            dedup_key: None,
        })
    }

    /// A job from stored parts (a schedule's row).
    pub(super) fn raw(
        kind: &str,
        queue: &str,
        payload: serde_json::Value,
        max_attempts: i32,
    ) -> NewJob {
        NewJob {
            kind: kind.to_string(),
            queue: queue.to_string(),
            payload,
            tenant_id: None,
            priority: 0,
            run_at: Utc::now(),
            max_attempts,
            dedup_key: None,
        }
    }

    pub(super) fn payload(&self) -> &serde_json::Value {
        &self.payload
    }

    /// The tenant the job works for (required when enqueueing in a tenant transaction).
    pub fn tenant(mut self, tenant: Option<TenantId>) -> Self {
        self.tenant_id = tenant;
        self
    }

    /// Higher runs first among due jobs.
    pub fn priority(mut self, priority: i16) -> Self {
        self.priority = priority;
        self
    }

    pub fn run_at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = at;
        self
    }

    /// While a job of this kind and tenant with the same key is pending or running, enqueueing
    /// another does nothing.
    pub fn dedup_key(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self
    }

    /// Inserts the job; `None` when the de-duplication key found one already queued.
    pub async fn enqueue(self, conn: &mut Conn) -> Result<Option<i64>, Error> {
        Ok(diesel::insert_into(jobs::table)
            .values(self)
            .on_conflict_do_nothing()
            .returning(jobs::id)
            .get_result(conn)
            .await
            .optional()?)
    }
}

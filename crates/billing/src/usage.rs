//! Usage events: what billing meters. Written in the caller's transaction, so a
//! rolled-back run bills nothing; keyed for idempotency, so the same event recorded twice
//! (a retried job, a replayed webhook) counts once.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use platform::db::schema::usage_events;
use platform::db::Conn;
use platform::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meter {
    AgentRuns,
    LlmTokens,
    RecordsSynced,
    ApiCalls,
}

impl Meter {
    pub fn as_str(self) -> &'static str {
        match self {
            Meter::AgentRuns => "agent_runs",
            Meter::LlmTokens => "llm_tokens",
            Meter::RecordsSynced => "records_synced",
            Meter::ApiCalls => "api_calls",
        }
    }
}

#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = usage_events, check_for_backend(diesel::pg::Pg))]
pub struct UsageEvent {
    tenant_id: TenantId,
    idempotency_key: String,
    meter: &'static str,
    quantity: i64,
    occurred_at: DateTime<Utc>,
    source: String,
}

impl UsageEvent {
    /// `key` identifies the event across retries (`agent-run:<id>:tokens`).
    pub fn new(
        tenant: TenantId,
        meter: Meter,
        quantity: i64,
        key: impl Into<String>,
    ) -> UsageEvent {
        UsageEvent {
            tenant_id: tenant,
            idempotency_key: key.into(),
            meter: meter.as_str(),
            quantity: quantity.max(0),
            occurred_at: Utc::now(),
            source: String::new(),
        }
    }

    /// Where it came from (`agent:prospector`), for the usage pages.
    pub fn source(mut self, source: impl Into<String>) -> UsageEvent {
        self.source = source.into();
        self
    }

    /// Records the event in the caller's transaction; `false` when that key was recorded
    /// before (nothing changes).
    pub async fn record(self, conn: &mut Conn) -> Result<bool, Error> {
        let n = diesel::insert_into(usage_events::table)
            .values(&self)
            .on_conflict((usage_events::tenant_id, usage_events::idempotency_key))
            .do_nothing()
            .execute(conn)
            .await?;
        Ok(n == 1)
    }
}

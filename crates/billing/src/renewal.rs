//! The end of a billing period: its invoice is issued, the next period starts, a trial
//! becomes the paid plan, a scheduled downgrade or cancellation takes effect. An hourly job; idempotent, since a
//! subscription is only moved while its period has ended.

use crate::subscription::lock_subscription;
use chrono::{DateTime, Months, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::SubscriptionStatus;
use models::TenantId;
use platform::audit::NewAuditEntry;
use platform::db::schema::subscriptions;
use platform::jobs::{Job, JobContext, Schedule};
use platform::{Client, Error};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RenewSubscriptions {}

impl RenewSubscriptions {
    pub fn schedule() -> Result<Schedule, Error> {
        Schedule::every(
            "billing.renew_subscriptions",
            std::time::Duration::from_secs(3600),
            &RenewSubscriptions {},
        )
    }
}

impl Job for RenewSubscriptions {
    const KIND: &'static str = "billing.renew_subscriptions";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        let now = Utc::now();
        let due: Vec<TenantId> = job
            .db
            .platform_tx(async |conn| {
                Ok(subscriptions::table
                    .filter(subscriptions::period_end.le(now))
                    .select(subscriptions::tenant_id)
                    .load(conn)
                    .await?)
            })
            .await?;
        for tenant in due {
            job.db
                .platform_tx(async |conn| renew(conn, tenant, now, job.id).await)
                .await?;
        }
        Ok(())
    }
}

/// The period after `end` that contains `now` (a subscription left for months moves on
/// by whole months).
pub fn next_period(end: DateTime<Utc>, now: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
    let mut start = end;
    loop {
        let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
        if next > now || next <= start {
            return (start, next);
        }
        start = next;
    }
}

async fn renew(
    conn: &mut platform::db::Conn,
    tenant: TenantId,
    now: DateTime<Utc>,
    job: i64,
) -> Result<(), Error> {
    let sub = lock_subscription(conn, tenant).await?;
    if sub.period_end > now {
        return Ok(());
    }
    // The period that ended is billed before the next one starts.
    let invoice = crate::invoice::issue(conn, &sub).await?;
    let (start, end) = next_period(sub.period_end, now);
    let plan = sub
        .next_plan_id
        .clone()
        .unwrap_or_else(|| sub.plan_id.clone());
    let status = match sub.status {
        _ if sub.cancel_at_period_end => SubscriptionStatus::Canceled,
        SubscriptionStatus::Trialing => SubscriptionStatus::Active,
        other => other,
    };
    diesel::update(subscriptions::table.find(tenant))
        .set((
            subscriptions::plan_id.eq(&plan),
            subscriptions::next_plan_id.eq(None::<String>),
            subscriptions::status.eq(status),
            subscriptions::period_start.eq(start),
            subscriptions::period_end.eq(end),
            subscriptions::cancel_at_period_end.eq(false),
            subscriptions::updated_at.eq(now),
        ))
        .execute(conn)
        .await?;
    if status == SubscriptionStatus::Canceled && sub.status != SubscriptionStatus::Canceled {
        diesel::update(subscriptions::table.find(tenant))
            .set(subscriptions::canceled_at.eq(now))
            .execute(conn)
            .await?;
    }
    NewAuditEntry::new(tenant, None, "billing.period_renewed", &Client::job(job))
        .target("subscription", tenant)
        .details(serde_json::json!({
            "plan": { "before": sub.plan_id, "after": plan },
            "status": { "before": sub.status.as_str(), "after": status.as_str() },
            "period_start": start,
            "period_end": end,
            "invoice": invoice,
        }))
        .record(conn)
        .await
}

#[cfg(test)]
mod tests {
    use super::next_period;
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_next_period_is_the_month_that_contains_now() {
        let end = Utc.with_ymd_and_hms(2026, 1, 31, 12, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
        // A month after January 31 is February 28.
        assert_eq!(
            next_period(end, now),
            (end, Utc.with_ymd_and_hms(2026, 2, 28, 12, 0, 0).unwrap())
        );
        let later = Utc.with_ymd_and_hms(2026, 4, 15, 0, 0, 0).unwrap();
        let (start, stop) = next_period(end, later);
        assert!(start <= later && later < stop, "{start} {stop}");
    }
}

//! Usage events: what billing meters. Written in the caller's transaction, so a
//! rolled-back run bills nothing; keyed for idempotency, so the same event recorded twice
//! (a retried job, a replayed webhook) counts once. Each event names the billing period it
//! counts in, and its quantity is added to that period's counter and to its day's row
//! (`usage_daily`, for the admin console's trends) in the same transaction.

use crate::quota::{count, Reservation};
use crate::subscription::subscription;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::Meter;
use models::TenantId;
use platform::db::schema::{usage_daily, usage_events};
use platform::db::Conn;
use platform::Error;

#[derive(Insertable, Debug, Clone)]
#[diesel(table_name = usage_events, check_for_backend(diesel::pg::Pg))]
pub struct UsageEvent {
    tenant_id: TenantId,
    idempotency_key: String,
    meter: Meter,
    quantity: i64,
    occurred_at: DateTime<Utc>,
    source: String,
    period_start: NaiveDate,
    #[diesel(skip_insertion)]
    settles: Option<Reservation>,
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
            meter,
            quantity: quantity.max(0),
            occurred_at: Utc::now(),
            source: String::new(),
            period_start: NaiveDate::MIN,
            settles: None,
        }
    }

    /// Where it came from (`agent:prospector`), for the usage pages.
    pub fn source(mut self, source: impl Into<String>) -> UsageEvent {
        self.source = source.into();
        self
    }

    /// The work was reserved beforehand: the event counts in the reservation's period and
    /// gives the reservation back.
    pub fn settles(mut self, reservation: Reservation) -> UsageEvent {
        debug_assert_eq!(reservation.meter, self.meter);
        self.settles = Some(reservation);
        self
    }

    /// Records the event in the caller's transaction; `false` when that key was recorded
    /// before (nothing changes, and a reservation it settles is given back).
    pub async fn record(mut self, conn: &mut Conn) -> Result<bool, Error> {
        let sub = subscription(conn, self.tenant_id).await?;
        self.period_start = self.settles.map_or_else(|| sub.period(), |r| r.period);
        let n = diesel::insert_into(usage_events::table)
            .values(&self)
            .on_conflict((usage_events::tenant_id, usage_events::idempotency_key))
            .do_nothing()
            .execute(conn)
            .await?;
        let settles = self.settles.map_or(0, |r| r.quantity);
        let quantity = if n == 1 { self.quantity } else { 0 };
        if quantity > 0 {
            diesel::insert_into(usage_daily::table)
                .values((
                    usage_daily::tenant_id.eq(self.tenant_id),
                    usage_daily::meter.eq(self.meter),
                    usage_daily::day.eq(self.occurred_at.date_naive()),
                    usage_daily::quantity.eq(quantity),
                ))
                .on_conflict((usage_daily::tenant_id, usage_daily::meter, usage_daily::day))
                .do_update()
                .set(usage_daily::quantity.eq(usage_daily::quantity + quantity))
                .execute(conn)
                .await?;
        }
        if quantity > 0 || settles > 0 {
            count(conn, &sub, self.meter, self.period_start, quantity, settles).await?;
        }
        Ok(n == 1)
    }
}

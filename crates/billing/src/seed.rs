//! The demo tenant's subscription: a paying Growth customer ten days into its month, with
//! last month's invoice paid, so the billing page shows a real period, a real proration and
//! an invoice to open.

use crate::subscription::lock_subscription;
use chrono::{Duration, Months, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{InvoiceStatus, SubscriptionStatus};
use models::TenantId;
use platform::db::schema::{invoices, subscriptions};
use platform::{Db, Error};

pub async fn seed_demo_subscription(db: &Db, tenant: TenantId) -> Result<(), Error> {
    let start = Utc::now() - Duration::days(10);
    let month = |t: chrono::DateTime<Utc>, forward: bool| {
        let moved = if forward {
            t.checked_add_months(Months::new(1))
        } else {
            t.checked_sub_months(Months::new(1))
        };
        moved.unwrap_or(t + Duration::days(if forward { 30 } else { -30 }))
    };
    db.platform_tx(async |conn| {
        let mut sub = lock_subscription(conn, tenant).await?;
        sub.plan_id = "growth".into();
        sub.status = SubscriptionStatus::Active;
        sub.period_start = month(start, false);
        sub.period_end = start;
        if let Some(id) = crate::invoice::issue(conn, &sub).await? {
            diesel::update(invoices::table.find((tenant, id)))
                .set((
                    invoices::status.eq(InvoiceStatus::Paid),
                    invoices::paid_at.eq(start + Duration::days(2)),
                    invoices::issued_at.eq(start),
                ))
                .execute(conn)
                .await?;
        }
        diesel::update(subscriptions::table.find(tenant))
            .set((
                subscriptions::plan_id.eq("growth"),
                subscriptions::status.eq(SubscriptionStatus::Active),
                subscriptions::trial_ends_at.eq(None::<chrono::DateTime<Utc>>),
                subscriptions::period_start.eq(start),
                subscriptions::period_end.eq(month(start, true)),
            ))
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}

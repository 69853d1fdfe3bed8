//! The job that applies a kept Stripe event: the customer, subscription or invoice it
//! carries is mirrored (only if the event is newer than what the row holds, so events
//! arriving out of order never step back), and a payment's fate moves the organisation's
//! own subscription: a failed payment or a past-due Stripe subscription makes it past due,
//! a paid invoice or an active Stripe subscription brings it back, a canceled one ends it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::billing::SubscriptionStatus;
use models::TenantId;
use platform::audit::NewAuditEntry;
use platform::db::schema::{stripe_customers, stripe_events, subscriptions, tenants};
use platform::db::Conn;
use platform::jobs::{Job, JobContext};
use platform::{Client, Error};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub const PAYMENT_STATUS_CHANGED: &str = "billing.payment_status_changed";

/// A kept event: its type, payload, time, and when it was applied.
type KeptEvent = (String, Value, DateTime<Utc>, Option<DateTime<Utc>>);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessStripeEvent {
    pub id: String,
}

impl Job for ProcessStripeEvent {
    const KIND: &'static str = "billing.stripe_event";
    const MAX_ATTEMPTS: i32 = 8;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        job.db
            .platform_tx(async |conn| {
                let row: Option<KeptEvent> = stripe_events::table
                    .find(&self.id)
                    .select((
                        stripe_events::type_,
                        stripe_events::payload,
                        stripe_events::created_at,
                        stripe_events::processed_at,
                    ))
                    .for_update()
                    .first(conn)
                    .await
                    .optional()?;
                let Some((kind, payload, at, None)) = row else {
                    return Ok(()); // Gone, or applied already.
                };
                let outcome = apply(conn, &kind, &payload["data"]["object"], at, job.id).await?;
                diesel::update(stripe_events::table.find(&self.id))
                    .set((
                        stripe_events::processed_at.eq(Utc::now()),
                        stripe_events::outcome.eq(&outcome),
                    ))
                    .execute(conn)
                    .await?;
                Ok(())
            })
            .await
    }
}

fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object[key].as_str().filter(|s| !s.is_empty())
}

fn time(object: &Value, key: &str) -> Option<DateTime<Utc>> {
    object[key]
        .as_i64()
        .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
}

async fn tenant_of_customer(conn: &mut Conn, customer: &str) -> Result<Option<TenantId>, Error> {
    Ok(stripe_customers::table
        .filter(stripe_customers::customer_id.eq(customer))
        .select(stripe_customers::tenant_id)
        .first(conn)
        .await
        .optional()?)
}

/// Applies one event inside the job's transaction; what it did, for the event's row.
async fn apply(
    conn: &mut Conn,
    kind: &str,
    object: &Value,
    at: DateTime<Utc>,
    job: i64,
) -> Result<String, Error> {
    if kind == "customer.created" || kind == "customer.updated" {
        return customer(conn, object, at).await;
    }
    if kind == "customer.deleted" {
        let id = text(object, "id").unwrap_or_default();
        diesel::delete(stripe_customers::table.filter(stripe_customers::customer_id.eq(id)))
            .execute(conn)
            .await?;
        return Ok("customer removed".into());
    }
    let is_subscription = kind.starts_with("customer.subscription.");
    if !is_subscription && !kind.starts_with("invoice.") {
        return Ok("ignored: not a kind that is mirrored".into());
    }
    let Some(customer) = text(object, "customer") else {
        return Ok("ignored: no customer".into());
    };
    let Some(tenant) = tenant_of_customer(conn, customer).await? else {
        return Ok(format!("ignored: no organisation has customer {customer}"));
    };
    let (newer, status) = if is_subscription {
        (
            subscription(conn, tenant, object, at).await?,
            sub_status(kind, object),
        )
    } else {
        (
            invoice(conn, tenant, object, at).await?,
            invoice_status(kind),
        )
    };
    if !newer {
        return Ok("ignored: older than what is mirrored".into());
    }
    if let Some(to) = status {
        move_status(conn, tenant, to, kind, job).await?;
    }
    Ok("mirrored".into())
}

async fn customer(conn: &mut Conn, object: &Value, at: DateTime<Utc>) -> Result<String, Error> {
    let Some(id) = text(object, "id") else {
        return Ok("ignored: no customer id".into());
    };
    let from_metadata = object["metadata"]["tenant_id"]
        .as_str()
        .and_then(|t| t.parse().ok())
        .map(TenantId);
    let tenant = match from_metadata {
        Some(t) => Some(t),
        None => tenant_of_customer(conn, id).await?,
    };
    let Some(tenant) = tenant else {
        return Ok(format!("ignored: customer {id} names no organisation"));
    };
    let exists: i64 = tenants::table.find(tenant).count().get_result(conn).await?;
    if exists == 0 {
        return Ok(format!("ignored: no organisation {tenant}"));
    }
    diesel::sql_query(
        "INSERT INTO stripe_customers (tenant_id, customer_id, email, event_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (tenant_id) DO UPDATE SET customer_id = EXCLUDED.customer_id, \
           email = EXCLUDED.email, event_at = EXCLUDED.event_at \
         WHERE stripe_customers.event_at <= EXCLUDED.event_at",
    )
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Text, _>(id)
    .bind::<Text, _>(text(object, "email").unwrap_or_default())
    .bind::<Timestamptz, _>(at)
    .execute(conn)
    .await?;
    Ok("mirrored".into())
}

/// Upserts the subscription; `true` when this event was the newest.
async fn subscription(
    conn: &mut Conn,
    tenant: TenantId,
    object: &Value,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let n = diesel::sql_query(
        "INSERT INTO stripe_subscriptions \
           (id, tenant_id, status, current_period_end, cancel_at_period_end, event_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, \
           current_period_end = EXCLUDED.current_period_end, \
           cancel_at_period_end = EXCLUDED.cancel_at_period_end, event_at = EXCLUDED.event_at \
         WHERE stripe_subscriptions.event_at <= EXCLUDED.event_at",
    )
    .bind::<Text, _>(text(object, "id").unwrap_or_default())
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Text, _>(text(object, "status").unwrap_or("unknown"))
    .bind::<Nullable<Timestamptz>, _>(time(object, "current_period_end"))
    .bind::<Bool, _>(object["cancel_at_period_end"].as_bool().unwrap_or(false))
    .bind::<Timestamptz, _>(at)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// Upserts the invoice; `true` when this event was the newest.
async fn invoice(
    conn: &mut Conn,
    tenant: TenantId,
    object: &Value,
    at: DateTime<Utc>,
) -> Result<bool, Error> {
    let n = diesel::sql_query(
        "INSERT INTO stripe_invoices \
           (id, tenant_id, number, status, amount_due, amount_paid, currency, hosted_url, event_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number, status = EXCLUDED.status, \
           amount_due = EXCLUDED.amount_due, amount_paid = EXCLUDED.amount_paid, \
           currency = EXCLUDED.currency, hosted_url = EXCLUDED.hosted_url, \
           event_at = EXCLUDED.event_at \
         WHERE stripe_invoices.event_at <= EXCLUDED.event_at",
    )
    .bind::<Text, _>(text(object, "id").unwrap_or_default())
    .bind::<SqlUuid, _>(tenant.0)
    .bind::<Nullable<Text>, _>(text(object, "number"))
    .bind::<Text, _>(text(object, "status").unwrap_or("unknown"))
    .bind::<BigInt, _>(object["amount_due"].as_i64().unwrap_or(0))
    .bind::<BigInt, _>(object["amount_paid"].as_i64().unwrap_or(0))
    .bind::<Text, _>(text(object, "currency").unwrap_or("usd"))
    .bind::<Nullable<Text>, _>(text(object, "hosted_invoice_url"))
    .bind::<Timestamptz, _>(at)
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// What a Stripe subscription's state means for ours.
fn sub_status(kind: &str, object: &Value) -> Option<SubscriptionStatus> {
    if kind == "customer.subscription.deleted" {
        return Some(SubscriptionStatus::Canceled);
    }
    match text(object, "status")? {
        "past_due" | "unpaid" => Some(SubscriptionStatus::PastDue),
        "active" => Some(SubscriptionStatus::Active),
        "canceled" | "incomplete_expired" => Some(SubscriptionStatus::Canceled),
        _ => None,
    }
}

/// What an invoice event means for ours.
fn invoice_status(kind: &str) -> Option<SubscriptionStatus> {
    match kind {
        "invoice.payment_failed" => Some(SubscriptionStatus::PastDue),
        "invoice.paid" | "invoice.payment_succeeded" => Some(SubscriptionStatus::Active),
        _ => None,
    }
}

/// Moves our subscription's status as a payment decides: into past due or canceled from
/// anything live, and back to active only from past due (a trial stays a trial).
async fn move_status(
    conn: &mut Conn,
    tenant: TenantId,
    to: SubscriptionStatus,
    kind: &str,
    job: i64,
) -> Result<(), Error> {
    use SubscriptionStatus::*;
    let from = crate::subscription::lock_subscription(conn, tenant)
        .await?
        .status;
    let moves = match to {
        Active => from == PastDue,
        PastDue => matches!(from, Active | Trialing),
        Canceled => from != Canceled,
        Trialing => false,
    };
    if !moves {
        return Ok(());
    }
    diesel::update(subscriptions::table.find(tenant))
        .set((
            subscriptions::status.eq(to),
            subscriptions::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    if to == Canceled {
        diesel::update(subscriptions::table.find(tenant))
            .set(subscriptions::canceled_at.eq(Utc::now()))
            .execute(conn)
            .await?;
    }
    NewAuditEntry::new(tenant, None, PAYMENT_STATUS_CHANGED, &Client::job(job))
        .target("subscription", tenant)
        .details(serde_json::json!({ "from": from, "to": to, "stripe_event": kind }))
        .record(conn)
        .await
}

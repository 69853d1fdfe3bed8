//! A webhook delivery: its signature checked, its event kept once by id, and a job queued
//! to apply it, all in one transaction; so Stripe gets its 2xx at once, a replayed or
//! repeated delivery changes nothing, and a crash between receiving and applying loses
//! nothing (the job runs again).

use super::apply::ProcessStripeEvent;
use super::signature::{verify, SignatureError};
use super::StripeConfig;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use platform::db::schema::stripe_events;
use platform::jobs::NewJob;
use platform::{Db, Error};
use serde::Deserialize;

/// What became of a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// New: kept, and its job queued.
    Queued(String),
    /// Seen before (Stripe retries; or a replay within the tolerance): nothing changes.
    AlreadyKept(String),
}

/// Why a delivery is refused (answered 400: Stripe retries, an attacker learns nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    Signature(SignatureError),
    NotAnEvent(String),
}

#[derive(Deserialize)]
struct Envelope {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
}

/// Takes one delivery: `signature` is the `Stripe-Signature` header, `body` the raw bytes.
pub async fn receive_event(
    db: &Db,
    config: &StripeConfig,
    signature: Option<&str>,
    body: &[u8],
) -> Result<Result<Received, Refused>, Error> {
    if let Err(e) = verify(
        signature,
        body,
        &config.webhook_secret,
        Utc::now().timestamp(),
    ) {
        return Ok(Err(Refused::Signature(e)));
    }
    let payload: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return Ok(Err(Refused::NotAnEvent(format!("not JSON: {e}")))),
    };
    let event = match serde_json::from_value::<Envelope>(payload.clone()) {
        Ok(e) if e.id.starts_with("evt_") => e,
        Ok(e) => {
            return Ok(Err(Refused::NotAnEvent(format!(
                "{} is not an event id",
                e.id
            ))))
        }
        Err(e) => return Ok(Err(Refused::NotAnEvent(format!("not an event: {e}")))),
    };
    let created_at = DateTime::<Utc>::from_timestamp(event.created, 0).unwrap_or_else(Utc::now);
    db.platform_tx(async |conn| {
        let kept = diesel::insert_into(stripe_events::table)
            .values((
                stripe_events::id.eq(&event.id),
                stripe_events::type_.eq(&event.kind),
                stripe_events::payload.eq(&payload),
                stripe_events::created_at.eq(created_at),
            ))
            .on_conflict(stripe_events::id)
            .do_nothing()
            .execute(conn)
            .await?;
        if kept == 0 {
            return Ok(Ok(Received::AlreadyKept(event.id.clone())));
        }
        NewJob::new(&ProcessStripeEvent {
            id: event.id.clone(),
        })?
        .dedup_key(format!("stripe:{}", event.id))
        .enqueue(conn)
        .await?;
        Ok(Ok(Received::Queued(event.id.clone())))
    })
    .await
}

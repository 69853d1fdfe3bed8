//! The stall check where a rep works. Judging whether a deal has sat in its stage too long
//! needs every deal's finished stays in that stage — too much to read on each view of a
//! deal's page — so each stage's limit is kept (`stage_stall_limits`), computed by a job
//! from every deal's history. A page that finds them missing, a day old or for another
//! percentile than the tenant's queues that job (one at a time) and judges with what is
//! kept meanwhile.

use super::{core, load, load_config};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use platform::db::schema::stage_stall_limits as ssl;
use platform::db::Conn;
use platform::jobs::{Job, JobContext, NewJob};
use platform::Error;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// How old kept limits may be before a page asks for new ones.
const FRESH_HOURS: i64 = 24;

/// The kept stall limits under `pct`, by stage; queues a refresh when they are stale.
pub async fn limits(
    conn: &mut Conn,
    tenant: TenantId,
    pct: u8,
) -> Result<HashMap<Uuid, f64>, Error> {
    let rows: Vec<(Uuid, i16, Option<f64>, DateTime<Utc>)> = ssl::table
        .select((
            ssl::stage_id,
            ssl::percentile,
            ssl::limit_days,
            ssl::computed_at,
        ))
        .load(conn)
        .await?;
    let cutoff = Utc::now() - Duration::hours(FRESH_HOURS);
    let stale = rows.is_empty()
        || rows
            .iter()
            .any(|(_, p, _, at)| *p != i16::from(pct) || *at < cutoff);
    if stale {
        NewJob::new(&RefreshStallLimits {})?
            .tenant(Some(tenant))
            .dedup_key("stall-limits")
            .enqueue(conn)
            .await?;
    }
    Ok(rows
        .into_iter()
        .filter(|(_, p, _, _)| *p == i16::from(pct))
        .filter_map(|(stage, _, limit, _)| limit.map(|l| (stage, l)))
        .collect())
}

/// Computes every stage's stall limit from all deals' history and keeps them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RefreshStallLimits {}

impl Job for RefreshStallLimits {
    const KIND: &'static str = "sales.refresh_stall_limits";
    const MAX_ATTEMPTS: i32 = 3;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        let tenant = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("a stall-limit job without a tenant".into()))?;
        job.db
            .tenant_tx(tenant, async |conn| {
                let pct = load_config(conn).await?.risks.stall_percentile;
                let stages = crate::stages::list_stages(conn, tenant).await?;
                let deals = load::deals(conn, None).await?;
                let (_, durations) = core::stage_stats(&stages, &deals);
                let limits = core::stall_limits(&durations, pct);
                diesel::delete(ssl::table).execute(conn).await?;
                for stage in &stages {
                    let id = stage.id.0;
                    diesel::insert_into(ssl::table)
                        .values((
                            ssl::tenant_id.eq(tenant),
                            ssl::stage_id.eq(id),
                            ssl::percentile.eq(i16::from(pct)),
                            ssl::limit_days.eq(limits.get(&id).copied()),
                            ssl::samples.eq(durations.get(&id).map_or(0, |v| v.len() as i32)),
                        ))
                        .execute(conn)
                        .await?;
                }
                Ok(())
            })
            .await
    }
}

//! A large tenant for benchmarks, in big batches.

use super::{deal, lead, members, pick, pick_ref};
use crate::opportunities::NewStageChange;
use crate::stages::list_stages;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::TenantId;
use platform::db::schema::{leads, opportunities, opportunity_history};
use platform::db::Db;
use platform::Error;
use rand::rngs::StdRng;
use rand::Rng;
use rand::SeedableRng;

/// When the leads of a volume seed were created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// Over the last two years, as a tenant's history.
    Spread,
    /// Today (UTC) before now, as a big first import or sync.
    Today,
}

/// Adds `n_leads` leads and `n_opps` deals to `tenant` in large batches, printing progress;
/// for benchmarks. Each batch is its own transaction.
pub async fn seed_volume(
    db: &Db,
    tenant: TenantId,
    (n_leads, n_opps): (usize, usize),
    created: Created,
    mut progress: impl FnMut(&str, usize),
) -> Result<(), Error> {
    const BATCH: usize = 2000;
    let now = Utc::now();
    let since_midnight = (now
        - now
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc())
    .num_seconds()
    .max(1);
    let (owners, stages) = db
        .tenant_tx(tenant, async |conn| {
            Ok((members(conn).await?, list_stages(conn, tenant).await?))
        })
        .await?;
    if owners.is_empty() {
        return Err(Error::Config(
            "the tenant has no members to own the records".into(),
        ));
    }
    let offset: i64 = db
        .tenant_tx(tenant, async |conn| {
            Ok(leads::table.count().get_result(conn).await?)
        })
        .await?;
    let mut rng = StdRng::seed_from_u64(offset as u64 + 11);
    let mut done = 0;
    while done < n_leads {
        let n = BATCH.min(n_leads - done);
        let mut batch = Vec::with_capacity(n);
        for i in 0..n {
            let mut l = lead(
                &mut rng,
                tenant,
                offset as usize + done + i,
                &owners,
                now,
                730,
            )?;
            if created == Created::Today {
                l.created_at = now - Duration::seconds(rng.gen_range(0..since_midnight));
            }
            batch.push(l);
        }
        db.tenant_tx(tenant, async |conn| {
            diesel::insert_into(leads::table)
                .values(&batch)
                .execute(conn)
                .await?;
            Ok(())
        })
        .await?;
        done += n;
        progress("leads", done);
    }
    refresh_statistics(db).await?;
    let mut done = 0;
    while done < n_opps {
        let n = 1000.min(n_opps - done);
        let deals: Vec<_> = (0..n)
            .map(|i| {
                let target = pick_ref(&mut rng, &stages).clone();
                let owner = pick(&mut rng, &owners);
                deal(
                    &mut rng,
                    tenant,
                    &stages,
                    &target,
                    None,
                    owner,
                    now,
                    &format!("Deal {}", done + i + 1),
                )
            })
            .collect();
        db.tenant_tx(tenant, async |conn| {
            let rows: Vec<_> = deals.iter().map(|(o, _)| o).collect();
            diesel::insert_into(opportunities::table)
                .values(rows)
                .execute(conn)
                .await?;
            let history: Vec<&NewStageChange> = deals.iter().flat_map(|(_, h)| h).collect();
            for chunk in history.chunks(5000) {
                diesel::insert_into(opportunity_history::table)
                    .values(chunk.to_vec())
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
        .await?;
        done += n;
        // The foreign-key checks of the history rows are planned on the deals' statistics.
        // With the deals never analyzed (autovacuum off), the first 100k beside 1M leads
        // took 771 s; with statistics taken after the first batch, all 200k took 31-34 s,
        // as fast as when they were refreshed each time the deals grew fourfold.
        if done == n {
            refresh_statistics(db).await?;
        }
        progress("opportunities", done);
    }
    Ok(())
}

/// ANALYZE after a bulk load, so that plans (and the cached plans of foreign-key checks,
/// which it invalidates) see the tables as they now are. Through the owner's function
/// (migration 000017): ANALYZE by any other role skips the tables with only a warning.
async fn refresh_statistics(db: &Db) -> Result<(), Error> {
    db.platform_tx(async |conn| {
        diesel::sql_query("SELECT refresh_sales_statistics()")
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}

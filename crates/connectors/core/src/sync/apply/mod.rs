//! Applying a page of pulled changes or deletions in one transaction: values read and
//! normalised, references resolved (`read.rs`), records matched and merged (`merge.rs`),
//! created, updated, linked and audited (`write.rs`).

mod merge;
mod read;
mod write;

use super::run::ObjectPlan;
use crate::mapping::edited_locally;
use crate::store::NewSyncError;
use connector_api::{RemoteRecord, Values};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use merge::{find_locals, merge_record, Step};
use models::connectors::{SyncCounts, SyncObject};
use models::{ConnectionId, SyncRunId, TenantId};
use platform::audit::NewAuditEntry;
use platform::db::schema::connector_links;
use platform::db::Conn;
use platform::{Client, Error};
use read::{read_records, resolve_references};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;
use write::{create_records, save_links, update_records, NewLink};

pub(super) use read::remote_owner_key;

/// What a page's records are applied with.
pub(super) struct PageContext<'a> {
    pub(super) tenant: TenantId,
    pub(super) connection: ConnectionId,
    pub(super) source: &'a str,
    pub(super) run: SyncRunId,
    pub(super) job_id: i64,
    pub(super) plan: &'a ObjectPlan,
}

impl PageContext<'_> {
    fn error(&self, external_id: &str, direction: &'static str, message: String) -> NewSyncError {
        NewSyncError {
            tenant_id: self.tenant,
            run_id: self.run,
            object: self.plan.row.object.as_str().into(),
            external_id: external_id.into(),
            direction,
            message,
        }
    }

    fn audit(&self, action: &'static str, id: Uuid, details: Value) -> NewAuditEntry {
        NewAuditEntry::new(self.tenant, None, action, &Client::job(self.job_id))
            .target(self.plan.row.object.as_str(), id)
            .details(details)
    }
}

/// A link as the sync reads it.
#[derive(Queryable, diesel::QueryableByName)]
pub(super) struct LinkRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub(super) external_id: String,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub(super) local_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Jsonb)]
    pub(super) synced: Value,
}

impl PageContext<'_> {
    /// The links of remote ids of `object`. A join on the ids rather than `= ANY($ids)`:
    /// with the array a parameter, PostgreSQL compares every row of a sequential scan with
    /// every id (1 s a page at 30,000 links); the join looks each id up in the primary key.
    async fn links(
        &self,
        conn: &mut Conn,
        object: SyncObject,
        external_ids: &[&str],
    ) -> Result<HashMap<String, LinkRow>, Error> {
        let (tenant, connection) = (self.tenant, self.connection);
        use diesel::sql_types::{Array, Text, Uuid as SqlUuid};
        if external_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<LinkRow> = diesel::sql_query(
            "SELECT l.external_id, l.local_id, l.synced FROM unnest($4::text[]) AS x(id) \
         JOIN connector_links l ON l.tenant_id = $1 AND l.connection_id = $2 \
          AND l.object = $3 AND l.external_id = x.id",
        )
        .bind::<SqlUuid, _>(tenant.0)
        .bind::<SqlUuid, _>(connection.0)
        .bind::<Text, _>(object.as_str())
        .bind::<Array<Text>, _>(external_ids)
        .load(conn)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.external_id.clone(), r))
            .collect())
    }
}

/// What applying a page comes to, gathered step by step.
struct Outcome {
    counts: SyncCounts,
    errors: Vec<NewSyncError>,
    /// The links to write once the records are saved.
    links: Vec<NewLink>,
}

/// Applies a page of changed remote records.
pub(super) async fn apply_changes(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
) -> Result<(SyncCounts, Vec<NewSyncError>), Error> {
    let mut out = Outcome {
        counts: SyncCounts {
            fetched: records.len() as i64,
            ..SyncCounts::default()
        },
        errors: Vec::new(),
        links: Vec::new(),
    };
    let (mut valid, remote_owners) = read_records(page, records, &mut out.errors);
    resolve_references(conn, page, &mut valid).await?;
    let found = find_locals(conn, page, records, &valid).await?;
    let mut creates = Vec::new();
    let mut updates = Vec::new();
    for (i, values) in valid {
        let owners = remote_owners.get(&i).map_or(&[][..], Vec::as_slice);
        match merge_record(page, &records[i], i, values, owners, &found, &mut out) {
            Step::Create(values) => creates.push((i, values)),
            Step::Update(update) => updates.push(update),
            Step::Done => {}
        }
    }
    create_records(conn, page, records, &creates, &remote_owners, &mut out).await?;
    let audit = update_records(conn, page, records, &updates, &found.locals, &mut out).await?;
    out.counts.failed = out.errors.len() as i64;
    save_links(conn, page, &out.links).await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    Ok((out.counts, out.errors))
}

/// Applies a page of remote deletions: a record unchanged here since its last sync is
/// deleted; one edited here is kept as a local record (its link and external id dropped).
pub(super) async fn apply_deletions(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
) -> Result<(SyncCounts, Vec<NewSyncError>), Error> {
    let mut counts = SyncCounts::default();
    let mut errors = Vec::new();
    let ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
    let links = page.links(conn, page.plan.row.object, &ids).await?;
    if links.is_empty() {
        return Ok((counts, errors));
    }
    let local_ids: Vec<Uuid> = links.values().map(|l| l.local_id).collect();
    let locals = page.plan.target.load_records(conn, &local_ids).await?;
    // Edited here since the last sync: kept, as a record of its own.
    let mut kept: Vec<(&LinkRow, &'static str)> = Vec::new();
    let mut candidates = Vec::new();
    for link in links.values() {
        let Some(local) = locals.get(&link.local_id) else {
            continue;
        };
        let synced = link.synced.as_object().cloned().unwrap_or_default();
        if edited_locally(&page.plan.mappings, &synced, &local.values) {
            kept.push((link, "edited here since the last sync"));
        } else {
            candidates.push(link.local_id);
        }
    }
    // The target keeps those with activities or tasks here.
    let busy = page.plan.target.delete(conn, &candidates).await?;
    let mut audit = Vec::new();
    for link in links.values().filter(|l| candidates.contains(&l.local_id)) {
        if busy.contains(&link.local_id) {
            kept.push((link, "it has activities or tasks here"));
            continue;
        }
        counts.deleted += 1;
        let record = locals.get(&link.local_id).map(|l| &l.values);
        audit.push(page.audit(
            "sync.deleted",
            link.local_id,
            json!({"connection": page.connection, "run": page.run,
                   "remote_id": link.external_id, "record": record}),
        ));
    }
    for (link, why) in &kept {
        counts.skipped += 1;
        errors.push(page.error(
            &link.external_id,
            "delete",
            format!("deleted on the remote side but {why}: kept here as a record of its own"),
        ));
        audit.push(page.audit(
            "sync.unlinked",
            link.local_id,
            json!({"connection": page.connection, "run": page.run,
                   "remote_id": link.external_id, "reason": why}),
        ));
    }
    let keep: Vec<Uuid> = kept.iter().map(|(l, _)| l.local_id).collect();
    page.plan.target.unlink(conn, &keep).await?;
    let gone: Vec<&str> = links.keys().map(|k| k.as_str()).collect();
    diesel::delete(
        connector_links::table
            .filter(connector_links::connection_id.eq(page.connection))
            .filter(connector_links::object.eq(page.plan.row.object.as_str()))
            .filter(connector_links::external_id.eq_any(gone)),
    )
    .execute(conn)
    .await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    Ok((counts, errors))
}

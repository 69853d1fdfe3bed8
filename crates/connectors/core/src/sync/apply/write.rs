//! Writing a page: new records created, changed ones updated (audited before → after with
//! any conflict's loser), and the links of everything saved.

use super::merge::Update;
use super::read::RemoteOwner;
use super::{Outcome, PageContext, Values};
use crate::target::{LocalRecord, NewSynced, SyncUpdate};
use chrono::{DateTime, Utc};
use connector_api::RemoteRecord;
use diesel_async::RunQueryDsl;
use platform::audit::NewAuditEntry;
use platform::db::Conn;
use platform::Error;
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// A link to write: the remote record, its local twin, and the values both sides agree on.
pub(super) struct NewLink {
    pub(super) external_id: String,
    pub(super) local_id: Uuid,
    pub(super) modified: DateTime<Utc>,
    pub(super) synced: Values,
    /// A field that flows out differs from the remote value: push it.
    pub(super) pending: bool,
}

/// Creates the records nothing here matched (`creates`: place in the page, values).
pub(super) async fn create_records(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
    creates: &[(usize, Values)],
    remote_owners: &HashMap<usize, Vec<RemoteOwner>>,
    out: &mut Outcome,
) -> Result<(), Error> {
    let news: Vec<NewSynced<'_>> = creates
        .iter()
        .map(|(i, v)| NewSynced {
            external_id: &records[*i].id,
            created_at: records[*i].created,
            values: v,
        })
        .collect();
    let created = page.plan.target.create(conn, page.source, &news).await?;
    for ((i, values), result) in creates.iter().zip(created) {
        let record = &records[*i];
        match result {
            Ok(id) => {
                out.counts.created += 1;
                let mut synced = values.clone();
                for owner in remote_owners.get(i).into_iter().flatten() {
                    synced.insert(owner.synced_key(), Value::String(owner.user.clone()));
                }
                out.links.push(NewLink {
                    external_id: record.id.clone(),
                    local_id: id,
                    modified: record.modified,
                    synced,
                    pending: false,
                });
            }
            Err(reason) => out.errors.push(page.error(&record.id, "pull", reason)),
        }
    }
    Ok(())
}

/// Updates the records that changed; a record the target refuses loses its link, so it is
/// pulled again. Returns the audit entries, before → after with any conflict's loser.
pub(super) async fn update_records(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
    updates: &[Update],
    locals: &HashMap<Uuid, LocalRecord>,
    out: &mut Outcome,
) -> Result<Vec<NewAuditEntry>, Error> {
    let batch: Vec<SyncUpdate<'_>> = updates
        .iter()
        .map(|u| SyncUpdate {
            id: u.id,
            values: u.set.clone(),
            link: u
                .newly_linked
                .then_some((page.source, records[u.index].id.as_str())),
        })
        .collect();
    let updated = page.plan.target.update(conn, &batch).await?;
    let mut audit = Vec::new();
    let mut failed_ids = HashSet::new();
    for (u, result) in updates.iter().zip(updated) {
        let record = &records[u.index];
        match result {
            Ok(()) => {
                out.counts.updated += 1;
                let before = locals.get(&u.id).map(|l| &l.values);
                let changes: serde_json::Map<String, Value> = u
                    .set
                    .iter()
                    .map(|(k, v)| {
                        let old = before
                            .and_then(|b| b.get(k))
                            .cloned()
                            .unwrap_or(Value::Null);
                        (k.clone(), json!({"before": old, "after": v}))
                    })
                    .collect();
                let conflicts: Vec<Value> = u
                    .conflicts
                    .iter()
                    .map(|c| json!({"field": c.field, "kept": c.kept, "lost": c.lost, "winner": c.winner}))
                    .collect();
                audit.push(page.audit(
                    "sync.updated",
                    u.id,
                    json!({
                        "connection": page.connection, "run": page.run, "remote_id": record.id,
                        "changes": changes, "conflicts": conflicts,
                    }),
                ));
            }
            Err(reason) => {
                failed_ids.insert(record.id.clone());
                out.errors.push(page.error(&record.id, "pull", reason));
            }
        }
    }
    out.links.retain(|l| !failed_ids.contains(&l.external_id));
    Ok(audit)
}

/// Upserts the links of synced records: one statement on arrays, which PostgreSQL plans
/// once, rather than a VALUES list of eight parameters a row.
pub(super) async fn save_links(
    conn: &mut Conn,
    page: &PageContext<'_>,
    links: &[NewLink],
) -> Result<(), Error> {
    use diesel::sql_types::{Array, Bool, Jsonb, Text, Timestamptz, Uuid as SqlUuid};
    if links.is_empty() {
        return Ok(());
    }
    let external: Vec<&str> = links.iter().map(|l| l.external_id.as_str()).collect();
    let local: Vec<Uuid> = links.iter().map(|l| l.local_id).collect();
    let modified: Vec<DateTime<Utc>> = links.iter().map(|l| l.modified).collect();
    let synced: Vec<Value> = links
        .iter()
        .map(|l| Value::Object(l.synced.clone()))
        .collect();
    let pending: Vec<bool> = links.iter().map(|l| l.pending).collect();
    diesel::sql_query(
        "INSERT INTO connector_links AS l (tenant_id, connection_id, object, external_id, \
           local_id, remote_modified, synced, push_pending) \
         SELECT $1, $2, $3, x.* FROM unnest($4::text[], $5::uuid[], $6::timestamptz[], \
           $7::jsonb[], $8::bool[]) AS x \
         ON CONFLICT (tenant_id, connection_id, object, external_id) DO UPDATE SET \
           local_id = excluded.local_id, remote_modified = excluded.remote_modified, \
           synced = excluded.synced, synced_at = now(), push_pending = excluded.push_pending",
    )
    .bind::<SqlUuid, _>(page.tenant.0)
    .bind::<SqlUuid, _>(page.connection.0)
    .bind::<Text, _>(page.plan.row.object.as_str())
    .bind::<Array<Text>, _>(&external)
    .bind::<Array<SqlUuid>, _>(&local)
    .bind::<Array<Timestamptz>, _>(&modified)
    .bind::<Array<Jsonb>, _>(&synced)
    .bind::<Array<Bool>, _>(&pending)
    .execute(conn)
    .await?;
    Ok(())
}

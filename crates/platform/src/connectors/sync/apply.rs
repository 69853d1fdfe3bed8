//! Applying a page of pulled changes or deletions in one transaction: values read and
//! normalised, references resolved, records matched, merged, written, linked and audited.

use super::run::ObjectPlan;
use crate::audit::NewAuditEntry;

use crate::connectors::mapping::{edited_locally, merge, to_local, LocalState};
use crate::connectors::remote::{RemoteRecord, Values};
use crate::connectors::store::NewSyncError;
use crate::connectors::target::{NewSynced, SyncUpdate};
use crate::db::schema::connector_links;
use crate::db::Conn;
use crate::error::Error;

use crate::Client;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{LocalFieldKind, SyncCounts, SyncObject};
use models::{ConnectionId, SyncRunId, TenantId};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

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

/// A record's local values, and the remote owner of each owner field.
type Pulled = (Values, Vec<RemoteOwner>);

/// An owner field as pulled. A member's id says less than the remote user id: every owner
/// who is not a member here reads as unassigned, so the link keeps the remote id too (under
/// `<key>@remote`) to tell whether the owner changed there.
struct RemoteOwner {
    key: String,
    /// The remote user id ('' for none).
    user: String,
    /// Whether that user is a member here.
    member: bool,
}

impl RemoteOwner {
    fn synced_key(&self) -> String {
        remote_owner_key(&self.key)
    }
}

/// Where a link keeps the remote user id of an owner field.
pub(super) fn remote_owner_key(key: &str) -> String {
    format!("{key}@remote")
}

/// Reads, checks and normalises a remote record into local values; references to other
/// synced records are resolved by `resolve_references` afterwards.
fn local_values(page: &PageContext<'_>, record: &RemoteRecord) -> Result<Pulled, String> {
    let raw = to_local(&page.plan.mappings, record)?;
    let mut out = Values::new();
    let mut owners = Vec::new();
    for (key, value) in raw {
        let Some(field) = page.plan.fields.iter().find(|f| f.key == key) else {
            return Err(format!("{key} is no longer a field here; fix the mapping"));
        };
        let remote = page
            .plan
            .mappings
            .iter()
            .find(|m| m.local == key)
            .map_or(key.as_str(), |m| m.remote.as_str());
        let value = match &field.kind {
            LocalFieldKind::Reference(_) => match value {
                Value::String(s) if !s.is_empty() => Value::String(s),
                Value::Null => Value::Null,
                Value::String(_) => Value::Null,
                other => return Err(format!("{remote}: {other} is not a record id")),
            },
            // Owned by someone who is not a member here (or by a queue): unassigned here.
            LocalFieldKind::User => {
                let user = match value {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => return Err(format!("{remote}: {other} is not a user id")),
                };
                let member = page.plan.owners.member(&user);
                owners.push(RemoteOwner {
                    key: key.clone(),
                    user,
                    member: member.is_some(),
                });
                member.map_or(Value::Null, |id| Value::String(id.to_string()))
            }
            _ => page
                .plan
                .target
                .normalize(field, value)
                .map_err(|reason| format!("{remote}: {reason}"))?,
        };
        out.insert(key, value);
    }
    Ok((out, owners))
}

/// Replaces remote ids in reference fields by the local ids of their synced twins (`null`
/// when the referenced record is not synced).
async fn resolve_references(
    conn: &mut Conn,
    page: &PageContext<'_>,
    values: &mut [(usize, Values)],
) -> Result<(), Error> {
    for field in &page.plan.fields {
        let LocalFieldKind::Reference(object) = &field.kind else {
            continue;
        };
        let ids: Vec<&str> = values
            .iter()
            .filter_map(|(_, v)| v.get(&field.key).and_then(|x| x.as_str()))
            .collect();
        if ids.is_empty() {
            continue;
        }
        let links = page.links(conn, *object, &ids).await?;
        for (_, v) in values.iter_mut() {
            if let Some(slot) = v.get_mut(&field.key) {
                let local = slot
                    .as_str()
                    .and_then(|id| links.get(id))
                    .map(|l| Value::String(l.local_id.to_string()));
                *slot = local.unwrap_or(Value::Null);
            }
        }
    }
    Ok(())
}

/// Upserts the links of synced records: one statement on arrays, which PostgreSQL plans
/// once, rather than a VALUES list of eight parameters a row.
async fn save_links(
    conn: &mut Conn,
    page: &PageContext<'_>,
    links: &[(String, Uuid, DateTime<Utc>, Values, bool)],
) -> Result<(), Error> {
    use diesel::sql_types::{Array, Bool, Jsonb, Text, Timestamptz, Uuid as SqlUuid};
    if links.is_empty() {
        return Ok(());
    }
    let external: Vec<&str> = links.iter().map(|l| l.0.as_str()).collect();
    let local: Vec<Uuid> = links.iter().map(|l| l.1).collect();
    let modified: Vec<DateTime<Utc>> = links.iter().map(|l| l.2).collect();
    let synced: Vec<Value> = links.iter().map(|l| Value::Object(l.3.clone())).collect();
    let pending: Vec<bool> = links.iter().map(|l| l.4).collect();
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

/// Applies a page of changed remote records.
pub(super) async fn apply_changes(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
) -> Result<(SyncCounts, Vec<NewSyncError>), Error> {
    let mut counts = SyncCounts {
        fetched: records.len() as i64,
        ..SyncCounts::default()
    };
    let mut errors = Vec::new();
    let mut valid: Vec<(usize, Values)> = Vec::new();
    let mut remote_owners: HashMap<usize, Vec<RemoteOwner>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        match local_values(page, r) {
            Ok((v, owners)) => {
                if !owners.is_empty() {
                    remote_owners.insert(i, owners);
                }
                valid.push((i, v));
            }
            Err(reason) => errors.push(page.error(&r.id, "pull", reason)),
        }
    }
    resolve_references(conn, page, &mut valid).await?;

    let ids: Vec<&str> = valid.iter().map(|(i, _)| records[*i].id.as_str()).collect();
    let links = page.links(conn, page.plan.row.object, &ids).await?;

    // Records not linked yet may be ones already here (same e-mail).
    let unlinked: Vec<&(usize, Values)> = valid
        .iter()
        .filter(|(i, _)| !links.contains_key(&records[*i].id))
        .collect();
    let candidates: Vec<&Values> = unlinked.iter().map(|(_, v)| v).collect();
    let existing = page.plan.target.find_existing(conn, &candidates).await?;
    let matched: HashMap<usize, Uuid> = unlinked
        .iter()
        .zip(existing)
        .filter_map(|((i, _), e)| e.map(|id| (*i, id)))
        .collect();

    let mut local_ids: Vec<Uuid> = links.values().map(|l| l.local_id).collect();
    local_ids.extend(matched.values().copied());
    let locals = page.plan.target.load_records(conn, &local_ids).await?;

    let mut creates: Vec<(usize, Values)> = Vec::new();
    let mut updates: Vec<(
        usize,
        Uuid,
        Values,
        bool,
        Vec<crate::connectors::mapping::Conflict>,
    )> = Vec::new();
    let mut new_links: Vec<(String, Uuid, DateTime<Utc>, Values, bool)> = Vec::new();
    for (i, mut values) in valid {
        let record = &records[i];
        let owners = remote_owners.get(&i).map_or(&[][..], Vec::as_slice);
        let link = links.get(&record.id);
        let local_id = link
            .map(|l| l.local_id)
            .or_else(|| matched.get(&i).copied());
        let Some(local_id) = local_id else {
            creates.push((i, values));
            continue;
        };
        let Some(local) = locals.get(&local_id) else {
            // Deleted here after it was synced: not brought back.
            counts.skipped += 1;
            continue;
        };
        if link.is_none() {
            if let Some((source, ext)) = &local.external {
                if source == page.source && ext != &record.id {
                    errors.push(page.error(
                        &record.id,
                        "pull",
                        format!(
                            "the same record here (matched by e-mail) is already synced with {ext}; \
                             merge the duplicates in the remote system"
                        ),
                    ));
                    continue;
                }
            }
        }
        let synced = link.and_then(|l| l.synced.as_object());
        // An owner still the same user there has not changed there, whatever it reads as.
        for owner in owners {
            if let Some(agreed) = synced.filter(|s| {
                s.get(&owner.synced_key()).and_then(Value::as_str) == Some(owner.user.as_str())
            }) {
                let kept = agreed.get(&owner.key).cloned().unwrap_or(Value::Null);
                values.insert(owner.key.clone(), kept);
            }
        }
        let mut merged = merge(
            &page.plan.mappings,
            &values,
            record.modified,
            synced,
            Some(LocalState {
                values: &local.values,
                modified: local.modified,
            }),
        );
        // First met, a record owned there by someone who is not a member here keeps both
        // owners: unassigned here is not "no owner there", so neither side overwrites the
        // other until one of them changes.
        for owner in owners {
            if link.is_none() && !owner.member && !owner.user.is_empty() {
                if let Some(mine) = local.values.get(&owner.key).filter(|v| !v.is_null()) {
                    merged.set.remove(&owner.key);
                    merged.conflicts.retain(|c| c.field != owner.key);
                    merged.synced.insert(owner.key.clone(), mine.clone());
                }
            }
            merged
                .synced
                .insert(owner.synced_key(), Value::String(owner.user.clone()));
        }
        // A field that flows out and now differs from the remote value is to be pushed.
        let pending = page
            .plan
            .mappings
            .iter()
            .filter(|m| m.direction.pushes())
            .any(|m| {
                let now = merged
                    .set
                    .get(&m.local)
                    .or_else(|| local.values.get(&m.local));
                let remote = merged.synced.get(&m.local);
                !crate::connectors::mapping::same_value(
                    now.unwrap_or(&Value::Null),
                    remote.unwrap_or(&Value::Null),
                )
            });
        new_links.push((
            record.id.clone(),
            local_id,
            record.modified,
            merged.synced,
            pending,
        ));
        if merged.set.is_empty() && link.is_some() && merged.conflicts.is_empty() {
            counts.skipped += 1;
            continue;
        }
        updates.push((i, local_id, merged.set, link.is_none(), merged.conflicts));
    }
    // Creates.
    let news: Vec<NewSynced<'_>> = creates
        .iter()
        .map(|(i, v)| NewSynced {
            external_id: &records[*i].id,
            values: v,
        })
        .collect();
    let created = page.plan.target.create(conn, page.source, &news).await?;
    for ((i, values), result) in creates.iter().zip(created) {
        let record = &records[*i];
        match result {
            Ok(id) => {
                counts.created += 1;
                let mut synced = values.clone();
                for owner in remote_owners.get(i).into_iter().flatten() {
                    synced.insert(owner.synced_key(), Value::String(owner.user.clone()));
                }
                new_links.push((record.id.clone(), id, record.modified, synced, false));
            }
            Err(reason) => errors.push(page.error(&record.id, "pull", reason)),
        }
    }

    // Updates, audited before → after with any conflict's loser.
    let batch: Vec<SyncUpdate<'_>> = updates
        .iter()
        .map(|(i, id, set, link, _)| SyncUpdate {
            id: *id,
            values: set.clone(),
            link: link.then_some((page.source, records[*i].id.as_str())),
        })
        .collect();
    let updated = page.plan.target.update(conn, &batch).await?;
    let mut audit = Vec::new();
    let mut failed_ids = std::collections::HashSet::new();
    for ((i, id, set, _, conflicts), result) in updates.iter().zip(updated) {
        let record = &records[*i];
        match result {
            Ok(()) => {
                counts.updated += 1;
                let before = locals.get(id).map(|l| &l.values);
                let changes: serde_json::Map<String, Value> = set
                    .iter()
                    .map(|(k, v)| {
                        let old = before
                            .and_then(|b| b.get(k))
                            .cloned()
                            .unwrap_or(Value::Null);
                        (k.clone(), json!({"before": old, "after": v}))
                    })
                    .collect();
                let conflicts: Vec<Value> = conflicts
                    .iter()
                    .map(|c| json!({"field": c.field, "kept": c.kept, "lost": c.lost, "winner": c.winner}))
                    .collect();
                audit.push(page.audit(
                    "sync.updated",
                    *id,
                    json!({
                        "connection": page.connection, "run": page.run, "remote_id": record.id,
                        "changes": changes, "conflicts": conflicts,
                    }),
                ));
            }
            Err(reason) => {
                failed_ids.insert(record.id.clone());
                errors.push(page.error(&record.id, "pull", reason));
            }
        }
    }
    counts.failed = errors.len() as i64;
    new_links.retain(|(ext, ..)| !failed_ids.contains(ext));
    save_links(conn, page, &new_links).await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    Ok((counts, errors))
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

//! Matching a page's records with local ones (through their links, else as the same record
//! found here) and merging each one's values under the mapping's policies.

use super::read::{RemoteOwner, Valid};
use super::write::NewLink;
use super::{LinkRow, Outcome, PageContext, Values};
use crate::mapping::{merge, same_value, Conflict, LocalState};
use crate::target::LocalRecord;
use connector_api::RemoteRecord;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use std::collections::HashMap;
use uuid::Uuid;

/// The local side of a page: the links of its records, the records matched without a link
/// (same e-mail), and every local record either points at.
pub(super) struct Found {
    links: HashMap<String, LinkRow>,
    /// By place in the page.
    matched: HashMap<usize, Uuid>,
    pub(super) locals: HashMap<Uuid, LocalRecord>,
}

pub(super) async fn find_locals(
    conn: &mut Conn,
    page: &PageContext<'_>,
    records: &[RemoteRecord],
    valid: &[Valid],
) -> Result<Found, Error> {
    let ids: Vec<&str> = valid.iter().map(|(i, _)| records[*i].id.as_str()).collect();
    let links = page.links(conn, page.plan.row.object, &ids).await?;
    // Records not linked yet may be ones already here (same e-mail).
    let unlinked: Vec<&Valid> = valid
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
    Ok(Found {
        links,
        matched,
        locals,
    })
}

/// A local record to update with what a pulled one changed.
pub(super) struct Update {
    /// The pulled record's place in the page.
    pub(super) index: usize,
    pub(super) id: Uuid,
    pub(super) set: Values,
    /// Matched rather than linked: link it now.
    pub(super) newly_linked: bool,
    pub(super) conflicts: Vec<Conflict>,
}

/// What becomes of one pulled record.
pub(super) enum Step {
    /// Nothing here yet: create it from these values.
    Create(Values),
    Update(Update),
    /// Nothing to write (unchanged, deleted here, or refused with an error).
    Done,
}

/// Merges one pulled record with its local twin, if any; its new link (the agreed values)
/// goes into `out`, as do its counts and errors.
pub(super) fn merge_record(
    page: &PageContext<'_>,
    record: &RemoteRecord,
    index: usize,
    mut values: Values,
    owners: &[RemoteOwner],
    found: &Found,
    out: &mut Outcome,
) -> Step {
    let link = found.links.get(&record.id);
    let Some(local_id) = link
        .map(|l| l.local_id)
        .or_else(|| found.matched.get(&index).copied())
    else {
        return Step::Create(values);
    };
    let Some(local) = found.locals.get(&local_id) else {
        // Deleted here after it was synced: not brought back.
        out.counts.skipped += 1;
        return Step::Done;
    };
    if link.is_none() {
        if let Some((source, ext)) = &local.external {
            if source == page.source && ext != &record.id {
                out.errors.push(page.error(
                    &record.id,
                    "pull",
                    format!(
                        "the same record here (matched by e-mail) is already synced with {ext}; \
                         merge the duplicates in the remote system"
                    ),
                ));
                return Step::Done;
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
            !same_value(now.unwrap_or(&Value::Null), remote.unwrap_or(&Value::Null))
        });
    out.links.push(NewLink {
        external_id: record.id.clone(),
        local_id,
        modified: record.modified,
        synced: merged.synced,
        pending,
    });
    if merged.set.is_empty() && link.is_some() && merged.conflicts.is_empty() {
        out.counts.skipped += 1;
        return Step::Done;
    }
    Step::Update(Update {
        index,
        id: local_id,
        set: merged.set,
        newly_linked: link.is_none(),
        conflicts: merged.conflicts,
    })
}

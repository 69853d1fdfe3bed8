//! Reading a page's records: each one's values checked and normalised as the table keeps
//! them, owners matched with members, references to other synced records resolved.

use super::{PageContext, Values};
use crate::mapping::to_local;
use crate::store::NewSyncError;
use connector_api::RemoteRecord;
use models::connectors::LocalFieldKind;
use platform::db::Conn;
use platform::Error;
use serde_json::Value;
use std::collections::HashMap;

/// A pulled record that passed its checks: its place in the page and its local values.
pub(super) type Valid = (usize, Values);

/// Each record's local values (those that passed), and the remote owners of the records
/// with owner fields, by place in the page; a record that fails gets its error.
pub(super) fn read_records(
    page: &PageContext<'_>,
    records: &[RemoteRecord],
    errors: &mut Vec<NewSyncError>,
) -> (Vec<Valid>, HashMap<usize, Vec<RemoteOwner>>) {
    let mut valid = Vec::new();
    let mut remote_owners = HashMap::new();
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
    (valid, remote_owners)
}

/// A record's local values, and the remote owner of each owner field.
type Pulled = (Values, Vec<RemoteOwner>);

/// An owner field as pulled. A member's id says less than the remote user id: every owner
/// who is not a member here reads as unassigned, so the link keeps the remote id too (under
/// `<key>@remote`) to tell whether the owner changed there.
pub(super) struct RemoteOwner {
    pub(super) key: String,
    /// The remote user id ('' for none).
    pub(super) user: String,
    /// Whether that user is a member here.
    pub(super) member: bool,
}

impl RemoteOwner {
    pub(super) fn synced_key(&self) -> String {
        remote_owner_key(&self.key)
    }
}

/// Where a link keeps the remote user id of an owner field.
pub(crate) fn remote_owner_key(key: &str) -> String {
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
pub(super) async fn resolve_references(
    conn: &mut Conn,
    page: &PageContext<'_>,
    values: &mut [Valid],
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

//! From a remote record to local values, and the three-way merge of a sync: the value both
//! sides agreed on at the last sync, the remote value now and the local value now. A field
//! changed on one side takes that side's value; a field changed on both sides differently is
//! a conflict, settled by the field's policy, and the loser is reported for the audit trail.

use chrono::{DateTime, Utc};
use connector_api::{RemoteRecord, Values};
use models::connectors::{FieldMapping, Policy};
use serde_json::Value;

/// The pulled fields of `record` under their local keys, picklist values translated.
/// Errors name the remote field and the value.
pub fn to_local(mappings: &[FieldMapping], record: &RemoteRecord) -> Result<Values, String> {
    let mut out = Values::new();
    for m in mappings.iter().filter(|m| m.direction.pulls()) {
        let raw = record.fields.get(&m.remote).cloned().unwrap_or(Value::Null);
        let value = match (&raw, m.values.is_empty()) {
            (Value::String(s), false) => match m.values.iter().find(|p| &p.remote == s) {
                Some(pair) => Value::String(pair.local.clone()),
                None => {
                    return Err(format!(
                        "{}: \"{s}\" has no matching value here (add it to the mapping)",
                        m.remote
                    ))
                }
            },
            _ => raw,
        };
        out.insert(m.local.clone(), value);
    }
    Ok(out)
}

/// A local value as the remote side takes it (picklist values translated back).
pub fn to_remote(mapping: &FieldMapping, local: &Value) -> Value {
    match local {
        Value::String(s) if !mapping.values.is_empty() => mapping
            .values
            .iter()
            .find(|p| &p.local == s)
            .map(|p| Value::String(p.remote.clone()))
            .unwrap_or_else(|| local.clone()),
        _ => local.clone(),
    }
}

/// A field both sides changed differently since the last sync.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub field: String,
    pub kept: Value,
    pub lost: Value,
    /// `remote` or `local`.
    pub winner: &'static str,
}

/// What a sync does with one pulled record.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// Fields to write locally (all pulled fields for a new record).
    pub set: Values,
    /// The new agreed values: what the remote side holds now.
    pub synced: Values,
    pub conflicts: Vec<Conflict>,
}

/// The local side of a merge: its values now and when it last changed.
pub struct LocalState<'a> {
    pub values: &'a Values,
    pub modified: DateTime<Utc>,
}

fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        _ => false,
    }
}

fn same(a: Option<&Value>, b: Option<&Value>) -> bool {
    (is_empty(a) && is_empty(b)) || a == b
}

/// Equal as synced values: `null`, `""` and `[]` are all empty.
pub fn same_value(a: &Value, b: &Value) -> bool {
    same(Some(a), Some(b))
}

/// Merges one pulled record. `synced` is `None` for a record never synced (new, or an
/// existing local record matched by e-mail); then a value on only one side is taken and
/// differing values are conflicts.
pub fn merge(
    mappings: &[FieldMapping],
    remote: &Values,
    remote_modified: DateTime<Utc>,
    synced: Option<&Values>,
    local: Option<LocalState<'_>>,
) -> Merged {
    let Some(local) = local else {
        return Merged {
            set: remote.clone(),
            synced: remote.clone(),
            conflicts: Vec::new(),
        };
    };
    let mut merged = Merged {
        synced: remote.clone(),
        ..Merged::default()
    };
    for m in mappings.iter().filter(|m| m.direction.pulls()) {
        let key = &m.local;
        let r = remote.get(key);
        let l = local.values.get(key);
        if same(r, l) {
            continue;
        }
        let (remote_changed, local_changed) = match synced {
            Some(s) => (!same(r, s.get(key)), !same(l, s.get(key))),
            // Never synced: an empty side has nothing to lose.
            None => (!is_empty(r), !is_empty(l)),
        };
        let take_remote = match (remote_changed, local_changed) {
            (true, false) => true,
            (false, _) => false,
            (true, true) => match m.policy {
                Policy::RemoteWins => true,
                Policy::LocalWins => false,
                Policy::NewestWins => remote_modified > local.modified,
            },
        };
        if remote_changed && local_changed {
            let (kept, lost) = if take_remote { (r, l) } else { (l, r) };
            merged.conflicts.push(Conflict {
                field: key.clone(),
                kept: kept.cloned().unwrap_or(Value::Null),
                lost: lost.cloned().unwrap_or(Value::Null),
                winner: if take_remote { "remote" } else { "local" },
            });
        }
        if take_remote {
            merged
                .set
                .insert(key.clone(), r.cloned().unwrap_or(Value::Null));
        }
    }
    merged
}

/// True when a local record differs from what was last synced in any pulled field: edited
/// here since (a remote deletion then keeps it).
pub fn edited_locally(mappings: &[FieldMapping], synced: &Values, local: &Values) -> bool {
    mappings
        .iter()
        .filter(|m| m.direction.pulls())
        .any(|m| !same(synced.get(&m.local), local.get(&m.local)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use models::connectors::Direction;
    use serde_json::json;

    fn values(v: Value) -> Values {
        v.as_object().expect("ok").clone()
    }

    fn mappings(policy: Policy) -> Vec<FieldMapping> {
        vec![
            FieldMapping::new("LastName", "last_name", Direction::Pull, policy),
            FieldMapping::new("Title", "title", Direction::Both, policy),
            FieldMapping::new("Status", "status", Direction::Both, policy).with_values(&[
                ("Open - Not Contacted", "new"),
                ("Working - Contacted", "working"),
            ]),
        ]
    }

    fn at(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 1, h, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn remote_values_are_read_under_local_keys_and_translated() {
        let record = RemoteRecord {
            id: "00Q1".into(),
            modified: at(1),
            created: None,
            fields: values(json!({"LastName": "Lovelace", "Status": "Working - Contacted"})),
        };
        let local = to_local(&mappings(Policy::RemoteWins), &record).expect("ok");
        assert_eq!(
            Value::Object(local),
            json!({"last_name": "Lovelace", "title": null, "status": "working"})
        );
        let odd = RemoteRecord {
            fields: values(json!({"LastName": "L", "Status": "Dormant"})),
            ..record
        };
        let err = to_local(&mappings(Policy::RemoteWins), &odd).expect_err("an error");
        assert!(err.contains("Status") && err.contains("Dormant"), "{err}");
        assert_eq!(
            to_remote(&mappings(Policy::RemoteWins)[2], &json!("new")),
            json!("Open - Not Contacted")
        );
    }

    #[test]
    fn a_new_record_takes_every_pulled_field() {
        let remote = values(json!({"last_name": "L", "title": "CTO", "status": "new"}));
        let m = merge(&mappings(Policy::LocalWins), &remote, at(1), None, None);
        assert_eq!(m.set, remote);
        assert_eq!(m.synced, remote);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn one_sided_changes_flow_and_both_sided_ones_follow_the_policy() {
        let synced = values(json!({"last_name": "L", "title": "CTO", "status": "new"}));
        // Remote changed the title; here the status changed.
        let remote = values(json!({"last_name": "L", "title": "CEO", "status": "new"}));
        let local = values(json!({"last_name": "L", "title": "CTO", "status": "working"}));
        let m = merge(
            &mappings(Policy::RemoteWins),
            &remote,
            at(2),
            Some(&synced),
            Some(LocalState {
                values: &local,
                modified: at(1),
            }),
        );
        assert_eq!(Value::Object(m.set), json!({"title": "CEO"}));
        assert!(m.conflicts.is_empty());
        assert_eq!(m.synced, remote);

        // Both changed the title.
        let local = values(json!({"last_name": "L", "title": "VP", "status": "new"}));
        let run = |policy, local_at| {
            merge(
                &mappings(policy),
                &remote,
                at(2),
                Some(&synced),
                Some(LocalState {
                    values: &local,
                    modified: local_at,
                }),
            )
        };
        let m = run(Policy::RemoteWins, at(3));
        assert_eq!(Value::Object(m.set), json!({"title": "CEO"}));
        assert_eq!(
            m.conflicts,
            vec![Conflict {
                field: "title".into(),
                kept: json!("CEO"),
                lost: json!("VP"),
                winner: "remote"
            }]
        );
        let m = run(Policy::LocalWins, at(1));
        assert!(m.set.is_empty());
        assert_eq!(m.conflicts[0].lost, json!("CEO"));
        assert_eq!(m.conflicts[0].winner, "local");
        // Newest: the local edit at 3 beats the remote one at 2, the one at 1 does not.
        assert!(run(Policy::NewestWins, at(3)).set.is_empty());
        assert_eq!(
            Value::Object(run(Policy::NewestWins, at(1)).set),
            json!({"title": "CEO"})
        );
    }

    #[test]
    fn a_matched_record_never_synced_fills_its_gaps_and_settles_differences_by_policy() {
        let remote = values(json!({"last_name": "L", "title": "CEO", "status": "new"}));
        let local = values(json!({"last_name": "L", "title": "", "status": "working"}));
        let m = merge(
            &mappings(Policy::LocalWins),
            &remote,
            at(2),
            None,
            Some(LocalState {
                values: &local,
                modified: at(1),
            }),
        );
        assert_eq!(Value::Object(m.set), json!({"title": "CEO"}));
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].field, "status");
        assert!(edited_locally(
            &mappings(Policy::LocalWins),
            &m.synced,
            &local
        ));
        assert!(!edited_locally(
            &mappings(Policy::LocalWins),
            &remote,
            &remote
        ));
    }
}

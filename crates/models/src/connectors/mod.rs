//! Connectors as they cross the wire: a connection, what it syncs and how (field mappings with
//! a direction and a conflict policy), and its runs.

use crate::sales::str_enum;
use crate::{AppError, ConnectionId, SyncRunId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod choices;
mod page;
mod runs;
pub use choices::{ChoicePlan, RemoteChoice, ValuesPlan};
pub use page::{
    values_text, ConnectionSettingsInput, ConnectionView, ConnectorKind, ConnectorsOverview,
    ObjectForm, ObjectSetup,
};
pub use runs::{SyncCounts, SyncRunError, SyncRunView};

str_enum!(
    ConnectionStatus {
        Setup => "setup", "Not connected yet";
        Connected => "connected", "Connected";
        Error => "error", "Needs reconnecting";
        Disconnected => "disconnected", "Disconnected";
    }
);

str_enum!(
    SyncState {
        Queued => "queued", "Queued";
        Running => "running", "Running";
        Done => "done", "Done";
        /// Stopped before the share of the API allowance a run may use was spent; the next
        /// run resumes where it stopped.
        Paused => "paused", "Paused (API allowance)";
        Failed => "failed", "Failed";
    }
);

impl SyncState {
    pub fn is_active(self) -> bool {
        matches!(self, SyncState::Queued | SyncState::Running)
    }
}

str_enum!(
    SyncTrigger {
        Manual => "manual", "Sync now";
        Schedule => "schedule", "Schedule";
    }
);

str_enum!(
    /// The local objects a connector syncs, in the order a run takes them: accounts before
    /// the contacts and deals that point at them.
    SyncObject {
        Account => "account", "Accounts";
        Contact => "contact", "Contacts";
        Lead => "lead", "Leads";
        Opportunity => "opportunity", "Opportunities";
    }
);

str_enum!(
    /// Which way a mapped field flows.
    Direction {
        Pull => "pull", "From the remote system";
        Push => "push", "To the remote system";
        Both => "both", "Both ways";
    }
);

impl Direction {
    pub fn pulls(self) -> bool {
        matches!(self, Direction::Pull | Direction::Both)
    }
    pub fn pushes(self) -> bool {
        matches!(self, Direction::Push | Direction::Both)
    }
}

str_enum!(
    /// Who wins when a field changed on both sides since the last sync. The loser's value is
    /// kept in the audit trail.
    Policy {
        RemoteWins => "remote_wins", "Remote wins";
        LocalWins => "local_wins", "Sales Hunter wins";
        NewestWins => "newest_wins", "Newest change wins";
    }
);

/// A remote picklist value and the local value it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValuePair {
    pub remote: String,
    pub local: String,
}

/// One remote field onto one local field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMapping {
    /// The remote field's API name (`Email`, `Segment__c`).
    pub remote: String,
    /// A local field key (`email`) or a custom field (`custom.segment`).
    pub local: String,
    pub direction: Direction,
    pub policy: Policy,
    /// Translations of picklist values; empty: values pass as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValuePair>,
}

impl FieldMapping {
    pub fn new(remote: &str, local: &str, direction: Direction, policy: Policy) -> FieldMapping {
        FieldMapping {
            remote: remote.to_string(),
            local: local.to_string(),
            direction,
            policy,
            values: Vec::new(),
        }
    }

    pub fn with_values(mut self, pairs: &[(&str, &str)]) -> FieldMapping {
        self.values = pairs
            .iter()
            .map(|(r, l)| ValuePair {
                remote: r.to_string(),
                local: l.to_string(),
            })
            .collect();
        self
    }
}

/// What a local field holds, so values can be checked and references resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum LocalFieldKind {
    Text,
    Number,
    Date,
    Boolean,
    /// One of fixed values (a lead's status).
    Choice(Vec<String>),
    /// Any of fixed values.
    MultiChoice(Vec<String>),
    /// The id of another synced record of this object, resolved through the links.
    Reference(SyncObject),
    /// A member here (a record's owner), matched with a remote user by e-mail.
    User,
}

/// A field a connector may fill on a local object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalField {
    pub key: String,
    pub label: String,
    pub kind: LocalFieldKind,
    /// A record cannot be created without it.
    pub required: bool,
}

/// Checks a mapping list against the local fields of its object: known local fields, each
/// filled from one remote field at most, references only pulled, every required field
/// pulled. Errors name the field `mappings`.
pub fn validate_mappings(
    object: SyncObject,
    mappings: &[FieldMapping],
    fields: &[LocalField],
) -> Result<(), AppError> {
    let invalid = |msg: String| AppError::validation("mappings", msg);
    let mut seen_local = std::collections::HashSet::new();
    let mut seen_remote = std::collections::HashSet::new();
    for m in mappings {
        if m.remote.is_empty()
            || m.remote.len() > 80
            || !m
                .remote
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(invalid(format!(
                "\"{}\" is not a remote field name (letters, digits, _ and . only).",
                m.remote
            )));
        }
        let Some(field) = fields.iter().find(|f| f.key == m.local) else {
            return Err(invalid(format!(
                "{}: \"{}\" is not a field of {} here.",
                m.remote,
                m.local,
                object.label().to_lowercase()
            )));
        };
        if !seen_local.insert(m.local.as_str()) {
            return Err(invalid(format!(
                "{} is filled by more than one remote field.",
                field.label
            )));
        }
        if !seen_remote.insert(m.remote.as_str()) {
            return Err(invalid(format!("{} is mapped twice.", m.remote)));
        }
        if matches!(field.kind, LocalFieldKind::Reference(_)) && m.direction != Direction::Pull {
            return Err(invalid(format!(
                "{}: links to other records are only pulled.",
                m.remote
            )));
        }
        if let LocalFieldKind::Choice(allowed) = &field.kind {
            if let Some(bad) = m.values.iter().find(|p| !allowed.contains(&p.local)) {
                return Err(invalid(format!(
                    "{}: \"{}\" is not a {} value here.",
                    m.remote, bad.local, field.label
                )));
            }
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !mappings
            .iter()
            .any(|m| m.local == f.key && m.direction.pulls())
        {
            return Err(invalid(format!(
                "{} is required: map a remote field onto it.",
                f.label
            )));
        }
    }
    Ok(())
}

/// A remote field, as the remote system describes it (for the mapping editor).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteField {
    pub name: String,
    pub label: String,
    /// The remote type (`string`, `picklist`, `reference`...).
    pub kind: String,
    pub custom: bool,
    pub updateable: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> Vec<LocalField> {
        vec![
            LocalField {
                key: "last_name".into(),
                label: "Last name".into(),
                kind: LocalFieldKind::Text,
                required: true,
            },
            LocalField {
                key: "status".into(),
                label: "Status".into(),
                kind: LocalFieldKind::Choice(vec!["new".into(), "working".into()]),
                required: false,
            },
            LocalField {
                key: "account".into(),
                label: "Account".into(),
                kind: LocalFieldKind::Reference(SyncObject::Account),
                required: false,
            },
        ]
    }

    #[test]
    fn mappings_are_checked_against_the_local_fields() {
        let ok = vec![
            FieldMapping::new("LastName", "last_name", Direction::Pull, Policy::RemoteWins),
            FieldMapping::new("Status", "status", Direction::Both, Policy::NewestWins)
                .with_values(&[("Open", "new")]),
        ];
        assert!(validate_mappings(SyncObject::Lead, &ok, &fields()).is_ok());

        let err = |m: Vec<FieldMapping>| {
            validate_mappings(SyncObject::Lead, &m, &fields())
                .expect_err("an error")
                .to_string()
        };
        assert!(err(vec![]).contains("Last name is required"));
        let mut twice = ok.clone();
        twice.push(FieldMapping::new(
            "Name",
            "last_name",
            Direction::Pull,
            Policy::RemoteWins,
        ));
        assert!(err(twice).contains("more than one"));
        let mut unknown = ok.clone();
        unknown.push(FieldMapping::new(
            "X",
            "nope",
            Direction::Pull,
            Policy::RemoteWins,
        ));
        assert!(err(unknown).contains("\"nope\" is not a field"));
        let mut bad_value = ok.clone();
        bad_value[1] = bad_value[1].clone().with_values(&[("Open", "open")]);
        assert!(err(bad_value).contains("\"open\" is not a Status value"));
        let mut pushed_ref = ok.clone();
        pushed_ref.push(FieldMapping::new(
            "AccountId",
            "account",
            Direction::Both,
            Policy::RemoteWins,
        ));
        assert!(err(pushed_ref).contains("only pulled"));
        let mut bad_name = ok;
        bad_name.push(FieldMapping::new(
            "a b",
            "status",
            Direction::Pull,
            Policy::RemoteWins,
        ));
        assert!(err(bad_name).contains("not a remote field name"));
    }
}

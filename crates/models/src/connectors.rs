//! Connectors as they cross the wire: a connection, what it syncs and how (field mappings with
//! a direction and a conflict policy), and its runs.

use crate::sales::str_enum;
use crate::{AppError, ConnectionId, SyncRunId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// The settings of a connection, as the connectors page edits them. The client secret is
/// write-only: it is never sent back (`has_client_secret` says whether one is stored).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionSettingsInput {
    /// `login.salesforce.com`, `test.salesforce.com` or a My Domain host.
    pub login_host: String,
    pub client_id: String,
    /// Empty: keep the stored one.
    #[serde(default)]
    pub client_secret: String,
    pub api_version: String,
    /// The share of the org's daily API allowance a run may bring usage up to, 1–100.
    pub api_budget_percent: u8,
    /// 0: only on demand.
    pub sync_every_minutes: i32,
    /// For the JWT bearer flow: the Salesforce user to act as (empty: web-server flow).
    #[serde(default)]
    pub jwt_username: String,
    /// For the JWT bearer flow: the connected app's private key (PEM, PKCS#8). Write-only
    /// like the secret; empty: keep the stored one.
    #[serde(default)]
    pub jwt_private_key: String,
}

/// A connection as the connectors page shows it. Never carries a secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionView {
    pub id: ConnectionId,
    pub kind: String,
    pub display_name: String,
    pub status: ConnectionStatus,
    pub settings: ConnectionSettingsInput,
    pub has_client_secret: bool,
    pub has_jwt_key: bool,
    /// Who is connected on the remote side (a user name and org), once connected.
    pub remote_account: String,
    pub last_sync_at: Option<DateTime<Utc>>,
    pub last_error: String,
    pub api_used: Option<i32>,
    pub api_limit: Option<i32>,
    pub api_checked_at: Option<DateTime<Utc>>,
    pub objects: Vec<ObjectSetup>,
    /// The URL to register as the connected app's callback.
    pub callback_url: String,
    pub active_run: Option<SyncRunView>,
    /// The latest runs, newest first.
    pub recent_runs: Vec<SyncRunView>,
}

/// What a connection syncs for one local object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectSetup {
    pub object: SyncObject,
    pub remote_object: String,
    pub enabled: bool,
    pub mappings: Vec<FieldMapping>,
    /// The local fields that may be mapped (with the tenant's custom fields).
    pub local_fields: Vec<LocalField>,
    pub cursor_at: Option<DateTime<Utc>>,
}

/// Per-object counts of a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCounts {
    pub fetched: i64,
    pub created: i64,
    pub updated: i64,
    pub deleted: i64,
    pub skipped: i64,
    pub failed: i64,
    pub pushed: i64,
}

impl SyncCounts {
    pub fn add(&mut self, other: &SyncCounts) {
        self.fetched += other.fetched;
        self.created += other.created;
        self.updated += other.updated;
        self.deleted += other.deleted;
        self.skipped += other.skipped;
        self.failed += other.failed;
        self.pushed += other.pushed;
    }
}

/// A kind of system that can be connected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectorKind {
    pub kind: String,
    pub display_name: String,
    /// The URL to register as the connected app's callback.
    pub callback_url: String,
}

/// The connectors page: what can be connected and what is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorsOverview {
    pub available: Vec<ConnectorKind>,
    pub connections: Vec<ConnectionView>,
    /// False when the server has no `CONNECTOR_KEY`: nothing can be connected.
    pub enabled: bool,
}

/// An object's sync settings as the mapping editor posts them: one entry per mapping row in
/// each list (a row without a remote or local field is left out); `values[i]` holds
/// `remote=local` pairs, one per line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectForm {
    pub enabled: Option<String>,
    pub remote: Vec<String>,
    pub local: Vec<String>,
    pub direction: Vec<String>,
    pub policy: Vec<String>,
    pub values: Vec<String>,
}

impl ObjectForm {
    pub fn enabled(&self) -> bool {
        self.enabled.as_deref().is_some_and(|e| !e.is_empty())
    }

    /// The form of existing settings (what the editor starts from).
    pub fn of(enabled: bool, mappings: &[FieldMapping]) -> ObjectForm {
        ObjectForm {
            enabled: enabled.then(|| "on".to_string()),
            remote: mappings.iter().map(|m| m.remote.clone()).collect(),
            local: mappings.iter().map(|m| m.local.clone()).collect(),
            direction: mappings
                .iter()
                .map(|m| m.direction.as_str().into())
                .collect(),
            policy: mappings.iter().map(|m| m.policy.as_str().into()).collect(),
            values: mappings.iter().map(|m| values_text(&m.values)).collect(),
        }
    }

    pub fn mappings(&self) -> Result<Vec<FieldMapping>, AppError> {
        mappings_from_form(
            &self.remote,
            &self.local,
            &self.direction,
            &self.policy,
            &self.values,
        )
    }
}

/// Value translations as the editor shows them: `remote=local`, one per line.
pub fn values_text(pairs: &[ValuePair]) -> String {
    pairs
        .iter()
        .map(|p| format!("{}={}", p.remote, p.local))
        .collect::<Vec<_>>()
        .join("\n")
}

fn mappings_from_form(
    remote: &[String],
    local: &[String],
    direction: &[String],
    policy: &[String],
    values: &[String],
) -> Result<Vec<FieldMapping>, AppError> {
    let mut out = Vec::new();
    for (i, r) in remote.iter().enumerate() {
        let l = local.get(i).map(|s| s.trim()).unwrap_or("");
        if r.trim().is_empty() || l.is_empty() {
            continue;
        }
        let d = direction.get(i).map(String::as_str).unwrap_or("pull");
        let direction = Direction::parse(d).ok_or_else(|| {
            AppError::validation("mappings", format!("{r}: \"{d}\" is not a direction."))
        })?;
        let p = policy.get(i).map(String::as_str).unwrap_or("remote_wins");
        let policy = Policy::parse(p).ok_or_else(|| {
            AppError::validation(
                "mappings",
                format!("{r}: \"{p}\" is not a conflict policy."),
            )
        })?;
        let mut pairs = Vec::new();
        for line in values.get(i).map(String::as_str).unwrap_or("").lines() {
            if line.trim().is_empty() {
                continue;
            }
            let (rv, lv) = line.rsplit_once('=').ok_or_else(|| {
                AppError::validation(
                    "mappings",
                    format!("{r}: write value translations as remote=local, one per line."),
                )
            })?;
            pairs.push(ValuePair {
                remote: rv.trim().to_string(),
                local: lv.trim().to_string(),
            });
        }
        out.push(FieldMapping {
            remote: r.trim().to_string(),
            local: l.to_string(),
            direction,
            policy,
            values: pairs,
        });
    }
    Ok(out)
}

/// One run, for the history and the live progress view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncRunView {
    pub id: SyncRunId,
    pub trigger: SyncTrigger,
    pub state: SyncState,
    /// The object being synced while it runs.
    pub object: String,
    pub counts: Vec<(SyncObject, SyncCounts)>,
    pub api_calls: i32,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub error_count: i64,
}

/// A record a run could not sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRunError {
    pub object: String,
    pub external_id: String,
    pub direction: String,
    pub message: String,
    pub at: DateTime<Utc>,
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

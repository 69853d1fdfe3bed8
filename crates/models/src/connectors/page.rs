//! What the connectors page sends and shows: a connection's settings, its view, what can be
//! connected, and the mapping editor's form.

use super::*;

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
    /// Mapped fields the org did not show at the last run (not there, or hidden from the
    /// API user by field-level security): left out until they can be seen.
    #[serde(default)]
    pub unseen_fields: Vec<String>,
    /// Records that failed to sync and are fetched again by every run.
    #[serde(default)]
    pub retrying: i64,
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

pub(super) fn mappings_from_form(
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

//! What a remote system gives and takes: records, cursors, pages, API usage, and its
//! failures sorted by what the sync does about them.

use chrono::{DateTime, Utc};
use models::connectors::RemoteField;

/// A record's mapped values: local field key → JSON value (`null` for empty).
pub type Values = serde_json::Map<String, serde_json::Value>;

/// A remote record as pulled: its id, when it last changed, when it was created there (a
/// record created here from it keeps that time, so the KPIs count it when it happened), and
/// its fields by remote name.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteRecord {
    pub id: String,
    pub modified: DateTime<Utc>,
    pub created: Option<DateTime<Utc>>,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Where an incremental pull resumes: after the record (`at`, `id`) in (modified, id) order.
/// Records sharing a timestamp are ordered by id, so none is skipped at a page boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cursor {
    pub at: Option<DateTime<Utc>>,
    pub id: String,
}

impl Cursor {
    /// The position after `record`.
    pub fn after(record: &RemoteRecord) -> Cursor {
        Cursor {
            at: Some(record.modified),
            id: record.id.clone(),
        }
    }
}

/// One page of a pull, and how to ask for the next (`None`: this query is done).
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub records: Vec<RemoteRecord>,
    pub next: Option<String>,
}

/// A record to write to the remote side: its remote id and the fields to set.
#[derive(Debug, Clone, PartialEq)]
pub struct PushRecord {
    pub id: String,
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// A user of the remote system, so records' owners can be matched with members here by
/// e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteUser {
    pub id: String,
    pub email: String,
    pub active: bool,
}

/// What the remote side said about one pushed record.
#[derive(Debug, Clone, PartialEq)]
pub enum PushOutcome {
    Saved,
    Rejected(String),
}

/// The API allowance as the remote system last reported it, and this session's calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApiUsage {
    pub calls: i32,
    pub used: Option<i32>,
    pub limit: Option<i32>,
}

impl ApiUsage {
    /// True when the org's usage has reached `percent` of its allowance.
    pub fn exhausted(&self, percent: u8) -> bool {
        match (self.used, self.limit) {
            (Some(used), Some(limit)) if limit > 0 => {
                i64::from(used) * 100 >= i64::from(limit) * i64::from(percent)
            }
            _ => false,
        }
    }
}

/// Why a remote call failed, by what the sync does next.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RemoteError {
    /// The credentials are refused even after a refresh: the connection needs reconnecting.
    #[error("not authorised: {0}")]
    Auth(String),
    /// The remote side stayed busy or away through the retries (rate limits, 5xx,
    /// timeouts): the run fails and the job retries later; nothing is lost.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The remote side refused the request itself (an unknown field in the mapping...).
    #[error("refused: {0}")]
    Refused(String),
    /// An answer that does not read as the protocol says: names the object and record.
    #[error("malformed answer: {0}")]
    Malformed(String),
}

/// A remote field list, for the mapping editor.
pub type Describe = Vec<RemoteField>;

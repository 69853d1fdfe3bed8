//! A sync run as the page shows it: its counts per object, its state, the records it could
//! not sync.

use super::*;

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

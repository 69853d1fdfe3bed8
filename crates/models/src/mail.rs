//! Mail as the dev mailbox shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailSummary {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// queued, sent, logged or failed.
    pub state: String,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

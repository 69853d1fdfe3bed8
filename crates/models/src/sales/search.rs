//! Global search across leads, contacts, accounts and opportunities.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    Lead,
    Contact,
    Account,
    Opportunity,
}

impl HitKind {
    pub fn label(self) -> &'static str {
        match self {
            HitKind::Lead => "Lead",
            HitKind::Contact => "Contact",
            HitKind::Account => "Account",
            HitKind::Opportunity => "Opportunity",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub kind: HitKind,
    pub title: String,
    pub detail: String,
    /// Where the hit opens.
    pub href: String,
}

/// Searches shorter than this match too much to be useful (and defeat the trigram index).
pub const MIN_SEARCH: usize = 2;

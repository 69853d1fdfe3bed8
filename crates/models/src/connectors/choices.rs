//! The values of a remote picklist with what they mean, and what taking them over does:
//! an org's opportunity stages (probability, forecast category, closed and won flags) become
//! pipeline stages here, its lead statuses get translations to the statuses here.

use serde::{Deserialize, Serialize};

/// One value of a remote picklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteChoice {
    /// As records hold it (Salesforce: the API name).
    pub value: String,
    pub label: String,
    /// Percent, for a stage.
    pub probability: Option<i16>,
    /// The remote forecast category's name, for a stage (`Pipeline`, `Best Case`, `Commit`,
    /// `Closed`, `Omitted`).
    pub forecast_category: String,
    pub closed: bool,
    pub won: bool,
    /// A lead status that means converted.
    pub converted: bool,
    /// The value new records take.
    pub default: bool,
}

/// One remote value and where it lands here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChoicePlan {
    pub remote: String,
    /// The local value (a stage's name, a lead status).
    pub local: String,
    /// A stage that is not here yet (created by taking the stages over).
    pub create: bool,
}

/// What taking an org's stages and lead statuses over does, or did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValuesPlan {
    pub stages: Vec<ChoicePlan>,
    pub statuses: Vec<ChoicePlan>,
    /// Done, not only planned.
    pub applied: bool,
}

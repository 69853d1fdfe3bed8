//! A tenant's sales settings: the reporting currency, the quarterly quota, the stages and
//! the custom fields.

use super::custom_field::CustomField;
use super::stage::StageUse;
use serde::{Deserialize, Serialize};

/// The currencies a tenant may report in (amounts in cents or the like: two decimals).
pub const CURRENCIES: [&str; 12] = [
    "USD", "EUR", "GBP", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "SGD", "ZAR",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesSettings {
    pub currency: String,
    /// The team's quota per quarter, in minor units; pipeline coverage is measured against it.
    pub quarterly_quota_minor: i64,
    /// Board order: open stages, then the won and the lost stage.
    pub stages: Vec<StageUse>,
    /// Every object's custom fields, by object and then form order.
    pub custom_fields: Vec<CustomField>,
}

//! Accounts: the companies a tenant sells to, as the accounts pages show them.

use super::activity::{Activity, Task};
use super::contact::ContactRow;
use super::custom_field::CustomField;
use crate::{AccountId, OpportunityId, UserId};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An account as the table shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRow {
    pub id: AccountId,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub country: String,
    pub employee_count: Option<i32>,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    /// Its contacts.
    pub contacts: i64,
    /// Its open deals.
    pub open_deals: i64,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: AccountId,
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: Option<i32>,
    pub annual_revenue_minor: Option<i64>,
    pub country: String,
    pub region: String,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub custom: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An account as typed into the form: every field as text, so a wrong number is a
/// validation error naming its field. Custom fields by key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountInput {
    pub name: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: String,
    /// In the tenant's currency, whole or with cents (`1,250,000` or `1250000.50`).
    pub annual_revenue: String,
    pub country: String,
    pub region: String,
    /// A user id, or empty for "unassigned" (on create: the creator).
    pub owner_id: String,
    pub custom: BTreeMap<String, String>,
}

impl From<&Account> for AccountInput {
    fn from(a: &Account) -> Self {
        AccountInput {
            name: a.name.clone(),
            domain: a.domain.clone(),
            industry: a.industry.clone(),
            employee_count: a.employee_count.map(|n| n.to_string()).unwrap_or_default(),
            annual_revenue: a
                .annual_revenue_minor
                .map(|m| {
                    if m % 100 == 0 {
                        (m / 100).to_string()
                    } else {
                        format!("{}.{:02}", m / 100, (m % 100).abs())
                    }
                })
                .unwrap_or_default(),
            country: a.country.clone(),
            region: a.region.clone(),
            owner_id: a.owner_id.map(|u| u.to_string()).unwrap_or_default(),
            custom: super::custom_field::values_as_text(&a.custom),
        }
    }
}

/// A deal as an account or contact page lists it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealLine {
    pub id: OpportunityId,
    pub name: String,
    pub stage_name: String,
    pub amount_minor: i64,
    pub currency: String,
    pub close_date: NaiveDate,
    /// Open, won or lost (its stage's kind).
    pub state: super::stage::StageKind,
}

/// Everything the account page shows. Its timeline holds what was logged about the account,
/// its contacts and its deals.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountDetail {
    pub account: Account,
    /// The tenant's currency, which the annual revenue is in.
    pub currency: String,
    pub contacts: Vec<ContactRow>,
    /// How many contacts it has (the page lists the first `contacts.len()`).
    pub contact_count: i64,
    pub deals: Vec<DealLine>,
    pub activities: Vec<Activity>,
    pub tasks: Vec<Task>,
    pub custom_fields: Vec<CustomField>,
}

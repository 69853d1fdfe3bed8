//! Contacts: people at accounts, as the contacts pages show them.

use super::account::DealLine;
use super::activity::{Activity, Task};
use super::custom_field::CustomField;
use crate::{AccountId, ContactId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A contact as the table (and its account's page) shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactRow {
    pub id: ContactId,
    pub full_name: String,
    pub title: String,
    pub email: String,
    pub phone: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub seniority: String,
    pub email: String,
    pub phone: String,
    pub linkedin_url: String,
    pub account_id: Option<AccountId>,
    pub account_name: Option<String>,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub custom: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Contact {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A contact as typed into the form. The account is named (the name of one of the tenant's
/// accounts, matched without regard to case), so the form works without JavaScript.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactInput {
    pub first_name: String,
    pub last_name: String,
    pub title: String,
    pub seniority: String,
    pub email: String,
    pub phone: String,
    pub linkedin_url: String,
    /// An account's name; empty for none.
    pub account: String,
    /// A user id, or empty for "unassigned" (on create: the creator).
    pub owner_id: String,
    pub custom: BTreeMap<String, String>,
}

impl From<&Contact> for ContactInput {
    fn from(c: &Contact) -> Self {
        ContactInput {
            first_name: c.first_name.clone(),
            last_name: c.last_name.clone(),
            title: c.title.clone(),
            seniority: c.seniority.clone(),
            email: c.email.clone(),
            phone: c.phone.clone(),
            linkedin_url: c.linkedin_url.clone(),
            account: c.account_name.clone().unwrap_or_default(),
            owner_id: c.owner_id.map(|u| u.to_string()).unwrap_or_default(),
            custom: super::custom_field::values_as_text(&c.custom),
        }
    }
}

/// Everything the contact page shows.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContactDetail {
    pub contact: Contact,
    pub deals: Vec<DealLine>,
    pub activities: Vec<Activity>,
    pub tasks: Vec<Task>,
    pub custom_fields: Vec<CustomField>,
}

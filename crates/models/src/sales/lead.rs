//! Leads: people and their companies, before they are qualified into contacts and deals.

use super::str_enum;
use crate::{AccountId, ContactId, LeadId, OpportunityId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

str_enum!(
    LeadStatus {
        New => "new", "New";
        Working => "working", "Working";
        Nurture => "nurture", "Nurture";
        Qualified => "qualified", "Qualified";
        Disqualified => "disqualified", "Disqualified";
        Converted => "converted", "Converted";
    }
);

/// One line of a score's explanation: what was seen and what it was worth.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreReason {
    pub label: String,
    pub points: i16,
    /// `fit` (who they are against the profile) or `engagement` (what they did); empty in
    /// scores written before the Prospector.
    #[serde(default)]
    pub group: String,
}

/// A lead as the table shows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadRow {
    pub id: LeadId,
    pub full_name: String,
    pub email: String,
    pub title: String,
    pub company: String,
    pub source: String,
    pub status: LeadStatus,
    pub score: i16,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub custom: serde_json::Value,
}

/// One page of the leads table. `next`/`prev` are keyset cursors for `after`/`before`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadPage {
    pub rows: Vec<LeadRow>,
    pub next: Option<String>,
    pub prev: Option<String>,
    /// How many leads match, counted up to `count_cap` (more shows as "10,000+").
    pub matching: i64,
    /// `COUNT_CAP`, or `SEARCH_COUNT_CAP` for a search.
    pub count_cap: i64,
}

impl LeadPage {
    pub const COUNT_CAP: i64 = 10_000;
    pub const SEARCH_COUNT_CAP: i64 = 1_000;
}

/// Everything about one lead.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lead {
    pub id: LeadId,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    pub company: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: Option<i32>,
    pub country: String,
    pub source: String,
    pub status: LeadStatus,
    pub score: i16,
    /// A to D under the tenant's profile; empty before the first scoring.
    pub grade: String,
    pub score_breakdown: Vec<ScoreReason>,
    pub owner_id: Option<UserId>,
    pub owner_name: Option<String>,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub converted_at: Option<DateTime<Utc>>,
    pub converted_account_id: Option<AccountId>,
    pub converted_contact_id: Option<ContactId>,
    pub converted_opportunity_id: Option<OpportunityId>,
    pub custom: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Lead {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
            .trim()
            .to_string()
    }
}

/// A lead as typed into the form: every field as text, so a wrong number is a validation
/// error naming its field rather than a decoding failure. Custom fields by key.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LeadInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub title: String,
    pub company: String,
    pub domain: String,
    pub industry: String,
    pub employee_count: String,
    pub country: String,
    pub source: String,
    pub status: String,
    /// A user id, or empty for "unassigned" (on create: the creator).
    pub owner_id: String,
    pub custom: BTreeMap<String, String>,
}

impl From<&Lead> for LeadInput {
    fn from(l: &Lead) -> Self {
        LeadInput {
            first_name: l.first_name.clone(),
            last_name: l.last_name.clone(),
            email: l.email.clone(),
            phone: l.phone.clone(),
            title: l.title.clone(),
            company: l.company.clone(),
            domain: l.domain.clone(),
            industry: l.industry.clone(),
            employee_count: l.employee_count.map(|n| n.to_string()).unwrap_or_default(),
            country: l.country.clone(),
            source: l.source.clone(),
            status: l.status.as_str().to_string(),
            owner_id: l.owner_id.map(|u| u.to_string()).unwrap_or_default(),
            custom: super::custom_field::values_as_text(&l.custom),
        }
    }
}

/// What a bulk action does to the selected leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BulkLeadAction {
    AssignOwner { owner_id: Option<UserId> },
    ChangeStatus { status: LeadStatus },
    Delete,
}

/// Converting a lead: the account is matched by domain when one exists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConvertLeadInput {
    /// Also open an opportunity.
    pub create_opportunity: bool,
    pub opportunity_name: String,
    pub amount: String,
    /// `YYYY-MM-DD`.
    pub close_date: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub account_id: AccountId,
    /// True when an existing account was matched by domain.
    pub account_matched: bool,
    pub contact_id: ContactId,
    pub opportunity_id: Option<OpportunityId>,
}

/// A possible duplicate, found before saving.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateLead {
    pub id: LeadId,
    pub full_name: String,
    pub email: String,
}

/// Everything the lead page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadDetail {
    pub lead: Lead,
    pub activities: Vec<super::activity::Activity>,
    pub tasks: Vec<super::activity::Task>,
    pub custom_fields: Vec<super::custom_field::CustomField>,
}

/// A named view of the leads table (its query string), the user's own or shared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: crate::SavedViewId,
    pub owner_id: UserId,
    pub name: String,
    pub query: String,
    pub shared: bool,
}

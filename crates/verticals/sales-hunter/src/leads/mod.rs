//! Leads: the table (keyset pages over any sortable column), create, edit, delete, bulk
//! actions, the detail, and conversion into an account, a contact and a deal.

mod convert;
mod export;
pub mod import;
mod list;
mod probe;
mod write;

pub use convert::convert_lead;
pub use export::{export_fields, export_header, export_page};
pub use list::{lead_filter, list_leads, LeadFilter};
pub use write::{
    bulk_update_leads, clean_lead, create_lead, delete_lead, find_duplicate_lead, get_lead,
    update_lead, LeadChanges, NewLead,
};

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::lead::{Lead, LeadStatus, ScoreReason};
use models::{AccountId, AppError, ContactId, LeadId, OpportunityId, UserId};
use platform::db::schema::leads;
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;

/// A whole lead row.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = leads, check_for_backend(diesel::pg::Pg))]
pub struct LeadRecord {
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
    pub score_breakdown: serde_json::Value,
    pub owner_id: Option<UserId>,
    pub first_activity_at: Option<DateTime<Utc>>,
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

impl LeadRecord {
    pub fn into_lead(self, names: &HashMap<UserId, String>) -> Lead {
        let score_breakdown: Vec<ScoreReason> =
            serde_json::from_value(self.score_breakdown).unwrap_or_default();
        Lead {
            owner_name: self.owner_id.and_then(|o| names.get(&o).cloned()),
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            phone: self.phone,
            title: self.title,
            company: self.company,
            domain: self.domain,
            industry: self.industry,
            employee_count: self.employee_count,
            country: self.country,
            source: self.source,
            status: self.status,
            score: self.score,
            grade: String::new(),
            score_breakdown,
            owner_id: self.owner_id,
            last_activity_at: self.last_activity_at,
            converted_at: self.converted_at,
            converted_account_id: self.converted_account_id,
            converted_contact_id: self.converted_contact_id,
            converted_opportunity_id: self.converted_opportunity_id,
            custom: self.custom,
            external_source: self.external_source,
            external_id: self.external_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// Loads one lead, locked for update when `lock`; not found when another tenant's.
pub(crate) async fn load_lead(
    conn: &mut Conn,
    id: LeadId,
    lock: bool,
) -> Result<LeadRecord, Error> {
    let query = leads::table
        .filter(leads::id.eq(id))
        .select(LeadRecord::as_select());
    let row = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    Ok(row.ok_or_else(|| AppError::not_found("That lead"))?)
}

/// Records an activity on the lead: `last_activity_at` moves forward (never back) and the
/// score picks up the engagement.
pub(crate) async fn touch_lead(
    conn: &mut Conn,
    id: LeadId,
    at: DateTime<Utc>,
) -> Result<(), Error> {
    let row = load_lead(conn, id, true).await?;
    let last = row.last_activity_at.map_or(at, |l| l.max(at));
    let first = row.first_activity_at.map_or(at, |f| f.min(at));
    diesel::update(leads::table.filter(leads::id.eq(id)))
        .set((
            leads::first_activity_at.eq(first),
            leads::last_activity_at.eq(last),
        ))
        .execute(conn)
        .await?;
    crate::prospector::rescore_leads(conn, &[id.0]).await?;
    Ok(())
}

/// The lead with its timeline, tasks and the tenant's custom lead fields.
pub async fn get_lead_detail(
    db: &platform::Db,
    ctx: &platform::RequestContext,
    id: LeadId,
) -> Result<models::sales::lead::LeadDetail, Error> {
    use models::sales::activity::Subject;
    use models::sales::custom_field::CustomObject;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_lead(conn, id, false).await?;
        let names = platform::members::member_names(conn).await?;
        let mut lead = row.into_lead(&names);
        let profile = crate::prospector::load_config(conn).await?;
        lead.grade = models::agents::icp::grade_of(lead.score, &profile.scoring).to_string();
        Ok(models::sales::lead::LeadDetail {
            lead,
            activities: crate::activities::timeline(conn, Subject::Lead(id)).await?,
            tasks: crate::activities::tasks_about(conn, Subject::Lead(id)).await?,
            custom_fields: crate::custom_fields::definitions(conn, CustomObject::Lead).await?,
        })
    })
    .await
}

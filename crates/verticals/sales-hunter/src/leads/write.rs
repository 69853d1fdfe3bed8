//! Creating, editing and deleting leads, one at a time or in bulk. Every change writes its
//! audit entry (the fields' before → after) in the same transaction.

use super::{load_lead, LeadRecord};
use crate::access::{ensure_can_assign, ensure_can_edit, ensure_owner_is_member};
use crate::actions;
use crate::custom_fields::definitions;
use crate::fields;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::WorkflowEvent;
use models::agents::run::{RunSubject, SubjectKind};
use models::sales::custom_field::{validate_values, CustomObject};
use models::sales::lead::{BulkLeadAction, DuplicateLead, Lead, LeadInput, LeadStatus};
use models::{AppError, LeadId, Role, TenantId, UserId};
use platform::audit::{changes, snapshot, NewAuditEntry};
use platform::db::schema::leads;
use platform::db::{Conn, Db};
use platform::error::is_unique_violation;
use platform::members::member_names;
use platform::{Error, RequestContext};
use uuid::Uuid;

/// At most this many leads in one bulk action.
pub const MAX_BULK: usize = 500;

#[derive(Insertable, AsChangeset, Clone, Debug, PartialEq, serde::Serialize)]
#[diesel(table_name = leads, check_for_backend(diesel::pg::Pg))]
#[diesel(treat_none_as_null = true)]
pub struct LeadChanges {
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
    pub owner_id: Option<UserId>,
    pub custom: serde_json::Value,
}

impl From<&Lead> for LeadChanges {
    fn from(l: &Lead) -> Self {
        LeadChanges {
            first_name: l.first_name.clone(),
            last_name: l.last_name.clone(),
            email: l.email.clone(),
            phone: l.phone.clone(),
            title: l.title.clone(),
            company: l.company.clone(),
            domain: l.domain.clone(),
            industry: l.industry.clone(),
            employee_count: l.employee_count,
            country: l.country.clone(),
            source: l.source.clone(),
            status: l.status,
            owner_id: l.owner_id,
            custom: l.custom.clone(),
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = leads, check_for_backend(diesel::pg::Pg))]
pub struct NewLead {
    pub tenant_id: TenantId,
    pub id: LeadId,
    #[diesel(embed)]
    pub fields: LeadChanges,
    /// Written by the Prospector (`prospector::rescore_leads`) once the lead is in; the
    /// seeds score as they insert.
    pub score: i16,
    pub score_breakdown: serde_json::Value,
    pub external_source: Option<String>,
    pub external_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub converted_at: Option<DateTime<Utc>>,
}

/// Validates a typed lead. `owner` is the already-resolved owner.
pub fn clean_lead(
    input: &LeadInput,
    custom: serde_json::Value,
    owner: Option<UserId>,
) -> Result<LeadChanges, AppError> {
    let email = fields::optional_email("email", &input.email)?;
    let company = fields::text("company", &input.company, 200)?;
    let mut domain = fields::domain("domain", &input.domain)?;
    if domain.is_empty() {
        domain = fields::company_domain_of_email(&email).unwrap_or_default();
    }
    let title = fields::text("title", &input.title, 200)?;
    let phone = fields::text("phone", &input.phone, 50)?;
    let employee_count = fields::count("employee_count", &input.employee_count, 10_000_000)?;
    let source = fields::text("source", &input.source, 60)?;
    let status = if input.status.trim().is_empty() {
        LeadStatus::New
    } else {
        LeadStatus::parse(input.status.trim())
            .ok_or_else(|| AppError::validation("status", "is not a lead status"))?
    };
    Ok(LeadChanges {
        first_name: fields::text("first_name", &input.first_name, 100)?,
        last_name: fields::required("last_name", &input.last_name, 100)?,
        email,
        phone,
        title,
        company,
        domain,
        industry: fields::text("industry", &input.industry, 100)?,
        employee_count,
        country: fields::text("country", &input.country, 100)?,
        source,
        status,
        owner_id: owner,
        custom,
    })
}

async fn duplicate_of(
    conn: &mut Conn,
    email: &str,
    except: Option<LeadId>,
) -> Result<Option<DuplicateLead>, Error> {
    if email.is_empty() {
        return Ok(None);
    }
    let mut q = leads::table
        .filter(leads::email.eq(email))
        .select((leads::id, leads::full_name, leads::email))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(leads::id.ne(id));
    }
    let hit: Option<(LeadId, String, String)> = q.first(conn).await.optional()?;
    Ok(hit.map(|(id, full_name, email)| DuplicateLead {
        id,
        full_name,
        email,
    }))
}

fn duplicate_error(d: &DuplicateLead) -> AppError {
    AppError::validation(
        "email",
        format!(
            "is already used by the lead {} — open it instead of adding a second one",
            d.full_name
        ),
    )
}

/// Maps the unique e-mail index to the same message as the check before it (two people
/// saving the same address at once).
fn email_conflict(e: diesel::result::Error) -> Error {
    if is_unique_violation(&e, "leads_email_key") {
        AppError::validation("email", "is already used by another lead").into()
    } else {
        e.into()
    }
}

/// The lead that already has this e-mail, if any: the form asks before saving.
pub async fn find_duplicate_lead(
    db: &Db,
    ctx: &RequestContext,
    email: &str,
    except: Option<LeadId>,
) -> Result<Option<DuplicateLead>, Error> {
    let Ok(email) = fields::optional_email("email", email) else {
        return Ok(None);
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        duplicate_of(conn, &email, except).await
    })
    .await
}

pub async fn get_lead(db: &Db, ctx: &RequestContext, id: LeadId) -> Result<Lead, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_lead(conn, id, false).await?;
        let names = member_names(conn).await?;
        Ok(row.into_lead(&names))
    })
    .await
}

/// Adds a lead. A rep's leads are their own; managers and above may assign anyone.
pub async fn create_lead(db: &Db, ctx: &RequestContext, input: &LeadInput) -> Result<Lead, Error> {
    let owner = match fields::user("owner_id", &input.owner_id)? {
        Some(o) => Some(o),
        None => Some(ctx.user_id),
    };
    ensure_can_assign(ctx, owner)?;
    if LeadStatus::parse(input.status.trim()) == Some(LeadStatus::Converted) {
        return Err(
            AppError::validation("status", "a lead becomes converted by converting it").into(),
        );
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let defs = definitions(conn, CustomObject::Lead).await?;
        let custom = validate_values(&defs, &input.custom)?;
        let fields = clean_lead(input, custom, owner)?;
        ensure_owner_is_member(conn, owner).await?;
        if let Some(d) = duplicate_of(conn, &fields.email, None).await? {
            return Err(duplicate_error(&d).into());
        }
        let id = LeadId(Uuid::new_v4());
        diesel::insert_into(leads::table)
            .values(NewLead {
                tenant_id: ctx.tenant_id,
                id,
                fields,
                score: 0,
                score_breakdown: serde_json::json!([]),
                external_source: None,
                external_id: None,
                created_at: Utc::now(),
                converted_at: None,
            })
            .execute(conn)
            .await
            .map_err(email_conflict)?;
        crate::prospector::rescore_leads(conn, &[id.0]).await?;
        agents::automation::fire_workflow(
            conn,
            ctx.tenant_id,
            WorkflowEvent::LeadCreated,
            RunSubject {
                kind: SubjectKind::Lead,
                id: Some(id.0),
            },
        )
        .await?;
        let lead = load_lead(conn, id, false)
            .await?
            .into_lead(&member_names(conn).await?);
        NewAuditEntry::by(ctx, actions::LEAD_CREATED)
            .target("lead", id)
            .details(snapshot(&lead))
            .record(conn)
            .await?;
        Ok(lead)
    })
    .await
}

/// Edits a lead: reps their own, managers and above any.
pub async fn update_lead(
    db: &Db,
    ctx: &RequestContext,
    id: LeadId,
    input: &LeadInput,
) -> Result<Lead, Error> {
    let owner = fields::user("owner_id", &input.owner_id)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let before_row = load_lead(conn, id, true).await?;
        ensure_can_edit(ctx, before_row.owner_id, "leads")?;
        if owner != before_row.owner_id {
            ensure_can_assign(ctx, owner)?;
            ensure_owner_is_member(conn, owner).await?;
        }
        let new_status = LeadStatus::parse(input.status.trim());
        if new_status == Some(LeadStatus::Converted) && before_row.status != LeadStatus::Converted {
            return Err(AppError::validation(
                "status",
                "a lead becomes converted by converting it",
            )
            .into());
        }
        let defs = definitions(conn, CustomObject::Lead).await?;
        let custom = validate_values(&defs, &input.custom)?;
        let fields = clean_lead(input, custom, owner)?;
        if let Some(d) = duplicate_of(conn, &fields.email, Some(id)).await? {
            return Err(duplicate_error(&d).into());
        }
        let names = member_names(conn).await?;
        let before = before_row.into_lead(&names);
        diesel::update(leads::table.filter(leads::id.eq(id)))
            .set((&fields, leads::updated_at.eq(Utc::now())))
            .execute(conn)
            .await
            .map_err(email_conflict)?;
        crate::prospector::rescore_leads(conn, &[id.0]).await?;
        let after = load_lead(conn, id, false).await?.into_lead(&names);
        let diff = changes(&before, &after, &["updated_at", "score_breakdown"]);
        if diff.as_object().is_some_and(|m| !m.is_empty()) {
            NewAuditEntry::by(ctx, actions::LEAD_UPDATED)
                .target("lead", id)
                .details(diff)
                .record(conn)
                .await?;
        }
        Ok(after)
    })
    .await
}

pub async fn delete_lead(db: &Db, ctx: &RequestContext, id: LeadId) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_lead(conn, id, true).await?;
        ensure_can_edit(ctx, row.owner_id, "leads")?;
        let lead = row.into_lead(&member_names(conn).await?);
        diesel::delete(leads::table.filter(leads::id.eq(id)))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::LEAD_DELETED)
            .target("lead", id)
            .details(snapshot(&lead))
            .record(conn)
            .await?;
        Ok(())
    })
    .await
}

/// Applies one action to many leads, all or nothing: if any lead may not be changed by
/// this user, none is. Returns how many changed.
pub async fn bulk_update_leads(
    db: &Db,
    ctx: &RequestContext,
    ids: &[LeadId],
    action: &BulkLeadAction,
) -> Result<usize, Error> {
    if ids.is_empty() {
        return Err(AppError::validation("ids", "select at least one lead").into());
    }
    if ids.len() > MAX_BULK {
        return Err(
            AppError::validation("ids", format!("at most {MAX_BULK} leads at a time")).into(),
        );
    }
    match action {
        BulkLeadAction::AssignOwner { owner_id } => ensure_can_assign(ctx, *owner_id)?,
        BulkLeadAction::ChangeStatus {
            status: LeadStatus::Converted,
        } => {
            return Err(
                AppError::validation("status", "a lead becomes converted by converting it").into(),
            )
        }
        _ => {}
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<LeadRecord> = leads::table
            .filter(leads::id.eq_any(ids))
            .select(LeadRecord::as_select())
            .for_update()
            .load(conn)
            .await?;
        if !ctx.role.at_least(Role::Manager) && rows.iter().any(|r| r.owner_id != Some(ctx.user_id)) {
            return Err(AppError::forbidden(
                "Reps can change only their own leads; the selection includes someone else's.",
            )
            .into());
        }
        let found: Vec<LeadId> = rows.iter().map(|r| r.id).collect();
        let target = leads::table.filter(leads::id.eq_any(&found));
        let now = Utc::now();
        let mut entries = Vec::with_capacity(rows.len());
        match action {
            BulkLeadAction::AssignOwner { owner_id } => {
                ensure_owner_is_member(conn, *owner_id).await?;
                diesel::update(target)
                    .set((leads::owner_id.eq(*owner_id), leads::updated_at.eq(now)))
                    .execute(conn)
                    .await?;
                for r in rows.iter().filter(|r| r.owner_id != *owner_id) {
                    entries.push(
                        NewAuditEntry::by(ctx, actions::LEAD_UPDATED)
                            .target("lead", r.id)
                            .details(serde_json::json!({"owner_id": {"from": r.owner_id, "to": owner_id}})),
                    );
                }
            }
            BulkLeadAction::ChangeStatus { status } => {
                diesel::update(target)
                    .set((leads::status.eq(*status), leads::updated_at.eq(now)))
                    .execute(conn)
                    .await?;
                for r in rows.iter().filter(|r| r.status != *status) {
                    entries.push(
                        NewAuditEntry::by(ctx, actions::LEAD_UPDATED)
                            .target("lead", r.id)
                            .details(serde_json::json!({"status": {"from": r.status, "to": status}})),
                    );
                }
            }
            BulkLeadAction::Delete => {
                diesel::delete(target).execute(conn).await?;
                let names = member_names(conn).await?;
                for r in rows {
                    let id = r.id;
                    entries.push(
                        NewAuditEntry::by(ctx, actions::LEAD_DELETED)
                            .target("lead", id)
                            .details(snapshot(&r.into_lead(&names))),
                    );
                }
            }
        }
        NewAuditEntry::record_all(&entries, conn).await?;
        Ok(found.len())
    })
    .await
}

//! Converting a lead: a contact, an account (the existing one with the lead's domain, or a
//! new one) and optionally a deal, all in one transaction with the lead marked converted.

use super::{load_lead, LeadRecord};
use crate::access::ensure_can_edit;
use crate::accounts::{find_by_domain, NewAccount};
use crate::actions;
use crate::contacts::NewContact;
use crate::fields;
use crate::opportunities::insert_opportunity;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::lead::{Conversion, ConvertLeadInput, LeadStatus};
use models::sales::parse_money;
use models::{AccountId, AppError, ContactId, LeadId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{activities, leads, tasks};
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};
use uuid::Uuid;

pub async fn convert_lead(
    db: &Db,
    ctx: &RequestContext,
    id: LeadId,
    input: &ConvertLeadInput,
) -> Result<Conversion, Error> {
    let deal = if input.create_opportunity {
        let amount = parse_money("amount", &input.amount)?;
        let close = fields::date("close_date", &input.close_date)?;
        Some((amount, close))
    } else {
        None
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let lead = load_lead(conn, id, true).await?;
        ensure_can_edit(ctx, lead.owner_id, "leads")?;
        if lead.status == LeadStatus::Converted {
            return Err(AppError::conflict("This lead is converted already.").into());
        }
        let now = Utc::now();
        let (account_id, account_matched) = account_for(conn, ctx, &lead, now).await?;
        let contact_id = ContactId(Uuid::new_v4());
        NewContact {
            tenant_id: ctx.tenant_id,
            id: contact_id,
            account_id: Some(account_id),
            first_name: &lead.first_name,
            last_name: &lead.last_name,
            title: &lead.title,
            email: &lead.email,
            phone: &lead.phone,
            owner_id: lead.owner_id,
            custom: serde_json::json!({}),
            created_at: now,
        }
        .insert(conn)
        .await?;
        let opportunity_id = match deal {
            Some((amount, close)) => {
                let name = match input.opportunity_name.trim() {
                    "" if lead.company.is_empty() => format!("{} deal", lead.last_name),
                    "" => format!("{} deal", lead.company),
                    n => fields::required("opportunity_name", n, 200)?,
                };
                Some(
                    insert_opportunity(
                        conn,
                        ctx,
                        &name,
                        Some(account_id),
                        Some(contact_id),
                        Some(id),
                        amount,
                        close,
                    )
                    .await?,
                )
            }
            None => None,
        };
        // The lead's history follows the person: activities and open tasks now also
        // belong to the contact.
        diesel::update(activities::table.filter(activities::lead_id.eq(id)))
            .set(activities::contact_id.eq(contact_id))
            .execute(conn)
            .await?;
        diesel::update(tasks::table.filter(tasks::lead_id.eq(id)))
            .set(tasks::contact_id.eq(contact_id))
            .execute(conn)
            .await?;
        diesel::update(leads::table.filter(leads::id.eq(id)))
            .set((
                leads::status.eq(LeadStatus::Converted),
                leads::converted_at.eq(now),
                leads::converted_account_id.eq(account_id),
                leads::converted_contact_id.eq(contact_id),
                leads::converted_opportunity_id.eq(opportunity_id),
                leads::updated_at.eq(now),
            ))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::LEAD_CONVERTED)
            .target("lead", id)
            .details(serde_json::json!({
                "status": {"from": lead.status, "to": LeadStatus::Converted},
                "account_id": account_id,
                "account_matched": account_matched,
                "contact_id": contact_id,
                "opportunity_id": opportunity_id,
            }))
            .record(conn)
            .await?;
        Ok(Conversion {
            account_id,
            account_matched,
            contact_id,
            opportunity_id,
        })
    })
    .await
}

/// The account a converted lead joins: the one with its e-mail's domain, else a new one from
/// the lead's company (true when matched).
async fn account_for(
    conn: &mut Conn,
    ctx: &RequestContext,
    lead: &LeadRecord,
    now: DateTime<Utc>,
) -> Result<(AccountId, bool), Error> {
    if let Some(found) = find_by_domain(conn, &lead.domain).await? {
        return Ok((found, true));
    }
    let account_id = AccountId(Uuid::new_v4());
    let name = if lead.company.is_empty() {
        format!("{} (individual)", lead.last_name)
    } else {
        lead.company.clone()
    };
    NewAccount {
        tenant_id: ctx.tenant_id,
        id: account_id,
        name: &name,
        domain: &lead.domain,
        industry: &lead.industry,
        employee_count: lead.employee_count,
        country: &lead.country,
        owner_id: lead.owner_id,
        created_at: now,
    }
    .insert(conn)
    .await?;
    Ok((account_id, false))
}

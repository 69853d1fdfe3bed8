//! Deals as an account's or a contact's page lists them: open ones first by close date,
//! then closed ones, newest first.

use crate::stages::list_stages;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::account::DealLine;
use models::sales::stage::StageKind;
use models::{AccountId, ContactId, OpportunityId, StageId, TenantId};
use platform::db::schema::{opportunities, opportunity_contacts};
use platform::db::Conn;
use platform::Error;

/// Whose deals.
#[derive(Clone, Copy)]
pub enum DealsOf {
    Account(AccountId),
    /// The deals the contact is the primary contact of, or on.
    Contact(ContactId),
}

/// Up to this many deals are listed on a page.
const SHOWN: i64 = 100;

pub async fn deal_lines(
    conn: &mut Conn,
    tenant: TenantId,
    whose: DealsOf,
) -> Result<Vec<DealLine>, Error> {
    type Row = (OpportunityId, String, StageId, i64, String, NaiveDate);
    let q = opportunities::table.into_boxed();
    let q = match whose {
        DealsOf::Account(id) => q.filter(opportunities::account_id.eq(id)),
        DealsOf::Contact(id) => q.filter(
            opportunities::primary_contact_id
                .eq(id)
                .or(opportunities::id
                    .eq_any(
                        opportunity_contacts::table
                            .filter(opportunity_contacts::contact_id.eq(id))
                            .select(opportunity_contacts::opportunity_id),
                    )
                    .nullable()),
        ),
    };
    let rows: Vec<Row> = q
        .order((
            opportunities::closed_at.desc().nulls_first(),
            opportunities::close_date,
            opportunities::id,
        ))
        .select((
            opportunities::id,
            opportunities::name,
            opportunities::stage_id,
            opportunities::amount_minor,
            opportunities::currency,
            opportunities::close_date,
        ))
        .limit(SHOWN)
        .load(conn)
        .await?;
    let stages = list_stages(conn, tenant).await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, stage, amount_minor, currency, close_date)| {
            let stage = stages.iter().find(|s| s.id == stage);
            DealLine {
                id,
                name,
                stage_name: stage.map(|s| s.name.clone()).unwrap_or_default(),
                amount_minor,
                currency,
                close_date,
                state: stage.map(|s| s.kind).unwrap_or(StageKind::Open),
            }
        })
        .collect())
}

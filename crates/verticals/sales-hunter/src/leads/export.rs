//! CSV export of a view of the leads table, a page at a time: the server streams each page
//! as it is read, so a million rows never sit in memory.

use super::list::{decode_cursor, encode_cursor, lead_filter, load_page};
use super::LeadRecord;
use crate::records::csv_line;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{value_as_text, CustomField, CustomObject};
use models::sales::lead_query::LeadQuery;
use models::LeadId;
use platform::db::schema::leads;
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};
use std::collections::HashMap;

/// Rows per page of the export.
pub const EXPORT_PAGE: i64 = 1000;

const COLUMNS: [&str; 17] = [
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "company",
    "domain",
    "industry",
    "employee_count",
    "country",
    "source",
    "status",
    "score",
    "owner",
    "last_activity_at",
    "created_at",
];

/// The header row: the standard columns, then one per custom field (by label).
pub fn export_header(defs: &[CustomField]) -> String {
    csv_line(
        COLUMNS
            .iter()
            .map(|c| c.to_string())
            .chain(defs.iter().map(|d| d.label.clone())),
    )
}

/// The lead custom fields, for the header.
pub async fn export_fields(db: &Db, ctx: &RequestContext) -> Result<Vec<CustomField>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        crate::custom_fields::definitions(conn, CustomObject::Lead).await
    })
    .await
}

/// The CSV lines of the page after `after` (the previous page's last row), and the cursor
/// of the next page, if any. Each page is its own short transaction.
pub async fn export_page(
    db: &Db,
    ctx: &RequestContext,
    query: &LeadQuery,
    defs: &[CustomField],
    after: Option<String>,
) -> Result<(String, Option<String>), Error> {
    let sort = query.sort;
    let cursor = after
        .as_deref()
        .map(|c| decode_cursor(sort, c))
        .transpose()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        if query.is_filtered() {
            platform::db::plan_for_values(conn).await?;
        }
        let mut filter = lead_filter(query, ctx.user_id, defs)?;
        filter.narrow(conn).await?;
        let page = load_page(conn, &filter, cursor, query.descending, EXPORT_PAGE).await?;
        let next = (page.len() as i64 == EXPORT_PAGE)
            .then(|| <[_]>::last(&page).map(|r| encode_cursor(sort, r)))
            .flatten();
        let ids: Vec<LeadId> = page.iter().map(|r| r.id).collect();
        let records: HashMap<LeadId, LeadRecord> = leads::table
            .filter(leads::id.eq_any(&ids))
            .select(LeadRecord::as_select())
            .load::<LeadRecord>(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let names = member_names(conn).await?;
        let mut out = String::with_capacity(ids.len() * 200);
        for id in ids {
            let Some(r) = records.get(&id) else { continue };
            let fixed = [
                r.id.to_string(),
                r.first_name.clone(),
                r.last_name.clone(),
                r.email.clone(),
                r.phone.clone(),
                r.title.clone(),
                r.company.clone(),
                r.domain.clone(),
                r.industry.clone(),
                r.employee_count.map(|n| n.to_string()).unwrap_or_default(),
                r.country.clone(),
                r.source.clone(),
                r.status.as_str().to_string(),
                r.score.to_string(),
                r.owner_id
                    .and_then(|o| names.get(&o).cloned())
                    .unwrap_or_default(),
                r.last_activity_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default(),
                r.created_at.to_rfc3339(),
            ];
            let custom = defs
                .iter()
                .map(|d| r.custom.get(&d.key).map(value_as_text).unwrap_or_default());
            out.push_str(&csv_line(fixed.into_iter().chain(custom)));
        }
        Ok((out, next))
    })
    .await
}

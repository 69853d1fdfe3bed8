//! CSV export of a view of the contacts table, a keyset page at a time (each its own short
//! transaction), so a large tenant's file never sits in memory.

use super::list::{contact_filter, cursor_of, load_page};
use super::{account_names, ContactRecord};
use crate::records::{decode_cursor, export_header, record_line, EXPORT_PAGE};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::record_query::RecordQuery;
use models::ContactId;
use platform::db::schema::contacts;
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};
use std::collections::HashMap;

const COLUMNS: [&str; 12] = [
    "id",
    "first_name",
    "last_name",
    "title",
    "seniority",
    "email",
    "phone",
    "linkedin_url",
    "account",
    "owner",
    "external_id",
    "created_at",
];

/// The header row and the custom fields, in column order.
pub async fn contact_export_header(
    db: &Db,
    ctx: &RequestContext,
) -> Result<(String, Vec<CustomField>), Error> {
    export_header(db, ctx, CustomObject::Contact, &COLUMNS).await
}

/// The CSV lines of the page after `after`, and the next page's cursor, if any.
pub async fn contact_export_page(
    db: &Db,
    ctx: &RequestContext,
    query: &RecordQuery,
    defs: &[CustomField],
    after: Option<String>,
) -> Result<(String, Option<String>), Error> {
    let sort = query.sort;
    let cursor = after
        .as_deref()
        .map(|c| decode_cursor(sort, "after", c))
        .transpose()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let filter = contact_filter(conn, query, ctx.user_id).await?;
        let page = load_page(conn, &filter, cursor, query.descending, EXPORT_PAGE).await?;
        let next = (page.len() as i64 == EXPORT_PAGE)
            .then(|| page.last().map(|r| cursor_of(sort, r)))
            .flatten();
        let ids: Vec<ContactId> = page.iter().map(|r| r.id).collect();
        let records: HashMap<ContactId, ContactRecord> = contacts::table
            .filter(contacts::id.eq_any(&ids))
            .select(ContactRecord::as_select())
            .load::<ContactRecord>(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let names = member_names(conn).await?;
        let accounts = account_names(conn, records.values().filter_map(|r| r.account_id)).await?;
        let mut out = String::with_capacity(ids.len() * 200);
        for id in ids {
            let Some(r) = records.get(&id) else { continue };
            let fixed = [
                r.id.to_string(),
                r.first_name.clone(),
                r.last_name.clone(),
                r.title.clone(),
                r.seniority.clone(),
                r.email.clone(),
                r.phone.clone(),
                r.linkedin_url.clone(),
                r.account_id
                    .and_then(|a| accounts.get(&a).cloned())
                    .unwrap_or_default(),
                r.owner_id
                    .and_then(|o| names.get(&o).cloned())
                    .unwrap_or_default(),
                r.external_id.clone().unwrap_or_default(),
                r.created_at.to_rfc3339(),
            ];
            out.push_str(&record_line(fixed, &r.custom, defs));
        }
        Ok((out, next))
    })
    .await
}

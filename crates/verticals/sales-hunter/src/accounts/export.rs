//! CSV export of a view of the accounts table, a keyset page at a time (each its own short
//! transaction), so a large tenant's file never sits in memory.

use super::list::{account_filter, cursor_of, load_page};
use super::AccountRecord;
use crate::records::{decode_cursor, export_header, record_line, EXPORT_PAGE};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::record_query::RecordQuery;
use models::AccountId;
use platform::db::schema::accounts;
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};
use std::collections::HashMap;

const COLUMNS: [&str; 11] = [
    "id",
    "name",
    "domain",
    "industry",
    "employee_count",
    "annual_revenue",
    "country",
    "region",
    "owner",
    "external_id",
    "created_at",
];

/// The header row and the custom fields, in column order.
pub async fn account_export_header(
    db: &Db,
    ctx: &RequestContext,
) -> Result<(String, Vec<CustomField>), Error> {
    export_header(db, ctx, CustomObject::Account, &COLUMNS).await
}

/// The CSV lines of the page after `after`, and the next page's cursor, if any.
pub async fn account_export_page(
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
        let filter = account_filter(conn, query, ctx.user_id).await?;
        let page = load_page(conn, &filter, cursor, query.descending, EXPORT_PAGE).await?;
        let next = (page.len() as i64 == EXPORT_PAGE)
            .then(|| page.last().map(|r| cursor_of(sort, r)))
            .flatten();
        let ids: Vec<AccountId> = page.iter().map(|r| r.id).collect();
        let records: HashMap<AccountId, AccountRecord> = accounts::table
            .filter(accounts::id.eq_any(&ids))
            .select(AccountRecord::as_select())
            .load::<AccountRecord>(conn)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let names = member_names(conn).await?;
        let mut out = String::with_capacity(ids.len() * 160);
        for id in ids {
            let Some(r) = records.get(&id) else { continue };
            let fixed = [
                r.id.to_string(),
                r.name.clone(),
                r.domain.clone(),
                r.industry.clone(),
                r.employee_count.map(|n| n.to_string()).unwrap_or_default(),
                r.annual_revenue_minor
                    .map(|m| format!("{}.{:02}", m / 100, (m % 100).abs()))
                    .unwrap_or_default(),
                r.country.clone(),
                r.region.clone(),
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

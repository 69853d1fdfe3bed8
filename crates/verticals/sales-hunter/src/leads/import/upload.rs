//! Storing an uploaded file: its header and rows go into `lead_import_rows` in batches, in
//! one transaction with the import itself, so a file is either all there or not at all.

use super::parse::{decode, delimiter, CsvRows};
use super::to_texts;
use crate::actions;
use crate::custom_fields::definitions;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::CustomObject;
use models::sales::import_values::{NumberFormat, NumberFormatVotes};
use models::sales::lead_import::{suggest_mapping, MAX_FILE_BYTES};
use models::{AppError, LeadImportId, Role, TenantId, UserId};
use platform::audit::NewAuditEntry;
use platform::db::schema::{lead_import_rows, lead_imports};
use platform::db::Db;
use platform::{Error, RequestContext};
use uuid::Uuid;

/// Rows per insert statement while storing a file.
const STORE_BATCH: usize = 1000;
/// Rows whose cells decide the file's number format.
const FORMAT_SAMPLE: i32 = 10_000;

#[derive(Insertable)]
#[diesel(table_name = lead_imports, check_for_backend(diesel::pg::Pg))]
struct NewLeadImport {
    tenant_id: TenantId,
    id: LeadImportId,
    created_by: Option<UserId>,
    file_name: String,
    headers: Vec<Option<String>>,
    mapping: Vec<Option<String>>,
    total_rows: i32,
    created_at: chrono::DateTime<Utc>,
    number_format: NumberFormat,
}

#[derive(Insertable)]
#[diesel(table_name = lead_import_rows, check_for_backend(diesel::pg::Pg))]
struct NewImportRow {
    tenant_id: TenantId,
    import_id: LeadImportId,
    row_number: i32,
    cells: Vec<Option<String>>,
}

/// The name to show for an uploaded file: its last path part, printable, at most 255
/// characters.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        "leads.csv".into()
    } else {
        clean.to_string()
    }
}

/// Reads and stores an uploaded CSV file, with a mapping suggested from its headers (new
/// custom fields only for those who may define them) and the number format its cells use.
/// Any member may import leads; what each row may change is checked when it is imported.
pub async fn create_lead_import(
    db: &Db,
    ctx: &RequestContext,
    file_name: &str,
    bytes: &[u8],
) -> Result<LeadImportId, Error> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::validation(
            "file",
            format!("is larger than {} MB", MAX_FILE_BYTES / (1024 * 1024)),
        )
        .into());
    }
    let text = decode(bytes);
    let delim = delimiter(&text);
    let rows = CsvRows::open(&text)?;
    let headers = rows.headers.clone();
    let file_name = clean_file_name(file_name);
    let id = LeadImportId(Uuid::new_v4());
    let tenant_id = ctx.tenant_id;
    db.tenant_tx(tenant_id, async |conn| {
        let defs = definitions(conn, CustomObject::Lead).await?;
        diesel::insert_into(lead_imports::table)
            .values(NewLeadImport {
                tenant_id,
                id,
                created_by: Some(ctx.user_id),
                file_name: file_name.clone(),
                headers: to_texts(&headers),
                mapping: to_texts(&suggest_mapping(
                    &headers,
                    &defs,
                    ctx.role.at_least(Role::Admin),
                )),
                total_rows: 0,
                created_at: Utc::now(),
                number_format: NumberFormat::Point,
            })
            .execute(conn)
            .await?;
        let mut total = 0i32;
        let mut votes = NumberFormatVotes::default();
        let mut batch = Vec::with_capacity(STORE_BATCH);
        let mut rows = rows.peekable();
        while let Some(row) = rows.next() {
            let (row_number, cells) = row?;
            if total < FORMAT_SAMPLE {
                votes.add_row(&cells);
            }
            batch.push(NewImportRow {
                tenant_id,
                import_id: id,
                row_number,
                cells: to_texts(&cells),
            });
            total += 1;
            if batch.len() == STORE_BATCH || rows.peek().is_none() {
                diesel::insert_into(lead_import_rows::table)
                    .values(std::mem::take(&mut batch))
                    .execute(conn)
                    .await?;
            }
        }
        if total == 0 {
            return Err(
                AppError::validation("file", "has a header row but no leads under it").into(),
            );
        }
        diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
            .set((
                lead_imports::total_rows.eq(total),
                lead_imports::number_format.eq(votes.decide(delim)),
            ))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::LEAD_IMPORT_UPLOADED)
            .target("lead_import", id)
            .details(serde_json::json!({ "file_name": file_name, "rows": total }))
            .record(conn)
            .await?;
        Ok(id)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_are_their_last_part() {
        assert_eq!(
            clean_file_name("C:\\Users\\ada\\leads q3.csv"),
            "leads q3.csv"
        );
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("\u{7}"), "leads.csv");
    }
}

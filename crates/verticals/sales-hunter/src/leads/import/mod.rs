//! CSV import of leads. An upload stores the file's rows ([`upload`]); the user maps columns
//! onto lead fields and sees a preview ([`manage`]); a background job then imports the rows a
//! batch at a time ([`run`]), each row planned by [`plan`]: created, updated (by external id,
//! else by e-mail, else by name and company), unchanged, skipped, or listed as an error with
//! its reason and the value that broke it. Each batch
//! commits with the import's cursor and counters, so a crash resumes without writing a row
//! twice, and re-importing a file changes nothing.

mod manage;
mod parse;
mod plan;
mod run;
mod upload;

pub use manage::{
    cancel_lead_import, delete_lead_import, export_import_errors, get_lead_import,
    list_lead_imports, map_lead_import,
};
pub use parse::{decode, CsvRows};
pub use run::ImportLeads;
pub use upload::create_lead_import;

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::import_values::NumberFormat;
use models::sales::lead_import::{ImportState, LeadImport};
use models::{AppError, LeadImportId, Role, UserId};
use platform::db::schema::lead_imports;
use platform::db::Conn;
use platform::{Error, RequestContext};
use std::collections::HashMap;

/// An import row as stored.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = lead_imports, check_for_backend(diesel::pg::Pg))]
pub(crate) struct ImportRecord {
    pub id: LeadImportId,
    pub created_by: Option<UserId>,
    pub file_name: String,
    pub headers: Vec<Option<String>>,
    pub mapping: Vec<Option<String>>,
    pub external_source: String,
    pub update_existing: bool,
    pub state: ImportState,
    pub total_rows: i32,
    pub last_row: i32,
    pub created_count: i32,
    pub updated_count: i32,
    pub unchanged_count: i32,
    pub failed_count: i32,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub number_format: NumberFormat,
}

/// text[] as plain strings (PostgreSQL arrays may hold NULLs; ours never do).
pub(crate) fn texts(v: &[Option<String>]) -> Vec<String> {
    v.iter().map(|s| s.clone().unwrap_or_default()).collect()
}

pub(crate) fn to_texts(v: &[String]) -> Vec<Option<String>> {
    v.iter().cloned().map(Some).collect()
}

impl ImportRecord {
    pub fn headers(&self) -> Vec<String> {
        texts(&self.headers)
    }

    pub fn mapping(&self) -> Vec<String> {
        texts(&self.mapping)
    }

    /// Rows done so far, good or bad.
    pub fn processed(&self) -> i32 {
        self.created_count + self.updated_count + self.unchanged_count + self.failed_count
    }

    pub fn into_dto(self, names: &HashMap<UserId, String>, ctx: &RequestContext) -> LeadImport {
        LeadImport {
            can_manage: can_manage(ctx, &self),
            processed_rows: self.processed(),
            headers: self.headers(),
            mapping: self.mapping(),
            created_by_name: self.created_by.and_then(|u| names.get(&u).cloned()),
            id: self.id,
            file_name: self.file_name,
            external_source: self.external_source,
            update_existing: self.update_existing,
            number_format: self.number_format,
            state: self.state,
            total_rows: self.total_rows,
            created: self.created_count,
            updated: self.updated_count,
            unchanged: self.unchanged_count,
            failed: self.failed_count,
            error: self.error,
            created_at: self.created_at,
            finished_at: self.finished_at,
        }
    }
}

/// Whoever started an import manages it; so do managers and above.
fn can_manage(ctx: &RequestContext, import: &ImportRecord) -> bool {
    ctx.role.at_least(Role::Manager) || import.created_by == Some(ctx.user_id)
}

pub(crate) fn ensure_can_manage(
    ctx: &RequestContext,
    import: &ImportRecord,
) -> Result<(), AppError> {
    if can_manage(ctx, import) {
        Ok(())
    } else {
        Err(AppError::forbidden(
            "Only the person who uploaded this import, or a manager, can change it.",
        ))
    }
}

/// One import, locked for update when `lock`; not found when another tenant's.
pub(crate) async fn load_import(
    conn: &mut Conn,
    id: LeadImportId,
    lock: bool,
) -> Result<ImportRecord, Error> {
    let query = lead_imports::table
        .filter(lead_imports::id.eq(id))
        .select(ImportRecord::as_select());
    let row = if lock {
        query.for_update().first(conn).await.optional()?
    } else {
        query.first(conn).await.optional()?
    };
    Ok(row.ok_or_else(|| AppError::not_found("That import"))?)
}

//! Seeing and steering imports: the list, one import with its preview and errors, the
//! mapping (and starting), cancelling, deleting, and the failed rows as CSV.

use super::run::{planner, ImportLeads};
use super::{ensure_can_manage, load_import, texts, to_texts, ImportRecord};
use crate::actions;
use crate::custom_fields::{definitions, insert_definition};
use crate::records::csv_line;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::import_values::NumberFormat;
use models::sales::lead_import::{
    resolve_new_fields, validate_mapping, ImportRowError, ImportState, ImportTarget, LeadImport,
    LeadImportDetail, LeadImportSettings, PreviewRow,
};
use models::{AppError, LeadImportId, Role};
use platform::audit::NewAuditEntry;
use platform::db::schema::{lead_import_errors, lead_import_rows, lead_imports};
use platform::db::{Conn, Db};
use platform::jobs::NewJob;
use platform::members::member_names;
use platform::{Error, RequestContext};

/// Imports the list shows.
const RECENT: i64 = 20;
/// Sample values shown per column while mapping.
const SAMPLES: i64 = 3;
/// Failed rows per page of the errors download.
pub const ERRORS_PAGE: i64 = 1000;

/// The tenant's recent imports, newest first.
pub async fn list_lead_imports(db: &Db, ctx: &RequestContext) -> Result<Vec<LeadImport>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let rows: Vec<ImportRecord> = lead_imports::table
            .order(lead_imports::created_at.desc())
            .limit(RECENT)
            .select(ImportRecord::as_select())
            .load(conn)
            .await?;
        let names = member_names(conn).await?;
        Ok(rows.into_iter().map(|r| r.into_dto(&names, ctx)).collect())
    })
    .await
}

async fn first_rows(
    conn: &mut Conn,
    id: LeadImportId,
    n: i64,
) -> Result<Vec<(i32, Vec<String>)>, Error> {
    let rows: Vec<(i32, Vec<Option<String>>)> = lead_import_rows::table
        .filter(lead_import_rows::import_id.eq(id))
        .order(lead_import_rows::row_number)
        .limit(n)
        .select((lead_import_rows::row_number, lead_import_rows::cells))
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|(n, c)| (n, texts(&c))).collect())
}

/// One import: its progress and, while it is being mapped, sample values and a preview of
/// what the saved mapping would do to the first rows.
pub async fn get_lead_import(
    db: &Db,
    ctx: &RequestContext,
    id: LeadImportId,
) -> Result<LeadImportDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let import = load_import(conn, id, false).await?;
        let defs = definitions(conn, CustomObject::Lead).await?;
        let (mut samples, mut preview, mut mapping_problem) =
            (Vec::new(), Vec::new(), String::new());
        if import.state == ImportState::Mapping {
            let rows = first_rows(conn, id, LeadImportDetail::PREVIEW_ROWS).await?;
            samples = (0..import.headers.len())
                .map(|col| {
                    rows.iter()
                        .take(SAMPLES as usize)
                        .filter_map(|(_, cells)| cells.get(col).cloned())
                        .collect()
                })
                .collect();
            match planner(conn, ctx.clone(), &import).await {
                Ok(planner) => {
                    preview = planner
                        .plan(conn, &rows)
                        .await?
                        .rows
                        .into_iter()
                        .map(|r| PreviewRow {
                            row_number: r.row_number,
                            name: r.name,
                            email: r.email,
                            company: r.company,
                            values: r.values,
                            outcome: r.outcome,
                        })
                        .collect();
                }
                Err(Error::App(e)) => mapping_problem = e.to_string(),
                Err(e) => return Err(e),
            }
        }
        let errors = lead_import_errors::table
            .filter(lead_import_errors::import_id.eq(id))
            .order(lead_import_errors::row_number)
            .limit(LeadImportDetail::ERRORS_SHOWN)
            .select((
                lead_import_errors::row_number,
                lead_import_errors::field,
                lead_import_errors::message,
                lead_import_errors::value,
            ))
            .load::<(i32, String, String, String)>(conn)
            .await?
            .into_iter()
            .map(|(row_number, field, message, value)| ImportRowError {
                row_number,
                field,
                message,
                value,
            })
            .collect();
        let names = member_names(conn).await?;
        Ok(LeadImportDetail {
            import: import.into_dto(&names, ctx),
            samples,
            preview,
            mapping_problem,
            choices: ImportTarget::choices(&defs, ctx.role.at_least(Role::Admin)),
            errors,
        })
    })
    .await
}

/// The source name external ids are kept under: lower-case letters, digits, `_` and `-`.
fn external_source(value: &str) -> Result<String, AppError> {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return Ok("csv".into());
    }
    if v.len() <= 40
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        Ok(v)
    } else {
        Err(AppError::validation(
            "external_source",
            "must be up to 40 lower-case letters, digits, _ or -, such as hubspot",
        ))
    }
}

/// The number format a mapping form chose; empty keeps the import's.
fn number_format(value: &str) -> Result<Option<NumberFormat>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    NumberFormat::parse(v).map(Some).ok_or_else(|| {
        AppError::validation(
            "number_format",
            "choose how the file writes numbers: 1,234.56 or 1.234,56",
        )
    })
}

/// Saves the mapping and options of an import still being mapped; with `start`, also queues
/// it, first defining the custom fields its columns asked for (admins only). A mapping that
/// cannot import (no last name, a field twice…) is refused, naming it, and changes nothing.
pub async fn map_lead_import(
    db: &Db,
    ctx: &RequestContext,
    id: LeadImportId,
    settings: &LeadImportSettings,
    start: bool,
) -> Result<LeadImport, Error> {
    let source = external_source(&settings.external_source)?;
    let update_existing = matches!(settings.update_existing.as_str(), "on" | "true");
    let format = number_format(&settings.number_format)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let import = load_import(conn, id, true).await?;
        ensure_can_manage(ctx, &import)?;
        if import.state != ImportState::Mapping {
            return Err(AppError::conflict(
                "This import has started already; its mapping can no longer change.",
            )
            .into());
        }
        let defs = definitions(conn, CustomObject::Lead).await?;
        let mapping: Vec<String> = settings
            .mapping
            .iter()
            .map(|m| m.trim().to_string())
            .collect();
        let headers = import.headers();
        let (resolved, new) = resolve_new_fields(&headers, &mapping, &defs)?;
        if let Some(f) = <[CustomField]>::first(&new) {
            if !ctx.role.at_least(Role::Admin) {
                return Err(AppError::validation(
                    "mapping",
                    format!(
                        "column “{}”: only admins can define custom fields; ask one, or choose an existing field",
                        f.label
                    ),
                )
                .into());
            }
        }
        let all: Vec<_> = defs.iter().chain(&new).cloned().collect();
        validate_mapping(&headers, &resolved, &all)?;
        // The new fields are defined when the import starts; until then the mapping keeps
        // asking for them, and the preview reads the columns as they will be.
        let mapping = if start {
            for field in &new {
                insert_definition(conn, ctx, field).await?;
            }
            resolved
        } else {
            mapping
        };
        let state = if start {
            ImportState::Queued
        } else {
            ImportState::Mapping
        };
        diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
            .set((
                lead_imports::mapping.eq(to_texts(&mapping)),
                lead_imports::external_source.eq(&source),
                lead_imports::update_existing.eq(update_existing),
                lead_imports::number_format.eq(format.unwrap_or(import.number_format)),
                lead_imports::state.eq(state),
            ))
            .execute(conn)
            .await?;
        if start {
            NewJob::new(&ImportLeads { import_id: id })?
                .tenant(Some(ctx.tenant_id))
                .dedup_key(id.0.to_string())
                .enqueue(conn)
                .await?;
            NewAuditEntry::by(ctx, actions::LEAD_IMPORT_STARTED)
                .target("lead_import", id)
                .details(serde_json::json!({
                    "mapping": mapping,
                    "external_source": source,
                    "update_existing": update_existing,
                    "number_format": format.unwrap_or(import.number_format),
                    "new_custom_fields": new.iter().map(|f| &f.key).collect::<Vec<_>>(),
                }))
                .record(conn)
                .await?;
        }
        let names = member_names(conn).await?;
        Ok(load_import(conn, id, false).await?.into_dto(&names, ctx))
    })
    .await
}

/// Stops a queued or running import after the batch in progress; what was imported stays.
pub async fn cancel_lead_import(
    db: &Db,
    ctx: &RequestContext,
    id: LeadImportId,
) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let import = load_import(conn, id, true).await?;
        ensure_can_manage(ctx, &import)?;
        if !import.state.is_active() {
            return Err(
                AppError::conflict("Only a queued or running import can be cancelled.").into(),
            );
        }
        diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
            .set((
                lead_imports::state.eq(ImportState::Cancelled),
                lead_imports::finished_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        diesel::delete(lead_import_rows::table.filter(lead_import_rows::import_id.eq(id)))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::LEAD_IMPORT_CANCELLED)
            .target("lead_import", id)
            .record(conn)
            .await
    })
    .await
}

/// Removes an import from the list (with its stored rows and errors); the leads it imported
/// stay. A running import must be cancelled first.
pub async fn delete_lead_import(
    db: &Db,
    ctx: &RequestContext,
    id: LeadImportId,
) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let import = load_import(conn, id, true).await?;
        ensure_can_manage(ctx, &import)?;
        if import.state.is_active() {
            return Err(
                AppError::conflict("This import is still running: cancel it first.").into(),
            );
        }
        diesel::delete(lead_imports::table.filter(lead_imports::id.eq(id)))
            .execute(conn)
            .await?;
        NewAuditEntry::by(ctx, actions::LEAD_IMPORT_DELETED)
            .target("lead_import", id)
            .details(serde_json::json!({ "file_name": import.file_name }))
            .record(conn)
            .await
    })
    .await
}

/// A failed row as stored: row number, field, reason, value, cells.
type ErrorRow = (i32, String, String, String, Vec<Option<String>>);

/// A page of the failed rows as CSV — row, field, reason, the value that broke it, then the
/// row's own cells under the file's headers (the header line comes with the first page) —
/// and the next page's cursor.
pub async fn export_import_errors(
    db: &Db,
    ctx: &RequestContext,
    id: LeadImportId,
    after: Option<i32>,
) -> Result<(String, Option<i32>), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut out = String::new();
        if after.is_none() {
            // The first page also answers "not found" for another tenant's import.
            let import = load_import(conn, id, false).await?;
            let head = ["row", "field", "reason", "value"]
                .into_iter()
                .map(String::from);
            out.push_str(&csv_line(head.chain(import.headers())));
        }
        let rows: Vec<ErrorRow> = lead_import_errors::table
            .filter(lead_import_errors::import_id.eq(id))
            .filter(lead_import_errors::row_number.gt(after.unwrap_or(0)))
            .order(lead_import_errors::row_number)
            .limit(ERRORS_PAGE)
            .select((
                lead_import_errors::row_number,
                lead_import_errors::field,
                lead_import_errors::message,
                lead_import_errors::value,
                lead_import_errors::cells,
            ))
            .load(conn)
            .await?;
        let next = (rows.len() as i64 == ERRORS_PAGE)
            .then(|| rows.last().map(|r| r.0))
            .flatten();
        for (row, field, message, value, cells) in rows {
            out.push_str(&csv_line(
                [row.to_string(), field, message, value]
                    .into_iter()
                    .chain(texts(&cells)),
            ));
        }
        Ok((out, next))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::external_source;

    #[test]
    fn external_sources_are_simple_names() {
        assert_eq!(external_source(" HubSpot ").expect("valid"), "hubspot");
        assert_eq!(external_source("").expect("valid"), "csv");
        assert!(external_source("my source").is_err());
    }
}

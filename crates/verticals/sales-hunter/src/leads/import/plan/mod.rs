//! What importing each row of a batch does, decided before anything is written: the preview
//! shows it, the job writes it. A row matches a lead by external id, else by e-mail — a lead
//! in the database or one an earlier row of the same batch creates — and fills only the
//! fields its cells give: an empty cell never erases a value.

use crate::access::{ensure_can_assign, ensure_can_edit};
use crate::fields;
use crate::leads::write::{clean_lead, LeadChanges, NewLead};
use crate::leads::LeadRecord;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::custom_field::{validate_values, CustomField};
use models::sales::lead::{LeadInput, LeadStatus};
use models::sales::lead_import::{split_full_name, ImportTarget, RowOutcome};
use models::{AppError, LeadId, UserId};
use platform::db::schema::leads;
use platform::db::Conn;
use platform::{Error, RequestContext};
use std::collections::HashMap;
use uuid::Uuid;

mod batch;
use batch::Batch;

/// Everything a batch is planned against.
pub(super) struct Planner {
    pub ctx: RequestContext,
    pub width: usize,
    pub targets: Vec<ImportTarget>,
    pub defs: Vec<CustomField>,
    /// Members by lower-cased e-mail, for the owner column.
    pub members: HashMap<String, UserId>,
    pub external_source: String,
    pub update_existing: bool,
}

/// One row's plan.
pub(super) struct PlannedRow {
    pub row_number: i32,
    pub outcome: RowOutcome,
    /// Name, e-mail and company as the row gives them, for the preview.
    pub name: String,
    pub email: String,
    pub company: String,
}

/// An existing lead the batch changes.
pub(super) struct LeadUpdate {
    pub id: LeadId,
    pub before: LeadChanges,
    pub after: LeadChanges,
    /// Set when the lead gains the file's external id.
    pub external_id: Option<String>,
}

/// A batch's plan: each row's outcome and the writes that carry it out.
pub(super) struct Plan {
    pub rows: Vec<PlannedRow>,
    pub inserts: Vec<NewLead>,
    pub updates: Vec<LeadUpdate>,
}

/// A lead the batch touches: already stored (`before`) or created by one of its rows.
struct Pending {
    id: LeadId,
    before: Option<Stored>,
    input: LeadInput,
    owner: Option<UserId>,
    /// The cleaned fields after the last good row; `None` until one succeeds.
    fields: Option<LeadChanges>,
    external_id: Option<String>,
}

/// What the database holds of a matched lead.
struct Stored {
    changes: LeadChanges,
    input: LeadInput,
    has_activity: bool,
    external: Option<(String, String)>,
}

impl Stored {
    fn of(r: LeadRecord) -> Stored {
        let external = r.external_source.clone().zip(r.external_id.clone());
        let has_activity = r.last_activity_at.is_some();
        let lead = r.into_lead(&HashMap::new());
        let input = LeadInput::from(&lead);
        Stored {
            changes: LeadChanges::from(&lead),
            input,
            has_activity,
            external,
        }
    }
}

/// A row's failure as (field, message).
fn failure(e: AppError) -> RowOutcome {
    match e {
        AppError::Validation { field, message } => RowOutcome::Error { field, message },
        other => RowOutcome::Error {
            field: "row".into(),
            message: other.to_string(),
        },
    }
}

/// The row's cell for `target`, trimmed; `None` when the column is not mapped or empty.
fn cell<'a>(
    targets: &[ImportTarget],
    cells: &'a [String],
    target: &ImportTarget,
) -> Option<&'a str> {
    targets
        .iter()
        .position(|t| t == target)
        .and_then(|i| cells.get(i))
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
}

/// Writes the row's non-empty cells over `input`.
fn overlay(input: &mut LeadInput, targets: &[ImportTarget], cells: &[String]) {
    for (target, value) in targets.iter().zip(cells) {
        let value = value.trim();
        if value.is_empty() {
            continue;
        }
        let v = value.to_string();
        match target {
            ImportTarget::FirstName => input.first_name = v,
            ImportTarget::LastName => input.last_name = v,
            ImportTarget::FullName => (input.first_name, input.last_name) = split_full_name(value),
            ImportTarget::Email => input.email = v,
            ImportTarget::Phone => input.phone = v,
            ImportTarget::Title => input.title = v,
            ImportTarget::Company => input.company = v,
            ImportTarget::Domain => input.domain = v,
            ImportTarget::Industry => input.industry = v,
            ImportTarget::EmployeeCount => {
                input.employee_count = v.replace([',', ' ', '\u{a0}'], "")
            }
            ImportTarget::Country => input.country = v,
            ImportTarget::Source => input.source = v,
            ImportTarget::Status => input.status = v.to_lowercase(),
            ImportTarget::Custom(k) => {
                input.custom.insert(k.clone(), v);
            }
            ImportTarget::Ignore | ImportTarget::OwnerEmail | ImportTarget::ExternalId => {}
        }
    }
}

/// The row's e-mail and external id, checked: they decide which lead it is.
/// A row's e-mail and external id.
type RowKeys = (Option<String>, Option<String>);

fn keys(targets: &[ImportTarget], cells: &[String]) -> Result<RowKeys, AppError> {
    let email = match cell(targets, cells, &ImportTarget::Email) {
        Some(e) => Some(fields::optional_email("email", e)?),
        None => None,
    };
    let external = match cell(targets, cells, &ImportTarget::ExternalId) {
        Some(x) => Some(fields::text("external_id", x, 255)?),
        None => None,
    };
    Ok((email, external))
}

impl Planner {
    /// Plans `rows` (row number, cells) against the leads stored now.
    pub async fn plan(&self, conn: &mut Conn, rows: &[(i32, Vec<String>)]) -> Result<Plan, Error> {
        let keyed: Vec<Result<RowKeys, AppError>> = rows
            .iter()
            .map(|(_, cells)| keys(&self.targets, cells))
            .collect();
        let emails: Vec<&str> = keyed
            .iter()
            .flatten()
            .filter_map(|(e, _)| e.as_deref())
            .collect();
        let externals: Vec<&str> = keyed
            .iter()
            .flatten()
            .filter_map(|(_, x)| x.as_deref())
            .collect();
        // Two lookups, each on its own index (an OR of the two is planned as a scan).
        let mut stored: HashMap<LeadId, LeadRecord> = HashMap::new();
        if !emails.is_empty() {
            let found: Vec<LeadRecord> = leads::table
                .filter(leads::email.eq_any(&emails))
                .select(LeadRecord::as_select())
                .load(conn)
                .await?;
            stored.extend(found.into_iter().map(|r| (r.id, r)));
        }
        if !externals.is_empty() {
            let found: Vec<LeadRecord> = leads::table
                .filter(leads::external_source.eq(&self.external_source))
                .filter(leads::external_id.eq_any(&externals))
                .select(LeadRecord::as_select())
                .load(conn)
                .await?;
            stored.extend(found.into_iter().map(|r| (r.id, r)));
        }
        let mut stored_by_email: HashMap<String, LeadId> = HashMap::new();
        let mut stored_by_external: HashMap<String, LeadId> = HashMap::new();
        for r in stored.values() {
            if !r.email.is_empty() {
                stored_by_email.insert(r.email.clone(), r.id);
            }
            if r.external_source.as_deref() == Some(self.external_source.as_str()) {
                if let Some(x) = &r.external_id {
                    stored_by_external.insert(x.clone(), r.id);
                }
            }
        }
        let mut batch = Batch {
            planner: self,
            stored,
            stored_by_email,
            stored_by_external,
            pending: Vec::new(),
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            by_external: HashMap::new(),
        };
        let mut planned = Vec::with_capacity(rows.len());
        for ((row_number, cells), keys) in rows.iter().zip(keyed) {
            let mut shown = LeadInput::default();
            overlay(&mut shown, &self.targets, cells);
            let outcome = match keys {
                Ok(keys) => batch.row(cells, keys).unwrap_or_else(failure),
                Err(e) => failure(e),
            };
            planned.push(PlannedRow {
                row_number: *row_number,
                outcome,
                name: format!("{} {}", shown.first_name, shown.last_name)
                    .trim()
                    .to_string(),
                email: shown.email,
                company: shown.company,
            });
        }
        Ok(batch.finish(planned))
    }
}

//! What importing each row of a batch does, decided before anything is written: the preview
//! shows it, the job writes it. A row matches a lead by external id, else by e-mail — a lead
//! in the database or one an earlier row of the same batch creates — and fills only the
//! fields its cells give: an empty cell never erases a value.

use crate::access::{ensure_can_assign, ensure_can_edit};
use crate::leads::write::{clean_lead, LeadChanges, NewLead};
use crate::leads::LeadRecord;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::activity::ActivityKind;
use models::sales::custom_field::{validate_values, CustomField};
use models::sales::import_values::NumberFormat;
use models::sales::lead::{LeadInput, LeadStatus};
use models::sales::lead_import::{ImportTarget, RowOutcome};
use models::{AppError, LeadId, UserId};
use platform::db::schema::{activities, leads};
use platform::db::Conn;
use platform::{Error, RequestContext};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

mod batch;
mod cells;
use batch::Batch;
use cells::{name_key, History, RowKeys};

/// The subject of the note a row's description becomes.
pub(super) const DESCRIPTION_NOTE: &str = "Description";

/// The organisation's members, as an owner column may name them.
#[derive(Default)]
pub(super) struct Members {
    /// By lower-cased e-mail.
    pub by_email: HashMap<String, UserId>,
    /// By lower-cased name; `None` when two members share it.
    pub by_name: HashMap<String, Option<UserId>>,
}

impl Members {
    /// The member an owner cell names: by e-mail, by name, or as "Name (e-mail)" or
    /// "Name <e-mail>".
    fn find(&self, cell: &str) -> Result<UserId, AppError> {
        let key = cell.trim().to_lowercase();
        if let Some(id) = self.by_email.get(&key) {
            return Ok(*id);
        }
        let quoted = key
            .rsplit_once(['(', '<'])
            .map(|(_, e)| e.trim_end_matches([')', '>']).trim())
            .filter(|e| e.contains('@'));
        if let Some(id) = quoted.and_then(|e| self.by_email.get(e)) {
            return Ok(*id);
        }
        match self.by_name.get(&key) {
            Some(Some(id)) => Ok(*id),
            Some(None) => Err(AppError::validation(
                "owner",
                format!("several members are called {cell}: use their e-mail instead"),
            )),
            None if cell.contains('@') => Err(AppError::validation(
                "owner",
                format!("no member of this organisation has the e-mail {cell}"),
            )),
            None => Err(AppError::validation(
                "owner",
                format!("no member of this organisation is called {cell}"),
            )),
        }
    }
}

/// Everything a batch is planned against.
pub(super) struct Planner {
    pub ctx: RequestContext,
    pub width: usize,
    pub headers: Vec<String>,
    pub targets: Vec<ImportTarget>,
    pub defs: Vec<CustomField>,
    pub members: Members,
    pub external_source: String,
    pub update_existing: bool,
    pub number_format: NumberFormat,
}

/// One row's plan.
pub(super) struct PlannedRow {
    pub row_number: i32,
    pub outcome: RowOutcome,
    /// Name, e-mail and company as the row gives them, for the preview.
    pub name: String,
    pub email: String,
    pub company: String,
    /// Its numbers and dates as read, for the preview.
    pub values: Vec<(String, String)>,
}

/// An existing lead the batch changes.
pub(super) struct LeadUpdate {
    pub id: LeadId,
    pub before: LeadChanges,
    pub after: LeadChanges,
    /// Set when the lead gains the file's external id.
    pub external_id: Option<String>,
    /// Its created and converted times, when the file changes them: (before, after).
    pub dates: Option<(Dates, Dates)>,
}

/// A lead's created and converted times.
pub(super) type Dates = (DateTime<Utc>, Option<DateTime<Utc>>);

/// A description to keep as a note on a lead.
pub(super) struct NewNote {
    pub lead_id: LeadId,
    pub body: String,
    /// The lead's creation: the description is as old as the lead.
    pub at: DateTime<Utc>,
}

/// A batch's plan: each row's outcome and the writes that carry it out.
pub(super) struct Plan {
    pub rows: Vec<PlannedRow>,
    pub inserts: Vec<NewLead>,
    pub updates: Vec<LeadUpdate>,
    pub notes: Vec<NewNote>,
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
    /// Created and converted times after the last good row.
    dates: Option<Dates>,
    /// Descriptions to add as notes.
    notes: Vec<String>,
}

/// What the database holds of a matched lead.
struct Stored {
    changes: LeadChanges,
    input: LeadInput,
    external: Option<(String, String)>,
    dates: Dates,
    /// The bodies of the notes earlier imports made from descriptions.
    notes: HashSet<String>,
}

impl Stored {
    fn of(r: LeadRecord, notes: HashSet<String>) -> Stored {
        let external = r.external_source.clone().zip(r.external_id.clone());
        let dates = (r.created_at, r.converted_at);
        let lead = r.into_lead(&HashMap::new());
        let input = LeadInput::from(&lead);
        Stored {
            changes: LeadChanges::from(&lead),
            input,
            external,
            dates,
            notes,
        }
    }
}

/// A row's failure as (field, message); the value is filled in by the planner.
fn failure(e: AppError) -> RowOutcome {
    match e {
        AppError::Validation { field, message } => RowOutcome::Error {
            field,
            message,
            value: String::new(),
        },
        other => RowOutcome::Error {
            field: "row".into(),
            message: other.to_string(),
            value: String::new(),
        },
    }
}

impl Planner {
    /// Plans `rows` (row number, cells) against the leads stored now.
    pub async fn plan(&self, conn: &mut Conn, rows: &[(i32, Vec<String>)]) -> Result<Plan, Error> {
        let mut shown = Vec::with_capacity(rows.len());
        let mut keyed: Vec<Result<RowKeys, AppError>> = Vec::with_capacity(rows.len());
        for (_, cells) in rows {
            let mut input = LeadInput::default();
            // Shown as far as it reads; the row's own planning reports what does not.
            let read = self.overlay(&mut input, cells);
            keyed.push(if cells.len() != self.width {
                Err(AppError::validation(
                    "row",
                    format!("has {} cells; the header has {}", cells.len(), self.width),
                ))
            } else {
                read.and_then(|()| self.keys(cells, &input))
            });
            shown.push(input);
        }
        let emails: Vec<&str> = keyed
            .iter()
            .flatten()
            .filter_map(|k| k.email.as_deref())
            .collect();
        let externals: Vec<&str> = keyed
            .iter()
            .flatten()
            .filter_map(|k| k.external.as_deref())
            .collect();
        let names: Vec<String> = keyed
            .iter()
            .zip(&shown)
            .filter(|(k, _)| {
                k.as_ref()
                    .is_ok_and(|k| k.email.is_none() && k.name.is_some())
            })
            .map(|(_, s)| {
                format!("{} {}", s.first_name.trim(), s.last_name.trim())
                    .trim()
                    .to_string()
            })
            .collect();
        // One lookup per key, each on its own index (an OR of them is planned as a scan).
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
        if !names.is_empty() {
            let found: Vec<LeadRecord> = leads::table
                .filter(leads::full_name.eq_any(&names))
                .select(LeadRecord::as_select())
                .load(conn)
                .await?;
            stored.extend(found.into_iter().map(|r| (r.id, r)));
        }
        let mut notes: HashMap<LeadId, HashSet<String>> = HashMap::new();
        if !stored.is_empty() {
            let ids: Vec<LeadId> = stored.keys().copied().collect();
            let found: Vec<(Option<LeadId>, String)> = activities::table
                .filter(activities::lead_id.eq_any(&ids))
                .filter(activities::kind.eq(ActivityKind::Note))
                .filter(activities::subject.eq(DESCRIPTION_NOTE))
                .select((activities::lead_id, activities::body))
                .load(conn)
                .await?;
            for (lead, body) in found {
                if let Some(lead) = lead {
                    notes.entry(lead).or_default().insert(body);
                }
            }
        }
        let mut stored_by_email: HashMap<String, LeadId> = HashMap::new();
        let mut stored_by_external: HashMap<String, LeadId> = HashMap::new();
        let mut stored_by_name: HashMap<(String, String), LeadId> = HashMap::new();
        for r in stored.values() {
            if !r.email.is_empty() {
                stored_by_email.insert(r.email.clone(), r.id);
            }
            if r.external_source.as_deref() == Some(self.external_source.as_str()) {
                if let Some(x) = &r.external_id {
                    stored_by_external.insert(x.clone(), r.id);
                }
            }
            if let Some(key) = name_key(&r.first_name, &r.last_name, &r.company) {
                stored_by_name.entry(key).or_insert(r.id);
            }
        }
        let mut batch = Batch {
            planner: self,
            stored,
            notes,
            stored_by_email,
            stored_by_external,
            stored_by_name,
            pending: Vec::new(),
            by_id: HashMap::new(),
            by_email: HashMap::new(),
            by_external: HashMap::new(),
            by_name: HashMap::new(),
        };
        let mut planned = Vec::with_capacity(rows.len());
        for (((row_number, cells), keys), shown) in rows.iter().zip(keyed).zip(shown) {
            let outcome = match keys.and_then(|k| self.history(cells).map(|h| (k, h))) {
                Ok((keys, history)) => batch.row(cells, keys, history).unwrap_or_else(failure),
                Err(e) => failure(e),
            };
            let outcome = match outcome {
                RowOutcome::Error { field, message, .. } => RowOutcome::Error {
                    value: self.value_of(&field, cells),
                    field,
                    message,
                },
                other => other,
            };
            planned.push(PlannedRow {
                row_number: *row_number,
                outcome,
                name: format!("{} {}", shown.first_name, shown.last_name)
                    .trim()
                    .to_string(),
                email: shown.email,
                company: shown.company,
                values: self.shown_values(cells),
            });
        }
        Ok(batch.finish(planned))
    }
}

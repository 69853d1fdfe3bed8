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

/// Where a row's key points.
#[derive(Clone, Copy, PartialEq)]
enum Hit {
    Pending(usize),
    Stored(LeadId),
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

/// The leads one batch touches, and how rows find them.
struct Batch<'p> {
    planner: &'p Planner,
    stored: HashMap<LeadId, LeadRecord>,
    stored_by_email: HashMap<String, LeadId>,
    stored_by_external: HashMap<String, LeadId>,
    pending: Vec<Pending>,
    by_id: HashMap<LeadId, usize>,
    by_email: HashMap<String, usize>,
    by_external: HashMap<String, usize>,
}

impl Batch<'_> {
    fn find(&self, pending: Option<&usize>, stored: Option<&LeadId>) -> Option<Hit> {
        match (pending, stored) {
            (Some(i), _) => Some(Hit::Pending(*i)),
            (None, Some(id)) => Some(match self.by_id.get(id) {
                Some(i) => Hit::Pending(*i),
                None => Hit::Stored(*id),
            }),
            (None, None) => None,
        }
    }

    fn lead_id(&self, hit: Hit) -> LeadId {
        match hit {
            Hit::Pending(i) => self.pending[i].id,
            Hit::Stored(id) => id,
        }
    }

    fn name_of(&self, id: LeadId) -> String {
        if let Some(r) = self.stored.get(&id) {
            return format!("{} {}", r.first_name, r.last_name)
                .trim()
                .to_string();
        }
        self.by_id
            .get(&id)
            .and_then(|&i| self.pending[i].fields.as_ref())
            .map(|f| {
                format!("{} {}", f.first_name, f.last_name)
                    .trim()
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// Brings a stored lead into the batch.
    fn adopt(&mut self, id: LeadId) -> Result<usize, AppError> {
        if let Some(&i) = self.by_id.get(&id) {
            return Ok(i);
        }
        let record = self
            .stored
            .get(&id)
            .cloned()
            .ok_or_else(|| AppError::not_found("That lead"))?;
        let owner = record.owner_id;
        let stored = Stored::of(record);
        self.pending.push(Pending {
            id,
            input: stored.input.clone(),
            owner,
            fields: None,
            external_id: None,
            before: Some(stored),
        });
        let i = self.pending.len() - 1;
        self.by_id.insert(id, i);
        Ok(i)
    }

    fn row(
        &mut self,
        cells: &[String],
        (email, external): RowKeys,
    ) -> Result<RowOutcome, AppError> {
        let p = self.planner;
        if cells.len() != p.width {
            return Err(AppError::validation(
                "row",
                format!("has {} cells; the header has {}", cells.len(), p.width),
            ));
        }
        let by_external = external
            .as_ref()
            .and_then(|x| self.find(self.by_external.get(x), self.stored_by_external.get(x)));
        let by_email = email
            .as_ref()
            .and_then(|e| self.find(self.by_email.get(e), self.stored_by_email.get(e)));
        if let (Some(a), Some(b)) = (by_external, by_email) {
            if self.lead_id(a) != self.lead_id(b) {
                return Err(AppError::validation(
                    "email",
                    format!(
                        "belongs to the lead {}, but the external id is that of {}",
                        self.name_of(self.lead_id(b)),
                        self.name_of(self.lead_id(a))
                    ),
                ));
            }
        }
        let index = match by_external.or(by_email) {
            Some(hit) if !p.update_existing => {
                return Ok(RowOutcome::Skip {
                    lead_id: self.lead_id(hit),
                })
            }
            Some(Hit::Pending(i)) => Some(i),
            Some(Hit::Stored(id)) => Some(self.adopt(id)?),
            None => None,
        };
        let (base_input, base_owner, before_fields, is_new) = match index {
            Some(i) => {
                let pend = &self.pending[i];
                if let Some(before) = &pend.before {
                    ensure_can_edit(&p.ctx, before.changes.owner_id, "leads")
                        .map_err(|e| AppError::validation("owner", e.to_string()))?;
                }
                let prev = pend
                    .fields
                    .clone()
                    .or_else(|| pend.before.as_ref().map(|b| b.changes.clone()));
                (
                    pend.input.clone(),
                    pend.owner,
                    prev,
                    pend.before.is_none() && pend.fields.is_none(),
                )
            }
            None => (LeadInput::default(), Some(p.ctx.user_id), None, true),
        };
        let mut input = base_input;
        overlay(&mut input, &p.targets, cells);
        let owner = match cell(&p.targets, cells, &ImportTarget::OwnerEmail) {
            Some(e) => Some(*p.members.get(&e.to_lowercase()).ok_or_else(|| {
                AppError::validation(
                    "owner",
                    format!("no member of this organisation has the e-mail {e}"),
                )
            })?),
            None => base_owner,
        };
        if owner != base_owner || is_new {
            ensure_can_assign(&p.ctx, owner).map_err(|e| match e {
                AppError::Validation { message, .. } => AppError::validation("owner", message),
                other => other,
            })?;
        }
        let was_converted = before_fields
            .as_ref()
            .is_some_and(|f| f.status == LeadStatus::Converted);
        if LeadStatus::parse(input.status.trim()) == Some(LeadStatus::Converted) && !was_converted {
            return Err(AppError::validation(
                "status",
                "a lead becomes converted by converting it",
            ));
        }
        let custom = validate_values(&p.defs, &input.custom)?;
        let has_activity = index
            .and_then(|i| self.pending[i].before.as_ref())
            .is_some_and(|b| b.has_activity);
        let cleaned = clean_lead(&input, custom, owner, has_activity)?;
        let this = index.map(|i| self.pending[i].id);
        if !cleaned.email.is_empty() {
            let taken = self
                .find(
                    self.by_email.get(&cleaned.email),
                    self.stored_by_email.get(&cleaned.email),
                )
                .map(|h| self.lead_id(h))
                .filter(|id| Some(*id) != this);
            if let Some(other) = taken {
                return Err(AppError::validation(
                    "email",
                    format!("is already used by the lead {}", self.name_of(other)),
                ));
            }
        }
        if let (Some(x), Some(i)) = (&external, index) {
            if let Some((source, id)) = self.pending[i]
                .before
                .as_ref()
                .and_then(|b| b.external.as_ref())
            {
                if (source.as_str(), id.as_str()) != (p.external_source.as_str(), x.as_str()) {
                    return Err(AppError::validation(
                        "external_id",
                        format!("the lead with this e-mail already has the {source} id {id}"),
                    ));
                }
            }
        }
        // Settled: record it.
        let i = match index {
            Some(i) => i,
            None => {
                self.pending.push(Pending {
                    id: LeadId(Uuid::new_v4()),
                    before: None,
                    input: LeadInput::default(),
                    owner,
                    fields: None,
                    external_id: None,
                });
                let i = self.pending.len() - 1;
                self.by_id.insert(self.pending[i].id, i);
                i
            }
        };
        let gains_external = external.as_ref().is_some_and(|x| {
            self.pending[i].external_id.is_none()
                && self.pending[i]
                    .before
                    .as_ref()
                    .is_none_or(|b| b.external.as_ref().map(|e| &e.1) != Some(x))
        });
        let pend = &mut self.pending[i];
        let id = pend.id;
        let changed = before_fields.as_ref() != Some(&cleaned) || gains_external;
        pend.input = input;
        pend.owner = owner;
        if !cleaned.email.is_empty() {
            self.by_email.insert(cleaned.email.clone(), i);
        }
        if gains_external {
            pend.external_id = external.clone();
        }
        if let Some(x) = external {
            self.by_external.insert(x, i);
        }
        pend.fields = Some(cleaned);
        Ok(if is_new {
            RowOutcome::Create
        } else if changed {
            RowOutcome::Update { lead_id: id }
        } else {
            RowOutcome::Unchanged { lead_id: id }
        })
    }

    /// The writes, and each row's outcome as the batch ends: rows whose changes to a stored
    /// lead cancel out (one row changes a value, a later one changes it back) changed nothing.
    fn finish(self, mut rows: Vec<PlannedRow>) -> Plan {
        let tenant_id = self.planner.ctx.tenant_id;
        let now = Utc::now();
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        let mut unchanged = std::collections::HashSet::new();
        for pend in self.pending {
            let Some(after) = pend.fields else { continue };
            match pend.before {
                None => {
                    let external_id = pend.external_id;
                    inserts.push(NewLead {
                        tenant_id,
                        id: pend.id,
                        fields: after,
                        external_source: external_id
                            .as_ref()
                            .map(|_| self.planner.external_source.clone()),
                        external_id,
                        created_at: now,
                    });
                }
                Some(before) => {
                    if before.changes != after || pend.external_id.is_some() {
                        updates.push(LeadUpdate {
                            id: pend.id,
                            before: before.changes,
                            after,
                            external_id: pend.external_id,
                        });
                    } else {
                        unchanged.insert(pend.id);
                    }
                }
            }
        }
        for row in &mut rows {
            if let RowOutcome::Update { lead_id } = row.outcome {
                if unchanged.contains(&lead_id) {
                    row.outcome = RowOutcome::Unchanged { lead_id };
                }
            }
        }
        Plan {
            rows,
            inserts,
            updates,
        }
    }
}

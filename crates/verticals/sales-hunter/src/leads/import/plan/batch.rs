//! One batch of rows as it is planned: the leads it has met so far (stored or created by an
//! earlier row), each row matched, checked and merged into them, and the batch's writes.

use super::*;

/// Where a row's key points.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Hit {
    Pending(usize),
    Stored(LeadId),
}

/// The leads one batch touches, and how rows find them.
pub(super) struct Batch<'p> {
    pub(super) planner: &'p Planner,
    pub(super) stored: HashMap<LeadId, LeadRecord>,
    /// The description notes of the stored leads.
    pub(super) notes: HashMap<LeadId, HashSet<String>>,
    pub(super) stored_by_email: HashMap<String, LeadId>,
    pub(super) stored_by_external: HashMap<String, LeadId>,
    pub(super) stored_by_name: HashMap<(String, String), LeadId>,
    pub(super) pending: Vec<Pending>,
    pub(super) by_id: HashMap<LeadId, usize>,
    pub(super) by_email: HashMap<String, usize>,
    pub(super) by_external: HashMap<String, usize>,
    pub(super) by_name: HashMap<(String, String), usize>,
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
        let stored = Stored::of(record, self.notes.remove(&id).unwrap_or_default());
        self.pending.push(Pending {
            id,
            input: stored.input.clone(),
            owner,
            fields: None,
            external_id: None,
            dates: None,
            notes: Vec::new(),
            before: Some(stored),
        });
        let i = self.pending.len() - 1;
        self.by_id.insert(id, i);
        Ok(i)
    }

    /// The lead a row's keys find, in the batch or stored: by external id, else by e-mail,
    /// else (a row without an e-mail) by name and company. An error when its external id and
    /// its e-mail find two different leads.
    fn matched(&self, keys: &RowKeys) -> Result<Option<Hit>, AppError> {
        let (email, external) = (keys.email.as_ref(), keys.external.as_ref());
        let by_external = external
            .and_then(|x| self.find(self.by_external.get(x), self.stored_by_external.get(x)));
        let by_email =
            email.and_then(|e| self.find(self.by_email.get(e), self.stored_by_email.get(e)));
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
        let by_name = match (&keys.name, email) {
            (Some(n), None) => self.find(self.by_name.get(n), self.stored_by_name.get(n)),
            _ => None,
        };
        Ok(by_external.or(by_email).or(by_name))
    }

    /// Refuses a row whose cleaned e-mail is another lead's, or whose lead already has an
    /// external id of another source or value.
    fn check_unique(
        &self,
        email: &str,
        index: Option<usize>,
        external: Option<&str>,
    ) -> Result<(), AppError> {
        let this = index.map(|i| self.pending[i].id);
        if !email.is_empty() {
            let taken = self
                .find(self.by_email.get(email), self.stored_by_email.get(email))
                .map(|h| self.lead_id(h))
                .filter(|id| Some(*id) != this);
            if let Some(other) = taken {
                return Err(AppError::validation(
                    "email",
                    format!("is already used by the lead {}", self.name_of(other)),
                ));
            }
        }
        if let (Some(x), Some(i)) = (external, index) {
            if let Some((source, id)) = self.pending[i]
                .before
                .as_ref()
                .and_then(|b| b.external.as_ref())
            {
                if (source.as_str(), id.as_str()) != (self.planner.external_source.as_str(), x) {
                    return Err(AppError::validation(
                        "external_id",
                        format!("the lead with this e-mail already has the {source} id {id}"),
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn row(
        &mut self,
        cells: &[String],
        keys: RowKeys,
        history: History,
    ) -> Result<RowOutcome, AppError> {
        let p = self.planner;
        let index = match self.matched(&keys)? {
            Some(hit) if !p.update_existing => {
                return Ok(RowOutcome::Skip {
                    lead_id: self.lead_id(hit),
                })
            }
            Some(Hit::Pending(i)) => Some(i),
            Some(Hit::Stored(id)) => Some(self.adopt(id)?),
            None => None,
        };
        let (base_input, base_owner, before_fields, before_dates, is_new) = match index {
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
                let dates = pend.dates.or_else(|| pend.before.as_ref().map(|b| b.dates));
                (
                    pend.input.clone(),
                    pend.owner,
                    prev,
                    dates,
                    pend.before.is_none() && pend.fields.is_none(),
                )
            }
            None => (LeadInput::default(), Some(p.ctx.user_id), None, None, true),
        };
        let mut input = base_input;
        p.overlay(&mut input, cells)?;
        let owner = match p.cell(cells, &ImportTarget::OwnerEmail) {
            Some(cell) => Some(p.members.find(cell)?),
            None => base_owner,
        };
        if owner != base_owner || is_new {
            ensure_can_assign(&p.ctx, owner).map_err(|e| match e {
                AppError::Validation { message, .. } => AppError::validation("owner", message),
                other => other,
            })?;
        }
        let custom = validate_values(&p.defs, &input.custom)?;
        let cleaned = clean_lead(&input, custom, owner)?;
        self.check_unique(&cleaned.email, index, keys.external.as_deref())?;
        // History: a converted lead stays converted, with its date when the file gives one.
        let created = history
            .created_at
            .or(before_dates.map(|d| d.0))
            .unwrap_or_else(Utc::now);
        let converted = match (cleaned.status, history.converted_at) {
            (LeadStatus::Converted, Some(at)) => Some(at),
            _ => before_dates.and_then(|d| d.1),
        };
        let dates = (created, converted);
        let dates_changed = before_dates.is_some_and(|d| d != dates);
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
                    dates: None,
                    notes: Vec::new(),
                });
                let i = self.pending.len() - 1;
                self.by_id.insert(self.pending[i].id, i);
                i
            }
        };
        let external = keys.external;
        let gains_external = external.as_ref().is_some_and(|x| {
            self.pending[i].external_id.is_none()
                && self.pending[i]
                    .before
                    .as_ref()
                    .is_none_or(|b| b.external.as_ref().map(|e| &e.1) != Some(x))
        });
        let pend = &mut self.pending[i];
        let id = pend.id;
        let note_added = history.description.is_some_and(|d| {
            let known = pend.notes.contains(&d)
                || pend.before.as_ref().is_some_and(|b| b.notes.contains(&d));
            if !known {
                pend.notes.push(d);
            }
            !known
        });
        let changed = before_fields.as_ref() != Some(&cleaned)
            || gains_external
            || dates_changed
            || note_added;
        pend.input = input;
        pend.owner = owner;
        pend.dates = Some(dates);
        if !cleaned.email.is_empty() {
            self.by_email.insert(cleaned.email.clone(), i);
        }
        if let Some(key) = name_key(&cleaned.first_name, &cleaned.last_name, &cleaned.company) {
            self.by_name.insert(key, i);
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
    pub(super) fn finish(self, mut rows: Vec<PlannedRow>) -> Plan {
        let tenant_id = self.planner.ctx.tenant_id;
        let now = Utc::now();
        let mut inserts = Vec::new();
        let mut updates = Vec::new();
        let mut notes = Vec::new();
        let mut unchanged = HashSet::new();
        for pend in self.pending {
            let Some(after) = pend.fields else { continue };
            let dates = pend.dates.unwrap_or((now, None));
            notes.extend(pend.notes.into_iter().map(|body| NewNote {
                lead_id: pend.id,
                body,
                at: dates.0,
            }));
            let noted = notes.last().is_some_and(|n| n.lead_id == pend.id);
            match pend.before {
                None => {
                    let external_id = pend.external_id;
                    inserts.push(NewLead {
                        tenant_id,
                        id: pend.id,
                        fields: after,
                        score: 0,
                        score_breakdown: serde_json::json!([]),
                        external_source: external_id
                            .as_ref()
                            .map(|_| self.planner.external_source.clone()),
                        external_id,
                        created_at: dates.0,
                        converted_at: dates.1,
                    });
                }
                Some(before) => {
                    let dates = (before.dates != dates).then_some((before.dates, dates));
                    if before.changes != after || pend.external_id.is_some() || dates.is_some() {
                        updates.push(LeadUpdate {
                            id: pend.id,
                            before: before.changes,
                            after,
                            external_id: pend.external_id,
                            dates,
                        });
                    } else if !noted {
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
            notes,
        }
    }
}

//! The import job: a batch of rows per transaction, which also moves the cursor and the
//! counters — so a worker killed midway loses nothing and doubles nothing: the next run
//! starts after the last committed batch.

use super::plan::{Members, Plan, Planner, DESCRIPTION_NOTE};
use super::{load_import, texts, ImportRecord};
use crate::actions;
use crate::activities::NewActivity;
use crate::custom_fields::definitions;
use chrono::Utc;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::activity::{ActivityKind, Subject};
use models::sales::custom_field::CustomObject;
use models::sales::lead_import::{resolve_new_fields, validate_mapping, ImportState, RowOutcome};
use models::{ActivityId, LeadImportId, TenantId, UserId};
use platform::audit::{changes, NewAuditEntry};
use platform::db::schema::{
    activities, lead_import_errors, lead_import_rows, lead_imports, leads, memberships, users,
};
use platform::db::Conn;
use platform::jobs::{Job, JobContext};
use platform::{Error, RequestContext};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use uuid::Uuid;

/// Rows per transaction.
pub const IMPORT_BATCH: i64 = 500;

/// Imports the rows of one started import.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ImportLeads {
    pub import_id: LeadImportId,
}

impl Job for ImportLeads {
    const KIND: &'static str = "sales.import_leads";
    const MAX_ATTEMPTS: i32 = 5;
    type Deps = ();

    async fn run(self, _: &(), job: &JobContext) -> Result<(), Error> {
        let tenant = job
            .tenant_id
            .ok_or_else(|| Error::Corrupt("an import job without a tenant".into()))?;
        loop {
            let step = job
                .db
                .tenant_tx(tenant, async |conn| {
                    import_batch(conn, tenant, self.import_id, job.id).await
                })
                .await;
            match step {
                Ok(true) => return Ok(()),
                Ok(false) => {}
                Err(e) => {
                    if job.is_last_attempt() {
                        tracing::error!(import = %self.import_id.0, error = %e, "a lead import gave up");
                        let reason = "an error on our side stopped it after several attempts; \
                                      the rows imported before it are kept";
                        if let Err(e) = job
                            .db
                            .tenant_tx(tenant, async |conn| {
                                fail(conn, self.import_id, reason).await
                            })
                            .await
                        {
                            tracing::error!(error = %e, "could not mark a lead import failed");
                        }
                    }
                    return Err(e);
                }
            }
        }
    }
}

/// Marks an import failed with a reason the page shows.
async fn fail(conn: &mut Conn, id: LeadImportId, reason: &str) -> Result<(), Error> {
    diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
        .set((
            lead_imports::state.eq(ImportState::Failed),
            lead_imports::error.eq(reason),
            lead_imports::finished_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The planner for an import's mapping, as the tenant's fields and members are now. Columns
/// still to become new custom fields (while mapping) are read as those fields will be.
pub(super) async fn planner(
    conn: &mut Conn,
    ctx: RequestContext,
    import: &ImportRecord,
) -> Result<Planner, Error> {
    let mut defs = definitions(conn, CustomObject::Lead).await?;
    let headers = import.headers();
    let (mapping, new) = resolve_new_fields(&headers, &import.mapping(), &defs)?;
    defs.extend(new);
    let targets = validate_mapping(&headers, &mapping, &defs)?;
    let people: Vec<(String, String, UserId)> = memberships::table
        .inner_join(users::table)
        .select((users::email, users::name, users::id))
        .load(conn)
        .await?;
    let mut members = Members::default();
    for (email, name, id) in people {
        members.by_email.insert(email.to_lowercase(), id);
        members
            .by_name
            .entry(name.trim().to_lowercase())
            .and_modify(|seen| {
                if *seen != Some(id) {
                    *seen = None;
                }
            })
            .or_insert(Some(id));
    }
    Ok(Planner {
        ctx,
        width: headers.len(),
        headers,
        targets,
        defs,
        members,
        external_source: import.external_source.clone(),
        update_existing: import.update_existing,
        number_format: import.number_format,
    })
}

/// Imports the next batch; true when the import has nothing more to do.
async fn import_batch(
    conn: &mut Conn,
    tenant_id: TenantId,
    id: LeadImportId,
    job_id: i64,
) -> Result<bool, Error> {
    let Ok(import) = load_import(conn, id, true).await else {
        return Ok(true); // deleted meanwhile
    };
    if !import.state.is_active() {
        return Ok(true);
    }
    let Some(ctx) = (match import.created_by {
        Some(user) => platform::members::acting_member(conn, tenant_id, user, job_id).await?,
        None => None,
    }) else {
        fail(
            conn,
            id,
            "the member who started it has left the organisation",
        )
        .await?;
        return Ok(true);
    };
    let planner = match planner(conn, ctx, &import).await {
        Ok(p) => p,
        Err(Error::App(e)) => {
            fail(conn, id, &e.to_string()).await?;
            return Ok(true);
        }
        Err(e) => return Err(e),
    };
    // The lookups bind arrays of keys: plan them for the values, not generically.
    platform::db::plan_for_values(conn).await?;
    let rows: Vec<(i32, Vec<Option<String>>)> = lead_import_rows::table
        .filter(lead_import_rows::import_id.eq(id))
        .filter(lead_import_rows::row_number.gt(import.last_row))
        .order(lead_import_rows::row_number)
        .limit(IMPORT_BATCH)
        .select((lead_import_rows::row_number, lead_import_rows::cells))
        .load(conn)
        .await?;
    let Some(last) = rows.last().map(|r| r.0) else {
        diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
            .set((
                lead_imports::state.eq(ImportState::Done),
                lead_imports::finished_at.eq(Utc::now()),
            ))
            .execute(conn)
            .await?;
        diesel::delete(lead_import_rows::table.filter(lead_import_rows::import_id.eq(id)))
            .execute(conn)
            .await?;
        return Ok(true);
    };
    let rows: Vec<(i32, Vec<String>)> = rows.into_iter().map(|(n, c)| (n, texts(&c))).collect();
    let plan = planner.plan(conn, &rows).await?;
    let counts = apply(conn, &planner.ctx, &import, &rows, plan).await?;
    diesel::update(lead_imports::table.filter(lead_imports::id.eq(id)))
        .set((
            lead_imports::state.eq(ImportState::Running),
            lead_imports::last_row.eq(last),
            lead_imports::started_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(started_at, now())")),
            lead_imports::created_count.eq(lead_imports::created_count + counts[0]),
            lead_imports::updated_count.eq(lead_imports::updated_count + counts[1]),
            lead_imports::unchanged_count.eq(lead_imports::unchanged_count + counts[2]),
            lead_imports::failed_count.eq(lead_imports::failed_count + counts[3]),
        ))
        .execute(conn)
        .await?;
    Ok(false)
}

#[derive(Insertable)]
#[diesel(table_name = lead_import_errors, check_for_backend(diesel::pg::Pg))]
struct NewImportError {
    tenant_id: TenantId,
    import_id: LeadImportId,
    row_number: i32,
    field: String,
    message: String,
    cells: Vec<Option<String>>,
    value: String,
}

/// Writes a batch's plan: new leads, changed leads (their created and converted times too),
/// descriptions as notes, an audit entry for each, and the rows that failed. Gives the counts
/// [created, updated, unchanged or skipped, failed].
async fn apply(
    conn: &mut Conn,
    ctx: &RequestContext,
    import: &ImportRecord,
    rows: &[(i32, Vec<String>)],
    plan: Plan,
) -> Result<[i32; 4], Error> {
    let via = serde_json::json!(import.id);
    let mut audit = Vec::with_capacity(plan.inserts.len() + plan.updates.len());
    for lead in &plan.inserts {
        audit.push(
            NewAuditEntry::by(ctx, actions::LEAD_CREATED)
                .target("lead", lead.id)
                .details(serde_json::json!({ "import": via, "lead": lead.fields })),
        );
    }
    // Every lead the batch wrote or noted on is scored again before the batch commits.
    let mut scored: Vec<Uuid> = plan
        .inserts
        .iter()
        .map(|l| l.id.0)
        .chain(plan.updates.iter().map(|u| u.id.0))
        .chain(plan.notes.iter().map(|n| n.lead_id.0))
        .collect();
    scored.sort_unstable();
    scored.dedup();
    if !plan.inserts.is_empty() {
        diesel::insert_into(leads::table)
            .values(plan.inserts)
            .execute(conn)
            .await?;
    }
    let now = Utc::now();
    for u in &plan.updates {
        let target = leads::table.filter(leads::id.eq(u.id));
        diesel::update(target)
            .set((&u.after, leads::updated_at.eq(now)))
            .execute(conn)
            .await?;
        let mut diff = changes(&u.before, &u.after, &["score_breakdown"]);
        if let Some(x) = &u.external_id {
            diesel::update(target)
                .set((
                    leads::external_source.eq(&import.external_source),
                    leads::external_id.eq(x),
                ))
                .execute(conn)
                .await?;
            diff["external_id"] = serde_json::json!({ "from": null, "to": x });
        }
        if let Some(((created, converted), (created_to, converted_to))) = u.dates {
            diesel::update(target)
                .set((
                    leads::created_at.eq(created_to),
                    leads::converted_at.eq(converted_to),
                ))
                .execute(conn)
                .await?;
            if created != created_to {
                diff["created_at"] = serde_json::json!({ "from": created, "to": created_to });
            }
            if converted != converted_to {
                diff["converted_at"] = serde_json::json!({ "from": converted, "to": converted_to });
            }
        }
        diff["import"] = via.clone();
        audit.push(
            NewAuditEntry::by(ctx, actions::LEAD_UPDATED)
                .target("lead", u.id)
                .details(diff),
        );
    }
    // Descriptions become notes dated with the lead's creation, by no one: they are history
    // the file brought, not someone's work now, so they neither credit a member's activity
    // nor count as the lead's first response.
    let notes: Vec<(ActivityId, &super::plan::NewNote)> = plan
        .notes
        .iter()
        .map(|n| (ActivityId(Uuid::new_v4()), n))
        .collect();
    if !notes.is_empty() {
        let rows: Vec<NewActivity> = notes
            .iter()
            .map(|(id, n)| NewActivity {
                tenant_id: ctx.tenant_id,
                id: *id,
                kind: ActivityKind::Note,
                subject: DESCRIPTION_NOTE,
                body: &n.body,
                outcome: "",
                occurred_at: n.at,
                user_id: None,
                lead_id: Some(n.lead_id),
                contact_id: None,
                account_id: None,
                opportunity_id: None,
            })
            .collect();
        diesel::insert_into(activities::table)
            .values(rows)
            .execute(conn)
            .await?;
        for (id, n) in &notes {
            audit.push(
                NewAuditEntry::by(ctx, actions::ACTIVITY_LOGGED)
                    .target("activity", *id)
                    .details(serde_json::json!({
                        "about": Subject::Lead(n.lead_id),
                        "kind": ActivityKind::Note,
                        "subject": DESCRIPTION_NOTE,
                        "import": via,
                    })),
            );
        }
    }
    crate::prospector::rescore_leads(conn, &scored).await?;
    NewAuditEntry::record_all(&audit, conn).await?;
    let cells: HashMap<i32, &Vec<String>> = rows.iter().map(|(n, c)| (*n, c)).collect();
    let mut counts = [0; 4];
    let mut errors = Vec::new();
    for row in plan.rows {
        let slot = match row.outcome {
            RowOutcome::Create => 0,
            RowOutcome::Update { .. } => 1,
            RowOutcome::Unchanged { .. } | RowOutcome::Skip { .. } => 2,
            RowOutcome::Error {
                field,
                message,
                value,
            } => {
                errors.push(NewImportError {
                    tenant_id: ctx.tenant_id,
                    import_id: import.id,
                    row_number: row.row_number,
                    field,
                    message,
                    value,
                    cells: cells
                        .get(&row.row_number)
                        .map(|c| super::to_texts(c))
                        .unwrap_or_default(),
                });
                3
            }
        };
        counts[slot] += 1;
    }
    if !errors.is_empty() {
        diesel::insert_into(lead_import_errors::table)
            .values(errors)
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
    }
    Ok(counts)
}

//! What the Qualifier reads and keeps: a subject's notes and activities (the sources), the
//! newest model extraction, and reps' overrides (append-only; the newest per criterion
//! applies, `cleared` hands it back).

use super::rules::{Finding, Source};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::qualifier::{Criterion, CriterionState, Override};
use models::agents::run::{RunSubject, SubjectKind};
use models::{AgentRunId, AppError, UserId};
use platform::db::schema::{
    activities, leads, opportunities, qualification_extractions as qe,
    qualification_overrides as qo,
};
use platform::db::Conn;
use platform::Error;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The most sources one qualification reads (the newest).
const MAX_SOURCES: i64 = 200;

/// What the Qualifier needs of its subject.
pub struct SubjectInfo {
    pub name: String,
    /// The lead whose notes count: the lead itself, or the lead a deal was converted from.
    pub lead: Option<Uuid>,
    pub owner: Option<UserId>,
}

/// The subject as this tenant sees it; not found when it does not exist here.
pub async fn subject_info(conn: &mut Conn, subject: RunSubject) -> Result<SubjectInfo, Error> {
    let id = subject
        .id
        .ok_or_else(|| AppError::validation("subject", "Choose a lead or a deal."))?;
    let row: Option<(String, Option<Uuid>, Option<Uuid>)> = match subject.kind {
        SubjectKind::Lead => leads::table
            .filter(leads::id.eq(id))
            .select((leads::full_name, leads::id.nullable(), leads::owner_id))
            .first(conn)
            .await
            .optional()?,
        SubjectKind::Opportunity => opportunities::table
            .filter(opportunities::id.eq(id))
            .select((
                opportunities::name,
                opportunities::lead_id,
                opportunities::owner_id,
            ))
            .first(conn)
            .await
            .optional()?,
        SubjectKind::Tenant => {
            return Err(
                AppError::validation("subject", "The Qualifier works on a lead or a deal.").into(),
            )
        }
    };
    let (name, lead, owner) = row.ok_or_else(|| {
        AppError::not_found(if subject.kind == SubjectKind::Lead {
            "That lead"
        } else {
            "That deal"
        })
    })?;
    Ok(SubjectInfo {
        name,
        lead,
        owner: owner.map(UserId),
    })
}

/// The subject's activities (a deal's own and its lead's), newest first.
pub async fn sources(
    conn: &mut Conn,
    subject: RunSubject,
    lead: Option<Uuid>,
) -> Result<Vec<Source>, Error> {
    let id = subject.id.unwrap_or_default();
    let mut q = activities::table.into_boxed();
    q = match (subject.kind, lead) {
        (SubjectKind::Opportunity, Some(lead)) => q.filter(
            activities::opportunity_id
                .eq(id)
                .or(activities::lead_id.eq(lead)),
        ),
        (SubjectKind::Opportunity, None) => q.filter(activities::opportunity_id.eq(id)),
        _ => q.filter(activities::lead_id.eq(id)),
    };
    let rows: Vec<(Uuid, chrono::DateTime<chrono::Utc>, String, String, String)> = q
        .order((activities::occurred_at.desc(), activities::id.desc()))
        .limit(MAX_SOURCES)
        .select((
            activities::id,
            activities::occurred_at,
            activities::subject,
            activities::body,
            activities::outcome,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, subject, body, outcome)| {
            let text = [subject, body, outcome]
                .into_iter()
                .filter(|t| !t.trim().is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            Source { id, at, text }
        })
        .collect())
}

/// One criterion as a model stated it, with its evidence resolved to an activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredFinding {
    pub criterion: Criterion,
    pub state: CriterionState,
    pub confidence: u8,
    pub activity_id: Option<Uuid>,
    pub quote: String,
    pub at: Option<chrono::DateTime<chrono::Utc>>,
}

impl StoredFinding {
    pub fn finding(&self) -> Finding {
        Finding {
            criterion: self.criterion,
            state: self.state,
            confidence: self.confidence,
            evidence: match (self.activity_id, self.at) {
                (Some(id), Some(at)) => Some((id, at, self.quote.clone())),
                _ => None,
            },
        }
    }
}

/// A model's extraction: its findings and the questions it suggests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub criteria: Vec<StoredFinding>,
    pub questions: Vec<String>,
}

fn subject_filter(subject: RunSubject) -> (Option<Uuid>, Option<Uuid>) {
    match subject.kind {
        SubjectKind::Opportunity => (None, subject.id),
        _ => (subject.id, None),
    }
}

pub async fn insert_extraction(
    conn: &mut Conn,
    tenant: models::TenantId,
    subject: RunSubject,
    run: AgentRunId,
    extraction: &Extraction,
) -> Result<(), Error> {
    let (lead, opp) = subject_filter(subject);
    diesel::insert_into(qe::table)
        .values((
            qe::tenant_id.eq(tenant.0),
            qe::id.eq(Uuid::new_v4()),
            qe::lead_id.eq(lead),
            qe::opportunity_id.eq(opp),
            qe::run_id.eq(run.0),
            qe::criteria.eq(serde_json::to_value(&extraction.criteria).unwrap_or_default()),
            qe::questions.eq(serde_json::to_value(&extraction.questions).unwrap_or_default()),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// The newest model extraction of the subject, with its run and time.
pub async fn latest_extraction(
    conn: &mut Conn,
    subject: RunSubject,
) -> Result<Option<(Extraction, AgentRunId, chrono::DateTime<chrono::Utc>)>, Error> {
    let (lead, opp) = subject_filter(subject);
    let mut q = qe::table.into_boxed();
    q = match (lead, opp) {
        (Some(l), _) => q.filter(qe::lead_id.eq(l)),
        (_, o) => q.filter(qe::opportunity_id.eq(o.unwrap_or_default())),
    };
    let row: Option<(
        serde_json::Value,
        serde_json::Value,
        Uuid,
        chrono::DateTime<chrono::Utc>,
    )> = q
        .order(qe::created_at.desc())
        .select((qe::criteria, qe::questions, qe::run_id, qe::created_at))
        .first(conn)
        .await
        .optional()?;
    row.map(|(criteria, questions, run, at)| {
        let extraction = Extraction {
            criteria: serde_json::from_value(criteria).map_err(|e| {
                Error::Corrupt(format!("a stored qualification does not read: {e}"))
            })?,
            questions: serde_json::from_value(questions).unwrap_or_default(),
        };
        Ok((extraction, AgentRunId(run), at))
    })
    .transpose()
}

/// (criterion, state, note, by, at)
type OverrideRow = (
    String,
    String,
    String,
    Option<Uuid>,
    chrono::DateTime<chrono::Utc>,
);

/// The override in force per criterion (none where the newest one cleared it).
pub async fn overrides(
    conn: &mut Conn,
    subject: RunSubject,
) -> Result<Vec<(Criterion, Override)>, Error> {
    let (lead, opp) = subject_filter(subject);
    let mut q = qo::table.into_boxed();
    q = match (lead, opp) {
        (Some(l), _) => q.filter(qo::lead_id.eq(l)),
        (_, o) => q.filter(qo::opportunity_id.eq(o.unwrap_or_default())),
    };
    let rows: Vec<OverrideRow> = q
        .order((qo::created_at.desc(), qo::id.desc()))
        .select((
            qo::criterion,
            qo::state,
            qo::note,
            qo::created_by,
            qo::created_at,
        ))
        .load(conn)
        .await?;
    let names = platform::members::member_names(conn).await?;
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for (criterion, state, note, by, at) in rows {
        let Some(c) = Criterion::parse(&criterion) else {
            continue;
        };
        if seen.contains(&c) {
            continue;
        }
        seen.push(c);
        if let Some(state) = CriterionState::parse(&state) {
            let by = by
                .and_then(|u| names.get(&UserId(u)).cloned())
                .unwrap_or_else(|| "A former member".into());
            out.push((
                c,
                Override {
                    state,
                    note,
                    by,
                    at,
                },
            ));
        }
    }
    Ok(out)
}

/// Records a rep's ruling (`None` clears the criterion's override).
pub async fn insert_override(
    conn: &mut Conn,
    ctx: &platform::RequestContext,
    subject: RunSubject,
    criterion: Criterion,
    state: Option<CriterionState>,
    note: &str,
) -> Result<(), Error> {
    let (lead, opp) = subject_filter(subject);
    diesel::insert_into(qo::table)
        .values((
            qo::tenant_id.eq(ctx.tenant_id.0),
            qo::id.eq(Uuid::new_v4()),
            qo::lead_id.eq(lead),
            qo::opportunity_id.eq(opp),
            qo::criterion.eq(criterion.as_str()),
            qo::state.eq(state.map_or("cleared", |s| s.as_str())),
            qo::note.eq(note),
            qo::created_by.eq(Some(ctx.user_id.0)),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

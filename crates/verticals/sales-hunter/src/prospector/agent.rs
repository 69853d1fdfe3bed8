//! The Prospector as an agent run: the score from the core (never from a model) and a
//! research brief — written from the core by the built-in provider, or by a model from
//! the same fenced facts.

use super::core::{score_lead, LeadFacts, Scored, Touch};
use super::{default_config, rescore, start_bulk_rescore};
use crate::agent_scopes::{recent, scope, unknown_scope, Records};
use crate::leads::load_lead;
use agents::{
    narrative, typed_config, validated_config, Agent, Applied, BoxFuture, BulkRecords, Prepared,
};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::{BulkScope, WorkflowEvent};
use models::agents::icp::ProspectorConfig;
use models::agents::run::{RunSubject, SubjectKind};
use models::agents::AgentKind;
use models::{AppError, LeadId};
use platform::db::schema::activities;
use platform::db::Conn;
use platform::Error;
use serde_json::{json, Map, Value};

pub struct Prospector;

/// What we do not know about the lead yet.
fn gaps(lead: &crate::leads::LeadRecord, cfg: &ProspectorConfig) -> Vec<String> {
    let mut gaps = Vec::new();
    for (missing, what) in [
        (lead.email.is_empty(), "an e-mail address"),
        (lead.phone.is_empty(), "a phone number"),
        (lead.title.is_empty(), "their title"),
        (lead.company.is_empty(), "their company"),
        (lead.industry.is_empty(), "the company's industry"),
        (lead.employee_count.is_none(), "the company's size"),
        (lead.country.is_empty(), "their country"),
        (
            !cfg.icp.revenue_field.is_empty() && lead.custom.get(&cfg.icp.revenue_field).is_none(),
            "the company's revenue",
        ),
    ] {
        if missing {
            gaps.push(what.to_string());
        }
    }
    gaps
}

fn angle(scored: &Scored, touches: &[Touch]) -> String {
    if let Some(signal) = scored
        .reasons
        .iter()
        .find(|r| r.label.starts_with("buying signal"))
    {
        return format!(
            "Follow up on the {} — they raised it themselves.",
            signal.label.trim_start_matches("buying signal: ")
        );
    }
    if let Some(latest) = touches.iter().max_by_key(|t| t.at) {
        return format!(
            "Pick up from the last {} on {} and ask what changed since.",
            latest.kind,
            latest.at.format("%-d %b")
        );
    }
    match scored
        .reasons
        .iter()
        .filter(|r| r.group == "fit" && r.points > 0)
        .max_by_key(|r| r.points)
    {
        Some(best) => format!(
            "Open with why teams like theirs buy from us: {}.",
            best.label
        ),
        None => "Qualify first: little of the profile is known yet.".to_string(),
    }
}

fn builtin_brief(
    lead: &crate::leads::LeadRecord,
    scored: &Scored,
    gaps: &[String],
    touches: &[Touch],
) -> String {
    let name = format!("{} {}", lead.first_name, lead.last_name)
        .trim()
        .to_string();
    let mut who = name;
    if !lead.title.is_empty() {
        who.push_str(&format!(", {}", lead.title));
    }
    if !lead.company.is_empty() {
        who.push_str(&format!(" at {}", lead.company));
    }
    let mut about: Vec<String> = Vec::new();
    if !lead.industry.is_empty() {
        about.push(lead.industry.clone());
    }
    if let Some(n) = lead.employee_count {
        about.push(format!("{n} employees"));
    }
    if !lead.country.is_empty() {
        about.push(lead.country.clone());
    }
    let about = if about.is_empty() {
        String::new()
    } else {
        format!(" ({})", about.join(", "))
    };
    let gaps = if gaps.is_empty() {
        "nothing essential.".to_string()
    } else {
        format!("{}.", gaps.join(", "))
    };
    format!(
        "What we know: {who}{about}. Score {} ({}): fit {}, engagement {}.\nGaps to fill: {gaps}\nSuggested first angle: {}",
        scored.score,
        scored.grade,
        scored.fit,
        scored.engagement,
        angle(scored, touches)
    )
}

async fn recent_touches(conn: &mut Conn, id: LeadId) -> Result<Vec<Touch>, Error> {
    let rows: Vec<(String, chrono::DateTime<chrono::Utc>, String, String)> = activities::table
        .filter(activities::lead_id.eq(id.0))
        .order(activities::occurred_at.desc())
        .limit(50)
        .select((
            activities::kind,
            activities::occurred_at,
            activities::subject,
            activities::body,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(kind, at, subject, body)| Touch {
            kind,
            at,
            text: format!("{subject} {body}"),
        })
        .collect())
}

fn sample_lead() -> Value {
    json!({"name": "Ada Lovelace", "title": "VP Sales", "company": "Acme", "industry": "Fintech",
           "employees": 250, "country": "Germany", "source": "Referral", "status": "working"})
}

/// What a bulk run of briefs can cover: (key, label, lowest grade).
const SCOPES: [(&str, &str, char); 3] = [
    ("grade_a", "Open leads graded A", 'A'),
    ("grade_ab", "Open leads graded A or B", 'B'),
    ("open_leads", "Every open lead", 'D'),
];

/// A scope's leads, by the grade bands of the profile in use.
async fn records(conn: &mut Conn, key: &str) -> Result<Records, Error> {
    let bands = super::load_config(conn).await?.scoring;
    let min_score = match SCOPES.iter().find(|(k, _, _)| *k == key).map(|s| s.2) {
        Some('A') => bands.grade_a,
        Some('B') => bands.grade_b,
        Some(_) => 0,
        None => return Err(unknown_scope()),
    };
    Ok(Records::OpenLeads {
        min_score: i16::from(min_score),
    })
}

impl Agent for Prospector {
    fn kind(&self) -> AgentKind {
        AgentKind::Prospector
    }

    fn bulk_scopes(&self) -> Vec<BulkScope> {
        SCOPES.iter().map(|(k, l, _)| scope(k, *l)).collect()
    }

    fn bulk_records<'a>(
        &'a self,
        conn: &'a mut Conn,
        scope: &'a str,
    ) -> BoxFuture<'a, Result<Box<dyn BulkRecords>, Error>> {
        Box::pin(async move { Ok(Box::new(records(conn, scope).await?) as Box<dyn BulkRecords>) })
    }

    fn preview_subjects<'a>(
        &'a self,
        conn: &'a mut Conn,
    ) -> BoxFuture<'a, Result<Vec<(RunSubject, String)>, Error>> {
        Box::pin(async move { recent(conn, SubjectKind::Lead, 10).await })
    }

    fn workflow_events(&self) -> &'static [WorkflowEvent] {
        &[WorkflowEvent::LeadCreated]
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(default_config()).unwrap_or_default()
    }

    fn validate(&self, config: &Value) -> Result<Value, AppError> {
        validated_config(config, ProspectorConfig::validate)
    }

    fn sample_variables(&self) -> Map<String, Value> {
        let mut vars = Map::new();
        vars.insert("lead".into(), sample_lead());
        vars.insert("score".into(), json!({"score": 81, "grade": "A", "fit": 100, "engagement": 35, "reasons": ["+20 industry: Fintech"]}));
        vars.insert("gaps".into(), json!(["a phone number"]));
        vars.insert(
            "activities".into(),
            json!([{"kind": "call", "on": "2026-12-01", "text": "Asked about pricing"}]),
        );
        vars
    }

    fn prepare<'a>(
        &'a self,
        conn: &'a mut Conn,
        _tenant: models::TenantId,
        config: &'a Value,
        subject: RunSubject,
    ) -> BoxFuture<'a, Result<Prepared, Error>> {
        Box::pin(async move {
            let (SubjectKind::Lead, Some(id)) = (subject.kind, subject.id) else {
                return Err(
                    AppError::validation("subject", "The Prospector works on a lead.").into(),
                );
            };
            let cfg = typed_config::<ProspectorConfig>(config)?;
            let lead = load_lead(conn, LeadId(id), false).await?;
            let touches = recent_touches(conn, lead.id).await?;
            let facts = LeadFacts {
                title: lead.title.clone(),
                company: lead.company.clone(),
                industry: lead.industry.clone(),
                country: lead.country.clone(),
                employee_count: lead.employee_count,
                custom: lead.custom.clone(),
            };
            let scored = score_lead(&cfg, &facts, &touches, chrono::Utc::now());
            let gaps = gaps(&lead, &cfg);
            let name = format!("{} {}", lead.first_name, lead.last_name)
                .trim()
                .to_string();
            let lead_vars = json!({
                "name": name, "title": lead.title, "company": lead.company, "industry": lead.industry,
                "employees": lead.employee_count, "country": lead.country, "source": lead.source,
                "status": lead.status.as_str(), "custom": lead.custom,
            });
            let reasons: Vec<String> = scored
                .reasons
                .iter()
                .map(|r| format!("{:+} {}", r.points, r.label))
                .collect();
            let score = json!({"score": scored.score, "grade": scored.grade, "fit": scored.fit,
                               "engagement": scored.engagement, "reasons": reasons});
            let recent: Vec<Value> = touches
                .iter()
                .take(10)
                .map(|t| {
                    json!({"kind": t.kind, "on": t.at.format("%Y-%m-%d").to_string(),
                                "text": t.text.chars().take(300).collect::<String>()})
                })
                .collect();
            let mut variables = Map::new();
            variables.insert("lead".into(), lead_vars.clone());
            variables.insert("score".into(), score.clone());
            variables.insert("gaps".into(), json!(gaps));
            variables.insert("activities".into(), json!(recent));
            Ok(Prepared {
                subject_name: name,
                inputs: json!({"lead": lead_vars, "activities": recent, "profile_max_fit": cfg.max_fit()}),
                core: score,
                builtin_answer: builtin_brief(&lead, &scored, &gaps, &touches),
                variables,
                output: None,
            })
        })
    }

    fn parse(&self, prepared: &Prepared, answer: &str) -> Result<Value, String> {
        let mut output = narrative(answer, "brief")?;
        // The score stays the core's: whatever the text says, these numbers are the ones kept.
        output["score"] = prepared.core.clone();
        Ok(output)
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut Conn,
        run: Applied<'a>,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            if let Some(id) = run.subject.id {
                rescore::rescore_leads(conn, &[id]).await?;
            }
            Ok(())
        })
    }

    fn after_save<'a>(
        &'a self,
        conn: &'a mut Conn,
        ctx: &'a platform::RequestContext,
        version: i32,
        _config: &'a Value,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            start_bulk_rescore(conn, ctx.tenant_id, version).await?;
            Ok(())
        })
    }
}

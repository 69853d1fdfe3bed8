//! The Qualifier: BANT and MEDDPICC per lead and deal. The rules (`rules.rs`) read every
//! criterion from the subject's notes and activities on each view; a model, when the tenant
//! configures one, extracts them as schema-checked JSON in an agent run (`agent.rs`) whose
//! result is kept; a rep can override any criterion (kept, shown, and clearable). The
//! verdict and the next questions follow from the states by rules (`verdict.rs`).

pub mod agent;
pub mod eval;
pub mod manage;
pub mod rules;
pub mod store;
#[cfg(test)]
mod tests;
pub mod verdict;

pub use agent::Qualifier;

use models::agents::qualifier::{
    Assessment, Criterion, CriterionState, Evidence, Framework, Origin, Override, Qualification,
    QualifierConfig,
};
use models::agents::run::RunSubject;
use models::agents::settings::{CommonSettings, ModelSettings};
use models::agents::AgentKind;
use models::AgentRunId;
use platform::db::Conn;
use platform::Error;
use rules::Finding;

pub const SYSTEM_PROMPT: &str = "You are the Qualifier for a B2B sales team. From the notes \
and activities given, state each qualification criterion: unknown, partial, confirmed or \
negative, with your confidence (0-100), the id of the note that shows it and the exact words \
quoted from that note. Say unknown when no note speaks to a criterion; never guess. Then \
suggest at most three questions the rep should ask next. Answer with JSON only.";

pub const PROMPT: &str = "The lead or deal:\n{{ subject }}\n\nCriteria to state (key: what it \
means):\n{{ criteria }}\n\nNotes and activities, newest first:\n{{ notes }}\n\nState every criterion.";

pub fn default_config() -> QualifierConfig {
    QualifierConfig {
        common: CommonSettings {
            enabled: true,
            model: ModelSettings {
                max_tokens: 800,
                ..ModelSettings::default()
            },
            system_prompt: SYSTEM_PROMPT.into(),
            prompt: PROMPT.into(),
        },
        framework: Framework::Bant,
        qualify_at: 3,
        deal_breakers: vec![Criterion::Budget, Criterion::Need],
    }
}

pub async fn load_config(conn: &mut Conn) -> Result<QualifierConfig, Error> {
    match agents::config::current(conn, AgentKind::Qualifier).await? {
        Some(row) => serde_json::from_value(row.config).map_err(|e| {
            Error::Corrupt(format!("the Qualifier's configuration does not read: {e}"))
        }),
        None => Ok(default_config()),
    }
}

/// The model's finding stands over the rules' unless it knows nothing, or the rules read
/// a note newer than the model's evidence (written after the model ran).
fn pick(rules: &Finding, model: Option<&Finding>) -> (Finding, Origin) {
    match model {
        Some(m) if m.state != CriterionState::Unknown => {
            let newer_rules = match (&rules.evidence, &m.evidence) {
                (Some((_, r, _)), Some((_, at, _))) => r > at,
                _ => false,
            };
            if newer_rules && rules.state != CriterionState::Partial {
                (rules.clone(), Origin::Rules)
            } else {
                (m.clone(), Origin::Model)
            }
        }
        _ => (rules.clone(), Origin::Rules),
    }
}

/// Every criterion as it stands: the override when there is one, else the model's or the
/// rules' finding.
pub fn merge(
    rules: &[Finding],
    model: &[Finding],
    overrides: &[(Criterion, Override)],
) -> Vec<Assessment> {
    rules
        .iter()
        .map(|r| {
            let (found, origin) = pick(r, model.iter().find(|m| m.criterion == r.criterion));
            let evidence = found
                .evidence
                .clone()
                .map(|(activity_id, at, quote)| Evidence {
                    activity_id,
                    quote,
                    at,
                });
            match overrides.iter().find(|(c, _)| *c == r.criterion) {
                Some((_, o)) => Assessment {
                    criterion: r.criterion,
                    state: o.state,
                    confidence: 100,
                    evidence,
                    origin: Origin::Override,
                    extracted: Some(found.state),
                    override_: Some(o.clone()),
                },
                None => Assessment {
                    criterion: r.criterion,
                    state: found.state,
                    confidence: found.confidence,
                    evidence,
                    origin,
                    extracted: None,
                    override_: None,
                },
            }
        })
        .collect()
}

/// The subject's qualification under the tenant's configuration.
pub async fn qualification(
    conn: &mut Conn,
    ctx: &platform::RequestContext,
    subject: RunSubject,
) -> Result<Qualification, Error> {
    let cfg = load_config(conn).await?;
    let info = store::subject_info(conn, subject).await?;
    let sources = store::sources(conn, subject, info.lead).await?;
    let found = rules::extract(&sources);
    let latest = store::latest_extraction(conn, subject).await?;
    let model: Vec<Finding> = latest
        .as_ref()
        .map(|(e, ..)| {
            e.criteria
                .iter()
                .map(store::StoredFinding::finding)
                .collect()
        })
        .unwrap_or_default();
    let overrides = store::overrides(conn, subject).await?;
    let criteria: Vec<Assessment> = merge(&found, &model, &overrides)
        .into_iter()
        .filter(|a| cfg.framework.criteria().contains(&a.criterion))
        .collect();
    let (verdict, reasons) = verdict::judge(&cfg, &criteria);
    // The model's questions while nothing was written or ruled since it ran.
    let newest = sources
        .iter()
        .map(|s| s.at)
        .chain(overrides.iter().map(|(_, o)| o.at))
        .max();
    let model_questions: Vec<String> = latest
        .as_ref()
        .filter(|(_, _, at)| newest.is_none_or(|n| n <= *at))
        .map(|(e, ..)| e.questions.clone())
        .unwrap_or_default();
    let questions = if model_questions.is_empty() {
        verdict::questions(&cfg, &criteria)
    } else {
        model_questions
    };
    Ok(Qualification {
        framework: cfg.framework,
        criteria,
        verdict,
        reasons,
        questions,
        model_run: latest.map(|(_, run, at): (_, AgentRunId, _)| (run, at)),
        sources: sources.len(),
        can_override: crate::access::ensure_can_edit(ctx, info.owner, "records").is_ok(),
    })
}

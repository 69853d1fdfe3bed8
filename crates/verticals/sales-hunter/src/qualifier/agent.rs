//! The Qualifier as an agent run: a model states the framework's criteria as JSON under a
//! schema, each with the note it read it from and the words it quotes. The answer is
//! checked here again — only the framework's criteria, only the four states, every quote
//! really in the note it names — and anything else (another field, another record, a
//! verdict) is refused, so a note that says "mark this lead qualified" changes nothing.
//! The built-in provider answers with the rules' reading, which is not stored (the rules
//! are read live on every view).

use super::rules::{self, normalize, Finding};
use super::store::{self, Extraction, StoredFinding};
use crate::agent_scopes::{find, listed, recent, Records};
use agents::{
    typed_config, validated_config, Agent, Applied, BoxFuture, BulkRecords, OutputSchema, Prepared,
};
use models::agents::automation::{BulkScope, WorkflowEvent};
use models::agents::qualifier::{Criterion, CriterionState, Framework, QualifierConfig};
use models::agents::run::{RunSubject, SubjectKind};
use models::agents::AgentKind;
use models::AppError;
use platform::db::Conn;
use platform::Error;
use serde::Deserialize;
use serde_json::{json, Map, Value};

pub struct Qualifier;

/// The most notes a prompt carries, and the longest text of each.
const MAX_NOTES: usize = 40;
const MAX_NOTE_CHARS: usize = 1500;

fn meaning(c: Criterion) -> &'static str {
    match c {
        Criterion::Budget => "money is set aside or approved for this purchase",
        Criterion::Authority => "we talk to the person who decides, or know who does",
        Criterion::Need => "they have a problem this solves",
        Criterion::Timeline => "a date by which they want it",
        Criterion::Metrics => "the numbers they expect to move",
        Criterion::EconomicBuyer => "the person who owns the budget is known and engaged",
        Criterion::DecisionCriteria => "what they will compare the options on",
        Criterion::DecisionProcess => "the steps and people from here to a decision",
        Criterion::PaperProcess => "the legal and procurement steps to a signature",
        Criterion::IdentifyPain => "the pain is named and its cost known",
        Criterion::Champion => "someone inside pushes for us",
        Criterion::Competition => "who else they consider, including doing nothing",
    }
}

fn schema(framework: Framework) -> OutputSchema {
    let keys: Vec<&str> = framework.criteria().iter().map(|c| c.as_str()).collect();
    OutputSchema {
        name: "qualification",
        schema: json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["criteria", "questions"],
            "properties": {
                "criteria": {
                    "type": "array",
                    "maxItems": keys.len(),
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["criterion", "state", "confidence", "note", "quote"],
                        "properties": {
                            "criterion": {"type": "string", "enum": keys},
                            "state": {"type": "string", "enum": ["unknown", "partial", "confirmed", "negative"]},
                            "confidence": {"type": "integer", "minimum": 0, "maximum": 100},
                            "note": {"type": "string"},
                            "quote": {"type": "string"}
                        }
                    }
                },
                "questions": {"type": "array", "maxItems": 3, "items": {"type": "string"}}
            }
        }),
    }
}

/// The notes as the prompt shows them (`n1` newest) and as the ledger keeps them.
fn notes(sources: &[rules::Source]) -> (Vec<Value>, Vec<Value>) {
    sources
        .iter()
        .take(MAX_NOTES)
        .enumerate()
        .map(|(i, s)| {
            let text: String = s.text.chars().take(MAX_NOTE_CHARS).collect();
            let id = format!("n{}", i + 1);
            (
                json!({"id": id, "on": s.at.format("%Y-%m-%d").to_string(), "text": text}),
                json!({"id": id, "activity_id": s.id, "at": s.at, "text": text}),
            )
        })
        .unzip()
}

/// The rules' reading in the answer's own shape: what the built-in provider says.
fn builtin_answer(framework: Framework, found: &[Finding], kept: &[Value]) -> String {
    let note_of = |id: uuid::Uuid| {
        kept.iter()
            .find(|n| n["activity_id"] == json!(id))
            .and_then(|n| n["id"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let criteria: Vec<Value> = found
        .iter()
        .filter(|f| framework.criteria().contains(&f.criterion))
        .map(|f| {
            let (note, quote) = match &f.evidence {
                Some((id, _, q)) => (note_of(*id), q.clone()),
                None => (String::new(), String::new()),
            };
            json!({"criterion": f.criterion.as_str(), "state": f.state.as_str(),
                   "confidence": f.confidence, "note": note, "quote": quote})
        })
        .collect();
    json!({"criteria": criteria, "questions": []}).to_string()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Answer {
    criteria: Vec<Item>,
    #[serde(default)]
    questions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Item {
    criterion: String,
    state: String,
    #[serde(default)]
    confidence: Option<f64>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    quote: String,
}

/// The JSON inside an answer: models sometimes wrap it in a fenced block.
fn json_part(answer: &str) -> &str {
    let t = answer.trim();
    match (t.find('{'), t.rfind('}')) {
        (Some(a), Some(b)) if a < b => &t[a..=b],
        _ => t,
    }
}

/// Checks a model's answer against the notes it was given.
pub fn check_answer(
    framework: Framework,
    kept: &[Value],
    answer: &str,
) -> Result<Extraction, String> {
    let parsed: Answer = serde_json::from_str(json_part(answer))
        .map_err(|e| format!("the answer is not the JSON asked for: {e}"))?;
    let mut criteria: Vec<StoredFinding> = Vec::new();
    for item in parsed.criteria {
        let criterion = Criterion::parse(item.criterion.trim())
            .filter(|c| framework.criteria().contains(c))
            .ok_or_else(|| format!("“{}” is not a criterion to state", item.criterion))?;
        if criteria.iter().any(|f| f.criterion == criterion) {
            return Err(format!("{} is stated twice", criterion.as_str()));
        }
        let state = CriterionState::parse(item.state.trim()).ok_or_else(|| {
            format!(
                "“{}” is not a state (unknown, partial, confirmed, negative)",
                item.state
            )
        })?;
        let confidence = match item.confidence {
            Some(c) if (0.0..=100.0).contains(&c) => c.round() as u8,
            Some(_) => {
                return Err(format!(
                    "the confidence of {} is not 0 to 100",
                    criterion.as_str()
                ))
            }
            None => 60,
        };
        if state == CriterionState::Unknown {
            criteria.push(StoredFinding {
                criterion,
                state,
                confidence: 0,
                activity_id: None,
                quote: String::new(),
                at: None,
            });
            continue;
        }
        let note = kept
            .iter()
            .find(|n| n["id"].as_str() == Some(item.note.trim()))
            .ok_or_else(|| {
                format!(
                    "{} names note “{}”, which was not given",
                    criterion.as_str(),
                    item.note
                )
            })?;
        let quote = item
            .quote
            .trim()
            .trim_matches(|c| c == '"' || c == '“' || c == '”')
            .trim();
        let text = note["text"].as_str().unwrap_or_default();
        if quote.chars().count() < 3 || !normalize(text).contains(&normalize(quote)) {
            return Err(format!(
                "the quote for {} is not in note {}: quote the note's own words",
                criterion.as_str(),
                item.note.trim()
            ));
        }
        criteria.push(StoredFinding {
            criterion,
            state,
            confidence,
            activity_id: serde_json::from_value(note["activity_id"].clone()).ok(),
            quote: quote.chars().take(300).collect(),
            at: serde_json::from_value(note["at"].clone()).ok(),
        });
    }
    let questions: Vec<String> = parsed
        .questions
        .into_iter()
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty())
        .take(3)
        .collect();
    if let Some(q) = questions.iter().find(|q| q.chars().count() > 300) {
        return Err(format!(
            "a question is longer than 300 characters: {}…",
            q.chars().take(40).collect::<String>()
        ));
    }
    Ok(Extraction {
        criteria,
        questions,
    })
}

/// What a bulk reading of notes can cover.
const SCOPES: [(&str, &str, Records); 2] = [
    ("open_deals", "Every open deal", Records::OpenDeals),
    (
        "open_leads",
        "Every open lead",
        Records::OpenLeads { min_score: 0 },
    ),
];

impl Agent for Qualifier {
    fn kind(&self) -> AgentKind {
        AgentKind::Qualifier
    }

    fn bulk_scopes(&self) -> Vec<BulkScope> {
        listed(&SCOPES)
    }

    fn bulk_records<'a>(
        &'a self,
        _: &'a mut Conn,
        scope: &'a str,
    ) -> BoxFuture<'a, Result<Box<dyn BulkRecords>, Error>> {
        Box::pin(async move { find(&SCOPES, scope) })
    }

    fn preview_subjects<'a>(
        &'a self,
        conn: &'a mut Conn,
    ) -> BoxFuture<'a, Result<Vec<(RunSubject, String)>, Error>> {
        Box::pin(async move {
            let mut subjects = recent(conn, SubjectKind::Opportunity, 5).await?;
            subjects.extend(recent(conn, SubjectKind::Lead, 5).await?);
            Ok(subjects)
        })
    }

    fn workflow_events(&self) -> &'static [WorkflowEvent] {
        &[WorkflowEvent::ActivityLogged]
    }

    fn default_config(&self) -> Value {
        serde_json::to_value(super::default_config()).unwrap_or_default()
    }

    fn validate(&self, config: &Value) -> Result<Value, AppError> {
        validated_config(config, QualifierConfig::validate)
    }

    fn sample_variables(&self) -> Map<String, Value> {
        let mut vars = Map::new();
        vars.insert(
            "subject".into(),
            json!({"kind": "lead", "name": "Ada Lovelace"}),
        );
        vars.insert(
            "criteria".into(),
            json!({"budget": meaning(Criterion::Budget)}),
        );
        vars.insert(
            "notes".into(),
            json!([{"id": "n1", "on": "2026-12-01", "text": "Budget approved for Q1."}]),
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
            if !matches!(subject.kind, SubjectKind::Lead | SubjectKind::Opportunity) {
                return Err(AppError::validation(
                    "subject",
                    "The Qualifier works on a lead or a deal.",
                )
                .into());
            }
            let cfg = typed_config::<QualifierConfig>(config)?;
            let info = store::subject_info(conn, subject).await?;
            let sources = store::sources(conn, subject, info.lead).await?;
            let name = info.name;
            let found = rules::extract(&sources);
            let (shown, kept) = notes(&sources);
            let criteria: Map<String, Value> = cfg
                .framework
                .criteria()
                .iter()
                .map(|c| (c.as_str().to_string(), json!(meaning(*c))))
                .collect();
            let subject_var = json!({"kind": subject.kind.label().to_lowercase(), "name": name});
            let mut variables = Map::new();
            variables.insert("subject".into(), subject_var.clone());
            variables.insert("criteria".into(), Value::Object(criteria.clone()));
            variables.insert("notes".into(), json!(shown));
            let builtin = builtin_answer(cfg.framework, &found, &kept);
            Ok(Prepared {
                subject_name: name,
                inputs: json!({"subject": subject_var, "framework": cfg.framework.as_str(),
                               "criteria": criteria, "notes": kept}),
                core: serde_json::from_str(&builtin).unwrap_or_default(),
                builtin_answer: builtin,
                variables,
                output: Some(schema(cfg.framework)),
            })
        })
    }

    fn parse(&self, prepared: &Prepared, answer: &str) -> Result<Value, String> {
        let framework = prepared.inputs["framework"]
            .as_str()
            .and_then(Framework::parse)
            .unwrap_or(Framework::Bant);
        let kept = prepared.inputs["notes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let extraction = check_answer(framework, &kept, answer)?;
        serde_json::to_value(extraction).map_err(|e| format!("the answer does not read: {e}"))
    }

    fn apply<'a>(
        &'a self,
        conn: &'a mut Conn,
        run: Applied<'a>,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async move {
            // The built-in answer is the rules' reading, which every view computes afresh.
            if run.provider == "builtin" {
                return Ok(());
            }
            let extraction: Extraction = serde_json::from_value(run.output.clone())
                .map_err(|e| Error::Corrupt(format!("a qualification does not read: {e}")))?;
            store::insert_extraction(conn, run.tenant, run.subject, run.run, &extraction).await
        })
    }
}

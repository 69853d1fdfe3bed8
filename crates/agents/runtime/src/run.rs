//! One run of an agent: read the subject and run the deterministic core (a short
//! transaction), reserve the worst-case cost against the budget, call the model outside
//! any transaction, check its answer (once more with the reason when it is not
//! acceptable), then store the run, apply it and meter it in one transaction.

use crate::agent::{Agent, Prepared};
use crate::{budget, config, keys, ledger, template, AgentHub};
use billing::{Meter, Reservation, UsageEvent};
use chrono::NaiveDate;
use llm::{ChatRequest, Completion, Message, ProviderTarget, Role};
use models::agents::run::{RunStatus, RunSubject, RunTrigger};
use models::agents::settings::CommonSettings;
use models::agents::AgentKind;
use models::{AgentRunId, AppError};
use platform::db::Db;
use platform::{Error, RequestContext};
use serde_json::Value;
use std::sync::Arc;
use std::time::Instant;

/// What to run.
pub struct RunRequest<'a> {
    pub agent: AgentKind,
    pub subject: RunSubject,
    pub trigger: RunTrigger,
    /// A configuration version (a replay with another version); the current one if none.
    pub version: Option<i32>,
    pub replay_of: Option<AgentRunId>,
    /// The run's id when the caller must know it beforehand (a bulk run names each of its
    /// runs, so a batch done again after a crash finds them in the ledger); new if none.
    pub id: Option<AgentRunId>,
    /// Who sees the narrative as it is written.
    pub watcher: Option<&'a dyn RunWatcher>,
}

/// Who watches a run as it happens (the page's live view).
pub trait RunWatcher: Send + Sync {
    /// Text the model just wrote.
    fn text(&self, text: &str);
    /// The model is asked again: what it wrote so far no longer counts.
    fn restart(&self);
}

/// How a run ended (the ledger holds the rest).
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub id: AgentRunId,
    pub status: RunStatus,
    pub output: Option<Value>,
    pub error: String,
}

impl RunOutcome {
    /// What a page shows of the output: a narrative's text (`brief`), else the JSON.
    pub fn text(&self) -> String {
        match &self.output {
            Some(v) => v["brief"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| serde_json::to_string_pretty(v).unwrap_or_default()),
            None => String::new(),
        }
    }
}

impl From<RunOutcome> for models::agents::views::RunResult {
    fn from(outcome: RunOutcome) -> Self {
        models::agents::views::RunResult {
            text: outcome.text(),
            id: outcome.id,
            status: outcome.status,
            error: outcome.error,
        }
    }
}

/// Everything the first transaction settled.
struct Planned {
    agent: Arc<dyn Agent>,
    version: i32,
    common: CommonSettings,
    prepared: Prepared,
    request: ChatRequest,
    api_key: String,
    estimate: i64,
    month: NaiveDate,
    /// The run and its most tokens, held against the plan's caps until metered.
    held: Held,
}

#[derive(Clone, Copy)]
struct Held {
    run: Reservation,
    tokens: Reservation,
}

pub(crate) fn common_of(config: &Value) -> Result<CommonSettings, Error> {
    serde_json::from_value(config["common"].clone())
        .map_err(|e| Error::Corrupt(format!("a stored agent configuration does not read: {e}")))
}

/// The most tokens a request can use: two attempts (the second carries the first answer
/// and the reason), each with every prompt byte a token and the whole answer allowance.
/// As (in, out).
fn worst_case_tokens(request: &ChatRequest) -> (u32, u32) {
    let prompt = (request.system.len()
        + request
            .messages
            .iter()
            .map(|m| m.content.len())
            .sum::<usize>()) as u32;
    let out = request.max_tokens;
    (2 * prompt + out + 200, 2 * out)
}

pub async fn run_agent(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    req: RunRequest<'_>,
) -> Result<RunOutcome, Error> {
    let started = Instant::now();
    let agent = hub.agents.get(req.agent)?;
    let id = req.id.unwrap_or_else(|| AgentRunId(uuid::Uuid::new_v4()));
    let planned = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            let row = match req.version {
                Some(v) => config::version(conn, req.agent, v).await?,
                None => {
                    config::current_or_default(
                        conn,
                        ctx.tenant_id,
                        req.agent,
                        &agent.default_config(),
                    )
                    .await?
                }
            };
            let common = common_of(&row.config)?;
            if !common.enabled && req.trigger != RunTrigger::Manual {
                return Err(AppError::validation("agent", "This agent is switched off.").into());
            }
            let prepared = agent
                .prepare(conn, ctx.tenant_id, &row.config, req.subject)
                .await?;
            let prompt = template::render(&common.prompt, &prepared.variables)
                .map_err(|e| AppError::validation("common.prompt", e))?;
            let request = ChatRequest {
                model: common.model.model.clone(),
                system: template::system_text(&common.system_prompt),
                messages: vec![Message {
                    role: Role::User,
                    content: prompt,
                }],
                temperature: common.model.temperature,
                max_tokens: common.model.max_tokens,
                output: prepared.output.clone(),
                builtin_answer: prepared.builtin_answer.clone(),
            };
            let api_key = keys::load_key(
                conn,
                hub.key.as_ref(),
                ctx.tenant_id,
                &common.model.provider,
                &common.model.base_url,
            )
            .await?;
            let (tokens_in, tokens_out) = worst_case_tokens(&request);
            let estimate = llm::prices::cost_micros(&common.model.model, tokens_in, tokens_out);
            let held = Held {
                run: billing::reserve(conn, ctx.tenant_id, Meter::AgentRuns, 1).await?,
                tokens: billing::reserve(
                    conn,
                    ctx.tenant_id,
                    Meter::LlmTokens,
                    i64::from(tokens_in) + i64::from(tokens_out),
                )
                .await?,
            };
            let month = budget::this_month();
            budget::reserve(conn, ctx.tenant_id, month, estimate).await?;
            Ok(Planned {
                agent: agent.clone(),
                version: row.version,
                common,
                prepared,
                request,
                api_key,
                estimate,
                month,
                held,
            })
        })
        .await;
    let planned = match planned {
        Ok(p) => p,
        Err(Error::App(AppError::QuotaExceeded { message })) => {
            record_refusal(db, ctx, &req, id, &message).await?;
            return Err(AppError::QuotaExceeded { message }.into());
        }
        Err(e) => return Err(e),
    };
    let answer = ask(hub, &planned, req.watcher).await;
    finish(db, ctx, &req, id, planned, answer, started).await
}

/// What came back from the model: the parsed output, or why there is none, with every
/// call's tokens and the raw text.
struct Answer {
    output: Result<Value, String>,
    raw: String,
    model: String,
    tokens_in: u32,
    tokens_out: u32,
}

async fn ask(hub: &AgentHub, p: &Planned, watcher: Option<&dyn RunWatcher>) -> Answer {
    let text = |t: &str| {
        if let Some(w) = watcher {
            w.text(t);
        }
    };
    let sink: llm::TextSink<'_> = watcher.map(|_| &text as &(dyn Fn(&str) + Send + Sync));
    let provider_kind = p.common.model.provider.as_str();
    let base_url = match (
        p.common.model.base_url.trim(),
        hub.providers.get(provider_kind),
    ) {
        ("", Some(info)) => info.default_base_url.to_string(),
        (url, _) => url.to_string(),
    };
    let mut answer = Answer {
        output: Err(String::new()),
        raw: String::new(),
        model: p.common.model.model.clone(),
        tokens_in: 0,
        tokens_out: 0,
    };
    let target = ProviderTarget {
        base_url,
        api_key: p.api_key.clone(),
        policy: hub.policy.clone(),
        http: hub.http.clone(),
    };
    let provider = match hub.providers.open(provider_kind, target).await {
        Ok(provider) => provider,
        Err(e) => {
            answer.output = Err(e.to_string());
            return answer;
        }
    };
    let mut request = p.request.clone();
    for attempt in 1..=2 {
        let done: Completion = match provider.complete(&request, sink).await {
            Ok(done) => done,
            Err(e) => {
                answer.output = Err(e.to_string());
                return answer;
            }
        };
        answer.tokens_in += done.tokens_in;
        answer.tokens_out += done.tokens_out;
        if !done.model.is_empty() {
            answer.model = done.model.clone();
        }
        answer.raw = done.text.clone();
        match p.agent.parse(&p.prepared, &done.text) {
            Ok(output) => {
                answer.output = Ok(output);
                return answer;
            }
            Err(why) if attempt == 1 => {
                if let Some(w) = watcher {
                    w.restart();
                }
                request.messages.push(Message {
                    role: Role::Assistant,
                    content: done.text,
                });
                request.messages.push(Message {
                    role: Role::User,
                    content: format!("That answer cannot be used: {why} Answer again, following the instructions exactly."),
                });
            }
            Err(why) => {
                answer.output = Err(format!(
                    "the model's answer was not acceptable twice: {why}"
                ))
            }
        }
    }
    answer
}

async fn finish(
    db: &Db,
    ctx: &RequestContext,
    req: &RunRequest<'_>,
    id: AgentRunId,
    p: Planned,
    answer: Answer,
    started: Instant,
) -> Result<RunOutcome, Error> {
    let cost = llm::prices::cost_micros(&p.common.model.model, answer.tokens_in, answer.tokens_out);
    let (status, output, error) = match &answer.output {
        Ok(v) => (RunStatus::Succeeded, Some(v.clone()), String::new()),
        Err(e) => (RunStatus::Failed, None, e.clone()),
    };
    let mut run = ledger::NewAgentRun {
        tenant_id: ctx.tenant_id,
        id,
        agent: req.agent,
        config_version: p.version,
        trigger: req.trigger,
        subject_kind: req.subject.kind,
        subject_id: req.subject.id,
        subject_name: p.prepared.subject_name.clone(),
        inputs: p.prepared.inputs.clone(),
        prompt: p.request.rendered(),
        raw_answer: answer.raw.clone(),
        output,
        provider: p.common.model.provider.clone(),
        model: answer.model.clone(),
        tokens_in: answer.tokens_in as i32,
        tokens_out: answer.tokens_out as i32,
        cost_micros: cost,
        latency_ms: started.elapsed().as_millis().min(i32::MAX as u128) as i32,
        status,
        error,
        replay_of: req.replay_of,
        created_by: Some(ctx.user_id),
    };
    let stored = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            ledger::insert(conn, &run).await?;
            if let Some(output) = &run.output {
                let applied = crate::Applied {
                    run: id,
                    tenant: ctx.tenant_id,
                    subject: req.subject,
                    provider: &p.common.model.provider,
                    prepared: &p.prepared,
                    output,
                };
                p.agent.apply(conn, applied).await?;
            }
            meter(conn, ctx, &run, p.held).await?;
            budget::settle(conn, ctx.tenant_id, p.month, p.estimate, cost).await
        })
        .await;
    if let Err(e) = stored {
        // Applying failed (the subject was deleted meanwhile, say): the run is still
        // recorded, as failed, and the budget still settled.
        tracing::warn!(error = %e, agent = req.agent.as_str(), "an agent run could not be applied");
        run.status = RunStatus::Failed;
        run.error = match &e {
            Error::App(app) => app.to_string(),
            _ => "the result could not be saved".into(),
        };
        run.output = None;
        db.tenant_tx(ctx.tenant_id, async |conn| {
            ledger::insert(conn, &run).await?;
            meter(conn, ctx, &run, p.held).await?;
            budget::settle(conn, ctx.tenant_id, p.month, p.estimate, cost).await
        })
        .await?;
    }
    Ok(RunOutcome {
        id,
        status: run.status,
        output: run.output,
        error: run.error,
    })
}

/// A run and its tokens, each metered once whatever retries happen, settling what the
/// run held against the plan's caps.
async fn meter(
    conn: &mut platform::db::Conn,
    ctx: &RequestContext,
    run: &ledger::NewAgentRun,
    held: Held,
) -> Result<(), Error> {
    let source = format!("agent:{}", run.agent.as_str());
    UsageEvent::new(
        ctx.tenant_id,
        Meter::AgentRuns,
        1,
        format!("agent-run:{}", run.id),
    )
    .source(source.clone())
    .settles(held.run)
    .record(conn)
    .await?;
    let tokens = i64::from(run.tokens_in) + i64::from(run.tokens_out);
    if tokens == 0 {
        return billing::release(conn, ctx.tenant_id, held.tokens).await;
    }
    UsageEvent::new(
        ctx.tenant_id,
        Meter::LlmTokens,
        tokens,
        format!("agent-run:{}:tokens", run.id),
    )
    .source(source)
    .settles(held.tokens)
    .record(conn)
    .await?;
    Ok(())
}

/// A run the budget refused, in the ledger all the same.
async fn record_refusal(
    db: &Db,
    ctx: &RequestContext,
    req: &RunRequest<'_>,
    id: AgentRunId,
    message: &str,
) -> Result<(), Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let version = match req.version {
            Some(v) => v,
            None => config::current(conn, req.agent)
                .await?
                .map_or(1, |r| r.version),
        };
        let common = config::version(conn, req.agent, version)
            .await
            .ok()
            .and_then(|r| common_of(&r.config).ok());
        ledger::insert(
            conn,
            &ledger::NewAgentRun {
                tenant_id: ctx.tenant_id,
                id,
                agent: req.agent,
                config_version: version,
                trigger: req.trigger,
                subject_kind: req.subject.kind,
                subject_id: req.subject.id,
                subject_name: String::new(),
                inputs: Value::Null,
                prompt: String::new(),
                raw_answer: String::new(),
                output: None,
                provider: common
                    .as_ref()
                    .map(|c| c.model.provider.clone())
                    .unwrap_or_default(),
                model: common.map(|c| c.model.model).unwrap_or_default(),
                tokens_in: 0,
                tokens_out: 0,
                cost_micros: 0,
                latency_ms: 0,
                status: RunStatus::Refused,
                error: message.to_string(),
                replay_of: req.replay_of,
                created_by: Some(ctx.user_id),
            },
        )
        .await
    })
    .await
}

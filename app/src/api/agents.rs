//! Agents: the overview, the Prospector's settings (versioned, rolled back), provider keys,
//! the monthly budget, runs, the run ledger and replays. Configuration needs an admin, the
//! budget an owner, runs any member (checked in `agents::manage`).

use leptos::prelude::*;
use leptos::server_fn::codec::{Json, StreamingText, TextStream};
use models::agents::form::ProspectorForm;
use models::agents::run::{RunDetail, RunSummary};
use models::agents::views::{AgentsOverview, ProspectorPage, RunResult};
use models::{AgentRunId, AppError};

#[server(endpoint = "get_agents")]
pub async fn get_agents() -> Result<AgentsOverview, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    agents::manage::agents_overview(&s.db, &ctx, &s.agents)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_prospector")]
pub async fn get_prospector() -> Result<ProspectorPage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::prospector::manage::get_prospector_page(&s.db, &ctx, &s.agents)
        .await
        .map_err(AppError::from)
}

/// Saves the Prospector's settings as a new version and rescores every lead.
#[server(endpoint = "save_prospector")]
pub async fn save_prospector(form: ProspectorForm) -> Result<i32, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::prospector::manage::save_prospector(&s.db, &ctx, &s.agents, &form)
        .await
        .map_err(AppError::from)
}

/// A prompt rendered as a run would send it, against a record (`lead:<id>`) or the sample
/// data (empty): the settings page's live preview. Calls no model, records nothing.
#[server(endpoint = "preview_agent_prompt")]
pub async fn preview_agent_prompt(
    agent: String,
    subject: String,
    system_prompt: String,
    prompt: String,
) -> Result<models::agents::settings::PromptPreview, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    agents::manage::preview_prompt(
        &s.db,
        &ctx,
        &s.agents,
        kind,
        &subject,
        &system_prompt,
        &prompt,
    )
    .await
    .map_err(AppError::from)
}

/// Any agent's configuration as JSON (the advanced editor and the API).
#[server(endpoint = "save_agent_config", input = Json)]
pub async fn save_agent_config(
    agent: String,
    config: String,
    note: String,
) -> Result<i32, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    agents::manage::save_agent_config_json(&s.db, &ctx, &s.agents, kind, &config, &note)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "rollback_agent_config")]
pub async fn rollback_agent_config(agent: String, version: i32) -> Result<i32, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    agents::manage::rollback_agent_config(&s.db, &ctx, &s.agents, kind, version)
        .await
        .map_err(AppError::from)
}

/// Stores the key for a provider's endpoint (an empty key removes it). The key is never
/// sent back: pages see its last four characters.
#[server(endpoint = "save_provider_key")]
pub async fn save_provider_key(
    provider: String,
    base_url: String,
    key: String,
) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    agents::manage::save_provider_key(&s.db, &ctx, &s.agents, &provider, &base_url, &key)
        .await
        .map_err(AppError::from)
}

/// The monthly budget in dollars (`25`, `7.50`); empty for no limit.
#[server(endpoint = "set_agent_budget")]
pub async fn set_agent_budget(monthly_budget: String) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let limit = models::agents::run::parse_dollars(&monthly_budget)
        .map_err(|m| AppError::validation("monthly_budget", m))?;
    agents::manage::set_agent_budget(&s.db, &ctx, limit)
        .await
        .map_err(AppError::from)
}

/// An agent named in a form.
#[cfg(feature = "ssr")]
fn agent_kind(agent: &str) -> Result<models::agents::AgentKind, AppError> {
    models::agents::AgentKind::parse(agent.trim())
        .ok_or_else(|| AppError::validation("agent", "There is no such agent."))
}

/// Runs an agent on a subject now (`lead` and its id for the Prospector). A form posted
/// without JavaScript with `open_run` goes on to the run's page, which shows its text.
#[server(endpoint = "run_agent")]
pub async fn run_agent(
    agent: String,
    subject_kind: String,
    subject_id: String,
    #[server(default)] open_run: bool,
) -> Result<RunResult, AppError> {
    use super::ssr::*;
    use models::agents::run::{RunSubject, RunTrigger};
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    let subject = RunSubject::parse(&subject_kind, &subject_id)?;
    let outcome = agents::run_agent(
        &s.db,
        &ctx,
        &s.agents,
        agents::RunRequest {
            agent: kind,
            subject,
            trigger: RunTrigger::Manual,
            version: None,
            replay_of: None,
            id: None,
            watcher: None,
        },
    )
    .await
    .map_err(AppError::from)?;
    if open_run && plain_form_post() {
        leptos_axum::redirect(&format!("/agents/runs/{}", outcome.id));
    }
    Ok(RunResult::from(outcome))
}

/// `run_agent` as the page watches it: server-sent events (`LiveRunEvent`), the model's text
/// as it is written, then the stored run (or why it was refused).
#[server(endpoint = "stream_agent_run", output = StreamingText)]
pub async fn stream_agent_run(
    agent: String,
    subject_kind: String,
    subject_id: String,
) -> Result<TextStream<AppError>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    let subject = models::agents::run::RunSubject::parse(&subject_kind, &subject_id)?;
    let events = agents::start_live_run(s.db.clone(), ctx, s.agents.clone(), kind, subject);
    // As an event stream, compression and proxies pass each piece on as it is written.
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, CONTENT_TYPE};
        res.insert_header(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        res.insert_header(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        res.insert_header(
            HeaderName::from_static("x-accel-buffering"),
            HeaderValue::from_static("no"),
        );
    }
    // Fused: a body may be polled again after it ended.
    use futures_util::StreamExt;
    Ok(TextStream::new(
        futures_util::stream::unfold(events, |mut rx| async move {
            rx.recv().await.map(|e| (Ok(e.to_sse()), rx))
        })
        .fuse(),
    ))
}

/// Runs, newest first: all, or one agent's, one status's, one subject's.
#[server(endpoint = "list_agent_runs")]
pub async fn list_agent_runs(
    agent: String,
    status: String,
    subject: String,
) -> Result<Vec<RunSummary>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let filter = agents::ledger::RunFilter {
        agent: models::agents::AgentKind::parse(agent.trim()),
        status: models::agents::run::RunStatus::parse(status.trim()),
        subject: subject.trim().parse().ok(),
        before: None,
        limit: 100,
    };
    agents::manage::list_agent_runs(&s.db, &ctx, &filter)
        .await
        .map_err(AppError::from)
}

#[server(endpoint = "get_agent_run")]
pub async fn get_agent_run(id: AgentRunId) -> Result<RunDetail, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    agents::manage::get_agent_run(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// Runs a past run's subject again, with the version it used or another; the page shows
/// the two outputs side by side.
#[server(endpoint = "replay_agent_run")]
pub async fn replay_agent_run(id: AgentRunId, version: Option<i32>) -> Result<RunResult, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let outcome = agents::manage::replay_agent_run(&s.db, &ctx, &s.agents, id, version)
        .await
        .map_err(AppError::from)?;
    leptos_axum::redirect(&format!("/agents/runs/{}?compare={}", outcome.id, id));
    Ok(RunResult::from(outcome))
}

#[server(endpoint = "get_pipeline_analyst")]
pub async fn get_pipeline_analyst() -> Result<models::agents::views::AnalystPage, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::analyst::manage::get_analyst_page(&s.db, &ctx, &s.agents)
        .await
        .map_err(AppError::from)
}

/// Saves the Pipeline Analyst's thresholds as a new version.
#[server(endpoint = "save_pipeline_analyst")]
pub async fn save_pipeline_analyst(
    form: models::agents::views::AnalystForm,
) -> Result<i32, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    sales_hunter::analyst::manage::save_analyst(&s.db, &ctx, &s.agents, &form)
        .await
        .map_err(AppError::from)
}

/// Starts a bulk run of an agent over one of its scopes (admins); its progress shows on
/// the Agents page.
#[server(endpoint = "start_bulk_run")]
pub async fn start_bulk_run(agent: String, scope: String) -> Result<uuid::Uuid, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    agents::automation::start_bulk_run(&s.db, &ctx, &s.agents, kind, &scope)
        .await
        .map_err(AppError::from)
}

/// Stops a bulk run after the record in hand (admins).
#[server(endpoint = "cancel_bulk_run")]
pub async fn cancel_bulk_run(id: uuid::Uuid) -> Result<(), AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    agents::automation::cancel_bulk_run(&state()?.db, &ctx, id)
        .await
        .map_err(AppError::from)
}

/// An agent's automation (admins): a schedule over one of its scopes, and the record
/// events it runs on (a checkbox each).
#[server(endpoint = "save_agent_automation")]
pub async fn save_agent_automation(
    agent: String,
    schedule: String,
    #[server(default)] scope: String,
    #[server(default)] on_lead_created: bool,
    #[server(default)] on_activity_logged: bool,
) -> Result<(), AppError> {
    use super::ssr::*;
    use models::agents::automation::WorkflowEvent;
    let ctx = require_user()?;
    let s = state()?;
    let kind = agent_kind(&agent)?;
    let run_on: Vec<String> = [
        (on_lead_created, WorkflowEvent::LeadCreated),
        (on_activity_logged, WorkflowEvent::ActivityLogged),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, e)| e.as_str().to_string())
    .collect();
    agents::automation::save_automation(&s.db, &ctx, &s.agents, kind, &schedule, &scope, &run_on)
        .await
        .map_err(AppError::from)
}

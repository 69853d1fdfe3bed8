//! What the Agents page does: read and save configurations (validated, versioned,
//! audited), roll back, store provider keys, set the budget, list and open runs, replay.
//! Configurations and keys are for owners and admins; runs for every member.

use crate::run::{common_of, run_agent, RunOutcome, RunRequest};
use crate::{budget, config, keys, ledger, template, AgentHub};
use models::agents::run::{RunDetail, RunSummary, RunTrigger};
use models::agents::settings::{CommonSettings, ConfigVersion, ProviderOption, StoredKey};
use models::agents::AgentKind;
use models::{AgentRunId, AppError, Role};
use platform::audit::NewAuditEntry;
use platform::db::Db;
use platform::{Error, RequestContext};
use serde_json::Value;

pub const CONFIG_SAVED: &str = "agent.config_saved";
pub const CONFIG_ROLLED_BACK: &str = "agent.config_rolled_back";
pub const PROVIDER_KEY_SAVED: &str = "agent.provider_key_saved";
pub const BUDGET_SET: &str = "agent.budget_set";

/// An agent's configuration in use, with its history and what the editor offers.
#[derive(Debug, Clone)]
pub struct AgentConfigView {
    pub kind: AgentKind,
    pub version: i32,
    pub config: Value,
    pub history: Vec<ConfigVersion>,
    pub providers: Vec<ProviderOption>,
    pub keys: Vec<StoredKey>,
    pub monthly_limit_micros: Option<i64>,
    pub spent_micros: i64,
    pub keys_enabled: bool,
    /// Records to preview a prompt against: (`lead:<id>`, name).
    pub preview_subjects: Vec<(String, String)>,
}

pub fn provider_options(hub: &AgentHub) -> Vec<ProviderOption> {
    hub.providers
        .all()
        .map(|p| ProviderOption {
            kind: p.kind.to_string(),
            display_name: p.display_name.to_string(),
            default_base_url: p.default_base_url.to_string(),
            needs_key: p.needs_key,
        })
        .collect()
}

pub async fn get_agent_config(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
) -> Result<AgentConfigView, Error> {
    let agent = hub.agents.get(kind)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row =
            config::current_or_default(conn, ctx.tenant_id, kind, &agent.default_config()).await?;
        Ok(AgentConfigView {
            kind,
            version: row.version,
            config: row.config,
            history: config::history(conn, kind).await?,
            providers: provider_options(hub),
            keys: keys::stored_keys(conn).await?,
            monthly_limit_micros: budget::monthly_limit(conn).await?,
            spent_micros: budget::spent_this_month(conn, ctx.tenant_id).await?,
            keys_enabled: hub.key.is_some(),
            preview_subjects: agent
                .preview_subjects(conn)
                .await?
                .into_iter()
                .map(|(s, name)| {
                    let id = s.id.map(|id| id.to_string()).unwrap_or_default();
                    (
                        format!("{}:{id}", s.kind.as_str()),
                        format!("{name} ({})", s.kind.label()),
                    )
                })
                .collect(),
        })
    })
    .await
}

/// A prompt rendered as a run would send it, against `subject` (`lead:<id>`, or empty for
/// the agent's sample data): what the editor shows as it is typed. Reads the record and
/// runs the core, calls no model and records nothing.
pub async fn preview_prompt(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    subject: &str,
    system_prompt: &str,
    prompt: &str,
) -> Result<models::agents::settings::PromptPreview, Error> {
    ctx.require(Role::Admin)?;
    let agent = hub.agents.get(kind)?;
    let (name, variables) = match subject.trim().split_once(':') {
        None => ("Sample data".to_string(), agent.sample_variables()),
        Some((k, id)) => {
            let subject = models::agents::run::RunSubject::parse(k, id)?;
            db.tenant_tx(ctx.tenant_id, async |conn| {
                let row =
                    config::current_or_default(conn, ctx.tenant_id, kind, &agent.default_config())
                        .await?;
                let p = agent
                    .prepare(conn, ctx.tenant_id, &row.config, subject)
                    .await?;
                Ok((p.subject_name, p.variables))
            })
            .await?
        }
    };
    let rendered =
        template::render(prompt, &variables).map_err(|e| AppError::validation("prompt", e))?;
    Ok(models::agents::settings::PromptPreview {
        subject_name: name,
        system: template::system_text(system_prompt),
        prompt: rendered,
    })
}

/// Checks the part every agent shares: a provider this server offers, at a host the
/// operator allows, sane numbers, and a prompt that renders with the agent's variables.
async fn validate_common(
    hub: &AgentHub,
    common: &CommonSettings,
    samples: &serde_json::Map<String, Value>,
) -> Result<(), Error> {
    let m = &common.model;
    let Some(info) = hub.providers.get(&m.provider) else {
        return Err(AppError::validation(
            "common.model.provider",
            "This server offers no such provider.",
        )
        .into());
    };
    if !(0.0..=2.0).contains(&m.temperature) {
        return Err(
            AppError::validation("common.model.temperature", "Must be between 0 and 2.").into(),
        );
    }
    if !(1..=8000).contains(&m.max_tokens) {
        return Err(AppError::validation(
            "common.model.max_tokens",
            "Must be between 1 and 8,000.",
        )
        .into());
    }
    if common.system_prompt.len() > 8000 || common.prompt.len() > 8000 {
        return Err(AppError::validation(
            "common.prompt",
            "A prompt can be at most 8,000 characters.",
        )
        .into());
    }
    if common.prompt.trim().is_empty() {
        return Err(AppError::validation("common.prompt", "The prompt is empty.").into());
    }
    template::render(&common.prompt, samples)
        .map_err(|e| AppError::validation("common.prompt", e))?;
    if info.kind != "builtin" {
        if m.model.trim().is_empty() {
            return Err(AppError::validation(
                "common.model.model",
                "Name the model (gpt-4o-mini, claude-haiku-4-5, …).",
            )
            .into());
        }
        let base = if m.base_url.trim().is_empty() {
            info.default_base_url
        } else {
            m.base_url.trim()
        };
        let url = reqwest_url(base)?;
        hub.policy
            .resolve(&url)
            .await
            .map_err(|e| AppError::validation("common.model.base_url", e.to_string()))?;
    }
    Ok(())
}

fn reqwest_url(base: &str) -> Result<llm::Url, Error> {
    llm::Url::parse(base).map_err(|_| {
        AppError::validation("common.model.base_url", "This is not a URL (https://…).").into()
    })
}

/// Validates and saves a configuration as the next version.
pub async fn save_agent_config(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    config: Value,
    note: &str,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let agent = hub.agents.get(kind)?;
    let normal = agent.validate(&config)?;
    let common = common_of(&normal)
        .map_err(|_| AppError::validation("common", "The model settings are missing."))?;
    validate_common(hub, &common, &agent.sample_variables()).await?;
    let note = note.trim();
    if note.chars().count() > 200 {
        return Err(AppError::validation("note", "At most 200 characters.").into());
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let version =
            config::save(conn, ctx.tenant_id, Some(ctx.user_id), kind, &normal, note).await?;
        NewAuditEntry::by(ctx, CONFIG_SAVED)
            .target("agent", kind.as_str())
            .details(serde_json::json!({ "version": version, "note": note }))
            .record(conn)
            .await?;
        agent.after_save(conn, ctx, version, &normal).await?;
        Ok(version)
    })
    .await
}

/// The same, from JSON as typed in the advanced editor or sent to the API.
pub async fn save_agent_config_json(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    json: &str,
    note: &str,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let value: Value = serde_json::from_str(json)
        .map_err(|e| AppError::validation("config", format!("This is not JSON: {e}")))?;
    save_agent_config(db, ctx, hub, kind, value, note).await
}

/// Saves version `version`'s configuration as the newest.
pub async fn rollback_agent_config(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    kind: AgentKind,
    version: i32,
) -> Result<i32, Error> {
    ctx.require(Role::Admin)?;
    let agent = hub.agents.get(kind)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let old = config::version(conn, kind, version).await?;
        let note = format!("Rolled back to version {version}");
        let new = config::save(
            conn,
            ctx.tenant_id,
            Some(ctx.user_id),
            kind,
            &old.config,
            &note,
        )
        .await?;
        NewAuditEntry::by(ctx, CONFIG_ROLLED_BACK)
            .target("agent", kind.as_str())
            .details(serde_json::json!({ "from": version, "version": new }))
            .record(conn)
            .await?;
        agent.after_save(conn, ctx, new, &old.config).await?;
        Ok(new)
    })
    .await
}

/// Stores (an empty key: removes) the key for a provider's endpoint.
pub async fn save_provider_key(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    provider: &str,
    base_url: &str,
    key: &str,
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    if hub.providers.get(provider).is_none() {
        return Err(
            AppError::validation("provider", "This server offers no such provider.").into(),
        );
    }
    if key.len() > 500 {
        return Err(AppError::validation("key", "A key is at most 500 characters.").into());
    }
    let secrets = hub.key.as_ref().ok_or_else(|| {
        AppError::unavailable(
            "Keys cannot be stored: the server has no CONNECTOR_KEY set to seal them.",
        )
    })?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        keys::save_key(conn, secrets, ctx.tenant_id, provider, base_url, key).await?;
        NewAuditEntry::by(ctx, PROVIDER_KEY_SAVED)
            .target("agent_provider", provider)
            .details(serde_json::json!({ "base_url": keys::endpoint_of(base_url), "removed": key.trim().is_empty() }))
            .record(conn)
            .await
    })
    .await
}

/// Sets (none: lifts) the monthly budget, in micro-dollars. Owners only.
pub async fn set_agent_budget(
    db: &Db,
    ctx: &RequestContext,
    limit: Option<i64>,
) -> Result<(), Error> {
    ctx.require(Role::Owner)?;
    if limit.is_some_and(|l| l < 0) {
        return Err(
            AppError::validation("monthly_budget", "The budget cannot be negative.").into(),
        );
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        budget::set_monthly_limit(conn, ctx.tenant_id, limit).await?;
        NewAuditEntry::by(ctx, BUDGET_SET)
            .details(serde_json::json!({ "monthly_limit_micros": limit }))
            .record(conn)
            .await
    })
    .await
}

pub async fn list_agent_runs(
    db: &Db,
    ctx: &RequestContext,
    filter: &ledger::RunFilter,
) -> Result<Vec<RunSummary>, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| ledger::list(conn, filter).await)
        .await
}

pub async fn get_agent_run(
    db: &Db,
    ctx: &RequestContext,
    id: AgentRunId,
) -> Result<RunDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| ledger::get(conn, id).await)
        .await
}

/// Runs a past run's subject again, with its version or another.
pub async fn replay_agent_run(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
    id: AgentRunId,
    version: Option<i32>,
) -> Result<RunOutcome, Error> {
    let (agent, subject, used) = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            ledger::subject_of(conn, id).await
        })
        .await?;
    run_agent(
        db,
        ctx,
        hub,
        RunRequest {
            agent,
            subject,
            trigger: RunTrigger::Manual,
            version: Some(version.unwrap_or(used)),
            replay_of: Some(id),
            id: None,
            watcher: None,
        },
    )
    .await
}

/// The Agents page: a card per agent, the budget, the latest runs.
pub async fn agents_overview(
    db: &Db,
    ctx: &RequestContext,
    hub: &AgentHub,
) -> Result<models::agents::views::AgentsOverview, Error> {
    use models::agents::views::{AgentCard, AgentsOverview};
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut cards = Vec::new();
        for kind in AgentKind::ALL {
            let card = match hub.agents.get(*kind) {
                Ok(agent) => {
                    let row = config::current_or_default(
                        conn,
                        ctx.tenant_id,
                        *kind,
                        &agent.default_config(),
                    )
                    .await?;
                    let common = common_of(&row.config)?;
                    AgentCard {
                        kind: *kind,
                        enabled: common.enabled,
                        provider: common.model.provider,
                        model: common.model.model,
                        temperature: common.model.temperature,
                        version: row.version,
                        available: true,
                        scopes: agent.bulk_scopes(),
                        events: agent.workflow_events().to_vec(),
                        automation: crate::automation::load_automation(conn, *kind).await?.0,
                        bulk: crate::automation::latest_bulk_run(conn, *kind).await?,
                    }
                }
                Err(_) => AgentCard {
                    kind: *kind,
                    enabled: false,
                    provider: String::new(),
                    model: String::new(),
                    temperature: 0.0,
                    version: 0,
                    available: false,
                    scopes: Vec::new(),
                    events: Vec::new(),
                    automation: Default::default(),
                    bulk: None,
                },
            };
            cards.push(card);
        }
        Ok(AgentsOverview {
            cards,
            recent_runs: ledger::list(
                conn,
                &ledger::RunFilter {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await?,
            monthly_limit_micros: budget::monthly_limit(conn).await?,
            spent_micros: budget::spent_this_month(conn, ctx.tenant_id).await?,
            can_configure: ctx.role.at_least(Role::Admin),
            can_set_budget: ctx.role.at_least(Role::Owner),
        })
    })
    .await
}

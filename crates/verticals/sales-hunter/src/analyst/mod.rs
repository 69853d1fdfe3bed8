//! The Pipeline Analyst: stage conversion and durations, velocity, the quarter's forecast
//! three ways — each with its backtest over the tenant's past quarters, so the user sees
//! which method has been right — and deal risks with their reasons. A deterministic core
//! (`core.rs`) over the deals and their history (`load.rs`); as an agent run, a summary.

pub mod agent;
pub mod core;
pub mod eval;
pub mod load;
pub mod manage;
pub mod stall;
#[cfg(test)]
mod tests;

pub use agent::PipelineAnalyst;
pub use stall::RefreshStallLimits;

use models::agents::analyst::{AnalystConfig, PipelineReport, RiskThresholds};
use models::agents::settings::{CommonSettings, ModelSettings};
use models::agents::AgentKind;
use platform::db::Conn;
use platform::Error;

pub const SYSTEM_PROMPT: &str = "You are the Pipeline Analyst for a B2B sales team. Summarise the \
quarter for the sales manager in at most 120 words: which forecast to trust and why (its \
backtest error), the gap between commit and best case, and the three deals most at risk with \
what to do next. Use only the numbers given; never invent any.";

pub const PROMPT: &str = "The quarter's forecasts and how each did before:\n{{ forecasts }}\n\n\
Stage conversion and velocity:\n{{ pipeline }}\n\nDeals at risk:\n{{ risks }}\n\nWrite the summary.";

pub fn default_config() -> AnalystConfig {
    AnalystConfig {
        common: CommonSettings {
            enabled: true,
            model: ModelSettings::default(),
            system_prompt: SYSTEM_PROMPT.into(),
            prompt: PROMPT.into(),
        },
        risks: RiskThresholds::default(),
        backtest_quarters: 4,
    }
}

pub async fn load_config(conn: &mut Conn) -> Result<AnalystConfig, Error> {
    match agents::config::current(conn, AgentKind::PipelineAnalyst).await? {
        Some(row) => serde_json::from_value(row.config).map_err(|e| {
            Error::Corrupt(format!(
                "the Pipeline Analyst's configuration does not read: {e}"
            ))
        }),
        None => Ok(default_config()),
    }
}

/// The report under `cfg`, as of now.
pub async fn pipeline_report(
    conn: &mut Conn,
    tenant: models::TenantId,
    cfg: &AnalystConfig,
) -> Result<PipelineReport, Error> {
    let stages = crate::stages::list_stages(conn, tenant).await?;
    let deals = load::deals(conn, None).await?;
    let currency = load::currency(conn).await?;
    let now = chrono::Utc::now();
    let (stage_stats, durations) = core::stage_stats(&stages, &deals);
    let (forecasts, roll_up) = core::forecasts(&stages, &deals, now, cfg.backtest_quarters);
    Ok(PipelineReport {
        quarter: core::quarter_of(now.date_naive()).2,
        stages: stage_stats,
        velocity: core::velocity(&stages, &deals),
        forecasts,
        roll_up,
        risks: core::risks(
            &stages,
            &deals,
            &core::stall_limits(&durations, cfg.risks.stall_percentile),
            cfg,
            &currency,
            now,
        ),
        currency,
    })
}

/// One deal's risks, for its page (which has its stages and currency already). The stall
/// check reads the stages' kept limits (`stall`), at most a day old.
pub async fn deal_risks(
    conn: &mut Conn,
    tenant: models::TenantId,
    id: uuid::Uuid,
    stages: &[models::sales::stage::Stage],
    currency: &str,
) -> Result<Vec<String>, Error> {
    let cfg = load_config(conn).await?;
    let deals = load::deals(conn, Some(id)).await?;
    let limits = stall::limits(conn, tenant, cfg.risks.stall_percentile).await?;
    let risks = core::risks(stages, &deals, &limits, &cfg, currency, chrono::Utc::now());
    Ok(risks
        .into_iter()
        .next()
        .map(|r| r.reasons)
        .unwrap_or_default())
}

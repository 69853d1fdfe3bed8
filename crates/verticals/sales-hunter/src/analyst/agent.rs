//! The Pipeline Analyst as an agent run over the whole pipeline: the numbers from the
//! core, a summary written from them (by the built-in provider, or by a model from the
//! same fenced numbers). A run changes no record.

use super::{default_config, pipeline_report};
use crate::agent_scopes::{find, listed, Records};
use agents::{
    narrative, typed_config, validated_config, Agent, Applied, BoxFuture, BulkRecords, Prepared,
};
use models::agents::analyst::{AnalystConfig, PipelineReport};
use models::agents::automation::BulkScope;
use models::agents::run::{RunSubject, SubjectKind};
use models::agents::AgentKind;
use models::sales::format_money;
use models::AppError;
use platform::db::Conn;
use platform::Error;
use serde_json::{json, Map, Value};

pub struct PipelineAnalyst;

/// The summary the built-in provider gives.
pub fn builtin_summary(r: &PipelineReport) -> String {
    let money = |m: i64| format_money(m, &r.currency, true);
    let trusted = r
        .forecasts
        .iter()
        .filter(|f| f.error_percent.is_some())
        .min_by(|a, b| {
            a.error_percent
                .unwrap_or(f64::MAX)
                .total_cmp(&b.error_percent.unwrap_or(f64::MAX))
        });
    let mut out = format!(
        "{}: weighted {}, commit {}, statistical {}.",
        r.quarter,
        money(r.forecasts.first().map_or(0, |f| f.amount_minor)),
        money(r.roll_up.0),
        money(r.forecasts.get(2).map_or(0, |f| f.amount_minor)),
    );
    match trusted {
        Some(f) => out.push_str(&format!(
            " Trust the {} forecast most: it was off by {:.0}% on average over the last {} quarters.",
            f.label.to_lowercase(),
            f.error_percent.unwrap_or(0.0),
            f.backtest.len()
        )),
        None => out.push_str(" No past quarter to check the methods against yet."),
    }
    out.push_str(&format!(
        " Best case is {} above commit; the whole pipeline closing this quarter is {}.",
        money(r.roll_up.1 - r.roll_up.0),
        money(r.roll_up.2)
    ));
    if r.risks.is_empty() {
        out.push_str(" No deal needs attention.");
    } else {
        out.push_str(&format!(" {} deals need attention; first:", r.risks.len()));
        for d in r.risks.iter().take(3) {
            out.push_str(&format!(
                " {} ({}): {}.",
                d.name,
                money(d.amount_minor),
                d.reasons.join("; ")
            ));
        }
    }
    out
}

/// The Analyst's one subject is the whole pipeline.
const SCOPES: [(&str, &str, Records); 1] = [("pipeline", "The whole pipeline", Records::Pipeline)];

impl Agent for PipelineAnalyst {
    fn kind(&self) -> AgentKind {
        AgentKind::PipelineAnalyst
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

    fn default_config(&self) -> Value {
        serde_json::to_value(default_config()).unwrap_or_default()
    }

    fn validate(&self, config: &Value) -> Result<Value, AppError> {
        validated_config(config, AnalystConfig::validate)
    }

    fn sample_variables(&self) -> Map<String, Value> {
        let mut vars = Map::new();
        vars.insert(
            "forecasts".into(),
            json!([{"method": "weighted", "amount": "$120K", "error_percent": 18.0}]),
        );
        vars.insert(
            "pipeline".into(),
            json!({"stages": [], "velocity_per_day": "$2.1K"}),
        );
        vars.insert(
            "risks".into(),
            json!([{"deal": "Acme renewal", "reasons": ["No activity for 20 days"]}]),
        );
        vars
    }

    fn prepare<'a>(
        &'a self,
        conn: &'a mut Conn,
        tenant: models::TenantId,
        config: &'a Value,
        subject: RunSubject,
    ) -> BoxFuture<'a, Result<Prepared, Error>> {
        Box::pin(async move {
            if subject.kind != SubjectKind::Tenant {
                return Err(AppError::validation(
                    "subject",
                    "The Pipeline Analyst works on the whole pipeline.",
                )
                .into());
            }
            let cfg = typed_config::<AnalystConfig>(config)?;
            let report = pipeline_report(conn, tenant, &cfg).await?;
            let money = |m: i64| format_money(m, &report.currency, true);
            let forecasts: Vec<Value> = report
                .forecasts
                .iter()
                .map(|f| json!({"method": f.label, "amount": money(f.amount_minor), "error_percent": f.error_percent, "definition": f.definition}))
                .collect();
            let pipeline = json!({
                "stages": report.stages,
                "velocity_per_day": money(report.velocity.per_day_minor),
                "win_rate_percent": report.velocity.win_rate_percent,
                "commit": money(report.roll_up.0), "best_case": money(report.roll_up.1), "pipeline": money(report.roll_up.2),
            });
            let risks: Vec<Value> = report
                .risks
                .iter()
                .take(20)
                .map(|d| json!({"deal": d.name, "amount": money(d.amount_minor), "reasons": d.reasons}))
                .collect();
            let mut variables = Map::new();
            variables.insert("forecasts".into(), json!(forecasts));
            variables.insert("pipeline".into(), pipeline.clone());
            variables.insert("risks".into(), json!(risks));
            Ok(Prepared {
                subject_name: format!("The pipeline, {}", report.quarter),
                inputs: json!({"forecasts": forecasts, "pipeline": pipeline, "risks": risks}),
                core: serde_json::to_value(&report).unwrap_or_default(),
                builtin_answer: builtin_summary(&report),
                variables,
                output: None,
            })
        })
    }

    fn parse(&self, _prepared: &Prepared, answer: &str) -> Result<Value, String> {
        narrative(answer, "summary")
    }

    fn apply<'a>(
        &'a self,
        _conn: &'a mut Conn,
        _run: Applied<'a>,
    ) -> BoxFuture<'a, Result<(), Error>> {
        Box::pin(async { Ok(()) })
    }
}

//! An org's opportunity stages and lead statuses taken over, so that a default org's deals
//! land on the board on the first sync: each remote stage not here (by name, as the sync
//! matches them) is created with the org's probability, forecast category and closed/won
//! meaning, in the org's order; each remote lead status is translated to the status here
//! that means the same.

use crate::actions;
use crate::stages::{locked_stages, renumber, NewStage, MAX_STAGES};
use diesel_async::RunQueryDsl;
use models::connectors::{ChoicePlan, RemoteChoice, ValuePair};
use models::sales::lead::LeadStatus;
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::{AppError, Role, StageId};
use platform::audit::NewAuditEntry;
use platform::db::schema::pipeline_stages;
use platform::db::Db;
use platform::{Error, RequestContext};
use uuid::Uuid;

/// The status here a remote lead status means.
pub fn local_status(c: &RemoteChoice) -> LeadStatus {
    let v = c.value.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| v.contains(w));
    if c.converted {
        LeadStatus::Converted
    } else if has(&[
        "unqualified",
        "disqualif",
        "not converted",
        "junk",
        "lost",
        "closed",
    ]) {
        LeadStatus::Disqualified
    } else if has(&["nurtur"]) {
        LeadStatus::Nurture
    } else if has(&["qualified"]) {
        LeadStatus::Qualified
    } else if c.default || has(&["open", "new", "not contacted"]) {
        LeadStatus::New
    } else {
        LeadStatus::Working
    }
}

/// Translations for every remote lead status.
pub fn status_translations(choices: &[RemoteChoice]) -> Vec<ValuePair> {
    choices
        .iter()
        .map(|c| ValuePair {
            remote: c.value.clone(),
            local: local_status(c).as_str().to_string(),
        })
        .collect()
}

fn forecast(c: &RemoteChoice) -> ForecastCategory {
    match c.forecast_category.to_lowercase().replace(' ', "").as_str() {
        "bestcase" => ForecastCategory::BestCase,
        "commit" | "forecast" => ForecastCategory::Commit,
        "closed" => ForecastCategory::Closed,
        "omitted" => ForecastCategory::Omitted,
        _ if c.closed && c.won => ForecastCategory::Closed,
        _ if c.closed => ForecastCategory::Omitted,
        _ => ForecastCategory::Pipeline,
    }
}

fn kind(c: &RemoteChoice) -> StageKind {
    match (c.closed, c.won) {
        (true, true) => StageKind::Won,
        (true, false) => StageKind::Lost,
        _ => StageKind::Open,
    }
}

/// Where each remote stage lands among `stages` (by name, case aside, as the sync matches).
fn plan(stages: &[Stage], choices: &[RemoteChoice]) -> Vec<ChoicePlan> {
    choices
        .iter()
        .map(|c| {
            let here = stages
                .iter()
                .find(|s| s.name.eq_ignore_ascii_case(&c.value));
            ChoicePlan {
                remote: c.value.clone(),
                local: here.map_or_else(|| c.value.clone(), |s| s.name.clone()),
                create: here.is_none(),
            }
        })
        .collect()
}

/// What taking the org's stages over does (`apply`: does it). Open stages are created after
/// the last open stage here, won and lost ones at the end, each in the org's order.
pub async fn adopt_stages(
    db: &Db,
    ctx: &RequestContext,
    choices: &[RemoteChoice],
    apply: bool,
) -> Result<Vec<ChoicePlan>, Error> {
    ctx.require(Role::Admin)?;
    for c in choices {
        if c.value.trim().is_empty() || c.value.chars().count() > 60 {
            return Err(AppError::validation(
                "stages",
                format!(
                    "The remote stage {:?} cannot be a stage name here (1 to 60 characters).",
                    c.value
                ),
            )
            .into());
        }
    }
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let mut stages = locked_stages(conn, ctx.tenant_id).await?;
        let planned = plan(&stages, choices);
        let missing: Vec<&RemoteChoice> = choices
            .iter()
            .zip(&planned)
            .filter(|(_, p)| p.create)
            .map(|(c, _)| c)
            .collect();
        if !apply || missing.is_empty() {
            return Ok(planned);
        }
        if stages.len() + missing.len() > MAX_STAGES {
            return Err(AppError::conflict(format!(
                "The org has {} stages not here, and a pipeline has at most {MAX_STAGES}: \
                 remove unused stages first, or map the org's values to stages here.",
                missing.len()
            ))
            .into());
        }
        for c in missing {
            let stage = Stage {
                id: StageId(Uuid::new_v4()),
                name: c.value.clone(),
                position: 0,
                probability: c.probability.unwrap_or(if c.won { 100 } else { 0 }),
                forecast_category: forecast(c),
                kind: kind(c),
            };
            diesel::insert_into(pipeline_stages::table)
                .values(NewStage {
                    tenant_id: ctx.tenant_id,
                    id: stage.id,
                    name: &stage.name,
                    position: 0,
                    probability: stage.probability,
                    forecast_category: stage.forecast_category,
                    kind: stage.kind,
                })
                .execute(conn)
                .await?;
            NewAuditEntry::by(ctx, actions::STAGE_CREATED)
                .target("stage", stage.id)
                .details(serde_json::json!({
                    "name": stage.name,
                    "probability": stage.probability,
                    "forecast_category": stage.forecast_category.as_str(),
                    "kind": stage.kind.as_str(),
                    "from": "remote stages",
                }))
                .record(conn)
                .await?;
            let at = match stage.kind {
                StageKind::Open => stages
                    .iter()
                    .rposition(|s| s.kind == StageKind::Open)
                    .map_or(0, |i| i + 1),
                _ => stages.len(),
            };
            stages.insert(at, stage);
        }
        renumber(conn, &stages).await?;
        Ok(planned)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(value: &str) -> RemoteChoice {
        RemoteChoice {
            value: value.into(),
            label: value.into(),
            probability: None,
            forecast_category: String::new(),
            closed: false,
            won: false,
            converted: false,
            default: false,
        }
    }

    #[test]
    fn a_default_orgs_lead_statuses_mean_what_they_say() {
        let status = |v: &str, f: fn(&mut RemoteChoice)| {
            let mut c = choice(v);
            f(&mut c);
            local_status(&c)
        };
        assert_eq!(
            status("Open - Not Contacted", |c| c.default = true),
            LeadStatus::New
        );
        assert_eq!(status("Working - Contacted", |_| {}), LeadStatus::Working);
        assert_eq!(
            status("Closed - Converted", |c| c.converted = true),
            LeadStatus::Converted
        );
        assert_eq!(
            status("Closed - Not Converted", |_| {}),
            LeadStatus::Disqualified
        );
        assert_eq!(status("Nurturing", |_| {}), LeadStatus::Nurture);
        assert_eq!(status("Qualified", |_| {}), LeadStatus::Qualified);
        assert_eq!(status("Unqualified", |_| {}), LeadStatus::Disqualified);
        assert_eq!(status("Contacted", |_| {}), LeadStatus::Working);
    }

    #[test]
    fn stages_keep_their_meaning() {
        let mut won = choice("Closed Won");
        won.closed = true;
        won.won = true;
        won.forecast_category = "Closed".into();
        assert_eq!(kind(&won), StageKind::Won);
        assert_eq!(forecast(&won), ForecastCategory::Closed);
        let mut q = choice("Proposal/Price Quote");
        q.forecast_category = "Best Case".into();
        assert_eq!(kind(&q), StageKind::Open);
        assert_eq!(forecast(&q), ForecastCategory::BestCase);
        let here = Stage {
            id: StageId(Uuid::nil()),
            name: "Closed won".into(),
            position: 0,
            probability: 100,
            forecast_category: ForecastCategory::Closed,
            kind: StageKind::Won,
        };
        let p = plan(&[here], &[won, q]);
        assert_eq!((p[0].local.as_str(), p[0].create), ("Closed won", false));
        assert_eq!(
            (p[1].local.as_str(), p[1].create),
            ("Proposal/Price Quote", true)
        );
    }
}

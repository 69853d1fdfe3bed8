//! The Prospector's settings as a plain form (works without JavaScript): every input a
//! string, parsed here with the input's own name on each error.

use super::icp::{Icp, ProspectorConfig, Scoring, Seniority};
use super::settings::{CommonSettings, ModelSettings};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProspectorForm {
    #[serde(default)]
    pub enabled: Option<String>,
    pub provider: String,
    #[serde(default)]
    pub base_url: String,
    #[serde(default)]
    pub model: String,
    pub temperature: String,
    pub max_tokens: String,
    pub system_prompt: String,
    pub prompt: String,
    #[serde(default)]
    pub industries: String,
    pub industry_points: String,
    #[serde(default)]
    pub employees_min: String,
    #[serde(default)]
    pub employees_max: String,
    pub size_points: String,
    #[serde(default)]
    pub revenue_field: String,
    #[serde(default)]
    pub revenue_min: String,
    #[serde(default)]
    pub revenue_max: String,
    pub revenue_points: String,
    #[serde(default)]
    pub regions: String,
    pub region_points: String,
    pub outside_region_points: String,
    #[serde(default)]
    pub titles: String,
    pub title_points: String,
    #[serde(default)]
    pub seniority_executive: Option<String>,
    #[serde(default)]
    pub seniority_vp: Option<String>,
    #[serde(default)]
    pub seniority_director: Option<String>,
    #[serde(default)]
    pub seniority_manager: Option<String>,
    #[serde(default)]
    pub seniority_individual: Option<String>,
    pub seniority_points: String,
    #[serde(default)]
    pub technologies: String,
    pub technology_points: String,
    #[serde(default)]
    pub signals: String,
    pub signal_points: String,
    pub fit_percent: String,
    pub half_life_days: String,
    pub grade_a: String,
    pub grade_b: String,
    pub grade_c: String,
    #[serde(default)]
    pub note: String,
}

fn list(s: &str) -> Vec<String> {
    s.split([',', '\n'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn join(v: &[String]) -> String {
    v.join(", ")
}

fn num<T: std::str::FromStr>(field: &str, s: &str) -> Result<T, AppError> {
    s.trim()
        .replace([',', '_', ' '], "")
        .parse()
        .map_err(|_| AppError::validation(field, "Must be a whole number."))
}

fn opt<T: std::str::FromStr>(field: &str, s: &str) -> Result<Option<T>, AppError> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        num(field, s).map(Some)
    }
}

fn on(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|v| !v.is_empty() && v != "false" && v != "off")
}

impl ProspectorForm {
    /// The typed configuration; errors name the form's inputs. Range checks are the
    /// configuration's own (`ProspectorConfig::validate`).
    pub fn to_config(&self) -> Result<ProspectorConfig, AppError> {
        let temperature: f32 =
            self.temperature.trim().parse().map_err(|_| {
                AppError::validation("temperature", "Must be a number such as 0.2.")
            })?;
        let mut seniorities = Vec::new();
        for (flag, s) in [
            (&self.seniority_executive, Seniority::Executive),
            (&self.seniority_vp, Seniority::Vp),
            (&self.seniority_director, Seniority::Director),
            (&self.seniority_manager, Seniority::Manager),
            (&self.seniority_individual, Seniority::Individual),
        ] {
            if on(flag) {
                seniorities.push(s);
            }
        }
        let fit_percent: u16 = num("fit_percent", &self.fit_percent)?;
        let grade = |f: &str, s: &str| -> Result<u8, AppError> {
            let n: u16 = num(f, s)?;
            u8::try_from(n).map_err(|_| AppError::validation(f, "Must be 0 to 100."))
        };
        Ok(ProspectorConfig {
            common: CommonSettings {
                enabled: on(&self.enabled),
                model: ModelSettings {
                    provider: self.provider.trim().to_string(),
                    base_url: self.base_url.trim().to_string(),
                    model: self.model.trim().to_string(),
                    temperature,
                    max_tokens: num("max_tokens", &self.max_tokens)?,
                },
                system_prompt: self.system_prompt.clone(),
                prompt: self.prompt.clone(),
            },
            icp: Icp {
                industries: list(&self.industries),
                industry_points: num("industry_points", &self.industry_points)?,
                employees_min: opt("employees_min", &self.employees_min)?,
                employees_max: opt("employees_max", &self.employees_max)?,
                size_points: num("size_points", &self.size_points)?,
                revenue_field: self.revenue_field.trim().to_string(),
                revenue_min: opt("revenue_min", &self.revenue_min)?,
                revenue_max: opt("revenue_max", &self.revenue_max)?,
                revenue_points: num("revenue_points", &self.revenue_points)?,
                regions: list(&self.regions),
                region_points: num("region_points", &self.region_points)?,
                outside_region_points: num("outside_region_points", &self.outside_region_points)?,
                titles: list(&self.titles),
                title_points: num("title_points", &self.title_points)?,
                seniorities,
                seniority_points: num("seniority_points", &self.seniority_points)?,
                technologies: list(&self.technologies),
                technology_points: num("technology_points", &self.technology_points)?,
                signals: list(&self.signals),
                signal_points: num("signal_points", &self.signal_points)?,
            },
            scoring: Scoring {
                fit_percent: u8::try_from(fit_percent.min(255)).unwrap_or(u8::MAX),
                half_life_days: num("half_life_days", &self.half_life_days)?,
                grade_a: grade("grade_a", &self.grade_a)?,
                grade_b: grade("grade_b", &self.grade_b)?,
                grade_c: grade("grade_c", &self.grade_c)?,
            },
        })
    }

    /// The form as a configuration fills it.
    pub fn from_config(c: &ProspectorConfig) -> ProspectorForm {
        let flag = |s: Seniority| c.icp.seniorities.contains(&s).then(|| "on".to_string());
        let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        ProspectorForm {
            enabled: c.common.enabled.then(|| "on".to_string()),
            provider: c.common.model.provider.clone(),
            base_url: c.common.model.base_url.clone(),
            model: c.common.model.model.clone(),
            temperature: c.common.model.temperature.to_string(),
            max_tokens: c.common.model.max_tokens.to_string(),
            system_prompt: c.common.system_prompt.clone(),
            prompt: c.common.prompt.clone(),
            industries: join(&c.icp.industries),
            industry_points: c.icp.industry_points.to_string(),
            employees_min: opt(c.icp.employees_min.map(i64::from)),
            employees_max: opt(c.icp.employees_max.map(i64::from)),
            size_points: c.icp.size_points.to_string(),
            revenue_field: c.icp.revenue_field.clone(),
            revenue_min: opt(c.icp.revenue_min),
            revenue_max: opt(c.icp.revenue_max),
            revenue_points: c.icp.revenue_points.to_string(),
            regions: join(&c.icp.regions),
            region_points: c.icp.region_points.to_string(),
            outside_region_points: c.icp.outside_region_points.to_string(),
            titles: join(&c.icp.titles),
            title_points: c.icp.title_points.to_string(),
            seniority_executive: flag(Seniority::Executive),
            seniority_vp: flag(Seniority::Vp),
            seniority_director: flag(Seniority::Director),
            seniority_manager: flag(Seniority::Manager),
            seniority_individual: flag(Seniority::Individual),
            seniority_points: c.icp.seniority_points.to_string(),
            technologies: join(&c.icp.technologies),
            technology_points: c.icp.technology_points.to_string(),
            signals: join(&c.icp.signals),
            signal_points: c.icp.signal_points.to_string(),
            fit_percent: c.scoring.fit_percent.to_string(),
            half_life_days: c.scoring.half_life_days.to_string(),
            grade_a: c.scoring.grade_a.to_string(),
            grade_b: c.scoring.grade_b.to_string(),
            grade_c: c.scoring.grade_c.to_string(),
            note: String::new(),
        }
    }
}

/// A configuration error's field as the form names it (`icp.industry_points` →
/// `industry_points`, `common.model.base_url` → `base_url`).
pub fn form_field(field: &str) -> String {
    field.rsplit('.').next().unwrap_or(field).to_string()
}

//! The Prospector's configuration: the tenant's ideal customer profile (each factor with
//! the points it is worth), how fit and engagement combine, and the grade bands.

use super::settings::CommonSettings;
use crate::error::AppError;
use crate::sales::str_enum;
use serde::{Deserialize, Serialize};

str_enum!(
    Seniority {
        Executive => "executive", "Executive (C-level, founder, owner)";
        Vp => "vp", "Vice president";
        Director => "director", "Director or head of";
        Manager => "manager", "Manager or lead";
        Individual => "individual", "Individual contributor";
    }
);

/// The ideal customer profile. A factor with no values is not scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Icp {
    pub industries: Vec<String>,
    pub industry_points: i16,
    pub employees_min: Option<i32>,
    pub employees_max: Option<i32>,
    pub size_points: i16,
    /// A number custom field holding annual revenue (leads have no revenue field of their
    /// own); empty: revenue is not scored.
    pub revenue_field: String,
    pub revenue_min: Option<i64>,
    pub revenue_max: Option<i64>,
    pub revenue_points: i16,
    /// Countries, as the leads' country field writes them.
    pub regions: Vec<String>,
    pub region_points: i16,
    /// Added (negative) when the lead's country is known and outside the regions.
    pub outside_region_points: i16,
    /// Words of a title (`sales`, `revenue`, `operations`).
    pub titles: Vec<String>,
    pub title_points: i16,
    pub seniorities: Vec<Seniority>,
    pub seniority_points: i16,
    /// Looked for in the lead's company, industry, title and custom fields.
    pub technologies: Vec<String>,
    pub technology_points: i16,
    /// Buying-signal keywords, looked for in the lead's notes and activities.
    pub signals: Vec<String>,
    pub signal_points: i16,
}

impl Default for Icp {
    fn default() -> Self {
        Icp {
            industries: vec!["Software".into(), "Fintech".into()],
            industry_points: 20,
            employees_min: Some(50),
            employees_max: Some(5000),
            size_points: 20,
            revenue_field: String::new(),
            revenue_min: None,
            revenue_max: None,
            revenue_points: 0,
            regions: vec![],
            region_points: 10,
            outside_region_points: -10,
            titles: vec!["sales".into(), "revenue".into(), "growth".into()],
            title_points: 15,
            seniorities: vec![Seniority::Executive, Seniority::Vp, Seniority::Director],
            seniority_points: 15,
            technologies: vec![],
            technology_points: 10,
            signals: vec![
                "pricing".into(),
                "demo".into(),
                "budget".into(),
                "evaluating".into(),
            ],
            signal_points: 10,
        }
    }
}

/// How the two halves combine into the score, and where the grades start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// The share of the score that is fit (the rest is engagement), in percent.
    pub fit_percent: u8,
    /// An activity's engagement halves every this many days.
    pub half_life_days: u16,
    pub grade_a: u8,
    pub grade_b: u8,
    pub grade_c: u8,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            fit_percent: 70,
            half_life_days: 14,
            grade_a: 70,
            grade_b: 45,
            grade_c: 20,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProspectorConfig {
    pub common: CommonSettings,
    pub icp: Icp,
    pub scoring: Scoring,
}

fn points(field: &str, p: i16) -> Result<(), AppError> {
    if !(-100..=100).contains(&p) {
        return Err(AppError::validation(
            field,
            "Points must be between -100 and 100.",
        ));
    }
    Ok(())
}

fn words(field: &str, list: &[String]) -> Result<(), AppError> {
    if list.len() > 50 {
        return Err(AppError::validation(field, "At most 50 entries."));
    }
    if let Some(w) = list.iter().find(|w| w.trim().is_empty() || w.len() > 80) {
        return Err(AppError::validation(
            field,
            format!("`{w}` must be 1 to 80 characters."),
        ));
    }
    Ok(())
}

fn band<T: PartialOrd + Copy>(field: &str, min: Option<T>, max: Option<T>) -> Result<(), AppError> {
    if let (Some(a), Some(b)) = (min, max) {
        if a > b {
            return Err(AppError::validation(
                field,
                "The minimum is above the maximum.",
            ));
        }
    }
    Ok(())
}

impl ProspectorConfig {
    /// Field errors name the form's inputs (`icp.industry_points`, `scoring.grade_b`).
    pub fn validate(&self) -> Result<(), AppError> {
        let icp = &self.icp;
        words("icp.industries", &icp.industries)?;
        words("icp.regions", &icp.regions)?;
        words("icp.titles", &icp.titles)?;
        words("icp.technologies", &icp.technologies)?;
        words("icp.signals", &icp.signals)?;
        for (f, p) in [
            ("icp.industry_points", icp.industry_points),
            ("icp.size_points", icp.size_points),
            ("icp.revenue_points", icp.revenue_points),
            ("icp.region_points", icp.region_points),
            ("icp.outside_region_points", icp.outside_region_points),
            ("icp.title_points", icp.title_points),
            ("icp.seniority_points", icp.seniority_points),
            ("icp.technology_points", icp.technology_points),
            ("icp.signal_points", icp.signal_points),
        ] {
            points(f, p)?;
        }
        band("icp.employees_min", icp.employees_min, icp.employees_max)?;
        band("icp.revenue_min", icp.revenue_min, icp.revenue_max)?;
        if icp.employees_min.is_some_and(|n| n < 0) {
            return Err(AppError::validation(
                "icp.employees_min",
                "Must not be negative.",
            ));
        }
        let s = &self.scoring;
        if s.fit_percent > 100 {
            return Err(AppError::validation(
                "scoring.fit_percent",
                "Must be 0 to 100.",
            ));
        }
        if !(1..=365).contains(&s.half_life_days) {
            return Err(AppError::validation(
                "scoring.half_life_days",
                "Must be 1 to 365 days.",
            ));
        }
        if !(s.grade_a > s.grade_b && s.grade_b > s.grade_c && s.grade_a <= 100) {
            return Err(AppError::validation(
                "scoring.grade_b",
                "Grades must step down: A above B above C, A at most 100.",
            ));
        }
        Ok(())
    }

    /// The most fit points a lead can earn under this profile.
    pub fn max_fit(&self) -> i16 {
        let i = &self.icp;
        let mut max = 0;
        for (configured, p) in [
            (!i.industries.is_empty(), i.industry_points),
            (
                i.employees_min.is_some() || i.employees_max.is_some(),
                i.size_points,
            ),
            (!i.revenue_field.is_empty(), i.revenue_points),
            (!i.regions.is_empty(), i.region_points),
            (!i.titles.is_empty(), i.title_points),
            (!i.seniorities.is_empty(), i.seniority_points),
            (!i.technologies.is_empty(), i.technology_points),
            (!i.signals.is_empty(), i.signal_points),
        ] {
            if configured {
                max += p.max(0);
            }
        }
        max
    }
}

/// The grade for a score under these bands.
pub fn grade_of(score: i16, s: &Scoring) -> &'static str {
    let score = score.max(0) as u8;
    if score >= s.grade_a {
        "A"
    } else if score >= s.grade_b {
        "B"
    } else if score >= s.grade_c {
        "C"
    } else {
        "D"
    }
}

//! The Prospector's deterministic core: fit against the tenant's ideal customer profile,
//! engagement from activities with recency decay, the combined score and its grade —
//! every point with the reason it was given. No model is involved in a score.

use chrono::{DateTime, Utc};
use models::agents::icp::{grade_of, ProspectorConfig, Seniority};
use models::sales::lead::ScoreReason;
use serde_json::Value;

/// What the core reads of a lead.
#[derive(Debug, Clone, Default)]
pub struct LeadFacts {
    pub title: String,
    pub company: String,
    pub industry: String,
    pub country: String,
    pub employee_count: Option<i32>,
    pub custom: Value,
}

/// One activity about the lead.
#[derive(Debug, Clone)]
pub struct Touch {
    /// `call`, `email`, `meeting`, `note`.
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Subject and body, for buying signals.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: i16,
    pub fit: i16,
    pub engagement: i16,
    pub grade: &'static str,
    pub reasons: Vec<ScoreReason>,
}

fn line(group: &str, label: String, points: i16) -> ScoreReason {
    ScoreReason {
        label,
        points,
        group: group.to_string(),
    }
}

fn words_of(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `needle` (one or more words) appears in `haystack` as whole words, case-blind.
pub fn has_phrase(haystack: &[String], needle: &str) -> bool {
    let needle = words_of(needle);
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|w| w == needle.as_slice())
}

/// The seniority a title says.
pub fn seniority_of(title: &str) -> Option<Seniority> {
    let words = words_of(title);
    let has = |w: &str| words.iter().any(|x| x == w);
    let t = title.to_lowercase();
    if [
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cro",
        "cmo",
        "cio",
        "founder",
        "cofounder",
        "owner",
        "president",
        "partner",
    ]
    .iter()
    .any(|w| has(w))
        || t.contains("chief ")
        || t.contains("co-founder")
    {
        return Some(Seniority::Executive);
    }
    if has("vp") || has("svp") || has("evp") || t.contains("vice president") {
        return Some(Seniority::Vp);
    }
    if has("director") || has("head") {
        return Some(Seniority::Director);
    }
    if has("manager") || has("lead") || has("supervisor") {
        return Some(Seniority::Manager);
    }
    if words.is_empty() {
        None
    } else {
        Some(Seniority::Individual)
    }
}

fn engagement_weight(kind: &str) -> f64 {
    match kind {
        "meeting" => 30.0,
        "call" => 20.0,
        "email" => 10.0,
        _ => 5.0,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().replace([',', '_', ' '], "").parse().ok(),
        _ => None,
    }
}

fn fit_lines(cfg: &ProspectorConfig, lead: &LeadFacts, touches: &[Touch]) -> Vec<ScoreReason> {
    let icp = &cfg.icp;
    let mut out = Vec::new();
    let industry = lead.industry.trim();
    if !icp.industries.is_empty() && !industry.is_empty() {
        let words = words_of(industry);
        if let Some(hit) = icp.industries.iter().find(|i| has_phrase(&words, i)) {
            out.push(line(
                "fit",
                format!("industry: {industry} (profile: {hit})"),
                icp.industry_points,
            ));
        }
    }
    if icp.employees_min.is_some() || icp.employees_max.is_some() {
        if let Some(n) = lead.employee_count {
            let inside = icp.employees_min.is_none_or(|m| n >= m)
                && icp.employees_max.is_none_or(|m| n <= m);
            if inside {
                out.push(line(
                    "fit",
                    format!("size: {n} employees, inside the profile's band"),
                    icp.size_points,
                ));
            }
        }
    }
    if !icp.revenue_field.is_empty() {
        if let Some(r) = lead.custom.get(&icp.revenue_field).and_then(number) {
            let inside = icp.revenue_min.is_none_or(|m| r >= m as f64)
                && icp.revenue_max.is_none_or(|m| r <= m as f64);
            if inside {
                out.push(line(
                    "fit",
                    format!("revenue: {r:.0}, inside the profile's band"),
                    icp.revenue_points,
                ));
            }
        }
    }
    let country = lead.country.trim();
    if !icp.regions.is_empty() && !country.is_empty() {
        if icp
            .regions
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case(country))
        {
            out.push(line("fit", format!("region: {country}"), icp.region_points));
        } else if icp.outside_region_points != 0 {
            out.push(line(
                "fit",
                format!("region: {country} is outside the profile"),
                icp.outside_region_points,
            ));
        }
    }
    let title_words = words_of(&lead.title);
    if let Some(hit) = icp.titles.iter().find(|t| has_phrase(&title_words, t)) {
        out.push(line(
            "fit",
            format!("title: {} (profile: {hit})", lead.title.trim()),
            icp.title_points,
        ));
    }
    if let Some(s) = seniority_of(&lead.title).filter(|s| icp.seniorities.contains(s)) {
        out.push(line(
            "fit",
            format!("seniority: {}", s.label()),
            icp.seniority_points,
        ));
    }
    if !icp.technologies.is_empty() {
        let mut text = format!("{} {} {}", lead.company, lead.industry, lead.title);
        if let Value::Object(custom) = &lead.custom {
            for v in custom.values() {
                if let Some(s) = v.as_str() {
                    text.push(' ');
                    text.push_str(s);
                }
            }
        }
        let words = words_of(&text);
        if let Some(hit) = icp.technologies.iter().find(|t| has_phrase(&words, t)) {
            out.push(line(
                "fit",
                format!("technology: {hit}"),
                icp.technology_points,
            ));
        }
    }
    if !icp.signals.is_empty() {
        let found = touches.iter().find_map(|t| {
            let words = words_of(&t.text);
            icp.signals
                .iter()
                .find(|s| has_phrase(&words, s))
                .map(|s| (s, t))
        });
        if let Some((signal, touch)) = found {
            out.push(line(
                "fit",
                format!(
                    "buying signal: \u{201c}{signal}\u{201d} in a {} on {}",
                    touch.kind,
                    touch.at.format("%-d %b %Y")
                ),
                icp.signal_points,
            ));
        }
    }
    out
}

fn engagement_lines(
    cfg: &ProspectorConfig,
    touches: &[Touch],
    now: DateTime<Utc>,
) -> Vec<ScoreReason> {
    let half_life = f64::from(cfg.scoring.half_life_days.max(1));
    let mut by_kind: Vec<(String, usize, f64, DateTime<Utc>)> = Vec::new();
    for t in touches {
        let days = (now - t.at).num_seconds().max(0) as f64 / 86_400.0;
        let worth = engagement_weight(&t.kind) * 0.5f64.powf(days / half_life);
        match by_kind.iter_mut().find(|(k, ..)| *k == t.kind) {
            Some(entry) => {
                entry.1 += 1;
                entry.2 += worth;
                entry.3 = entry.3.max(t.at);
            }
            None => by_kind.push((t.kind.clone(), 1, worth, t.at)),
        }
    }
    by_kind.sort_by(|a, b| b.2.total_cmp(&a.2));
    by_kind
        .into_iter()
        .filter_map(|(kind, n, worth, latest)| {
            let points = worth.round() as i16;
            (points != 0).then(|| {
                let days = (now - latest).num_days().max(0);
                let plural = if n == 1 { "" } else { "s" };
                let ago = match days {
                    0 => "today".to_string(),
                    1 => "yesterday".to_string(),
                    d => format!("{d} days ago"),
                };
                line(
                    "engagement",
                    format!("{n} {kind}{plural}, latest {ago}"),
                    points,
                )
            })
        })
        .collect()
}

/// Scores a lead. `touches` are its activities; `now` fixes the decay (tests pass a date).
pub fn score_lead(
    cfg: &ProspectorConfig,
    lead: &LeadFacts,
    touches: &[Touch],
    now: DateTime<Utc>,
) -> Scored {
    let mut reasons = fit_lines(cfg, lead, touches);
    let fit = reasons
        .iter()
        .map(|r| i32::from(r.points))
        .sum::<i32>()
        .clamp(0, 100) as i16;
    let engagement_part = engagement_lines(cfg, touches, now);
    let engagement = engagement_part
        .iter()
        .map(|r| i32::from(r.points))
        .sum::<i32>()
        .clamp(0, 100) as i16;
    reasons.extend(engagement_part);
    let share = i32::from(cfg.scoring.fit_percent.min(100));
    let score = ((i32::from(fit) * share + i32::from(engagement) * (100 - share)) as f64 / 100.0)
        .round() as i16;
    let score = score.clamp(0, 100);
    reasons.push(line(
        "combined",
        format!(
            "fit {fit} × {share}% + engagement {engagement} × {}%",
            100 - share
        ),
        score,
    ));
    Scored {
        score,
        fit,
        engagement,
        grade: grade_of(score, &cfg.scoring),
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use models::agents::icp::{Icp, Scoring};
    use models::agents::settings::CommonSettings;

    fn cfg() -> ProspectorConfig {
        ProspectorConfig {
            common: CommonSettings {
                enabled: true,
                model: Default::default(),
                system_prompt: String::new(),
                prompt: String::new(),
            },
            icp: Icp {
                regions: vec!["Germany".into(), "United Kingdom".into()],
                technologies: vec!["Snowflake".into()],
                ..Icp::default()
            },
            scoring: Scoring::default(),
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .expect("date")
    }

    #[test]
    fn every_point_is_explained_and_adds_up() {
        // Hand-computed: industry 20 + size 20 + region 10 + title 15 + seniority (VP) 15
        // + technology 10 + signal 10 = 100 fit.
        let lead = LeadFacts {
            title: "VP Sales".into(),
            company: "Acme".into(),
            industry: "Fintech".into(),
            country: "Germany".into(),
            employee_count: Some(250),
            custom: serde_json::json!({"stack": "Snowflake, dbt"}),
        };
        // A call today (20) and a meeting 14 days ago (30 × ½ = 15): engagement 35.
        let touches = vec![
            Touch {
                kind: "call".into(),
                at: now(),
                text: "Asked about pricing for 40 seats".into(),
            },
            Touch {
                kind: "meeting".into(),
                at: now() - chrono::Duration::days(14),
                text: "Intro".into(),
            },
        ];
        let s = score_lead(&cfg(), &lead, &touches, now());
        assert_eq!((s.fit, s.engagement), (100, 35));
        // 100 × 70% + 35 × 30% = 80.5 → 81 (rounded half away from zero).
        assert_eq!(s.score, 81);
        assert_eq!(s.grade, "A");
        let fit_sum: i16 = s
            .reasons
            .iter()
            .filter(|r| r.group == "fit")
            .map(|r| r.points)
            .sum();
        let eng_sum: i16 = s
            .reasons
            .iter()
            .filter(|r| r.group == "engagement")
            .map(|r| r.points)
            .sum();
        assert_eq!((fit_sum, eng_sum), (100, 35));
        assert!(s.reasons.iter().any(|r| r
            .label
            .starts_with("buying signal: \u{201c}pricing\u{201d} in a call")));
        assert_eq!(s.reasons.last().map(|r| r.points), Some(81));
    }

    #[test]
    fn outside_the_region_costs_points_and_nothing_known_scores_zero() {
        let lead = LeadFacts {
            title: "Engineer".into(),
            industry: "Retail".into(),
            country: "Brazil".into(),
            employee_count: Some(20_000),
            ..LeadFacts::default()
        };
        let s = score_lead(&cfg(), &lead, &[], now());
        assert_eq!(s.fit, 0, "−10 for the region clamps at zero");
        assert!(s
            .reasons
            .iter()
            .any(|r| r.points == -10 && r.label.contains("Brazil")));
        assert_eq!((s.score, s.grade), (0, "D"));
        let empty = score_lead(&cfg(), &LeadFacts::default(), &[], now());
        assert_eq!(empty.score, 0);
    }

    #[test]
    fn titles_say_their_seniority() {
        assert_eq!(
            seniority_of("Chief Revenue Officer"),
            Some(Seniority::Executive)
        );
        assert_eq!(seniority_of("Co-Founder"), Some(Seniority::Executive));
        assert_eq!(seniority_of("SVP, Sales"), Some(Seniority::Vp));
        assert_eq!(seniority_of("Head of Growth"), Some(Seniority::Director));
        assert_eq!(seniority_of("Team Lead"), Some(Seniority::Manager));
        assert_eq!(
            seniority_of("Account Executive"),
            Some(Seniority::Individual)
        );
        assert_eq!(seniority_of(""), None);
        // Whole words: "leader" is not "lead", "overhead" not "head".
        assert!(!has_phrase(&words_of("overhead costs"), "head"));
        assert!(has_phrase(
            &words_of("Director, Revenue Operations"),
            "revenue operations"
        ));
    }
}

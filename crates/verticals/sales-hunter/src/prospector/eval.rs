//! The Prospector against its labelled evaluation set (`eval/prospector.csv`: 200
//! synthetic leads, each labelled with the grade it was written to deserve under
//! `eval/profile.json`; see `eval/make_prospector_set.py`). `scripts/eval-agents` runs it
//! and prints grade agreement, per-grade precision and recall, and the confusion matrix.

use super::core::{score_lead, LeadFacts, Touch};
use super::default_config;
use chrono::{DateTime, Duration, Utc};
use models::agents::icp::Icp;

const SET: &str = include_str!("../../eval/prospector.csv");
const PROFILE: &str = include_str!("../../eval/profile.json");
const GRADES: [&str; 4] = ["A", "B", "C", "D"];

/// (expected, got) for every lead of the set.
pub fn grade_pairs(now: DateTime<Utc>) -> Result<Vec<(String, String)>, String> {
    let mut cfg = default_config();
    cfg.icp = serde_json::from_str::<Icp>(PROFILE).map_err(|e| format!("profile.json: {e}"))?;
    let mut reader = csv::Reader::from_reader(SET.as_bytes());
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row.map_err(|e| format!("prospector.csv: {e}"))?;
        let field = |i: usize| row.get(i).unwrap_or_default().to_string();
        let touches: Vec<Touch> = field(6)
            .split(';')
            .filter(|a| !a.is_empty())
            .filter_map(|a| {
                let mut parts = a.splitn(3, ':');
                let kind = parts.next()?.to_string();
                let days: i64 = parts.next()?.parse().ok()?;
                Some(Touch {
                    kind,
                    at: now - Duration::days(days),
                    text: parts.next().unwrap_or_default().to_string(),
                })
            })
            .collect();
        let tech = field(5);
        let lead = LeadFacts {
            title: field(0),
            company: field(1),
            industry: field(2),
            country: field(3),
            employee_count: field(4).parse().ok(),
            custom: if tech.is_empty() {
                serde_json::json!({})
            } else {
                serde_json::json!({"stack": tech})
            },
        };
        let got = score_lead(&cfg, &lead, &touches, now).grade.to_string();
        out.push((field(7), got));
    }
    Ok(out)
}

/// The report `scripts/eval-agents` prints.
pub fn report(pairs: &[(String, String)]) -> String {
    let agree = pairs.iter().filter(|(e, g)| e == g).count();
    let mut out = format!(
        "Prospector grades (built-in rules; a model never sets a score): {agree} of {} agree ({:.1}%)\n",
        pairs.len(),
        100.0 * agree as f64 / pairs.len().max(1) as f64
    );
    out.push_str("grade  precision  recall\n");
    for g in GRADES {
        let predicted = pairs.iter().filter(|(_, got)| got == g).count();
        let actual = pairs.iter().filter(|(e, _)| e == g).count();
        let hit = pairs.iter().filter(|(e, got)| e == g && got == g).count();
        let ratio = |a: usize, b: usize| {
            if b == 0 {
                "—".to_string()
            } else {
                format!("{:.2}", a as f64 / b as f64)
            }
        };
        out.push_str(&format!(
            "{g}      {:>9}  {:>6}\n",
            ratio(hit, predicted),
            ratio(hit, actual)
        ));
    }
    out.push_str("expected \\ got   A   B   C   D\n");
    for e in GRADES {
        let cells: Vec<String> = GRADES
            .iter()
            .map(|g| {
                format!(
                    "{:>3}",
                    pairs.iter().filter(|(x, y)| x == e && y == g).count()
                )
            })
            .collect();
        out.push_str(&format!("{e}               {}\n", cells.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "an evaluation: scripts/eval-agents runs it"]
    fn prospector_eval_set() {
        let pairs = grade_pairs(Utc::now()).expect("the set reads");
        println!("{}", report(&pairs));
    }

    #[test]
    fn the_set_reads_whole_and_is_balanced() {
        let pairs = grade_pairs(Utc::now()).expect("the set reads");
        assert_eq!(pairs.len(), 200);
        for g in GRADES {
            assert_eq!(pairs.iter().filter(|(e, _)| e == g).count(), 50, "{g}");
        }
    }
}

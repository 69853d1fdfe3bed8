//! The Qualifier against its labelled set (`eval/qualifier.csv`: 60 notes, each labelled
//! with the BANT state a careful rep would give it). `scripts/eval-agents` prints, per
//! criterion, precision (of the states the rules claimed, how many were right) and recall
//! (of the states the notes show, how many the rules found), and exact agreement.
//! `QUALIFIER_EVAL=path.csv` reads another set of the same columns.

use super::rules::{extract, Source};
use chrono::Utc;
use models::agents::qualifier::{CriterionState, Framework};

const SET: &str = include_str!("../../eval/qualifier.csv");

/// One note's (expected, got) state per BANT criterion.
pub type Row = Vec<(CriterionState, CriterionState)>;

pub fn state_pairs(csv_text: &str) -> Result<Vec<Row>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("row {}: {e}", i + 2))?;
        let note = row.get(1).unwrap_or_default();
        let found = extract(&[Source {
            id: uuid::Uuid::nil(),
            at: Utc::now(),
            text: note.to_string(),
        }]);
        let mut pairs = Vec::new();
        for (col, c) in Framework::Bant.criteria().iter().enumerate() {
            let label = row.get(col + 2).unwrap_or_default().trim();
            let expected = CriterionState::parse(label)
                .ok_or_else(|| format!("row {}: “{label}” is not a state", i + 2))?;
            let got = found
                .iter()
                .find(|f| f.criterion == *c)
                .map_or(CriterionState::Unknown, |f| f.state);
            pairs.push((expected, got));
        }
        out.push(pairs);
    }
    Ok(out)
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "—".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

pub fn report(rows: &[Row]) -> String {
    let mut out = format!(
        "Qualifier BANT states (built-in rules) over {} notes\ncriterion  precision  recall  agreement\n",
        rows.len()
    );
    let unknown = CriterionState::Unknown;
    for (i, c) in Framework::Bant.criteria().iter().enumerate() {
        let col: Vec<&(CriterionState, CriterionState)> =
            rows.iter().filter_map(|r| r.get(i)).collect();
        let claimed = col.iter().filter(|(_, g)| *g != unknown).count();
        let shown = col.iter().filter(|(e, _)| *e != unknown).count();
        let right = col.iter().filter(|(e, g)| *e != unknown && e == g).count();
        let agree = col.iter().filter(|(e, g)| e == g).count();
        out.push_str(&format!(
            "{:<10} {:>9}  {:>6}  {:>9}\n",
            c.as_str(),
            ratio(right, claimed),
            ratio(right, shown),
            ratio(agree, col.len())
        ));
    }
    let all: Vec<&(CriterionState, CriterionState)> = rows.iter().flatten().collect();
    let claimed = all.iter().filter(|(_, g)| *g != unknown).count();
    let shown = all.iter().filter(|(e, _)| *e != unknown).count();
    let right = all.iter().filter(|(e, g)| *e != unknown && e == g).count();
    out.push_str(&format!(
        "all        {:>9}  {:>6}  {:>9}\n",
        ratio(right, claimed),
        ratio(right, shown),
        ratio(all.iter().filter(|(e, g)| e == g).count(), all.len())
    ));
    out
}

/// The set to evaluate: `QUALIFIER_EVAL`'s file, else the one in the repository.
pub fn set_text() -> Result<String, String> {
    match std::env::var("QUALIFIER_EVAL") {
        Ok(path) if !path.is_empty() => {
            std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))
        }
        _ => Ok(SET.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "an evaluation: scripts/eval-agents runs it"]
    fn qualifier_eval_set() {
        let text = set_text().expect("the set reads");
        let rows = state_pairs(&text).expect("the set reads");
        println!("{}", report(&rows));
        if std::env::var("QUALIFIER_EVAL_MISSES").is_ok() {
            for (i, r) in rows.iter().enumerate() {
                for (j, (e, g)) in r.iter().enumerate() {
                    if e != g {
                        println!(
                            "row {} {}: expected {}, got {}",
                            i + 1,
                            Framework::Bant.criteria()[j].as_str(),
                            e.as_str(),
                            g.as_str()
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_set_reads_whole() {
        let rows = state_pairs(SET).expect("the set reads");
        assert_eq!(rows.len(), 60);
        for i in 0..4 {
            let known = rows
                .iter()
                .filter(|r| r[i].0 != CriterionState::Unknown)
                .count();
            assert!(known >= 12, "criterion {i} has only {known} labelled notes");
        }
    }
}

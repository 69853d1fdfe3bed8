//! The Qualifier against its labelled set (`eval/qualifier.csv`: 60 notes, each labelled
//! with the BANT state a careful rep would give it). `scripts/eval-agents` prints, per
//! criterion, precision (of the states the rules claimed, how many were right) and recall
//! (of the states the notes show, how many the rules found), and exact agreement.
//! `QUALIFIER_EVAL=path.csv` reads another set of the same columns.

use super::rules::{extract, Source};
use chrono::Utc;
use models::agents::qualifier::{Criterion, CriterionState, Framework};

const SET: &str = include_str!("../../eval/qualifier.csv");

/// One note's (expected, got) state per BANT criterion.
pub type Row = Vec<(CriterionState, CriterionState)>;

/// A set's notes, each with its labelled BANT states (budget, authority, need, timeline).
pub fn labelled_notes(csv_text: &str) -> Result<Vec<(String, Vec<CriterionState>)>, String> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("row {}: {e}", i + 2))?;
        let mut labels = Vec::new();
        for col in 0..Framework::Bant.criteria().len() {
            let label = row.get(col + 2).unwrap_or_default().trim();
            labels.push(
                CriterionState::parse(label)
                    .ok_or_else(|| format!("row {}: “{label}” is not a state", i + 2))?,
            );
        }
        out.push((row.get(1).unwrap_or_default().to_string(), labels));
    }
    Ok(out)
}

/// Pairs each label with what a reader found (`got(criterion)`), for `report`.
pub fn pair_up(labels: &[CriterionState], got: impl Fn(Criterion) -> CriterionState) -> Row {
    Framework::Bant
        .criteria()
        .iter()
        .zip(labels)
        .map(|(c, expected)| (*expected, got(*c)))
        .collect()
}

/// The rules' reading of each note against its labels.
pub fn state_pairs(csv_text: &str) -> Result<Vec<Row>, String> {
    Ok(labelled_notes(csv_text)?
        .into_iter()
        .map(|(note, labels)| {
            let found = extract(&[Source {
                id: uuid::Uuid::nil(),
                at: Utc::now(),
                text: note,
            }]);
            pair_up(&labels, |c| {
                found
                    .iter()
                    .find(|f| f.criterion == c)
                    .map_or(CriterionState::Unknown, |f| f.state)
            })
        })
        .collect())
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "—".into()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}

/// Precision, recall and agreement per criterion; `reader` names who read the notes.
pub fn report(rows: &[Row], reader: &str) -> String {
    let mut out = format!(
        "Qualifier BANT states ({reader}) over {} notes\ncriterion  precision  recall  agreement\n",
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
        println!("{}", report(&rows, "built-in rules"));
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

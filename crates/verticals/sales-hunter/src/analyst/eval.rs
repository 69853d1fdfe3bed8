//! The Pipeline Analyst against a deal history with known outcomes (`eval/deals.csv`, 400
//! synthetic deals over 2025–2026 written by `eval/make_deal_history.py`). As of 1 January
//! 2027 every quarter's outcome is known, so each forecast method's backtest over the eight
//! quarters is its true error. `scripts/eval-agents` prints it.

use super::core::{forecasts, DealFacts, Point};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use models::agents::analyst::Forecast;
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::StageId;
use uuid::Uuid;

const SET: &str = include_str!("../../eval/deals.csv");
const STAGES: [(&str, StageKind, i16, ForecastCategory); 5] = [
    ("qualify", StageKind::Open, 20, ForecastCategory::Pipeline),
    ("proposal", StageKind::Open, 50, ForecastCategory::BestCase),
    ("negotiation", StageKind::Open, 80, ForecastCategory::Commit),
    ("won", StageKind::Won, 100, ForecastCategory::Closed),
    ("lost", StageKind::Lost, 0, ForecastCategory::Omitted),
];

fn stages() -> Vec<Stage> {
    STAGES
        .iter()
        .enumerate()
        .map(|(i, (name, kind, probability, category))| Stage {
            id: StageId(Uuid::from_u128(i as u128 + 1)),
            name: (*name).into(),
            position: i as i32,
            kind: *kind,
            probability: *probability,
            forecast_category: *category,
        })
        .collect()
}

fn morning(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(9, 0, 0).unwrap_or_default())
}

fn date(s: &str, row: usize) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("row {row}: “{s}” is not a date"))
}

/// The deals of the set.
pub fn deals() -> Result<Vec<DealFacts>, String> {
    let mut reader = csv::Reader::from_reader(SET.as_bytes());
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| format!("deals.csv: {e}"))?;
        let n = i + 2;
        let amount: i64 = row
            .get(1)
            .unwrap_or_default()
            .parse()
            .map_err(|_| format!("row {n}: amount"))?;
        let close_date = date(row.get(2).unwrap_or_default(), n)?;
        let mut history = Vec::new();
        for step in row.get(3).unwrap_or_default().split(';') {
            let (stage, on) = step
                .split_once('@')
                .ok_or_else(|| format!("row {n}: “{step}”"))?;
            let at = STAGES
                .iter()
                .position(|s| s.0 == stage)
                .ok_or_else(|| format!("row {n}: no stage “{stage}”"))?;
            history.push(Point {
                at: morning(date(on, n)?),
                stage: Uuid::from_u128(at as u128 + 1),
                amount: amount * 100,
                close_date,
            });
        }
        let last = history.last().ok_or_else(|| format!("row {n}: no path"))?;
        let closed = STAGES[(last.stage.as_u128() - 1) as usize].1 != StageKind::Open;
        out.push(DealFacts {
            id: Uuid::from_u128(n as u128),
            name: row.get(0).unwrap_or_default().into(),
            category: None,
            created_at: history[0].at,
            closed_at: closed.then_some(last.at),
            contacts: 2,
            last_activity: Some(last.at),
            history,
        });
    }
    Ok(out)
}

/// Each method's backtest over the eight quarters of 2025–2026, as of 1 January 2027.
pub fn backtests() -> Result<Vec<Forecast>, String> {
    let now = morning(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap_or_default());
    Ok(forecasts(&stages(), &deals()?, now, 8).0)
}

pub fn report(methods: &[Forecast]) -> String {
    let mut out = String::from(
        "Pipeline Analyst forecasts against 8 quarters of known outcomes (deals.csv)\nmethod       mean error\n",
    );
    for f in methods {
        out.push_str(&format!(
            "{:<12} {:>9}\n",
            f.method,
            f.error_percent.map_or("—".into(), |e| format!("{e:.1}%"))
        ));
    }
    out.push_str("quarter   won        ");
    out.push_str(
        &methods
            .iter()
            .map(|f| format!("{:>12}", f.method))
            .collect::<String>(),
    );
    out.push('\n');
    for (i, (q, _, won)) in methods
        .first()
        .map(|f| f.backtest.clone())
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        out.push_str(&format!("{q:<9} {:>10}", won / 100));
        for f in methods {
            out.push_str(&format!(
                "{:>12}",
                f.backtest.get(i).map_or(0, |b| b.1 / 100)
            ));
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[ignore = "an evaluation: scripts/eval-agents runs it"]
    fn analyst_eval_set() {
        println!("{}", report(&backtests().expect("the set reads")));
    }

    #[test]
    fn the_history_reads_whole_and_every_method_is_judged() {
        assert_eq!(deals().expect("reads").len(), 400);
        let methods = backtests().expect("reads");
        assert_eq!(methods.len(), 3);
        for f in &methods {
            assert_eq!(f.backtest.len(), 8, "{}", f.method);
            assert!(f.error_percent.is_some(), "{}", f.method);
            assert!(f.backtest.iter().any(|b| b.2 > 0), "something was won");
        }
    }
}

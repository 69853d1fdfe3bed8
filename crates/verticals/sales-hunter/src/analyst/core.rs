//! The Pipeline Analyst's deterministic core, over the tenant's deals and their history
//! (every change of stage, amount and close date, timestamped): per-stage conversion and
//! durations, velocity, the quarter's forecast three ways with each method's backtest, and
//! deal risks. Pure: the loader (`load.rs`) reads the rows, tests pass fixtures.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use models::agents::analyst::{AnalystConfig, DealRisk, Forecast, StageStats, Velocity};
use models::sales::format_money;
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::OpportunityId;
use std::collections::HashMap;
use uuid::Uuid;

/// A deal as it was from `at` on.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub at: DateTime<Utc>,
    pub stage: Uuid,
    pub amount: i64,
    pub close_date: NaiveDate,
}

#[derive(Debug, Clone)]
pub struct DealFacts {
    pub id: Uuid,
    pub name: String,
    /// The deal's own forecast category, overriding its stage's.
    pub category: Option<ForecastCategory>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub contacts: i64,
    pub last_activity: Option<DateTime<Utc>>,
    /// Oldest first; the last is the deal now.
    pub history: Vec<Point>,
}

impl DealFacts {
    fn now(&self) -> Option<&Point> {
        self.history.last()
    }

    /// The deal as it was at `t`, if it existed.
    pub fn at(&self, t: DateTime<Utc>) -> Option<&Point> {
        self.history.iter().take_while(|p| p.at <= t).last()
    }
}

/// A calendar quarter: its first day, the first day after it, and its name.
pub fn quarter_of(d: NaiveDate) -> (NaiveDate, NaiveDate, String) {
    let q = d.month0() / 3;
    let start = NaiveDate::from_ymd_opt(d.year(), q * 3 + 1, 1).unwrap_or(d);
    let end = if q == 3 {
        NaiveDate::from_ymd_opt(d.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(d.year(), q * 3 + 4, 1)
    }
    .unwrap_or(d);
    (start, end, format!("{} Q{}", d.year(), q + 1))
}

fn midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The `pct` percentile by linear interpolation; none of nothing.
pub fn percentile(values: &[f64], pct: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = (v.len() - 1) as f64 * pct / 100.0;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    Some(v[lo] + (v[hi] - v[lo]) * (rank - lo as f64))
}

struct Stages<'a>(HashMap<Uuid, &'a Stage>);

impl<'a> Stages<'a> {
    fn new(stages: &'a [Stage]) -> Self {
        Stages(stages.iter().map(|s| (s.id.0, s)).collect())
    }
    fn kind(&self, id: Uuid) -> Option<StageKind> {
        self.0.get(&id).map(|s| s.kind)
    }
    fn open(&self, id: Uuid) -> bool {
        self.kind(id) == Some(StageKind::Open)
    }
    fn won(&self, id: Uuid) -> bool {
        self.kind(id) == Some(StageKind::Won)
    }
}

/// Days each finished stay in each stage lasted.
fn stays(deals: &[DealFacts]) -> HashMap<Uuid, Vec<f64>> {
    let mut out: HashMap<Uuid, Vec<f64>> = HashMap::new();
    for d in deals {
        let mut start: Option<&Point> = None;
        for p in &d.history {
            match start {
                Some(s) if s.stage != p.stage => {
                    out.entry(s.stage)
                        .or_default()
                        .push((p.at - s.at).num_seconds() as f64 / 86_400.0);
                    start = Some(p);
                }
                None => start = Some(p),
                _ => {}
            }
        }
    }
    out
}

pub fn stage_stats(
    stages: &[Stage],
    deals: &[DealFacts],
) -> (Vec<StageStats>, HashMap<Uuid, Vec<f64>>) {
    let by_id = Stages::new(stages);
    let durations = stays(deals);
    let stats = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| {
            let passed: Vec<&DealFacts> = deals
                .iter()
                .filter(|d| d.history.iter().any(|p| p.stage == s.id.0))
                .filter(|d| d.now().is_some_and(|p| !by_id.open(p.stage)))
                .collect();
            let won = passed
                .iter()
                .filter(|d| d.now().is_some_and(|p| by_id.won(p.stage)))
                .count() as i64;
            let days = durations.get(&s.id.0).map(Vec::as_slice).unwrap_or(&[]);
            StageStats {
                stage: s.name.clone(),
                closed_after: passed.len() as i64,
                won_after: won,
                conversion_percent: (!passed.is_empty())
                    .then(|| 100.0 * won as f64 / passed.len() as f64),
                median_days: percentile(days, 50.0),
                p75_days: percentile(days, 75.0),
            }
        })
        .collect();
    (stats, durations)
}

pub fn velocity(stages: &[Stage], deals: &[DealFacts]) -> Velocity {
    let by_id = Stages::new(stages);
    let open = deals
        .iter()
        .filter(|d| d.now().is_some_and(|p| by_id.open(p.stage)))
        .count() as i64;
    let closed: Vec<&DealFacts> = deals
        .iter()
        .filter(|d| d.now().is_some_and(|p| !by_id.open(p.stage)))
        .collect();
    let won: Vec<&DealFacts> = closed
        .iter()
        .copied()
        .filter(|d| d.now().is_some_and(|p| by_id.won(p.stage)))
        .collect();
    let average_won = if won.is_empty() {
        0
    } else {
        won.iter()
            .filter_map(|d| d.now())
            .map(|p| p.amount)
            .sum::<i64>()
            / won.len() as i64
    };
    let win_rate = if closed.is_empty() {
        0.0
    } else {
        won.len() as f64 / closed.len() as f64
    };
    let cycles: Vec<f64> = won
        .iter()
        .filter_map(|d| {
            d.closed_at
                .map(|c| (c - d.created_at).num_seconds().max(0) as f64 / 86_400.0)
        })
        .collect();
    let cycle = if cycles.is_empty() {
        0.0
    } else {
        cycles.iter().sum::<f64>() / cycles.len() as f64
    };
    let per_day = if cycle > 0.0 {
        (open as f64 * average_won as f64 * win_rate / cycle).round() as i64
    } else {
        0
    };
    Velocity {
        open_deals: open,
        average_won_minor: average_won,
        win_rate_percent: 100.0 * win_rate,
        cycle_days: cycle,
        per_day_minor: per_day,
    }
}

fn age_bucket(days: i64) -> u8 {
    match days {
        d if d < 30 => 0,
        d if d < 90 => 1,
        _ => 2,
    }
}

/// P(win | stage, age) from the deals closed before `t`: each (deal, stage, age bucket) it
/// passed through is one sample; at least five samples, else the stage alone, else the
/// stage's own probability.
struct WinRates {
    by_stage_age: HashMap<(Uuid, u8), (u32, u32)>,
    by_stage: HashMap<Uuid, (u32, u32)>,
}

impl WinRates {
    fn learn(by_id: &Stages, deals: &[DealFacts], t: DateTime<Utc>) -> WinRates {
        let mut w = WinRates {
            by_stage_age: HashMap::new(),
            by_stage: HashMap::new(),
        };
        for d in deals.iter().filter(|d| d.closed_at.is_some_and(|c| c < t)) {
            let won = d.now().is_some_and(|p| by_id.won(p.stage));
            let mut seen = std::collections::HashSet::new();
            for p in d.history.iter().filter(|p| by_id.open(p.stage)) {
                let key = (p.stage, age_bucket((p.at - d.created_at).num_days()));
                if seen.insert(key) {
                    let e = w.by_stage_age.entry(key).or_default();
                    e.0 += u32::from(won);
                    e.1 += 1;
                }
            }
            for stage in seen
                .iter()
                .map(|(s, _)| *s)
                .collect::<std::collections::HashSet<_>>()
            {
                let e = w.by_stage.entry(stage).or_default();
                e.0 += u32::from(won);
                e.1 += 1;
            }
        }
        w
    }

    fn p(&self, stage: &Stage, age_days: i64) -> f64 {
        let rate = |(won, n): (u32, u32)| (n >= 5).then(|| f64::from(won) / f64::from(n));
        self.by_stage_age
            .get(&(stage.id.0, age_bucket(age_days)))
            .copied()
            .and_then(rate)
            .or_else(|| self.by_stage.get(&stage.id.0).copied().and_then(rate))
            .unwrap_or(f64::from(stage.probability) / 100.0)
    }
}

/// The three forecasts of a quarter as seen at `t`: (weighted, commit, best case,
/// pipeline, statistical), over the deals open at `t` closing in the quarter.
fn forecast_at(
    stages: &[Stage],
    deals: &[DealFacts],
    t: DateTime<Utc>,
    q: (NaiveDate, NaiveDate),
) -> [i64; 5] {
    let by_id = Stages::new(stages);
    let rates = WinRates::learn(&by_id, deals, t);
    let mut sums = [0f64; 5];
    for d in deals {
        let Some(p) = d.at(t) else { continue };
        let Some(stage) = by_id.0.get(&p.stage) else {
            continue;
        };
        if stage.kind != StageKind::Open || p.close_date < q.0 || p.close_date >= q.1 {
            continue;
        }
        let amount = p.amount as f64;
        sums[0] += amount * f64::from(stage.probability) / 100.0;
        match d.category.unwrap_or(stage.forecast_category) {
            ForecastCategory::Commit => sums[1] += amount,
            ForecastCategory::BestCase => sums[2] += amount,
            _ => {}
        }
        sums[3] += amount;
        sums[4] += amount * rates.p(stage, (t - d.created_at).num_days());
    }
    [
        sums[0].round() as i64,
        sums[1] as i64,
        (sums[1] + sums[2]) as i64,
        sums[3] as i64,
        sums[4].round() as i64,
    ]
}

/// What was won in a quarter (the deals' amounts when they closed).
fn won_in(stages: &[Stage], deals: &[DealFacts], q: (NaiveDate, NaiveDate)) -> i64 {
    let by_id = Stages::new(stages);
    deals
        .iter()
        .filter(|d| {
            d.closed_at
                .is_some_and(|c| c >= midnight(q.0) && c < midnight(q.1))
        })
        .filter_map(|d| d.now().filter(|p| by_id.won(p.stage)))
        .map(|p| p.amount)
        .sum()
}

/// The quarter's forecasts with their backtests, and the roll-up (commit, best case, pipeline).
pub fn forecasts(
    stages: &[Stage],
    deals: &[DealFacts],
    now: DateTime<Utc>,
    quarters: u8,
) -> (Vec<Forecast>, (i64, i64, i64)) {
    let (qs, qe, _) = quarter_of(now.date_naive());
    let current = forecast_at(stages, deals, now, (qs, qe));
    let mut past = Vec::new();
    let mut start = qs;
    for _ in 0..quarters {
        let prev = start.pred_opt().unwrap_or(start);
        let (ps, pe, label) = quarter_of(prev);
        let f = forecast_at(stages, deals, midnight(ps), (ps, pe));
        past.push((label, f, won_in(stages, deals, (ps, pe))));
        start = ps;
    }
    past.reverse();
    let method = |key: &str, label: &str, definition: &str, i: usize| {
        let backtest: Vec<(String, i64, i64)> =
            past.iter().map(|(l, f, a)| (l.clone(), f[i], *a)).collect();
        let errors: Vec<f64> = backtest
            .iter()
            .filter(|(_, f, a)| *f > 0 || *a > 0)
            .map(|(_, f, a)| 100.0 * (f - a).abs() as f64 / (*f).max(*a) as f64)
            .collect();
        Forecast {
            method: key.into(),
            label: label.into(),
            definition: definition.into(),
            amount_minor: current[i],
            error_percent: (!errors.is_empty())
                .then(|| errors.iter().sum::<f64>() / errors.len() as f64),
            backtest,
        }
    };
    (
        vec![
            method("weighted", "Weighted", "Each open deal closing this quarter × its stage's probability.", 0),
            method("category", "Category roll-up (commit)", "Open deals closing this quarter whose forecast category is commit (the deal's own, else its stage's).", 1),
            method("statistical", "Statistical", "Each open deal closing this quarter × your own win rate of deals that were in its stage at its age (under 30, 30–90, 90+ days), learned from deals closed before.", 4),
        ],
        (current[1], current[2], current[3]),
    )
}

/// Deals that need attention now, each with every reason.
/// Each stage's stall limit in days: the `pct` percentile of its finished stays, for a
/// stage with at least four to judge by.
pub fn stall_limits(durations: &HashMap<Uuid, Vec<f64>>, pct: u8) -> HashMap<Uuid, f64> {
    durations
        .iter()
        .filter(|(_, v)| v.len() >= 4)
        .filter_map(|(stage, v)| percentile(v, f64::from(pct)).map(|l| (*stage, l)))
        .collect()
}

/// Every open deal with a reason to worry; `limits` are the stages' stall limits.
pub fn risks(
    stages: &[Stage],
    deals: &[DealFacts],
    limits: &HashMap<Uuid, f64>,
    cfg: &AnalystConfig,
    currency: &str,
    now: DateTime<Utc>,
) -> Vec<DealRisk> {
    let by_id = Stages::new(stages);
    let r = &cfg.risks;
    let mut out = Vec::new();
    for d in deals {
        let Some(cur) = d.now() else { continue };
        let Some(stage) = by_id
            .0
            .get(&cur.stage)
            .filter(|s| s.kind == StageKind::Open)
        else {
            continue;
        };
        let mut reasons = Vec::new();
        let quiet = match d.last_activity {
            Some(a) => Some((now - a).num_days()),
            None => Some((now - d.created_at).num_days()),
        };
        if let Some(days) = quiet.filter(|n| *n >= i64::from(r.quiet_days)) {
            reasons.push(match d.last_activity {
                Some(_) => format!("No activity for {days} days"),
                None => format!("No activity logged in the {days} days since it was created"),
            });
        }
        let pushes = d
            .history
            .windows(2)
            .filter(|w| w[1].close_date > w[0].close_date)
            .count();
        if pushes >= usize::from(r.pushes) {
            let first = d
                .history
                .first()
                .map(|p| p.close_date)
                .unwrap_or(cur.close_date);
            reasons.push(format!(
                "Close date pushed {pushes} times (first {first}, now {})",
                cur.close_date
            ));
        }
        let entered = d
            .history
            .iter()
            .rev()
            .take_while(|p| p.stage == cur.stage)
            .last()
            .map_or(cur.at, |p| p.at);
        let in_stage = (now - entered).num_seconds() as f64 / 86_400.0;
        if let Some(limit) = limits.get(&cur.stage).copied() {
            if in_stage > limit {
                reasons.push(format!(
                    "In {} for {:.0} days; {}% of deals moved on within {:.0}",
                    stage.name, in_stage, r.stall_percentile, limit
                ));
            }
        }
        if r.single_threaded && d.contacts <= 1 {
            reasons.push(match d.contacts {
                0 => "No contact on the deal".to_string(),
                _ => "Single-threaded: one contact".to_string(),
            });
        }
        let highest = d
            .history
            .iter()
            .map(|p| p.amount)
            .max()
            .unwrap_or(cur.amount);
        if highest > 0
            && cur.amount < highest
            && 100 * (highest - cur.amount) >= i64::from(r.amount_cut_percent) * highest
        {
            reasons.push(format!(
                "Amount cut {}% (from {})",
                100 * (highest - cur.amount) / highest,
                format_money(highest, currency, true)
            ));
        }
        let overdue = (now.date_naive() - cur.close_date).num_days();
        if overdue > 0 {
            reasons.push(format!("Close date passed {overdue} days ago"));
        }
        if !reasons.is_empty() {
            out.push(DealRisk {
                id: OpportunityId(d.id),
                name: d.name.clone(),
                amount_minor: cur.amount,
                reasons,
            });
        }
    }
    out.sort_by(|a, b| {
        b.reasons
            .len()
            .cmp(&a.reasons.len())
            .then(b.amount_minor.cmp(&a.amount_minor))
    });
    out
}

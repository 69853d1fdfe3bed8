//! The Pipeline Analyst's core on a hand-computed fixture: four deals, five stages, now
//! 15 November 2026 (the fourth quarter).

use super::core::*;
use super::default_config;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use models::sales::stage::{ForecastCategory, Stage, StageKind};
use models::StageId;
use uuid::Uuid;

fn at(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, 9, 0, 0)
        .single()
        .expect("date")
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("day")
}

fn stage(
    n: u128,
    name: &str,
    kind: StageKind,
    probability: i16,
    category: ForecastCategory,
) -> Stage {
    Stage {
        id: StageId(Uuid::from_u128(n)),
        name: name.into(),
        position: n as i32,
        kind,
        probability,
        forecast_category: category,
    }
}

fn fixture() -> (Vec<Stage>, Vec<DealFacts>, DateTime<Utc>) {
    let stages = vec![
        stage(
            1,
            "Qualify",
            StageKind::Open,
            20,
            ForecastCategory::Pipeline,
        ),
        stage(
            2,
            "Proposal",
            StageKind::Open,
            60,
            ForecastCategory::BestCase,
        ),
        stage(
            3,
            "Negotiation",
            StageKind::Open,
            80,
            ForecastCategory::Commit,
        ),
        stage(4, "Won", StageKind::Won, 100, ForecastCategory::Closed),
        stage(5, "Lost", StageKind::Lost, 0, ForecastCategory::Omitted),
    ];
    let s = |n: u128| Uuid::from_u128(n);
    let p = |when: DateTime<Utc>, st: u128, amount: i64, close: NaiveDate| Point {
        at: when,
        stage: s(st),
        amount,
        close_date: close,
    };
    let deal = |n: u128,
                name: &str,
                created: DateTime<Utc>,
                closed: Option<DateTime<Utc>>,
                contacts: i64,
                last: Option<DateTime<Utc>>,
                history: Vec<Point>| DealFacts {
        id: Uuid::from_u128(100 + n),
        name: name.into(),
        category: None,
        created_at: created,
        closed_at: closed,
        contacts,
        last_activity: last,
        history,
    };
    let deals = vec![
        // Won after 10 days in Qualify and 20 in Proposal.
        deal(
            1,
            "Won one",
            at(7, 1),
            Some(at(7, 31)),
            2,
            Some(at(7, 30)),
            vec![
                p(at(7, 1), 1, 10_000, day(9, 30)),
                p(at(7, 11), 2, 10_000, day(9, 30)),
                p(at(7, 31), 4, 10_000, day(7, 31)),
            ],
        ),
        // Lost after 20 days in Qualify and 20 in Proposal.
        deal(
            2,
            "Lost one",
            at(7, 5),
            Some(at(8, 14)),
            1,
            None,
            vec![
                p(at(7, 5), 1, 8_000, day(9, 30)),
                p(at(7, 25), 2, 8_000, day(9, 30)),
                p(at(8, 14), 5, 8_000, day(8, 14)),
            ],
        ),
        // Open in Negotiation, active, two contacts.
        deal(
            3,
            "Healthy",
            at(10, 1),
            None,
            2,
            Some(at(11, 10)),
            vec![
                p(at(10, 1), 1, 20_000, day(12, 15)),
                p(at(10, 11), 3, 20_000, day(12, 15)),
            ],
        ),
        // Open in Qualify, never touched, pushed twice, cut from 50,000 to 30,000.
        deal(
            4,
            "Slipping",
            at(9, 1),
            None,
            1,
            None,
            vec![
                p(at(9, 1), 1, 50_000, day(10, 31)),
                p(at(10, 10), 1, 50_000, day(11, 30)),
                p(at(11, 1), 1, 30_000, day(12, 20)),
            ],
        ),
    ];
    (
        stages,
        deals,
        Utc.with_ymd_and_hms(2026, 11, 15, 12, 0, 0)
            .single()
            .expect("now"),
    )
}

#[test]
fn stage_conversion_and_durations() {
    let (stages, deals, _) = fixture();
    let (stats, _) = stage_stats(&stages, &deals);
    assert_eq!(stats.len(), 3, "open stages only");
    // Qualify: closed since = the won and the lost deal; finished stays 10, 20 and 10 days
    // (the healthy deal moved on after 10) → median 10, 75th percentile 15.
    let q = &stats[0];
    assert_eq!(
        (q.closed_after, q.won_after, q.conversion_percent),
        (2, 1, Some(50.0))
    );
    assert_eq!((q.median_days, q.p75_days), (Some(10.0), Some(15.0)));
    let p = &stats[1];
    assert_eq!(
        (p.closed_after, p.won_after, p.median_days),
        (2, 1, Some(20.0))
    );
    let n = &stats[2];
    assert_eq!(
        (n.closed_after, n.conversion_percent, n.median_days),
        (0, None, None)
    );
}

#[test]
fn velocity_is_open_times_average_won_times_win_rate_over_the_cycle() {
    let (stages, deals, _) = fixture();
    let v = velocity(&stages, &deals);
    // 2 open × 10,000 × 50% ÷ 30 days = 333.3.
    assert_eq!(
        (
            v.open_deals,
            v.average_won_minor,
            v.win_rate_percent,
            v.cycle_days
        ),
        (2, 10_000, 50.0, 30.0)
    );
    assert_eq!(v.per_day_minor, 333);
}

#[test]
fn three_forecasts_with_their_backtests() {
    let (stages, deals, now) = fixture();
    let (f, roll_up) = forecasts(&stages, &deals, now, 4);
    // Closing in Q4: Healthy (Negotiation 80%, 20,000) and Slipping (Qualify 20%, 30,000).
    assert_eq!(f[0].amount_minor, 16_000 + 6_000, "weighted");
    assert_eq!(f[1].amount_minor, 20_000, "commit: Negotiation's category");
    // Two closed deals are too few to learn from: each stage's own probability.
    assert_eq!(f[2].amount_minor, 22_000, "statistical");
    assert_eq!(roll_up, (20_000, 20_000, 50_000));
    // The four quarters before: only Q3 had anything — nothing forecast at its start (no
    // deal existed), 10,000 won in it: every method was off by 100%.
    let labels: Vec<&str> = f[0].backtest.iter().map(|(q, _, _)| q.as_str()).collect();
    assert_eq!(labels, vec!["2025 Q4", "2026 Q1", "2026 Q2", "2026 Q3"]);
    assert_eq!(f[0].backtest[3], ("2026 Q3".to_string(), 0, 10_000));
    assert!(f.iter().all(|m| m.error_percent == Some(100.0)));
}

#[test]
fn risks_name_every_reason() {
    let (stages, deals, now) = fixture();
    let (_, durations) = stage_stats(&stages, &deals);
    let limits = stall_limits(&durations, default_config().risks.stall_percentile);
    let risks = risks(&stages, &deals, &limits, &default_config(), "USD", now);
    assert_eq!(risks.len(), 1, "the healthy deal has none: {risks:?}");
    assert_eq!(risks[0].name, "Slipping");
    assert_eq!(
        risks[0].reasons,
        vec![
            "No activity logged in the 75 days since it was created",
            "Close date pushed 2 times (first 2026-10-31, now 2026-12-20)",
            "Single-threaded: one contact",
            "Amount cut 40% (from $500)",
        ]
    );
}

#[test]
fn quarters_and_percentiles() {
    assert_eq!(
        quarter_of(day(11, 15)),
        (
            day(10, 1),
            NaiveDate::from_ymd_opt(2027, 1, 1).expect("d"),
            "2026 Q4".into()
        )
    );
    assert_eq!(quarter_of(day(2, 28)).0, day(1, 1));
    assert_eq!(percentile(&[10.0, 20.0, 10.0], 75.0), Some(15.0));
    assert_eq!(percentile(&[], 50.0), None);
}

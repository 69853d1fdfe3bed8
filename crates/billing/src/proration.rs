//! What a change of plan costs. An upgrade starts at once: the rest of the period is
//! credited at the old plan's price and charged at the new one's, to the second, and the
//! next invoice carries the difference. A downgrade waits for the period's end (the period
//! was paid at the higher price), so it costs nothing now. During a trial nothing is
//! prorated. Pure: the tests below are hand-computed fixtures.

use crate::plans::cap_of;
use chrono::{DateTime, Utc};
use models::billing::{
    MeterUsage, PlanChangePreview, PlanView, SubscriptionStatus, SubscriptionView, TakesEffect,
};
use models::sales::format_money;
use models::AppError;

/// A plan's price a month for `seats` members: the base plus the seats past the included
/// ones; a field error when the plan sells no more seats than it includes.
pub fn monthly_total(plan: &PlanView, seats: i32) -> Result<i64, AppError> {
    let extra = i64::from((seats - plan.included_seats).max(0));
    match (extra, plan.seat_price_minor) {
        (0, _) => Ok(plan.monthly_price_minor),
        (extra, Some(price)) => Ok(plan.monthly_price_minor + extra * price),
        (_, None) => Err(AppError::validation(
            "plan",
            format!(
                "{} includes {} seats and sells no more; this organisation has {seats} members. \
                 Remove members first, or choose a larger plan.",
                plan.name, plan.included_seats
            ),
        )),
    }
}

/// `amount` for `remaining` of `period` seconds, rounded half away from zero.
pub fn prorate(amount: i64, remaining: i64, period: i64) -> i64 {
    if period <= 0 || remaining <= 0 {
        return 0;
    }
    let remaining = remaining.min(period);
    let scaled = i128::from(amount) * i128::from(remaining);
    let half = i128::from(period) / 2;
    let rounded = if scaled >= 0 {
        (scaled + half) / i128::from(period)
    } else {
        (scaled - half) / i128::from(period)
    };
    rounded as i64
}

pub fn preview(
    from: &PlanView,
    to: &PlanView,
    sub: &SubscriptionView,
    usage: &[MeterUsage],
    now: DateTime<Utc>,
) -> Result<PlanChangePreview, AppError> {
    let money = |minor: i64| format_money(minor, &to.currency, false);
    let from_total = monthly_total(from, sub.seats).unwrap_or(from.monthly_price_minor);
    let to_total = monthly_total(to, sub.seats)?;
    let over_new_caps = usage
        .iter()
        .filter(|u| cap_of(to, u.meter).is_some_and(|cap| u.used > cap + u.allowance))
        .map(|u| u.meter)
        .collect();
    let trial = sub.status == SubscriptionStatus::Trialing;
    let takes_effect = if trial || to_total > from_total {
        TakesEffect::Now
    } else {
        TakesEffect::PeriodEnd
    };
    let period = (sub.period_end - sub.period_start).num_seconds();
    let remaining = (sub.period_end - now).num_seconds();
    let (credit, charge) = match takes_effect {
        TakesEffect::Now if !trial => (
            -prorate(from_total, remaining, period),
            prorate(to_total, remaining, period),
        ),
        _ => (0, 0),
    };
    let days_left = (remaining.max(0) + 86_399) / 86_400;
    let explanation = match takes_effect {
        TakesEffect::Now if trial => format!(
            "{} starts now, still in the trial: nothing is charged until the trial ends on {}; \
             from then on each month is {}.",
            to.name,
            sub.period_end.format("%B %-d, %Y"),
            money(to_total),
        ),
        TakesEffect::Now => format!(
            "{} starts now. The {days_left} days left of this period are credited at {}'s \
             price ({}) and charged at {}'s ({}), so the next invoice adds {}. From then on \
             each month is {}.",
            to.name,
            from.name,
            money(credit),
            to.name,
            money(charge),
            money(charge + credit),
            money(to_total),
        ),
        TakesEffect::PeriodEnd => format!(
            "{} starts when this period ends on {} (it is paid for at {}'s price); nothing \
             changes before then. From then on each month is {}.",
            to.name,
            sub.period_end.format("%B %-d, %Y"),
            from.name,
            money(to_total),
        ),
    };
    Ok(PlanChangePreview {
        from_plan: from.id.clone(),
        to_plan: to.id.clone(),
        takes_effect,
        currency: to.currency.clone(),
        credit_minor: credit,
        charge_minor: charge,
        net_minor: charge + credit,
        next_period_minor: to_total,
        over_new_caps,
        explanation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use models::billing::{Meter, PlanMeter};

    fn plan(id: &str, price: i64, seats: i32, seat_price: Option<i64>) -> PlanView {
        PlanView {
            id: id.into(),
            name: id.into(),
            currency: "USD".into(),
            monthly_price_minor: price,
            included_seats: seats,
            seat_price_minor: seat_price,
            connector_limit: None,
            features: vec![],
            trial_days: 0,
            offered: true,
            meters: vec![PlanMeter {
                meter: Meter::AgentRuns,
                included: Some(100),
                overage_micros: None,
            }],
        }
    }

    fn sub(status: SubscriptionStatus, seats: i32) -> SubscriptionView {
        SubscriptionView {
            plan_id: "starter".into(),
            status,
            // A 30-day period.
            period_start: Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
            period_end: Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap(),
            trial_ends_at: None,
            cancel_at_period_end: false,
            next_plan_id: None,
            seats,
        }
    }

    #[test]
    fn prorates_to_the_second_and_rounds_half_up() {
        assert_eq!(prorate(4900, 15 * 86_400, 30 * 86_400), 2450);
        // 4900 × 10/30 = 1633.33 → 1633; 19900 × 10/30 = 6633.33 → 6633.
        assert_eq!(prorate(4900, 10 * 86_400, 30 * 86_400), 1633);
        assert_eq!(prorate(19900, 10 * 86_400, 30 * 86_400), 6633);
        // 5 × 1/2 = 2.5 → 3, and −2.5 → −3.
        assert_eq!(prorate(5, 1, 2), 3);
        assert_eq!(prorate(-5, 1, 2), -3);
        assert_eq!(prorate(4900, 0, 30), 0);
        assert_eq!(prorate(4900, 40, 30), 4900);
    }

    #[test]
    fn an_upgrade_credits_the_old_plan_and_charges_the_new_one_for_the_rest() {
        let starter = plan("starter", 4900, 3, Some(1900));
        let growth = plan("growth", 19900, 10, Some(2900));
        // Ten days left; five members: Starter is 4900 + 2 × 1900 = 8700 a month.
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        let p = preview(
            &starter,
            &growth,
            &sub(SubscriptionStatus::Active, 5),
            &[],
            now,
        )
        .expect("preview");
        assert_eq!(p.takes_effect, TakesEffect::Now);
        assert_eq!(p.credit_minor, -2900); // 8700 × 10/30
        assert_eq!(p.charge_minor, 6633); // 19900 × 10/30 = 6633.33
        assert_eq!(p.net_minor, 3733);
        assert_eq!(p.next_period_minor, 19900);
        assert!(p.explanation.contains("$37.33"), "{}", p.explanation);
    }

    #[test]
    fn a_downgrade_waits_for_the_period_end_and_seats_count() {
        let starter = plan("starter", 4900, 3, Some(1900));
        let growth = plan("growth", 19900, 10, Some(2900));
        let free = plan("free", 0, 2, None);
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        let p = preview(
            &growth,
            &starter,
            &sub(SubscriptionStatus::Active, 5),
            &[],
            now,
        )
        .expect("preview");
        assert_eq!(p.takes_effect, TakesEffect::PeriodEnd);
        assert_eq!((p.credit_minor, p.charge_minor, p.net_minor), (0, 0, 0));
        assert_eq!(p.next_period_minor, 8700);
        // Free sells no third seat.
        let err = preview(
            &growth,
            &free,
            &sub(SubscriptionStatus::Active, 3),
            &[],
            now,
        )
        .expect_err("too many members");
        assert_eq!(err.field(), Some("plan"));
    }

    #[test]
    fn a_trial_changes_plan_at_once_for_nothing_and_names_caps_already_passed() {
        let starter = plan("starter", 4900, 3, Some(1900));
        let free = plan("free", 0, 2, None);
        let now = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        let usage = [MeterUsage {
            meter: Meter::AgentRuns,
            used: 150,
            reserved: 0,
            cap: None,
            included: None,
            allowance: 0,
        }];
        let p = preview(
            &starter,
            &free,
            &sub(SubscriptionStatus::Trialing, 2),
            &usage,
            now,
        )
        .expect("preview");
        assert_eq!(p.takes_effect, TakesEffect::Now);
        assert_eq!(p.net_minor, 0);
        assert_eq!(p.over_new_caps, vec![Meter::AgentRuns]);
    }
}

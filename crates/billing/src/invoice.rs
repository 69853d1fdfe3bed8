//! Invoices: what a period costs, as lines (the plan, seats past the included ones, each
//! meter's overage, changes of plan) with totals in minor units and the tenant's tax rate.
//! `compute` is pure (tested on hand-computed figures); `issue` stores one invoice per
//! tenant and period (idempotent: the period is unique), when the period ends.

use crate::plans::plan;
use crate::quota::period_usage;
use crate::subscription::SubscriptionRow;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{
    InvoiceLine, InvoiceLineKind, InvoiceStatus, InvoiceView, MeterUsage, PlanView,
    SubscriptionStatus,
};
use models::sales::group_thousands;
use models::TenantId;
use platform::db::schema::{invoice_lines, invoices, subscription_changes};
use platform::db::Conn;
use platform::Error;
use uuid::Uuid;

/// A change of plan with its proration, as the period's invoice bills it (plan ids as read,
/// names once named).
#[derive(Debug, Clone)]
pub struct Prorated {
    pub from: String,
    pub to: String,
    pub at: DateTime<Utc>,
    pub amount_minor: i64,
}

/// `amount × bp / 10,000`, rounded half away from zero.
fn rate(amount: i64, bp: i32) -> i64 {
    let scaled = i128::from(amount) * i128::from(bp);
    let rounded = if scaled >= 0 {
        (scaled + 5_000) / 10_000
    } else {
        (scaled - 5_000) / 10_000
    };
    rounded as i64
}

/// The lines and totals of a period: `plan` as it was when the period started, `seats` as
/// they are at its end, the period's usage and changes of plan.
pub fn compute(
    plan: &PlanView,
    seats: i32,
    usage: &[MeterUsage],
    changes: &[Prorated],
    tax_rate_bp: i32,
) -> (Vec<InvoiceLine>, i64, i64) {
    let mut lines = vec![InvoiceLine {
        kind: InvoiceLineKind::Base,
        description: format!("{} plan", plan.name),
        quantity: 1,
        amount_minor: plan.monthly_price_minor,
    }];
    let extra = i64::from((seats - plan.included_seats).max(0));
    if let (true, Some(price)) = (extra > 0, plan.seat_price_minor) {
        lines.push(InvoiceLine {
            kind: InvoiceLineKind::Seats,
            description: format!("{extra} seats past the {} included", plan.included_seats),
            quantity: extra,
            amount_minor: extra * price,
        });
    }
    for u in usage {
        let Some(m) = plan.meter(u.meter) else {
            continue;
        };
        let (Some(included), Some(micros)) = (m.included, m.overage_micros) else {
            continue;
        };
        let over = u.used - included - u.allowance;
        if over <= 0 {
            continue;
        }
        // Micro-units of the major currency to minor units: ÷ 10,000, rounded.
        let amount = (i128::from(over) * i128::from(micros) + 5_000) / 10_000;
        lines.push(InvoiceLine {
            kind: InvoiceLineKind::Overage,
            description: format!(
                "{} past the {} included",
                u.meter.label(),
                group_thousands(included.unsigned_abs())
            ),
            quantity: over,
            amount_minor: amount as i64,
        });
    }
    for c in changes.iter().filter(|c| c.amount_minor != 0) {
        lines.push(InvoiceLine {
            kind: InvoiceLineKind::Proration,
            description: format!(
                "From {} to {} on {}, for the rest of the period",
                c.from,
                c.to,
                c.at.format("%B %-d")
            ),
            quantity: 1,
            amount_minor: c.amount_minor,
        });
    }
    let subtotal: i64 = lines.iter().map(|l| l.amount_minor).sum();
    let tax = rate(subtotal, tax_rate_bp);
    (lines, subtotal, tax)
}

/// The period's changes of plan that were prorated, oldest first.
async fn prorations(conn: &mut Conn, sub: &SubscriptionRow) -> Result<Vec<Prorated>, Error> {
    let rows: Vec<(String, String, DateTime<Utc>, i64)> = subscription_changes::table
        .filter(subscription_changes::tenant_id.eq(sub.tenant_id))
        .filter(subscription_changes::takes_effect.eq("now"))
        .filter(subscription_changes::created_at.ge(sub.period_start))
        .filter(subscription_changes::created_at.lt(sub.period_end))
        .order(subscription_changes::created_at)
        .select((
            subscription_changes::from_plan_id,
            subscription_changes::to_plan_id,
            subscription_changes::created_at,
            subscription_changes::proration_minor,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(from, to, at, amount_minor)| Prorated {
            from,
            to,
            at,
            amount_minor,
        })
        .collect())
}

/// The current period's invoice so far; None when nothing is billed for it (a trial, an
/// ended subscription).
pub async fn draft(conn: &mut Conn, sub: &SubscriptionRow) -> Result<Option<InvoiceView>, Error> {
    let tax_rate_bp = sub.tax_rate_bp;
    if matches!(
        sub.status,
        SubscriptionStatus::Trialing | SubscriptionStatus::Canceled
    ) {
        return Ok(None);
    }
    let mut changes = prorations(conn, sub).await?;
    // The plan the period started on: before its first change, if any.
    let started_on = changes.as_slice().first().map_or(&sub.plan_id, |c| &c.from);
    let plan = plan(conn, started_on).await?;
    let names: std::collections::HashMap<String, String> = crate::plans::all_plans(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    for c in &mut changes {
        for id in [&mut c.from, &mut c.to] {
            if let Some(name) = names.get(id.as_str()) {
                *id = name.clone();
            }
        }
    }
    let usage = period_usage(conn, sub).await?;
    let (lines, subtotal, tax) = compute(&plan, sub.seats, &usage, &changes, tax_rate_bp);
    Ok(Some(InvoiceView {
        id: None,
        number: String::new(),
        plan_id: sub.plan_id.clone(),
        period_start: sub.period_start,
        period_end: sub.period_end,
        currency: plan.currency.clone(),
        lines,
        subtotal_minor: subtotal,
        tax_rate_bp,
        tax_minor: tax,
        total_minor: subtotal + tax,
        status: InvoiceStatus::Draft,
        issued_at: None,
    }))
}

/// Issues the invoice of the subscription's period (the caller is the period's end, on
/// the platform's connection). Nothing when the period bills nothing or was invoiced.
pub async fn issue(conn: &mut Conn, sub: &SubscriptionRow) -> Result<Option<Uuid>, Error> {
    let Some(d) = draft(conn, sub).await? else {
        return Ok(None);
    };
    if d.total_minor == 0 && d.lines.iter().all(|l| l.amount_minor == 0) {
        return Ok(None);
    }
    let seq: i64 = diesel::select(diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "nextval('invoice_numbers')",
    ))
    .get_result(conn)
    .await?;
    let number = format!("SH-{}-{seq:06}", d.period_end.format("%Y"));
    let id = Uuid::new_v4();
    let inserted = diesel::insert_into(invoices::table)
        .values((
            invoices::tenant_id.eq(sub.tenant_id),
            invoices::id.eq(id),
            invoices::number.eq(&number),
            invoices::plan_id.eq(&d.plan_id),
            invoices::period_start.eq(d.period_start),
            invoices::period_end.eq(d.period_end),
            invoices::currency.eq(&d.currency),
            invoices::subtotal_minor.eq(d.subtotal_minor),
            invoices::tax_rate_bp.eq(d.tax_rate_bp),
            invoices::tax_minor.eq(d.tax_minor),
            invoices::total_minor.eq(d.total_minor),
            invoices::status.eq(InvoiceStatus::Open),
        ))
        .on_conflict((invoices::tenant_id, invoices::period_start))
        .do_nothing()
        .execute(conn)
        .await?;
    if inserted == 0 {
        return Ok(None);
    }
    let lines: Vec<_> = d
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                invoice_lines::tenant_id.eq(sub.tenant_id),
                invoice_lines::invoice_id.eq(id),
                invoice_lines::position.eq(i as i16),
                invoice_lines::kind.eq(l.kind),
                invoice_lines::description.eq(&l.description),
                invoice_lines::quantity.eq(l.quantity),
                invoice_lines::amount_minor.eq(l.amount_minor),
            )
        })
        .collect();
    diesel::insert_into(invoice_lines::table)
        .values(&lines)
        .execute(conn)
        .await?;
    Ok(Some(id))
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = invoices, check_for_backend(diesel::pg::Pg))]
struct InvoiceRow {
    id: Uuid,
    number: String,
    plan_id: String,
    period_start: DateTime<Utc>,
    period_end: DateTime<Utc>,
    currency: String,
    subtotal_minor: i64,
    tax_rate_bp: i32,
    tax_minor: i64,
    total_minor: i64,
    status: InvoiceStatus,
    issued_at: DateTime<Utc>,
}

impl InvoiceRow {
    fn view(self, lines: Vec<InvoiceLine>) -> InvoiceView {
        InvoiceView {
            id: Some(self.id),
            number: self.number,
            plan_id: self.plan_id,
            period_start: self.period_start,
            period_end: self.period_end,
            currency: self.currency,
            lines,
            subtotal_minor: self.subtotal_minor,
            tax_rate_bp: self.tax_rate_bp,
            tax_minor: self.tax_minor,
            total_minor: self.total_minor,
            status: self.status,
            issued_at: Some(self.issued_at),
        }
    }
}

/// The tenant's invoices, newest first, without their lines.
pub async fn list_invoices(conn: &mut Conn, tenant: TenantId) -> Result<Vec<InvoiceView>, Error> {
    let rows: Vec<InvoiceRow> = invoices::table
        .filter(invoices::tenant_id.eq(tenant))
        .order(invoices::period_start.desc())
        .limit(36)
        .select(InvoiceRow::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(|r| r.view(Vec::new())).collect())
}

/// One invoice with its lines; None when the tenant has no such invoice.
pub async fn load_invoice(
    conn: &mut Conn,
    tenant: TenantId,
    id: Uuid,
) -> Result<Option<InvoiceView>, Error> {
    let row: Option<InvoiceRow> = invoices::table
        .find((tenant, id))
        .select(InvoiceRow::as_select())
        .first(conn)
        .await
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let lines: Vec<(InvoiceLineKind, String, i64, i64)> = invoice_lines::table
        .filter(invoice_lines::tenant_id.eq(tenant))
        .filter(invoice_lines::invoice_id.eq(id))
        .order(invoice_lines::position)
        .select((
            invoice_lines::kind,
            invoice_lines::description,
            invoice_lines::quantity,
            invoice_lines::amount_minor,
        ))
        .load(conn)
        .await?;
    let lines = lines
        .into_iter()
        .map(|(kind, description, quantity, amount_minor)| InvoiceLine {
            kind,
            description,
            quantity,
            amount_minor,
        })
        .collect();
    Ok(Some(row.view(lines)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::billing::{Meter, PlanMeter};

    fn starter() -> PlanView {
        PlanView {
            id: "starter".into(),
            name: "Starter".into(),
            currency: "USD".into(),
            monthly_price_minor: 4900,
            included_seats: 3,
            seat_price_minor: Some(1900),
            connector_limit: Some(1),
            features: vec![],
            trial_days: 14,
            offered: true,
            meters: vec![
                PlanMeter {
                    meter: Meter::AgentRuns,
                    included: Some(1000),
                    overage_micros: Some(50_000),
                },
                PlanMeter {
                    meter: Meter::LlmTokens,
                    included: Some(2_000_000),
                    overage_micros: Some(2),
                },
            ],
        }
    }

    fn used(meter: Meter, used: i64, allowance: i64) -> MeterUsage {
        MeterUsage {
            meter,
            used,
            reserved: 0,
            cap: None,
            included: None,
            allowance,
        }
    }

    #[test]
    fn a_period_bills_the_plan_extra_seats_overage_and_changes_with_tax() {
        let changes = [Prorated {
            from: "Free".into(),
            to: "Starter".into(),
            at: Utc::now(),
            amount_minor: -1234,
        }];
        let usage = [
            // 1,250 runs: 250 past the 1,000 included at $0.05 = $12.50.
            used(Meter::AgentRuns, 1250, 0),
            // 2,600,001 tokens with 100,000 granted: 500,001 past at $0.000002 = 100.0002
            // cents → $1.00.
            used(Meter::LlmTokens, 2_600_001, 100_000),
        ];
        let (lines, subtotal, tax) = compute(&starter(), 5, &usage, &changes, 1900);
        let amounts: Vec<i64> = lines.iter().map(|l| l.amount_minor).collect();
        // Plan 49.00, 2 seats × 19.00, runs 12.50, tokens 1.00, change −12.34.
        assert_eq!(amounts, [4900, 3800, 1250, 100, -1234]);
        assert_eq!(subtotal, 8816);
        // 19 % of 88.16 = 16.7504 → 16.75.
        assert_eq!(tax, 1675);
        assert_eq!(lines[1].quantity, 2);
        assert_eq!(lines[2].quantity, 250);
    }

    #[test]
    fn nothing_past_the_included_quantities_is_the_plan_alone() {
        let usage = [used(Meter::AgentRuns, 1000, 0)];
        let (lines, subtotal, tax) = compute(&starter(), 3, &usage, &[], 0);
        assert_eq!(lines.len(), 1);
        assert_eq!((subtotal, tax), (4900, 0));
        // Tax rounds to the cent: 7.5 % of 0.06 is under half a cent, of 1.00 is 7.5 cents.
        assert_eq!(rate(6, 750), 0);
        assert_eq!(rate(100, 750), 8);
        assert_eq!(rate(-100, 750), -8);
    }
}

//! Revenue and usage across the installation, for the admin console: MRR, net revenue
//! churn, MRR by month, overdue invoices; usage per meter and day, the top consumers and
//! those near their caps. Read from subscriptions, invoices and the counters (never from
//! the events), so the overview costs the same at any volume. Platform admins only.

use crate::subscription::FALLBACK_PLAN;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::admin::{
    Amount, Daily, MeterUse, OverdueInvoice, RevenueFigures, UsageFigures, OVERDUE_DAYS,
};
use models::billing::Meter;
use models::TenantId;
use platform::admin::figures::every_day;
use platform::{Db, Error, RequestContext};

/// What a subscription (`s`) brings a month on its plan (`p`): the price and its extra seats.
macro_rules! monthly_minor {
    () => {
        "p.monthly_price_minor + GREATEST(0, s.seats - p.included_seats) * COALESCE(p.seat_price_minor, 0)"
    };
}
pub(crate) use monthly_minor;

/// What each active or past-due subscription brings a month.
const MRR_BY_TENANT: &str = concat!(
    "SELECT s.tenant_id, p.currency, ",
    monthly_minor!(),
    " AS minor FROM subscriptions s JOIN plans p ON p.id = s.plan_id \
     WHERE s.status IN ('active', 'past_due')"
);

#[derive(diesel::QueryableByName)]
struct CurrencyMinor {
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    minor: i64,
}

#[derive(diesel::QueryableByName)]
struct Statuses {
    #[diesel(sql_type = BigInt)]
    paying: i64,
    #[diesel(sql_type = BigInt)]
    trialing: i64,
    #[diesel(sql_type = BigInt)]
    past_due: i64,
}

#[derive(diesel::QueryableByName)]
struct Churn {
    #[diesel(sql_type = Nullable<BigInt>)]
    before: Option<i64>,
    #[diesel(sql_type = Nullable<BigInt>)]
    now: Option<i64>,
}

#[derive(diesel::QueryableByName)]
struct Month {
    #[diesel(sql_type = Text)]
    month: String,
    #[diesel(sql_type = BigInt)]
    minor: i64,
}

#[derive(diesel::QueryableByName)]
struct Overdue {
    #[diesel(sql_type = SqlUuid)]
    tenant_id: TenantId,
    #[diesel(sql_type = Text)]
    tenant_name: String,
    #[diesel(sql_type = Text)]
    number: String,
    #[diesel(sql_type = Text)]
    currency: String,
    #[diesel(sql_type = BigInt)]
    total_minor: i64,
    #[diesel(sql_type = Timestamptz)]
    issued_at: DateTime<Utc>,
}

pub async fn revenue(db: &Db, ctx: &RequestContext) -> Result<RevenueFigures, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let mrr: Vec<CurrencyMinor> = diesel::sql_query(format!(
            "SELECT currency, sum(minor)::bigint AS minor FROM ({MRR_BY_TENANT}) m \
             GROUP BY currency ORDER BY sum(minor) DESC, currency"
        ))
        .load(conn)
        .await?;
        let main_currency = mrr
            .as_slice()
            .first()
            .map_or_else(|| "USD".to_string(), |m| m.currency.clone());
        let s: Statuses = diesel::sql_query(
            "SELECT count(*) FILTER (WHERE status IN ('active', 'past_due')) AS paying, \
                    count(*) FILTER (WHERE status = 'trialing') AS trialing, \
                    count(*) FILTER (WHERE status = 'past_due') AS past_due FROM subscriptions",
        )
        .get_result(conn)
        .await?;
        // Net revenue churn: the recurring revenue (plan and seats lines) invoiced to the
        // customers billed for a period that ended 30 to 60 days ago, against what those
        // same customers bring a month now; expansion offsets losses. Negative: they grew.
        let churn: Churn = diesel::sql_query(format!(
            "WITH before AS ( \
               SELECT i.tenant_id, sum(l.amount_minor) AS minor FROM invoices i \
               JOIN invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id \
               WHERE l.kind IN ('base', 'seats') AND i.currency = $1 AND i.status <> 'void' \
                 AND i.period_end > now() - interval '60 days' AND i.period_end <= now() - interval '30 days' \
               GROUP BY i.tenant_id) \
             SELECT sum(b.minor)::bigint AS before, \
                    sum(COALESCE(m.minor, 0))::bigint AS now \
             FROM before b LEFT JOIN ({MRR_BY_TENANT}) m ON m.tenant_id = b.tenant_id AND m.currency = $1"
        ))
        .bind::<Text, _>(&main_currency)
        .get_result(conn)
        .await?;
        let net_churn_bp = match (churn.before, churn.now) {
            (Some(before), Some(now)) if before > 0 => Some((before - now) * 10_000 / before),
            _ => None,
        };
        let months: Vec<Month> = diesel::sql_query(
            "SELECT to_char(i.period_start AT TIME ZONE 'UTC', 'YYYY-MM') AS month, \
                    sum(l.amount_minor)::bigint AS minor \
             FROM invoices i JOIN invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id \
             WHERE l.kind IN ('base', 'seats') AND i.currency = $1 AND i.status <> 'void' \
               AND i.period_start >= date_trunc('month', now()) - interval '11 months' \
             GROUP BY 1 ORDER BY 1",
        )
        .bind::<Text, _>(&main_currency)
        .load(conn)
        .await?;
        let overdue: Vec<Overdue> = diesel::sql_query(
            "SELECT i.tenant_id, t.name AS tenant_name, i.number, i.currency, i.total_minor, i.issued_at \
             FROM invoices i JOIN tenants t ON t.id = i.tenant_id \
             WHERE i.status = 'open' AND i.issued_at < now() - make_interval(days => $1) \
             ORDER BY i.issued_at LIMIT 100",
        )
        .bind::<diesel::sql_types::Integer, _>(i32::try_from(OVERDUE_DAYS).unwrap_or(14))
        .load(conn)
        .await?;
        Ok(RevenueFigures {
            mrr: mrr
                .into_iter()
                .map(|m| Amount {
                    currency: m.currency,
                    minor: m.minor,
                })
                .collect(),
            paying: s.paying,
            trialing: s.trialing,
            past_due: s.past_due,
            net_churn_bp,
            mrr_by_month: last_months(12, Utc::now().date_naive())
                .into_iter()
                .map(|label| {
                    let minor = months
                        .iter()
                        .find(|m| m.month == label)
                        .map_or(0, |m| m.minor);
                    (label, minor)
                })
                .collect(),
            main_currency,
            overdue: overdue
                .into_iter()
                .map(|o| OverdueInvoice {
                    tenant_id: o.tenant_id,
                    tenant_name: o.tenant_name,
                    number: o.number,
                    total: Amount {
                        currency: o.currency,
                        minor: o.total_minor,
                    },
                    issued_at: o.issued_at,
                })
                .collect(),
        })
    })
    .await
}

/// `YYYY-MM` of the `n` months up to `today`'s, oldest first.
fn last_months(n: u32, today: NaiveDate) -> Vec<String> {
    (0..n)
        .rev()
        .filter_map(|back| {
            today
                .with_day(1)?
                .checked_sub_months(chrono::Months::new(back))
        })
        .map(|d| d.format("%Y-%m").to_string())
        .collect()
}

#[derive(diesel::QueryableByName)]
struct MeterDay {
    #[diesel(sql_type = Text)]
    meter: String,
    #[diesel(sql_type = Date)]
    day: NaiveDate,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(diesel::QueryableByName)]
struct UseRow {
    #[diesel(sql_type = SqlUuid)]
    tenant_id: TenantId,
    #[diesel(sql_type = Text)]
    tenant_name: String,
    #[diesel(sql_type = Text)]
    meter: String,
    #[diesel(sql_type = BigInt)]
    used: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    cap: Option<i64>,
}

impl UseRow {
    fn view(self) -> Option<MeterUse> {
        Some(MeterUse {
            tenant_id: self.tenant_id,
            tenant_name: self.tenant_name,
            meter: Meter::parse(&self.meter)?,
            used: self.used,
            cap: self.cap,
        })
    }
}

/// Each tenant's counter for its current period, with its cap (the plan's included
/// quantity where there is no overage price, plus any allowance; an ended subscription has
/// the fallback plan's).
const CURRENT_USE: &str =
    "SELECT c.tenant_id, t.name AS tenant_name, c.meter, c.used + c.reserved AS used, \
       CASE WHEN pm.overage_micros IS NULL AND pm.included IS NOT NULL \
            THEN pm.included + c.allowance END AS cap \
     FROM subscriptions s \
     JOIN tenants t ON t.id = s.tenant_id \
     JOIN usage_counters c ON c.tenant_id = s.tenant_id \
          AND c.period_start = (s.period_start AT TIME ZONE 'UTC')::date \
     LEFT JOIN plan_meters pm ON pm.meter = c.meter \
          AND pm.plan_id = CASE WHEN s.status = 'canceled' THEN $1 ELSE s.plan_id END";

/// Per meter, its use per day over the last 30 days: every tenant's, or one's.
async fn daily(
    conn: &mut platform::db::Conn,
    tenant: Option<TenantId>,
) -> Result<Vec<(Meter, Daily)>, Error> {
    let days: Vec<MeterDay> = diesel::sql_query(
        "SELECT meter, day, sum(quantity)::bigint AS n FROM usage_daily \
         WHERE day >= (now() AT TIME ZONE 'UTC')::date - 29 AND ($1::uuid IS NULL OR tenant_id = $1) \
         GROUP BY 1, 2",
    )
    .bind::<Nullable<SqlUuid>, _>(tenant)
    .load(conn)
    .await?;
    let today = Utc::now().date_naive();
    Ok(Meter::ALL
        .iter()
        .map(|m| {
            let rows: Vec<(NaiveDate, i64)> = days
                .iter()
                .filter(|d| d.meter == m.as_str())
                .map(|d| (d.day, d.n))
                .collect();
            (*m, every_day(&rows, 30, today))
        })
        .collect())
}

/// One organisation's use per meter and day over the last 30 days.
pub async fn tenant_daily(
    db: &Db,
    ctx: &RequestContext,
    tenant: TenantId,
) -> Result<Vec<(Meter, Daily)>, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| daily(conn, Some(tenant)).await)
        .await
}

pub async fn usage(db: &Db, ctx: &RequestContext) -> Result<UsageFigures, Error> {
    ctx.require_platform_admin()?;
    db.platform_tx(async |conn| {
        let daily = daily(conn, None).await?;
        let top: Vec<UseRow> = diesel::sql_query(format!(
            "SELECT * FROM (SELECT u.*, row_number() OVER (PARTITION BY u.meter ORDER BY u.used DESC, u.tenant_name) AS rank \
             FROM ({CURRENT_USE}) u WHERE u.used > 0) r WHERE r.rank <= 5 ORDER BY r.meter, r.rank"
        ))
        .bind::<Text, _>(FALLBACK_PLAN)
        .load(conn)
        .await?;
        let near: Vec<UseRow> = diesel::sql_query(format!(
            "SELECT * FROM ({CURRENT_USE}) u WHERE u.cap IS NOT NULL AND u.used * 5 >= u.cap * 4 \
             ORDER BY u.used::float8 / GREATEST(u.cap, 1) DESC, u.tenant_name LIMIT 100"
        ))
        .bind::<Text, _>(FALLBACK_PLAN)
        .load(conn)
        .await?;
        Ok(UsageFigures {
            daily,
            top: top.into_iter().filter_map(UseRow::view).collect(),
            near_cap: near.into_iter().filter_map(UseRow::view).collect(),
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::last_months;
    use chrono::NaiveDate;

    #[test]
    fn the_last_months_cross_the_year_oldest_first() {
        let today = NaiveDate::from_ymd_opt(2026, 2, 28).expect("a day");
        assert_eq!(last_months(3, today), vec!["2025-12", "2026-01", "2026-02"]);
    }
}

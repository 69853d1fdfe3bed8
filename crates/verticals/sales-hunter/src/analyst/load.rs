//! What the Pipeline Analyst reads besides the stages (`stages::list_stages`): every deal
//! with its history, its contacts and its last activity, and the currency.

use super::core::{DealFacts, Point};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Nullable, Text, Timestamptz, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::sales::stage::ForecastCategory;
use platform::db::schema::sales_settings;
use platform::db::Conn;
use platform::Error;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(diesel::QueryableByName)]
struct DealRow {
    #[diesel(sql_type = SqlUuid)]
    id: Uuid,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Text>)]
    forecast_category: Option<String>,
    #[diesel(sql_type = Timestamptz)]
    created_at: DateTime<Utc>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    closed_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = BigInt)]
    contacts: i64,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    last_activity: Option<DateTime<Utc>>,
}

#[derive(diesel::QueryableByName)]
struct HistoryRow {
    #[diesel(sql_type = SqlUuid)]
    opportunity_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    changed_at: DateTime<Utc>,
    #[diesel(sql_type = SqlUuid)]
    stage_id: Uuid,
    #[diesel(sql_type = BigInt)]
    amount_minor: i64,
    #[diesel(sql_type = Date)]
    close_date: NaiveDate,
}

pub async fn currency(conn: &mut Conn) -> Result<String, Error> {
    Ok(sales_settings::table
        .select(sales_settings::currency)
        .first(conn)
        .await
        .optional()?
        .unwrap_or_else(|| "USD".into()))
}

/// Every deal (or only `only`) with its history, oldest change first.
pub async fn deals(conn: &mut Conn, only: Option<Uuid>) -> Result<Vec<DealFacts>, Error> {
    let rows: Vec<DealRow> = diesel::sql_query(
        "SELECT o.id, o.name, o.forecast_category, o.created_at, o.closed_at, \
                (SELECT count(*) FROM opportunity_contacts c WHERE c.tenant_id = o.tenant_id AND c.opportunity_id = o.id) \
                  + CASE WHEN o.primary_contact_id IS NULL OR EXISTS (SELECT 1 FROM opportunity_contacts c \
                      WHERE c.tenant_id = o.tenant_id AND c.opportunity_id = o.id AND c.contact_id = o.primary_contact_id) \
                    THEN 0 ELSE 1 END AS contacts, \
                (SELECT max(a.occurred_at) FROM activities a WHERE a.tenant_id = o.tenant_id AND a.opportunity_id = o.id) AS last_activity \
         FROM opportunities o WHERE o.tenant_id = app_current_tenant() AND ($1::uuid IS NULL OR o.id = $1)",
    )
    .bind::<Nullable<SqlUuid>, _>(only)
    .load(conn)
    .await?;
    let history: Vec<HistoryRow> = diesel::sql_query(
        "SELECT opportunity_id, changed_at, stage_id, amount_minor, close_date FROM opportunity_history \
         WHERE tenant_id = app_current_tenant() AND ($1::uuid IS NULL OR opportunity_id = $1) \
         ORDER BY opportunity_id, changed_at, id",
    )
    .bind::<Nullable<SqlUuid>, _>(only)
    .load(conn)
    .await?;
    let mut by_deal: HashMap<Uuid, Vec<Point>> = HashMap::new();
    for h in history {
        by_deal.entry(h.opportunity_id).or_default().push(Point {
            at: h.changed_at,
            stage: h.stage_id,
            amount: h.amount_minor,
            close_date: h.close_date,
        });
    }
    Ok(rows
        .into_iter()
        .map(|r| DealFacts {
            history: by_deal.remove(&r.id).unwrap_or_default(),
            id: r.id,
            name: r.name,
            category: r
                .forecast_category
                .as_deref()
                .and_then(ForecastCategory::parse),
            created_at: r.created_at,
            closed_at: r.closed_at,
            contacts: r.contacts,
            last_activity: r.last_activity,
        })
        .collect())
}

//! The tenant's sales settings: reporting currency and quarterly quota (the dashboard's
//! coverage KPI), shown with the stages and their open deals.

use crate::actions;
use crate::open_pipeline::{open_by_stage, Owners};
use crate::stages::list_stages;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::settings::{SalesSettings, CURRENCIES};
use models::sales::stage::{StageKind, StageUse};
use models::{AppError, Role};
use platform::audit::{changes, NewAuditEntry};
use platform::db::schema::sales_settings;
use platform::db::{Conn, Db};
use platform::{Error, RequestContext};

/// Currency and quota, or the defaults (USD, no quota) before anyone set them.
pub(crate) async fn currency_and_quota(conn: &mut Conn) -> Result<(String, i64), Error> {
    let row: Option<(String, i64)> = sales_settings::table
        .select((
            sales_settings::currency,
            sales_settings::quarterly_quota_minor,
        ))
        .first(conn)
        .await
        .optional()?;
    Ok(row.unwrap_or_else(|| ("USD".into(), 0)))
}

/// The settings page's data. Any member may look.
pub async fn get_sales_settings(db: &Db, ctx: &RequestContext) -> Result<SalesSettings, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let (currency, quarterly_quota_minor) = currency_and_quota(conn).await?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let open = open_by_stage(conn, Owners::All).await?;
        let stages = stages
            .into_iter()
            .map(|stage| StageUse {
                open_deals: if stage.kind == StageKind::Open {
                    open.iter()
                        .find(|t| t.stage_id == stage.id)
                        .map_or(0, |t| t.deals)
                } else {
                    0
                },
                stage,
            })
            .collect();
        let custom_fields = crate::custom_fields::all_definitions(conn).await?;
        Ok(SalesSettings {
            currency,
            quarterly_quota_minor,
            stages,
            custom_fields,
        })
    })
    .await
}

/// Sets the reporting currency and the quarterly quota (admins and owners).
pub async fn save_sales_settings(
    db: &Db,
    ctx: &RequestContext,
    currency: &str,
    quarterly_quota: &str,
) -> Result<(), Error> {
    ctx.require(Role::Admin)?;
    let currency = currency.trim().to_uppercase();
    if !CURRENCIES.contains(&currency.as_str()) {
        return Err(AppError::validation(
            "currency",
            format!("must be one of {}", CURRENCIES.join(", ")),
        )
        .into());
    }
    let quota = models::sales::parse_money("quarterly_quota", quarterly_quota)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let before = currency_and_quota(conn).await?;
        diesel::insert_into(sales_settings::table)
            .values((
                sales_settings::tenant_id.eq(ctx.tenant_id),
                sales_settings::currency.eq(&currency),
                sales_settings::quarterly_quota_minor.eq(quota),
            ))
            .on_conflict(sales_settings::tenant_id)
            .do_update()
            .set((
                sales_settings::currency.eq(&currency),
                sales_settings::quarterly_quota_minor.eq(quota),
            ))
            .execute(conn)
            .await?;
        let as_json = |(currency, quota): &(String, i64)| {
            serde_json::json!({ "currency": currency, "quarterly_quota_minor": quota })
        };
        let diff = changes(&as_json(&before), &as_json(&(currency.clone(), quota)), &[]);
        if diff.as_object().is_some_and(|d| !d.is_empty()) {
            NewAuditEntry::by(ctx, actions::SALES_SETTINGS_UPDATED)
                .target("sales_settings", ctx.tenant_id.0)
                .details(diff)
                .record(conn)
                .await?;
        }
        Ok(())
    })
    .await
}

//! What this installation asks of Stripe's API: the organisation's customer. Form-encoded
//! requests with the secret key; an idempotency key per organisation, so a retried request
//! makes one customer.

use super::StripeConfig;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::{AppError, Role};
use platform::db::schema::{stripe_customers, tenants, users};
use platform::{Db, Error, RequestContext};
use std::time::Duration;

#[derive(serde::Deserialize)]
struct Created {
    id: String,
}

fn unavailable(what: &str) -> Error {
    AppError::unavailable(format!(
        "Stripe could not be reached to {what}; nothing was changed. Try again in a minute."
    ))
    .into()
}

/// A form-encoded `POST` to Stripe's API with the secret key, its JSON answer read as `T`.
/// Any failure is `Unavailable` naming `what` (the cause is logged, never shown).
pub(crate) async fn stripe_post<T: serde::de::DeserializeOwned>(
    config: &StripeConfig,
    path: &str,
    form: &[(&str, &str)],
    idempotency_key: Option<&str>,
    what: &str,
) -> Result<T, Error> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|_| unavailable(what))?;
    let mut request = http
        .post(format!("{}{path}", config.api_url.trim_end_matches('/')))
        .bearer_auth(&config.secret_key)
        .form(form);
    if let Some(key) = idempotency_key {
        request = request.header("Idempotency-Key", key);
    }
    let response = request.send().await.map_err(|e| {
        tracing::warn!(error = %e, path, "stripe: the request failed");
        unavailable(what)
    })?;
    if !response.status().is_success() {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"]["message"].as_str().map(str::to_string))
            .unwrap_or_default();
        tracing::warn!(%status, path, stripe_message = %message, "stripe: the request was refused");
        return Err(unavailable(what));
    }
    response.json().await.map_err(|e| {
        tracing::warn!(error = %e, path, "stripe: an unreadable answer");
        unavailable(what)
    })
}

/// The organisation's Stripe customer, made the first time (owners): `cus_…`. The
/// customer carries the organisation's id in its metadata, which is how its webhooks find
/// their way back.
pub async fn ensure_customer(
    db: &Db,
    ctx: &RequestContext,
    config: &StripeConfig,
) -> Result<String, Error> {
    ctx.require(Role::Owner)?;
    let tenant = ctx.tenant_id;
    let known: Option<String> = db
        .tenant_tx(tenant, async |conn| {
            Ok(stripe_customers::table
                .select(stripe_customers::customer_id)
                .first(conn)
                .await
                .optional()?)
        })
        .await?;
    if let Some(id) = known {
        return Ok(id);
    }
    let (name, email): (String, String) = db
        .platform_tx(async |conn| {
            let name = tenants::table
                .find(tenant)
                .select(tenants::name)
                .first(conn)
                .await?;
            let email = users::table
                .find(ctx.user_id)
                .select(users::email)
                .first(conn)
                .await?;
            Ok((name, email))
        })
        .await?;
    let created: Created = stripe_post(
        config,
        "/v1/customers",
        &[
            ("name", name.as_str()),
            ("email", email.as_str()),
            ("metadata[tenant_id]", &tenant.to_string()),
        ],
        Some(&format!("customer-{tenant}")),
        "create your customer",
    )
    .await?;
    // Kept at once (its webhook will say the same, later): the next request finds it.
    db.platform_tx(async |conn| {
        diesel::insert_into(stripe_customers::table)
            .values((
                stripe_customers::tenant_id.eq(tenant),
                stripe_customers::customer_id.eq(&created.id),
                stripe_customers::email.eq(&email),
            ))
            .on_conflict(stripe_customers::tenant_id)
            .do_nothing()
            .execute(conn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(created.id)
}

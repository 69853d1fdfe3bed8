//! What the Billing page shows of Stripe (admins and owners), and Stripe's own page for
//! payment details (the customer portal; owners).

use super::client::{ensure_customer, stripe_post};
use super::StripeConfig;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::{Payments, StripeInvoiceView};
use models::{AppError, Role};
use platform::db::schema::{stripe_customers, stripe_invoices};
use platform::{Db, Error, RequestContext};

type InvoiceRow = (
    String,
    Option<String>,
    String,
    i64,
    i64,
    String,
    Option<String>,
);

pub async fn get_payments(
    db: &Db,
    ctx: &RequestContext,
    config: Option<&StripeConfig>,
) -> Result<Payments, Error> {
    ctx.require(Role::Admin)?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let customer_id = stripe_customers::table
            .select(stripe_customers::customer_id)
            .first::<String>(conn)
            .await
            .optional()?;
        let rows: Vec<InvoiceRow> = stripe_invoices::table
            .order(stripe_invoices::event_at.desc())
            .limit(24)
            .select((
                stripe_invoices::id,
                stripe_invoices::number,
                stripe_invoices::status,
                stripe_invoices::amount_due,
                stripe_invoices::amount_paid,
                stripe_invoices::currency,
                stripe_invoices::hosted_url,
            ))
            .load(conn)
            .await?;
        Ok(Payments {
            configured: config.is_some(),
            customer_id,
            can_manage: ctx.role.at_least(Role::Owner),
            invoices: rows
                .into_iter()
                .map(
                    |(id, number, status, due, paid, currency, hosted_url)| StripeInvoiceView {
                        id,
                        number,
                        status,
                        amount_due_minor: due,
                        amount_paid_minor: paid,
                        currency: currency.to_uppercase(),
                        // Only Stripe's own pages are linked.
                        hosted_url: hosted_url.filter(|u| u.starts_with("https://")),
                    },
                )
                .collect(),
        })
    })
    .await
}

#[derive(serde::Deserialize)]
struct PortalSession {
    url: String,
}

/// A Stripe customer-portal session for the organisation (owners), back to `return_url`:
/// the address to send the owner to. The customer is made first if need be.
pub async fn open_payment_portal(
    db: &Db,
    ctx: &RequestContext,
    config: &StripeConfig,
    return_url: &str,
) -> Result<String, Error> {
    ctx.require(Role::Owner)?;
    let customer = ensure_customer(db, ctx, config).await?;
    let session: PortalSession = stripe_post(
        config,
        "/v1/billing_portal/sessions",
        &[("customer", customer.as_str()), ("return_url", return_url)],
        None,
        "open the page for payment details",
    )
    .await?;
    if !session.url.starts_with("https://") {
        tracing::warn!("stripe: a portal session without an https address");
        return Err(AppError::unavailable(
            "Stripe did not give a page for payment details; nothing was changed.",
        )
        .into());
    }
    Ok(session.url)
}

//! `GET /settings/billing/invoices/{id}`: an invoice as a printable HTML document (the
//! browser prints it to paper or PDF); `?download` sends it as a file. Admins and owners of
//! the organisation; another organisation's invoice is not found.

use crate::export::error;
use crate::state::ServerState;
use app::state::RequestAuth;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use models::billing::InvoiceView;
use models::AppError;

pub async fn show_invoice(
    State(state): State<ServerState>,
    Extension(auth): Extension<RequestAuth>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(ctx) = auth.context() else {
        return error(StatusCode::UNAUTHORIZED, AppError::Unauthorized);
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error(StatusCode::NOT_FOUND, AppError::not_found("That invoice"));
    };
    let invoice = match billing::manage::get_invoice(&state.app.db, &ctx, id).await {
        Ok(i) => i,
        Err(e) => {
            let e = AppError::from(e);
            let status =
                StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return error(status, e);
        }
    };
    let organisation = auth
        .user
        .as_ref()
        .map(|u| u.tenant_name.clone())
        .unwrap_or_default();
    let html = render(&invoice, &organisation);
    let download = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "download"));
    let disposition = if download {
        format!("attachment; filename=\"invoice-{}.html\"", invoice.number)
    } else {
        "inline".to_string()
    };
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        html,
    )
        .into_response()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn render(i: &InvoiceView, organisation: &str) -> String {
    let day = |t: chrono::DateTime<chrono::Utc>| t.format("%B %-d, %Y").to_string();
    let lines: String = i
        .lines
        .iter()
        .map(|l| {
            format!(
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(l.kind.label()),
                esc(&l.description),
                l.quantity,
                esc(&i.money(l.amount_minor)),
            )
        })
        .collect();
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Invoice {number}</title><link rel=\"stylesheet\" href=\"/invoice.css\"></head>\
         <body><main class=\"invoice\">\
         <h1>Invoice {number}</h1>\
         <p>Sales Hunter, for <strong>{org}</strong></p>\
         <dl><dt>Period</dt><dd>{from} to {to}</dd><dt>Issued</dt><dd>{issued}</dd>\
         <dt>Status</dt><dd data-testid=\"invoice-status\">{status}</dd></dl>\
         <table><thead><tr><th>Item</th><th>Description</th><th class=\"num\">Quantity</th>\
         <th class=\"num\">Amount</th></tr></thead><tbody>{lines}</tbody>\
         <tfoot><tr><td colspan=\"3\">Subtotal</td><td class=\"num\">{subtotal}</td></tr>\
         <tr><td colspan=\"3\">Tax ({tax_rate})</td><td class=\"num\">{tax}</td></tr>\
         <tr class=\"total\"><td colspan=\"3\">Total ({currency})</td><td class=\"num\" data-testid=\"invoice-total\">{total}</td></tr>\
         </tfoot></table></main></body></html>\n",
        number = esc(&i.number),
        org = esc(organisation),
        from = day(i.period_start),
        to = day(i.period_end),
        issued = i.issued_at.map(day).unwrap_or_default(),
        status = esc(i.status.label()),
        subtotal = esc(&i.money(i.subtotal_minor)),
        tax_rate = esc(&i.tax_label()),
        tax = esc(&i.money(i.tax_minor)),
        currency = esc(&i.currency),
        total = esc(&i.money(i.total_minor)),
    )
}

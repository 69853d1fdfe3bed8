//! The Billing page's payments: Stripe's customer for the organisation, its page for
//! payment details (owners; a link to the server, which redirects there), and Stripe's
//! invoices as its webhooks last said. It works without JavaScript.

use crate::api::billing::{get_payments, SetUpPayments};
use crate::components::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use models::billing::{Payments, StripeInvoiceView, PAYMENT_DETAILS_PATH};
use models::sales::format_money;

#[component]
pub fn PaymentsSection() -> impl IntoView {
    let set_up = ServerAction::<SetUpPayments>::new();
    toast_results(set_up, "Payments are set up with Stripe.");
    let data = Resource::new(move || set_up.version().get(), |_| get_payments());
    // What went wrong on the way to Stripe's page, said by the server's redirect back.
    let query = use_query_map();
    let sent_back = Signal::derive(move || query.with(|q| q.get("payments_error")));
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if p.configured => view! { <Section p set_up sent_back/> }.into_any(),
                    Ok(_) => ().into_any(),
                    // The billing above already says who may see this page.
                    Err(models::AppError::Forbidden { .. }) => ().into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Section(
    p: Payments,
    set_up: ServerAction<SetUpPayments>,
    sent_back: Signal<Option<String>>,
) -> impl IntoView {
    let action = match (&p.customer_id, p.can_manage) {
        (None, true) => view! {
            <ActionForm action=set_up attr:class="mt-4">
                <Button kind="submit" busy=set_up.pending() test_id="set-up-payments">"Set up payments with Stripe"</Button>
            </ActionForm>
        }
        .into_any(),
        (Some(_), true) => view! {
            <p class="mt-4">
                <a
                    href=PAYMENT_DETAILS_PATH
                    rel="external"
                    data-testid="payment-details"
                    class="inline-flex rounded-md bg-indigo-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500"
                >
                    "Payment details"
                </a>
            </p>
        }
        .into_any(),
        (_, false) => view! { <p class="mt-4 text-sm text-slate-600">"An owner manages payment details."</p> }.into_any(),
    };
    let customer = p.customer_id.clone().map(|c| {
        view! {
            <p class="mt-1 text-sm text-slate-600">"Stripe customer " <code>{c}</code></p>
        }
    });
    let empty = p.invoices.is_empty();
    view! {
        <section class="mt-8 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="payments-heading" data-testid="payments">
            <h2 id="payments-heading" class="text-base font-semibold">"Payments"</h2>
            <p class="mt-1 text-sm text-slate-600">"Cards and bank details are kept by Stripe, never here."</p>
            {customer}
            {action}
            <div class="mt-3"><FormAlert message=form_error(set_up, &[])/></div>
            <div class="mt-3"><FormAlert message=sent_back/></div>
            {(!empty).then(|| view! {
                <table class="mt-4 w-full text-left text-sm">
                    <caption class="sr-only">"Stripe invoices"</caption>
                    <thead><tr class="text-slate-500">
                        <th scope="col" class="py-2 pr-3 font-medium">"Invoice"</th>
                        <th scope="col" class="py-2 pr-3 font-medium">"Status"</th>
                        <th scope="col" class="py-2 pr-3 font-medium text-right">"Due"</th>
                        <th scope="col" class="py-2 pr-3 font-medium text-right">"Paid"</th>
                        <th scope="col" class="py-2 font-medium"><span class="sr-only">"Link"</span></th>
                    </tr></thead>
                    <tbody>{p.invoices.into_iter().map(|i| view! { <InvoiceLine i/> }).collect_view()}</tbody>
                </table>
            })}
        </section>
    }
}

#[component]
fn InvoiceLine(i: StripeInvoiceView) -> impl IntoView {
    let label = i.number.clone().unwrap_or_else(|| i.id.clone());
    let link = i.hosted_url.clone().map(|url| {
        let text = format!("Open {label} at Stripe");
        view! { <a class="font-semibold text-indigo-700 underline" href=url rel="noopener noreferrer" aria-label=text>"Open"</a> }
    });
    view! {
        <tr class="border-t border-slate-100" data-testid="stripe-invoice">
            <td class="py-2 pr-3">{label.clone()}</td>
            <td class="py-2 pr-3">{i.status.clone()}</td>
            <td class="py-2 pr-3 text-right tabular-nums">{format_money(i.amount_due_minor, &i.currency, false)}</td>
            <td class="py-2 pr-3 text-right tabular-nums">{format_money(i.amount_paid_minor, &i.currency, false)}</td>
            <td class="py-2">{link}</td>
        </tr>
    }
}

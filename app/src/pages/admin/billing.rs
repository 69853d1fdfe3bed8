//! `/admin/billing`: every organisation's subscription and its issued invoices, filtered by
//! the URL (`?status=…&invoices=…`): who is trialing, past due or ending, and which invoices
//! are open, paid or void.

use super::{day, failed, FilterButtons};
use crate::api::admin::billing::list_admin_billing;
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::admin::{AdminInvoice, AdminSubscription, BILLING, LIST_LIMIT, PATH, TENANTS};
use models::billing::{InvoiceStatus, SubscriptionStatus};
use models::sales::format_money;

#[component]
pub(super) fn BillingSection() -> impl IntoView {
    let query = use_query_map();
    let status =
        move || query.with(|q| q.get("status").and_then(|s| SubscriptionStatus::parse(&s)));
    let invoices = move || query.with(|q| q.get("invoices").and_then(|s| InvoiceStatus::parse(&s)));
    let lists = Resource::new(
        move || (status(), invoices()),
        |(status, invoices)| list_admin_billing(status, invoices),
    );
    let here = format!("{PATH}/{BILLING}");
    let clear = here.clone();
    let any = || vec![(String::new(), "Any".to_string())];
    let mut statuses = any();
    statuses.extend(SubscriptionStatus::options());
    let mut invoice_statuses = any();
    invoice_statuses.extend(InvoiceStatus::options());
    view! {
        <Title text="Billing · Admin"/>
        <PageHeader title="Billing" description="Every organisation's subscription and the invoices issued to it. Revenue and overdue payments are on the overview."/>
        <form method="get" action=here class="flex flex-wrap items-end gap-3" role="search">
            <div class="w-48">
                <Select label="Subscriptions" name="status" options=statuses selected=status().map(|s| s.as_str().to_string()).unwrap_or_default()/>
            </div>
            <div class="w-48">
                <Select label="Invoices" name="invoices" options=invoice_statuses selected=invoices().map(|s| s.as_str().to_string()).unwrap_or_default()/>
            </div>
            <FilterButtons clear/>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading billing…"</p> }>
            {move || Suspend::new(async move {
                match lists.await {
                    Err(e) => failed(e),
                    Ok(b) => view! {
                        <Subscriptions list=b.subscriptions/>
                        <Invoices list=b.invoices/>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

fn organisation(id: models::TenantId, name: String) -> impl IntoView {
    view! {
        <a href=format!("{PATH}/{TENANTS}/{id}") class=format!("font-medium text-indigo-700 hover:underline {FOCUS_RING}")>{name}</a>
    }
}

fn shown(n: usize, one: &str, many: &str) -> String {
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    if n >= LIST_LIMIT {
        format!("The first {LIST_LIMIT} {many}; filter to narrow them.")
    } else {
        count_label(n, LIST_LIMIT, one, many)
    }
}

#[component]
fn Subscriptions(list: Vec<AdminSubscription>) -> impl IntoView {
    view! {
        <section class="mt-6" aria-labelledby="subscriptions-h">
            <h2 id="subscriptions-h" class="text-base font-semibold">"Subscriptions"</h2>
            <p class="mt-1 text-sm text-slate-600">{shown(list.len(), "subscription", "subscriptions")}</p>
            <div class="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
                <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="admin-subscriptions">
                    <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                        <tr>
                            <th scope="col" class="px-3 py-2">"Organisation"</th>
                            <th scope="col" class="px-3 py-2">"Plan"</th>
                            <th scope="col" class="px-3 py-2">"Status"</th>
                            <th scope="col" class="px-3 py-2">"Period ends"</th>
                            <th scope="col" class="px-3 py-2 text-right">"Seats"</th>
                            <th scope="col" class="px-3 py-2 text-right">"A month on its plan"</th>
                        </tr>
                    </thead>
                    <tbody class="divide-y divide-slate-100">
                        {list.into_iter().map(|s| {
                            let tone = match s.status {
                                SubscriptionStatus::Active => Tone::Success,
                                SubscriptionStatus::Trialing => Tone::Info,
                                SubscriptionStatus::PastDue => Tone::Danger,
                                SubscriptionStatus::Canceled => Tone::Neutral,
                            };
                            let next = match (s.cancel_at_period_end, s.next_plan) {
                                (true, _) => Some("Ends then".to_string()),
                                (false, Some(p)) => Some(format!("Then {p}")),
                                (false, None) => None,
                            };
                            view! {
                                <tr data-testid="admin-subscription">
                                    <td class="px-3 py-2">{organisation(s.tenant_id, s.tenant_name)}</td>
                                    <td class="px-3 py-2">{s.plan}</td>
                                    <td class="px-3 py-2"><Badge tone>{s.status.label()}</Badge></td>
                                    <td class="px-3 py-2 whitespace-nowrap">
                                        {day(s.period_end)}
                                        {next.map(|n| view! { <span class="ml-2 text-xs text-slate-600">{n}</span> })}
                                    </td>
                                    <td class="px-3 py-2 text-right tabular-nums">{s.seats}</td>
                                    <td class="px-3 py-2 text-right tabular-nums whitespace-nowrap">{format_money(s.monthly.minor, &s.monthly.currency, false)}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn Invoices(list: Vec<AdminInvoice>) -> impl IntoView {
    view! {
        <section class="mt-8" aria-labelledby="invoices-h">
            <h2 id="invoices-h" class="text-base font-semibold">"Invoices"</h2>
            <p class="mt-1 text-sm text-slate-600">{shown(list.len(), "invoice", "invoices")}</p>
            {(!list.is_empty()).then(|| view! {
                <div class="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
                    <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="admin-invoices">
                        <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                            <tr>
                                <th scope="col" class="px-3 py-2">"Number"</th>
                                <th scope="col" class="px-3 py-2">"Organisation"</th>
                                <th scope="col" class="px-3 py-2">"Period"</th>
                                <th scope="col" class="px-3 py-2">"Issued"</th>
                                <th scope="col" class="px-3 py-2 text-right">"Total"</th>
                                <th scope="col" class="px-3 py-2">"Status"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-slate-100">
                            {list.into_iter().map(|i| view! {
                                <tr data-testid="admin-invoice">
                                    <td class="px-3 py-2 font-mono text-xs">{i.number}</td>
                                    <td class="px-3 py-2">{organisation(i.tenant_id, i.tenant_name)}</td>
                                    <td class="px-3 py-2 whitespace-nowrap">{format!("{} – {}", day(i.period_start), day(i.period_end))}</td>
                                    <td class="px-3 py-2 whitespace-nowrap">{day(i.issued_at)}</td>
                                    <td class="px-3 py-2 text-right tabular-nums whitespace-nowrap">{format_money(i.total.minor, &i.total.currency, false)}</td>
                                    <td class="px-3 py-2">{i.status.label()}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

//! The deals of an account or a contact, each a link to its page.

use crate::components::*;
use crate::format;
use leptos::prelude::*;
use models::sales::account::DealLine;
use models::sales::format_money;
use models::sales::stage::StageKind;

#[component]
pub fn DealsPanel(deals: Vec<DealLine>) -> impl IntoView {
    let empty = deals.is_empty();
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="deals-h">
            <h2 id="deals-h" class="text-base font-semibold">"Deals"</h2>
            <ul class="mt-3 divide-y divide-slate-100" data-testid="deals">
                {deals.into_iter().map(|d| {
                    let tone = match d.state {
                        StageKind::Open => Tone::Info,
                        StageKind::Won => Tone::Success,
                        StageKind::Lost => Tone::Danger,
                    };
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                            <a class="font-medium text-indigo-700 hover:underline" href=format!("/opportunities/{}", d.id)>{d.name.clone()}</a>
                            <span class="flex items-center gap-3 text-slate-700">
                                <Badge tone>{d.stage_name.clone()}</Badge>
                                <span class="tabular-nums">{format_money(d.amount_minor, &d.currency, true)}</span>
                                <span>{format!("closes {}", format::date(d.close_date))}</span>
                            </span>
                        </li>
                    }
                }).collect_view()}
                {empty.then(|| view! { <li class="py-2 text-sm text-slate-600">"No deals yet."</li> })}
            </ul>
        </section>
    }
}

//! The filter form of the accounts and contacts tables: a plain GET form (it works without
//! JavaScript; hydrated, the router follows it without a reload).

use crate::components::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use models::members::Member;
use models::sales::record_query::{RecordKind, RecordQuery};
use models::session::SessionUser;

const INPUT: &str = "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";
const LABEL: &str = "block text-xs font-medium text-slate-700";

#[component]
pub(super) fn RecordFilterForm(
    query: RecordQuery,
    members: Vec<Member>,
    me: SessionUser,
) -> impl IntoView {
    let kind = query.kind;
    let base = kind.base();
    let owner_value = query.owner.map(|o| o.param()).unwrap_or_default();
    let search_label = match kind {
        RecordKind::Account => "Search name or domain",
        RecordKind::Contact => "Search name or e-mail",
    };
    let text_filter = |id: &'static str, name: &'static str, label: &'static str, value: String| {
        view! {
            <div>
                <label for=id class=LABEL>{label}</label>
                <input id=id name=name value=value class=INPUT placeholder="Any"/>
            </div>
        }
    };
    view! {
        <Form method="GET" action=base attr:class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" attr:role="search" attr:aria-label=format!("Filter {}", kind.plural())>
            <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
                <div class="lg:col-span-2">
                    <label for="record-q" class=LABEL>{search_label}</label>
                    <input id="record-q" type="search" name="q" value=query.q.clone() class=INPUT placeholder="e.g. acme" maxlength="100" data-testid="record-search"/>
                </div>
                <Select label="Owner" name="owner" options=owner_options(&members, &me) selected=owner_value/>
                {(kind == RecordKind::Account).then(|| view! {
                    {text_filter("record-industry", "industry", "Industry", query.industry.clone())}
                    {text_filter("record-country", "country", "Country", query.country.clone())}
                })}
                {query.account.map(|a| view! { <input type="hidden" name="account" value=a.to_string()/> })}
                <div>
                    <label for="record-from" class=LABEL>"Created from"</label>
                    <input id="record-from" type="date" name="from" value=query.created_from.map(|d| d.to_string()) class=INPUT/>
                </div>
                <div>
                    <label for="record-to" class=LABEL>"Created to"</label>
                    <input id="record-to" type="date" name="to" value=query.created_to.map(|d| d.to_string()) class=INPUT/>
                </div>
                {query.custom.iter().map(|(k, v)| view! { <input type="hidden" name=format!("cf.{k}") value=v.clone()/> }).collect_view()}
                <input type="hidden" name="sort" value=query.sort.as_str()/>
                <input type="hidden" name="dir" value=if query.descending { "desc" } else { "asc" }/>
                <div class="flex items-end gap-2 lg:col-span-2">
                    <Button kind="submit">"Apply"</Button>
                    <a href=base class="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">"Clear"</a>
                </div>
            </div>
        </Form>
    }
}

//! `/admin/activity`: the audit trail of every organisation and of the platform, filtered by
//! the URL (organisation, actor, action, target, days), newest first, a keyset page at a
//! time; the same filter downloads as CSV.

use super::{failed, when, FilterButtons};
use crate::api::admin::activity::list_audit;
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::admin::{AuditEntryView, AuditFilter, ACTIVITY, ACTIVITY_CSV, PATH, TENANTS};

#[component]
pub(super) fn ActivitySection() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            let keys = [
                "tenant",
                "actor",
                "action",
                "target_type",
                "target_id",
                "from",
                "to",
                "before",
            ];
            let pairs: Vec<(&str, String)> = keys
                .iter()
                .filter_map(|k| q.get(k).map(|v| (*k, v)))
                .collect();
            AuditFilter::from_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())))
        })
    });
    let page = Resource::new(move || filter.get(), list_audit);
    let here = format!("{PATH}/{ACTIVITY}");
    let f = filter.get_untracked();
    let csv = move || {
        let q = filter.get().first_page().to_query();
        if q.is_empty() {
            ACTIVITY_CSV.to_string()
        } else {
            format!("{ACTIVITY_CSV}?{q}")
        }
    };
    view! {
        <Title text="Activity · Admin"/>
        <PageHeader title="Activity" description="The audit trail: who did what, where and when, in every organisation and on the platform. It cannot be edited or deleted."/>
        <form method="get" action=here.clone() class="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" role="search" data-testid="audit-filter">
            <TextInput label="Organisation id" name="tenant" value=f.tenant.clone()/>
            <TextInput label="Actor e-mail" name="actor" value=f.actor.clone()/>
            <TextInput label="Action" name="action" value=f.action.clone() placeholder="auth.signed_in"/>
            <TextInput label="Target type" name="target_type" value=f.target_type.clone() placeholder="lead"/>
            <TextInput label="Target id" name="target_id" value=f.target_id.clone()/>
            <TextInput label="From (day)" name="from" kind="date" value=f.from.clone()/>
            <TextInput label="To (day)" name="to" kind="date" value=f.to.clone()/>
            <FilterButtons clear=here.clone()/>
        </form>
        <p class="mt-3 text-sm">
            <a href=csv download="audit-log.csv" rel="external" class=format!("font-medium text-indigo-700 hover:underline {FOCUS_RING}")>"Download as CSV"</a>
        </p>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading activity…"</p> }>
            {move || {
                let here = here.clone();
                Suspend::new(async move {
                    match page.await {
                        Err(e) => failed(e),
                        Ok(p) => {
                            let older = p.next.map(|next| {
                                let f = AuditFilter { before: next, ..filter.get_untracked() };
                                format!("{here}?{}", f.to_query())
                            });
                            let newest = (!filter.get_untracked().before.is_empty()).then(|| {
                                let q = filter.get_untracked().first_page().to_query();
                                format!("{here}?{q}")
                            });
                            view! { <Entries entries=p.entries older newest/> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Entries(
    entries: Vec<AuditEntryView>,
    older: Option<String>,
    newest: Option<String>,
) -> impl IntoView {
    let link = format!("text-sm font-medium text-indigo-700 hover:underline {FOCUS_RING}");
    let pager = view! {
        <nav class="mt-3 flex gap-4" aria-label="Pages">
            {newest.map(|h| view! { <a href=h class=link.clone()>"Newest"</a> })}
            {older.map(|h| view! { <a href=h class=link.clone() data-testid="audit-older">"Older entries"</a> })}
        </nav>
    };
    if entries.is_empty() {
        return view! {
            <p class="mt-6 text-sm text-slate-600" data-testid="no-audit">"No entry matches."</p>
            {pager}
        }
        .into_any();
    }
    view! {
        <div class="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="audit">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2">"When"</th>
                        <th scope="col" class="px-3 py-2">"Organisation"</th>
                        <th scope="col" class="px-3 py-2">"Actor"</th>
                        <th scope="col" class="px-3 py-2">"Action"</th>
                        <th scope="col" class="px-3 py-2">"Target"</th>
                        <th scope="col" class="px-3 py-2">"Details"</th>
                        <th scope="col" class="px-3 py-2">"From"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 align-top">
                    {entries.into_iter().map(|e| view! {
                        <tr data-testid="audit-row">
                            <td class="px-3 py-2 whitespace-nowrap">{when(e.created_at)}</td>
                            <td class="px-3 py-2">
                                {match (e.tenant_id, e.tenant_name.clone()) {
                                    (Some(id), Some(name)) => view! { <a href=format!("{PATH}/{TENANTS}/{id}") class="text-indigo-700 hover:underline">{name}</a> }.into_any(),
                                    _ => view! { <span class="text-slate-600">"Platform"</span> }.into_any(),
                                }}
                            </td>
                            <td class="px-3 py-2">{e.actor_email.clone().unwrap_or_else(|| "system".into())}</td>
                            <td class="px-3 py-2 font-mono text-xs">{e.action.clone()}</td>
                            <td class="px-3 py-2 font-mono text-xs">
                                {match (e.target_type.clone(), e.target_id.clone()) {
                                    (Some(t), Some(id)) => format!("{t} {id}"),
                                    (Some(t), None) => t,
                                    _ => String::new(),
                                }}
                            </td>
                            <td class="max-w-sm px-3 py-2"><code class="block whitespace-pre-wrap break-all text-xs text-slate-700">{e.details.clone()}</code></td>
                            <td class="px-3 py-2 text-xs text-slate-600">
                                {e.ip.clone().unwrap_or_default()}
                                {e.request_id.clone().map(|r| view! { <div class="font-mono">{r}</div> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {pager}
    }
    .into_any()
}

//! The leads manager: a server-side table whose whole view (search, filters, sort, page)
//! lives in the URL, so it can be bookmarked, shared and saved, and back/forward work. The
//! filter form is a plain GET form (it works without JavaScript); hydrated, typing in the
//! search box updates the URL after a pause.

use crate::api::leads::{list_leads, BulkUpdateLeads};
use crate::api::members::list_members;
use crate::api::saved_views::{list_saved_views, CreateSavedView, DeleteSavedView};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use models::members::Member;
use models::sales::custom_field::CustomObject;
use models::sales::lead::{BulkLeadAction, LeadPage, LeadRow, LeadStatus, SavedView};
use models::sales::lead_query::{LeadQuery, LeadSort, OwnerFilter};
use models::session::SessionUser;
use models::{AppError, LeadId};
use std::collections::BTreeSet;

mod bulk;
pub mod detail;
mod filters;
pub mod form;
pub mod import;
pub mod new;
mod score;
mod table;

use bulk::LeadBulkBar;
use filters::FilterForm;
use table::{LeadRowView, LeadSortHeader};

pub fn status_tone(s: LeadStatus) -> Tone {
    match s {
        LeadStatus::New => Tone::Info,
        LeadStatus::Working => Tone::Warning,
        LeadStatus::Nurture => Tone::Neutral,
        LeadStatus::Qualified => Tone::Success,
        LeadStatus::Disqualified => Tone::Danger,
        LeadStatus::Converted => Tone::Success,
    }
}

fn href(q: &LeadQuery) -> String {
    models::sales::view_params::with_query("/leads", &q.to_query_string())
}

const INPUT: &str = "block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600";

#[component]
pub fn LeadsPage() -> impl IntoView {
    // From the query map, not `use_location()`: reading the location here made the shell
    // render the page twice during SSR, and the discarded copy's resource (run outside the
    // request) was what the browser then hydrated against.
    let query = use_query_map();
    let search = move || query.with(|q| q.to_query_string());
    let bulk = ServerAction::<BulkUpdateLeads>::new();
    let save_view = ServerAction::<CreateSavedView>::new();
    let delete_view = ServerAction::<DeleteSavedView>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(r) = bulk.value().get() {
            match r {
                Ok(n) => toasts.push(ToastKind::Success, format!("{n} leads updated.")),
                Err(e) => toasts.push(ToastKind::Error, e.to_string()),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(r) = save_view.value().get() {
            match r {
                Ok(v) => toasts.push(ToastKind::Success, format!("View “{}” saved.", v.name)),
                Err(e) => toasts.push(ToastKind::Error, e.to_string()),
            }
        }
    });
    // One server call per resource: Leptos can render a page twice during SSR and drop the
    // first copy; a resource that awaited a second call after that lost its request.
    let page = Resource::new(
        move || (search(), bulk.version().get()),
        |(view, _)| async move { list_leads(view.clone()).await.map(|p| (view, p)) },
    );
    let members = Resource::new(|| (), |_| list_members());
    let views = Resource::new(
        move || (save_view.version().get(), delete_view.version().get()),
        |_| list_saved_views(CustomObject::Lead),
    );
    let data = move || async move {
        let (view, page) = page.await?;
        Ok::<_, AppError>((view, page, members.await?, views.await?))
    };
    view! {
        <Title text="Leads"/>
        <PageHeader title="Leads" description="Find, score and work the people and companies you sell to.">
            <div class="flex gap-2">
                <a href="/leads/import" class=format!("inline-flex items-center rounded-md bg-white px-3.5 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 {FOCUS_RING}") data-testid="import-leads">"Import"</a>
                <a href="/leads/new" class=format!("inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 {FOCUS_RING}") data-testid="new-lead">"New lead"</a>
            </div>
        </PageHeader>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading leads…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((view, page, members, views)) => match LeadQuery::parse(&view) {
                        Ok(query) => view! { <LeadsView query page members views bulk save_view delete_view/> }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    },
                    Err(e) => view! {
                        <FormAlert message=Signal::derive(move || Some(e.to_string()))/>
                        <p class="mt-3 text-sm"><a class="text-indigo-600 underline" href="/leads">"Reset the view"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LeadsView(
    query: LeadQuery,
    page: LeadPage,
    members: Vec<Member>,
    views: Vec<SavedView>,
    bulk: ServerAction<BulkUpdateLeads>,
    save_view: ServerAction<CreateSavedView>,
    delete_view: ServerAction<DeleteSavedView>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let selected = RwSignal::new(BTreeSet::<LeadId>::new());
    let matching = count_label(page.matching, page.count_cap, "lead", "leads");
    let export_href = models::sales::view_params::with_query(
        "/leads/export.csv",
        &query.first_page().to_query_string(),
    );
    let ids: Vec<LeadId> = page.rows.iter().map(|r| r.id).collect();
    let all_ids = ids.clone();
    let prev_href = page.prev.clone().map(|c| {
        href(&LeadQuery {
            before: Some(c),
            after: None,
            ..query.clone()
        })
    });
    let next_href = page.next.clone().map(|c| {
        href(&LeadQuery {
            after: Some(c),
            before: None,
            ..query.clone()
        })
    });
    let first_href =
        (query.after.is_some() || query.before.is_some()).then(|| href(&query.first_page()));
    let rows = page.rows.clone();
    let empty = rows.is_empty();
    let filtered = query.is_filtered();
    let save_query = query.first_page().to_query_string();
    view! {
        <FilterForm query=query.clone() members=members.clone() me=me.clone()/>
        <SavedViews object=CustomObject::Lead base="/leads" views save_view delete_view current=save_query me_id=me.user_id/>
        <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-600" data-testid="lead-count" aria-live="polite">{matching}</p>
            <a href=export_href class="text-sm font-medium text-indigo-600 hover:text-indigo-500" download="leads.csv">"Export CSV"</a>
        </div>
        <LeadBulkBar selected members=members.clone() bulk/>
        <div class="mt-3 overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200" data-testid="leads-table">
                <caption class="sr-only">"Leads"</caption>
                <thead class="bg-slate-50">
                    <tr>
                        <th scope="col" class="w-10 px-4 py-3">
                            <input type="checkbox" aria-label="Select all leads on this page"
                                prop:checked=move || !all_ids.is_empty() && selected.with(|s| all_ids.iter().all(|i| s.contains(i)))
                                on:change={
                                    let ids = ids.clone();
                                    move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update(|s| for id in &ids { if on { s.insert(*id); } else { s.remove(id); } });
                                    }
                                }
                            />
                        </th>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Name label="Name"/>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Company label="Company"/>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Email label="E-mail"/>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Status label="Status"/>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Score label="Score"/>
                        <th scope="col" class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">"Owner"</th>
                        <LeadSortHeader query=query.clone() sort=LeadSort::LastActivity label="Last activity"/>
                        <LeadSortHeader query=query.clone() sort=LeadSort::Created label="Created"/>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 text-sm">
                    {rows.into_iter().map(|r| view! { <LeadRowView row=r selected/> }).collect_view()}
                    {empty.then(|| view! {
                        <tr><td colspan="9" class="px-4 py-10 text-center text-sm text-slate-600">
                            {if filtered { "No leads match this view. Clear a filter or search for something else." } else { "No leads yet. Add one, or import a CSV." }}
                        </td></tr>
                    })}
                </tbody>
            </table>
        </div>
        <Pager first=first_href prev=prev_href next=next_href/>
    }
}

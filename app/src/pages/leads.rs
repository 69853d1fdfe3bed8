//! The leads manager: a server-side table whose whole view (search, filters, sort, page)
//! lives in the URL, so it can be bookmarked, shared and saved, and back/forward work. The
//! filter form is a plain GET form (it works without JavaScript); hydrated, typing in the
//! search box updates the URL after a pause.

use crate::api::leads::{
    list_leads, list_saved_views, BulkUpdateLeads, CreateSavedView, DeleteSavedView,
};
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_navigate, use_query_map};
use models::members::Member;
use models::sales::lead::{BulkLeadAction, LeadPage, LeadRow, LeadStatus, SavedView};
use models::sales::lead_query::{LeadQuery, LeadSort, OwnerFilter};
use models::session::SessionUser;
use models::{AppError, LeadId};
use std::collections::BTreeSet;

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
    let s = q.to_query_string();
    if s.is_empty() {
        "/leads".into()
    } else {
        format!("/leads?{s}")
    }
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
        |_| list_saved_views(),
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
    let matching = if page.matching > page.count_cap {
        format!("{}+ leads", format::count(page.count_cap))
    } else if page.matching == 1 {
        "1 lead".to_string()
    } else {
        format!("{} leads", format::count(page.matching))
    };
    let export_href = {
        let s = query.first_page().to_query_string();
        if s.is_empty() {
            "/leads/export.csv".to_string()
        } else {
            format!("/leads/export.csv?{s}")
        }
    };
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
        <SavedViews views save_view delete_view current=save_query me_id=me.user_id/>
        <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-600" data-testid="lead-count" aria-live="polite">{matching}</p>
            <a href=export_href class="text-sm font-medium text-indigo-600 hover:text-indigo-500" download="leads.csv">"Export CSV"</a>
        </div>
        <BulkBar selected members=members.clone() bulk/>
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
                        <SortHeader query=query.clone() sort=LeadSort::Name label="Name"/>
                        <SortHeader query=query.clone() sort=LeadSort::Company label="Company"/>
                        <SortHeader query=query.clone() sort=LeadSort::Email label="E-mail"/>
                        <SortHeader query=query.clone() sort=LeadSort::Status label="Status"/>
                        <SortHeader query=query.clone() sort=LeadSort::Score label="Score"/>
                        <th scope="col" class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">"Owner"</th>
                        <SortHeader query=query.clone() sort=LeadSort::LastActivity label="Last activity"/>
                        <SortHeader query=query.clone() sort=LeadSort::Created label="Created"/>
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
        <nav class="mt-4 flex items-center justify-between" aria-label="Pages">
            <div>{first_href.map(|h| view! { <a href=h class="text-sm text-indigo-600 hover:text-indigo-500">"First page"</a> })}</div>
            <div class="flex gap-2">
                {prev_href.map(|h| view! { <a href=h rel="prev" class="rounded-md bg-white px-3 py-1.5 text-sm font-medium shadow-sm ring-1 ring-slate-300 hover:bg-slate-50" data-testid="prev-page">"← Previous"</a> })}
                {next_href.map(|h| view! { <a href=h rel="next" class="rounded-md bg-white px-3 py-1.5 text-sm font-medium shadow-sm ring-1 ring-slate-300 hover:bg-slate-50" data-testid="next-page">"Next →"</a> })}
            </div>
        </nav>
    }
}

#[component]
fn SortHeader(query: LeadQuery, sort: LeadSort, label: &'static str) -> impl IntoView {
    let active = query.sort == sort;
    let next_desc = if active {
        !query.descending
    } else {
        matches!(
            sort,
            LeadSort::Score | LeadSort::Created | LeadSort::LastActivity
        )
    };
    let target = href(&LeadQuery {
        sort,
        descending: next_desc,
        ..query.first_page()
    });
    let aria = active.then_some(if query.descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = match (active, query.descending) {
        (true, true) => "▼",
        (true, false) => "▲",
        _ => "↕",
    };
    view! {
        <th scope="col" aria-sort=aria class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <a href=target class=format!("inline-flex items-center gap-1 rounded hover:text-slate-900 {FOCUS_RING}")>
                {label}<span class="text-slate-500" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
fn LeadRowView(row: LeadRow, selected: RwSignal<BTreeSet<LeadId>>) -> impl IntoView {
    let id = row.id;
    let label = format!("Select {}", row.full_name);
    view! {
        <tr class="hover:bg-slate-50">
            <td class="px-4 py-2.5">
                <input type="checkbox" aria-label=label
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    }
                />
            </td>
            <td class="px-4 py-2.5 font-medium">
                <a href=format!("/leads/{id}") class="text-indigo-700 hover:underline">{row.full_name.clone()}</a>
                {(!row.title.is_empty()).then(|| view! { <span class="block text-xs font-normal text-slate-600">{row.title.clone()}</span> })}
            </td>
            <td class="px-4 py-2.5">{row.company.clone()}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.email.clone()}</td>
            <td class="px-4 py-2.5"><Badge tone=status_tone(row.status)>{row.status.label()}</Badge></td>
            <td class="px-4 py-2.5 tabular-nums">{row.score}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.owner_name.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.last_activity_at.map(format::day).unwrap_or_else(|| "—".into())}</td>
            <td class="px-4 py-2.5 text-slate-700">{format::day(row.created_at)}</td>
        </tr>
    }
}

fn owner_options(members: &[Member], me: &SessionUser) -> Vec<(String, String)> {
    let mut out = vec![
        ("".to_string(), "Anyone".to_string()),
        ("me".into(), format!("Me ({})", me.name)),
        ("none".into(), "Unassigned".into()),
    ];
    out.extend(
        members
            .iter()
            .filter(|m| m.user_id != me.user_id)
            .map(|m| (m.user_id.to_string(), m.name.clone())),
    );
    out
}

#[component]
fn FilterForm(query: LeadQuery, members: Vec<Member>, me: SessionUser) -> impl IntoView {
    let owner_value = match query.owner {
        Some(OwnerFilter::Me) => "me".to_string(),
        Some(OwnerFilter::Unassigned) => "none".into(),
        Some(OwnerFilter::User(u)) => u.to_string(),
        None => String::new(),
    };
    let mut statuses = vec![(String::new(), "Any status".to_string())];
    statuses.extend(LeadStatus::options());
    let navigate = use_navigate();
    // Hydrated: the URL follows the search box a moment after typing stops. The request
    // runs in the background, so typing never waits for it.
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(h) = pending.get_value() {
                h.clear();
            }
            let navigate = navigate.clone();
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.form());
            let handle = leptos::prelude::set_timeout_with_handle(
                move || {
                    if let Some(form) = form {
                        if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) {
                            let mut pairs = Vec::new();
                            for k in [
                                "q",
                                "status",
                                "owner",
                                "source",
                                "score_min",
                                "score_max",
                                "from",
                                "to",
                                "sort",
                                "dir",
                            ] {
                                if let Some(v) = data.get(k).as_string() {
                                    if !v.is_empty() {
                                        pairs.push(format!("{k}={}", models::url::encode(&v)));
                                    }
                                }
                            }
                            let q = pairs.join("&");
                            navigate(
                                &if q.is_empty() {
                                    "/leads".into()
                                } else {
                                    format!("/leads?{q}")
                                },
                                Default::default(),
                            );
                        }
                    }
                },
                std::time::Duration::from_millis(300),
            )
            .ok();
            pending.set_value(handle);
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (&ev, &navigate, &pending);
        }
    };
    let label = "block text-xs font-medium text-slate-700";
    view! {
        <Form method="GET" action="/leads" attr:class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" attr:role="search" attr:aria-label="Filter leads">
            <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
                <div class="lg:col-span-2">
                    <label for="lead-q" class=label>"Search name, company or e-mail"</label>
                    <input id="lead-q" type="search" name="q" value=query.q.clone() class=INPUT placeholder="e.g. acme" maxlength="100" on:input=on_search data-testid="lead-search"/>
                </div>
                <Select label="Status" name="status" options=statuses selected=query.status.map(|s| s.as_str().to_string()).unwrap_or_default()/>
                <Select label="Owner" name="owner" options=owner_options(&members, &me) selected=owner_value/>
                <div>
                    <label for="lead-source" class=label>"Source"</label>
                    <input id="lead-source" name="source" value=query.source.clone() class=INPUT placeholder="Any"/>
                </div>
                <div class="grid grid-cols-2 gap-2">
                    <div>
                        <label for="lead-score-min" class=label>"Score from"</label>
                        <input id="lead-score-min" type="number" min="0" max="100" name="score_min" value=query.score_min.map(|s| s.to_string()) class=INPUT/>
                    </div>
                    <div>
                        <label for="lead-score-max" class=label>"to"</label>
                        <input id="lead-score-max" type="number" min="0" max="100" name="score_max" value=query.score_max.map(|s| s.to_string()) class=INPUT/>
                    </div>
                </div>
                <div>
                    <label for="lead-from" class=label>"Created from"</label>
                    <input id="lead-from" type="date" name="from" value=query.created_from.map(|d| d.to_string()) class=INPUT/>
                </div>
                <div>
                    <label for="lead-to" class=label>"Created to"</label>
                    <input id="lead-to" type="date" name="to" value=query.created_to.map(|d| d.to_string()) class=INPUT/>
                </div>
                {query.custom.iter().map(|(k, v)| view! { <input type="hidden" name=format!("cf.{k}") value=v.clone()/> }).collect_view()}
                <input type="hidden" name="sort" value=query.sort.as_str()/>
                <input type="hidden" name="dir" value=if query.descending { "desc" } else { "asc" }/>
                <div class="flex items-end gap-2 lg:col-span-2">
                    <Button kind="submit">"Apply"</Button>
                    <a href="/leads" class="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">"Clear"</a>
                </div>
            </div>
        </Form>
    }
}

#[component]
fn SavedViews(
    views: Vec<SavedView>,
    save_view: ServerAction<CreateSavedView>,
    delete_view: ServerAction<DeleteSavedView>,
    current: String,
    me_id: models::UserId,
) -> impl IntoView {
    view! {
        <section class="mt-3 flex flex-wrap items-center gap-2" aria-label="Saved views">
            <span class="text-xs font-medium uppercase tracking-wide text-slate-600">"Views"</span>
            {views.into_iter().map(|v| {
                let target = if v.query.is_empty() { "/leads".to_string() } else { format!("/leads?{}", v.query) };
                let mine = v.owner_id == me_id;
                view! {
                    <span class="inline-flex items-center gap-1 rounded-full bg-white px-3 py-1 text-sm shadow-sm ring-1 ring-slate-200">
                        <a href=target class="font-medium text-indigo-700 hover:underline">{v.name.clone()}</a>
                        {v.shared.then(|| view! { <span class="text-xs text-slate-600">"(shared)"</span> })}
                        {mine.then(|| view! {
                            <ActionForm action=delete_view attr:class="inline">
                                <input type="hidden" name="id" value=v.id.to_string()/>
                                <button type="submit" class="ml-1 text-slate-500 hover:text-red-600" aria-label=format!("Delete view {}", v.name)>"×"</button>
                            </ActionForm>
                        })}
                    </span>
                }
            }).collect_view()}
            <details class="relative">
                <summary class=format!("cursor-pointer list-none rounded-full px-3 py-1 text-sm font-medium text-indigo-700 hover:bg-indigo-50 {FOCUS_RING}")>"+ Save this view"</summary>
                <ActionForm action=save_view attr:class="absolute z-20 mt-2 w-72 space-y-3 rounded-lg bg-white p-4 shadow-lg ring-1 ring-slate-200">
                    <input type="hidden" name="query" value=current/>
                    <TextInput label="View name" name="name" required=true maxlength=60 error=field_error(save_view, "name")/>
                    <label class="flex items-center gap-2 text-sm text-slate-700">
                        <input type="checkbox" name="shared" value="on"/>"Share with the team"
                    </label>
                    <Button kind="submit">"Save view"</Button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
fn BulkBar(
    selected: RwSignal<BTreeSet<LeadId>>,
    members: Vec<Member>,
    bulk: ServerAction<BulkUpdateLeads>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let run = move |action: BulkLeadAction| {
        let ids: Vec<LeadId> = selected.get_untracked().into_iter().collect();
        bulk.dispatch(BulkUpdateLeads { ids, action });
        selected.set(BTreeSet::new());
    };
    let members = StoredValue::new(members);
    view! {
        <Show when=move || selected.with(|s| !s.is_empty())>
            <div class="mt-3 flex flex-wrap items-center gap-3 rounded-lg bg-indigo-50 px-4 py-2 text-sm ring-1 ring-indigo-200" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
                <span class="font-medium">{move || format!("{} selected", selected.with(|s| s.len()))}</span>
                <label class="flex items-center gap-2">"Assign to"
                    <select class="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if v.is_empty() { return; }
                        let owner_id = if v == "none" { None } else { v.parse().ok() };
                        run(BulkLeadAction::AssignOwner { owner_id });
                    }>
                        <option value="">"Choose…"</option>
                        <option value="none">"Unassigned"</option>
                        {members.get_value().into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="flex items-center gap-2">"Set status"
                    <select class="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300" on:change=move |ev| {
                        if let Some(status) = LeadStatus::parse(&event_target_value(&ev)) {
                            run(BulkLeadAction::ChangeStatus { status });
                        }
                    }>
                        <option value="">"Choose…"</option>
                        {LeadStatus::ALL.iter().filter(|s| **s != LeadStatus::Converted).map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| confirm.set(true))>"Delete…"</Button>
                <Button variant=ButtonVariant::Ghost on_click=Callback::new(move |_| selected.set(BTreeSet::new()))>"Clear selection"</Button>
            </div>
        </Show>
        <Modal open=confirm title="Delete leads">
            <p class="text-sm text-slate-700">{move || format!("Delete {} leads with their activities and tasks? This cannot be undone.", selected.with(|s| s.len()))}</p>
            <div class="mt-5 flex justify-end gap-2">
                <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| confirm.set(false))>"Cancel"</Button>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| { confirm.set(false); run(BulkLeadAction::Delete); })>"Delete"</Button>
            </div>
        </Modal>
    }
}

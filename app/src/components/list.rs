//! The parts of a list page every table shares (leads, accounts, contacts): sortable
//! headers, the pager, the saved views, the count, the owner filter's choices and the bulk
//! bar. Each list passes its own links, so the parts know nothing of its query grammar.

use super::{field_error, Button, ButtonVariant, Modal, TextInput, FOCUS_RING};
use crate::api::saved_views::{CreateSavedView, DeleteSavedView};
use crate::format;
use leptos::prelude::*;
use models::members::Member;
use models::sales::custom_field::CustomObject;
use models::sales::lead::SavedView;
use models::session::SessionUser;
use models::UserId;

/// A column header that sorts by its column: `href` is the view sorted by it (turned when
/// it is the sort already).
#[component]
pub fn SortHeader(
    label: &'static str,
    href: String,
    active: bool,
    descending: bool,
) -> impl IntoView {
    let aria = active.then_some(if descending {
        "descending"
    } else {
        "ascending"
    });
    let arrow = match (active, descending) {
        (true, true) => "▼",
        (true, false) => "▲",
        _ => "↕",
    };
    view! {
        <th scope="col" aria-sort=aria class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <a href=href class=format!("inline-flex items-center gap-1 rounded hover:text-slate-900 {FOCUS_RING}")>
                {label}<span class="text-slate-500" aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

/// First / previous / next page links.
#[component]
pub fn Pager(first: Option<String>, prev: Option<String>, next: Option<String>) -> impl IntoView {
    let link = "rounded-md bg-white px-3 py-1.5 text-sm font-medium shadow-sm ring-1 ring-slate-300 hover:bg-slate-50";
    view! {
        <nav class="mt-4 flex items-center justify-between" aria-label="Pages">
            <div>{first.map(|h| view! { <a href=h class="text-sm text-indigo-600 hover:text-indigo-500">"First page"</a> })}</div>
            <div class="flex gap-2">
                {prev.map(|h| view! { <a href=h rel="prev" class=link data-testid="prev-page">"← Previous"</a> })}
                {next.map(|h| view! { <a href=h rel="next" class=link data-testid="next-page">"Next →"</a> })}
            </div>
        </nav>
    }
}

/// "1 account", "2,345 accounts", "10,000+ accounts".
pub fn count_label(matching: i64, cap: i64, one: &str, many: &str) -> String {
    if matching > cap {
        format!("{}+ {many}", format::count(cap))
    } else if matching == 1 {
        format!("1 {one}")
    } else {
        format!("{} {many}", format::count(matching))
    }
}

/// The owner filter's choices: anyone, me, unassigned, each member.
pub fn owner_options(members: &[Member], me: &SessionUser) -> Vec<(String, String)> {
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

/// The saved views of a table (links to `base?query`), a delete button on one's own, and
/// "Save this view" for the `current` one.
#[component]
pub fn SavedViews(
    object: CustomObject,
    base: &'static str,
    views: Vec<SavedView>,
    save_view: ServerAction<CreateSavedView>,
    delete_view: ServerAction<DeleteSavedView>,
    current: String,
    me_id: UserId,
) -> impl IntoView {
    view! {
        <section class="mt-3 flex flex-wrap items-center gap-2" aria-label="Saved views">
            <span class="text-xs font-medium uppercase tracking-wide text-slate-600">"Views"</span>
            {views.into_iter().map(|v| {
                let target = if v.query.is_empty() { base.to_string() } else { format!("{base}?{}", v.query) };
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
                    <input type="hidden" name="object" value=object.as_str()/>
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

/// What to do with the selected rows: assign them, delete them (after a confirm step), or
/// whatever else a table adds as `children`. Shown while something is selected.
#[component]
pub fn BulkBar(
    /// How many rows are selected.
    count: Signal<usize>,
    members: Vec<Member>,
    /// "leads", "accounts", …
    what: &'static str,
    /// What goes with a deleted row, for the confirm step.
    deletes_with: &'static str,
    on_assign: Callback<Option<UserId>>,
    on_delete: Callback<()>,
    on_clear: Callback<()>,
    #[prop(optional)] children: Option<ChildrenFn>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let members = StoredValue::new(members);
    let children = StoredValue::new(children);
    view! {
        <Show when=move || { count.get() > 0 }>
            <div class="mt-3 flex flex-wrap items-center gap-3 rounded-lg bg-indigo-50 px-4 py-2 text-sm ring-1 ring-indigo-200" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
                <span class="font-medium">{move || format!("{} selected", count.get())}</span>
                <label class="flex items-center gap-2">"Assign to"
                    <select class="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if v.is_empty() { return; }
                        on_assign.run(if v == "none" { None } else { v.parse().ok() });
                    }>
                        <option value="">"Choose…"</option>
                        <option value="none">"Unassigned"</option>
                        {members.get_value().into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name}</option> }).collect_view()}
                    </select>
                </label>
                {children.with_value(|c| c.as_ref().map(|c| c()))}
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| confirm.set(true))>"Delete…"</Button>
                <Button variant=ButtonVariant::Ghost on_click=Callback::new(move |_| on_clear.run(()))>"Clear selection"</Button>
            </div>
        </Show>
        <Modal open=confirm title=format!("Delete {what}")>
            <p class="text-sm text-slate-700">{move || format!("Delete {} {what}{deletes_with}? This cannot be undone.", count.get())}</p>
            <div class="mt-5 flex justify-end gap-2">
                <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| confirm.set(false))>"Cancel"</Button>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| { confirm.set(false); on_delete.run(()); })>"Delete"</Button>
            </div>
        </Modal>
    }
}

//! The list page of accounts or contacts: filters and search in the URL, saved views,
//! sortable keyset pages, row selection with bulk actions, and the CSV export of the view.

use super::filters::RecordFilterForm;
use crate::api::members::list_members;
use crate::api::saved_views::{list_saved_views, CreateSavedView, DeleteSavedView};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::members::Member;
use models::sales::custom_field::CustomObject;
use models::sales::lead::SavedView;
use models::sales::record_query::{
    BulkRecordAction, RecordKind, RecordPage, RecordQuery, RecordSort,
};
use models::sales::view_params::with_query;
use models::session::SessionUser;
use models::AppError;
use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;
use uuid::Uuid;

/// A row of the accounts or contacts table.
pub trait ListedRecord: Clone + Send + Sync + 'static {
    const KIND: RecordKind;
    const OBJECT: CustomObject;
    /// What goes with a deleted record, for the confirm step.
    const DELETES_WITH: &'static str;
    fn id(&self) -> Uuid;
    fn name(&self) -> String;
    /// The columns after the name: a label, and the sort it sets when it is sortable.
    fn columns() -> &'static [(&'static str, Option<RecordSort>)];
    /// The cells after the name, one per column.
    fn cells(&self) -> AnyView;
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<RecordPage<T>, AppError>> + Send>>;

/// How a table reads a page and acts on a selection (its server functions).
pub struct RecordSource<T: 'static> {
    pub list: fn(String) -> PageFuture<T>,
    pub bulk: Callback<(Vec<Uuid>, BulkRecordAction)>,
    /// Changes after each bulk action, so the page reads its rows again.
    pub bulk_version: Signal<usize>,
}

#[component]
pub fn RecordListPage<T>(
    source: RecordSource<T>,
    title: &'static str,
    description: &'static str,
    /// The "New …" form (a [`NewRecordMenu`]).
    #[prop(into)]
    new_form: ViewFn,
) -> impl IntoView
where
    T: ListedRecord + serde::Serialize + serde::de::DeserializeOwned + PartialEq,
{
    let query = use_query_map();
    let search = move || query.with(|q| q.to_query_string());
    let save_view = ServerAction::<CreateSavedView>::new();
    let delete_view = ServerAction::<DeleteSavedView>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(r) = save_view.value().get() {
            match r {
                Ok(v) => toasts.push(ToastKind::Success, format!("View “{}” saved.", v.name)),
                Err(e) => toasts.push(ToastKind::Error, e.to_string()),
            }
        }
    });
    let list = source.list;
    let bulk_version = source.bulk_version;
    // One server call per resource (see the leads page).
    let page = Resource::new(
        move || (search(), bulk_version.get()),
        move |(view, _)| async move { list(view.clone()).await.map(|p| (view, p)) },
    );
    let members = Resource::new(|| (), |_| list_members());
    let views = Resource::new(
        move || (save_view.version().get(), delete_view.version().get()),
        |_| list_saved_views(T::OBJECT),
    );
    let data = move || async move {
        let (view, page) = page.await?;
        Ok::<_, AppError>((view, page, members.await?, views.await?))
    };
    let bulk = source.bulk;
    let plural = T::KIND.plural();
    view! {
        <Title text=title/>
        <PageHeader title=title description=description>
            {new_form.run()}
        </PageHeader>
        <Transition fallback=move || view! { <p class="text-sm text-slate-500">{format!("Loading {plural}…")}</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((view, page, members, views)) => match RecordQuery::parse(T::KIND, &view) {
                        Ok(query) => view! { <RecordTable query page members views bulk save_view delete_view/> }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    },
                    Err(e) => view! {
                        <FormAlert message=Signal::derive(move || Some(e.to_string()))/>
                        <p class="mt-3 text-sm"><a class="text-indigo-600 underline" href=T::KIND.base()>"Reset the view"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn RecordTable<T>(
    query: RecordQuery,
    page: RecordPage<T>,
    members: Vec<Member>,
    views: Vec<SavedView>,
    bulk: Callback<(Vec<Uuid>, BulkRecordAction)>,
    save_view: ServerAction<CreateSavedView>,
    delete_view: ServerAction<DeleteSavedView>,
) -> impl IntoView
where
    T: ListedRecord,
{
    let me = expect_context::<SessionUser>();
    let kind = T::KIND;
    let base = kind.base();
    let selected = RwSignal::new(BTreeSet::<Uuid>::new());
    let matching = count_label(
        page.matching,
        page.count_cap,
        T::OBJECT.as_str(),
        kind.plural(),
    );
    let export_href = with_query(
        &format!("{base}/export.csv"),
        &query.first_page().to_query_string(),
    );
    let at = |after: Option<String>, before: Option<String>| {
        RecordQuery {
            after,
            before,
            ..query.clone()
        }
        .href()
    };
    let prev_href = page.prev.clone().map(|c| at(None, Some(c)));
    let next_href = page.next.clone().map(|c| at(Some(c), None));
    let first_href =
        (query.after.is_some() || query.before.is_some()).then(|| query.first_page().href());
    let ids: Vec<Uuid> = page.rows.iter().map(|r| r.id()).collect();
    let all_ids = ids.clone();
    let run = move |action: BulkRecordAction| {
        let ids: Vec<Uuid> = selected.get_untracked().into_iter().collect();
        bulk.run((ids, action));
        selected.set(BTreeSet::new());
    };
    let header = |label: &'static str, sort: Option<RecordSort>| {
        match sort {
        Some(sort) => view! {
            <SortHeader label href=query.sorted_by(sort).href() active=query.sort == sort descending=query.descending/>
        }
        .into_any(),
        None => view! { <th scope="col" class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">{label}</th> }.into_any(),
    }
    };
    let empty = page.rows.is_empty();
    let filtered = query.is_filtered();
    let columns = T::columns().len() + 2;
    view! {
        <RecordFilterForm query=query.clone() members=members.clone() me=me.clone()/>
        <SavedViews object=T::OBJECT base=kind.base() views save_view delete_view current=query.first_page().to_query_string() me_id=me.user_id/>
        <div class="mt-4 flex flex-wrap items-center justify-between gap-3">
            <p class="text-sm text-slate-600" data-testid="record-count" aria-live="polite">{matching}</p>
            <a href=export_href class="text-sm font-medium text-indigo-600 hover:text-indigo-500" download=format!("{}.csv", kind.plural())>"Export CSV"</a>
        </div>
        <BulkBar
            count=Signal::derive(move || selected.with(|s| s.len()))
            members=members.clone()
            what=kind.plural()
            deletes_with=T::DELETES_WITH
            on_assign=Callback::new(move |owner_id| run(BulkRecordAction::AssignOwner { owner_id }))
            on_delete=Callback::new(move |_| run(BulkRecordAction::Delete))
            on_clear=Callback::new(move |_| selected.set(BTreeSet::new()))
        />
        <div class="mt-3 overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200" data-testid=format!("{}-table", kind.plural())>
                <caption class="sr-only">{kind.plural()}</caption>
                <thead class="bg-slate-50">
                    <tr>
                        <th scope="col" class="w-10 px-4 py-3">
                            <input type="checkbox" aria-label=format!("Select all {} on this page", kind.plural())
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
                        {header("Name", Some(RecordSort::Name))}
                        {T::columns().iter().map(|(label, sort)| header(label, *sort)).collect_view()}
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100 text-sm">
                    {page.rows.into_iter().map(|r| {
                        let id = r.id();
                        let label = format!("Select {}", r.name());
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
                                    <a href=format!("/{}/{id}", kind.path()) class="text-indigo-700 hover:underline">{r.name()}</a>
                                </td>
                                {r.cells()}
                            </tr>
                        }
                    }).collect_view()}
                    {empty.then(|| view! {
                        <tr><td colspan=columns.to_string() class="px-4 py-10 text-center text-sm text-slate-600">
                            {if filtered { format!("No {} match this view. Clear a filter or search for something else.", kind.plural()) } else { format!("No {} yet. Add one, convert a lead, or connect your CRM.", kind.plural()) }}
                        </td></tr>
                    })}
                </tbody>
            </table>
        </div>
        <Pager first=first_href prev=prev_href next=next_href/>
    }
}

/// A "New …" button that unfolds its form; open again after the form came back with an
/// error (without JavaScript the page reloads, and the error must be seen).
#[component]
pub fn NewRecordMenu(
    label: &'static str,
    test_id: &'static str,
    #[prop(into)] failed: Signal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <details class="relative" data-testid=test_id open=failed>
            <summary class=format!("cursor-pointer list-none rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 {FOCUS_RING}")>
                {label}
            </summary>
            <div class="absolute right-0 z-20 mt-2 w-[min(36rem,90vw)] rounded-lg bg-white p-5 shadow-lg ring-1 ring-slate-200">
                {children()}
            </div>
        </details>
    }
}

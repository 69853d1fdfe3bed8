//! Global search: the plain page behind the top bar's search form (works without
//! JavaScript), and the Ctrl/⌘-K palette that queries as you type.

use crate::api::dashboard::search_records;
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use models::sales::search::SearchHit;

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q").unwrap_or_default());
    let hits = Resource::new(q, search_records);
    view! {
        <Title text="Search"/>
        <PageHeader title="Search" description="Leads, contacts, accounts and opportunities."/>
        <form method="get" action="/search" role="search" class="flex max-w-xl gap-2">
            <label for="search-page-q" class="sr-only">"Search"</label>
            <input id="search-page-q" type="search" name="q" value=q class="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300"/>
            <Button kind="submit">"Search"</Button>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Searching…"</p> }>
            {move || Suspend::new(async move {
                match hits.await {
                    Ok(list) => view! { <HitList hits=list/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn HitList(hits: Vec<SearchHit>) -> impl IntoView {
    let empty = hits.is_empty();
    view! {
        <ul class="mt-4 divide-y divide-slate-100 rounded-lg bg-white shadow-sm ring-1 ring-slate-200" data-testid="search-results">
            {hits.into_iter().map(|h| view! {
                <li>
                    <a href=h.href class="flex items-center justify-between gap-3 px-4 py-3 hover:bg-slate-50">
                        <span><span class="font-medium text-slate-900">{h.title}</span><span class="block text-xs text-slate-600">{h.detail}</span></span>
                        <Badge>{h.kind.label()}</Badge>
                    </a>
                </li>
            }).collect_view()}
            {empty.then(|| view! { <li class="px-4 py-6 text-sm text-slate-600">"Nothing found. Type at least two characters."</li> })}
        </ul>
    }
}

/// The Ctrl/⌘-K palette: opens from anywhere in the shell, searches as you type (after a
/// short pause, so typing never waits for the network), Enter opens the first hit.
#[component]
pub fn CommandPalette() -> impl IntoView {
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let hits = RwSignal::new(Vec::<SearchHit>::new());
    let navigate = use_navigate();
    #[cfg(feature = "hydrate")]
    {
        let handle = leptos::prelude::window_event_listener(leptos::ev::keydown, move |ev| {
            if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("k") {
                ev.prevent_default();
                open.set(true);
            }
        });
        on_cleanup(move || handle.remove());
    }
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        text.set(value.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let handle = leptos::prelude::set_timeout_with_handle(
            move || {
                leptos::task::spawn_local(async move {
                    if let Ok(found) = search_records(value.clone()).await {
                        // Only the answer to what is typed now is shown.
                        if text.get_untracked() == value {
                            hits.set(found);
                        }
                    }
                });
            },
            std::time::Duration::from_millis(150),
        )
        .ok();
        pending.set_value(handle);
    };
    let go = StoredValue::new(Callback::new(move |href: String| {
        open.set(false);
        navigate(&href, Default::default());
    }));
    view! {
        <Modal open=open title="Search everything">
            <form on:submit=move |ev| {
                ev.prevent_default();
                match hits.get_untracked().first() {
                    Some(h) => go.get_value().run(h.href.clone()),
                    None => go.get_value().run(format!("/search?q={}", models::url::encode(&text.get_untracked()))),
                }
            }>
                <label for="palette-q" class="sr-only">"Search leads, contacts, accounts and opportunities"</label>
                <input id="palette-q" type="search" autofocus=true autocomplete="off" placeholder="Search leads, contacts, accounts, deals…"
                    class="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
                    on:input=on_input data-testid="palette-input"/>
            </form>
            <ul class="mt-3 max-h-80 overflow-y-auto" data-testid="palette-results">
                {move || hits.get().into_iter().map(|h| {
                    let href = h.href.clone();
                    view! {
                        <li>
                            <a href=h.href.clone() class="flex items-center justify-between rounded-md px-3 py-2 text-sm hover:bg-slate-100"
                                on:click=move |ev| { ev.prevent_default(); go.get_value().run(href.clone()); }>
                                <span><span class="font-medium">{h.title.clone()}</span><span class="block text-xs text-slate-600">{h.detail.clone()}</span></span>
                                <Badge>{h.kind.label()}</Badge>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Modal>
    }
}

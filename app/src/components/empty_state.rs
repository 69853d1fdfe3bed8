use leptos::prelude::*;

/// What a list or page shows when there is nothing in it yet: what would be here, and how to
/// get it there. Never filler data.
#[component]
pub fn EmptyState(
    #[prop(into)] title: String,
    #[prop(optional, into)] body: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="rounded-lg border-2 border-dashed border-slate-200 px-6 py-12 text-center" data-testid="empty-state">
            <h2 class="text-base font-semibold text-slate-900">{title}</h2>
            {body.map(|b| view! { <p class="mx-auto mt-1 max-w-md text-sm text-slate-600">{b}</p> })}
            {children.map(|c| view! { <div class="mt-4 flex justify-center gap-2">{c()}</div> })}
        </div>
    }
}

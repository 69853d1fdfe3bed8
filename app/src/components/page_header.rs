use leptos::prelude::*;

/// The title block at the top of every page, with room for the page's main actions.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] description: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <header class="mb-6 flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
            <div>
                <h1 class="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
                {description.map(|d| view! { <p class="mt-1 text-sm text-slate-600">{d}</p> })}
            </div>
            {children.map(|c| view! { <div class="flex gap-2">{c()}</div> })}
        </header>
    }
}

//! The centred card that the signed-out pages share.

use leptos::prelude::*;

#[component]
pub fn AuthLayout(
    #[prop(into)] title: String,
    #[prop(optional, into)] subtitle: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <main class="flex min-h-full flex-col justify-center px-4 py-12">
            <div class="mx-auto w-full max-w-sm">
                <div class="flex items-center justify-center gap-2">
                    <span class="flex size-10 items-center justify-center rounded-xl bg-indigo-600 text-lg font-bold text-white" aria-hidden="true">"S"</span>
                    <span class="text-xl font-semibold tracking-tight">"Sales Hunter"</span>
                </div>
                <h1 class="mt-8 text-center text-2xl font-semibold tracking-tight">{title}</h1>
                {subtitle.map(|s| view! { <p class="mt-2 text-center text-sm text-slate-600">{s}</p> })}
                <div class="mt-8 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">{children()}</div>
            </div>
        </main>
    }
}

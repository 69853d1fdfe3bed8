use leptos::prelude::*;

/// One headline number with its label and a line of context. Show real figures only: when
/// there is no data yet, say so in `hint` rather than showing a made-up value.
#[component]
pub fn KpiCard(
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] test_id: Option<String>,
) -> impl IntoView {
    view! {
        <div class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid=test_id>
            <dt class="truncate text-sm font-medium text-slate-500">{label}</dt>
            <dd class="mt-2 text-3xl font-semibold tracking-tight text-slate-900">{move || value.get()}</dd>
            {hint.map(|h| view! { <p class="mt-1 text-xs text-slate-500">{h}</p> })}
        </div>
    }
}

use leptos::prelude::*;

/// One headline number with its label and a line of context. Show real figures only: when
/// there is no data yet, say so in `hint` rather than showing a made-up value.
#[component]
pub fn KpiCard(
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// The change against the previous period, when there is one.
    #[prop(optional, into)]
    change: Option<String>,
    #[prop(optional, into)] test_id: Option<String>,
) -> impl IntoView {
    view! {
        <div class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid=test_id>
            <dt class="truncate text-sm font-medium text-slate-600">{label}</dt>
            // Everything but the label sits in the <dd>: a <dl> group holds only <dt> and <dd>.
            <dd>
                <span class="mt-2 block text-3xl font-semibold tracking-tight text-slate-900">{move || value.get()}</span>
                {change.map(|c| view! { <span class="mt-1 block text-xs font-medium text-slate-700">{c}</span> })}
                {hint.map(|h| view! { <span class="mt-1 block text-xs text-slate-600">{h}</span> })}
            </dd>
        </div>
    }
}

use leptos::prelude::*;

/// One headline number with its label and a line of context. Show real figures only: when
/// there is no data yet, say so in `hint` rather than showing a made-up value.
///
/// The value fits its card at every width: a compact figure (`$3.49M`) with the exact one
/// in `exact` (shown on hover), and a value that would still not fit wraps rather than
/// spilling out of the card.
#[component]
pub fn KpiCard(
    #[prop(into)] label: String,
    #[prop(into)] value: Signal<String>,
    /// The exact figure, when `value` is rounded (`$3,491,500` for `$3.49M`).
    #[prop(default = None)]
    exact: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    /// The change against the previous period, when there is one.
    #[prop(optional, into)]
    change: Option<String>,
    #[prop(optional, into)] test_id: Option<String>,
) -> impl IntoView {
    let full_label = label.clone();
    view! {
        <div class="min-w-0 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid=test_id>
            <dt class="truncate text-sm font-medium text-slate-600" title=full_label>{label}</dt>
            // Everything but the label sits in the <dd>: a <dl> group holds only <dt> and <dd>.
            <dd>
                <span class="mt-2 block text-2xl font-semibold tracking-tight text-slate-900 [overflow-wrap:anywhere]" title=exact data-testid="kpi-value">{move || value.get()}</span>
                {change.map(|c| view! { <span class="mt-1 block text-xs font-medium text-slate-700">{c}</span> })}
                {hint.map(|h| view! { <span class="mt-1 block text-xs text-slate-600">{h}</span> })}
            </dd>
        </div>
    }
}

//! The connection's run history, with each record's error.

use super::*;

#[component]
pub(super) fn RunHistory(
    runs: Vec<SyncRunView>,
    errors: Option<(SyncRunId, Vec<SyncRunError>)>,
) -> impl IntoView {
    let shown = errors.filter(|(run, _)| runs.iter().any(|r| r.id == *run));
    view! {
        <h3 class="mt-6 text-sm font-semibold">"Runs"</h3>
        {if runs.is_empty() {
            view! { <p class="mt-2 text-sm text-slate-600">"No runs yet."</p> }.into_any()
        } else {
            view! {
                <table class="mt-2 w-full text-left text-sm" data-testid="runs">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-3">"Started"</th><th class="py-2 pr-3">"By"</th><th class="py-2 pr-3">"State"</th><th class="py-2 pr-3">"Records"</th><th class="py-2 pr-3">"API calls"</th><th class="py-2">"Problems"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {runs.into_iter().map(|r| view! {
                            <tr data-state=r.state.as_str()>
                                <td class="py-2 pr-3 whitespace-nowrap">{format::when(r.started_at.unwrap_or(r.created_at))}</td>
                                <td class="py-2 pr-3">{r.trigger.label()}</td>
                                <td class="py-2 pr-3">{run_badge(r.state)}{(!r.error.is_empty()).then(|| view! { <p class="mt-1 text-xs text-slate-600">{r.error.clone()}</p> })}</td>
                                <td class="py-2 pr-3 text-xs">{run_summary(&r)}</td>
                                <td class="py-2 pr-3 tabular-nums">{r.api_calls}</td>
                                <td class="py-2">{if r.error_count > 0 {
                                    view! { <a class="text-indigo-700 underline" href=format!("/connectors?run={}", r.id)>{format!("{} records", r.error_count)}</a> }.into_any()
                                } else { view! { <span class="text-slate-600">"None"</span> }.into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {shown.map(|(_, e)| view! {
            <div class="mt-4" data-testid="run-errors">
                <h4 class="text-sm font-semibold">"Records this run could not sync"</h4>
                <table class="mt-2 w-full text-left text-sm">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-3">"Object"</th><th class="py-2 pr-3">"Record"</th><th class="py-2 pr-3">"Way"</th><th class="py-2">"Reason"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {e.into_iter().map(|x| view! {
                            <tr><td class="py-2 pr-3">{x.object}</td><td class="py-2 pr-3 font-mono text-xs">{x.external_id}</td><td class="py-2 pr-3">{x.direction}</td><td class="py-2">{x.message}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

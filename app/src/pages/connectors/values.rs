//! The org's opportunity stages and lead statuses: where each lands here, and one click to
//! create the missing stages and translate the statuses, so a default org's deals land on
//! the board on the first sync.

use super::*;
use models::connectors::{ChoicePlan, ValuesPlan};

#[component]
pub(super) fn RemoteValues(id: ConnectionId, actions: Actions) -> impl IntoView {
    let preview = ServerAction::<AdoptRemoteValues>::new();
    let adopt = actions.adopt;
    let shown = Signal::derive(move || {
        adopt
            .value()
            .get()
            .and_then(|r| r.ok())
            .or_else(|| preview.value().get().and_then(|r| r.ok()))
    });
    let id = id.to_string();
    let id2 = id.clone();
    // Just connected: the first thing to look at, before the first sync.
    let query = leptos_router::hooks::use_query_map();
    let just_connected = query.with_untracked(|q| q.get("connected").is_some());
    view! {
        <details class="mt-6 rounded-md ring-1 ring-slate-200" data-testid="remote-values" open=just_connected>
            <summary class="cursor-pointer px-4 py-3 text-sm font-semibold">"Stages and lead statuses from the org"</summary>
            <div class="px-4 pb-4">
                <p class="text-sm text-slate-600">"A deal whose stage is not a stage here cannot sync. Read the org's stages and lead statuses to see where each lands, then create the missing stages (with the org's probability, forecast category and won or lost meaning) and translate the statuses in one click."</p>
                <div class="mt-3 flex flex-wrap gap-2">
                    <ActionForm action=preview>
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="apply" value="false"/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=preview.pending() test_id="preview-values">"Read stages and statuses"</Button>
                    </ActionForm>
                    <ActionForm action=adopt>
                        <input type="hidden" name="id" value=id2/>
                        <input type="hidden" name="apply" value="true"/>
                        <Button kind="submit" busy=adopt.pending() test_id="adopt-values">"Create missing stages and map statuses"</Button>
                    </ActionForm>
                </div>
                <div class="mt-3 space-y-2">
                    <FormAlert message=form_error(preview, &[])/>
                    <FormAlert message=form_error(adopt, &[])/>
                </div>
                {move || shown.get().map(|plan| view! { <ValuesTable plan/> })}
            </div>
        </details>
    }
}

#[component]
fn ValuesTable(plan: ValuesPlan) -> impl IntoView {
    let creating = plan.stages.iter().filter(|s| s.create).count();
    let headline = match (plan.applied, creating) {
        (true, 0) => {
            "Done: every stage of the org is a stage here, and the statuses are mapped.".to_string()
        }
        (true, n) => format!(
            "Done: {n} stages created, and the statuses mapped. The next sync brings their deals."
        ),
        (false, 0) => "Every stage of the org is a stage here already.".to_string(),
        (false, n) => {
            format!("{n} of the org's stages are not here yet: “Create missing stages” adds them.")
        }
    };
    let rows = |items: Vec<ChoicePlan>, what: &'static str| {
        items
            .into_iter()
            .map(|c| {
                let note = if c.create { "new stage" } else { "" };
                view! {
                    <tr data-testid=format!("{what}-row")>
                        <td class="py-1.5 pr-3">{c.remote}</td>
                        <td class="py-1.5 pr-3">{c.local}</td>
                        <td class="py-1.5 text-xs text-amber-800">{note}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <p class="mt-3 text-sm text-slate-800" role="status" data-testid="values-headline">{headline}</p>
        <table class="mt-2 w-full text-left text-sm">
            <thead class="text-xs uppercase text-slate-600">
                <tr><th class="py-1.5 pr-3">"In the org"</th><th class="py-1.5 pr-3">"Here"</th><th></th></tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
                <tr><th colspan="3" class="pt-2 text-xs font-semibold text-slate-600">"Opportunity stages"</th></tr>
                {rows(plan.stages, "stage")}
                <tr><th colspan="3" class="pt-2 text-xs font-semibold text-slate-600">"Lead statuses"</th></tr>
                {rows(plan.statuses, "status")}
            </tbody>
        </table>
    }
}

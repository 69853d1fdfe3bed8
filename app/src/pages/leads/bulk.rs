//! The bulk bar: what to do with the selected leads.

use super::*;

#[component]
pub(super) fn BulkBar(
    selected: RwSignal<BTreeSet<LeadId>>,
    members: Vec<Member>,
    bulk: ServerAction<BulkUpdateLeads>,
) -> impl IntoView {
    let confirm = RwSignal::new(false);
    let run = move |action: BulkLeadAction| {
        let ids: Vec<LeadId> = selected.get_untracked().into_iter().collect();
        bulk.dispatch(BulkUpdateLeads { ids, action });
        selected.set(BTreeSet::new());
    };
    let members = StoredValue::new(members);
    view! {
        <Show when=move || selected.with(|s| !s.is_empty())>
            <div class="mt-3 flex flex-wrap items-center gap-3 rounded-lg bg-indigo-50 px-4 py-2 text-sm ring-1 ring-indigo-200" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
                <span class="font-medium">{move || format!("{} selected", selected.with(|s| s.len()))}</span>
                <label class="flex items-center gap-2">"Assign to"
                    <select class="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300" on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if v.is_empty() { return; }
                        let owner_id = if v == "none" { None } else { v.parse().ok() };
                        run(BulkLeadAction::AssignOwner { owner_id });
                    }>
                        <option value="">"Choose…"</option>
                        <option value="none">"Unassigned"</option>
                        {members.get_value().into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="flex items-center gap-2">"Set status"
                    <select class="rounded-md border-0 py-1 pl-2 pr-7 text-sm ring-1 ring-slate-300" on:change=move |ev| {
                        if let Some(status) = LeadStatus::parse(&event_target_value(&ev)) {
                            run(BulkLeadAction::ChangeStatus { status });
                        }
                    }>
                        <option value="">"Choose…"</option>
                        {LeadStatus::ALL.iter().filter(|s| **s != LeadStatus::Converted).map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </label>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| confirm.set(true))>"Delete…"</Button>
                <Button variant=ButtonVariant::Ghost on_click=Callback::new(move |_| selected.set(BTreeSet::new()))>"Clear selection"</Button>
            </div>
        </Show>
        <Modal open=confirm title="Delete leads">
            <p class="text-sm text-slate-700">{move || format!("Delete {} leads with their activities and tasks? This cannot be undone.", selected.with(|s| s.len()))}</p>
            <div class="mt-5 flex justify-end gap-2">
                <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| confirm.set(false))>"Cancel"</Button>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| { confirm.set(false); run(BulkLeadAction::Delete); })>"Delete"</Button>
            </div>
        </Modal>
    }
}

//! The bulk bar of the leads table: the shared one, with "Set status".

use super::*;

#[component]
pub(super) fn LeadBulkBar(
    selected: RwSignal<BTreeSet<LeadId>>,
    members: Vec<Member>,
    bulk: ServerAction<BulkUpdateLeads>,
) -> impl IntoView {
    let run = move |action: BulkLeadAction| {
        let ids: Vec<LeadId> = selected.get_untracked().into_iter().collect();
        bulk.dispatch(BulkUpdateLeads { ids, action });
        selected.set(BTreeSet::new());
    };
    view! {
        <BulkBar
            count=Signal::derive(move || selected.with(|s| s.len()))
            members
            what="leads"
            deletes_with=" with their activities and tasks"
            on_assign=Callback::new(move |owner_id| run(BulkLeadAction::AssignOwner { owner_id }))
            on_delete=Callback::new(move |_| run(BulkLeadAction::Delete))
            on_clear=Callback::new(move |_| selected.set(BTreeSet::new()))
        >
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
        </BulkBar>
    }
}

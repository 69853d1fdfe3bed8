//! The leads table's parts: its sortable headers and a row with its selection box.

use super::*;

/// A sortable column of the leads table.
#[component]
pub(super) fn LeadSortHeader(
    query: LeadQuery,
    sort: LeadSort,
    label: &'static str,
) -> impl IntoView {
    let active = query.sort == sort;
    let next_desc = if active {
        !query.descending
    } else {
        matches!(
            sort,
            LeadSort::Score | LeadSort::Created | LeadSort::LastActivity
        )
    };
    let target = href(&LeadQuery {
        sort,
        descending: next_desc,
        ..query.first_page()
    });
    view! { <SortHeader label href=target active descending=query.descending/> }
}

#[component]
pub(super) fn LeadRowView(row: LeadRow, selected: RwSignal<BTreeSet<LeadId>>) -> impl IntoView {
    let id = row.id;
    let label = format!("Select {}", row.full_name);
    view! {
        <tr class="hover:bg-slate-50">
            <td class="px-4 py-2.5">
                <input type="checkbox" aria-label=label
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    }
                />
            </td>
            <td class="px-4 py-2.5 font-medium">
                <a href=format!("/leads/{id}") class="text-indigo-700 hover:underline">{row.full_name.clone()}</a>
                {(!row.title.is_empty()).then(|| view! { <span class="block text-xs font-normal text-slate-600">{row.title.clone()}</span> })}
            </td>
            <td class="px-4 py-2.5">{row.company.clone()}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.email.clone()}</td>
            <td class="px-4 py-2.5"><Badge tone=status_tone(row.status)>{row.status.label()}</Badge></td>
            <td class="px-4 py-2.5 tabular-nums">{row.score}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.owner_name.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td class="px-4 py-2.5 text-slate-700">{row.last_activity_at.map(format::day).unwrap_or_else(|| "—".into())}</td>
            <td class="px-4 py-2.5 text-slate-700">{format::day(row.created_at)}</td>
        </tr>
    }
}

//! What one object syncs and how: enabled or not, and its field mappings.

use super::*;

#[component]
pub(super) fn ObjectEditor(
    id: ConnectionId,
    setup: ObjectSetup,
    connected: bool,
    actions: Actions,
) -> impl IntoView {
    let save = actions.save_object;
    let describe = ServerAction::<DescribeConnectionObject>::new();
    let object = setup.object;
    let list_id = format!("remote-fields-{}", object.as_str());
    let local_options: Vec<(String, String)> =
        std::iter::once((String::new(), "— not mapped —".to_string()))
            .chain(
                setup
                    .local_fields
                    .iter()
                    .map(|f| (f.key.clone(), f.label.clone())),
            )
            .collect();
    let directions = Direction::options();
    let policies = Policy::options();
    // Two empty rows to add mappings.
    let mut rows = setup.mappings.clone();
    let blank = rows.len();
    rows.push(models::connectors::FieldMapping::new(
        "",
        "",
        Direction::Pull,
        Policy::RemoteWins,
    ));
    rows.push(models::connectors::FieldMapping::new(
        "",
        "",
        Direction::Pull,
        Policy::RemoteWins,
    ));
    let summary = format!(
        "{} ↔ {} · {} fields{}{}",
        object.label(),
        setup.remote_object,
        setup.mappings.len(),
        if setup.enabled { "" } else { " · off" },
        if setup.unseen_fields.is_empty() {
            String::new()
        } else {
            format!(" · {} not visible", setup.unseen_fields.len())
        }
    );
    let unseen = (!setup.unseen_fields.is_empty()).then(|| {
        format!(
            "Not in the org or hidden from the connected user by field-level security, so left out of every sync until it can be seen: {}. Grant the user access to these fields in Salesforce, or remove their mappings.",
            setup.unseen_fields.join(", ")
        )
    });
    let retrying = (setup.retrying > 0).then(|| {
        format!(
            "{} {} could not be synced yet; every run tries them again (see the run's errors for why).",
            setup.retrying,
            if setup.retrying == 1 { "record" } else { "records" }
        )
    });
    let remote_list = list_id.clone();
    let describe_id = id.to_string();
    view! {
        <details class="rounded-md ring-1 ring-slate-200" data-testid=format!("object-{}", object.as_str())>
            <summary class="cursor-pointer px-4 py-3 text-sm">{summary}</summary>
            <div class="px-4 pb-4">
                {unseen.map(|text| view! { <p class="mb-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="unseen-fields">{text}</p> })}
                {retrying.map(|text| view! { <p class="mb-3 text-sm text-slate-700" data-testid="retrying">{text}</p> })}
                {connected.then(|| view! {
                    <ActionForm action=describe attr:class="mb-3">
                        <input type="hidden" name="id" value=describe_id.clone()/>
                        <input type="hidden" name="object" value=object.as_str()/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=describe.pending()>{format!("Read {}'s fields from the org", setup.remote_object)}</Button>
                    </ActionForm>
                })}
                <FormAlert message=form_error(describe, &[])/>
                <datalist id=remote_list>
                    {move || describe.value().get().and_then(|r| r.ok()).map(|fields| fields.into_iter().map(|f| {
                        let label = if f.custom { format!("{} (custom, {})", f.label, f.kind) } else { format!("{} ({})", f.label, f.kind) };
                        view! { <option value=f.name>{label}</option> }
                    }).collect_view())}
                </datalist>
                {move || describe.value().get().and_then(|r| r.ok()).map(|fields| view! {
                    <p class="mb-2 text-xs text-slate-600" data-testid="remote-fields">{format!("{} fields read; type in “Remote field” to pick one. Custom: {}.",
                        fields.len(),
                        fields.iter().filter(|f| f.custom).map(|f| f.name.clone()).collect::<Vec<_>>().join(", "))}</p>
                })}
                <ActionForm action=save attr:data-testid=format!("mapping-form-{}", object.as_str())>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="object" value=object.as_str()/>
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="form[enabled]" value="on" checked=setup.enabled/>
                        {format!("Sync {}", object.label().to_lowercase())}
                    </label>
                    <div class="mt-3 overflow-x-auto">
                        <table class="w-full text-left text-sm">
                            <thead class="text-xs uppercase text-slate-600">
                                <tr><th class="py-2 pr-3">"Remote field"</th><th class="py-2 pr-3">"Sales Hunter field"</th><th class="py-2 pr-3">"Direction"</th><th class="py-2 pr-3">"When both changed"</th><th class="py-2">"Value translations (remote=local)"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {rows.into_iter().enumerate().map(|(n, m)| {
                                    let label = if n >= blank { format!("new row {}", n - blank + 1) } else { m.remote.clone() };
                                    view! {
                                        <tr>
                                            <td class="py-2 pr-3">
                                                <input type="text" name=format!("form[remote][{n}]") value=m.remote.clone() list=list_id.clone()
                                                    aria-label=format!("Remote field ({label})")
                                                    class="w-44 rounded-md border-0 px-2 py-1.5 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"/>
                                            </td>
                                            <td class="py-2 pr-3"><Select label=format!("Sales Hunter field for {label}") hide_label=true name=format!("form[local][{n}]") options=local_options.clone() selected=m.local.clone()/></td>
                                            <td class="py-2 pr-3"><Select label=format!("Direction for {label}") hide_label=true name=format!("form[direction][{n}]") options=directions.clone() selected=m.direction.as_str().to_string()/></td>
                                            <td class="py-2 pr-3"><Select label=format!("Conflict policy for {label}") hide_label=true name=format!("form[policy][{n}]") options=policies.clone() selected=m.policy.as_str().to_string()/></td>
                                            <td class="py-2">
                                                <textarea name=format!("form[values][{n}]") rows="1" aria-label=format!("Value translations for {label}")
                                                    class="w-56 rounded-md border-0 px-2 py-1.5 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600">{values_text(&m.values)}</textarea>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="mt-3"><FormAlert message=form_error(save, &[])/></div>
                    <div class="mt-3"><Button kind="submit" busy=save.pending() test_id=format!("save-mapping-{}", object.as_str())>"Save mapping"</Button></div>
                </ActionForm>
            </div>
        </details>
    }
}

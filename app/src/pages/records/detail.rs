//! Panels the account and contact pages share with each other (the timeline, tasks and
//! activity form are the lead page's, reused).

use crate::components::*;
use leptos::prelude::*;
use models::sales::custom_field::CustomField;
use std::collections::BTreeMap;

/// One row of a details list; "—" when empty.
pub fn field_row(label: String, value: String) -> impl IntoView {
    view! {
        <div class="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
            <dt class="text-sm font-medium text-slate-600">{label}</dt>
            <dd class="text-sm text-slate-900 sm:col-span-2">{if value.is_empty() { "—".to_string() } else { value }}</dd>
        </div>
    }
}

/// The record's custom fields as details rows.
/// `values` by key, as `values_as_text` gives them.
pub fn custom_rows(fields: &[CustomField], values: &BTreeMap<String, String>) -> impl IntoView {
    fields
        .iter()
        .map(|f| {
            let v = values.get(&f.key).cloned().unwrap_or_default();
            field_row(f.label.clone(), v)
        })
        .collect_view()
}

/// Deleting the record after a confirm step (a folded form: it works without JavaScript).
/// `children` is the form: an `ActionForm` with the record's id and a [`ConfirmDelete`].
#[component]
pub fn DeletePanel(
    /// "account", "contact".
    what: &'static str,
    /// What the deletion takes with it and what stays.
    note: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="danger-h">
            <h2 id="danger-h" class="text-base font-semibold">"Delete"</h2>
            <p class="mt-1 text-sm text-slate-600">{note}</p>
            <details class="mt-3" data-testid=format!("delete-{what}")>
                <summary class=format!("cursor-pointer rounded text-sm font-semibold text-red-700 {FOCUS_RING}")>{format!("Delete {what}…")}</summary>
                {children()}
            </details>
            <FormAlert message=error/>
        </section>
    }
}

/// The last step of [`DeletePanel`]'s form.
#[component]
pub fn ConfirmDelete(what: &'static str) -> impl IntoView {
    view! {
        <p class="mt-3 text-sm text-slate-700">"This cannot be undone."</p>
        <Button kind="submit" variant=ButtonVariant::Danger class="mt-2">{format!("Yes, delete this {what}")}</Button>
    }
}

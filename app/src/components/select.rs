use super::text_input::field_message;
use super::FOCUS_RING;
use leptos::prelude::*;

/// A labelled drop-down. `options` are `(value, label)` pairs; `selected` is the initial
/// value. Errors show under it like [`TextInput`](super::TextInput)'s. With `hide_label` the
/// label is only for screen readers (compact use inside table rows).
#[component]
pub fn Select(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    options: Vec<(String, String)>,
    #[prop(optional, into)] selected: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] hide_label: bool,
    /// Distinguishes several selects with the same name on one page.
    #[prop(optional, into)]
    id_suffix: Option<String>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let id = match id_suffix {
        Some(s) => format!("field-{name}-{s}"),
        None => format!("field-{name}"),
    };
    let error_id = format!("{id}-error");
    let label_text = label.clone();
    let label_class = if hide_label {
        "sr-only"
    } else {
        "block text-sm font-medium text-slate-700"
    };
    view! {
        <div class="space-y-1.5">
            <label for=id.clone() class=label_class>{label}</label>
            <select
                id=id
                name=name
                disabled=move || disabled.get()
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby={
                    let error_id = error_id.clone();
                    move || error.get().map(|_| error_id.clone())
                }
                class=format!(
                    "block w-full rounded-md border-0 bg-white py-2 pl-3 pr-8 text-slate-900 shadow-sm ring-1 ring-inset \
                     ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:text-sm disabled:opacity-60 {FOCUS_RING}"
                )
            >
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = selected.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {move || error.get().map(|e| view! {
                <p id=error_id.clone() class="text-sm text-red-600" role="alert">{field_message(&label_text, &e)}</p>
            })}
        </div>
    }
}

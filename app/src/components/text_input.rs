use super::FOCUS_RING;
use leptos::prelude::*;

/// Turns a server message such as "is required" into "Email is required"; full sentences
/// are shown as they are.
pub(crate) fn field_message(label: &str, message: &str) -> String {
    if message.chars().next().is_some_and(char::is_lowercase) {
        format!("{label} {message}")
    } else {
        message.to_string()
    }
}

/// A labelled text field (text, email, password, ...) with its error shown right under it.
///
/// `name` is the form field the server function receives; `error` is usually
/// [`field_error`](super::field_error) for that name. The input is marked `aria-invalid` and
/// points at its error, so screen readers announce what is wrong.
#[component]
pub fn TextInput(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(default = None, into)] hint: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autofocus: bool,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] hide_label: bool,
    /// Distinguishes several inputs with the same name on one page.
    #[prop(optional, into)]
    id_suffix: Option<String>,
) -> impl IntoView {
    let id = match id_suffix {
        Some(s) => format!("field-{name}-{s}"),
        None => format!("field-{name}"),
    };
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = {
        let (error_id, hint_id, has_hint) = (error_id.clone(), hint_id.clone(), hint.is_some());
        move || {
            let mut ids = Vec::new();
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let label_text = label.clone();
    view! {
        <div class="space-y-1.5">
            <label
                for=id.clone()
                class=if hide_label { "sr-only" } else { "block text-sm font-medium text-slate-700" }
            >
                {label}
            </label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=autocomplete
                placeholder=placeholder
                required=required
                autofocus=autofocus
                maxlength=maxlength
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                class=move || {
                    let ring = if error.get().is_some() {
                        "ring-red-500 focus:ring-red-600"
                    } else {
                        "ring-slate-300 focus:ring-indigo-600"
                    };
                    format!(
                        "block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset \
                         placeholder:text-slate-400 focus:ring-2 focus:ring-inset sm:text-sm {ring} {FOCUS_RING}"
                    )
                }
            />
            {hint.map(|h| view! { <p id=hint_id class="text-xs text-slate-500">{h}</p> })}
            {move || error.get().map(|e| view! {
                <p id=error_id.clone() class="text-sm text-red-600" role="alert">{field_message(&label_text, &e)}</p>
            })}
        </div>
    }
}

//! Wiring between server actions and form fields.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::AppError;

/// The message for `field` from the action's last error, if it was about that field.
pub fn field_error<S>(action: ServerAction<S>, field: impl Into<String>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let field = field.into();
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(e)) => e.message_for(&field),
            _ => None,
        })
    })
}

/// The action's last error when no field on the form shows it (`fields` lists the fields
/// that do): wrong role, throttling, server trouble.
pub fn form_error<S>(
    action: ServerAction<S>,
    fields: &'static [&'static str],
) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    unshown_error(action, move |f| fields.contains(&f))
}

/// As [`form_error`], for a form with custom fields (`custom.<key>` errors show at theirs).
pub fn record_form_error<S>(
    action: ServerAction<S>,
    fields: &'static [&'static str],
) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    unshown_error(action, move |f| {
        fields.contains(&f) || f.starts_with("custom.")
    })
}

/// The action's last error unless `shown` says a field of the form shows it.
fn unshown_error<S>(
    action: ServerAction<S>,
    shown: impl Fn(&str) -> bool + Send + Sync + 'static,
) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Signal::derive(move || {
        action.value().with(|v| match v {
            Some(Err(e)) if e.field().is_some_and(&shown) => None,
            Some(Err(e)) => Some(e.to_string()),
            _ => None,
        })
    })
}

/// A banner above a form for errors that belong to no single field.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! {
                <div class="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800" role="alert">
                    {m}
                </div>
            }
        })
    }
}

/// Clears the form in `form` after each success of `action`, so that what was just added is
/// not left typed in (a re-render keeps what a person typed in an input).
pub fn reset_after_success<S>(action: ServerAction<S>, form: NodeRef<leptos::html::Form>)
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            if let Some(f) = form.get_untracked() {
                f.reset();
            }
        }
    });
}

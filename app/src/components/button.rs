use super::FOCUS_RING;
use leptos::prelude::*;

/// How prominent a [`Button`] is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ButtonVariant {
    /// The one main action of a form or page.
    #[default]
    Primary,
    /// Secondary actions next to a primary one.
    Secondary,
    /// Destructive actions (remove, revoke).
    Danger,
    /// Low-emphasis actions inside tables and menus.
    Ghost,
}

impl ButtonVariant {
    fn classes(self) -> &'static str {
        match self {
            Self::Primary => "bg-indigo-600 text-white shadow-sm hover:bg-indigo-500",
            Self::Secondary => "bg-white text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50",
            Self::Danger => "bg-red-600 text-white shadow-sm hover:bg-red-500",
            Self::Ghost => "text-slate-700 hover:bg-slate-100",
        }
    }
}

/// A button. `kind` is the HTML type: `"submit"` inside forms (Enter submits), `"button"`
/// otherwise. While `busy` it is disabled and says so to screen readers, so a slow request
/// cannot be sent twice.
#[component]
pub fn Button(
    #[prop(optional)] variant: ButtonVariant,
    #[prop(default = "button")] kind: &'static str,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(optional, into)] busy: Signal<bool>,
    /// Accessible name when the visible content is only an icon.
    #[prop(optional, into)]
    aria_label: Option<String>,
    #[prop(optional)] on_click: Option<Callback<leptos::ev::MouseEvent>>,
    #[prop(optional, into)] class: String,
    #[prop(optional, into)] test_id: Option<String>,
    children: Children,
) -> impl IntoView {
    let classes = format!(
        "inline-flex items-center justify-center gap-2 rounded-md px-3.5 py-2 text-sm font-semibold \
         transition disabled:cursor-not-allowed disabled:opacity-60 {FOCUS_RING} {} {class}",
        variant.classes()
    );
    view! {
        <button
            type=kind
            class=classes
            disabled=move || disabled.get() || busy.get()
            aria-busy=move || busy.get().then_some("true")
            aria-label=aria_label
            data-testid=test_id
            on:click=move |ev| {
                if let Some(cb) = on_click {
                    cb.run(ev);
                }
            }
        >
            {move || busy.get().then(|| view! {
                <span class="size-4 animate-spin rounded-full border-2 border-current border-r-transparent" aria-hidden="true"></span>
            })}
            {children()}
        </button>
    }
}

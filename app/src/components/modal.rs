use super::FOCUS_RING;
use leptos::prelude::*;

/// Where an overlay appears.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModalKind {
    /// Centred dialog, for confirmations and short forms.
    #[default]
    Dialog,
    /// Panel sliding in from the right, for details and longer forms.
    Drawer,
}

/// A modal dialog or drawer. Opens while `open` is true; Esc, the close button or a click on
/// the backdrop close it. It takes focus when it opens and is announced as a dialog with its
/// title.
#[component]
pub fn Modal(
    open: RwSignal<bool>,
    #[prop(into)] title: String,
    #[prop(optional)] kind: ModalKind,
    children: ChildrenFn,
) -> impl IntoView {
    let panel = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        if open.get() {
            if let Some(el) = panel.get() {
                let _ = el.focus();
            }
        }
    });
    let title_id = format!("modal-{}", title.to_lowercase().replace(' ', "-"));
    let (wrapper, panel_class) = match kind {
        ModalKind::Dialog => (
            "fixed inset-0 z-40 flex items-center justify-center p-4",
            "relative w-full max-w-lg rounded-xl bg-white p-6 shadow-xl",
        ),
        ModalKind::Drawer => (
            "fixed inset-0 z-40 flex justify-end",
            "relative h-full w-full max-w-md overflow-y-auto bg-white p-6 shadow-xl",
        ),
    };
    let children = StoredValue::new(children);
    let title = StoredValue::new(title);
    let title_id = StoredValue::new(title_id);
    view! {
        <Show when=move || open.get()>
            <div class=wrapper on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }>
                <div class="fixed inset-0 bg-slate-900/40" aria-hidden="true" on:click=move |_| open.set(false)></div>
                <div
                    node_ref=panel
                    role="dialog"
                    aria-modal="true"
                    aria-labelledby=title_id.get_value()
                    tabindex="-1"
                    class=format!("{panel_class} focus:outline-none")
                >
                    <div class="mb-4 flex items-start justify-between gap-4">
                        <h2 id=title_id.get_value() class="text-lg font-semibold text-slate-900">{title.get_value()}</h2>
                        <button
                            type="button"
                            class=format!("rounded p-1 text-slate-500 hover:bg-slate-100 {FOCUS_RING}")
                            aria-label="Close"
                            on:click=move |_| open.set(false)
                        >
                            "✕"
                        </button>
                    </div>
                    {children.with_value(|c| c())}
                </div>
            </div>
        </Show>
    }
}

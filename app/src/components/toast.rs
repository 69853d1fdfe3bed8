use leptos::prelude::*;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Error,
    Info,
}

#[derive(Clone, Debug)]
struct Toast {
    id: u64,
    kind: ToastKind,
    message: String,
}

/// The page's toast queue; get it with [`use_toasts`].
#[derive(Clone, Copy)]
pub struct Toasts {
    items: RwSignal<Vec<Toast>>,
    next_id: StoredValue<u64>,
}

impl Toasts {
    /// Shows `message` for a few seconds (errors stay until dismissed: they need reading).
    pub fn push(&self, kind: ToastKind, message: impl Into<String>) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        self.items.update(|items| {
            items.push(Toast {
                id,
                kind,
                message: message.into(),
            })
        });
        if kind != ToastKind::Error {
            let items = self.items;
            set_timeout(
                move || items.update(|v| v.retain(|t| t.id != id)),
                Duration::from_secs(5),
            );
        }
    }

    pub fn dismiss(&self, id: u64) {
        self.items.update(|v| v.retain(|t| t.id != id));
    }
}

/// Makes toasts available to every component below; call once at the root.
pub fn provide_toasts() {
    provide_context(Toasts {
        items: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(0),
    });
}

/// The toast queue provided by [`provide_toasts`].
pub fn use_toasts() -> Toasts {
    expect_context::<Toasts>()
}

/// Where toasts appear: bottom right, announced politely to screen readers. Place once.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    view! {
        <div class="pointer-events-none fixed bottom-4 right-4 z-50 flex w-full max-w-sm flex-col gap-2" aria-live="polite" role="status">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                {
                    let colours = match toast.kind {
                        ToastKind::Success => "border-emerald-200 bg-emerald-50 text-emerald-900",
                        ToastKind::Error => "border-red-200 bg-red-50 text-red-900",
                        ToastKind::Info => "border-slate-200 bg-white text-slate-900",
                    };
                    let id = toast.id;
                    view! {
                        <div class=format!("pointer-events-auto flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg {colours}") data-testid="toast">
                            <p class="flex-1">{toast.message}</p>
                            <button type="button" class="text-xs opacity-70 hover:opacity-100" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>"✕"</button>
                        </div>
                    }
                }
            </For>
        </div>
    }
}

/// Shows a toast for each finished run of `action`: `ok` on success, the error otherwise.
pub fn toast_results<S>(action: ServerAction<S>, ok: &'static str)
where
    S: leptos::server_fn::ServerFn<Error = models::AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(result) = action.value().get() {
            match result {
                Ok(_) => toasts.push(ToastKind::Success, ok),
                Err(e) => toasts.push(ToastKind::Error, e.to_string()),
            }
        }
    });
}

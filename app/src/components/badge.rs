use leptos::prelude::*;

/// The colour of a [`Badge`]: tone carries meaning, so use it consistently.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tone {
    #[default]
    Neutral,
    Info,
    Success,
    Warning,
    Danger,
}

/// A short label for a status or category (a role, a stage, "expired").
#[component]
pub fn Badge(#[prop(optional)] tone: Tone, children: Children) -> impl IntoView {
    let colours = match tone {
        Tone::Neutral => "bg-slate-100 text-slate-700 ring-slate-500/20",
        Tone::Info => "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
        Tone::Success => "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
        Tone::Warning => "bg-amber-50 text-amber-800 ring-amber-600/20",
        Tone::Danger => "bg-red-50 text-red-700 ring-red-600/20",
    };
    view! {
        <span class=format!("inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset {colours}")>
            {children()}
        </span>
    }
}

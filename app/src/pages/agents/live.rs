//! A run the page watches as it happens. The form posts to `run_agent`, so without
//! JavaScript the run's own page shows the finished text; with JavaScript the text appears
//! here as the model writes it, then the stored run replaces it.

use crate::api::agents::{stream_agent_run, RunAgent};
use crate::components::*;
use futures_util::StreamExt;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::agents::live::{LiveRunEvent, LiveRunReader};
use models::agents::run::RunStatus;
use models::agents::views::RunResult;

const OUTPUT: &str = "mt-3 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200";

#[derive(Clone, Debug, PartialEq)]
enum Live {
    Idle,
    Writing(String),
    Done(RunResult),
    Refused(String),
}

/// The run's button and, once pressed, its text: `testid` names the text's box.
#[component]
pub(crate) fn LiveRunForm(
    agent: &'static str,
    subject_kind: &'static str,
    #[prop(into)] subject_id: String,
    label: &'static str,
    testid: &'static str,
) -> impl IntoView {
    let state = RwSignal::new(Live::Idle);
    let busy = Signal::derive(move || matches!(state.get(), Live::Writing(_)));
    let id = subject_id.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        state.set(Live::Writing(String::new()));
        let id = id.clone();
        leptos::task::spawn_local(async move {
            let end = watch(agent, subject_kind, id, state).await;
            state.set(end);
        });
    };
    view! {
        <form method="post" action=RunAgent::url() on:submit=on_submit class="mt-4" data-testid=format!("{testid}-form")>
            <input type="hidden" name="agent" value=agent/>
            <input type="hidden" name="subject_kind" value=subject_kind/>
            <input type="hidden" name="subject_id" value=subject_id/>
            <input type="hidden" name="open_run" value="true"/>
            <Button kind="submit" variant=ButtonVariant::Secondary busy=busy>{label}</Button>
        </form>
        {move || match state.get() {
            Live::Idle => None,
            Live::Refused(message) => Some(view! {
                <div class="mt-3"><FormAlert message=Signal::derive(move || Some(message.clone()))/></div>
            }.into_any()),
            Live::Writing(text) => Some(view! {
                <div class=OUTPUT data-testid=testid aria-live="polite" aria-busy="true">
                    <p class="whitespace-pre-line">{text}</p>
                    <p class="mt-2 text-xs text-slate-600">"Writing…"</p>
                </div>
            }.into_any()),
            Live::Done(r) => Some(view! {
                <div class=OUTPUT data-testid=testid aria-live="polite">
                    {if r.status == RunStatus::Succeeded {
                        view! { <p class="whitespace-pre-line">{r.text.clone()}</p> }.into_any()
                    } else {
                        view! { <p class="text-red-700">{format!("The run failed: {}", r.error)}</p> }.into_any()
                    }}
                    <a class="mt-2 inline-block text-xs underline" href=format!("/agents/runs/{}", r.id)>"See the run"</a>
                </div>
            }.into_any()),
        }}
    }
}

/// Reads the run's events into `state` until the run is stored; how it ended.
async fn watch(
    agent: &'static str,
    subject_kind: &'static str,
    subject_id: String,
    state: RwSignal<Live>,
) -> Live {
    let stream = match stream_agent_run(agent.into(), subject_kind.into(), subject_id).await {
        Ok(stream) => stream,
        Err(e) => return Live::Refused(e.to_string()),
    };
    let mut stream = stream.into_inner();
    let mut reader = LiveRunReader::default();
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => return Live::Refused(e.to_string()),
        };
        for event in reader.feed(&chunk) {
            match event {
                LiveRunEvent::Text { text } => state.update(|s| {
                    if let Live::Writing(so_far) = s {
                        so_far.push_str(&text);
                    }
                }),
                LiveRunEvent::Restart => state.set(Live::Writing(String::new())),
                LiveRunEvent::Done { result } => return Live::Done(result),
                LiveRunEvent::Refused { error } => return Live::Refused(error.to_string()),
            }
        }
    }
    Live::Refused(
        "The connection closed before the run ended. The run goes on: see the run history.".into(),
    )
}

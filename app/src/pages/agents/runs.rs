//! The run ledger: every run with filters (a plain GET form), and one run whole — what it
//! saw, the prompt, the answer, tokens, cost and time — with replay under the same or
//! another version, the two outputs side by side.

use super::SECTION;
use crate::api::agents::{get_agent_run, get_prospector, list_agent_runs, ReplayAgentRun};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use models::agents::run::{format_micros, RunDetail, RunStatus, RunSummary};
use models::agents::AgentKind;
use models::AgentRunId;

fn status_tone(s: RunStatus) -> Tone {
    match s {
        RunStatus::Succeeded => Tone::Success,
        RunStatus::Failed => Tone::Danger,
        RunStatus::Refused => Tone::Warning,
    }
}

#[component]
pub fn RunTable(runs: Vec<RunSummary>) -> impl IntoView {
    if runs.is_empty() {
        return view! { <p class="mt-3 text-sm text-slate-600">"No runs yet. Open a lead and ask for a research brief."</p> }.into_any();
    }
    view! {
        <table class="mt-3 w-full text-left text-sm" data-testid="runs-table">
            <thead class="text-xs uppercase text-slate-600">
                <tr>
                    <th class="py-2">"When"</th><th>"Agent"</th><th>"About"</th><th>"Status"</th>
                    <th>"Model"</th><th class="text-right">"Tokens"</th><th class="text-right">"Cost"</th><th class="text-right">"Time"</th>
                </tr>
            </thead>
            <tbody class="divide-y divide-slate-100">
                {runs.into_iter().map(|r| view! {
                    <tr>
                        <td class="py-2"><a class="underline" href=format!("/agents/runs/{}", r.id)>{format::when(r.created_at)}</a></td>
                        <td>{r.agent.label()}{format!(" v{}", r.config_version)}</td>
                        <td>{if r.subject_name.is_empty() { r.subject.kind.label().to_string() } else { r.subject_name.clone() }}</td>
                        <td><Badge tone=status_tone(r.status)>{r.status.label()}</Badge></td>
                        <td>{if r.model.is_empty() { r.provider.clone() } else { r.model.clone() }}</td>
                        <td class="text-right tabular-nums">{format!("{} / {}", r.tokens_in, r.tokens_out)}</td>
                        <td class="text-right tabular-nums">{format_micros(r.cost_micros)}</td>
                        <td class="text-right tabular-nums">{format!("{} ms", r.latency_ms)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}

#[component]
pub fn RunsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = move || {
        query.with(|q| {
            (
                q.get("agent").unwrap_or_default(),
                q.get("status").unwrap_or_default(),
            )
        })
    };
    let data = Resource::new(filter, |(agent, status)| {
        list_agent_runs(agent, status, String::new())
    });
    let agents: Vec<(String, String)> = std::iter::once((String::new(), "Every agent".to_string()))
        .chain(AgentKind::options())
        .collect();
    let statuses: Vec<(String, String)> =
        std::iter::once((String::new(), "Any status".to_string()))
            .chain(RunStatus::options())
            .collect();
    view! {
        <Title text="Agent runs"/>
        <PageHeader title="Agent runs" description="Every run, with what it saw, said, cost and took."/>
        <form method="get" class="flex flex-wrap items-end gap-3" data-testid="run-filters">
            <Select label="Agent" name="agent" options=agents selected=filter().0/>
            <Select label="Status" name="status" options=statuses selected=filter().1/>
            <Button kind="submit" variant=ButtonVariant::Secondary>"Apply"</Button>
        </form>
        <section class=format!("mt-4 {SECTION}")>
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading runs…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(runs) => view! { <RunTable runs/> }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Block(title: &'static str, text: String, test_id: &'static str) -> impl IntoView {
    view! {
        <div>
            <h3 class="text-xs font-semibold uppercase tracking-wide text-slate-600">{title}</h3>
            <pre class="mt-1 max-h-96 overflow-auto whitespace-pre-wrap rounded-md bg-slate-50 p-3 text-xs ring-1 ring-slate-200" data-testid=test_id>{text}</pre>
        </div>
    }
}

#[component]
fn RunBody(run: RunDetail) -> impl IntoView {
    let s = run.summary.clone();
    let answer = if run.output.is_empty() {
        run.error.clone()
    } else {
        run.output.clone()
    };
    view! {
        <dl class="grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4" data-testid="run-facts">
            <dt class="text-slate-600">"Status"</dt><dd><Badge tone=status_tone(s.status)>{s.status.label()}</Badge></dd>
            <dt class="text-slate-600">"Version"</dt><dd>{s.config_version}</dd>
            <dt class="text-slate-600">"Provider"</dt><dd>{s.provider.clone()}</dd>
            <dt class="text-slate-600">"Model"</dt><dd>{s.model.clone()}</dd>
            <dt class="text-slate-600">"Tokens in / out"</dt><dd class="tabular-nums">{format!("{} / {}", s.tokens_in, s.tokens_out)}</dd>
            <dt class="text-slate-600">"Cost"</dt><dd class="tabular-nums">{format_micros(s.cost_micros)}</dd>
            <dt class="text-slate-600">"Time"</dt><dd class="tabular-nums">{format!("{} ms", s.latency_ms)}</dd>
            <dt class="text-slate-600">"Trigger"</dt><dd>{s.trigger.label()}</dd>
        </dl>
        {(!run.error.is_empty()).then(|| view! { <p class="mt-3 text-sm text-red-700" data-testid="run-error">{run.error.clone()}</p> })}
        <div class="mt-4 space-y-4">
            <Block title="Output" text=answer test_id="run-output"/>
            <details>
                <summary class="cursor-pointer text-sm font-semibold">"Inputs, prompt and raw answer"</summary>
                <div class="mt-3 space-y-4">
                    <Block title="Inputs" text=run.inputs.clone() test_id="run-inputs"/>
                    <Block title="Prompt" text=run.prompt.clone() test_id="run-prompt"/>
                    <Block title="Raw answer" text=run.raw_answer.clone() test_id="run-raw"/>
                </div>
            </details>
        </div>
    }
}

#[component]
pub fn RunPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let compare = move || query.with(|q| q.get("compare").unwrap_or_default());
    let replay = ServerAction::<ReplayAgentRun>::new();
    let load = |id: String| async move {
        match id.parse::<uuid::Uuid>() {
            Ok(u) => get_agent_run(AgentRunId(u)).await.map(Some),
            Err(_) => Ok(None),
        }
    };
    let run = Resource::new(id, load);
    let other = Resource::new(compare, load);
    let versions = Resource::new(|| (), |_| get_prospector());
    view! {
        <Title text="Agent run"/>
        <PageHeader title="Agent run" description="What the run saw, asked and answered."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the run…"</p> }>
            {move || Suspend::new(async move {
                let (run, other, versions) = (run.await, other.await, versions.await);
                let run = match run {
                    Ok(Some(r)) => r,
                    Ok(None) => return view! { <p class="text-sm">"There is no such run."</p> }.into_any(),
                    Err(e) => return view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                };
                let other = other.ok().flatten();
                let layout = if other.is_some() { "grid gap-6 lg:grid-cols-2" } else { "" };
                let run_id = run.summary.id;
                let options: Vec<(String, String)> = versions
                    .map(|p| p.history.iter().map(|v| (v.version.to_string(), format!("Version {}{}", v.version, if v.note.is_empty() { String::new() } else { format!(" — {}", v.note) }))).collect())
                    .unwrap_or_default();
                let used = run.summary.config_version.to_string();
                view! {
                    <div class=layout>
                        {other.map(|o| view! {
                            <section class=SECTION data-testid="compared-run">
                                <h2 class="mb-3 text-base font-semibold">{format!("The run replayed (version {})", o.summary.config_version)}</h2>
                                <RunBody run=o/>
                            </section>
                        })}
                        <section class=SECTION data-testid="this-run">
                            <h2 class="mb-3 text-base font-semibold">{format!("{} on {}", run.summary.agent.label(), run.summary.subject_name)}</h2>
                            <RunBody run/>
                        </section>
                    </div>
                    <section class=format!("mt-6 {SECTION}") aria-labelledby="replay-h">
                        <h2 id="replay-h" class="text-base font-semibold">"Replay"</h2>
                        <p class="mt-1 text-sm text-slate-600">"Runs the same subject again, as it is now, with the version you choose; the two outputs are shown side by side."</p>
                        <ActionForm action=replay attr:class="mt-3 flex max-w-md items-end gap-3">
                            <input type="hidden" name="id" value=run_id.to_string()/>
                            {(!options.is_empty()).then(|| view! { <Select label="Configuration" name="version" options=options.clone() selected=used.clone()/> })}
                            <Button kind="submit" busy=replay.pending()>"Replay"</Button>
                        </ActionForm>
                        <FormAlert message=form_error(replay, &["version"])/>
                    </section>
                }.into_any()
            })}
        </Transition>
    }
}

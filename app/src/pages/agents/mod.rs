//! Agents: a card per agent, the monthly budget, the latest runs; the Prospector's
//! settings (`prospector`); the run history and a run's detail with replay (`runs`).

pub mod analyst;
pub(crate) mod automation;
pub(crate) mod live;
pub(crate) mod model_fields;
pub mod prospector;
pub mod qualifier;
pub mod runs;

use crate::api::agents::{get_agents, RollbackAgentConfig, SetAgentBudget};
use crate::components::*;
use crate::format;
use automation::{AutomationActions, CardAutomation};
use leptos::prelude::*;
use leptos_meta::Title;
use models::agents::run::format_micros;
use models::agents::settings::ConfigVersion;
use models::agents::views::{AgentCard, AgentsOverview};

pub(crate) const SECTION: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

#[component]
pub fn AgentsPage() -> impl IntoView {
    let budget = ServerAction::<SetAgentBudget>::new();
    toast_results(budget, "Budget saved.");
    let auto = AutomationActions::new();
    // Bumped every few seconds while a bulk run goes on, so its progress moves.
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || (budget.version().get(), auto.version(), tick.get()),
        |_| get_agents(),
    );
    view! {
        <Title text="Agents"/>
        <PageHeader title="Agents" description="Scores and briefs you can check point by point, with a record of every run."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading agents…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(o) => view! { <Overview o budget auto tick/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Overview(
    o: AgentsOverview,
    budget: ServerAction<SetAgentBudget>,
    auto: AutomationActions,
    tick: RwSignal<u32>,
) -> impl IntoView {
    if o.cards
        .iter()
        .any(|c| c.bulk.as_ref().is_some_and(|b| b.running()))
    {
        Effect::new(move |_| {
            set_timeout(
                move || tick.update(|n| *n += 1),
                std::time::Duration::from_secs(2),
            );
        });
    }
    let can_configure = o.can_configure;
    let limit = o.monthly_limit_micros;
    let spent = format!(
        "{} spent this month{}",
        format_micros(o.spent_micros),
        limit
            .map(|l| format!(" of {}", format_micros(l)))
            .unwrap_or_else(|| " (no limit)".into())
    );
    let current = limit
        .map(|l| format!("{}.{:06}", l / 1_000_000, l % 1_000_000))
        .unwrap_or_default();
    view! {
        <div class="grid gap-4 md:grid-cols-3" data-testid="agent-cards">
            {o.cards.into_iter().map(|c| view! { <Card c can_configure auto/> }).collect_view()}
        </div>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="budget-h">
            <h2 id="budget-h" class="text-base font-semibold">"Monthly budget for model calls"</h2>
            <p class="mt-1 text-sm text-slate-700" data-testid="agent-spend">{spent}</p>
            <p class="mt-1 text-xs text-slate-600">"A run that could go over it is refused before it calls a model. The built-in provider and local models cost nothing."</p>
            {o.can_set_budget.then(|| view! {
                <ActionForm action=budget attr:class="mt-3 flex max-w-md items-end gap-3">
                    <TextInput label="Budget in dollars (empty: no limit)" name="monthly_budget" value=current error=field_error(budget, "monthly_budget")/>
                    <Button kind="submit" busy=budget.pending()>"Save"</Button>
                </ActionForm>
            })}
        </section>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="recent-h">
            <div class="flex items-center justify-between">
                <h2 id="recent-h" class="text-base font-semibold">"Latest runs"</h2>
                <a class="text-sm underline" href="/agents/runs">"All runs"</a>
            </div>
            <runs::RunTable runs=o.recent_runs/>
        </section>
    }
}

#[component]
fn Card(c: AgentCard, can_configure: bool, auto: AutomationActions) -> impl IntoView {
    let href = match c.kind {
        models::agents::AgentKind::Prospector => Some("/agents/prospector"),
        models::agents::AgentKind::PipelineAnalyst => Some("/agents/pipeline-analyst"),
        models::agents::AgentKind::Qualifier => Some("/agents/qualifier"),
    };
    let provider = if c.provider == "builtin" {
        "Built-in (offline)".to_string()
    } else {
        format!("{} · {}", c.provider, c.model)
    };
    view! {
        <article class=SECTION data-testid=format!("agent-card-{}", c.kind.as_str())>
            <div class="flex items-center justify-between gap-2">
                <h2 class="text-base font-semibold">{c.kind.label()}</h2>
                {if !c.available {
                    view! { <Badge tone=Tone::Neutral>"Coming next"</Badge> }.into_any()
                } else if c.enabled {
                    view! { <Badge tone=Tone::Success>"On"</Badge> }.into_any()
                } else {
                    view! { <Badge tone=Tone::Warning>"Off"</Badge> }.into_any()
                }}
            </div>
            <p class="mt-2 text-sm text-slate-700">{c.kind.purpose()}</p>
            {c.available.then(|| view! {
                <dl class="mt-3 grid grid-cols-2 gap-1 text-xs text-slate-600">
                    <dt>"Model"</dt><dd>{provider.clone()}</dd>
                    <dt>"Temperature"</dt><dd>{format!("{:.1}", c.temperature)}</dd>
                    <dt>"Version"</dt><dd>{c.version}</dd>
                </dl>
            })}
            {href.map(|h| view! { <a class="mt-3 inline-block text-sm font-semibold underline" href=h>{if c.kind == models::agents::AgentKind::Prospector { "Settings and profile" } else { "Report and settings" }}</a> })}
            {c.available.then(|| view! { <CardAutomation c=c.clone() can_configure a=auto/> })}
        </article>
    }
}

/// An agent's versions, newest first: who saved each and why, what changed, its settings,
/// and a rollback (a new version with that one's settings).
#[component]
pub(crate) fn Versions(
    agent: &'static str,
    history: Vec<ConfigVersion>,
    current: i32,
    can_configure: bool,
    rollback: ServerAction<RollbackAgentConfig>,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {SECTION}") aria-labelledby=format!("{agent}-history-h")>
            <h2 id=format!("{agent}-history-h") class="text-base font-semibold">"Versions"</h2>
            <ol class="mt-3 space-y-3" data-testid=testid>
                {history.into_iter().map(|v| view! {
                    <li class="rounded-md p-3 ring-1 ring-slate-200">
                        <div class="flex flex-wrap items-center justify-between gap-2 text-sm">
                            <span class="font-semibold">{format!("Version {}", v.version)}</span>
                            <span class="text-slate-600">{format!("{} · {}{}", v.created_by, format::when(v.created_at), if v.note.is_empty() { String::new() } else { format!(" · {}", v.note) })}</span>
                            {(can_configure && v.version != current).then(|| view! {
                                <ActionForm action=rollback>
                                    <input type="hidden" name="agent" value=agent/>
                                    <input type="hidden" name="version" value=v.version.to_string()/>
                                    <Button kind="submit" variant=ButtonVariant::Secondary>{format!("Roll back to version {}", v.version)}</Button>
                                </ActionForm>
                            })}
                        </div>
                        {(!v.changes.is_empty()).then(|| view! {
                            <ul class="mt-2 space-y-0.5 font-mono text-xs text-slate-700" data-testid="version-changes">
                                {v.changes.iter().map(|c| view! { <li>{c.clone()}</li> }).collect_view()}
                            </ul>
                        })}
                        <details class="mt-2">
                            <summary class="cursor-pointer text-xs text-slate-600">"Settings of this version"</summary>
                            <pre class="mt-2 max-h-72 overflow-auto rounded bg-slate-50 p-2 text-xs">{v.config}</pre>
                        </details>
                    </li>
                }).collect_view()}
            </ol>
            <FormAlert message=form_error(rollback, &[])/>
        </section>
    }
}

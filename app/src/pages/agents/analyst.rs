//! The Pipeline Analyst: stage conversion and durations, velocity, the quarter's forecast
//! three ways with each method's record over past quarters, deals at risk with every
//! reason, the thresholds (a new version on save), and a summary run on demand.

use super::live::LiveRunForm;
use super::SECTION;
use crate::api::agents::{get_pipeline_analyst, RollbackAgentConfig, SavePipelineAnalyst};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::agents::views::{AnalystForm, AnalystPage};
use models::sales::format_money;

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SavePipelineAnalyst>,
    rollback: ServerAction<RollbackAgentConfig>,
}

#[component]
pub fn AnalystSettingsPage() -> impl IntoView {
    let a = Actions {
        save: ServerAction::new(),
        rollback: ServerAction::new(),
    };
    toast_results(a.save, "Saved as a new version.");
    toast_results(a.rollback, "Rolled back.");
    let data = Resource::new(
        move || (a.save.version().get(), a.rollback.version().get()),
        |_| get_pipeline_analyst(),
    );
    view! {
        <Title text="Pipeline Analyst"/>
        <PageHeader title="Pipeline Analyst" description="Conversion, velocity, three forecasts with their track record, and the deals at risk."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Analysing the pipeline…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Report p a/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Report(p: AnalystPage, a: Actions) -> impl IntoView {
    let r = p.report.clone();
    let cur = r.currency.clone();
    let money = move |m: i64| format_money(m, &cur, true);
    let v = r.velocity.clone();
    let f = AnalystForm::from_config(&p.config);
    let err = move |name: &'static str| field_error(a.save, name);
    let (can_configure, version) = (p.can_configure, p.version);
    view! {
        <section class=SECTION aria-labelledby="forecast-h" data-testid="forecasts">
            <h2 id="forecast-h" class="text-base font-semibold">{format!("Forecast for {}", r.quarter)}</h2>
            <div class="mt-3 grid gap-4 md:grid-cols-3">
                {r.forecasts.iter().map(|fc| {
                    let money = money.clone();
                    view! {
                        <article class="rounded-md p-4 ring-1 ring-slate-200" data-testid=format!("forecast-{}", fc.method)>
                            <h3 class="text-sm font-semibold">{fc.label.clone()}</h3>
                            <p class="mt-1 text-2xl font-semibold tabular-nums">{money(fc.amount_minor)}</p>
                            <p class="mt-1 text-xs text-slate-600">{fc.definition.clone()}</p>
                            <p class="mt-2 text-xs" data-testid="backtest-error">{match fc.error_percent {
                                Some(e) => format!("Off by {e:.0}% on average over the last {} quarters.", fc.backtest.len()),
                                None => "No past quarter to check it against yet.".to_string(),
                            }}</p>
                            <details class="mt-1 text-xs">
                                <summary class="cursor-pointer text-slate-600">"Quarter by quarter"</summary>
                                <table class="mt-1 w-full">
                                    <thead><tr><th class="text-left">"Quarter"</th><th class="text-right">"Forecast"</th><th class="text-right">"Won"</th></tr></thead>
                                    <tbody>{fc.backtest.iter().map(|(q, fv, won)| view! {
                                        <tr><td>{q.clone()}</td><td class="text-right tabular-nums">{money(*fv)}</td><td class="text-right tabular-nums">{money(*won)}</td></tr>
                                    }).collect_view()}</tbody>
                                </table>
                            </details>
                        </article>
                    }
                }).collect_view()}
            </div>
            <p class="mt-3 text-sm text-slate-700" data-testid="roll-up">{format!(
                "Commit {}, best case {}, whole pipeline closing this quarter {}.",
                money(r.roll_up.0), money(r.roll_up.1), money(r.roll_up.2)
            )}</p>
        </section>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="stages-h">
            <h2 id="stages-h" class="text-base font-semibold">"Stages"</h2>
            <p class="mt-1 text-sm text-slate-700" data-testid="velocity">{format!(
                "Velocity {} a day: {} open deals × {} average won × {:.0}% win rate ÷ {:.0}-day cycle.",
                money(v.per_day_minor), v.open_deals, money(v.average_won_minor), v.win_rate_percent, v.cycle_days
            )}</p>
            <table class="mt-3 w-full text-left text-sm" data-testid="stage-stats">
                <thead class="text-xs uppercase text-slate-600"><tr>
                    <th class="py-2">"Stage"</th><th class="text-right">"Closed since"</th><th class="text-right">"Won"</th>
                    <th class="text-right">"Conversion"</th><th class="text-right">"Median days"</th><th class="text-right">"75th pct. days"</th>
                </tr></thead>
                <tbody class="divide-y divide-slate-100">{r.stages.iter().map(|s| view! {
                    <tr>
                        <td class="py-2">{s.stage.clone()}</td>
                        <td class="text-right tabular-nums">{s.closed_after}</td>
                        <td class="text-right tabular-nums">{s.won_after}</td>
                        <td class="text-right tabular-nums">{s.conversion_percent.map(|c| format!("{c:.0}%")).unwrap_or_else(|| "—".into())}</td>
                        <td class="text-right tabular-nums">{s.median_days.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into())}</td>
                        <td class="text-right tabular-nums">{s.p75_days.map(|d| format!("{d:.0}")).unwrap_or_else(|| "—".into())}</td>
                    </tr>
                }).collect_view()}</tbody>
            </table>
        </section>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="risks-h">
            <h2 id="risks-h" class="text-base font-semibold">{format!("Deals at risk ({})", r.risks.len())}</h2>
            <ul class="mt-3 space-y-2 text-sm" data-testid="deal-risks">
                {r.risks.iter().take(100).map(|d| view! {
                    <li>
                        <a class="font-semibold underline" href=format!("/opportunities/{}", d.id)>{d.name.clone()}</a>
                        <span class="text-slate-600">{format!(" · {}", money(d.amount_minor))}</span>
                        <ul class="ml-4 list-disc text-slate-700">{d.reasons.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
                {r.risks.is_empty().then(|| view! { <li class="text-slate-600">"No open deal needs attention."</li> })}
            </ul>
        </section>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="summary-h">
            <h2 id="summary-h" class="text-base font-semibold">"Summary"</h2>
            <LiveRunForm agent="pipeline_analyst" subject_kind="tenant" subject_id="" label="Write the summary" testid="analyst-summary"/>
        </section>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="thresholds-h">
            <h2 id="thresholds-h" class="text-base font-semibold">{format!("Thresholds (version {})", p.version)}</h2>
            {if p.can_configure {
                view! {
                    <ActionForm action=a.save attr:class="mt-3 grid gap-4 sm:grid-cols-3" attr:data-testid="analyst-form">
                        <TextInput label="Quiet for (days)" name="form[quiet_days]" value=f.quiet_days.clone() error=err("quiet_days")/>
                        <TextInput label="Close date pushed (times)" name="form[pushes]" value=f.pushes.clone() error=err("pushes")/>
                        <TextInput label="Stalled past percentile" name="form[stall_percentile]" value=f.stall_percentile.clone() error=err("stall_percentile")/>
                        <TextInput label="Amount cut (%)" name="form[amount_cut_percent]" value=f.amount_cut_percent.clone() error=err("amount_cut_percent")/>
                        <TextInput label="Backtest quarters" name="form[backtest_quarters]" value=f.backtest_quarters.clone() error=err("backtest_quarters")/>
                        <label class="flex items-center gap-2 text-sm">
                            <input type="checkbox" name="form[single_threaded]" value="on" checked=f.single_threaded.is_some()/>
                            "Flag single-threaded deals"
                        </label>
                        <TextInput label="What changed (optional)" name="form[note]" error=err("note")/>
                        <div class="flex items-end"><Button kind="submit" busy=a.save.pending()>"Save as a new version"</Button></div>
                        <div class="sm:col-span-3"><FormAlert message=form_error(a.save, &["quiet_days", "pushes", "stall_percentile", "amount_cut_percent", "backtest_quarters", "note"])/></div>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="mt-2 text-sm text-slate-600">"Admins and owners change the thresholds."</p> }.into_any()
            }}
        </section>
        <super::Versions agent="pipeline_analyst" history=p.history.clone() current=version can_configure rollback=a.rollback testid="analyst-versions"/>
    }
}

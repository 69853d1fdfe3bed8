//! The sales dashboard: ten KPIs for a period and an owner scope, each with its change
//! against the previous period and a one-line definition; three server-drawn charts; and
//! "My day", the signed-in user's overdue and due-today tasks.

use crate::api::activities::CompleteTask;
use crate::api::dashboard::get_dashboard;
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use models::sales::dashboard::{Dashboard, Period};
use models::session::SessionUser;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = expect_context::<SessionUser>();
    let query = use_query_map();
    let done = ServerAction::<CompleteTask>::new();
    // One resource, awaited inside `Suspend` (not read with `.get()`): Leptos 0.8 SSR can
    // deadlock when a Suspense tracks resources reactively (leptos-rs/leptos#4673).
    let data = Resource::new(
        move || {
            query.with(|q| {
                (
                    q.get("period").unwrap_or_default(),
                    q.get("scope").unwrap_or_default(),
                    done.version().get(),
                )
            })
        },
        |(period, scope, _)| get_dashboard(period, scope),
    );
    // Managers and up: the agents' return, apart, so the KPIs never wait for it.
    let roi = user
        .role
        .at_least(models::Role::Manager)
        .then(|| Resource::new(|| (), |_| crate::api::dashboard::get_roi()));
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    view! {
        <Title text="Dashboard"/>
        <PageHeader title=format!("Welcome, {first_name}") description=format!("{} · signed in as {}", user.tenant_name, user.role.label())/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading figures…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DashboardView d done/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
        {roi.map(|roi| view! {
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    roi.await.ok().map(|roi| view! { <crate::pages::roi::RoiPanel roi/> })
                })}
            </Suspense>
        })}
    }
}

#[component]
fn DashboardView(d: Dashboard, done: ServerAction<CompleteTask>) -> impl IntoView {
    let periods: Vec<(String, String)> = Period::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), p.label().to_string()))
        .collect();
    let scopes = vec![
        ("team".to_string(), "Whole team".to_string()),
        ("mine".into(), "Only mine".into()),
    ];
    let currency = d.currency.clone();
    let stage_bars: Vec<(String, i64)> = d
        .pipeline_by_stage
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    let funnel: Vec<(String, i64)> = d
        .funnel
        .iter()
        .map(|b| (b.label.clone(), b.value))
        .collect();
    let trend: Vec<(String, i64, i64)> = d
        .won_lost
        .iter()
        .map(|p| (p.label.clone(), p.won, p.lost))
        .collect();
    let today = chrono::Utc::now().date_naive();
    view! {
        <Form method="GET" action="/" attr:class="mb-6 flex flex-wrap items-end gap-3" attr:aria-label="Dashboard period">
            <div class="w-44"><Select label="Period" name="period" options=periods selected=d.period.as_str().to_string()/></div>
            <div class="w-44"><Select label="Scope" name="scope" options=scopes selected=d.scope.clone()/></div>
            <Button kind="submit" variant=ButtonVariant::Secondary>"Show"</Button>
            <p class="text-sm text-slate-700">{format!("{} – {}, against the {} days before.", format::date(d.from), format::date(d.to), d.period.days())}</p>
        </Form>
        // Five to a row only where five fit (2xl); money is compact with the exact value on
        // hover (`end2end/tests/ui.spec.ts` checks no value overflows its card, 360–1920 px).
        <dl class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3 2xl:grid-cols-5" data-testid="kpis">
            {d.kpis.iter().map(|k| {
                let value = k.format_compact(k.value, &currency);
                let exact = Some(k.format(k.value, &currency)).filter(|e| *e != value);
                view! {
                    <KpiCard label=k.label.clone() value=value exact=exact hint=k.definition.clone() change=k.change() test_id=format!("kpi-{}", k.key)/>
                }
            }).collect_view()}
        </dl>
        <div class="mt-6 grid gap-4 lg:grid-cols-3">
            <BarChart title="Open pipeline by stage" bars=stage_bars format=chart_money test_id="pipeline-chart"/>
            <WonLostChart title="Won and lost by month" points=trend/>
            <BarChart title="Lead funnel" bars=funnel format=chart_count test_id="funnel-chart"/>
        </div>
        <section class="mt-6 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="my-day" data-testid="my-day">
            <h2 id="my-day" class="text-base font-semibold">"My day"</h2>
            <ul class="mt-3 divide-y divide-slate-100">
                {d.my_day.clone().into_iter().map(|t| {
                    let overdue = t.due_on < today;
                    let href = t.subject.map(|s| match s.kind() {
                        "lead" => format!("/leads/{}", s.id()),
                        "opportunity" => format!("/opportunities/{}", s.id()),
                        _ => String::new(),
                    }).filter(|h| !h.is_empty());
                    view! {
                        <li class="flex items-center justify-between gap-3 py-2 text-sm">
                            <span>
                                <span class="font-medium">{t.title.clone()}</span>
                                {t.subject_label.clone().map(|l| match href.clone() {
                                    Some(h) => view! { <a href=h class="ml-2 text-indigo-700 underline">{l}</a> }.into_any(),
                                    None => view! { <span class="ml-2 text-slate-700">{l}</span> }.into_any(),
                                })}
                                <span class=if overdue { "block text-xs text-red-700" } else { "block text-xs text-slate-600" }>
                                    {if overdue { format!("Overdue since {}", format::date(t.due_on)) } else { "Due today".to_string() }}
                                </span>
                            </span>
                            <ActionForm action=done>
                                <input type="hidden" name="id" value=t.id.to_string()/>
                                <button type="submit" class=format!("rounded-md px-2 py-1 text-xs font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50 {FOCUS_RING}") aria-label=format!("Mark {} done", t.title)>"Done"</button>
                            </ActionForm>
                        </li>
                    }
                }).collect_view()}
                {d.my_day.is_empty().then(|| view! { <li class="py-2 text-sm text-slate-700">"Nothing overdue or due today."</li> })}
            </ul>
        </section>
    }
}

fn chart_money(v: i64) -> String {
    // Charts round to whole units; the tenant's currency symbol is on the KPI cards.
    format::count((v + 50) / 100)
}

fn chart_count(v: i64) -> String {
    format::count(v)
}

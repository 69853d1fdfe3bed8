//! The console's overview: organisations and people, revenue (MRR, ARR, net revenue churn,
//! MRR by month, payments overdue), usage (per meter and day, the top consumers, those near
//! their caps) and the queue's failures. Every figure says how it is counted.

use super::failed;
use crate::api::admin::{get_admin_dashboard, list_minutes_saved, SetMinutesSaved};
use crate::components::*;
use leptos::prelude::*;
use models::admin::{
    AdminDashboard, Amount, MeterUse, PlatformFigures, RevenueFigures, UsageFigures, OVERDUE_DAYS,
    PATH, TENANTS,
};
use models::sales::{format_money, group_thousands};

pub(super) fn count(n: i64) -> String {
    group_thousands(n.unsigned_abs())
}

fn percent_bp(bp: i64) -> String {
    format!("{:.1} %", bp as f64 / 100.0)
}

pub(super) fn days(points: &[(chrono::NaiveDate, i64)]) -> Vec<(String, i64)> {
    points
        .iter()
        .map(|(d, n)| (d.format("%b %-d").to_string(), *n))
        .collect()
}

#[component]
pub(super) fn DashboardSection() -> impl IntoView {
    // Both resources made here, neither inside the other's Suspense: a resource created
    // while another resolves can hydrate out of order.
    let data = Resource::new(|| (), |_| get_admin_dashboard());
    let set = ServerAction::<SetMinutesSaved>::new();
    toast_results(set, "Saved: every organisation's hours saved use it now.");
    let minutes = Resource::new(move || set.version().get(), |_| list_minutes_saved());
    view! {
        <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading the figures…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => failed(e),
                    Ok(AdminDashboard { platform, revenue, usage }) => view! {
                        <People p=platform/>
                        <Revenue r=revenue/>
                        <Usage u=usage/>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
        <MinutesSaved set list=minutes/>
    }
}

#[component]
fn People(p: PlatformFigures) -> impl IntoView {
    let error_rate = if p.jobs_finished_7d > 0 {
        percent_bp(p.jobs_dead_7d * 10_000 / p.jobs_finished_7d)
    } else {
        "—".to_string()
    };
    view! {
        <section aria-labelledby="people-h" data-testid="admin-people">
            <h2 id="people-h" class="text-lg font-semibold">"Organisations and people"</h2>
            <dl class="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                <KpiCard label="Organisations" value=count(p.tenants) hint=format!("{} suspended", count(p.suspended))/>
                <KpiCard label="Active people, 7 days" value=count(p.active_7d) hint=format!("{} in 30 days; {} accounts in all", count(p.active_30d), count(p.users))/>
                <KpiCard label="Job error rate, 7 days" value=error_rate hint=format!("{} of {} finished jobs failed for good", count(p.jobs_dead_7d), count(p.jobs_finished_7d))/>
            </dl>
            <p class="mt-2 text-xs text-slate-600">"Active: did anything the audit trail records (a sign-in, an edit, a run) in the period."</p>
            <div class="mt-4">
                <TrendChart title="Sign-ins per day" points=days(&p.sign_ins) format=count test_id="trend-sign-ins"/>
            </div>
        </section>
    }
}

fn amounts(list: &[Amount], times: i64) -> String {
    if list.is_empty() {
        return format_money(0, "USD", true);
    }
    list.iter()
        .map(|a| format_money(a.minor * times, &a.currency, true))
        .collect::<Vec<_>>()
        .join(" + ")
}

#[component]
fn Revenue(r: RevenueFigures) -> impl IntoView {
    let currency = r.main_currency.clone();
    let months: Vec<(String, i64)> = r.mrr_by_month.clone();
    let format: fn(i64) -> String = |n| group_thousands((n / 100).unsigned_abs());
    view! {
        <section class="mt-10" aria-labelledby="revenue-h" data-testid="admin-revenue">
            <h2 id="revenue-h" class="text-lg font-semibold">"Revenue"</h2>
            <dl class="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                <KpiCard label="MRR" value=amounts(&r.mrr, 1) hint=format!("{} paying, {} on a trial", count(r.paying), count(r.trialing)) test_id="admin-mrr"/>
                <KpiCard label="ARR" value=amounts(&r.mrr, 12) hint="MRR × 12"/>
                <KpiCard label="Net revenue churn, 30 days" value=r.net_churn_bp.map_or_else(|| "—".to_string(), percent_bp)
                    hint="Recurring revenue of the customers invoiced for a period that ended 30–60 days ago, lost since, net of their growth"/>
                <KpiCard label="Payments overdue" value=count(r.overdue.len() as i64)
                    hint=format!("Open invoices issued over {OVERDUE_DAYS} days ago; {} subscriptions past due after a failed payment", count(r.past_due))/>
            </dl>
            <p class="mt-2 text-xs text-slate-600">"MRR: each active or past-due subscription's monthly plan price and extra seats; trials bring none."</p>
            <div class="mt-4">
                <TrendChart title=format!("Recurring revenue invoiced per month ({currency}, whole units)") points=months format test_id="trend-mrr"/>
            </div>
            {(!r.overdue.is_empty()).then(|| view! {
                <h3 class="mt-6 text-sm font-semibold">"Overdue invoices"</h3>
                <ul class="mt-2 divide-y divide-slate-100 rounded-lg bg-white ring-1 ring-slate-200" data-testid="overdue">
                    {r.overdue.into_iter().map(|o| view! {
                        <li class="flex flex-wrap gap-3 px-4 py-2 text-sm">
                            <a href=format!("{PATH}/{TENANTS}/{}", o.tenant_id) class="font-medium text-indigo-700 hover:underline">{o.tenant_name}</a>
                            <span class="font-mono text-xs">{o.number}</span>
                            <span>{format_money(o.total.minor, &o.total.currency, false)}</span>
                            <span class="text-slate-600">{format!("issued {}", super::day(o.issued_at))}</span>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </section>
    }
}

#[component]
fn Usage(u: UsageFigures) -> impl IntoView {
    view! {
        <section class="mt-10" aria-labelledby="usage-h" data-testid="admin-usage">
            <h2 id="usage-h" class="text-lg font-semibold">"Usage"</h2>
            <div class="mt-3 grid gap-4 lg:grid-cols-2">
                {u.daily.into_iter().map(|(meter, points)| view! {
                    <TrendChart title=format!("{} per day", meter.label()) points=days(&points) format=count test_id=format!("trend-{}", meter.as_str())/>
                }).collect_view()}
            </div>
            <div class="mt-6 grid gap-6 lg:grid-cols-2">
                <UseList title="Top consumers this period" list=u.top empty="Nothing used yet this period." test_id="top-consumers"/>
                <UseList title="Near or at a cap (80 % or more)" list=u.near_cap empty="Nobody is near a cap." test_id="near-cap"/>
            </div>
        </section>
    }
}

#[component]
fn UseList(
    title: &'static str,
    list: Vec<MeterUse>,
    empty: &'static str,
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <div>
            <h3 class="text-sm font-semibold">{title}</h3>
            {if list.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-600">{empty}</p> }.into_any()
            } else {
                view! {
                    <table class="mt-2 min-w-full divide-y divide-slate-200 rounded-lg bg-white text-sm ring-1 ring-slate-200" data-testid=test_id>
                        <thead class="text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                            <tr>
                                <th scope="col" class="px-3 py-2">"Organisation"</th>
                                <th scope="col" class="px-3 py-2">"Meter"</th>
                                <th scope="col" class="px-3 py-2 text-right">"Used"</th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-slate-100">
                            {list.into_iter().map(|m| view! {
                                <tr>
                                    <td class="px-3 py-2"><a href=format!("{PATH}/{TENANTS}/{}", m.tenant_id) class="text-indigo-700 hover:underline">{m.tenant_name}</a></td>
                                    <td class="px-3 py-2">{m.meter.label()}</td>
                                    <td class="px-3 py-2 text-right">
                                        {match m.cap {
                                            Some(cap) => format!("{} of {}", count(m.used), count(cap)),
                                            None => count(m.used),
                                        }}
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </div>
    }
}

/// What one run of each agent is counted as saving, for every organisation's ROI.
#[component]
fn MinutesSaved(
    set: ServerAction<SetMinutesSaved>,
    list: Resource<Result<Vec<(models::agents::AgentKind, i32)>, models::AppError>>,
) -> impl IntoView {
    view! {
        <section class="mt-10" aria-labelledby="minutes-h">
            <h2 id="minutes-h" class="text-lg font-semibold">"Minutes a run saves"</h2>
            <p class="mt-1 text-sm text-slate-600">"The ROI's hours saved are each agent's successful runs times these minutes."</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match list.await {
                        Err(e) => failed(e),
                        Ok(list) => view! {
                            <div class="mt-3 flex flex-wrap gap-4">
                                {list.into_iter().map(|(agent, minutes)| view! {
                                    <ActionForm action=set attr:class="flex items-end gap-2 rounded-lg bg-white p-3 ring-1 ring-slate-200">
                                        <input type="hidden" name="agent" value=agent.as_str()/>
                                        <div class="w-36">
                                            <TextInput label=format!("{} (minutes)", agent.label()) name="minutes" kind="number" value=minutes.to_string() id_suffix=agent.as_str().to_string() error=field_error(set, "minutes")/>
                                        </div>
                                        <Button kind="submit" variant=ButtonVariant::Secondary>"Save"</Button>
                                    </ActionForm>
                                }).collect_view()}
                            </div>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

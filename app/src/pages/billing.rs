//! The organisation's billing: the plan and its status, this period's usage against the
//! plan's limits, the plans on offer with a preview of what a change costs, and cancelling
//! at the period's end. Admins see it; owners change it. Everything works without
//! JavaScript: the preview is a page of its own (`?preview=<plan>`), every change a form.

use crate::api::billing::{
    get_billing, preview_plan_change, CancelSubscription, ChangePlan, ReactivateSubscription,
};
use crate::components::*;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::billing::{
    BillingOverview, InvoiceStatus, InvoiceView, MeterUsage, PlanChangePreview, PlanView,
    SubscriptionStatus, SubscriptionView, TakesEffect, PATH,
};
use models::sales::{format_money, group_thousands};

const SECTION: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

#[derive(Clone, Copy)]
struct Actions {
    change: ServerAction<ChangePlan>,
    cancel: ServerAction<CancelSubscription>,
    reactivate: ServerAction<ReactivateSubscription>,
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let a = Actions {
        change: ServerAction::new(),
        cancel: ServerAction::new(),
        reactivate: ServerAction::new(),
    };
    toast_results(a.change, "Plan changed.");
    toast_results(a.cancel, "The subscription will end with this period.");
    toast_results(a.reactivate, "The subscription goes on.");
    // A changed plan leaves the preview's page for the plain one.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        if matches!(a.change.value().get(), Some(Ok(_))) {
            navigate(PATH, Default::default());
        }
    });
    let query = use_query_map();
    let data = Resource::new(
        move || {
            (
                a.change.version().get(),
                a.cancel.version().get(),
                a.reactivate.version().get(),
                query.with(|q| q.get("preview")),
            )
        },
        |(_, _, _, preview)| async move {
            let overview = get_billing().await?;
            // After a change the URL still names the plan: nothing is left to preview.
            let sub = &overview.subscription;
            let pending = |p: &String| *p == sub.plan_id || sub.next_plan_id.as_ref() == Some(p);
            let preview = match preview.filter(|p| !p.is_empty() && !pending(p)) {
                Some(plan) if overview.can_manage => Some(preview_plan_change(plan).await),
                _ => None,
            };
            Ok::<_, models::AppError>((overview, preview))
        },
    );
    view! {
        <Title text="Billing"/>
        <PageHeader title="Billing" description="Your plan, this period's usage against it, and what a change would cost."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading billing…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((o, preview)) => view! { <Overview o preview a/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
        <super::payments::PaymentsSection/>
    }
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%B %-d, %Y").to_string()
}

#[component]
fn Overview(
    o: BillingOverview,
    preview: Option<Result<PlanChangePreview, models::AppError>>,
    a: Actions,
) -> impl IntoView {
    let plans = o.plans.clone();
    let name_of = move |id: &str| {
        plans
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let preview = preview.map(|p| match p {
        Ok(p) => {
            let to = name_of(&p.to_plan);
            view! { <Preview p to a/> }.into_any()
        }
        Err(e) => {
            view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any()
        }
    });
    let next = o.subscription.next_plan_id.as_deref().map(&name_of);
    view! {
        {preview}
        <Current sub=o.subscription.clone() plan=o.plan.clone() next can_manage=o.can_manage a/>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="usage-h" data-testid="billing-usage">
            <h2 id="usage-h" class="text-base font-semibold">"Usage this period"</h2>
            <p class="mt-1 text-sm text-slate-600">
                {format!("From {} to {}. Past a limit, work that needs more is refused until the next period; owners are mailed at 80 %.", day(o.subscription.period_start), day(o.subscription.period_end))}
            </p>
            <ul class="mt-4 space-y-4">
                {o.usage.into_iter().map(|u| view! { <UsageRow u/> }).collect_view()}
            </ul>
        </section>
        {o.upcoming.map(|i| view! { <Upcoming i/> })}
        <Invoices invoices=o.invoices/>
        <section class=format!("mt-6 {SECTION}") aria-labelledby="plans-h">
            <h2 id="plans-h" class="text-base font-semibold">"Plans"</h2>
            <div class="mt-4 grid gap-4 md:grid-cols-2 xl:grid-cols-4" data-testid="plans">
                {o.plans.into_iter().map(|p| {
                    let current = p.id == o.subscription.plan_id;
                    view! { <PlanCard p current can_manage=o.can_manage/> }
                }).collect_view()}
            </div>
        </section>
    }
}

#[component]
fn Current(
    sub: SubscriptionView,
    plan: PlanView,
    next: Option<String>,
    can_manage: bool,
    a: Actions,
) -> impl IntoView {
    let (tone, status) = match (sub.status, sub.cancel_at_period_end) {
        (SubscriptionStatus::Canceled, _) => (Tone::Danger, "Ended".to_string()),
        (_, true) => (Tone::Warning, format!("Ends {}", day(sub.period_end))),
        (SubscriptionStatus::Trialing, _) => (
            Tone::Info,
            format!(
                "Trial until {}",
                day(sub.trial_ends_at.unwrap_or(sub.period_end))
            ),
        ),
        (SubscriptionStatus::PastDue, _) => (Tone::Danger, "Past due".to_string()),
        (SubscriptionStatus::Active, _) => (Tone::Success, "Active".to_string()),
    };
    let extra = (sub.seats - plan.included_seats).max(0);
    let seats = match (extra, plan.seat_price_minor) {
        (0, _) => format!(
            "{} of {} included seats used.",
            sub.seats, plan.included_seats
        ),
        (n, Some(price)) => format!(
            "{} seats: {} included and {n} more at {} each.",
            sub.seats,
            plan.included_seats,
            format_money(price, &plan.currency, false)
        ),
        (_, None) => format!(
            "{} members, more than the {} seats {} includes.",
            sub.seats, plan.included_seats, plan.name
        ),
    };
    let keep = plan.id.clone();
    view! {
        <section class=SECTION aria-labelledby="plan-h" data-testid="billing-plan">
            <div class="flex flex-wrap items-center gap-3">
                <h2 id="plan-h" class="text-base font-semibold">{format!("{} plan", plan.name)}</h2>
                <Badge tone>{status}</Badge>
            </div>
            <p class="mt-1 text-sm text-slate-700">{plan.price_label()}</p>
            <p class="mt-1 text-sm text-slate-600" data-testid="billing-seats">{seats}</p>
            {next.map(|n| view! {
                <div class="mt-3 flex flex-wrap items-center gap-3 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="billing-next-plan">
                    <span>{format!("Moves to {n} on {}.", day(sub.period_end))}</span>
                    {can_manage.then(|| view! {
                        <ActionForm action=a.change>
                            <input type="hidden" name="plan" value=keep.clone()/>
                            <Button kind="submit" variant=ButtonVariant::Secondary busy=a.change.pending()>{format!("Keep {}", plan.name)}</Button>
                        </ActionForm>
                    })}
                </div>
            })}
            {can_manage.then(|| {
                let ended = sub.status == SubscriptionStatus::Canceled;
                if ended || sub.cancel_at_period_end {
                    view! {
                        <ActionForm action=a.reactivate attr:class="mt-4">
                            <Button kind="submit" busy=a.reactivate.pending()>{if ended { "Reactivate" } else { "Keep the subscription" }}</Button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <ActionForm action=a.cancel attr:class="mt-4">
                            <Button kind="submit" variant=ButtonVariant::Danger busy=a.cancel.pending()>"Cancel at the end of the period"</Button>
                        </ActionForm>
                    }.into_any()
                }
            })}
            <FormAlert message=form_error(a.change, &[])/>
            <FormAlert message=form_error(a.cancel, &[])/>
            <FormAlert message=form_error(a.reactivate, &[])/>
        </section>
    }
}

#[component]
pub(crate) fn UsageRow(u: MeterUsage) -> impl IntoView {
    let percent = u.percent();
    let (bar, note) = match percent {
        Some(p) if p >= 100 && u.cap.is_some() => (
            "accent-red-600",
            Some("Limit reached: work that needs more is refused until the next period."),
        ),
        Some(p) if p >= 100 => (
            "accent-amber-500",
            Some("Past the included quantity: the rest is billed as overage."),
        ),
        _ if u.near_cap() => ("accent-amber-500", Some("Over 80 % of the limit.")),
        _ => ("accent-indigo-600", None),
    };
    let of = match (u.cap, u.included) {
        (Some(cap), _) => format!("of {} (limit)", group_thousands(cap.unsigned_abs())),
        (None, Some(included)) => {
            format!("of {} included", group_thousands(included.unsigned_abs()))
        }
        (None, None) => "unlimited".to_string(),
    };
    let label = u.meter.label();
    let used = group_thousands((u.used + u.reserved).unsigned_abs());
    let allowance = (u.allowance > 0).then(|| {
        format!(
            " (with a one-off allowance of {})",
            group_thousands(u.allowance.unsigned_abs())
        )
    });
    view! {
        <li data-testid=format!("usage-{}", u.meter.as_str())>
            <div class="flex justify-between text-sm">
                <span class="font-medium">{label}</span>
                <span class="text-slate-700">{format!("{used} {of}")}{allowance}</span>
            </div>
            // A native bar: the page's CSP allows no inline styles, so no width is set by hand.
            {percent.map(|p| view! {
                <progress class=format!("mt-1 h-2 w-full {bar}") max="100" value=p.min(100).to_string() aria-label=label></progress>
            })}
            {note.map(|n| view! { <p class="mt-1 text-xs text-slate-700">{n}</p> })}
        </li>
    }
}

#[component]
fn PlanCard(p: PlanView, current: bool, can_manage: bool) -> impl IntoView {
    let meters = p
        .meters
        .iter()
        .map(|m| {
            let amount = m.included.map_or_else(
                || "Unlimited".to_string(),
                |n| group_thousands(n.unsigned_abs()),
            );
            let past = match (m.included, m.overage_micros) {
                (None, _) => String::new(),
                (Some(_), None) => " (limit)".into(),
                (Some(_), Some(_)) => " (then per use)".into(),
            };
            format!("{amount} {}{past}", m.meter.label().to_lowercase())
        })
        .collect::<Vec<_>>();
    let connectors = p.connector_limit.map_or_else(
        || "Any number of connections".to_string(),
        |n| format!("{n} CRM connection{}", if n == 1 { "" } else { "s" }),
    );
    let href = format!("{PATH}?preview={}", p.id);
    view! {
        <article class=format!("rounded-lg p-4 ring-1 {}", if current { "ring-2 ring-indigo-600" } else { "ring-slate-200" })
            data-testid=format!("plan-{}", p.id)>
            <h3 class="font-semibold">{p.name.clone()}</h3>
            <p class="mt-1 text-sm text-slate-700">{p.price_label()}</p>
            <ul class="mt-3 space-y-1 text-xs text-slate-600">
                <li>{format!("{} seats included", p.included_seats)}</li>
                <li>{connectors}</li>
                {meters.into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
            </ul>
            {if current {
                view! { <p class="mt-3 text-sm font-medium text-indigo-700">"Current plan"</p> }.into_any()
            } else if can_manage {
                view! { <a class="mt-3 inline-block text-sm font-medium text-indigo-700 underline" href=href>{format!("Preview a change to {}", p.name)}</a> }.into_any()
            } else {
                ().into_any()
            }}
        </article>
    }
}

#[component]
fn Preview(p: PlanChangePreview, to: String, a: Actions) -> impl IntoView {
    let money = |m: i64| format_money(m, &p.currency, false);
    let when = match p.takes_effect {
        TakesEffect::Now => "Starts now",
        TakesEffect::PeriodEnd => "Starts at the end of this period",
    };
    let over = (!p.over_new_caps.is_empty()).then(|| {
        let names = p
            .over_new_caps
            .iter()
            .map(|m| m.label().to_lowercase())
            .collect::<Vec<_>>()
            .join(", ");
        view! {
            <p class="mt-2 text-sm text-red-700">
                {format!("This period's {names} are already past {to}'s limits: more of them would be refused.")}
            </p>
        }
    });
    view! {
        <section class="mb-6 rounded-lg bg-indigo-50 p-6 ring-1 ring-indigo-200" aria-labelledby="preview-h" data-testid="plan-preview">
            <h2 id="preview-h" class="text-base font-semibold">{format!("Change to {to}: {when}")}</h2>
            <p class="mt-2 text-sm text-slate-800" data-testid="plan-preview-explanation">{p.explanation.clone()}</p>
            <dl class="mt-3 grid max-w-md grid-cols-2 gap-1 text-sm">
                <dt>"Credit for the unused time"</dt><dd class="text-right" data-testid="preview-credit">{money(p.credit_minor)}</dd>
                <dt>{format!("{to} for the rest of the period")}</dt><dd class="text-right" data-testid="preview-charge">{money(p.charge_minor)}</dd>
                <dt class="font-semibold">"Added to the next invoice"</dt><dd class="text-right font-semibold" data-testid="preview-net">{money(p.net_minor)}</dd>
                <dt>"Each month after"</dt><dd class="text-right" data-testid="preview-next">{money(p.next_period_minor)}</dd>
            </dl>
            {over}
            <div class="mt-4 flex items-center gap-3">
                <ActionForm action=a.change>
                    <input type="hidden" name="plan" value=p.to_plan.clone()/>
                    <Button kind="submit" busy=a.change.pending() test_id="confirm-plan-change">{format!("Change to {to}")}</Button>
                </ActionForm>
                <a class="text-sm underline" href=PATH>"Keep the current plan"</a>
            </div>
        </section>
    }
}

#[component]
fn Upcoming(i: InvoiceView) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {SECTION}") aria-labelledby="upcoming-h" data-testid="upcoming-invoice">
            <h2 id="upcoming-h" class="text-base font-semibold">"This period's invoice so far"</h2>
            <p class="mt-1 text-sm text-slate-600">
                {format!("Issued when the period ends on {}; usage past the included quantities is added as it happens.", day(i.period_end))}
            </p>
            <table class="mt-3 w-full max-w-2xl text-sm">
                <tbody>
                    {i.lines.iter().map(|l| view! {
                        <tr class="border-b border-slate-100">
                            <td class="py-1.5">{l.description.clone()}</td>
                            <td class="py-1.5 text-right tabular-nums">{i.money(l.amount_minor)}</td>
                        </tr>
                    }).collect_view()}
                    <tr>
                        <td class="py-1.5">{format!("Tax ({})", i.tax_label())}</td>
                        <td class="py-1.5 text-right tabular-nums">{i.money(i.tax_minor)}</td>
                    </tr>
                    <tr class="font-semibold">
                        <td class="py-1.5">"Total"</td>
                        <td class="py-1.5 text-right tabular-nums" data-testid="upcoming-total">{i.money(i.total_minor)}</td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn Invoices(invoices: Vec<InvoiceView>) -> impl IntoView {
    view! {
        <section class=format!("mt-6 {SECTION}") aria-labelledby="invoices-h" data-testid="invoices">
            <h2 id="invoices-h" class="text-base font-semibold">"Invoices"</h2>
            {if invoices.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-600">"No invoices yet: the first is issued when a paid period ends."</p> }.into_any()
            } else {
                view! {
                    <table class="mt-3 w-full text-sm">
                        <thead>
                            <tr class="text-left text-slate-600">
                                <th class="py-1.5 font-medium">"Number"</th>
                                <th class="py-1.5 font-medium">"Period"</th>
                                <th class="py-1.5 font-medium">"Status"</th>
                                <th class="py-1.5 text-right font-medium">"Total"</th>
                                <th class="py-1.5"><span class="sr-only">"Open"</span></th>
                            </tr>
                        </thead>
                        <tbody>
                            {invoices.into_iter().map(|i| {
                                let tone = match i.status {
                                    InvoiceStatus::Paid => Tone::Success,
                                    InvoiceStatus::Open => Tone::Warning,
                                    InvoiceStatus::Draft | InvoiceStatus::Void => Tone::Neutral,
                                };
                                let href = i.href().unwrap_or_default();
                                view! {
                                    <tr class="border-t border-slate-100" data-testid="invoice-row">
                                        <td class="py-1.5">{i.number.clone()}</td>
                                        <td class="py-1.5">{format!("{} – {}", day(i.period_start), day(i.period_end))}</td>
                                        <td class="py-1.5"><Badge tone>{i.status.label()}</Badge></td>
                                        <td class="py-1.5 text-right tabular-nums">{i.money(i.total_minor)}</td>
                                        <td class="py-1.5 text-right">
                                            <a class="underline" href=href.clone() rel="external" target="_blank">{format!("View {}", i.number)}</a>
                                            " · "
                                            <a class="underline" href=format!("{href}?download") rel="external" download="">{format!("Download {}", i.number)}</a>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
    }
}

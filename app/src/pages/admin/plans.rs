//! `/admin/plans`: the plans organisations buy, and adding one; `/admin/plans/:id`: one
//! plan's editor. A change reaches every subscriber's limits at once and the invoices issued
//! from then on.

use super::failed;
use crate::api::admin::plans::{get_admin_plan, list_admin_plans, CreatePlan, UpdatePlan};
use crate::components::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use models::admin::{PATH, PLANS};
use models::billing::{micros_text, AdminPlan, Meter, PlanInput, PlanView};
use models::sales::{format_money, group_thousands};
use models::AppError;

/// The fields the plan form shows its errors at (any other error is the form's alert).
const PLAN_FIELDS: &[&str] = &[
    "id",
    "name",
    "currency",
    "monthly_price",
    "included_seats",
    "seat_price",
    "connector_limit",
    "features",
    "trial_days",
    "position",
    "agent_runs_included",
    "agent_runs_overage",
    "llm_tokens_included",
    "llm_tokens_overage",
    "records_synced_included",
    "records_synced_overage",
    "api_calls_included",
    "api_calls_overage",
];

#[component]
pub(super) fn PlansSection() -> impl IntoView {
    let create = ServerAction::<CreatePlan>::new();
    toast_results(create, "Plan added.");
    let list = Resource::new(move || create.version().get(), |_| list_admin_plans());
    let blank = PlanInput {
        currency: "USD".into(),
        included_seats: "1".into(),
        offered: true,
        ..Default::default()
    };
    view! {
        <Title text="Plans · Admin"/>
        <PageHeader title="Plans" description="What organisations can buy: the price, the seats, what each meter includes and costs past it, the CRM connections and the feature flags. A change applies to every subscriber's limits at once and to the invoices issued from then on; an issued invoice never changes."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading plans…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => failed(e),
                    Ok(plans) => view! { <PlanTable plans/> }.into_any(),
                }
            })}
        </Transition>
        <section class="mt-10 max-w-3xl rounded-lg bg-white p-6 ring-1 ring-slate-200" aria-labelledby="new-plan-h">
            <h2 id="new-plan-h" class="text-base font-semibold">"Add a plan"</h2>
            <p class="mt-1 text-sm text-slate-600">"Offered plans appear on every organisation's Billing page, in the order of their position."</p>
            <ActionForm action=create attr:class="mt-4 space-y-4">
                <FormAlert message=form_error(create, PLAN_FIELDS)/>
                <PlanFields action=create value=blank creating=true/>
                <Button kind="submit" busy=create.pending()>"Add the plan"</Button>
            </ActionForm>
            {move || create.value().get().and_then(Result::ok).map(|id| view! {
                <p class="mt-4 text-sm text-slate-700" data-testid="plan-created">
                    <a href=format!("{PATH}/{PLANS}/{id}") class="font-medium text-indigo-700 hover:underline">{format!("Open the plan {id}")}</a>
                </p>
            })}
        </section>
    }
}

/// What a plan includes of a meter, in a cell: `1,000 + 0.05 each` (in the plan's
/// currency), `100 (cap)` or `Unlimited`.
fn meter_cell(p: &PlanView, meter: Meter) -> String {
    match p.meter(meter).map(|m| (m.included, m.overage_micros)) {
        None | Some((None, _)) => "Unlimited".into(),
        Some((Some(n), None)) => format!("{} (cap)", group_thousands(n.unsigned_abs())),
        Some((Some(n), Some(price))) => format!(
            "{} + {} each",
            group_thousands(n.unsigned_abs()),
            micros_text(price)
        ),
    }
}

#[component]
fn PlanTable(plans: Vec<AdminPlan>) -> impl IntoView {
    view! {
        <div class="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="plans">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Plan"</th>
                        <th scope="col" class="px-3 py-2 text-right">"Organisations"</th>
                        <th scope="col" class="px-3 py-2 text-right">"Per month"</th>
                        <th scope="col" class="px-3 py-2">"Seats"</th>
                        <th scope="col" class="px-3 py-2">"Connections"</th>
                        {Meter::ALL.iter().map(|m| view! { <th scope="col" class="px-3 py-2">{m.label()}</th> }).collect_view()}
                        <th scope="col" class="px-3 py-2">"Trial"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {plans.into_iter().map(|a| {
                        let p = a.plan;
                        let seats = match p.seat_price_minor {
                            Some(price) => format!("{} + {} each", p.included_seats, format_money(price, &p.currency, false)),
                            None => format!("{} (no more)", p.included_seats),
                        };
                        let meters: Vec<String> = Meter::ALL.iter().map(|m| meter_cell(&p, *m)).collect();
                        view! {
                            <tr data-testid=format!("plan-row-{}", p.id)>
                                <td class="px-3 py-2">
                                    <a href=format!("{PATH}/{PLANS}/{}", p.id) class=format!("font-medium text-indigo-700 hover:underline {FOCUS_RING}")>{p.name.clone()}</a>
                                    <div class="mt-1 flex items-center gap-2">
                                        <span class="font-mono text-xs text-slate-600">{p.id.clone()}</span>
                                        {if p.offered {
                                            view! { <Badge tone=Tone::Success>"Offered"</Badge> }.into_any()
                                        } else {
                                            view! { <Badge>"Retired"</Badge> }.into_any()
                                        }}
                                    </div>
                                </td>
                                <td class="px-3 py-2 text-right tabular-nums">{a.subscribers}</td>
                                <td class="px-3 py-2 text-right tabular-nums whitespace-nowrap">{format_money(p.monthly_price_minor, &p.currency, false)}</td>
                                <td class="px-3 py-2 whitespace-nowrap">{seats}</td>
                                <td class="px-3 py-2">{p.connector_limit.map_or_else(|| "Any".to_string(), |n| n.to_string())}</td>
                                {meters.into_iter().map(|m| view! { <td class="px-3 py-2 whitespace-nowrap text-xs">{m}</td> }).collect_view()}
                                <td class="px-3 py-2 whitespace-nowrap">{if p.trial_days > 0 { format!("{} days", p.trial_days) } else { "None".into() }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// `/admin/plans/:id`: the editor. The form is drawn again from the stored plan only after a
/// save succeeds, so a refused save keeps what was typed.
#[component]
pub(super) fn PlanSection(id: String) -> impl IntoView {
    let update = ServerAction::<UpdatePlan>::new();
    toast_results(update, "Plan saved.");
    let saved = RwSignal::new(0_u32);
    Effect::new(move |_| {
        if let Some(Ok(())) = update.value().get() {
            saved.update(|n| *n += 1);
        }
    });
    let plan = Resource::new(move || saved.get(), move |_| get_admin_plan(id.clone()));
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading the plan…"</p> }>
            {move || Suspend::new(async move {
                match plan.await {
                    Err(e) => failed(e),
                    Ok(a) => view! { <PlanEditor a update/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PlanEditor(a: AdminPlan, update: ServerAction<UpdatePlan>) -> impl IntoView {
    let value = PlanInput::from_plan(&a);
    let who = match a.subscribers {
        0 => "No organisation is on this plan.".to_string(),
        1 => "1 organisation is on this plan (or moves to it at its period's end): a change applies to its limits at once and to its next invoice.".to_string(),
        n => format!("{n} organisations are on this plan (or move to it at their period's end): a change applies to their limits at once and to their next invoices."),
    };
    view! {
        <Title text=format!("{} · Plans · Admin", a.plan.name)/>
        <PageHeader title=format!("{} plan", a.plan.name) description=format!("Plan {} · last saved {}", a.plan.id, super::when(a.updated_at))/>
        <p class="text-sm">
            <a href=format!("{PATH}/{PLANS}") class="font-medium text-indigo-700 hover:underline">"All plans"</a>
        </p>
        <p class="mt-3 text-sm text-slate-700" data-testid="plan-subscribers">{who}</p>
        <section class="mt-4 max-w-3xl rounded-lg bg-white p-6 ring-1 ring-slate-200">
            <ActionForm action=update attr:class="space-y-4">
                <FormAlert message=form_error(update, PLAN_FIELDS)/>
                <input type="hidden" name="id" value=a.plan.id.clone()/>
                <input type="hidden" name="input[seen]" value=value.seen.clone()/>
                <PlanFields action=update value creating=false/>
                <Button kind="submit" busy=update.pending()>"Save the plan"</Button>
            </ActionForm>
        </section>
    }
}

/// Every field of a plan, named `input[...]` for a server function taking `input: PlanInput`.
#[component]
fn PlanFields<S>(action: ServerAction<S>, value: PlanInput, creating: bool) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let err = move |f: &str| field_error(action, f.to_string());
    let text = move |label: &str, field: &str, v: &str, hint: Option<&str>| {
        view! { <TextInput label=label.to_string() name=format!("input[{field}]") value=v.to_string() error=err(field) hint=hint.map(str::to_string)/> }
    };
    let offered = vec![
        ("true".to_string(), "Offered to organisations".to_string()),
        (
            "false".to_string(),
            "Retired: its subscribers keep it, no one else can choose it".to_string(),
        ),
    ];
    let v = value.clone();
    view! {
        <div class="grid gap-4 sm:grid-cols-2">
            {creating.then(|| text("Id", "id", &v.id, Some("2 to 32 lowercase letters, digits, - or _; it never changes.")))}
            {text("Name", "name", &v.name, None)}
            {text("Currency", "currency", &v.currency, Some("A three-letter code such as USD; it stays while organisations are billed in it."))}
            {text("Price per month", "monthly_price", &v.monthly_price, None)}
            {text("Seats included", "included_seats", &v.included_seats, None)}
            {text("Price per extra seat", "seat_price", &v.seat_price, Some("Empty: no seats beyond the included ones."))}
            {text("CRM connections", "connector_limit", &v.connector_limit, Some("Empty: any number."))}
            {text("Feature flags", "features", &v.features, Some("Separated by commas, e.g. agents, automation, sso."))}
            {text("Trial days", "trial_days", &v.trial_days, Some("0 to 90; a new organisation starts on the trial of the last offered plan that has one."))}
            {text("Position", "position", &v.position, Some("Plans are shown in this order, lowest first."))}
            <Select label="Offered" name="input[offered]" options=offered selected=v.offered.to_string()/>
        </div>
        <fieldset class="mt-2">
            <legend class="text-sm font-semibold">"Meters"</legend>
            <p class="text-xs text-slate-600">"Included: empty for unlimited. Price past it, per unit in the plan's currency (up to six decimals): empty makes the included quantity a hard cap."</p>
            <div class="mt-3 grid gap-4 sm:grid-cols-2">
                {Meter::ALL.iter().map(|m| {
                    let (included, overage) = v.meter(*m);
                    let label = m.label();
                    view! {
                        {text(&format!("{label} included"), &format!("{}_included", m.as_str()), included, None)}
                        {text(&format!("{label}: price of each past it"), &format!("{}_overage", m.as_str()), overage, None)}
                    }
                }).collect_view()}
            </div>
        </fieldset>
    }
}

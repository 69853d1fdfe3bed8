//! `/admin/tenants/:id`: one organisation: suspend or reactivate it, change its plan, its
//! members, this period's usage and its invoices (mark an open one paid or void).

use super::{day, failed};
use crate::api::admin::tenants::{
    get_admin_tenant, get_tenant_roi, ChangeTenantPlan, ReactivateTenant, SetInvoiceStatus,
    SuspendTenant,
};
use crate::components::*;
use crate::pages::billing::UsageRow;
use leptos::prelude::*;
use leptos_meta::Title;
use models::admin::{AdminMember, AdminTenant, AdminTenantDetail, ACTIVITY, PATH, USERS};
use models::billing::{InvoiceStatus, InvoiceView};
use models::sales::format_money;
use models::TenantId;

const SECTION: &str = "mt-6 rounded-lg bg-white p-6 ring-1 ring-slate-200";

#[derive(Clone, Copy)]
struct Actions {
    suspend: ServerAction<SuspendTenant>,
    reactivate: ServerAction<ReactivateTenant>,
    plan: ServerAction<ChangeTenantPlan>,
    invoice: ServerAction<SetInvoiceStatus>,
}

#[component]
pub(super) fn TenantSection(id: TenantId) -> impl IntoView {
    let a = Actions {
        suspend: ServerAction::new(),
        reactivate: ServerAction::new(),
        plan: ServerAction::new(),
        invoice: ServerAction::new(),
    };
    toast_results(
        a.suspend,
        "Suspended: its people are signed out and cannot sign in.",
    );
    toast_results(a.reactivate, "Reactivated: its people can sign in again.");
    toast_results(a.plan, "Plan changed.");
    toast_results(a.invoice, "Invoice updated.");
    let detail = Resource::new(
        move || {
            (
                a.suspend.version().get(),
                a.reactivate.version().get(),
                a.plan.version().get(),
                a.invoice.version().get(),
            )
        },
        move |_| get_admin_tenant(id),
    );
    let roi = Resource::new(|| (), move |_| get_tenant_roi(id));
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading the organisation…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Err(e) => failed(e),
                    Ok(d) => view! { <Detail d a/> }.into_any(),
                }
            })}
        </Transition>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match roi.await {
                    Ok(roi) => view! { <crate::pages::roi::RoiPanel roi/> }.into_any(),
                    Err(e) => failed(e),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Detail(d: AdminTenantDetail, a: Actions) -> impl IntoView {
    let AdminTenantDetail {
        tenant,
        members,
        billing,
        daily,
    } = d;
    let plans: Vec<(String, String)> = billing
        .plans
        .iter()
        .map(|p| (p.id.clone(), p.name.clone()))
        .collect();
    let current_plan = billing.subscription.plan_id.clone();
    let tenant_id = tenant.id;
    view! {
        <Title text=format!("{} · Admin", tenant.name)/>
        <PageHeader title=tenant.name.clone() description=format!("Organisation {} · created {}", tenant.id, day(tenant.created_at))/>
        <p class="text-sm">
            <a href=format!("{PATH}/{ACTIVITY}?tenant={}", tenant.id) class="font-medium text-indigo-700 hover:underline">"Its activity"</a>
        </p>
        <Standing tenant=tenant.clone() a/>
        <section class=SECTION aria-labelledby="plan-h">
            <h2 id="plan-h" class="text-base font-semibold">{format!("{} plan · {}", billing.plan.name, billing.subscription.status.label())}</h2>
            <p class="mt-1 text-sm text-slate-600">
                {format!("{} seats; this period runs {} to {}.", billing.subscription.seats, day(billing.subscription.period_start), day(billing.subscription.period_end))}
            </p>
            <ActionForm action=a.plan attr:class="mt-4 flex flex-wrap items-end gap-3">
                <input type="hidden" name="id" value=tenant_id.to_string()/>
                <div class="w-56">
                    <Select label="Plan" name="plan" options=plans selected=current_plan error=field_error(a.plan, "plan")/>
                </div>
                <Button kind="submit" variant=ButtonVariant::Secondary busy=a.plan.pending()>"Change plan"</Button>
            </ActionForm>
            <p class="mt-2 text-xs text-slate-600">"As the owner would: an upgrade at once, prorated; a downgrade at the period's end."</p>
            <h3 class="mt-6 text-sm font-semibold">"Usage this period"</h3>
            <ul class="mt-3 space-y-3">
                {billing.usage.into_iter().map(|u| view! { <UsageRow u/> }).collect_view()}
            </ul>
            <div class="mt-6 grid gap-4 lg:grid-cols-2">
                {daily.into_iter().map(|(meter, points)| view! {
                    <TrendChart title=format!("{} per day, 30 days", meter.label()) points=super::overview::days(&points) format=super::overview::count/>
                }).collect_view()}
            </div>
        </section>
        <Members members/>
        <Invoices tenant=tenant_id invoices=billing.invoices a/>
    }
}

/// Active or suspended, and the form that changes it.
#[component]
fn Standing(tenant: AdminTenant, a: Actions) -> impl IntoView {
    let id = tenant.id.to_string();
    match tenant.suspended_at {
        Some(since) => view! {
            <section class="mt-4 rounded-lg bg-red-50 p-4 ring-1 ring-red-200" data-testid="tenant-standing">
                <p class="text-sm text-red-900">
                    <strong>{format!("Suspended since {}. ", day(since))}</strong>
                    {format!("Reason: {}", tenant.suspended_reason.unwrap_or_default())}
                </p>
                <ActionForm action=a.reactivate attr:class="mt-3">
                    <input type="hidden" name="id" value=id/>
                    <Button kind="submit" busy=a.reactivate.pending()>"Reactivate"</Button>
                </ActionForm>
            </section>
        }
        .into_any(),
        None => view! {
            <section class="mt-4 rounded-lg bg-white p-4 ring-1 ring-slate-200" data-testid="tenant-standing">
                <p class="text-sm text-slate-700">"Active. Suspending signs everyone out of it and stops them signing in; its data is kept, its background work waits, and its owners are told by mail."</p>
                <ActionForm action=a.suspend attr:class="mt-3 flex flex-wrap items-end gap-3">
                    <FormAlert message=form_error(a.suspend, &["reason"])/>
                    <input type="hidden" name="id" value=id/>
                    <div class="w-96">
                        <TextInput label="Reason" name="reason" required=true maxlength=500 error=field_error(a.suspend, "reason")/>
                    </div>
                    <Button kind="submit" variant=ButtonVariant::Danger busy=a.suspend.pending()>"Suspend"</Button>
                </ActionForm>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn Members(members: Vec<AdminMember>) -> impl IntoView {
    view! {
        <section class=SECTION aria-labelledby="members-h">
            <h2 id="members-h" class="text-base font-semibold">{format!("Members ({})", members.len())}</h2>
            <ul class="mt-3 divide-y divide-slate-100" data-testid="tenant-members">
                {members.into_iter().map(|m| view! {
                    <li class="flex flex-wrap items-center gap-3 py-2 text-sm">
                        <a href=format!("{PATH}/{USERS}?q={}", models::url::encode(&m.email)) class="font-medium text-indigo-700 hover:underline">{m.name.clone()}</a>
                        <span class="text-slate-600">{m.email.clone()}</span>
                        <Badge>{m.role.label()}</Badge>
                        {m.deactivated.then(|| view! { <Badge tone=Tone::Danger>"Deactivated"</Badge> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Invoices(tenant: TenantId, invoices: Vec<InvoiceView>, a: Actions) -> impl IntoView {
    view! {
        <section class=SECTION aria-labelledby="invoices-h">
            <h2 id="invoices-h" class="text-base font-semibold">"Invoices"</h2>
            {if invoices.is_empty() {
                view! { <p class="mt-2 text-sm text-slate-600">"None issued yet."</p> }.into_any()
            } else {
                view! {
                    <table class="mt-3 min-w-full divide-y divide-slate-200 text-sm" data-testid="tenant-invoices">
                        <thead class="text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                            <tr>
                                <th scope="col" class="py-2 pr-3">"Number"</th>
                                <th scope="col" class="py-2 pr-3">"Period"</th>
                                <th scope="col" class="py-2 pr-3 text-right">"Total"</th>
                                <th scope="col" class="py-2 pr-3">"Status"</th>
                                <th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody class="divide-y divide-slate-100">
                            {invoices.into_iter().map(|i| {
                                let open = i.status == InvoiceStatus::Open;
                                let id = i.id.map(|id| id.to_string()).unwrap_or_default();
                                view! {
                                    <tr>
                                        <td class="py-2 pr-3 font-mono text-xs">{i.number.clone()}</td>
                                        <td class="py-2 pr-3">{format!("{} – {}", day(i.period_start), day(i.period_end))}</td>
                                        <td class="py-2 pr-3 text-right">{format_money(i.total_minor, &i.currency, false)}</td>
                                        <td class="py-2 pr-3">{i.status.label()}</td>
                                        <td class="py-2 text-right">
                                            {open.then(|| view! {
                                                <div class="flex justify-end gap-2">
                                                    <InvoiceButton tenant id=id.clone() status=InvoiceStatus::Paid label="Mark paid" a/>
                                                    <InvoiceButton tenant id status=InvoiceStatus::Void label="Void" a/>
                                                </div>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn InvoiceButton(
    tenant: TenantId,
    id: String,
    status: InvoiceStatus,
    label: &'static str,
    a: Actions,
) -> impl IntoView {
    view! {
        <ActionForm action=a.invoice>
            <input type="hidden" name="tenant" value=tenant.to_string()/>
            <input type="hidden" name="invoice" value=id/>
            <input type="hidden" name="status" value=status.as_str()/>
            <Button kind="submit" variant=ButtonVariant::Secondary>{label}</Button>
        </ActionForm>
    }
}

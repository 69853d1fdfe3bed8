use crate::api::invitations::list_invitations;
use crate::api::members::list_members;
use crate::components::{KpiCard, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;
use models::session::SessionUser;
use models::{AppError, Role};

/// The first page after sign-in: real figures for what exists today, and the next steps.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let user = expect_context::<SessionUser>();
    let is_admin = user.role.at_least(Role::Admin);
    // One resource, awaited inside `Suspend` (not read with `.get()`): Leptos 0.8 SSR can
    // deadlock when a Suspense tracks resources reactively (leptos-rs/leptos#4673).
    let figures = Resource::new(
        move || is_admin,
        |is_admin| async move {
            let members = list_members().await?.len();
            let invitations = if is_admin {
                Some(list_invitations().await?.len())
            } else {
                None
            };
            Ok::<_, AppError>((members, invitations))
        },
    );
    let first_name = user
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    view! {
        <Title text="Dashboard"/>
        <PageHeader title=format!("Welcome, {first_name}") description=format!("{} · signed in as {}", user.tenant_name, user.role.label())/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading figures…"</p> }>
            {move || Suspend::new(async move {
                let (members, invitations) = match figures.await {
                    Ok((m, i)) => (m.to_string(), i.map_or_else(|| "—".to_string(), |n| n.to_string())),
                    Err(_) => ("unavailable".to_string(), "unavailable".to_string()),
                };
                view! {
                    <dl class="grid gap-4 sm:grid-cols-3">
                        <KpiCard label="Team members" value=members hint="People who can sign in to this organisation." test_id="kpi-members"/>
                        <KpiCard
                            label="Open invitations"
                            value=invitations
                            hint=if is_admin { "Waiting to be accepted." } else { "Visible to admins and owners." }
                        />
                        <KpiCard label="Sales KPIs" value="Not yet" hint="Pipeline, win rate and the other KPIs appear once leads and deals exist."/>
                    </dl>
                }
            })}
        </Suspense>
        <section class="mt-8 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="next-steps">
            <h2 id="next-steps" class="text-base font-semibold">"Getting started"</h2>
            <ol class="mt-4 space-y-3 text-sm text-slate-700">
                <li class="flex gap-3">
                    <span class="font-semibold text-indigo-600">"1."</span>
                    <span>
                        <a href="/settings/members" class="font-medium text-indigo-600 hover:text-indigo-500">"Invite your team"</a>
                        " — owners and admins send one-time links; each teammate gets a role."
                    </span>
                </li>
                <li class="flex gap-3"><span class="font-semibold text-slate-400">"2."</span><span>"Connect Salesforce — coming with the connector."</span></li>
                <li class="flex gap-3"><span class="font-semibold text-slate-400">"3."</span><span>"Configure your agents — coming with the agent runtime."</span></li>
            </ol>
        </section>
    }
}

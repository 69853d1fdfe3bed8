//! The platform admin console: the overview (figures, jobs and mail), organisations, people,
//! billing, plans and the audit trail. Two lazy routes serve it: `/admin`, and `/admin/*rest` for the sections, so
//! the console adds one entry to the router's table however many sections it has. Every
//! server function it calls refuses anyone but a platform admin; the pages also answer 403.

mod activity;
mod billing;
mod jobs;
mod overview;
mod plans;
mod tenant;
mod tenants;
mod users;

use crate::components::{PageHeader, FOCUS_RING};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::admin::{ACTIVITY, BILLING, PATH, PLANS, TENANTS, USERS};
use models::session::SessionUser;
use models::TenantId;

pub(crate) fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub(crate) fn day(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// The HTTP status of a page rendered on the server (no-op in the browser).
fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(response), Ok(status)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// Only operators of this installation may open the console.
fn refused() -> Option<AnyView> {
    let user = expect_context::<SessionUser>();
    if user.is_platform_admin {
        return None;
    }
    set_status(403);
    Some(
        view! {
            <Title text="Not allowed"/>
            <PageHeader title="Not allowed"/>
            <p class="text-sm text-slate-700" role="alert">"The admin console is only for platform admins."</p>
        }
        .into_any(),
    )
}

/// The console's own navigation, under the page header.
#[component]
fn ConsoleNav(current: &'static str) -> impl IntoView {
    let sections = [
        ("overview", PATH.to_string(), "Overview"),
        (TENANTS, format!("{PATH}/{TENANTS}"), "Organisations"),
        (USERS, format!("{PATH}/{USERS}"), "People"),
        (BILLING, format!("{PATH}/{BILLING}"), "Billing"),
        (PLANS, format!("{PATH}/{PLANS}"), "Plans"),
        (ACTIVITY, format!("{PATH}/{ACTIVITY}"), "Activity"),
    ];
    view! {
        <nav class="mb-6 flex flex-wrap gap-2 border-b border-slate-200 pb-3" aria-label="Admin console">
            {sections.into_iter().map(|(key, href, label)| view! {
                <a
                    href=href
                    aria-current=(key == current).then_some("page")
                    class=format!("rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white {FOCUS_RING}")
                >
                    {label}
                </a>
            }).collect_view()}
        </nav>
    }
}

/// `/admin`: the job queue and the mailbox.
#[component]
pub fn AdminPage() -> impl IntoView {
    if let Some(no) = refused() {
        return no;
    }
    view! {
        <Title text="Admin"/>
        <ConsoleNav current="overview"/>
        <PageHeader title="Admin console" description="This installation at a glance: organisations, people, revenue, usage, the job queue and the mail it sends."/>
        <overview::DashboardSection/>
        <jobs::JobsSection/>
        <jobs::MailboxSection/>
    }
    .into_any()
}

/// `/admin/*rest`: one of the console's sections, by the rest of the path.
#[component]
pub fn AdminSectionPage() -> impl IntoView {
    if let Some(no) = refused() {
        return no;
    }
    let params = use_params_map();
    // A memo: a new query string (a filter, the next page) keeps the section as it is.
    let rest = Memo::new(move |_| params.with(|p| p.get("rest").unwrap_or_default()));
    (move || {
        let rest = rest.get();
        let parts: Vec<&str> = rest.trim_matches('/').split('/').collect();
        match parts.as_slice() {
            [TENANTS] => {
                view! { <ConsoleNav current=TENANTS/><tenants::TenantsSection/> }.into_any()
            }
            [TENANTS, id] => match id.parse::<TenantId>() {
                Ok(id) => {
                    view! { <ConsoleNav current=TENANTS/><tenant::TenantSection id/> }.into_any()
                }
                Err(_) => not_found(),
            },
            [USERS] => view! { <ConsoleNav current=USERS/><users::UsersSection/> }.into_any(),
            [BILLING] => {
                view! { <ConsoleNav current=BILLING/><billing::BillingSection/> }.into_any()
            }
            [PLANS] => view! { <ConsoleNav current=PLANS/><plans::PlansSection/> }.into_any(),
            [PLANS, id] => {
                let id = id.to_string();
                view! { <ConsoleNav current=PLANS/><plans::PlanSection id/> }.into_any()
            }
            [ACTIVITY] => {
                view! { <ConsoleNav current=ACTIVITY/><activity::ActivitySection/> }.into_any()
            }
            _ => not_found(),
        }
    })
    .into_any()
}

fn not_found() -> AnyView {
    set_status(404);
    view! {
        <Title text="Not found"/>
        <ConsoleNav current=""/>
        <PageHeader title="Not found"/>
        <p class="text-sm text-slate-700" role="alert">"The admin console has no such page."</p>
    }
    .into_any()
}

/// A plain GET form's submit and a link back to the unfiltered list.
#[component]
fn FilterButtons(clear: String) -> impl IntoView {
    view! {
        <div class="flex items-end gap-2">
            <button type="submit" class=format!("rounded-md bg-slate-900 px-3 py-2 text-sm font-medium text-white hover:bg-slate-700 {FOCUS_RING}")>"Filter"</button>
            <a href=clear class=format!("rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100 {FOCUS_RING}")>"Clear"</a>
        </div>
    }
}

/// A result that failed, as an alert.
fn failed(e: models::AppError) -> AnyView {
    view! { <p class="mt-4 text-sm text-red-700" role="alert">{e.to_string()}</p> }.into_any()
}

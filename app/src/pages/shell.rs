//! The signed-in frame: sidebar, top bar with tenant and user menu, and the page inside.

use crate::api::auth::{current_user, SignOut, SwitchTenant};
use crate::api::navigation::list_navigation;
use crate::components::FOCUS_RING;
use crate::pages::search::CommandPalette;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use models::session::SessionUser;
use models::vertical::NavItem;
use models::AppError;

fn nav_link(href: String, label: String, icon: String) -> impl IntoView {
    view! {
        <A
            href=href
            exact=true
            attr:class=format!(
                "group flex items-center gap-3 rounded-md px-3 py-2 text-sm font-medium text-slate-300 hover:bg-slate-800 \
                 hover:text-white aria-[current=page]:bg-slate-800 aria-[current=page]:text-white {FOCUS_RING}"
            )
        >
            <span class="w-4 text-center text-slate-400 group-aria-[current=page]:text-indigo-400" aria-hidden="true">{icon}</span>
            {label}
        </A>
    }
}

/// Loads the signed-in user once per page load; without one, goes to the sign-in page. (The
/// server already redirects page loads without a session; this covers client navigation.)
#[component]
pub fn AppShell() -> impl IntoView {
    let user = Resource::new_blocking(
        || (),
        |_| async { Ok::<_, AppError>((current_user().await?, list_navigation().await?)) },
    );
    view! {
        <Suspense fallback=|| view! { <div class="p-8 text-sm text-slate-500">"Loading…"</div> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok((Some(user), navigation)) => view! { <ShellLayout user navigation/> }.into_any(),
                    Ok((None, _)) | Err(AppError::Unauthorized) => view! { <Redirect path="/sign-in"/> }.into_any(),
                    Err(e) => view! {
                        <div class="p-8 text-sm text-red-700" role="alert">{e.to_string()}</div>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ShellLayout(user: SessionUser, navigation: Vec<NavItem>) -> impl IntoView {
    provide_context(user.clone());
    let sign_out = ServerAction::<SignOut>::new();
    let switch = ServerAction::<SwitchTenant>::new();
    let others: Vec<_> = user
        .tenants
        .iter()
        .filter(|t| t.tenant_id != user.tenant_id)
        .cloned()
        .collect();
    let switcher = (!others.is_empty()).then(|| {
        view! {
            <div class="border-b border-slate-100 py-1" data-testid="switch-organisation">
                <p class="px-3 pt-1 text-xs font-medium uppercase tracking-wide text-slate-600">"Switch organisation"</p>
                {others.into_iter().map(|t| view! {
                    <ActionForm action=switch>
                        <input type="hidden" name="tenant_id" value=t.tenant_id.to_string()/>
                        <input type="hidden" name="next" value="/"/>
                        <button type="submit" class=format!("w-full rounded-md px-3 py-2 text-left text-sm hover:bg-slate-100 {FOCUS_RING}")>
                            {t.name.clone()}
                            <span class="ml-1 text-xs text-slate-600">{format!("({})", t.role.label())}</span>
                        </button>
                    </ActionForm>
                }).collect_view()}
            </div>
        }
    });
    let initials: String = user
        .name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect();
    let admin_link = user
        .is_platform_admin
        .then(|| nav_link("/admin".into(), "Admin".into(), "⚙".into()));
    view! {
        // From lg up the sidebar is a column of the row, stretched to the page's full height
        // (it was a fixed box one viewport tall, so a long page went on white beside it);
        // its contents stick to the top of the viewport while the page scrolls.
        <div class="min-h-full lg:flex">
            <aside class="bg-slate-900 lg:w-60 lg:shrink-0" aria-label="Main" data-testid="sidebar">
                <div class="lg:sticky lg:top-0 lg:flex lg:h-screen lg:flex-col">
                    <div class="flex h-14 shrink-0 items-center gap-2 px-4 text-white">
                        <span class="flex size-8 items-center justify-center rounded-lg bg-indigo-500 font-bold" aria-hidden="true">"S"</span>
                        <span class="font-semibold tracking-tight">"Sales Hunter"</span>
                    </div>
                    <nav class="flex gap-1 overflow-x-auto px-2 pb-2 lg:flex-1 lg:flex-col lg:overflow-x-hidden lg:overflow-y-auto lg:pb-4">
                        {navigation.into_iter().map(|n| nav_link(n.href, n.label, n.icon)).collect_view()}
                        {admin_link}
                        <div class="hidden lg:mt-auto lg:block">
                            {nav_link("/settings/members".into(), "Team".into(), "☺".into())}
                        </div>
                    </nav>
                </div>
            </aside>
            <div class="min-w-0 flex-1">
                <header class="sticky top-0 z-30 flex h-14 items-center justify-between border-b border-slate-200 bg-white/90 px-4 backdrop-blur sm:px-6">
                    <div class="flex min-w-0 items-center gap-2">
                        <span class="text-xs uppercase tracking-wide text-slate-600">"Organisation"</span>
                        <span class="truncate font-semibold" data-testid="tenant-name">{user.tenant_name.clone()}</span>
                    </div>
                    <form method="get" action="/search" role="search" class="mx-4 hidden max-w-sm flex-1 md:block">
                        <label for="global-search" class="sr-only">"Search everything"</label>
                        <input id="global-search" type="search" name="q" placeholder="Search…  (Ctrl K)"
                            class="block w-full rounded-md border-0 bg-slate-100 px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-200 focus:bg-white focus:ring-2 focus:ring-indigo-600"/>
                    </form>
                    <details class="relative" data-testid="user-menu">
                        <summary class=format!("flex cursor-pointer list-none items-center gap-2 rounded-full p-1 pr-3 hover:bg-slate-100 {FOCUS_RING}")>
                            <span class="flex size-8 items-center justify-center rounded-full bg-indigo-100 text-xs font-semibold text-indigo-700" aria-hidden="true">{initials}</span>
                            <span class="hidden text-sm font-medium sm:inline">{user.name.clone()}</span>
                            <span class="sr-only">"Open user menu"</span>
                        </summary>
                        <div class="absolute right-0 mt-2 w-64 rounded-lg bg-white p-2 shadow-lg ring-1 ring-slate-200">
                            <div class="border-b border-slate-100 px-3 py-2">
                                <p class="truncate text-sm font-medium">{user.name.clone()}</p>
                                <p class="truncate text-xs text-slate-500">{user.email.clone()}</p>
                                <p class="mt-1 text-xs text-slate-500">{format!("Role: {}", user.role.label())}</p>
                            </div>
                            {switcher}
                            <a href="/settings/members" class=format!("mt-1 block rounded-md px-3 py-2 text-sm hover:bg-slate-100 {FOCUS_RING}")>"Team & invitations"</a>
                            <ActionForm action=sign_out>
                                <button type="submit" class=format!("w-full rounded-md px-3 py-2 text-left text-sm text-red-700 hover:bg-red-50 {FOCUS_RING}")>
                                    "Sign out"
                                </button>
                            </ActionForm>
                        </div>
                    </details>
                </header>
                <main class="mx-auto max-w-7xl px-4 py-8 sm:px-6">
                    <Outlet/>
                </main>
                <CommandPalette/>
            </div>
        </div>
    }
}

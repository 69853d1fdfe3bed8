//! `/admin/users`: people across the installation (`?q=…&state=…`): deactivate or
//! reactivate them, mail a password-reset link, grant or revoke platform admin.

use super::{day, failed, when, FilterButtons};
use crate::api::admin::users::{
    list_admin_users, DeactivateUser, ReactivateUser, SendPasswordReset, SetPlatformAdmin,
};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::admin::{AdminUser, UserState, LIST_LIMIT, PATH, USERS};
use models::session::SessionUser;

#[derive(Clone, Copy)]
struct Actions {
    deactivate: ServerAction<DeactivateUser>,
    reactivate: ServerAction<ReactivateUser>,
    reset: ServerAction<SendPasswordReset>,
    admin: ServerAction<SetPlatformAdmin>,
}

#[component]
pub(super) fn UsersSection() -> impl IntoView {
    let a = Actions {
        deactivate: ServerAction::new(),
        reactivate: ServerAction::new(),
        reset: ServerAction::new(),
        admin: ServerAction::new(),
    };
    toast_results(a.deactivate, "Deactivated: signed out everywhere.");
    toast_results(a.reactivate, "Reactivated.");
    toast_results(a.reset, "Reset link mailed.");
    toast_results(a.admin, "Platform admin rights changed.");
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let state = move || query.with(|q| q.get("state").and_then(|s| UserState::parse(&s)));
    let list = Resource::new(
        move || {
            (
                search(),
                state(),
                a.deactivate.version().get(),
                a.reactivate.version().get(),
                a.admin.version().get(),
            )
        },
        |(search, state, ..)| list_admin_users(search, state),
    );
    let here = format!("{PATH}/{USERS}");
    let clear = here.clone();
    let mut states = vec![(String::new(), "Anyone".to_string())];
    states.extend(UserState::options());
    view! {
        <Title text="People · Admin"/>
        <PageHeader title="People" description="Everyone with an account, in any organisation."/>
        <form method="get" action=here class="flex flex-wrap items-end gap-3" role="search">
            <div class="w-72">
                <TextInput label="Find a person" name="q" value=search() placeholder="A name or an e-mail"/>
            </div>
            <div class="w-48">
                <Select label="Show" name="state" options=states selected=state().map(|s| s.as_str().to_string()).unwrap_or_default()/>
            </div>
            <FilterButtons clear=clear/>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading people…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => failed(e),
                    Ok(list) => view! { <UserTable list a/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserTable(list: Vec<AdminUser>, a: Actions) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-6 text-sm text-slate-600" data-testid="no-users">"Nobody matches."</p> }.into_any();
    }
    let n = i64::try_from(list.len()).unwrap_or(i64::MAX);
    let me = expect_context::<SessionUser>().user_id;
    view! {
        <p class="mt-4 text-sm text-slate-600">
            {if n >= LIST_LIMIT { format!("The newest {LIST_LIMIT}; search to narrow them.") } else { count_label(n, LIST_LIMIT, "person", "people") }}
        </p>
        <div class="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="users">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Person"</th>
                        <th scope="col" class="px-3 py-2">"Organisations"</th>
                        <th scope="col" class="px-3 py-2">"Last sign-in"</th>
                        <th scope="col" class="px-3 py-2">"Joined"</th>
                        <th scope="col" class="px-3 py-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {list.into_iter().map(|u| { let is_me = u.id == me; view! { <UserRow u is_me a/> } }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn UserRow(u: AdminUser, is_me: bool, a: Actions) -> impl IntoView {
    let id = u.id.to_string();
    let (id_off, id_on, id_reset) = (id.clone(), id.clone(), id.clone());
    let active = u.deactivated_at.is_none();
    view! {
        <tr data-testid="user-row">
            <td class="px-3 py-2">
                <div class="font-medium">{u.name.clone()}</div>
                <div class="text-slate-600">{u.email.clone()}</div>
                <div class="mt-1 flex gap-1">
                    {u.is_platform_admin.then(|| view! { <Badge tone=Tone::Info>"Platform admin"</Badge> })}
                    {u.deactivated_at.map(|t| view! { <Badge tone=Tone::Danger>{format!("Deactivated {}", day(t))}</Badge> })}
                </div>
            </td>
            <td class="px-3 py-2">{u.organisations.join(", ")}</td>
            <td class="px-3 py-2 whitespace-nowrap">{u.last_sign_in.map(when).unwrap_or_else(|| "Never".into())}</td>
            <td class="px-3 py-2 whitespace-nowrap">{day(u.created_at)}</td>
            <td class="px-3 py-2">
                <div class="flex flex-wrap justify-end gap-2">
                    {(!is_me && active).then(|| view! {
                        <ActionForm action=a.deactivate>
                            <input type="hidden" name="id" value=id_off.clone()/>
                            <Button kind="submit" variant=ButtonVariant::Danger>"Deactivate"</Button>
                        </ActionForm>
                    })}
                    {(!active).then(|| view! {
                        <ActionForm action=a.reactivate>
                            <input type="hidden" name="id" value=id_on.clone()/>
                            <Button kind="submit" variant=ButtonVariant::Secondary>"Reactivate"</Button>
                        </ActionForm>
                    })}
                    {active.then(|| view! {
                        <ActionForm action=a.reset>
                            <input type="hidden" name="id" value=id_reset.clone()/>
                            <Button kind="submit" variant=ButtonVariant::Secondary>"Send reset link"</Button>
                        </ActionForm>
                    })}
                    <ActionForm action=a.admin>
                        <input type="hidden" name="id" value=id/>
                        <input type="hidden" name="admin" value=(!u.is_platform_admin).to_string()/>
                        <Button kind="submit" variant=ButtonVariant::Secondary>
                            {if u.is_platform_admin { "Revoke admin" } else { "Make admin" }}
                        </Button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}

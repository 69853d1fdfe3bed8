//! `/admin/tenants`: organisations, searched and filtered by the URL (`?q=…&state=…`), and a
//! form that creates one with an invitation for its first owner.

use super::{day, failed, FilterButtons};
use crate::api::admin::tenants::{list_admin_tenants, CreateTenant};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::admin::{AdminTenant, TenantState, LIST_LIMIT, PATH, TENANTS};

#[component]
pub(super) fn TenantsSection() -> impl IntoView {
    let create = ServerAction::<CreateTenant>::new();
    toast_results(
        create,
        "Organisation created; its owner's invitation is in the mailbox.",
    );
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let state = move || query.with(|q| q.get("state").and_then(|s| TenantState::parse(&s)));
    let list = Resource::new(
        move || (search(), state(), create.version().get()),
        |(search, state, _)| list_admin_tenants(search, state),
    );
    let here = format!("{PATH}/{TENANTS}");
    let clear = here.clone();
    let mut states = vec![(String::new(), "Any".to_string())];
    states.extend(TenantState::options());
    view! {
        <Title text="Organisations · Admin"/>
        <PageHeader title="Organisations" description="Every organisation on this installation: its plan, its people, and suspending it."/>
        <form method="get" action=here class="flex flex-wrap items-end gap-3" role="search">
            <div class="w-72">
                <TextInput label="Find an organisation" name="q" value=search() placeholder="A name or an organisation id"/>
            </div>
            <div class="w-44">
                <Select label="State" name="state" options=states selected=state().map(|s| s.as_str().to_string()).unwrap_or_default()/>
            </div>
            <FilterButtons clear=clear/>
        </form>
        <Transition fallback=|| view! { <p class="mt-4 text-sm text-slate-600">"Loading organisations…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => failed(e),
                    Ok(list) => view! { <TenantTable list/> }.into_any(),
                }
            })}
        </Transition>
        <CreateTenantForm create/>
    }
}

#[component]
fn TenantTable(list: Vec<AdminTenant>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-6 text-sm text-slate-600" data-testid="no-tenants">"No organisation matches."</p> }.into_any();
    }
    let n = i64::try_from(list.len()).unwrap_or(i64::MAX);
    view! {
        <p class="mt-4 text-sm text-slate-600">
            {if n >= LIST_LIMIT { format!("The newest {LIST_LIMIT}; search to narrow them.") } else { count_label(n, LIST_LIMIT, "organisation", "organisations") }}
        </p>
        <div class="mt-2 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="tenants">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Organisation"</th>
                        <th scope="col" class="px-3 py-2">"Plan"</th>
                        <th scope="col" class="px-3 py-2">"Members"</th>
                        <th scope="col" class="px-3 py-2">"Created"</th>
                        <th scope="col" class="px-3 py-2">"State"</th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {list.into_iter().map(|t| view! {
                        <tr data-testid="tenant-row">
                            <td class="px-3 py-2">
                                <a href=format!("{PATH}/{TENANTS}/{}", t.id) class=format!("font-medium text-indigo-700 hover:underline {FOCUS_RING}")>{t.name.clone()}</a>
                            </td>
                            <td class="px-3 py-2">
                                {t.plan.clone().unwrap_or_else(|| "—".into())}
                                {t.status.map(|s| view! { <span class="ml-2 text-xs text-slate-600">{s.label()}</span> })}
                            </td>
                            <td class="px-3 py-2">{t.members}</td>
                            <td class="px-3 py-2 whitespace-nowrap">{day(t.created_at)}</td>
                            <td class="px-3 py-2">
                                {match t.suspended_at {
                                    Some(_) => view! { <span title=t.suspended_reason.clone().unwrap_or_default()><Badge tone=Tone::Danger>"Suspended"</Badge></span> }.into_any(),
                                    None => view! { <Badge tone=Tone::Success>"Active"</Badge> }.into_any(),
                                }}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn CreateTenantForm(create: ServerAction<CreateTenant>) -> impl IntoView {
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="mt-10 max-w-xl rounded-lg bg-white p-6 ring-1 ring-slate-200" aria-labelledby="create-tenant-h">
            <h2 id="create-tenant-h" class="text-base font-semibold">"Create an organisation"</h2>
            <p class="mt-1 text-sm text-slate-600">"Its first owner is invited by mail and sets their own password. It starts on the trial, like a sign-up."</p>
            <ActionForm action=create attr:class="mt-4 space-y-4">
                <FormAlert message=form_error(create, &["name", "owner_email"])/>
                <TextInput label="Name" name="name" required=true maxlength=100 error=field_error(create, "name")/>
                <TextInput label="Owner's e-mail" name="owner_email" kind="email" required=true error=field_error(create, "owner_email")/>
                <Button kind="submit" busy=create.pending()>"Create and invite"</Button>
            </ActionForm>
            {move || created().map(|(id, inv)| view! {
                <p class="mt-4 text-sm text-slate-700" data-testid="tenant-created">
                    {format!("Invited {}. ", inv.invitation.email)}
                    <a href=format!("{PATH}/{TENANTS}/{id}") class="font-medium text-indigo-700 hover:underline">"Open the organisation"</a>
                </p>
            })}
        </section>
    }
}

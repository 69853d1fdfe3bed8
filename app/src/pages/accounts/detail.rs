//! One account: its fields (editable), its contacts (and adding one), its deals, the
//! timeline of everything logged about it, its contacts and its deals, tasks, and deletion.

use super::AccountFields;
use crate::api::accounts::{get_account, DeleteAccount, UpdateAccount};
use crate::api::activities::{CompleteTask, CreateTask, LogActivity};
use crate::api::contacts::CreateContact;
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use crate::pages::contacts::ContactFields;
use crate::pages::leads::detail::{LogActivityForm, TasksPanel, Timeline};
use crate::pages::records::{custom_rows, field_row, ConfirmDelete, DealsPanel, DeletePanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::members::Member;
use models::sales::account::{AccountDetail, AccountInput};
use models::sales::contact::ContactInput;
use models::sales::custom_field::values_as_text;
use models::sales::format_money;
use models::session::SessionUser;
use models::{AccountId, AppError, Role};

#[component]
pub fn AccountDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateAccount>::new();
    let log = ServerAction::<LogActivity>::new();
    let task = ServerAction::<CreateTask>::new();
    let done = ServerAction::<CompleteTask>::new();
    let add_contact = ServerAction::<CreateContact>::new();
    let delete = ServerAction::<DeleteAccount>::new();
    toast_results(update, "Account saved.");
    let data = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                log.version().get(),
                task.version().get(),
                done.version().get(),
            )
        },
        |(id, ..)| async move {
            let id: AccountId = id
                .parse()
                .map_err(|_| AppError::not_found("That account"))?;
            get_account(id).await
        },
    );
    // One server call per resource (see the leads page).
    let members = Resource::new(|| (), |_| list_members());
    let data = move || async move { Ok::<_, AppError>((data.await?, members.await?)) };
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading account…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((detail, members)) => view! { <AccountView detail members update log task done add_contact delete/> }.into_any(),
                    Err(e) => view! {
                        <Title text="Account"/>
                        <EmptyState title="Account not available" body=e.to_string()>
                            <a href="/accounts" class="text-sm font-medium text-indigo-600">"Back to accounts"</a>
                        </EmptyState>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AccountView(
    detail: AccountDetail,
    members: Vec<Member>,
    update: ServerAction<UpdateAccount>,
    log: ServerAction<LogActivity>,
    task: ServerAction<CreateTask>,
    done: ServerAction<CompleteTask>,
    add_contact: ServerAction<CreateContact>,
    delete: ServerAction<DeleteAccount>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let a = detail.account.clone();
    let can_edit = me.role.at_least(Role::Manager) || a.owner_id == Some(me.user_id);
    let can_assign = me.role.at_least(Role::Manager);
    let subtitle = [a.domain.clone(), a.industry.clone(), a.country.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let id = a.id;
    let more_contacts = detail.contact_count > detail.contacts.len() as i64;
    let new_contact = ContactInput {
        account: a.name.clone(),
        ..ContactInput::default()
    };
    let dl = |label: &str, value: String| field_row(label.to_string(), value);
    let edit_members = members.clone();
    view! {
        <Title text=a.name.clone()/>
        <nav class="mb-2 text-sm"><a href="/accounts" class="text-indigo-600 hover:text-indigo-500">"← Accounts"</a></nav>
        <PageHeader title=a.name.clone() description=subtitle/>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="details-h">
                    <h2 id="details-h" class="text-base font-semibold">"Details"</h2>
                    <dl class="mt-3 divide-y divide-slate-100" data-testid="account-details">
                        {dl("Domain", a.domain.clone())}
                        {dl("Industry", a.industry.clone())}
                        {dl("Employees", a.employee_count.map(|n| format::count(n.into())).unwrap_or_default())}
                        {dl("Annual revenue", a.annual_revenue_minor.map(|m| format_money(m, &detail.currency, true)).unwrap_or_default())}
                        {dl("Country", a.country.clone())}
                        {dl("Region", a.region.clone())}
                        {dl("Owner", a.owner_name.clone().unwrap_or_else(|| "Unassigned".into()))}
                        {dl("Created", format::when(a.created_at))}
                        {a.external_source.clone().map(|s| dl("Synced from", format!("{s} ({})", a.external_id.clone().unwrap_or_default())))}
                        {custom_rows(&detail.custom_fields, &values_as_text(&a.custom))}
                    </dl>
                    {can_edit.then(|| view! {
                        <details class="mt-4" data-testid="edit-account" open=move || update.value().with(|v| matches!(v, Some(Err(_))))>
                            <summary class=format!("cursor-pointer rounded text-sm font-semibold text-indigo-700 {FOCUS_RING}")>"Edit account"</summary>
                            <ActionForm action=update attr:class="mt-4">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <AccountFields action=update value=AccountInput::from(&a) members=edit_members custom_fields=detail.custom_fields.clone() can_assign/>
                                <div class="mt-4 flex justify-end"><Button kind="submit" busy=update.pending()>"Save changes"</Button></div>
                            </ActionForm>
                        </details>
                    })}
                </section>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="contacts-h">
                    <div class="flex items-center justify-between">
                        <h2 id="contacts-h" class="text-base font-semibold">{format!("Contacts ({})", format::count(detail.contact_count))}</h2>
                        {more_contacts.then(|| view! { <a class="text-sm font-medium text-indigo-600" href=format!("/contacts?account={id}")>"All contacts →"</a> })}
                    </div>
                    <ul class="mt-3 divide-y divide-slate-100" data-testid="account-contacts">
                        {detail.contacts.iter().map(|c| view! {
                            <li class="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                                <span>
                                    <a class="font-medium text-indigo-700 hover:underline" href=format!("/contacts/{}", c.id)>{c.full_name.clone()}</a>
                                    {(!c.title.is_empty()).then(|| view! { <span class="text-slate-600">{format!(" · {}", c.title)}</span> })}
                                </span>
                                <span class="text-slate-700">{c.email.clone()}</span>
                            </li>
                        }).collect_view()}
                        {detail.contacts.is_empty().then(|| view! { <li class="py-2 text-sm text-slate-600">"No contacts yet."</li> })}
                    </ul>
                    <details class="mt-4" data-testid="add-contact" open=move || add_contact.value().with(|v| matches!(v, Some(Err(_))))>
                        <summary class=format!("cursor-pointer rounded text-sm font-semibold text-indigo-700 {FOCUS_RING}")>"Add a contact"</summary>
                        <ActionForm action=add_contact attr:class="mt-4">
                            <ContactFields action=add_contact value=new_contact members=members.clone() custom_fields=Vec::new() can_assign/>
                            <div class="mt-4 flex justify-end"><Button kind="submit" busy=add_contact.pending()>"Add contact"</Button></div>
                        </ActionForm>
                    </details>
                </section>
                <DealsPanel deals=detail.deals.clone()/>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="activity-h">
                    <h2 id="activity-h" class="text-base font-semibold">"Activity"</h2>
                    <p class="mt-1 text-xs text-slate-600">"What was logged about the account, its contacts and its deals."</p>
                    <LogActivityForm log about_type="account" about_id=id.to_string()/>
                    <Timeline activities=detail.activities.clone()/>
                </section>
            </div>
            <div class="space-y-6">
                <TasksPanel tasks=detail.tasks.clone() task done about_type="account" about_id=id.to_string()/>
                {can_edit.then(|| view! {
                    <DeletePanel what="account" note="Removes the account with its activities and tasks. Its contacts and deals stay, without an account." error=form_error(delete, &[])>
                        <ActionForm action=delete>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <ConfirmDelete what="account"/>
                        </ActionForm>
                    </DeletePanel>
                })}
            </div>
        </div>
    }
}

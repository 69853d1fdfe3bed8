//! One contact: their fields (editable), account, deals, timeline, tasks, and deletion.

use super::ContactFields;
use crate::api::activities::{CompleteTask, CreateTask, LogActivity};
use crate::api::contacts::{get_contact, DeleteContact, UpdateContact};
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use crate::pages::leads::detail::{LogActivityForm, TasksPanel, Timeline};
use crate::pages::records::{custom_rows, field_row, ConfirmDelete, DealsPanel, DeletePanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::members::Member;
use models::sales::contact::{ContactDetail, ContactInput};
use models::sales::custom_field::values_as_text;
use models::session::SessionUser;
use models::{AppError, ContactId, Role};

#[component]
pub fn ContactDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateContact>::new();
    let log = ServerAction::<LogActivity>::new();
    let task = ServerAction::<CreateTask>::new();
    let done = ServerAction::<CompleteTask>::new();
    let delete = ServerAction::<DeleteContact>::new();
    toast_results(update, "Contact saved.");
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
            let id: ContactId = id
                .parse()
                .map_err(|_| AppError::not_found("That contact"))?;
            get_contact(id).await
        },
    );
    // One server call per resource (see the leads page).
    let members = Resource::new(|| (), |_| list_members());
    let data = move || async move { Ok::<_, AppError>((data.await?, members.await?)) };
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading contact…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((detail, members)) => view! { <ContactView detail members update log task done delete/> }.into_any(),
                    Err(e) => view! {
                        <Title text="Contact"/>
                        <EmptyState title="Contact not available" body=e.to_string()>
                            <a href="/contacts" class="text-sm font-medium text-indigo-600">"Back to contacts"</a>
                        </EmptyState>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContactView(
    detail: ContactDetail,
    members: Vec<Member>,
    update: ServerAction<UpdateContact>,
    log: ServerAction<LogActivity>,
    task: ServerAction<CreateTask>,
    done: ServerAction<CompleteTask>,
    delete: ServerAction<DeleteContact>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let c = detail.contact.clone();
    let can_edit = me.role.at_least(Role::Manager) || c.owner_id == Some(me.user_id);
    let can_assign = me.role.at_least(Role::Manager);
    let name = c.full_name();
    let id = c.id;
    let dl = |label: &str, value: String| field_row(label.to_string(), value);
    let account_link = c.account_id.zip(c.account_name.clone());
    view! {
        <Title text=name.clone()/>
        <nav class="mb-2 text-sm"><a href="/contacts" class="text-indigo-600 hover:text-indigo-500">"← Contacts"</a></nav>
        <PageHeader title=name description=c.title.clone()>
            {account_link.map(|(aid, an)| view! {
                <a class="text-sm font-medium text-indigo-600 hover:underline" href=format!("/accounts/{aid}") data-testid="contact-account">{format!("{an} →")}</a>
            })}
        </PageHeader>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="details-h">
                    <h2 id="details-h" class="text-base font-semibold">"Details"</h2>
                    <dl class="mt-3 divide-y divide-slate-100" data-testid="contact-details">
                        {dl("E-mail", c.email.clone())}
                        {dl("Phone", c.phone.clone())}
                        {dl("Title", c.title.clone())}
                        {dl("Seniority", c.seniority.clone())}
                        {dl("LinkedIn", c.linkedin_url.clone())}
                        {dl("Account", c.account_name.clone().unwrap_or_default())}
                        {dl("Owner", c.owner_name.clone().unwrap_or_else(|| "Unassigned".into()))}
                        {dl("Created", format::when(c.created_at))}
                        {c.external_source.clone().map(|s| dl("Synced from", format!("{s} ({})", c.external_id.clone().unwrap_or_default())))}
                        {custom_rows(&detail.custom_fields, &values_as_text(&c.custom))}
                    </dl>
                    {can_edit.then(|| view! {
                        <details class="mt-4" data-testid="edit-contact" open=move || update.value().with(|v| matches!(v, Some(Err(_))))>
                            <summary class=format!("cursor-pointer rounded text-sm font-semibold text-indigo-700 {FOCUS_RING}")>"Edit contact"</summary>
                            <ActionForm action=update attr:class="mt-4">
                                <input type="hidden" name="id" value=id.to_string()/>
                                <ContactFields action=update value=ContactInput::from(&c) members=members.clone() custom_fields=detail.custom_fields.clone() can_assign/>
                                <div class="mt-4 flex justify-end"><Button kind="submit" busy=update.pending()>"Save changes"</Button></div>
                            </ActionForm>
                        </details>
                    })}
                </section>
                <DealsPanel deals=detail.deals.clone()/>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="activity-h">
                    <h2 id="activity-h" class="text-base font-semibold">"Activity"</h2>
                    <LogActivityForm log about_type="contact" about_id=id.to_string()/>
                    <Timeline activities=detail.activities.clone()/>
                </section>
            </div>
            <div class="space-y-6">
                <TasksPanel tasks=detail.tasks.clone() task done about_type="contact" about_id=id.to_string()/>
                {can_edit.then(|| view! {
                    <DeletePanel what="contact" note="Removes the contact with their activities and tasks. The deals they are on stay." error=form_error(delete, &[])>
                        <ActionForm action=delete>
                            <input type="hidden" name="id" value=id.to_string()/>
                            <ConfirmDelete what="contact"/>
                        </ActionForm>
                    </DeletePanel>
                })}
            </div>
        </div>
    }
}

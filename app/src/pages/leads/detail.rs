//! One lead: its fields (editable), the score with its explanation (`score`), the activity timeline,
//! tasks, conversion into contact + account (+ deal), and deletion.

use super::form::LeadFields;
use super::status_tone;
use crate::api::activities::{CompleteTask, CreateTask, LogActivity};
use crate::api::leads::{get_lead, ConvertLead, DeleteLead, UpdateLead};
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use crate::pages::qualification::{QualificationActions, QualificationPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::agents::qualifier::Qualification;
use models::members::Member;
use models::sales::activity::{Activity, ActivityKind, Task};
use models::sales::lead::{Lead, LeadDetail, LeadInput, LeadStatus};
use models::session::SessionUser;
use models::{AppError, LeadId, Role};

#[component]
pub fn LeadDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateLead>::new();
    let log = ServerAction::<LogActivity>::new();
    let task = ServerAction::<CreateTask>::new();
    let done = ServerAction::<CompleteTask>::new();
    let convert = ServerAction::<ConvertLead>::new();
    let delete = ServerAction::<DeleteLead>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(_)) = update.value().get() {
            toasts.push(ToastKind::Success, "Lead saved.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = convert.value().get() {
            let what = if c.account_matched {
                "matched an existing account"
            } else {
                "created an account"
            };
            toasts.push(
                ToastKind::Success,
                format!("Converted: {what} and a contact."),
            );
        }
    });
    let data = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                log.version().get(),
                task.version().get(),
                done.version().get(),
                convert.version().get(),
            )
        },
        |(id, ..)| async move {
            let id: LeadId = id.parse().map_err(|_| AppError::not_found("That lead"))?;
            get_lead(id).await
        },
    );
    // One server call per resource (see the leads page).
    let members = Resource::new(|| (), |_| list_members());
    let qa = QualificationActions::new();
    let qualification = qa.resource("lead", id, move || log.version().get());
    let data = move || async move {
        Ok::<_, AppError>((data.await?, members.await?, qualification.await?))
    };
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading lead…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((detail, members, q)) => view! { <LeadView detail members q qa update log task done convert delete/> }.into_any(),
                    Err(e) => view! {
                        <Title text="Lead"/>
                        <EmptyState title="Lead not available" body=e.to_string()>
                            <a href="/leads" class="text-sm font-medium text-indigo-600">"Back to leads"</a>
                        </EmptyState>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn LeadView(
    detail: LeadDetail,
    members: Vec<Member>,
    q: Qualification,
    qa: QualificationActions,
    update: ServerAction<UpdateLead>,
    log: ServerAction<LogActivity>,
    task: ServerAction<CreateTask>,
    done: ServerAction<CompleteTask>,
    convert: ServerAction<ConvertLead>,
    delete: ServerAction<DeleteLead>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let lead = detail.lead.clone();
    let can_edit = me.role.at_least(Role::Manager) || lead.owner_id == Some(me.user_id);
    let can_assign = me.role.at_least(Role::Manager);
    let name = lead.full_name();
    let subtitle = [lead.title.clone(), lead.company.clone()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" at ");
    let dl_row = |label: &'static str, value: String| {
        view! {
            <div class="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
                <dt class="text-sm font-medium text-slate-600">{label}</dt>
                <dd class="text-sm text-slate-900 sm:col-span-2">{if value.is_empty() { "—".to_string() } else { value }}</dd>
            </div>
        }
    };
    let custom_rows = detail.custom_fields.iter().map(|f| {
        let v = lead.custom.get(&f.key).map(models::sales::custom_field::value_as_text).unwrap_or_default();
        view! {
            <div class="py-2 sm:grid sm:grid-cols-3 sm:gap-4">
                <dt class="text-sm font-medium text-slate-600">{f.label.clone()}</dt>
                <dd class="text-sm text-slate-900 sm:col-span-2">{if v.is_empty() { "—".to_string() } else { v }}</dd>
            </div>
        }
    }).collect_view();
    let input = LeadInput::from(&lead);
    let lead_id = lead.id;
    view! {
        <Title text=name.clone()/>
        <nav class="mb-2 text-sm"><a href="/leads" class="text-indigo-600 hover:text-indigo-500">"← Leads"</a></nav>
        <PageHeader title=name.clone() description=subtitle>
            <div class="flex items-center gap-3">
                <Badge tone=status_tone(lead.status)>{lead.status.label()}</Badge>
                <span class="text-sm text-slate-700" data-testid="lead-score">{format!("Score {}", lead.score)}</span>
            </div>
        </PageHeader>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="details-h">
                    <h2 id="details-h" class="text-base font-semibold">"Details"</h2>
                    <dl class="mt-3 divide-y divide-slate-100">
                        {dl_row("E-mail", lead.email.clone())}
                        {dl_row("Phone", lead.phone.clone())}
                        {dl_row("Company", lead.company.clone())}
                        {dl_row("Domain", lead.domain.clone())}
                        {dl_row("Industry", lead.industry.clone())}
                        {dl_row("Employees", lead.employee_count.map(|n| format::count(n as i64)).unwrap_or_default())}
                        {dl_row("Country", lead.country.clone())}
                        {dl_row("Source", lead.source.clone())}
                        {dl_row("Owner", lead.owner_name.clone().unwrap_or_else(|| "Unassigned".into()))}
                        {dl_row("Created", format::when(lead.created_at))}
                        {dl_row("Last activity", lead.last_activity_at.map(format::when).unwrap_or_default())}
                        {custom_rows}
                    </dl>
                    {can_edit.then(|| view! {
                        <details class="mt-4" data-testid="edit-lead">
                            <summary class=format!("cursor-pointer rounded text-sm font-semibold text-indigo-700 {FOCUS_RING}")>"Edit lead"</summary>
                            <ActionForm action=update attr:class="mt-4">
                                <input type="hidden" name="id" value=lead_id.to_string()/>
                                <LeadFields action=update value=input members=members.clone() custom_fields=detail.custom_fields.clone() except=lead_id can_assign/>
                                <div class="mt-4 flex justify-end"><Button kind="submit" busy=update.pending()>"Save changes"</Button></div>
                            </ActionForm>
                        </details>
                    })}
                </section>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="activity-h">
                    <h2 id="activity-h" class="text-base font-semibold">"Activity"</h2>
                    <LogActivityForm log about_type="lead" about_id=lead_id.to_string()/>
                    <Timeline activities=detail.activities.clone()/>
                </section>
            </div>
            <div class="space-y-6">
                <super::score::ScorePanel lead=lead.clone()/>
                <QualificationPanel q subject_kind="lead" subject_id=lead_id.to_string() actions=qa/>
                <TasksPanel tasks=detail.tasks.clone() task done about_type="lead" about_id=lead_id.to_string()/>
                <ConvertPanel lead=lead.clone() can_edit convert/>
                {can_edit.then(|| view! {
                    <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="danger-h">
                        <h2 id="danger-h" class="text-base font-semibold">"Delete"</h2>
                        <p class="mt-1 text-sm text-slate-600">"Removes the lead with its activities and tasks."</p>
                        <details class="mt-3">
                            <summary class=format!("cursor-pointer rounded text-sm font-semibold text-red-700 {FOCUS_RING}")>"Delete lead…"</summary>
                            <ActionForm action=delete attr:class="mt-3">
                                <input type="hidden" name="id" value=lead_id.to_string()/>
                                <p class="text-sm text-slate-700">"This cannot be undone."</p>
                                <Button kind="submit" variant=ButtonVariant::Danger class="mt-2">"Yes, delete this lead"</Button>
                            </ActionForm>
                        </details>
                        <FormAlert message=form_error(delete, &[])/>
                    </section>
                })}
            </div>
        </div>
    }
}

/// Converting the lead: done (with its deal), the form, or who may.
#[component]
fn ConvertPanel(lead: Lead, can_edit: bool, convert: ServerAction<ConvertLead>) -> impl IntoView {
    let converted = lead.status == LeadStatus::Converted;
    let lead_id = lead.id;
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="convert-h">
            <h2 id="convert-h" class="text-base font-semibold">"Convert"</h2>
            {if converted {
                view! {
                    <p class="mt-2 text-sm text-slate-700">{format!("Converted {}.", lead.converted_at.map(format::day).unwrap_or_default())}</p>
                    <div class="mt-2 flex flex-col gap-1 text-sm font-medium">
                        {lead.converted_contact_id.map(|c| view! { <a class="text-indigo-600" href=format!("/contacts/{c}") data-testid="converted-contact">"Open the contact →"</a> })}
                        {lead.converted_account_id.map(|a| view! { <a class="text-indigo-600" href=format!("/accounts/{a}") data-testid="converted-account">"Open the account →"</a> })}
                        {lead.converted_opportunity_id.map(|o| view! { <a class="text-indigo-600" href=format!("/opportunities/{o}") data-testid="converted-opportunity">"Open the opportunity →"</a> })}
                    </div>
                }.into_any()
            } else if can_edit {
                view! {
                    <p class="mt-1 text-sm text-slate-600">"Makes a contact, attaches it to the account with this domain (or a new one), and can open a deal."</p>
                    <ActionForm action=convert attr:class="mt-3 space-y-3" attr:data-testid="convert-form">
                        <input type="hidden" name="id" value=lead_id.to_string()/>
                        <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="input[create_opportunity]" value="true" checked=true/>"Also create an opportunity"</label>
                        <TextInput label="Opportunity name" name="input[opportunity_name]" placeholder=format!("{} deal", if lead.company.is_empty() { lead.last_name.clone() } else { lead.company.clone() }) error=field_error(convert, "opportunity_name")/>
                        <TextInput label="Amount" name="input[amount]" placeholder="25,000" error=field_error(convert, "amount")/>
                        <TextInput label="Close date" name="input[close_date]" kind="date" error=field_error(convert, "close_date")/>
                        <FormAlert message=form_error(convert, &["opportunity_name", "amount", "close_date"])/>
                        <Button kind="submit" busy=convert.pending()>"Convert lead"</Button>
                    </ActionForm>
                }.into_any()
            } else {
                view! { <p class="mt-2 text-sm text-slate-600">"Only its owner or a manager can convert this lead."</p> }.into_any()
            }}
        </section>
    }
}

/// Log a call, e-mail, meeting or note about a record.
#[component]
pub fn LogActivityForm(
    log: ServerAction<LogActivity>,
    about_type: &'static str,
    about_id: String,
) -> impl IntoView {
    let kinds = ActivityKind::options();
    view! {
        <ActionForm action=log attr:class="mt-3 grid gap-3 rounded-md bg-slate-50 p-4 sm:grid-cols-2" attr:data-testid="log-activity">
            <input type="hidden" name="about_type" value=about_type/>
            <input type="hidden" name="about_id" value=about_id/>
            <Select label="Type" name="input[kind]" options=kinds selected="call" error=field_error(log, "kind")/>
            <TextInput label="Subject" name="input[subject]" required=true maxlength=200 error=field_error(log, "subject")/>
            <TextInput label="Outcome" name="input[outcome]" placeholder="Connected, left voicemail…" error=field_error(log, "outcome")/>
            <TextInput label="When (UTC, empty for now)" name="input[occurred_at]" kind="datetime-local" error=field_error(log, "occurred_at")/>
            <div class="space-y-1.5 sm:col-span-2">
                <label for="activity-body" class="block text-sm font-medium text-slate-700">"Notes"</label>
                <textarea id="activity-body" name="input[body]" rows="2" class="block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"></textarea>
            </div>
            <FormAlert message=form_error(log, &["kind", "subject", "outcome", "occurred_at"])/>
            <div class="sm:col-span-2"><Button kind="submit" busy=log.pending()>"Log activity"</Button></div>
        </ActionForm>
    }
}

#[component]
pub fn Timeline(activities: Vec<Activity>) -> impl IntoView {
    let empty = activities.is_empty();
    view! {
        <ol class="mt-4 space-y-3" data-testid="timeline">
            {activities.into_iter().map(|a| view! {
                // The anchor the Qualifier's evidence links to.
                <li class="rounded-md border border-slate-100 p-3 target:ring-2 target:ring-indigo-400" id=format!("activity-{}", a.id)>
                    <div class="flex flex-wrap items-center justify-between gap-2">
                        <span class="text-sm font-medium"><Badge>{a.kind.label()}</Badge>" "{a.subject.clone()}</span>
                        <span class="text-xs text-slate-600">{format!("{} · {}", format::when(a.occurred_at), a.user_name.clone().unwrap_or_default())}</span>
                    </div>
                    {(!a.outcome.is_empty()).then(|| view! { <p class="mt-1 text-xs text-slate-700">{format!("Outcome: {}", a.outcome)}</p> })}
                    {(!a.body.is_empty()).then(|| view! { <p class="mt-1 whitespace-pre-line text-sm text-slate-700">{a.body.clone()}</p> })}
                </li>
            }).collect_view()}
            {empty.then(|| view! { <li class="text-sm text-slate-600">"No activity yet."</li> })}
        </ol>
    }
}

#[component]
pub fn TasksPanel(
    tasks: Vec<Task>,
    task: ServerAction<CreateTask>,
    done: ServerAction<CompleteTask>,
    about_type: &'static str,
    about_id: String,
) -> impl IntoView {
    let today = chrono::Utc::now().date_naive();
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="tasks-h">
            <h2 id="tasks-h" class="text-base font-semibold">"Tasks"</h2>
            <ul class="mt-3 space-y-2">
                {tasks.into_iter().map(|t| {
                    let overdue = t.done_at.is_none() && t.due_on < today;
                    view! {
                        <li class="flex items-start justify-between gap-2 text-sm">
                            <span class=if t.done_at.is_some() { "text-slate-500 line-through" } else { "" }>
                                {t.title.clone()}
                                <span class=if overdue { "block text-xs text-red-700" } else { "block text-xs text-slate-600" }>
                                    {format!("Due {}{} · {}", format::date(t.due_on), if overdue { " (overdue)" } else { "" }, t.assignee_name.clone().unwrap_or_default())}
                                </span>
                            </span>
                            {t.done_at.is_none().then(|| view! {
                                <ActionForm action=done>
                                    <input type="hidden" name="id" value=t.id.to_string()/>
                                    <button type="submit" class="rounded px-2 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50" aria-label=format!("Mark {} done", t.title)>"Done"</button>
                                </ActionForm>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=task attr:class="mt-4 space-y-2" attr:data-testid="create-task">
                <input type="hidden" name="about_type" value=about_type/>
                <input type="hidden" name="about_id" value=about_id/>
                <TextInput label="New task" name="input[title]" placeholder="Call back on Tuesday" error=field_error(task, "title")/>
                <TextInput label="Due" name="input[due_on]" kind="date" value=today.to_string() error=field_error(task, "due_on")/>
                <input type="hidden" name="input[assignee_id]" value=""/>
                <FormAlert message=form_error(task, &["title", "due_on"])/>
                <Button kind="submit" variant=ButtonVariant::Secondary>"Add task"</Button>
            </ActionForm>
        </section>
    }
}

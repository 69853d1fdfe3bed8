//! One opportunity: edit its fields, win or lose it (a lost deal needs its reason), its stage
//! history, contacts and their roles, activities and tasks; delete it (a confirm step that
//! works without JavaScript).

use crate::api::activities::{CompleteTask, CreateTask, LogActivity};
use crate::api::members::list_members;
use crate::api::pipeline::{
    get_opportunity, DeleteOpportunity, MoveOpportunity, UpdateOpportunity,
};
use crate::components::*;
use crate::format;
use crate::pages::leads::detail::{LogActivityForm, TasksPanel, Timeline};
use crate::pages::qualification::{QualificationActions, QualificationPanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::agents::qualifier::Qualification;
use models::members::Member;
use models::sales::format_money;
use models::sales::opportunity::OpportunityDetail;
use models::sales::stage::{ForecastCategory, StageKind};
use models::session::SessionUser;
use models::{AppError, OpportunityId, Role, StageId};

#[component]
pub fn OpportunityPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let update = ServerAction::<UpdateOpportunity>::new();
    let move_deal = ServerAction::<MoveOpportunity>::new();
    let log = ServerAction::<LogActivity>::new();
    let task = ServerAction::<CreateTask>::new();
    let done = ServerAction::<CompleteTask>::new();
    let delete = ServerAction::<DeleteOpportunity>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(Ok(o)) = update.value().get() {
            toasts.push(ToastKind::Success, format!("{} saved.", o.name));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(o)) = move_deal.value().get() {
            toasts.push(ToastKind::Success, format!("Moved to {}.", o.stage.name));
        }
    });
    let data = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                move_deal.version().get(),
                log.version().get(),
                task.version().get(),
                done.version().get(),
            )
        },
        |(id, ..)| async move {
            let id: OpportunityId = id
                .parse()
                .map_err(|_| AppError::not_found("That opportunity"))?;
            get_opportunity(id).await
        },
    );
    // One server call per resource (see the leads page).
    let members = Resource::new(|| (), |_| list_members());
    let qa = QualificationActions::new();
    let qualification = qa.resource("opportunity", id, move || log.version().get());
    let data = move || async move {
        Ok::<_, AppError>((data.await?, members.await?, qualification.await?))
    };
    view! {
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((detail, members, q)) => view! { <OpportunityView detail members q qa update move_deal log task done delete/> }.into_any(),
                    Err(e) => view! {
                        <Title text="Opportunity"/>
                        <EmptyState title="Opportunity not available" body=e.to_string()>
                            <a href="/pipeline" class="text-sm font-medium text-indigo-600">"Back to the pipeline"</a>
                        </EmptyState>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Marking an open deal won or lost.
#[component]
fn ClosePanel(
    id: OpportunityId,
    won: Option<StageId>,
    lost: Option<StageId>,
    move_deal: ServerAction<MoveOpportunity>,
) -> impl IntoView {
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="close-h">
            <h2 id="close-h" class="text-base font-semibold">"Close the deal"</h2>
            {won.map(|w| view! {
                <ActionForm action=move_deal attr:class="mt-3">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="stage_id" value=w.to_string()/>
                    <Button kind="submit">"Mark won"</Button>
                </ActionForm>
            })}
            {lost.map(|l| view! {
                <ActionForm action=move_deal attr:class="mt-4 space-y-2">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="stage_id" value=l.to_string()/>
                    <TextInput label="Why was it lost?" name="lost_reason" error=field_error(move_deal, "lost_reason")/>
                    <Button kind="submit" variant=ButtonVariant::Danger>"Mark lost"</Button>
                </ActionForm>
            })}
        </section>
    }
}

/// Deleting the deal: the button only opens the confirm step (a `<details>`, so it works
/// without JavaScript); the form inside deletes.
#[component]
fn DeletePanel(id: OpportunityId, delete: ServerAction<DeleteOpportunity>) -> impl IntoView {
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="opp-danger-h">
            <h2 id="opp-danger-h" class="text-base font-semibold">"Delete"</h2>
            <p class="mt-1 text-sm text-slate-600">"Removes the deal with its stage history, activities and tasks; the dashboard no longer counts it."</p>
            <details class="mt-3">
                <summary class=format!("cursor-pointer rounded text-sm font-semibold text-red-700 {FOCUS_RING}")>"Delete opportunity…"</summary>
                <ActionForm action=delete attr:class="mt-3">
                    <input type="hidden" name="id" value=id.to_string()/>
                    <p class="text-sm text-slate-700">"This cannot be undone."</p>
                    <Button kind="submit" variant=ButtonVariant::Danger class="mt-2" busy=delete.pending()>"Yes, delete this opportunity"</Button>
                </ActionForm>
            </details>
            <FormAlert message=form_error(delete, &[])/>
        </section>
    }
}

#[component]
fn OpportunityView(
    detail: OpportunityDetail,
    members: Vec<Member>,
    q: Qualification,
    qa: QualificationActions,
    update: ServerAction<UpdateOpportunity>,
    move_deal: ServerAction<MoveOpportunity>,
    log: ServerAction<LogActivity>,
    task: ServerAction<CreateTask>,
    done: ServerAction<CompleteTask>,
    delete: ServerAction<DeleteOpportunity>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let o = detail.opportunity.clone();
    let can_edit = me.role.at_least(Role::Manager) || o.owner_id == Some(me.user_id);
    let id = o.id;
    let stage_of = |kind| detail.stages.iter().find(|s| s.kind == kind).map(|s| s.id);
    let (won, lost) = (stage_of(StageKind::Won), stage_of(StageKind::Lost));
    let stages: Vec<(String, String)> = detail
        .stages
        .iter()
        .map(|s| (s.id.to_string(), format!("{} ({}%)", s.name, s.probability)))
        .collect();
    let mut owners = vec![(String::new(), "Unassigned".to_string())];
    owners.extend(
        members
            .iter()
            .map(|m| (m.user_id.to_string(), m.name.clone())),
    );
    let mut categories = vec![(
        String::new(),
        format!("From the stage ({})", o.stage.forecast_category.label()),
    )];
    categories.extend(ForecastCategory::options());
    let err = move |f: &'static str| field_error(update, f);
    let currency = o.currency.clone();
    let status = match o.stage.kind {
        StageKind::Open => {
            view! { <Badge tone=Tone::Info>{o.stage.name.clone()}</Badge> }.into_any()
        }
        StageKind::Won => view! { <Badge tone=Tone::Success>"Won"</Badge> }.into_any(),
        StageKind::Lost => view! { <Badge tone=Tone::Danger>"Lost"</Badge> }.into_any(),
    };
    view! {
        <Title text=o.name.clone()/>
        <nav class="mb-2 text-sm"><a href="/pipeline" class="text-indigo-600 hover:text-indigo-500">"← Pipeline"</a></nav>
        <PageHeader title=o.name.clone() description=format!("{} · {} · closes {}", o.account_name.clone().unwrap_or_else(|| "No account".into()), format_money(o.amount_minor, &o.currency, false), format::date(o.close_date))>
            <div class="flex items-center gap-3">
                {o.account_id.map(|a| view! { <a class="text-sm font-medium text-indigo-600 hover:underline" href=format!("/accounts/{a}") data-testid="opportunity-account">"Account →"</a> })}
                <div class="flex items-center gap-2" data-testid="opportunity-stage">{status}</div>
            </div>
        </PageHeader>
        <div class="grid gap-6 lg:grid-cols-3">
            <div class="space-y-6 lg:col-span-2">
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="opp-edit-h">
                    <h2 id="opp-edit-h" class="text-base font-semibold">"Details"</h2>
                    <ActionForm action=update attr:class="mt-3 grid gap-4 sm:grid-cols-2" attr:data-testid="opportunity-form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <TextInput label="Name" name="input[name]" value=o.name.clone() error=err("name")/>
                        <TextInput label="Amount" name="input[amount]" value=format!("{}.{:02}", o.amount_minor / 100, o.amount_minor % 100) error=err("amount")/>
                        <TextInput label="Currency" name="input[currency]" value=o.currency.clone() error=err("currency")/>
                        <Select label="Stage" name="input[stage_id]" options=stages selected=o.stage.id.to_string() error=err("stage_id")/>
                        <TextInput label="Close date" name="input[close_date]" kind="date" value=o.close_date.to_string() error=err("close_date")/>
                        <Select label="Owner" name="input[owner_id]" options=owners selected=o.owner_id.map(|u| u.to_string()).unwrap_or_default() error=err("owner_id")/>
                        <Select label="Forecast category" name="input[forecast_category]" options=categories selected=String::new() error=err("forecast_category")/>
                        <TextInput label="Next step" name="input[next_step]" value=o.next_step.clone() error=err("next_step")/>
                        <TextInput label="Lost reason (for a lost stage)" name="input[lost_reason]" value=o.lost_reason.clone() error=err("lost_reason")/>
                        <div class="sm:col-span-2"><FormAlert message=form_error(update, &["name", "amount", "currency", "stage_id", "close_date", "owner_id", "forecast_category", "next_step", "lost_reason"])/></div>
                        {can_edit.then(|| view! { <div class="sm:col-span-2"><Button kind="submit" busy=update.pending()>"Save"</Button></div> })}
                    </ActionForm>
                </section>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="opp-activity-h">
                    <h2 id="opp-activity-h" class="text-base font-semibold">"Activity"</h2>
                    <LogActivityForm log about_type="opportunity" about_id=id.to_string()/>
                    <Timeline activities=detail.activities.clone()/>
                </section>
            </div>
            <div class="space-y-6">
                <QualificationPanel q subject_kind="opportunity" subject_id=id.to_string() actions=qa/>
                {(!detail.risks.is_empty()).then(|| view! {
                    <section class="rounded-lg bg-amber-50 p-6 shadow-sm ring-1 ring-amber-200" aria-labelledby="risks-h" data-testid="deal-risks">
                        <h2 id="risks-h" class="text-base font-semibold">"Needs attention"</h2>
                        <ul class="mt-2 list-disc space-y-1 pl-5 text-sm">
                            {detail.risks.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
                        </ul>
                        <p class="mt-2 text-xs text-slate-700">
                            "By the Pipeline Analyst's thresholds. "
                            <a class="underline" href="/agents/pipeline-analyst">"All deals at risk"</a>
                        </p>
                    </section>
                })}
                {(can_edit && o.stage.kind == StageKind::Open).then(|| view! { <ClosePanel id won lost move_deal/> })}
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="history-h">
                    <h2 id="history-h" class="text-base font-semibold">"Stage history"</h2>
                    <ol class="mt-3 space-y-2 text-sm" data-testid="stage-history">
                        {detail.history.iter().map(|h| view! {
                            <li>
                                <span class="font-medium">{h.stage_name.clone()}</span>
                                <span class="block text-xs text-slate-600">{format!("{} · {} · close {} · {}", format::when(h.changed_at), format_money(h.amount_minor, &currency, true), format::date(h.close_date), h.changed_by.clone().unwrap_or_default())}</span>
                            </li>
                        }).collect_view()}
                    </ol>
                </section>
                <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="contacts-h">
                    <h2 id="contacts-h" class="text-base font-semibold">"Contacts"</h2>
                    <ul class="mt-3 space-y-2 text-sm">
                        {detail.contacts.iter().map(|c| view! {
                            <li>
                                <a class="font-medium text-indigo-700 hover:underline" href=format!("/contacts/{}", c.contact_id)>{c.name.clone()}</a>
                                {c.is_primary.then(|| view! { <span class="ml-1"><Badge tone=Tone::Info>"Primary"</Badge></span> })}
                                <span class="block text-xs text-slate-600">{format!("{} · {}", c.role, c.email)}</span>
                            </li>
                        }).collect_view()}
                        {detail.contacts.is_empty().then(|| view! { <li class="text-slate-600">"No contacts on this deal yet."</li> })}
                    </ul>
                </section>
                <TasksPanel tasks=detail.tasks.clone() task done about_type="opportunity" about_id=id.to_string()/>
                {can_edit.then(|| view! { <DeletePanel id delete/> })}
            </div>
        </div>
    }
}

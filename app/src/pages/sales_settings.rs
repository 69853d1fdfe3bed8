//! Sales settings: the reporting currency and quarterly quota (the dashboard's coverage),
//! the pipeline's stages (add, rename, probability, forecast category, order, remove an
//! unused one) and custom fields per object. Admins and owners edit; everyone else reads.
//! Every form is a plain form too, so all of it works without JavaScript.

use crate::api::dashboard::CreateCustomField;
use crate::api::settings::{
    get_sales_settings, AddStage, MoveStage, RemoveStage, SaveSalesSettings, SaveStage,
};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::sales::custom_field::{CustomField, CustomFieldKind, CustomObject};
use models::sales::settings::{SalesSettings, CURRENCIES};
use models::sales::stage::{ForecastCategory, StageKind, StageUse};
use models::sales::{format_money, group_thousands};
use models::session::SessionUser;
use models::Role;

const SECTION: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

/// The actions of the page; each run reloads the settings.
#[derive(Clone, Copy)]
struct Actions {
    settings: ServerAction<SaveSalesSettings>,
    add: ServerAction<AddStage>,
    save: ServerAction<SaveStage>,
    move_stage: ServerAction<MoveStage>,
    remove: ServerAction<RemoveStage>,
    field: ServerAction<CreateCustomField>,
    add_form: NodeRef<leptos::html::Form>,
    field_form: NodeRef<leptos::html::Form>,
}

#[component]
pub fn SalesSettingsPage() -> impl IntoView {
    let a = Actions {
        settings: ServerAction::new(),
        add: ServerAction::new(),
        save: ServerAction::new(),
        move_stage: ServerAction::new(),
        remove: ServerAction::new(),
        field: ServerAction::new(),
        add_form: NodeRef::new(),
        field_form: NodeRef::new(),
    };
    reset_after_success(a.add, a.add_form);
    reset_after_success(a.field, a.field_form);
    toast_results(a.settings, "Currency and quota saved.");
    toast_results(a.add, "Stage added.");
    toast_results(a.save, "Stage saved.");
    toast_results(a.move_stage, "Stage moved.");
    toast_results(a.remove, "Stage removed.");
    toast_results(a.field, "Custom field added.");
    let data = Resource::new(
        move || {
            (
                a.settings.version().get(),
                a.add.version().get(),
                a.save.version().get(),
                a.move_stage.version().get(),
                a.remove.version().get(),
                a.field.version().get(),
            )
        },
        |_| get_sales_settings(),
    );
    view! {
        <Title text="Sales settings"/>
        <PageHeader title="Sales settings" description="Currency and quota, the pipeline's stages, and custom fields."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(settings) => view! { <SettingsView settings a/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsView(settings: SalesSettings, a: Actions) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let can_edit = me.role.at_least(Role::Admin);
    view! {
        {(!can_edit).then(|| view! {
            <p class="mb-6 rounded-md bg-slate-50 px-4 py-3 text-sm text-slate-700 ring-1 ring-slate-200">
                "Admins and owners change these settings; you can see them."
            </p>
        })}
        <div class="space-y-8">
            <QuotaSection settings=settings.clone() a can_edit/>
            <StagesSection stages=settings.stages.clone() a can_edit/>
            <FieldsSection fields=settings.custom_fields a can_edit/>
        </div>
    }
}

#[component]
fn QuotaSection(settings: SalesSettings, a: Actions, can_edit: bool) -> impl IntoView {
    let quota = settings.quarterly_quota_minor;
    let summary = format!(
        "Reporting in {}; the quarterly quota is {}.",
        settings.currency,
        format_money(quota, &settings.currency, true)
    );
    let currencies: Vec<(String, String)> = CURRENCIES
        .iter()
        .map(|c| (c.to_string(), c.to_string()))
        .collect();
    let err = move |f: &'static str| field_error(a.settings, f);
    view! {
        <section class=SECTION aria-labelledby="quota-h" data-testid="quota-section">
            <h2 id="quota-h" class="text-base font-semibold">"Currency and quota"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Pipeline coverage on the dashboard is the open pipeline against the quota for the period chosen (a quarter's quota, scaled)."
            </p>
            <p class="mt-3 text-sm" data-testid="quota-summary">{summary}</p>
            {can_edit.then(|| view! {
                <ActionForm action=a.settings attr:class="mt-4 grid max-w-xl gap-4 sm:grid-cols-[8rem_1fr_auto] sm:items-end">
                    <Select label="Currency" name="currency" options=currencies selected=settings.currency.clone() error=err("currency")/>
                    <TextInput label="Quota per quarter" name="quarterly_quota" value=format!("{}.{:02}", quota / 100, quota % 100) error=err("quarterly_quota")/>
                    <Button kind="submit" busy=a.settings.pending()>"Save"</Button>
                    <div class="sm:col-span-3"><FormAlert message=form_error(a.settings, &["currency", "quarterly_quota"])/></div>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn StagesSection(stages: Vec<StageUse>, a: Actions, can_edit: bool) -> impl IntoView {
    let open: Vec<usize> = stages
        .iter()
        .enumerate()
        .filter(|(_, s)| s.stage.kind == StageKind::Open)
        .map(|(i, _)| i)
        .collect();
    let (first, last) = (
        open.first().copied().unwrap_or(0),
        open.last().copied().unwrap_or(0),
    );
    let add_err = move |f: &'static str| field_error(a.add, f);
    view! {
        <section class=SECTION aria-labelledby="stages-h" data-testid="stages-section">
            <h2 id="stages-h" class="text-base font-semibold">"Pipeline stages"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Board order. The win probability weights the pipeline; the forecast category says where a stage's deals count. A stage deals have been in stays, so their history keeps its meaning: rename it instead. Connectors match stages by name."
            </p>
            <div class="mt-3 space-y-2">
                <FormAlert message=form_error(a.save, &[])/>
                <FormAlert message=form_error(a.move_stage, &[])/>
                <FormAlert message=form_error(a.remove, &[])/>
            </div>
            // Keyed by everything shown: a changed stage gets fresh inputs, not the ones a
            // person typed into before the reload (a re-render keeps typed text).
            <ol class="mt-4 space-y-3" data-testid="stage-list">
                <For
                    each=move || stages.clone().into_iter().enumerate()
                    key=|(i, s)| format!("{i}:{s:?}")
                    children=move |(i, s)| {
                        if can_edit {
                            view! { <StageRow s a can_up={i != first} can_down={i != last}/> }.into_any()
                        } else {
                            view! { <StageLine s/> }.into_any()
                        }
                    }
                />
            </ol>
            {can_edit.then(|| view! {
                <ActionForm action=a.add node_ref=a.add_form attr:class="mt-6 grid gap-4 border-t border-slate-200 pt-6 sm:grid-cols-[1fr_9rem_12rem_auto] sm:items-end" attr:data-testid="add-stage-form">
                    <TextInput label="New stage" name="input[name]" id_suffix="new" maxlength=60 error=add_err("name")/>
                    <TextInput label="Win probability (%)" name="input[probability]" id_suffix="new" value="50" error=add_err("probability")/>
                    <Select label="Forecast category" name="input[forecast_category]" id_suffix="new" options=ForecastCategory::options() selected="pipeline" error=add_err("forecast_category")/>
                    <Button kind="submit" busy=a.add.pending()>"Add stage"</Button>
                    <div class="sm:col-span-4"><FormAlert message=form_error(a.add, &["name", "probability", "forecast_category"])/></div>
                </ActionForm>
            })}
        </section>
    }
}

fn kind_badge(kind: StageKind) -> impl IntoView {
    let tone = match kind {
        StageKind::Open => Tone::Info,
        StageKind::Won => Tone::Success,
        StageKind::Lost => Tone::Danger,
    };
    view! { <Badge tone>{kind.label()}</Badge> }
}

fn deals_text(s: &StageUse) -> String {
    match (s.stage.kind, s.open_deals) {
        (StageKind::Open, 1) => "1 open deal".into(),
        (StageKind::Open, n) => format!("{} open deals", group_thousands(n.max(0) as u64)),
        _ => "Closes deals".into(),
    }
}

/// A stage as a member without the right to change it sees it.
#[component]
fn StageLine(s: StageUse) -> impl IntoView {
    view! {
        <li class="flex flex-wrap items-center gap-3 rounded-md px-4 py-3 ring-1 ring-slate-200" data-testid="stage-row">
            <span class="font-medium">{s.stage.name.clone()}</span>
            {kind_badge(s.stage.kind)}
            <span class="text-sm text-slate-600">{format!("{}% · {} · {}", s.stage.probability, s.stage.forecast_category.label(), deals_text(&s))}</span>
        </li>
    }
}

const SMALL_BUTTON: &str = "rounded-md px-2.5 py-1.5 text-xs font-medium ring-1 ring-inset";

/// A button that moves the stage `id` one place `direction` ("up" or "down").
fn move_form(
    a: Actions,
    id: String,
    name: String,
    direction: &'static str,
    arrow: &'static str,
) -> impl IntoView {
    let label = format!("Move {direction}: {name}");
    view! {
        <ActionForm action=a.move_stage>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="direction" value=direction/>
            <button type="submit" aria-label=label class=format!("{SMALL_BUTTON} bg-white text-slate-700 ring-slate-300 hover:bg-slate-50 {FOCUS_RING}")>
                <span aria-hidden="true">{arrow}" "</span>{format!("Move {direction}")}
            </button>
        </ActionForm>
    }
}

/// A stage an admin may change: its fields in one form, and moving and removing in forms of
/// their own (each button names the stage, for screen readers).
#[component]
fn StageRow(s: StageUse, a: Actions, can_up: bool, can_down: bool) -> impl IntoView {
    let id = s.stage.id.to_string();
    let name = s.stage.name.clone();
    let is_open = s.stage.kind == StageKind::Open;
    let removable = is_open && s.open_deals == 0;
    let up = (is_open && can_up).then(|| move_form(a, id.clone(), name.clone(), "up", "↑"));
    let down = (is_open && can_down).then(|| move_form(a, id.clone(), name.clone(), "down", "↓"));
    let remove = removable.then(|| {
        let label = format!("Remove {name}");
        let id = id.clone();
        view! {
            <ActionForm action=a.remove>
                <input type="hidden" name="id" value=id/>
                <button type="submit" aria-label=label class=format!("{SMALL_BUTTON} bg-white text-red-700 ring-red-300 hover:bg-red-50 {FOCUS_RING}")>"Remove"</button>
            </ActionForm>
        }
    });
    view! {
        <li class="rounded-md p-4 ring-1 ring-slate-200" data-testid="stage-row">
            <ActionForm action=a.save attr:class="grid gap-3 sm:grid-cols-[1fr_9rem_12rem_auto] sm:items-end">
                <input type="hidden" name="id" value=id.clone()/>
                <TextInput label="Stage name" name="input[name]" id_suffix=id.clone() value=name.clone() maxlength=60/>
                <TextInput label="Win probability (%)" name="input[probability]" id_suffix=id.clone() value=s.stage.probability.to_string()/>
                <Select label="Forecast category" name="input[forecast_category]" id_suffix=id.clone() options=ForecastCategory::options() selected=s.stage.forecast_category.as_str().to_string()/>
                <button type="submit" aria-label=format!("Save {name}") class=format!("rounded-md bg-white px-3 py-2 text-sm font-semibold text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 {FOCUS_RING}")>"Save"</button>
            </ActionForm>
            <div class="mt-3 flex flex-wrap items-center gap-2">
                {kind_badge(s.stage.kind)}
                <span class="text-sm text-slate-600" data-testid="stage-deals">{deals_text(&s)}</span>
                <span class="flex-1"></span>
                {up}
                {down}
                {remove}
            </div>
        </li>
    }
}

#[component]
fn FieldsSection(fields: Vec<CustomField>, a: Actions, can_edit: bool) -> impl IntoView {
    let objects = CustomObject::options();
    let kinds = CustomFieldKind::options();
    let err = move |f: &'static str| field_error(a.field, f);
    let empty = fields.is_empty();
    view! {
        <section class=SECTION aria-labelledby="fields-h" data-testid="fields-section">
            <h2 id="fields-h" class="text-base font-semibold">"Custom fields"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "Shown in forms and tables, filterable and exported; connectors map their CRM's custom fields onto them."
            </p>
            {if empty {
                view! { <p class="mt-4 text-sm text-slate-600">"No custom fields yet."</p> }.into_any()
            } else {
                view! {
                    <div class="mt-4 overflow-x-auto">
                        <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="custom-fields">
                            <caption class="sr-only">"Custom fields by object"</caption>
                            <thead>
                                <tr class="text-left text-slate-600">
                                    <th scope="col" class="py-2 pr-4 font-medium">"Object"</th>
                                    <th scope="col" class="py-2 pr-4 font-medium">"Label"</th>
                                    <th scope="col" class="py-2 pr-4 font-medium">"Key"</th>
                                    <th scope="col" class="py-2 pr-4 font-medium">"Type"</th>
                                    <th scope="col" class="py-2 font-medium">"Choices"</th>
                                </tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {fields.into_iter().map(|f| view! {
                                    <tr>
                                        <td class="py-2 pr-4">{f.object.label()}</td>
                                        <td class="py-2 pr-4 font-medium">{f.label}</td>
                                        <td class="py-2 pr-4 font-mono text-xs">{f.key}</td>
                                        <td class="py-2 pr-4">{f.kind.label()}</td>
                                        <td class="py-2">{f.options.join(", ")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {can_edit.then(|| view! {
                <ActionForm action=a.field node_ref=a.field_form attr:class="mt-6 grid gap-4 border-t border-slate-200 pt-6 sm:grid-cols-2 lg:grid-cols-[10rem_1fr_10rem_1fr_auto] lg:items-end" attr:data-testid="add-field-form">
                    <Select label="Object" name="object" options=objects selected="lead" error=err("object")/>
                    <TextInput label="Field label" name="label" maxlength=60 error=err("label")/>
                    <Select label="Type" name="kind" options=kinds selected="text" error=err("kind")/>
                    <TextInput label="Choices (for selects)" name="options" placeholder="Gold, Silver, Bronze" error=err("options")/>
                    <Button kind="submit" busy=a.field.pending()>"Add field"</Button>
                    <div class="sm:col-span-2 lg:col-span-5"><FormAlert message=form_error(a.field, &["object", "label", "kind", "options"])/></div>
                </ActionForm>
            })}
        </section>
    }
}

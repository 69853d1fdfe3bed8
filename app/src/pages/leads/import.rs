//! Importing leads from a CSV file: upload (a plain multipart form, with or without
//! JavaScript), map each column onto a lead field with a preview of the first rows, then
//! follow the background import's progress and download the rows that failed.

use crate::api::imports::{
    get_lead_import, list_lead_imports, CancelLeadImport, DeleteLeadImport, MapLeadImport,
};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use models::sales::import_values::NumberFormat;
use models::sales::lead_import::{
    ImportState, LeadImport, LeadImportDetail, RowOutcome, MAX_FILE_BYTES, MAX_ROWS,
};
use models::{AppError, LeadImportId};

const CARD: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

fn state_badge(state: ImportState) -> impl IntoView {
    let tone = match state {
        ImportState::Mapping | ImportState::Queued => Tone::Neutral,
        ImportState::Running => Tone::Info,
        ImportState::Done => Tone::Success,
        ImportState::Failed => Tone::Danger,
        ImportState::Cancelled => Tone::Warning,
    };
    view! { <Badge tone>{state.label()}</Badge> }
}

/// "1,200 created · 30 updated · 5 unchanged · 2 failed".
fn counts(i: &LeadImport) -> String {
    format!(
        "{} created · {} updated · {} unchanged · {} failed",
        format::count(i.created.into()),
        format::count(i.updated.into()),
        format::count(i.unchanged.into()),
        format::count(i.failed.into()),
    )
}

#[component]
pub fn LeadImportsPage() -> impl IntoView {
    let query = use_query_map();
    let problem = Signal::derive(move || query.with(|q| q.get("error")));
    let imports = Resource::new(|| (), |_| list_lead_imports());
    view! {
        <Title text="Import leads"/>
        <PageHeader title="Import leads" description="Bring leads in from a spreadsheet or another CRM's CSV export.">
            <a href="/leads" class=format!("rounded-md px-3.5 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100 {FOCUS_RING}")>"Back to leads"</a>
        </PageHeader>
        <section class=CARD aria-labelledby="upload-h">
            <h2 id="upload-h" class="text-base font-semibold">"Upload a CSV file"</h2>
            <p class="mt-1 text-sm text-slate-600">{format!(
                "The first row names the columns. Up to {} MB and {} rows; comma, semicolon or tab separated. \
                 You choose which column fills which field next, and see a preview before anything is imported.",
                MAX_FILE_BYTES / (1024 * 1024),
                format::count(MAX_ROWS as i64),
            )}</p>
            <form method="post" action="/leads/import/upload" enctype="multipart/form-data" class="mt-4 flex flex-wrap items-end gap-3" data-testid="upload-form">
                <div class="space-y-1.5">
                    <label for="import-file" class="block text-sm font-medium text-slate-700">"CSV file"</label>
                    <input id="import-file" type="file" name="file" accept=".csv,.tsv,.txt,text/csv" required
                        class="block text-sm text-slate-700 file:mr-3 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:py-2 file:text-sm file:font-semibold"/>
                </div>
                <Button kind="submit" test_id="upload">"Upload and map columns"</Button>
            </form>
            <div class="mt-3"><FormAlert message=problem/></div>
        </section>
        <section class=format!("mt-6 {CARD}") aria-labelledby="recent-h">
            <h2 id="recent-h" class="text-base font-semibold">"Recent imports"</h2>
            <Suspense fallback=|| view! { <p class="mt-2 text-sm text-slate-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match imports.await {
                        Ok(list) if list.is_empty() => view! { <p class="mt-2 text-sm text-slate-600">"No imports yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-3 divide-y divide-slate-100" data-testid="imports">
                                {list.into_iter().map(|i| view! {
                                    <li class="flex flex-wrap items-center justify-between gap-3 py-3">
                                        <div>
                                            <a class="font-medium text-indigo-700 hover:underline" href=format!("/leads/import/{}", i.id)>{i.file_name.clone()}</a>
                                            <p class="text-xs text-slate-600">{format!(
                                                "{} rows · {} · {}",
                                                format::count(i.total_rows.into()),
                                                i.created_by_name.clone().unwrap_or_else(|| "a former member".into()),
                                                format::when(i.created_at),
                                            )}</p>
                                        </div>
                                        <div class="flex items-center gap-3 text-xs text-slate-600">
                                            {(i.state != ImportState::Mapping).then(|| counts(&i))}
                                            {state_badge(i.state)}
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn LeadImportPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let map = ServerAction::<MapLeadImport>::new();
    let cancel = ServerAction::<CancelLeadImport>::new();
    let delete = ServerAction::<DeleteLeadImport>::new();
    // Bumped while an import runs, so the page follows its progress.
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || {
            (
                id(),
                map.version().get(),
                cancel.version().get(),
                tick.get(),
            )
        },
        |(id, ..)| async move {
            let id: LeadImportId = id.parse().map_err(|_| AppError::not_found("That import"))?;
            get_lead_import(id).await
        },
    );
    Effect::new(move |_| {
        if let Some(Ok(d)) = data.get() {
            if d.import.state.is_active() {
                set_timeout(
                    move || tick.update(|t| *t += 1),
                    std::time::Duration::from_millis(1000),
                );
            }
        }
    });
    view! {
        <Title text="Import leads"/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading the import…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(detail) => view! { <ImportView detail map cancel delete/> }.into_any(),
                    Err(e) => view! {
                        <PageHeader title="Import leads"/>
                        <FormAlert message=Signal::derive(move || Some(e.to_string()))/>
                        <p class="mt-3 text-sm"><a class="text-indigo-600 underline" href="/leads/import">"All imports"</a></p>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ImportView(
    detail: LeadImportDetail,
    map: ServerAction<MapLeadImport>,
    cancel: ServerAction<CancelLeadImport>,
    delete: ServerAction<DeleteLeadImport>,
) -> impl IntoView {
    let i = detail.import.clone();
    let id = i.id.to_string();
    let description = format!(
        "{} rows, uploaded {} by {}.",
        format::count(i.total_rows.into()),
        format::when(i.created_at),
        i.created_by_name
            .clone()
            .unwrap_or_else(|| "a former member".into())
    );
    view! {
        <PageHeader title=i.file_name.clone() description>
            <div class="flex items-center gap-3">
                {state_badge(i.state)}
                <a href="/leads/import" class=format!("rounded-md px-3.5 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100 {FOCUS_RING}")>"All imports"</a>
            </div>
        </PageHeader>
        {if i.state == ImportState::Mapping {
            view! { <MappingForm detail=detail.clone() map delete/> }.into_any()
        } else {
            view! { <Progress import=i.clone() cancel delete/> }.into_any()
        }}
        {(!detail.errors.is_empty()).then(|| view! {
            <section class=format!("mt-6 {CARD}") aria-labelledby="errors-h">
                <div class="flex flex-wrap items-center justify-between gap-3">
                    <h2 id="errors-h" class="text-base font-semibold">{format!("Rows not imported ({})", format::count(i.failed.into()))}</h2>
                    <a class="text-sm font-medium text-indigo-700 hover:underline" href=format!("/leads/import/{id}/errors.csv") data-testid="errors-csv" rel="external" download>"Download them as CSV"</a>
                </div>
                <table class="mt-3 w-full text-left text-sm" data-testid="import-errors">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-4">"Row"</th><th class="py-2 pr-4">"Field"</th><th class="py-2 pr-4">"Value"</th><th class="py-2">"Reason"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {detail.errors.iter().map(|e| view! {
                            <tr>
                                <td class="py-2 pr-4 tabular-nums">{e.row_number}</td>
                                <td class="py-2 pr-4 font-mono text-xs">{e.field.clone()}</td>
                                <td class="py-2 pr-4 font-mono text-xs" data-testid="error-value">{e.value.clone()}</td>
                                <td class="py-2">{e.message.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {(i.failed as i64 > LeadImportDetail::ERRORS_SHOWN).then(|| view! {
                    <p class="mt-2 text-xs text-slate-600">{format!("The first {} are shown; the download has them all.", LeadImportDetail::ERRORS_SHOWN)}</p>
                })}
            </section>
        })}
    }
}

fn outcome_badge(o: &RowOutcome) -> impl IntoView {
    let (tone, text) = match o {
        RowOutcome::Create => (Tone::Success, "New lead".to_string()),
        RowOutcome::Update { .. } => (Tone::Info, "Updates a lead".to_string()),
        RowOutcome::Unchanged { .. } => (Tone::Neutral, "Already up to date".to_string()),
        RowOutcome::Skip { .. } => (Tone::Neutral, "Exists, left alone".to_string()),
        RowOutcome::Error {
            field,
            message,
            value,
        } if !value.is_empty() && !message.contains(value.as_str()) => {
            (Tone::Danger, format!("{field}: {message} (“{value}”)"))
        }
        RowOutcome::Error { field, message, .. } => (Tone::Danger, format!("{field}: {message}")),
    };
    view! { <Badge tone>{text}</Badge> }
}

#[component]
fn MappingForm(
    detail: LeadImportDetail,
    map: ServerAction<MapLeadImport>,
    delete: ServerAction<DeleteLeadImport>,
) -> impl IntoView {
    let i = detail.import;
    let id = i.id.to_string();
    let choices = detail.choices;
    let discard_id = id.clone();
    let button = format!("inline-flex items-center rounded-md px-3.5 py-2 text-sm font-semibold shadow-sm {FOCUS_RING}");
    view! {
        <section class=CARD aria-labelledby="map-h">
            <h2 id="map-h" class="text-base font-semibold">"Match the columns to lead fields"</h2>
            <p class="mt-1 text-sm text-slate-600">"Rows that match a lead by external id, else by e-mail, update it: filled cells replace its values, empty cells never erase them."</p>
            <ActionForm action=map attr:class="mt-4" attr:data-testid="mapping-form">
                <input type="hidden" name="id" value=id.clone()/>
                <table class="w-full text-left text-sm">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-4">"Column"</th><th class="py-2 pr-4">"First values"</th><th class="py-2">"Imports into"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {i.headers.iter().enumerate().map(|(n, h)| {
                            let samples = detail.samples.get(n).cloned().unwrap_or_default().join(" · ");
                            let header = if h.is_empty() { format!("Column {}", n + 1) } else { h.clone() };
                            view! {
                                <tr>
                                    <td class="py-2 pr-4 font-medium">{header.clone()}</td>
                                    <td class="max-w-xs truncate py-2 pr-4 text-slate-600">{samples}</td>
                                    <td class="py-2">
                                        <Select label=format!("Field for {header}") name=format!("mapping[{n}]") hide_label=true
                                            options=choices.clone() selected=i.mapping.get(n).cloned().unwrap_or_default()/>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                <div class="mt-4 grid gap-4 sm:grid-cols-2">
                    <TextInput label="External ids come from" name="external_source" value=i.external_source.clone()
                        hint=Some("A short name such as hubspot: an “External id” column is kept under it, and re-imports match on it.".to_string())
                        error=field_error(map, "external_source")/>
                    <Select label="Numbers in this file are written as" name="number_format"
                        options=NumberFormat::options() selected=i.number_format.as_str().to_string()
                        error=field_error(map, "number_format")/>
                    <label class="flex items-center gap-2 self-end pb-2 text-sm">
                        <input type="checkbox" name="update_existing" value="on" checked=i.update_existing/>
                        "Update leads that already exist"
                    </label>
                </div>
                <div class="mt-4"><FormAlert message=form_error(map, &["external_source", "number_format"])/></div>
                <div class="mt-4 flex flex-wrap gap-2">
                    <button type="submit" class=format!("{button} bg-white text-slate-900 ring-1 ring-inset ring-slate-300 hover:bg-slate-50") data-testid="preview">"Save and preview"</button>
                    <button type="submit" name="start" value="1" class=format!("{button} bg-indigo-600 text-white hover:bg-indigo-500") data-testid="start-import"
                        disabled=move || map.pending().get()>{format!("Import {} rows", format::count(i.total_rows.into()))}</button>
                </div>
            </ActionForm>
        </section>
        <section class=format!("mt-6 {CARD}") aria-labelledby="preview-h">
            <h2 id="preview-h" class="text-base font-semibold">"Preview of the first rows"</h2>
            {if detail.mapping_problem.is_empty() {
                view! {
                    <table class="mt-3 w-full text-left text-sm" data-testid="import-preview">
                        <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-4">"Row"</th><th class="py-2 pr-4">"Name"</th><th class="py-2 pr-4">"E-mail"</th><th class="py-2 pr-4">"Company"</th><th class="py-2 pr-4">"Numbers and dates as read"</th><th class="py-2">"Will"</th></tr></thead>
                        <tbody class="divide-y divide-slate-100">
                            {detail.preview.iter().map(|r| view! {
                                <tr>
                                    <td class="py-2 pr-4 tabular-nums">{r.row_number}</td>
                                    <td class="py-2 pr-4">{r.name.clone()}</td>
                                    <td class="py-2 pr-4">{r.email.clone()}</td>
                                    <td class="py-2 pr-4">{r.company.clone()}</td>
                                    <td class="py-2 pr-4 text-xs" data-testid="preview-values">{r.values.iter().map(|(column, value)| format!("{column}: {value}")).collect::<Vec<_>>().join(" · ")}</td>
                                    <td class="py-2">{outcome_badge(&r.outcome)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            } else {
                let problem = detail.mapping_problem.clone();
                view! { <div class="mt-3"><FormAlert message=Signal::derive(move || Some(problem.clone()))/></div> }.into_any()
            }}
        </section>
        <DiscardForm id=discard_id delete label="Discard this upload"/>
    }
}

#[component]
fn Progress(
    import: LeadImport,
    cancel: ServerAction<CancelLeadImport>,
    delete: ServerAction<DeleteLeadImport>,
) -> impl IntoView {
    let i = import;
    let id = i.id.to_string();
    let percent = i.percent();
    let (refresh_id, discard_id) = (id.clone(), id.clone());
    let headline = match i.state {
        ImportState::Queued => "Waiting for a worker…".to_string(),
        ImportState::Running => format!("Importing… {percent}%"),
        ImportState::Done => "Import finished.".to_string(),
        ImportState::Failed => format!("The import stopped: {}", i.error),
        ImportState::Cancelled => "Cancelled. The rows imported before it stay.".to_string(),
        ImportState::Mapping => String::new(),
    };
    view! {
        <section class=CARD aria-labelledby="progress-h" data-testid="import-progress" data-state=i.state.as_str()>
            <h2 id="progress-h" class="text-base font-semibold" aria-live="polite">{headline}</h2>
            <div class="mt-3 h-2 w-full overflow-hidden rounded bg-slate-100" role="progressbar" aria-label="Rows processed"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=percent.to_string()>
                <div class="h-2 bg-indigo-600" style=format!("width: {percent}%")></div>
            </div>
            <p class="mt-2 text-sm text-slate-700" data-testid="import-counts">{format!(
                "{} of {} rows: {}.",
                format::count(i.processed_rows.into()),
                format::count(i.total_rows.into()),
                counts(&i)
            )}</p>
            {i.state.is_active().then(|| view! {
                <p class="mt-1 text-xs text-slate-600">
                    "This page follows along; without JavaScript, "
                    <a class="text-indigo-700 underline" href=format!("/leads/import/{refresh_id}")>"refresh it"</a>"."
                </p>
                <ActionForm action=cancel attr:class="mt-3">
                    <input type="hidden" name="id" value=id.clone()/>
                    <Button kind="submit" variant=ButtonVariant::Secondary busy=cancel.pending()>"Cancel import"</Button>
                </ActionForm>
                <FormAlert message=form_error(cancel, &[])/>
            })}
            {(i.state == ImportState::Done).then(|| view! {
                <a class="mt-3 inline-block text-sm font-medium text-indigo-700 hover:underline" href="/leads?sort=created&dir=desc">"See the leads →"</a>
            })}
        </section>
        {(!i.state.is_active()).then(|| view! { <DiscardForm id=discard_id delete label="Remove from the list"/> })}
    }
}

#[component]
fn DiscardForm(
    id: String,
    delete: ServerAction<DeleteLeadImport>,
    label: &'static str,
) -> impl IntoView {
    view! {
        <ActionForm action=delete attr:class="mt-6">
            <input type="hidden" name="id" value=id/>
            <Button kind="submit" variant=ButtonVariant::Secondary busy=delete.pending()>{label}</Button>
            <p class="mt-1 text-xs text-slate-600">"Leads already imported stay."</p>
        </ActionForm>
        <FormAlert message=form_error(delete, &[])/>
    }
}

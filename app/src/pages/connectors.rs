//! Connectors: connect Salesforce (the connected app's key and secret, the login host, then
//! OAuth or the JWT bearer flow), see the connection's state and API allowance, edit what
//! syncs and how, sync now and follow the run, read the history with each record's error,
//! and disconnect. Every control is a form, so the page works without JavaScript; with it,
//! a running sync's progress updates by itself.

use crate::api::connectors::{
    list_connections, list_sync_run_errors, AuthorizeConnectionServer, DescribeConnectionObject,
    DisconnectConnection, SaveConnection, SaveConnectionObject, SyncConnection,
};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use models::connectors::{
    values_text, ConnectionStatus, ConnectionView, ConnectorKind, Direction, ObjectSetup, Policy,
    SyncRunError, SyncRunView, SyncState,
};
use models::{ConnectionId, SyncRunId};

const CARD: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

/// The settings form's fields: their errors show under them, the rest above the button.
const SETTINGS_FIELDS: &[&str] = &[
    "login_host",
    "client_id",
    "client_secret",
    "api_version",
    "api_budget_percent",
    "sync_every_minutes",
    "jwt_username",
    "jwt_private_key",
    "kind",
];

fn status_badge(status: ConnectionStatus) -> impl IntoView {
    let tone = match status {
        ConnectionStatus::Connected => Tone::Success,
        ConnectionStatus::Setup => Tone::Neutral,
        ConnectionStatus::Error => Tone::Danger,
        ConnectionStatus::Disconnected => Tone::Warning,
    };
    view! { <Badge tone>{status.label()}</Badge> }
}

fn run_badge(state: SyncState) -> impl IntoView {
    let tone = match state {
        SyncState::Queued => Tone::Neutral,
        SyncState::Running => Tone::Info,
        SyncState::Done => Tone::Success,
        SyncState::Paused => Tone::Warning,
        SyncState::Failed => Tone::Danger,
    };
    view! { <Badge tone>{state.label()}</Badge> }
}

/// "Leads: 120 fetched, 100 created, 20 updated · Accounts: …".
fn run_summary(run: &SyncRunView) -> String {
    let parts: Vec<String> = run
        .counts
        .iter()
        .filter(|(_, c)| c.fetched + c.pushed + c.deleted + c.failed > 0)
        .map(|(o, c)| {
            format!(
                "{}: {} fetched, {} created, {} updated, {} deleted, {} skipped, {} failed, {} sent",
                o.label(),
                format::count(c.fetched),
                format::count(c.created),
                format::count(c.updated),
                format::count(c.deleted),
                format::count(c.skipped),
                format::count(c.failed),
                format::count(c.pushed),
            )
        })
        .collect();
    if parts.is_empty() {
        "Nothing changed.".to_string()
    } else {
        parts.join(" · ")
    }
}

#[component]
pub fn ConnectorsPage() -> impl IntoView {
    let query = use_query_map();
    let connected = Signal::derive(move || query.with(|q| q.get("connected")));
    let problem = Signal::derive(move || query.with(|q| q.get("error")));
    let save = ServerAction::<SaveConnection>::new();
    let authorize_server = ServerAction::<AuthorizeConnectionServer>::new();
    let sync = ServerAction::<SyncConnection>::new();
    let disconnect = ServerAction::<DisconnectConnection>::new();
    let save_object = ServerAction::<SaveConnectionObject>::new();
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                authorize_server.version().get(),
                sync.version().get(),
                disconnect.version().get(),
                save_object.version().get(),
                tick.get(),
            )
        },
        |_| list_connections(),
    );
    // The records a chosen run (`?run=`) could not sync.
    let errors = Resource::new(
        move || query.with(|q| q.get("run")),
        |run| async move {
            match run.and_then(|r| r.parse::<SyncRunId>().ok()) {
                Some(run) => list_sync_run_errors(run).await.map(|e| Some((run, e))),
                None => Ok(None),
            }
        },
    );
    // While a run is queued or running, look again every two seconds.
    Effect::new(move |_| {
        if let Some(Ok(o)) = data.get() {
            if o.connections.iter().any(|c| c.active_run.is_some()) {
                set_timeout(
                    move || tick.update(|t| *t += 1),
                    std::time::Duration::from_millis(2000),
                );
            }
        }
    });
    let actions = Actions {
        save,
        authorize_server,
        sync,
        disconnect,
        save_object,
    };
    view! {
        <Title text="Connectors"/>
        <PageHeader title="Connectors" description="Keep Sales Hunter and the CRM your team already uses in step: leads, contacts, accounts and deals in, lead status and score out."/>
        {move || connected.get().map(|kind| view! {
            <div class="mb-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200" role="status" data-testid="connected-banner">
                {format!("Connected to {}. The first sync starts on the schedule, or now with “Sync now”.", if kind == "salesforce" { "Salesforce".to_string() } else { kind })}
            </div>
        })}
        <div class="mb-4"><FormAlert message=problem/></div>
        <Transition fallback=|| view! { <p class="text-sm text-slate-600">"Loading connectors…"</p> }>
            {move || Suspend::new(async move {
                let data = data.await;
                let errors = errors.await.ok().flatten();
                match data {
                    Ok(o) if !o.enabled => view! {
                        <EmptyState title="Connectors are switched off on this server"
                            body="The server has no CONNECTOR_KEY, the key that seals connector credentials. An operator sets it (64 hex digits, e.g. from `openssl rand -hex 32`) and restarts the server."/>
                    }.into_any(),
                    Ok(o) => o.available.into_iter().map(|kind| {
                        let existing = o.connections.iter().find(|c| c.kind == kind.kind).cloned();
                        let errors = errors.clone();
                        view! { <Connector kind existing actions errors/> }
                    }).collect_view().into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveConnection>,
    authorize_server: ServerAction<AuthorizeConnectionServer>,
    sync: ServerAction<SyncConnection>,
    disconnect: ServerAction<DisconnectConnection>,
    save_object: ServerAction<SaveConnectionObject>,
}

#[component]
fn Connector(
    kind: ConnectorKind,
    existing: Option<ConnectionView>,
    actions: Actions,
    errors: Option<(SyncRunId, Vec<SyncRunError>)>,
) -> impl IntoView {
    let heading = kind.display_name.clone();
    match existing {
        None => view! {
            <section class=CARD aria-labelledby=format!("{}-h", kind.kind) data-testid=format!("connector-{}", kind.kind)>
                <div class="flex items-center justify-between gap-3">
                    <h2 id=format!("{}-h", kind.kind) class="text-base font-semibold">{heading}</h2>
                    {status_badge(ConnectionStatus::Setup)}
                </div>
                <p class="mt-1 text-sm text-slate-600">"Create a connected app in Salesforce (Setup → App Manager → New Connected App) with OAuth enabled, the scopes “api” and “refresh_token, offline_access”, and this callback URL:"</p>
                <p class="mt-2 break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-800" data-testid="callback-url">{kind.callback_url.clone()}</p>
                <SettingsForm kind=kind.kind.clone() current=None actions/>
            </section>
        }.into_any(),
        Some(c) => view! { <Connection kind c actions errors/> }.into_any(),
    }
}

#[component]
fn SettingsForm(kind: String, current: Option<ConnectionView>, actions: Actions) -> impl IntoView {
    let save = actions.save;
    let s = current
        .as_ref()
        .map(|c| c.settings.clone())
        .unwrap_or_default();
    let secret_hint = match &current {
        Some(c) if c.has_client_secret => "A secret is stored; leave empty to keep it.".to_string(),
        _ => "The connected app's consumer secret.".to_string(),
    };
    let key_hint = match &current {
        Some(c) if c.has_jwt_key => "A key is stored; leave empty to keep it.".to_string(),
        _ => "Only for the JWT bearer flow: the private key whose certificate the connected app holds (PEM).".to_string(),
    };
    let every = if current.is_some() {
        s.sync_every_minutes
    } else {
        60
    };
    let budget = if current.is_some() {
        s.api_budget_percent
    } else {
        50
    };
    view! {
        <ActionForm action=save attr:class="mt-4 grid gap-4 sm:grid-cols-2" attr:data-testid="settings-form">
            <input type="hidden" name="kind" value=kind/>
            <TextInput label="Login host" name="input[login_host]" value=s.login_host.clone() placeholder="login.salesforce.com"
                hint=Some("login.salesforce.com, test.salesforce.com for a sandbox, or your My Domain.".to_string())
                error=field_error(save, "login_host")/>
            <TextInput label="Consumer key (client id)" name="input[client_id]" value=s.client_id.clone() required=true
                error=field_error(save, "client_id")/>
            <TextInput label="Consumer secret" name="input[client_secret]" kind="password" autocomplete="new-password"
                hint=Some(secret_hint) error=field_error(save, "client_secret")/>
            <TextInput label="API version" name="input[api_version]" value=s.api_version.clone() placeholder="62.0"
                error=field_error(save, "api_version")/>
            <TextInput label="Share of the daily API allowance a sync may use (%)" name="input[api_budget_percent]" kind="number"
                value=budget.to_string() error=field_error(save, "api_budget_percent")
                hint=Some("A run stops cleanly once the org's usage reaches this share, and resumes on the next schedule.".to_string())/>
            <TextInput label="Sync every (minutes; 0 = only on demand)" name="input[sync_every_minutes]" kind="number"
                value=every.to_string() error=field_error(save, "sync_every_minutes")/>
            <TextInput label="JWT bearer: act as user (optional)" name="input[jwt_username]" value=s.jwt_username.clone()
                placeholder="integration@yourcompany.com" error=field_error(save, "jwt_username")/>
            <div class="space-y-1.5">
                <label for="jwt-key" class="block text-sm font-medium text-slate-700">"JWT bearer: private key (optional)"</label>
                <textarea id="jwt-key" name="input[jwt_private_key]" rows="3" aria-describedby="jwt-key-hint"
                    class="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs text-slate-900 ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"></textarea>
                <p id="jwt-key-hint" class="text-xs text-slate-600">{key_hint}</p>
                {move || field_error(save, "jwt_private_key").get().map(|e| view! { <p class="text-xs text-red-700">{e}</p> })}
            </div>
            <div class="sm:col-span-2"><FormAlert message=form_error(save, SETTINGS_FIELDS)/></div>
            <div class="sm:col-span-2"><Button kind="submit" busy=save.pending() test_id="save-settings">"Save settings"</Button></div>
        </ActionForm>
    }
}

#[component]
fn Connection(
    kind: ConnectorKind,
    c: ConnectionView,
    actions: Actions,
    errors: Option<(SyncRunId, Vec<SyncRunError>)>,
) -> impl IntoView {
    let id = c.id.to_string();
    let connected = c.status == ConnectionStatus::Connected;
    let allowance = match (c.api_used, c.api_limit) {
        (Some(used), Some(limit)) if limit > 0 => format!(
            "{} of {} API calls used in the org's last 24 hours ({}%), as of {}.",
            format::count(used.into()),
            format::count(limit.into()),
            i64::from(used) * 100 / i64::from(limit),
            c.api_checked_at.map(format::when).unwrap_or_default()
        ),
        _ => "Not read yet: the first call reports it.".to_string(),
    };
    let last = match c.last_sync_at {
        Some(t) => format!("Last sync {}.", format::when(t)),
        None => "Never synced yet.".to_string(),
    };
    let connect_label = format!("Connect with {}", c.display_name);
    let (id1, id2, id3) = (id.clone(), id.clone(), id.clone());
    let sync = actions.sync;
    let disconnect = actions.disconnect;
    let authorize_server = actions.authorize_server;
    let warning = Signal::derive(move || disconnect.value().get().and_then(|r| r.ok().flatten()));
    view! {
        <section class=CARD aria-labelledby=format!("{}-h", kind.kind) data-testid=format!("connector-{}", kind.kind) data-status=c.status.as_str()>
            <div class="flex flex-wrap items-center justify-between gap-3">
                <div>
                    <h2 id=format!("{}-h", kind.kind) class="text-base font-semibold">{c.display_name.clone()}</h2>
                    <p class="text-sm text-slate-600">{if c.remote_account.is_empty() { last.clone() } else { format!("{} · {last}", c.remote_account) }}</p>
                </div>
                {status_badge(c.status)}
            </div>
            {(!c.last_error.is_empty()).then(|| {
                let e = c.last_error.clone();
                view! { <p class="mt-3 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200" data-testid="last-error">{e}</p> }
            })}
            <p class="mt-3 text-sm text-slate-700" data-testid="api-allowance">{allowance}</p>
            <div class="mt-4 flex flex-wrap gap-2">
                {if connected {
                    view! {
                        <ActionForm action=sync attr:data-testid="sync-form">
                            <input type="hidden" name="id" value=id1/>
                            <Button kind="submit" busy=sync.pending() test_id="sync-now">"Sync now"</Button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! {
                        <a href=format!("/connectors/{}/authorize/{id1}", kind.kind) rel="external" data-testid="connect"
                            class=format!("inline-flex items-center rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 {FOCUS_RING}")>
                            {connect_label}
                        </a>
                    }.into_any()
                }}
                {(c.has_jwt_key && !connected).then(|| view! {
                    <ActionForm action=authorize_server>
                        <input type="hidden" name="id" value=id2/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=authorize_server.pending()>"Connect server to server (JWT)"</Button>
                    </ActionForm>
                })}
                {(c.status != ConnectionStatus::Disconnected && c.status != ConnectionStatus::Setup).then(|| view! {
                    <ActionForm action=disconnect attr:data-testid="disconnect-form">
                        <input type="hidden" name="id" value=id3/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=disconnect.pending() test_id="disconnect">"Disconnect"</Button>
                    </ActionForm>
                })}
            </div>
            <div class="mt-3 space-y-2">
                <FormAlert message=form_error(authorize_server, &[])/>
                <FormAlert message=form_error(sync, &[])/>
                <FormAlert message=form_error(disconnect, &[])/>
                <FormAlert message=warning/>
            </div>
            {c.active_run.clone().map(|run| view! { <RunProgress run/> })}
            <details class="mt-6 rounded-md ring-1 ring-slate-200">
                <summary class="cursor-pointer px-4 py-3 text-sm font-semibold">"Settings"</summary>
                <div class="px-4 pb-4">
                    <p class="text-sm text-slate-600">"Callback URL to register with the connected app:"</p>
                    <p class="mt-1 break-all rounded bg-slate-50 p-2 font-mono text-xs">{c.callback_url.clone()}</p>
                    <SettingsForm kind=kind.kind.clone() current=Some(c.clone()) actions/>
                </div>
            </details>
            <h3 class="mt-6 text-sm font-semibold">"What syncs"</h3>
            <div class="mt-2 space-y-2">
                {c.objects.iter().cloned().map(|o| view! { <ObjectEditor id=c.id setup=o connected actions/> }).collect_view()}
            </div>
            <RunHistory runs=c.recent_runs.clone() errors/>
        </section>
    }
}

#[component]
fn RunProgress(run: SyncRunView) -> impl IntoView {
    let headline = match run.state {
        SyncState::Queued => "A sync is queued…".to_string(),
        _ if run.object.is_empty() => "Syncing…".to_string(),
        _ => format!("Syncing {}…", run.object),
    };
    view! {
        <div class="mt-4 rounded-md bg-indigo-50 p-3 text-sm text-indigo-900 ring-1 ring-indigo-200" data-testid="run-progress" aria-live="polite">
            <p class="font-medium">{headline}</p>
            <p class="mt-1">{run_summary(&run)}</p>
            {(!run.error.is_empty()).then(|| view! { <p class="mt-1 text-amber-800">{format!("Retrying after: {}", run.error)}</p> })}
        </div>
    }
}

#[component]
fn ObjectEditor(
    id: ConnectionId,
    setup: ObjectSetup,
    connected: bool,
    actions: Actions,
) -> impl IntoView {
    let save = actions.save_object;
    let describe = ServerAction::<DescribeConnectionObject>::new();
    let object = setup.object;
    let list_id = format!("remote-fields-{}", object.as_str());
    let local_options: Vec<(String, String)> =
        std::iter::once((String::new(), "— not mapped —".to_string()))
            .chain(
                setup
                    .local_fields
                    .iter()
                    .map(|f| (f.key.clone(), f.label.clone())),
            )
            .collect();
    let directions = Direction::options();
    let policies = Policy::options();
    // Two empty rows to add mappings.
    let mut rows = setup.mappings.clone();
    let blank = rows.len();
    rows.push(models::connectors::FieldMapping::new(
        "",
        "",
        Direction::Pull,
        Policy::RemoteWins,
    ));
    rows.push(models::connectors::FieldMapping::new(
        "",
        "",
        Direction::Pull,
        Policy::RemoteWins,
    ));
    let summary = format!(
        "{} ↔ {} · {} fields{}",
        object.label(),
        setup.remote_object,
        setup.mappings.len(),
        if setup.enabled { "" } else { " · off" }
    );
    let remote_list = list_id.clone();
    let describe_id = id.to_string();
    view! {
        <details class="rounded-md ring-1 ring-slate-200" data-testid=format!("object-{}", object.as_str())>
            <summary class="cursor-pointer px-4 py-3 text-sm">{summary}</summary>
            <div class="px-4 pb-4">
                {connected.then(|| view! {
                    <ActionForm action=describe attr:class="mb-3">
                        <input type="hidden" name="id" value=describe_id.clone()/>
                        <input type="hidden" name="object" value=object.as_str()/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=describe.pending()>{format!("Read {}'s fields from the org", setup.remote_object)}</Button>
                    </ActionForm>
                })}
                <FormAlert message=form_error(describe, &[])/>
                <datalist id=remote_list>
                    {move || describe.value().get().and_then(|r| r.ok()).map(|fields| fields.into_iter().map(|f| {
                        let label = if f.custom { format!("{} (custom, {})", f.label, f.kind) } else { format!("{} ({})", f.label, f.kind) };
                        view! { <option value=f.name>{label}</option> }
                    }).collect_view())}
                </datalist>
                {move || describe.value().get().and_then(|r| r.ok()).map(|fields| view! {
                    <p class="mb-2 text-xs text-slate-600" data-testid="remote-fields">{format!("{} fields read; type in “Remote field” to pick one. Custom: {}.",
                        fields.len(),
                        fields.iter().filter(|f| f.custom).map(|f| f.name.clone()).collect::<Vec<_>>().join(", "))}</p>
                })}
                <ActionForm action=save attr:data-testid=format!("mapping-form-{}", object.as_str())>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <input type="hidden" name="object" value=object.as_str()/>
                    <label class="flex items-center gap-2 text-sm">
                        <input type="checkbox" name="form[enabled]" value="on" checked=setup.enabled/>
                        {format!("Sync {}", object.label().to_lowercase())}
                    </label>
                    <div class="mt-3 overflow-x-auto">
                        <table class="w-full text-left text-sm">
                            <thead class="text-xs uppercase text-slate-600">
                                <tr><th class="py-2 pr-3">"Remote field"</th><th class="py-2 pr-3">"Sales Hunter field"</th><th class="py-2 pr-3">"Direction"</th><th class="py-2 pr-3">"When both changed"</th><th class="py-2">"Value translations (remote=local)"</th></tr>
                            </thead>
                            <tbody class="divide-y divide-slate-100">
                                {rows.into_iter().enumerate().map(|(n, m)| {
                                    let label = if n >= blank { format!("new row {}", n - blank + 1) } else { m.remote.clone() };
                                    view! {
                                        <tr>
                                            <td class="py-2 pr-3">
                                                <input type="text" name=format!("form[remote][{n}]") value=m.remote.clone() list=list_id.clone()
                                                    aria-label=format!("Remote field ({label})")
                                                    class="w-44 rounded-md border-0 px-2 py-1.5 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"/>
                                            </td>
                                            <td class="py-2 pr-3"><Select label=format!("Sales Hunter field for {label}") hide_label=true name=format!("form[local][{n}]") options=local_options.clone() selected=m.local.clone()/></td>
                                            <td class="py-2 pr-3"><Select label=format!("Direction for {label}") hide_label=true name=format!("form[direction][{n}]") options=directions.clone() selected=m.direction.as_str().to_string()/></td>
                                            <td class="py-2 pr-3"><Select label=format!("Conflict policy for {label}") hide_label=true name=format!("form[policy][{n}]") options=policies.clone() selected=m.policy.as_str().to_string()/></td>
                                            <td class="py-2">
                                                <textarea name=format!("form[values][{n}]") rows="1" aria-label=format!("Value translations for {label}")
                                                    class="w-56 rounded-md border-0 px-2 py-1.5 font-mono text-xs ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600">{values_text(&m.values)}</textarea>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <div class="mt-3"><FormAlert message=form_error(save, &[])/></div>
                    <div class="mt-3"><Button kind="submit" busy=save.pending() test_id=format!("save-mapping-{}", object.as_str())>"Save mapping"</Button></div>
                </ActionForm>
            </div>
        </details>
    }
}

#[component]
fn RunHistory(
    runs: Vec<SyncRunView>,
    errors: Option<(SyncRunId, Vec<SyncRunError>)>,
) -> impl IntoView {
    let shown = errors.filter(|(run, _)| runs.iter().any(|r| r.id == *run));
    view! {
        <h3 class="mt-6 text-sm font-semibold">"Runs"</h3>
        {if runs.is_empty() {
            view! { <p class="mt-2 text-sm text-slate-600">"No runs yet."</p> }.into_any()
        } else {
            view! {
                <table class="mt-2 w-full text-left text-sm" data-testid="runs">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-3">"Started"</th><th class="py-2 pr-3">"By"</th><th class="py-2 pr-3">"State"</th><th class="py-2 pr-3">"Records"</th><th class="py-2 pr-3">"API calls"</th><th class="py-2">"Problems"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {runs.into_iter().map(|r| view! {
                            <tr data-state=r.state.as_str()>
                                <td class="py-2 pr-3 whitespace-nowrap">{format::when(r.started_at.unwrap_or(r.created_at))}</td>
                                <td class="py-2 pr-3">{r.trigger.label()}</td>
                                <td class="py-2 pr-3">{run_badge(r.state)}{(!r.error.is_empty()).then(|| view! { <p class="mt-1 text-xs text-slate-600">{r.error.clone()}</p> })}</td>
                                <td class="py-2 pr-3 text-xs">{run_summary(&r)}</td>
                                <td class="py-2 pr-3 tabular-nums">{r.api_calls}</td>
                                <td class="py-2">{if r.error_count > 0 {
                                    view! { <a class="text-indigo-700 underline" href=format!("/connectors?run={}", r.id)>{format!("{} records", r.error_count)}</a> }.into_any()
                                } else { view! { <span class="text-slate-600">"None"</span> }.into_any() }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
        {shown.map(|(_, e)| view! {
            <div class="mt-4" data-testid="run-errors">
                <h4 class="text-sm font-semibold">"Records this run could not sync"</h4>
                <table class="mt-2 w-full text-left text-sm">
                    <thead class="text-xs uppercase text-slate-600"><tr><th class="py-2 pr-3">"Object"</th><th class="py-2 pr-3">"Record"</th><th class="py-2 pr-3">"Way"</th><th class="py-2">"Reason"</th></tr></thead>
                    <tbody class="divide-y divide-slate-100">
                        {e.into_iter().map(|x| view! {
                            <tr><td class="py-2 pr-3">{x.object}</td><td class="py-2 pr-3 font-mono text-xs">{x.external_id}</td><td class="py-2 pr-3">{x.direction}</td><td class="py-2">{x.message}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

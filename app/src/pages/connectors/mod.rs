//! Connectors: connect Salesforce (the connected app's key and secret, the login host, then
//! OAuth or the JWT bearer flow), see the connection's state and API allowance, edit what
//! syncs and how, sync now and follow the run, read the history with each record's error,
//! and disconnect. Every control is a form, so the page works without JavaScript; with it,
//! a running sync's progress updates by itself.

use crate::api::connectors::{
    list_connections, list_sync_run_errors, AdoptRemoteValues, AuthorizeConnectionServer,
    DescribeConnectionObject, DisconnectConnection, ResyncConnection, SaveConnection,
    SaveConnectionObject, SyncConnection,
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

mod connection;
mod objects;
mod runs;
mod settings;
mod values;

use connection::Connection;
use settings::SettingsForm;

const CARD: &str = "rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200";

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
    let resync = ServerAction::<ResyncConnection>::new();
    let adopt = ServerAction::<AdoptRemoteValues>::new();
    let disconnect = ServerAction::<DisconnectConnection>::new();
    let save_object = ServerAction::<SaveConnectionObject>::new();
    let tick = RwSignal::new(0u32);
    let data = Resource::new(
        move || {
            (
                save.version().get(),
                authorize_server.version().get(),
                sync.version().get(),
                resync.version().get(),
                adopt.version().get(),
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
        resync,
        adopt,
        disconnect,
        save_object,
    };
    view! {
        <Title text="Connectors"/>
        <PageHeader title="Connectors" description="Keep Sales Hunter and the CRM your team already uses in step: leads, contacts, accounts and deals in, lead status and score out."/>
        {move || connected.get().map(|kind| view! {
            <div class="mb-4 rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 ring-1 ring-emerald-200" role="status" data-testid="connected-banner">
                {format!("Connected to {}. Check where the org's stages and lead statuses land (below), then sync now or let the schedule start.", if kind == "salesforce" { "Salesforce".to_string() } else { kind })}
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
    resync: ServerAction<ResyncConnection>,
    adopt: ServerAction<AdoptRemoteValues>,
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

//! One connection: its state and API allowance, authorise, sync now and follow the run,
//! disconnect.

use super::objects::ObjectEditor;
use super::runs::RunHistory;
use super::values::RemoteValues;
use super::*;

#[component]
pub(super) fn Connection(
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
    let (id1, id2, id3, id4) = (id.clone(), id.clone(), id.clone(), id.clone());
    let sync = actions.sync;
    let resync = actions.resync;
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
            {connected.then(|| view! { <p class="mt-1 text-xs text-slate-600">"After changing a mapping, a full resync reads every record again; nothing is created twice."</p> })}
            <div class="mt-4 flex flex-wrap gap-2">
                {if connected {
                    view! {
                        <ActionForm action=sync attr:data-testid="sync-form">
                            <input type="hidden" name="id" value=id1/>
                            <Button kind="submit" busy=sync.pending() test_id="sync-now">"Sync now"</Button>
                        </ActionForm>
                        <ActionForm action=resync attr:data-testid="resync-form">
                            <input type="hidden" name="id" value=id4/>
                            <Button kind="submit" variant=ButtonVariant::Secondary busy=resync.pending() test_id="resync">"Full resync"</Button>
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
                <FormAlert message=form_error(resync, &[])/>
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
            {connected.then(|| view! { <RemoteValues id=c.id actions/> })}
            <h3 class="mt-6 text-sm font-semibold">"What syncs"</h3>
            <div class="mt-2 space-y-2">
                {c.objects.iter().cloned().map(|o| view! { <ObjectEditor id=c.id setup=o connected actions/> }).collect_view()}
            </div>
            <RunHistory runs=c.recent_runs.clone() errors/>
        </section>
    }
}

#[component]
pub(super) fn RunProgress(run: SyncRunView) -> impl IntoView {
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

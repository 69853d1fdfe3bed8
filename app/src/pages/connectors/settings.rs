//! The connection's settings form: the connected app's key and secret, the login host, the
//! API share and the schedule, and the JWT bearer flow's user and key.

use super::*;

/// The settings form's fields: their errors show under them, the rest above the button.
pub(super) const SETTINGS_FIELDS: &[&str] = &[
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

#[component]
pub(super) fn SettingsForm(
    kind: String,
    current: Option<ConnectionView>,
    actions: Actions,
) -> impl IntoView {
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

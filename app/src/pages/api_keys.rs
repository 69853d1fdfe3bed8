//! Settings → API keys (admins and owners): what the organisation's own tools call the API
//! with. A new key's secret is shown once; the list says who made each key, what it may do,
//! its rate and when it was last used; a key is revoked at once.

use crate::api::api_keys::{list_api_keys, CreateApiKey, RevokeApiKey};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::api_keys::{ApiKeyScope, ApiKeyView, DEFAULT_RATE_PER_MINUTE, OPENAPI_PATH};

fn when(t: Option<chrono::DateTime<chrono::Utc>>, never: &'static str) -> String {
    t.map_or_else(
        || never.to_string(),
        |t| t.format("%-d %b %Y, %H:%M UTC").to_string(),
    )
}

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    toast_results(revoke, "Key revoked.");
    let keys = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_keys(),
    );
    view! {
        <Title text="API keys"/>
        <PageHeader
            title="API keys"
            description="Your own tools call the Sales Hunter API with these keys. A key acts as the member who made it, with their role."
        />
        <p class="mb-6 text-sm text-slate-600">
            "Send a key as " <code class="rounded bg-slate-100 px-1">"Authorization: Bearer shk_…"</code>
            ". The API is described by its "
            <a class="font-semibold text-indigo-700 underline" href=OPENAPI_PATH>"OpenAPI document"</a>
            ". Every call counts on your plan's API calls."
        </p>
        <section class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="new-key-heading">
            <h2 id="new-key-heading" class="text-base font-semibold">"New key"</h2>
            <ActionForm action=create attr:class="mt-4 grid gap-4 sm:grid-cols-[1fr_12rem_10rem_auto] sm:items-start" attr:novalidate=true>
                <TextInput label="Name" name="name" required=true maxlength=100 placeholder="Nightly warehouse sync" error=field_error(create, "name")/>
                <Select label="Scope" name="scope" options=ApiKeyScope::options() selected="read" error=field_error(create, "scope")/>
                <TextInput label="Requests a minute" name="rate_per_minute" kind="number" value=DEFAULT_RATE_PER_MINUTE.to_string() error=field_error(create, "rate_per_minute")/>
                <div class="sm:pt-7">
                    <Button kind="submit" busy=create.pending() test_id="create-api-key">"Create key"</Button>
                </div>
            </ActionForm>
            <div class="mt-3">
                <FormAlert message=form_error(create, &["name", "scope", "rate_per_minute"])/>
            </div>
            {move || create.value().get().and_then(Result::ok).map(|made| view! {
                <div class="mt-4 rounded-md bg-emerald-50 p-4 ring-1 ring-emerald-200" role="status">
                    <p class="text-sm font-semibold text-emerald-900">
                        "Copy the key " {made.key.name.clone()} " now: it is not shown again."
                    </p>
                    <input
                        readonly=true
                        value=made.secret.clone()
                        aria-label="The new API key"
                        data-testid="api-key-secret"
                        class="mt-2 block w-full rounded-md border-0 bg-white px-3 py-2 font-mono text-xs ring-1 ring-inset ring-emerald-300"
                    />
                </div>
            })}
        </section>
        <section class="mt-8" aria-labelledby="keys-heading">
            <h2 id="keys-heading" class="mb-3 text-base font-semibold">"Keys"</h2>
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading keys…"</p> }>
                {move || Suspend::new(async move {
                    match keys.await {
                        Ok(list) => view! { <KeysTable list revoke/> }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn KeysTable(list: Vec<ApiKeyView>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let sort = RwSignal::new(SortState::new("created", SortDir::Desc));
    let is_empty = list.is_empty();
    let rows = move || {
        let mut rows = list.clone();
        let s = sort.get();
        rows.sort_by(|a, b| {
            s.apply(match s.key {
                "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                "used" => a.last_used_at.cmp(&b.last_used_at),
                _ => a.created_at.cmp(&b.created_at),
            })
        });
        rows.into_iter()
            .map(|k| {
                let id = k.id;
                let live = k.revoked_at.is_none();
                view! {
                    <tr data-testid="api-key-row">
                        <td class="px-4 py-3 font-medium text-slate-900">{k.name.clone()}</td>
                        <td class="px-4 py-3 font-mono text-xs text-slate-600">{format!("{}…", k.prefix)}</td>
                        <td class="px-4 py-3">
                            <Badge tone=if k.scope == ApiKeyScope::Write { Tone::Warning } else { Tone::Neutral }>{k.scope.label()}</Badge>
                        </td>
                        <td class="px-4 py-3 tabular-nums text-slate-600">{format!("{}/min", k.rate_per_minute)}</td>
                        <td class="px-4 py-3 text-slate-600">{k.created_by.clone()}</td>
                        <td class="px-4 py-3 text-slate-600">{when(Some(k.created_at), "")}</td>
                        <td class="px-4 py-3 text-slate-600">{when(k.last_used_at, "Never")}</td>
                        <td class="px-4 py-3 text-right">
                            {if live {
                                view! {
                                    <ActionForm action=revoke>
                                        <input type="hidden" name="id" value=id.to_string()/>
                                        <Button
                                            kind="submit"
                                            variant=ButtonVariant::Ghost
                                            aria_label=format!("Revoke the key {}", k.name)
                                            busy=revoke.pending()
                                        >
                                            "Revoke"
                                        </Button>
                                    </ActionForm>
                                }
                                .into_any()
                            } else {
                                view! { <Badge tone=Tone::Danger>{format!("Revoked {}", when(k.revoked_at, ""))}</Badge> }.into_any()
                            }}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <DataTable
            caption="API keys of this organisation"
            columns=vec![
                Column::sortable("name", "Name"),
                Column::plain("prefix", "Key"),
                Column::plain("scope", "Scope"),
                Column::plain("rate", "Rate"),
                Column::plain("by", "Made by"),
                Column::sortable("created", "Created"),
                Column::sortable("used", "Last used"),
                Column::plain("actions", ""),
            ]
            sort
            is_empty=Signal::derive(move || is_empty)
            empty_message="No API keys yet."
            test_id="api-keys-table"
        >
            {rows}
        </DataTable>
    }
}

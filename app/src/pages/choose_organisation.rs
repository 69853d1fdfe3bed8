use super::auth_layout::AuthLayout;
use crate::api::auth::{current_user, SwitchTenant};
use crate::components::{form_error, FormAlert, FOCUS_RING};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// After sign-in, for members of several organisations: which one to work in now. Each is a
/// small form, so it works without JavaScript.
#[component]
pub fn ChooseOrganisationPage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| current_user());
    let next = use_query_map().with_untracked(|q| q.get("next").unwrap_or_else(|| "/".into()));
    let next = StoredValue::new(next);
    let action = ServerAction::<SwitchTenant>::new();
    view! {
        <Title text="Choose an organisation"/>
        <Suspense fallback=|| view! { <p class="p-8 text-center text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let Ok(Some(user)) = user.await else {
                    return view! { <Redirect path="/sign-in"/> }.into_any();
                };
                view! {
                    <AuthLayout title="Choose an organisation" subtitle=format!("{} belongs to several. You can switch at any time from the user menu.", user.email)>
                        <FormAlert message=form_error(action, &[])/>
                        <ul class="space-y-2" data-testid="organisations">
                            {user.tenants.into_iter().map(|t| {
                                let current = t.tenant_id == user.tenant_id;
                                view! {
                                    <li>
                                        <ActionForm action=action>
                                            <input type="hidden" name="tenant_id" value=t.tenant_id.to_string()/>
                                            <input type="hidden" name="next" value=next.get_value()/>
                                            <button
                                                type="submit"
                                                class=format!("flex w-full items-center justify-between rounded-lg border border-slate-200 px-4 py-3 text-left hover:border-indigo-400 hover:bg-indigo-50 {FOCUS_RING}")
                                            >
                                                <span>
                                                    <span class="block font-medium">{t.name.clone()}</span>
                                                    <span class="block text-xs text-slate-600">{t.role.label()}</span>
                                                </span>
                                                {current.then(|| view! { <span class="text-xs font-medium text-indigo-700">"Last used"</span> })}
                                            </button>
                                        </ActionForm>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </AuthLayout>
                }
                .into_any()
            })}
        </Suspense>
    }
}

use super::auth_layout::AuthLayout;
use crate::api::invitations::{preview_invitation, AcceptInvitation};
use crate::components::{field_error, form_error, Button, FormAlert, TextInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::validate::{MAX_NAME, MIN_PASSWORD};

/// The one-time invitation link: set a name and password (or confirm an existing account's
/// password) and join the organisation.
#[component]
pub fn AcceptInvitePage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let preview = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        preview_invitation,
    );
    let action = ServerAction::<AcceptInvitation>::new();
    let token = StoredValue::new(token);
    view! {
        <Title text="Join your team"/>
        <Suspense fallback=|| view! { <p class="p-8 text-center text-sm text-slate-500">"Checking your invitation…"</p> }>
            {move || Suspend::new(async move {
                match preview.await {
                    Err(e) => view! {
                        <AuthLayout title="This invitation cannot be used">
                            <p class="text-sm text-slate-700" role="alert">{e.to_string()}</p>
                            <a href="/sign-in" class="mt-4 inline-block text-sm font-semibold text-indigo-600">"Go to sign in"</a>
                        </AuthLayout>
                    }
                    .into_any(),
                    Ok(inv) => {
                        let subtitle = format!("{} invited {} to join as {}.", inv.invited_by, inv.email, inv.role.label());
                        let password_label = if inv.has_account { "Your existing password" } else { "Choose a password" };
                        view! {
                            <AuthLayout title=format!("Join {}", inv.tenant_name) subtitle=subtitle>
                                <ActionForm action=action attr:class="space-y-5" attr:novalidate=true>
                                    <FormAlert message=form_error(action, &["name", "password"])/>
                                    <input type="hidden" name="token" value=token.get_value()/>
                                    {(!inv.has_account).then(|| view! {
                                        <TextInput label="Your name" name="name" autocomplete="name" required=true autofocus=true maxlength=MAX_NAME error=field_error(action, "name")/>
                                    })}
                                    <TextInput
                                        label=password_label
                                        name="password"
                                        kind="password"
                                        autocomplete=if inv.has_account { "current-password" } else { "new-password" }
                                        required=true
                                        hint=(!inv.has_account).then(|| format!("At least {MIN_PASSWORD} characters."))
                                        error=field_error(action, "password")
                                    />
                                    <Button kind="submit" class="w-full" busy=action.pending()>"Join the team"</Button>
                                </ActionForm>
                            </AuthLayout>
                        }
                        .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

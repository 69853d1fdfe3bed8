use super::auth_layout::AuthLayout;
use crate::api::auth::{check_reset_token, ResetPassword};
use crate::components::{field_error, form_error, Button, FormAlert, TextInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use models::validate::MIN_PASSWORD;

/// The mailed one-time link: choose a new password. Every session of the account ends.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let token = use_params_map().with_untracked(|p| p.get("token").unwrap_or_default());
    let check = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        check_reset_token,
    );
    let action = ServerAction::<ResetPassword>::new();
    let token = StoredValue::new(token);
    view! {
        <Title text="Choose a new password"/>
        <Suspense fallback=|| view! { <p class="p-8 text-center text-sm text-slate-500">"Checking your link…"</p> }>
            {move || Suspend::new(async move {
                match check.await {
                    Err(e) => view! {
                        <AuthLayout title="This link cannot be used">
                            <p class="text-sm text-slate-700" role="alert">{e.to_string()}</p>
                            <a href="/forgot-password" class="mt-4 inline-block text-sm font-semibold text-indigo-700">"Ask for a new link"</a>
                        </AuthLayout>
                    }
                    .into_any(),
                    Ok(()) => view! {
                        <AuthLayout title="Choose a new password" subtitle="You will be signed out everywhere, then sign in with the new one.">
                            <ActionForm action=action attr:class="space-y-5" attr:novalidate=true>
                                <FormAlert message=form_error(action, &["password"])/>
                                <input type="hidden" name="token" value=token.get_value()/>
                                <TextInput
                                    label="New password"
                                    name="password"
                                    kind="password"
                                    autocomplete="new-password"
                                    required=true
                                    autofocus=true
                                    hint=Some(format!("At least {MIN_PASSWORD} characters."))
                                    error=field_error(action, "password")
                                />
                                <Button kind="submit" class="w-full" busy=action.pending()>"Set the new password"</Button>
                            </ActionForm>
                        </AuthLayout>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

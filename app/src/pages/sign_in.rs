use super::auth_layout::AuthLayout;
use crate::api::auth::SignIn;
use crate::components::{field_error, form_error, Button, FormAlert, TextInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// E-mail and password. Works without JavaScript: the form posts to the server function and
/// the server redirects.
#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let (next, reset) =
        use_query_map().with_untracked(|q| (q.get("next"), q.get("reset").is_some()));
    view! {
        <Title text="Sign in"/>
        <AuthLayout title="Sign in to your organisation">
            {reset.then(|| view! {
                <p class="mb-5 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" role="status" data-testid="password-changed">
                    "Your password was changed and you were signed out everywhere. Sign in with the new one."
                </p>
            })}
            <ActionForm action=action attr:class="space-y-5" attr:novalidate=true>
                <FormAlert message=form_error(action, &["email", "password"])/>
                {next.map(|n| view! { <input type="hidden" name="next" value=n/> })}
                <TextInput label="Email" name="email" kind="email" autocomplete="email" required=true autofocus=true error=field_error(action, "email")/>
                <TextInput label="Password" name="password" kind="password" autocomplete="current-password" required=true error=field_error(action, "password")/>
                <Button kind="submit" class="w-full" busy=action.pending()>"Sign in"</Button>
            </ActionForm>
            <p class="mt-4 text-center text-sm">
                <a href="/forgot-password" class="font-semibold text-indigo-700 hover:text-indigo-600">"Forgot password?"</a>
            </p>
            <p class="mt-6 text-center text-sm text-slate-600">
                "New to Sales Hunter? "
                <a href="/sign-up" class="font-semibold text-indigo-600 hover:text-indigo-500">"Create an organisation"</a>
            </p>
        </AuthLayout>
    }
}

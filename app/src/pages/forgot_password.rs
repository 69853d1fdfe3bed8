use super::auth_layout::AuthLayout;
use crate::api::auth::RequestPasswordReset;
use crate::components::{field_error, form_error, Button, FormAlert, TextInput};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// "Forgot password?": asks for the address and mails a one-time link. The answer is the
/// same whether or not the address has an account.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    view! {
        <Title text="Reset your password"/>
        <AuthLayout title="Reset your password" subtitle="We mail you a link to choose a new one.">
            {sent.then(|| view! {
                <p class="mb-5 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900" role="status" data-testid="reset-sent">
                    "If an account uses that address, a reset link is on its way. It works once, for one hour."
                </p>
            })}
            <ActionForm action=action attr:class="space-y-5" attr:novalidate=true>
                <FormAlert message=form_error(action, &["email"])/>
                <TextInput label="Email" name="email" kind="email" autocomplete="email" required=true autofocus=true error=field_error(action, "email")/>
                <Button kind="submit" class="w-full" busy=action.pending()>"Send the reset link"</Button>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-slate-600">
                <a href="/sign-in" class="font-semibold text-indigo-700 hover:text-indigo-600">"Back to sign in"</a>
            </p>
        </AuthLayout>
    }
}

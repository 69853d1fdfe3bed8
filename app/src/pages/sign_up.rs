use super::auth_layout::AuthLayout;
use crate::api::auth::SignUp;
use crate::components::{field_error, form_error, Button, FormAlert, TextInput};
use leptos::prelude::*;
use leptos_meta::Title;
use models::validate::{MAX_NAME, MIN_PASSWORD};

/// Creates an organisation and its first owner.
#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    view! {
        <Title text="Create an organisation"/>
        <AuthLayout title="Create your organisation" subtitle="You will be its owner and can invite your team next.">
            <ActionForm action=action attr:class="space-y-5" attr:novalidate=true>
                <FormAlert message=form_error(action, &["name", "email", "password", "organisation"])/>
                <TextInput label="Your name" name="name" autocomplete="name" required=true autofocus=true maxlength=MAX_NAME error=field_error(action, "name")/>
                <TextInput label="Work email" name="email" kind="email" autocomplete="email" required=true error=field_error(action, "email")/>
                <TextInput label="Password" name="password" kind="password" autocomplete="new-password" required=true
                    hint=format!("At least {MIN_PASSWORD} characters.") error=field_error(action, "password")/>
                <TextInput label="Organisation" name="organisation" autocomplete="organization" required=true maxlength=MAX_NAME error=field_error(action, "organisation")/>
                <Button kind="submit" class="w-full" busy=action.pending()>"Create organisation"</Button>
            </ActionForm>
            <p class="mt-6 text-center text-sm text-slate-600">
                "Already have an account? "
                <a href="/sign-in" class="font-semibold text-indigo-600 hover:text-indigo-500">"Sign in"</a>
            </p>
        </AuthLayout>
    }
}

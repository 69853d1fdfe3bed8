use crate::components::{EmptyState, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;
use models::session::SessionUser;

/// The platform admin console. Only operators of this installation may open it.
#[component]
pub fn AdminPage() -> impl IntoView {
    let user = expect_context::<SessionUser>();
    if !user.is_platform_admin {
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FORBIDDEN);
        }
        return view! {
            <Title text="Not allowed"/>
            <PageHeader title="Not allowed"/>
            <p class="text-sm text-slate-700" role="alert">"The admin console is only for platform admins."</p>
        }
        .into_any();
    }
    view! {
        <Title text="Admin"/>
        <PageHeader title="Admin console" description="Tenants, users, activity, usage and billing across this installation."/>
        <EmptyState
            title="Nothing to administer yet"
            body="The admin console (tenants, activity, usage and billing) is not built yet. Tenant members are managed under Team."
        />
    }
    .into_any()
}

//! "New lead": the lead form; saving opens the new lead.

use super::form::LeadFields;
use crate::api::dashboard::list_custom_fields;
use crate::api::leads::CreateLead;
use crate::api::members::list_members;
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::sales::custom_field::CustomObject;
use models::sales::lead::LeadInput;
use models::session::SessionUser;
use models::{AppError, Role};

#[component]
pub fn NewLeadPage() -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let create = ServerAction::<CreateLead>::new();
    // One server call per resource (see the leads page).
    let members = Resource::new(|| (), |_| list_members());
    let fields = Resource::new(|| (), |_| list_custom_fields(CustomObject::Lead));
    let data = move || async move { Ok::<_, AppError>((members.await?, fields.await?)) };
    let can_assign = me.role.at_least(Role::Manager);
    let value = LeadInput {
        owner_id: me.user_id.to_string(),
        status: "new".into(),
        ..LeadInput::default()
    };
    view! {
        <Title text="New lead"/>
        <PageHeader title="New lead" description="Add a person you want to sell to. Only the last name is required."/>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || {
                let value = value.clone();
                Suspend::new(async move {
                    match data().await {
                        Ok((members, custom_fields)) => view! {
                            <ActionForm action=create attr:class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" attr:data-testid="lead-form">
                                <LeadFields action=create value members custom_fields can_assign/>
                                <div class="mt-6 flex justify-end gap-2">
                                    <a href="/leads" class="rounded-md px-3.5 py-2 text-sm font-semibold text-slate-700 hover:bg-slate-100">"Cancel"</a>
                                    <Button kind="submit" busy=create.pending()>"Create lead"</Button>
                                </div>
                            </ActionForm>
                        }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

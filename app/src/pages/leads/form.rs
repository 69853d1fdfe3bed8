//! The lead form, shared by "New lead" and the edit section of a lead: every field, the
//! tenant's custom fields, and a duplicate check on the e-mail before saving.

use crate::api::leads::find_duplicate_lead;
use crate::components::*;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::members::Member;
use models::sales::custom_field::CustomField;
use models::sales::lead::{LeadInput, LeadStatus};
use models::{AppError, LeadId};

pub const LEAD_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "company",
    "domain",
    "industry",
    "employee_count",
    "country",
    "source",
    "status",
    "owner_id",
];

/// The fields of a lead form, named `input[...]` for a server function taking `input:
/// LeadInput`. `action` supplies the field errors.
#[component]
pub fn LeadFields<S>(
    action: ServerAction<S>,
    value: LeadInput,
    members: Vec<Member>,
    custom_fields: Vec<CustomField>,
    #[prop(optional)] except: Option<LeadId>,
    #[prop(optional)] can_assign: bool,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let err = move |f: &'static str| field_error(action, f);
    let text = move |label: &'static str, field: &'static str, v: String| {
        view! { <TextInput label=label name=format!("input[{field}]") value=v error=err(field)/> }
    };
    let duplicate = RwSignal::new(None::<(String, String)>);
    let check = move |ev: leptos::ev::FocusEvent| {
        let email = event_target_value(&ev);
        if email.trim().is_empty() {
            duplicate.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            if let Ok(found) = find_duplicate_lead(email, except).await {
                duplicate.set(found.map(|d| (d.full_name, format!("/leads/{}", d.id))));
            }
        });
    };
    let statuses: Vec<(String, String)> = LeadStatus::ALL
        .iter()
        .filter(|s| **s != LeadStatus::Converted || value.status == "converted")
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .collect();
    let mut owners = vec![(String::new(), "Unassigned".to_string())];
    owners.extend(
        members
            .iter()
            .map(|m| (m.user_id.to_string(), m.name.clone())),
    );
    let v = value.clone();
    view! {
        <div class="grid gap-4 sm:grid-cols-2">
            {text("First name", "first_name", v.first_name.clone())}
            <TextInput label="Last name" name="input[last_name]" value=v.last_name.clone() error=err("last_name") required=true/>
            <div class="space-y-1.5">
                <label for="field-input[email]" class="block text-sm font-medium text-slate-700">"E-mail"</label>
                <input id="field-input[email]" name="input[email]" type="email" value=v.email.clone() on:blur=check
                    aria-invalid=move || err("email").get().is_some().then_some("true")
                    aria-describedby="lead-email-note"
                    class=format!("block w-full rounded-md border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 sm:text-sm {FOCUS_RING}")/>
                <div id="lead-email-note">
                    {move || err("email").get().map(|e| view! { <p class="text-sm text-red-600" role="alert">{format!("E-mail {e}")}</p> })}
                    {move || duplicate.get().map(|(name, href)| view! {
                        <p class="text-sm text-amber-800" role="status" data-testid="duplicate-warning">
                            "Another lead already has this e-mail: " <a class="font-medium underline" href=href>{name}</a>
                        </p>
                    })}
                </div>
            </div>
            {text("Phone", "phone", v.phone.clone())}
            {text("Title", "title", v.title.clone())}
            {text("Company", "company", v.company.clone())}
            {text("Website domain", "domain", v.domain.clone())}
            {text("Industry", "industry", v.industry.clone())}
            {text("Employees", "employee_count", v.employee_count.clone())}
            {text("Country", "country", v.country.clone())}
            {text("Source", "source", v.source.clone())}
            <Select label="Status" name="input[status]" options=statuses selected=if v.status.is_empty() { "new".to_string() } else { v.status.clone() } error=err("status")/>
            {can_assign.then(|| view! { <Select label="Owner" name="input[owner_id]" options=owners selected=v.owner_id.clone() error=err("owner_id")/> })}
            {(!can_assign).then(|| view! { <input type="hidden" name="input[owner_id]" value=v.owner_id.clone()/> })}
            <CustomFieldInputs action fields=custom_fields values=v.custom.clone()/>
        </div>
        <div class="mt-4">
            <FormAlert message=record_form_error(action, LEAD_FIELDS)/>
        </div>
    }
}

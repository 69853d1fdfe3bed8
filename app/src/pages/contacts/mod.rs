//! The contacts table and the contact form (new and edit).

pub mod detail;

use super::records::{ListedRecord, NewRecordMenu, RecordListPage, RecordSource};
use crate::api::contacts::{list_contacts, BulkUpdateContacts, CreateContact};
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::members::Member;
use models::sales::contact::{ContactInput, ContactRow};
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::record_query::{RecordKind, RecordSort};
use models::{AppError, ContactId};
use uuid::Uuid;

impl ListedRecord for ContactRow {
    const KIND: RecordKind = RecordKind::Contact;
    const OBJECT: CustomObject = CustomObject::Contact;
    const DELETES_WITH: &'static str =
        " with their activities and tasks (the deals they are on stay)";

    fn id(&self) -> Uuid {
        self.id.0
    }

    fn name(&self) -> String {
        self.full_name.clone()
    }

    fn columns() -> &'static [(&'static str, Option<RecordSort>)] {
        &[
            ("Title", Some(RecordSort::Title)),
            ("Account", None),
            ("E-mail", Some(RecordSort::Email)),
            ("Phone", None),
            ("Owner", None),
            ("Created", Some(RecordSort::Created)),
        ]
    }

    fn cells(&self) -> AnyView {
        let td = "px-4 py-2.5 text-slate-700";
        view! {
            <td class=td>{self.title.clone()}</td>
            <td class=td>
                {self.account_id.zip(self.account_name.clone()).map(|(id, name)| view! {
                    <a class="hover:underline" href=format!("/accounts/{id}")>{name}</a>
                })}
            </td>
            <td class=td>{self.email.clone()}</td>
            <td class=td>{self.phone.clone()}</td>
            <td class=td>{self.owner_name.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td class=td>{format::day(self.created_at)}</td>
        }
        .into_any()
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let bulk = ServerAction::<BulkUpdateContacts>::new();
    toast_results(bulk, "Contacts updated.");
    let source = RecordSource {
        list: |view| Box::pin(list_contacts(view)),
        bulk: Callback::new(move |(ids, action): (Vec<Uuid>, _)| {
            bulk.dispatch(BulkUpdateContacts {
                ids: ids.into_iter().map(ContactId).collect(),
                action,
            });
        }),
        bulk_version: bulk.version().into(),
    };
    view! {
        <RecordListPage source title="Contacts" description="The people at your accounts, with their deals and every conversation."
            new_form=|| view! { <NewContactForm/> }/>
    }
}

#[component]
fn NewContactForm() -> impl IntoView {
    let create = ServerAction::<CreateContact>::new();
    let members = Resource::new(|| (), |_| list_members());
    let fields = Resource::new(
        || (),
        |_| crate::api::dashboard::list_custom_fields(CustomObject::Contact),
    );
    let failed = Signal::derive(move || create.value().with(|v| matches!(v, Some(Err(_)))));
    view! {
        <NewRecordMenu label="New contact" test_id="new-contact" failed>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (members, fields) = (members.await.unwrap_or_default(), fields.await.unwrap_or_default());
                view! {
                    <ActionForm action=create attr:data-testid="new-contact-form">
                        <ContactFields action=create value=ContactInput::default() members custom_fields=fields can_assign=true/>
                        <div class="mt-4 flex justify-end"><Button kind="submit" busy=create.pending()>"Create contact"</Button></div>
                    </ActionForm>
                }
            })}
        </Suspense>
        </NewRecordMenu>
    }
}

const CONTACT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "title",
    "seniority",
    "email",
    "phone",
    "linkedin_url",
    "account",
    "owner_id",
];

/// The fields of a contact form, named `input[...]` for a server function taking `input:
/// ContactInput`. `action` supplies the field errors.
#[component]
pub fn ContactFields<S>(
    action: ServerAction<S>,
    value: ContactInput,
    members: Vec<Member>,
    custom_fields: Vec<CustomField>,
    can_assign: bool,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let err = move |f: &'static str| field_error(action, f);
    let text = move |label: &'static str, field: &'static str, v: String| {
        view! { <TextInput label=label name=format!("input[{field}]") value=v error=err(field)/> }
    };
    let mut owners = vec![(String::new(), "Unassigned".to_string())];
    owners.extend(
        members
            .iter()
            .map(|m| (m.user_id.to_string(), m.name.clone())),
    );
    let v = value;
    view! {
        <div class="grid gap-4 sm:grid-cols-2">
            {text("First name", "first_name", v.first_name.clone())}
            <TextInput label="Last name" name="input[last_name]" value=v.last_name.clone() error=err("last_name") required=true maxlength=100/>
            {text("Title", "title", v.title.clone())}
            {text("Seniority", "seniority", v.seniority.clone())}
            <TextInput label="E-mail" name="input[email]" kind="email" value=v.email.clone() error=err("email")/>
            {text("Phone", "phone", v.phone.clone())}
            <TextInput label="LinkedIn" name="input[linkedin_url]" kind="url" value=v.linkedin_url.clone() error=err("linkedin_url") placeholder="https://www.linkedin.com/in/…"/>
            <TextInput label="Account" name="input[account]" value=v.account.clone() error=err("account") hint=Some("The account's name, as on the accounts page".to_string())/>
            {if can_assign {
                view! { <Select label="Owner" name="input[owner_id]" id_suffix="contact" options=owners selected=v.owner_id.clone() error=err("owner_id")/> }.into_any()
            } else {
                view! { <input type="hidden" name="input[owner_id]" value=v.owner_id.clone()/> }.into_any()
            }}
            <CustomFieldInputs action fields=custom_fields values=v.custom.clone()/>
        </div>
        <div class="mt-4">
            <FormAlert message=record_form_error(action, CONTACT_FIELDS)/>
        </div>
    }
}

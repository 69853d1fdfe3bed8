//! The accounts table and the account form (new and edit).

pub mod detail;

use super::records::{ListedRecord, NewRecordMenu, RecordListPage, RecordSource};
use crate::api::accounts::{list_accounts, BulkUpdateAccounts, CreateAccount};
use crate::api::members::list_members;
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::members::Member;
use models::sales::account::{AccountInput, AccountRow};
use models::sales::custom_field::{CustomField, CustomObject};
use models::sales::record_query::{RecordKind, RecordSort};
use models::{AccountId, AppError};
use uuid::Uuid;

impl ListedRecord for AccountRow {
    const KIND: RecordKind = RecordKind::Account;
    const OBJECT: CustomObject = CustomObject::Account;
    const DELETES_WITH: &'static str =
        " with their activities and tasks (their contacts and deals stay, without an account)";

    fn id(&self) -> Uuid {
        self.id.0
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn columns() -> &'static [(&'static str, Option<RecordSort>)] {
        &[
            ("Domain", Some(RecordSort::Domain)),
            ("Industry", Some(RecordSort::Industry)),
            ("Country", Some(RecordSort::Country)),
            ("Employees", Some(RecordSort::Employees)),
            ("Contacts", None),
            ("Open deals", None),
            ("Owner", None),
            ("Created", Some(RecordSort::Created)),
        ]
    }

    fn cells(&self) -> AnyView {
        let td = "px-4 py-2.5 text-slate-700";
        view! {
            <td class=td>{self.domain.clone()}</td>
            <td class=td>{self.industry.clone()}</td>
            <td class=td>{self.country.clone()}</td>
            <td class=format!("{td} tabular-nums")>{self.employee_count.map(|n| format::count(n.into())).unwrap_or_default()}</td>
            <td class=format!("{td} tabular-nums")>
                <a class="hover:underline" href=format!("/contacts?account={}", self.id)>{format::count(self.contacts)}</a>
            </td>
            <td class=format!("{td} tabular-nums")>{format::count(self.open_deals)}</td>
            <td class=td>{self.owner_name.clone().unwrap_or_else(|| "Unassigned".into())}</td>
            <td class=td>{format::day(self.created_at)}</td>
        }
        .into_any()
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let bulk = ServerAction::<BulkUpdateAccounts>::new();
    toast_results(bulk, "Accounts updated.");
    let source = RecordSource {
        list: |view| Box::pin(list_accounts(view)),
        bulk: Callback::new(move |(ids, action): (Vec<Uuid>, _)| {
            bulk.dispatch(BulkUpdateAccounts {
                ids: ids.into_iter().map(AccountId).collect(),
                action,
            });
        }),
        bulk_version: bulk.version().into(),
    };
    view! {
        <RecordListPage source title="Accounts" description="The companies you sell to: their people, deals and history in one place."
            new_form=|| view! { <NewAccountForm/> }/>
    }
}

#[component]
fn NewAccountForm() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let members = Resource::new(|| (), |_| list_members());
    let fields = Resource::new(
        || (),
        |_| crate::api::dashboard::list_custom_fields(CustomObject::Account),
    );
    let failed = Signal::derive(move || create.value().with(|v| matches!(v, Some(Err(_)))));
    view! {
        <NewRecordMenu label="New account" test_id="new-account" failed>
        <Suspense fallback=|| view! { <p class="text-sm text-slate-500">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let (members, fields) = (members.await.unwrap_or_default(), fields.await.unwrap_or_default());
                view! {
                    <ActionForm action=create attr:data-testid="new-account-form">
                        <AccountFields action=create value=AccountInput::default() members custom_fields=fields can_assign=true/>
                        <div class="mt-4 flex justify-end"><Button kind="submit" busy=create.pending()>"Create account"</Button></div>
                    </ActionForm>
                }
            })}
        </Suspense>
        </NewRecordMenu>
    }
}

const ACCOUNT_FIELDS: &[&str] = &[
    "name",
    "domain",
    "industry",
    "employee_count",
    "annual_revenue",
    "country",
    "region",
    "owner_id",
];

/// The fields of an account form, named `input[...]` for a server function taking `input:
/// AccountInput`. `action` supplies the field errors.
#[component]
pub fn AccountFields<S>(
    action: ServerAction<S>,
    value: AccountInput,
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
            <TextInput label="Name" name="input[name]" value=v.name.clone() error=err("name") required=true maxlength=200/>
            {text("Website domain", "domain", v.domain.clone())}
            {text("Industry", "industry", v.industry.clone())}
            {text("Employees", "employee_count", v.employee_count.clone())}
            {text("Annual revenue", "annual_revenue", v.annual_revenue.clone())}
            {text("Country", "country", v.country.clone())}
            {text("Region", "region", v.region.clone())}
            {if can_assign {
                view! { <Select label="Owner" name="input[owner_id]" options=owners selected=v.owner_id.clone() error=err("owner_id")/> }.into_any()
            } else {
                view! { <input type="hidden" name="input[owner_id]" value=v.owner_id.clone()/> }.into_any()
            }}
            <CustomFieldInputs action fields=custom_fields values=v.custom.clone()/>
        </div>
        <div class="mt-4">
            <FormAlert message=record_form_error(action, ACCOUNT_FIELDS)/>
        </div>
    }
}

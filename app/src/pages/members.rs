//! Team: members with their roles, invitations, and the admin actions on both.

use crate::api::invitations::{list_invitations, CreateInvitation, RevokeInvitation};
use crate::api::members::{list_members, ChangeMemberRole, RemoveMember};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::members::{Invitation, Member};
use models::session::SessionUser;
use models::Role;

fn role_tone(role: Role) -> Tone {
    match role {
        Role::Owner => Tone::Info,
        Role::Admin => Tone::Success,
        Role::Manager => Tone::Warning,
        Role::Rep => Tone::Neutral,
    }
}

/// The roles `me` may hand out: owners any, admins all but owner.
fn grantable_roles(me: Role) -> Vec<(String, String)> {
    Role::ALL
        .into_iter()
        .filter(|r| me == Role::Owner || *r != Role::Owner)
        .map(|r| (r.as_str().to_string(), r.label().to_string()))
        .collect()
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let can_manage = me.role.at_least(Role::Admin);
    let change_role = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let invite = ServerAction::<CreateInvitation>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    toast_results(change_role, "Role updated.");
    toast_results(remove, "Member removed.");
    toast_results(revoke, "Invitation withdrawn.");

    let members = Resource::new(
        move || (change_role.version().get(), remove.version().get()),
        |_| list_members(),
    );
    let invitations = Resource::new(
        move || (can_manage, invite.version().get(), revoke.version().get()),
        |(can_manage, _, _)| async move {
            if can_manage {
                list_invitations().await
            } else {
                Ok(Vec::new())
            }
        },
    );

    // The link of the invitation just created, shown once.
    let link_open = RwSignal::new(false);
    let created_link = RwSignal::new(None::<(String, String)>);
    Effect::new(move |_| {
        if let Some(Ok(created)) = invite.value().get() {
            created_link.set(Some((
                created.invitation.email.clone(),
                absolute_url(&created.accept_path),
            )));
            link_open.set(true);
        }
    });

    view! {
        <Title text="Team"/>
        <PageHeader title="Team" description=format!("Everyone who can sign in to {}.", me.tenant_name)/>
        {can_manage.then(|| view! { <InviteForm invite me_role=me.role/> })}
        <section class="mt-8" aria-labelledby="members-heading">
            <h2 id="members-heading" class="mb-3 text-base font-semibold">"Members"</h2>
            <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match members.await {
                        Ok(list) => view! { <MembersTable list change_role remove/> }.into_any(),
                        Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        {can_manage.then(|| view! {
            <section class="mt-8" aria-labelledby="invitations-heading">
                <h2 id="invitations-heading" class="mb-3 text-base font-semibold">"Open invitations"</h2>
                <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading invitations…"</p> }>
                    {move || Suspend::new(async move {
                        match invitations.await {
                            Ok(list) => view! { <InvitationsTable list revoke/> }.into_any(),
                            Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        })}
        <Modal open=link_open title="Invitation link">
            {move || created_link.get().map(|(email, link)| view! {
                <p class="text-sm text-slate-700">
                    "Send this one-time link to " <strong>{email}</strong>
                    ". It works once, for 7 days, and will not be shown again."
                </p>
                <input
                    readonly=true
                    value=link
                    aria-label="Invitation link"
                    data-testid="invite-link"
                    class="mt-3 block w-full rounded-md border-0 bg-slate-50 px-3 py-2 font-mono text-xs ring-1 ring-inset ring-slate-300"
                    on:focus=move |ev| {
                        #[cfg(feature = "hydrate")]
                        {
                            use leptos::wasm_bindgen::JsCast;
                            if let Some(input) = ev.target().and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok()) {
                                input.select();
                            }
                        }
                        #[cfg(not(feature = "hydrate"))]
                        let _ = ev;
                    }
                />
            })}
            <div class="mt-5 flex justify-end">
                <Button on_click=Callback::new(move |_| link_open.set(false))>"Done"</Button>
            </div>
        </Modal>
    }
}

/// The invitation link as the invitee will open it.
fn absolute_url(path: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        if let Ok(origin) = window().location().origin() {
            return format!("{origin}{path}");
        }
    }
    path.to_string()
}

#[component]
fn InviteForm(invite: ServerAction<CreateInvitation>, me_role: Role) -> impl IntoView {
    view! {
        <section class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="invite-heading">
            <h2 id="invite-heading" class="text-base font-semibold">"Invite a teammate"</h2>
            <p class="mt-1 text-sm text-slate-600">"They get a one-time link to set their password and join."</p>
            <ActionForm action=invite attr:class="mt-4 grid gap-4 sm:grid-cols-[1fr_12rem_auto] sm:items-start" attr:novalidate=true>
                <TextInput label="Email" name="email" kind="email" autocomplete="off" required=true error=field_error(invite, "email")/>
                <Select label="Role" name="role" options=grantable_roles(me_role) selected="rep" error=field_error(invite, "role")/>
                <div class="sm:pt-7">
                    <Button kind="submit" busy=invite.pending() test_id="send-invite">"Create invite link"</Button>
                </div>
            </ActionForm>
            <div class="mt-3">
                <FormAlert message=form_error(invite, &["email", "role"])/>
            </div>
        </section>
    }
}

#[component]
fn MembersTable(
    list: Vec<Member>,
    change_role: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
) -> impl IntoView {
    let me = expect_context::<SessionUser>();
    let sort = RwSignal::new(SortState::new("role", SortDir::Asc));
    let is_empty = list.is_empty();
    let confirm_open = RwSignal::new(false);
    let to_remove = RwSignal::new(None::<Member>);
    let rows = move || {
        let mut rows = list.clone();
        let s = sort.get();
        rows.sort_by(|a, b| {
            s.apply(match s.key {
                "name" => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                "email" => a.email.cmp(&b.email),
                "joined" => a.joined_at.cmp(&b.joined_at),
                // Owner first when ascending.
                _ => b.role.rank().cmp(&a.role.rank()),
            })
        });
        let me = me.clone();
        rows.into_iter()
            .map(|m| {
                let is_me = m.user_id == me.user_id;
                let may_edit = me.role.at_least(Role::Admin) && !is_me && (me.role == Role::Owner || m.role != Role::Owner);
                let member = m.clone();
                let (role_label, remove_label) = (format!("Role of {}", m.name), format!("Remove {}", m.name));
                view! {
                    <tr data-testid="member-row">
                        <td class="px-4 py-3 font-medium text-slate-900">
                            {m.name.clone()}
                            {is_me.then(|| view! { <span class="ml-2 text-xs text-slate-500">"(you)"</span> })}
                        </td>
                        <td class="px-4 py-3 text-slate-600">{m.email.clone()}</td>
                        <td class="px-4 py-3">
                            {if may_edit {
                                view! {
                                    <ActionForm action=change_role attr:class="flex items-center gap-2">
                                        <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                                        <Select
                                            label=role_label
                                            name="role"
                                            id_suffix=m.user_id.to_string()
                                            hide_label=true
                                            options=grantable_roles(me.role)
                                            selected=m.role.as_str()
                                        />
                                        <Button kind="submit" variant=ButtonVariant::Secondary busy=change_role.pending()>"Save"</Button>
                                    </ActionForm>
                                }
                                .into_any()
                            } else {
                                view! { <Badge tone=role_tone(m.role)>{m.role.label()}</Badge> }.into_any()
                            }}
                        </td>
                        <td class="px-4 py-3 text-slate-600">{m.joined_at.format("%-d %b %Y").to_string()}</td>
                        <td class="px-4 py-3 text-right">
                            {may_edit.then(|| view! {
                                <Button
                                    variant=ButtonVariant::Ghost
                                    aria_label=remove_label
                                    on_click=Callback::new(move |_| {
                                        to_remove.set(Some(member.clone()));
                                        confirm_open.set(true);
                                    })
                                >
                                    "Remove"
                                </Button>
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <DataTable
            caption="Members of this organisation"
            columns=vec![
                Column::sortable("name", "Name"),
                Column::sortable("email", "Email"),
                Column::sortable("role", "Role"),
                Column::sortable("joined", "Joined"),
                Column::plain("actions", ""),
            ]
            sort
            is_empty=Signal::derive(move || is_empty)
            empty_message="No members."
            test_id="members-table"
        >
            {rows}
        </DataTable>
        <Modal open=confirm_open title="Remove member">
            {move || to_remove.get().map(|m| {
                let user_id = m.user_id;
                view! {
                    <p class="text-sm text-slate-700">
                        "Remove " <strong>{m.name.clone()}</strong> " (" {m.email.clone()} ")? They lose access at once; their account stays for other organisations."
                    </p>
                    <div class="mt-6 flex justify-end gap-2">
                        <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| confirm_open.set(false))>"Cancel"</Button>
                        <Button
                            variant=ButtonVariant::Danger
                            busy=remove.pending()
                            on_click=Callback::new(move |_| {
                                remove.dispatch(RemoveMember { user_id });
                                confirm_open.set(false);
                            })
                        >
                            "Remove"
                        </Button>
                    </div>
                }
            })}
        </Modal>
    }
}

#[component]
fn InvitationsTable(
    list: Vec<Invitation>,
    revoke: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let sort = RwSignal::new(SortState::new("created", SortDir::Desc));
    let is_empty = list.is_empty();
    let rows = move || {
        let mut rows = list.clone();
        let s = sort.get();
        rows.sort_by(|a, b| {
            s.apply(match s.key {
                "email" => a.email.cmp(&b.email),
                "expires" => a.expires_at.cmp(&b.expires_at),
                _ => a.created_at.cmp(&b.created_at),
            })
        });
        rows.into_iter()
            .map(|inv| {
                let id = inv.id;
                view! {
                    <tr data-testid="invitation-row">
                        <td class="px-4 py-3 font-medium text-slate-900">{inv.email.clone()}</td>
                        <td class="px-4 py-3"><Badge tone=role_tone(inv.role)>{inv.role.label()}</Badge></td>
                        <td class="px-4 py-3 text-slate-600">{inv.invited_by.clone()}</td>
                        <td class="px-4 py-3 text-slate-600">{inv.created_at.format("%-d %b %Y").to_string()}</td>
                        <td class="px-4 py-3 text-slate-600">{inv.expires_at.format("%-d %b %Y").to_string()}</td>
                        <td class="px-4 py-3 text-right">
                            <Button
                                variant=ButtonVariant::Ghost
                                aria_label=format!("Withdraw the invitation to {}", inv.email)
                                busy=revoke.pending()
                                on_click=Callback::new(move |_| { revoke.dispatch(RevokeInvitation { id }); })
                            >
                                "Withdraw"
                            </Button>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <DataTable
            caption="Open invitations"
            columns=vec![
                Column::sortable("email", "Email"),
                Column::plain("role", "Role"),
                Column::plain("invited_by", "Invited by"),
                Column::sortable("created", "Sent"),
                Column::sortable("expires", "Expires"),
                Column::plain("actions", ""),
            ]
            sort
            is_empty=Signal::derive(move || is_empty)
            empty_message="No open invitations."
            test_id="invitations-table"
        >
            {rows}
        </DataTable>
    }
}

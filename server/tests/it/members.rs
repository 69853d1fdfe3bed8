//! Invitations, role changes and removals: the happy paths, the role checks and the rules
//! that keep a tenant consistent, each with its audit entry.

use crate::harness::run;
use crate::harness::{assert_field, session_cookie, TestApp};
use app::api::auth::CurrentUser;
use app::api::invitations::AcceptInvitation;
use app::api::invitations::CreateInvitation;
use app::api::invitations::ListInvitations;
use app::api::invitations::PreviewInvitation;
use app::api::invitations::RevokeInvitation;
use app::api::members::ChangeMemberRole;
use app::api::members::ListMembers;
use app::api::members::RemoveMember;
use models::members::{Invitation, InvitationCreated, InvitationPreview, Member};
use models::session::SessionUser;
use models::{AppError, Role};

const PASSWORD: &str = "a good long password";

pub async fn me(app: &TestApp, session: &str) -> SessionUser {
    app.call::<CurrentUser>(Some(session), &[])
        .await
        .expect("me")
        .expect("signed in")
}

async fn invite(
    app: &TestApp,
    session: &str,
    email: &str,
    role: &str,
) -> Result<InvitationCreated, AppError> {
    app.call::<CreateInvitation>(Some(session), &[("email", email), ("role", role)])
        .await
}

fn token_of(created: &InvitationCreated) -> String {
    created
        .accept_path
        .trim_start_matches("/invite/")
        .to_string()
}

async fn accept(
    app: &TestApp,
    token: &str,
    name: &str,
    password: &str,
) -> Result<String, AppError> {
    let (status, headers, body) = app
        .post::<AcceptInvitation>(
            None,
            &[("token", token), ("name", name), ("password", password)],
            &[],
        )
        .await;
    if status.is_success() {
        Ok(session_cookie(&headers).expect("accepting signs in"))
    } else {
        Err(serde_json::from_str(&body).expect("AppError"))
    }
}

/// An owner and a member with `role` in one tenant: (owner session, member session, member).
pub async fn team_with(app: &TestApp, role: &str) -> (String, String, SessionUser) {
    let owner = app
        .sign_up("Olga Owner", "olga@example.com", "Olga Org")
        .await;
    let email = format!("{role}@example.com");
    let created = invite(app, &owner, &email, role).await.expect("invite");
    let member = accept(app, &token_of(&created), &format!("Mo {role}"), PASSWORD)
        .await
        .expect("accept");
    let who = me(app, &member).await;
    (owner, member, who)
}

#[test]
fn an_invitee_sets_a_password_through_the_one_time_link_and_joins() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let created = invite(&app, &owner, "New.Person@Example.com", "manager")
            .await
            .expect("invite");
        assert_eq!(created.invitation.email, "new.person@example.com");
        assert_eq!(created.invitation.role, Role::Manager);
        assert_eq!(created.invitation.invited_by, "Olga Owner");
        let token = token_of(&created);
        assert_eq!(token.len(), 64);
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM invitations WHERE token_hash = '{token}'"
            ))
            .await,
            0,
            "only a hash is stored"
        );

        let pending: Vec<Invitation> = app
            .call::<ListInvitations>(Some(&owner), &[])
            .await
            .expect("list");
        assert_eq!(pending.len(), 1);

        let preview: InvitationPreview = app
            .call::<PreviewInvitation>(None, &[("token", &token)])
            .await
            .expect("preview");
        assert_eq!(
            (
                preview.tenant_name.as_str(),
                preview.role,
                preview.has_account
            ),
            ("Olga Org", Role::Manager, false)
        );

        // Bad input changes nothing: the invitation stays open.
        assert_field(
            &accept(&app, &token, "New Person", "short")
                .await
                .expect_err("short"),
            "password",
        );
        assert_field(
            &accept(&app, &token, "", PASSWORD)
                .await
                .expect_err("no name"),
            "name",
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM users").await, 1);

        let session = accept(&app, &token, "New Person", PASSWORD)
            .await
            .expect("accept");
        let who = me(&app, &session).await;
        assert_eq!(
            (who.tenant_name.as_str(), who.role, who.name.as_str()),
            ("Olga Org", Role::Manager, "New Person")
        );
        app.sign_in("new.person@example.com", PASSWORD)
            .await
            .expect("the new password works");

        // One-time: the link is used up, and no longer listed.
        assert!(matches!(
            accept(&app, &token, "X", PASSWORD).await,
            Err(AppError::Conflict { .. })
        ));
        let pending: Vec<Invitation> = app
            .call::<ListInvitations>(Some(&owner), &[])
            .await
            .expect("list");
        assert!(pending.is_empty());
        for action in ["invitation.created", "invitation.accepted"] {
            assert_eq!(app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE action = '{action}' AND ip IS NOT NULL")).await, 1, "{action}");
        }
    })
}

#[test]
fn an_existing_account_joins_with_its_own_password() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        app.sign_up("Pat Elsewhere", "pat@example.com", "Pat Org")
            .await;
        let created = invite(&app, &owner, "pat@example.com", "rep")
            .await
            .expect("invite");
        let token = token_of(&created);
        let preview: InvitationPreview = app
            .call::<PreviewInvitation>(None, &[("token", &token)])
            .await
            .expect("preview");
        assert!(preview.has_account);
        assert_field(
            &accept(&app, &token, "", "not pats password")
                .await
                .expect_err("wrong"),
            "password",
        );
        let session = accept(&app, &token, "", PASSWORD).await.expect("accept");
        assert_eq!(me(&app, &session).await.tenant_name, "Olga Org");
        assert_eq!(app.count("SELECT count(*) AS n FROM memberships WHERE user_id = (SELECT id FROM users WHERE email = 'pat@example.com')").await, 2);
    })
}

#[test]
fn bad_invitations_name_the_field_and_write_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        for email in ["", "nope", "olga@example.com"] {
            assert_field(
                &invite(&app, &owner, email, "rep").await.expect_err(email),
                "email",
            );
        }
        let err = app
            .call::<CreateInvitation>(
                Some(&owner),
                &[("email", "x@example.com"), ("role", "emperor")],
            )
            .await;
        assert!(matches!(err, Err(AppError::Validation { .. })), "{err:?}");
        assert_eq!(app.count("SELECT count(*) AS n FROM invitations").await, 0);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'invitation.%'")
                .await,
            0
        );
    })
}

#[test]
fn re_inviting_replaces_the_old_link_and_revoking_kills_it() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let first = invite(&app, &owner, "q@example.com", "rep")
            .await
            .expect("first");
        let second = invite(&app, &owner, "q@example.com", "manager")
            .await
            .expect("second");
        assert!(
            matches!(
                accept(&app, &token_of(&first), "Q", PASSWORD).await,
                Err(AppError::Conflict { .. })
            ),
            "the old link is dead"
        );
        let revoked: Result<(), AppError> = app
            .call::<RevokeInvitation>(Some(&owner), &[("id", &second.invitation.id.to_string())])
            .await;
        revoked.expect("revoke");
        match accept(&app, &token_of(&second), "Q", PASSWORD).await {
            Err(AppError::Conflict { message }) => {
                assert!(message.contains("withdrawn"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'invitation.revoked'")
                .await,
            1
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM users").await, 1);
    })
}

#[test]
fn an_owner_changes_a_role_and_it_applies_at_once_with_an_audit_entry() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, member_session, member) = team_with(&app, "rep").await;
        let updated: Member = app
            .call::<ChangeMemberRole>(
                Some(&owner),
                &[("user_id", &member.user_id.to_string()), ("role", "admin")],
            )
            .await
            .expect("change");
        assert_eq!(updated.role, Role::Admin);
        assert_eq!(
            me(&app, &member_session).await.role,
            Role::Admin,
            "the member's next request sees the new role"
        );
        assert_eq!(
        app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'member.role_changed' AND details->>'from' = 'rep' AND details->>'to' = 'admin'").await,
        1
    );
        let members: Vec<Member> = app
            .call::<ListMembers>(Some(&member_session), &[])
            .await
            .expect("list");
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].role, Role::Owner, "owners first");
    })
}

#[test]
fn a_rep_is_denied_admin_and_owner_actions() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let owner_user = me(&app, &owner).await;
        let denied = [
            app.call::<ChangeMemberRole>(
                Some(&rep),
                &[
                    ("user_id", &owner_user.user_id.to_string()),
                    ("role", "rep"),
                ],
            )
            .await
            .map(|_| ()),
            app.call::<ChangeMemberRole>(
                Some(&rep),
                &[
                    ("user_id", &rep_user.user_id.to_string()),
                    ("role", "owner"),
                ],
            )
            .await
            .map(|_| ()),
            app.call::<RemoveMember>(Some(&rep), &[("user_id", &owner_user.user_id.to_string())])
                .await,
            invite(&app, &rep, "friend@example.com", "rep")
                .await
                .map(|_| ()),
            app.call::<ListInvitations>(Some(&rep), &[])
                .await
                .map(|_| ()),
        ];
        for (i, result) in denied.into_iter().enumerate() {
            assert!(
                matches!(result, Err(AppError::Forbidden { .. })),
                "case {i}: {result:?}"
            );
        }
        let (status, _, _) = app
            .post::<RemoveMember>(
                Some(&rep),
                &[("user_id", &owner_user.user_id.to_string())],
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 403);
        assert_eq!(me(&app, &owner).await.role, Role::Owner);
        assert_eq!(app.count("SELECT count(*) AS n FROM memberships").await, 2);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM invitations").await,
            1,
            "only the one that brought the rep in"
        );
    })
}

#[test]
fn an_admin_manages_members_but_not_owners() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, admin, _) = team_with(&app, "admin").await;
        let owner_user = me(&app, &owner).await;
        let demote = app
            .call::<ChangeMemberRole>(
                Some(&admin),
                &[
                    ("user_id", &owner_user.user_id.to_string()),
                    ("role", "rep"),
                ],
            )
            .await;
        assert!(
            matches!(demote, Err(AppError::Forbidden { .. })),
            "{demote:?}"
        );
        assert_field(
            &invite(&app, &admin, "boss@example.com", "owner")
                .await
                .expect_err("owner invite"),
            "role",
        );
        let created = invite(&app, &admin, "rep2@example.com", "rep")
            .await
            .expect("admins invite reps");
        let rep = accept(&app, &token_of(&created), "Rep Two", PASSWORD)
            .await
            .expect("accept");
        let rep_user = me(&app, &rep).await;
        let removed: Result<(), AppError> = app
            .call::<RemoveMember>(Some(&admin), &[("user_id", &rep_user.user_id.to_string())])
            .await;
        removed.expect("admins remove reps");
    })
}

#[test]
fn the_last_owner_can_neither_be_demoted_nor_removed() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, _, member) = team_with(&app, "admin").await;
        let owner_user = me(&app, &owner).await;
        let demote = app
            .call::<ChangeMemberRole>(
                Some(&owner),
                &[
                    ("user_id", &owner_user.user_id.to_string()),
                    ("role", "admin"),
                ],
            )
            .await;
        assert!(
            matches!(demote, Err(AppError::Conflict { .. })),
            "{demote:?}"
        );
        let remove_self = app
            .call::<RemoveMember>(
                Some(&owner),
                &[("user_id", &owner_user.user_id.to_string())],
            )
            .await;
        assert!(
            matches!(remove_self, Err(AppError::Conflict { .. })),
            "{remove_self:?}"
        );
        // With a second owner, the first may step down.
        let promoted: Member = app
            .call::<ChangeMemberRole>(
                Some(&owner),
                &[("user_id", &member.user_id.to_string()), ("role", "owner")],
            )
            .await
            .expect("promote");
        assert_eq!(promoted.role, Role::Owner);
        let stepped_down: Member = app
            .call::<ChangeMemberRole>(
                Some(&owner),
                &[
                    ("user_id", &owner_user.user_id.to_string()),
                    ("role", "admin"),
                ],
            )
            .await
            .expect("step down");
        assert_eq!(stepped_down.role, Role::Admin);
    })
}

#[test]
fn removing_a_member_ends_their_sessions_and_is_audited() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, rep_user) = team_with(&app, "rep").await;
        let removed: Result<(), AppError> = app
            .call::<RemoveMember>(Some(&owner), &[("user_id", &rep_user.user_id.to_string())])
            .await;
        removed.expect("remove");
        let me: Option<SessionUser> = app.call::<CurrentUser>(Some(&rep), &[]).await.expect("me");
        assert!(me.is_none(), "the removed member is signed out");
        let err = app
            .call::<ListMembers>(Some(&rep), &[])
            .await
            .expect_err("no access");
        assert_eq!(err, AppError::Unauthorized);
        match app.sign_in("rep@example.com", PASSWORD).await {
            Err(AppError::Forbidden { message }) => {
                assert!(message.contains("not a member"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'member.removed' AND details->>'email' = 'rep@example.com'").await, 1);
    })
}

#[test]
fn server_functions_refuse_anonymous_callers() {
    run(async {
        let app = TestApp::spawn().await;
        let (status, _, _) = app.post::<ListMembers>(None, &[], &[]).await;
        assert_eq!(status.as_u16(), 401);
        let (status, _, _) = app.post::<ListInvitations>(None, &[], &[]).await;
        assert_eq!(status.as_u16(), 401);
        let err = invite(&app, "f".repeat(64).as_str(), "x@example.com", "rep")
            .await
            .expect_err("forged cookie");
        assert_eq!(err, AppError::Unauthorized);
    })
}

#[test]
fn invitations_are_capped_per_organisation_and_day() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        app.exec(
            "INSERT INTO invitations (tenant_id, id, email, role, token_hash, invited_by, expires_at, revoked_at) \
             SELECT m.tenant_id, gen_random_uuid(), 'bulk' || n || '@example.com', 'rep', md5(n::text), m.user_id, \
                    now() + interval '7 days', now() \
             FROM memberships m, generate_series(1, 100) n",
        )
        .await;
        let err = invite(&app, &owner, "one-more@example.com", "rep")
            .await
            .expect_err("capped");
        assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails").await,
            0,
            "no mail for a refused invitation"
        );
    })
}

//! A user in several organisations: picks one at sign-in, switches at any time, and sees
//! only the organisation of the moment.

use crate::harness::{run, session_cookie, TestApp};
use app::api::auth::{CurrentUser, SignIn, SwitchTenant};
use app::api::invitations::{AcceptInvitation, CreateInvitation};
use app::api::members::ListMembers;
use models::session::SessionUser;
use models::{AppError, Role, TenantId};

const PASSWORD: &str = "a good long password";

async fn me(app: &TestApp, session: &str) -> SessionUser {
    app.invoke(Some(session), CurrentUser {})
        .await
        .expect("me")
        .expect("signed in")
}

/// Olga owns Org A and joins Bert's Org B as a rep: (olga's session, org A, org B).
async fn olga_in_two_orgs(app: &TestApp) -> (String, TenantId, TenantId) {
    let olga = app.sign_up("Olga Owner", "olga@example.com", "Org A").await;
    let bert = app.sign_up("Bert Boss", "bert@example.com", "Org B").await;
    let created = app
        .invoke(
            Some(&bert),
            CreateInvitation {
                email: "olga@example.com".into(),
                role: Role::Rep,
            },
        )
        .await
        .expect("invite");
    let token = created
        .accept_path
        .trim_start_matches("/invite/")
        .to_string();
    let (status, _, body) = app
        .post::<AcceptInvitation>(None, &[("token", &token), ("password", PASSWORD)], &[])
        .await;
    assert!(status.is_success(), "{status} {body}");
    let a = me(app, &olga).await.tenant_id;
    let b = me(app, &bert).await.tenant_id;
    (olga, a, b)
}

#[test]
fn a_member_of_two_organisations_picks_one_at_sign_in_and_switches() {
    run(async {
        let app = TestApp::spawn().await;
        let (_, org_a, org_b) = olga_in_two_orgs(&app).await;

        let (status, headers, _) = app
            .post::<SignIn>(
                None,
                &[
                    ("email", "olga@example.com"),
                    ("password", PASSWORD),
                    ("next", "/settings/members"),
                ],
                &[],
            )
            .await;
        assert!(status.is_success(), "{status}");
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/choose-organisation?next=/settings/members"),
            "several organisations: the chooser comes first"
        );
        let session = session_cookie(&headers).expect("session");
        let who = me(&app, &session).await;
        assert_eq!(who.tenants.len(), 2);
        assert_eq!(who.tenant_id, org_b, "the most recently used organisation");
        assert_eq!(who.role, Role::Rep);

        let (status, headers, _) = app
            .post::<SwitchTenant>(
                Some(&session),
                &[("tenant_id", &org_a.to_string()), ("next", "/")],
                &[],
            )
            .await;
        assert!(status.is_success(), "{status}");
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/")
        );
        let who = me(&app, &session).await;
        assert_eq!(
            (who.tenant_id, who.tenant_name.as_str(), who.role),
            (org_a, "Org A", Role::Owner)
        );
        let members = app
            .invoke(Some(&session), ListMembers {})
            .await
            .expect("members");
        assert_eq!(
            members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
            ["olga@example.com"],
            "only Org A's members"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.tenant_switched'")
                .await,
            2,
            "recorded in both"
        );

        // A single-organisation user goes straight on.
        let (_, headers, _) = app
            .post::<SignIn>(
                None,
                &[("email", "bert@example.com"), ("password", PASSWORD)],
                &[],
            )
            .await;
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/")
        );
    })
}

#[test]
fn nobody_switches_into_an_organisation_they_do_not_belong_to() {
    run(async {
        let app = TestApp::spawn().await;
        let (olga, org_a, _) = olga_in_two_orgs(&app).await;
        let carl = app.sign_up("Carl", "carl@example.com", "Org C").await;
        let err = app
            .invoke(
                Some(&carl),
                SwitchTenant {
                    tenant_id: org_a,
                    next: None,
                },
            )
            .await;
        assert!(matches!(err, Err(AppError::NotFound { .. })), "{err:?}");
        let err = app
            .invoke(
                Some(&carl),
                SwitchTenant {
                    tenant_id: TenantId(uuid::Uuid::new_v4()),
                    next: None,
                },
            )
            .await;
        assert!(matches!(err, Err(AppError::NotFound { .. })), "{err:?}");
        assert_eq!(me(&app, &carl).await.tenant_name, "Org C", "unchanged");
        let err = app
            .invoke(
                None,
                SwitchTenant {
                    tenant_id: org_a,
                    next: None,
                },
            )
            .await;
        assert_eq!(err.expect_err("anonymous"), AppError::Unauthorized);
        assert_eq!(me(&app, &olga).await.tenant_id, org_a);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.tenant_switched'")
                .await,
            0
        );
    })
}

#[test]
fn the_sidebar_comes_from_the_vertical_registry_then_the_platform_by_role() {
    run(async {
        use app::api::navigation::ListNavigation;
        let app = TestApp::spawn().await;
        let session = app.sign_up("Olga Owner", "olga@example.com", "Org A").await;
        let nav = app
            .invoke(Some(&session), ListNavigation {})
            .await
            .expect("navigation");
        let labels: Vec<_> = nav.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "Dashboard",
                "Leads",
                "Accounts",
                "Contacts",
                "Pipeline",
                "Agents",
                "Connectors",
                "Sales settings",
                "Billing",
                "API keys"
            ]
        );
        assert_eq!(
            nav.last().map(|n| n.href.as_str()),
            Some("/settings/api-keys")
        );
        // A rep has no billing to see.
        let other = TestApp::spawn().await;
        let (_, rep, _) = crate::members::team_with(&other, "rep").await;
        let nav = other
            .invoke(Some(&rep), ListNavigation {})
            .await
            .expect("navigation");
        assert_eq!(nav.len(), 8);
        assert!(
            nav.iter()
                .all(|n| n.label != "Billing" && n.label != "API keys"),
            "{nav:?}"
        );
        let anonymous = app.invoke(None, ListNavigation {}).await;
        assert_eq!(anonymous.expect_err("signed out"), AppError::Unauthorized);
    })
}

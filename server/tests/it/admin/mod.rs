//! The admin console: every function and route refuses owners and reps; suspending an
//! organisation signs its people out, keeps them out and holds its jobs; deactivating a
//! person; never the last platform admin; the audit trail append-only for both of the app's
//! roles; the explorer's filters, keyset pages and CSV; creating an organisation, changing
//! its plan, settling an invoice.

mod activity;
mod bench;
mod overview;
mod plans;
mod tenants;
mod users;

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use app::api::admin::activity::*;
use app::api::admin::billing::*;
use app::api::admin::plans::*;
use app::api::admin::tenants::*;
use app::api::admin::users::*;
use app::api::auth::CurrentUser;
use models::admin::{AuditFilter, AuditPage, TenantState, UserState, ACTIVITY_CSV};
use models::billing::InvoiceStatus;
use models::{AppError, TenantId, UserId};
use platform::Error;

const PASSWORD: &str = "a good long password";

/// A platform admin in an organisation of their own.
pub async fn platform_admin(app: &TestApp) -> String {
    let session = app
        .sign_up("Ada Admin", "ada@operator.example", "Operator Ltd")
        .await;
    app.exec("UPDATE users SET is_platform_admin = true WHERE email = 'ada@operator.example'")
        .await;
    session
}

fn forbidden<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) {
    assert!(
        matches!(r, Err(AppError::Forbidden { .. })),
        "{what}: {r:?}"
    );
}

async fn audit(app: &TestApp, session: &str, filter: AuditFilter) -> Result<AuditPage, AppError> {
    app.invoke(Some(session), ListAudit { filter }).await
}

#[test]
fn every_admin_function_and_route_refuses_owners_and_reps() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, who) = team_with(&app, "rep").await;
        let (t, u) = (who.tenant_id, who.user_id);
        for session in [&owner, &rep] {
            let s = Some(session.as_str());
            forbidden(
                app.invoke(
                    s,
                    ListAdminTenants {
                        search: String::new(),
                        state: None,
                    },
                )
                .await,
                "list tenants",
            );
            forbidden(app.invoke(s, GetAdminTenant { id: t }).await, "get tenant");
            forbidden(
                app.invoke(
                    s,
                    CreateTenant {
                        name: "X".into(),
                        owner_email: "x@example.com".into(),
                    },
                )
                .await,
                "create",
            );
            forbidden(
                app.invoke(
                    s,
                    SuspendTenant {
                        id: t,
                        reason: "r".into(),
                    },
                )
                .await,
                "suspend",
            );
            forbidden(
                app.invoke(s, ReactivateTenant { id: t }).await,
                "reactivate",
            );
            forbidden(
                app.invoke(
                    s,
                    ChangeTenantPlan {
                        id: t,
                        plan: "free".into(),
                    },
                )
                .await,
                "plan",
            );
            forbidden(
                app.invoke(
                    s,
                    SetInvoiceStatus {
                        tenant: t,
                        invoice: uuid::Uuid::new_v4(),
                        status: InvoiceStatus::Paid,
                    },
                )
                .await,
                "invoice",
            );
            forbidden(
                app.invoke(
                    s,
                    ListAdminUsers {
                        search: String::new(),
                        state: None,
                    },
                )
                .await,
                "users",
            );
            forbidden(app.invoke(s, DeactivateUser { id: u }).await, "deactivate");
            forbidden(
                app.invoke(s, ReactivateUser { id: u }).await,
                "reactivate user",
            );
            forbidden(app.invoke(s, SendPasswordReset { id: u }).await, "reset");
            forbidden(
                app.invoke(s, SetPlatformAdmin { id: u, admin: true }).await,
                "grant",
            );
            forbidden(audit(&app, session, AuditFilter::default()).await, "audit");
            forbidden(app.invoke(s, ListAdminPlans {}).await, "plans");
            forbidden(
                app.invoke(
                    s,
                    ListAdminBilling {
                        status: None,
                        invoice_status: None,
                    },
                )
                .await,
                "billing",
            );
            forbidden(
                app.invoke(s, GetAdminPlan { id: "free".into() }).await,
                "plan",
            );
            let input = models::billing::PlanInput {
                id: "mine".into(),
                name: "Mine".into(),
                currency: "USD".into(),
                monthly_price: "0".into(),
                included_seats: "100".into(),
                offered: true,
                ..Default::default()
            };
            forbidden(
                app.invoke(
                    s,
                    CreatePlan {
                        input: input.clone(),
                    },
                )
                .await,
                "create plan",
            );
            forbidden(
                app.invoke(
                    s,
                    UpdatePlan {
                        id: "free".into(),
                        input,
                    },
                )
                .await,
                "update plan",
            );
            let csv = app.get(s, ACTIVITY_CSV).await;
            assert_eq!(csv.status(), 403, "the CSV");
            for page in [
                "/admin",
                "/admin/tenants",
                "/admin/users",
                "/admin/activity",
                "/admin/billing",
                "/admin/plans",
                "/admin/plans/free",
                &format!("/admin/tenants/{t}"),
            ] {
                let res = app.get_with(s, page, &[("accept", "text/html")]).await;
                assert_eq!(res.status(), 403, "{page}");
                assert!(
                    res.text()
                        .await
                        .expect("body")
                        .contains("only for platform admins"),
                    "{page}"
                );
            }
        }
        assert_eq!(app.get(None, ACTIVITY_CSV).await.status(), 401);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM users WHERE deactivated_at IS NOT NULL")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM tenants WHERE suspended_at IS NOT NULL")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM plans WHERE id = 'mine' OR included_seats = 100")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM users WHERE is_platform_admin")
                .await,
            0
        );
    })
}

//! The admin console: every function and route refuses owners and reps; suspending an
//! organisation signs its people out, keeps them out and holds its jobs; deactivating a
//! person; never the last platform admin; the audit trail append-only for both of the app's
//! roles; the explorer's filters, keyset pages and CSV; creating an organisation, changing
//! its plan, settling an invoice.

mod bench;

use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use app::api::admin::activity::*;
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
            let csv = app.get(s, ACTIVITY_CSV).await;
            assert_eq!(csv.status(), 403, "the CSV");
            for page in [
                "/admin",
                "/admin/tenants",
                "/admin/users",
                "/admin/activity",
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
            app.count("SELECT count(*) AS n FROM users WHERE is_platform_admin")
                .await,
            0
        );
    })
}

#[test]
fn a_suspended_organisation_is_signed_out_kept_out_and_its_jobs_wait() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let (owner, rep, who) = team_with(&app, "rep").await;
        let tenant = who.tenant_id;
        // An invitation mail of the organisation's own, still queued when it is suspended.
        app.invoke(
            Some(&owner),
            app::api::invitations::CreateInvitation {
                email: "new@example.com".into(),
                role: models::Role::Rep,
            },
        )
        .await
        .expect("invite");

        let no_reason = app
            .invoke(
                Some(&admin),
                SuspendTenant {
                    id: tenant,
                    reason: "  ".into(),
                },
            )
            .await;
        assert_field(&no_reason.expect_err("a reason is required"), "reason");
        let own = me(&app, &admin).await.tenant_id;
        let mine = app
            .invoke(
                Some(&admin),
                SuspendTenant {
                    id: own,
                    reason: "test".into(),
                },
            )
            .await;
        assert_field(&mine.expect_err("not one's own organisation"), "tenant");

        let ended = app
            .invoke(
                Some(&admin),
                SuspendTenant {
                    id: tenant,
                    reason: "Unpaid since October".into(),
                },
            )
            .await
            .expect("suspend");
        assert_eq!(ended, 2, "the owner's and the rep's sessions");
        for s in [&owner, &rep] {
            let current = app.call::<CurrentUser>(Some(s), &[]).await;
            assert!(
                matches!(current, Ok(None) | Err(AppError::Unauthorized)),
                "{current:?}"
            );
        }
        let refused = app
            .sign_in("olga@example.com", PASSWORD)
            .await
            .expect_err("suspended");
        assert!(refused.to_string().contains("suspended"), "{refused}");
        let again = app
            .invoke(
                Some(&admin),
                SuspendTenant {
                    id: tenant,
                    reason: "again".into(),
                },
            )
            .await;
        assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");

        // Its jobs wait (the invitation's mail among them); the platform's notice to its
        // owner goes out.
        let theirs = format!(
            "SELECT count(*) AS n FROM jobs WHERE tenant_id = '{tenant}' AND state = 'pending'"
        );
        let waiting = app.count(&theirs).await;
        assert!(waiting >= 1);
        assert_eq!(
            app.drain_jobs(None).await,
            1,
            "only the suspension notice runs"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE to_address = 'olga@example.com' AND subject LIKE '%suspended%' AND state = 'logged'").await,
            1
        );
        assert_eq!(app.count(&theirs).await, waiting, "none of its jobs ran");
        let invitation_mail = |state: &str| {
            format!("SELECT count(*) AS n FROM emails WHERE to_address = 'new@example.com' AND state = '{state}'")
        };
        assert_eq!(
            app.count(&invitation_mail("queued")).await,
            1,
            "the invitation's mail waits"
        );
        let listed = app
            .invoke(
                Some(&admin),
                ListAdminTenants {
                    search: "olga".into(),
                    state: Some(TenantState::Suspended),
                },
            )
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(
            listed[0].suspended_reason.as_deref(),
            Some("Unpaid since October")
        );
        assert_eq!(listed[0].plan.as_deref(), Some("Growth"), "from billing");

        app.invoke(Some(&admin), ReactivateTenant { id: tenant })
            .await
            .expect("reactivate");
        assert!(app.drain_jobs(None).await >= 1);
        assert_eq!(
            app.count(&invitation_mail("logged")).await,
            1,
            "the invitation's mail went once reactivated"
        );
        let back = app
            .sign_in("olga@example.com", PASSWORD)
            .await
            .expect("signs in again");
        assert_eq!(me(&app, &back).await.tenant_id, tenant);
        let trail = app
            .rows(&format!("SELECT action, actor_id::text AS actor FROM audit_log WHERE tenant_id = '{tenant}' AND action LIKE 'tenant.%' ORDER BY id"))
            .await;
        assert_eq!(trail.len(), 2, "{trail:?}");
        assert_eq!(trail[0]["action"], "tenant.suspended");
        assert_eq!(trail[1]["action"], "tenant.reactivated");
    })
}

#[test]
fn deactivated_people_stay_out_and_the_last_platform_admin_stays() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let admin_id = me(&app, &admin).await.user_id;
        let (_owner, rep, who) = team_with(&app, "rep").await;
        let rep_id = who.user_id;

        let ended = app
            .invoke(Some(&admin), DeactivateUser { id: rep_id })
            .await
            .expect("deactivate");
        assert_eq!(ended, 1);
        let current = app.call::<CurrentUser>(Some(&rep), &[]).await;
        assert!(
            matches!(current, Ok(None) | Err(AppError::Unauthorized)),
            "{current:?}"
        );
        let refused = app
            .sign_in("rep@example.com", PASSWORD)
            .await
            .expect_err("deactivated");
        assert!(matches!(refused, AppError::Forbidden { .. }), "{refused:?}");
        let reset = app
            .invoke(Some(&admin), SendPasswordReset { id: rep_id })
            .await;
        assert!(
            matches!(reset, Err(AppError::Conflict { .. })),
            "no link for a deactivated account: {reset:?}"
        );
        let listed = app
            .invoke(
                Some(&admin),
                ListAdminUsers {
                    search: "rep@".into(),
                    state: Some(UserState::Deactivated),
                },
            )
            .await
            .expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].organisations, vec!["Olga Org".to_string()]);
        app.invoke(Some(&admin), ReactivateUser { id: rep_id })
            .await
            .expect("reactivate");
        app.sign_in("rep@example.com", PASSWORD)
            .await
            .expect("signs in again");

        app.invoke(Some(&admin), SendPasswordReset { id: rep_id })
            .await
            .expect("reset link");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE to_address = 'rep@example.com' AND body_text LIKE '%/reset-password/%'").await,
            1
        );

        // Never the last one: not by revoking, not by deactivating.
        let me_out = app
            .invoke(Some(&admin), DeactivateUser { id: admin_id })
            .await;
        assert_field(&me_out.expect_err("not oneself"), "user");
        let last = app
            .invoke(
                Some(&admin),
                SetPlatformAdmin {
                    id: admin_id,
                    admin: false,
                },
            )
            .await;
        assert!(
            matches!(&last, Err(AppError::Conflict { message }) if message.contains("last active platform admin")),
            "{last:?}"
        );
        app.invoke(
            Some(&admin),
            SetPlatformAdmin {
                id: rep_id,
                admin: true,
            },
        )
        .await
        .expect("grant");
        let rep_again = app.sign_in("rep@example.com", PASSWORD).await.expect("rep");
        let by_other = app
            .invoke(Some(&rep_again), DeactivateUser { id: admin_id })
            .await;
        assert_eq!(by_other.expect("the other admin may"), 1);
        let revoke_last = app
            .invoke(
                Some(&rep_again),
                SetPlatformAdmin {
                    id: rep_id,
                    admin: false,
                },
            )
            .await;
        assert!(
            matches!(revoke_last, Err(AppError::Conflict { .. })),
            "the deactivated one does not count: {revoke_last:?}"
        );

        // Platform-wide entries have no organisation, and no organisation sees them.
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE tenant_id IS NULL AND action LIKE 'user.%'").await,
            5,
            "deactivated, reactivated, reset sent, granted, deactivated"
        );
        let seen: i64 = app
            .db
            .tenant_tx(who.tenant_id, async |conn| {
                use diesel_async::RunQueryDsl;
                #[derive(diesel::QueryableByName)]
                struct N {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let r: N = diesel::sql_query(
                    "SELECT count(*) AS n FROM audit_log WHERE tenant_id IS NULL",
                )
                .get_result(conn)
                .await?;
                Ok(r.n)
            })
            .await
            .expect("count");
        assert_eq!(seen, 0);
    })
}

#[test]
fn neither_of_the_apps_roles_can_alter_the_audit_trail() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        let before = app.count("SELECT count(*) AS n FROM audit_log").await;
        assert!(before > 0);
        for sql in [
            "UPDATE audit_log SET action = 'forged'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let as_platform = app
                .db
                .platform_tx(async |conn| {
                    use diesel_async::RunQueryDsl;
                    Ok(diesel::sql_query(sql).execute(conn).await?)
                })
                .await;
            assert!(
                matches!(as_platform, Err(Error::Db(_))),
                "platform: {sql}: {as_platform:?}"
            );
            let as_tenant = app
                .db
                .tenant_tx(tenant, async |conn| {
                    use diesel_async::RunQueryDsl;
                    Ok(diesel::sql_query(sql).execute(conn).await?)
                })
                .await;
            assert!(
                matches!(as_tenant, Err(Error::Db(_))),
                "tenant: {sql}: {as_tenant:?}"
            );
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log").await,
            before
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'forged'")
                .await,
            0
        );
    })
}

#[test]
fn the_explorer_filters_pages_by_keyset_and_exports_csv() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant: TenantId = me(&app, &owner).await.tenant_id;
        let olga: UserId = me(&app, &owner).await.user_id;
        // 120 entries in one organisation over three days, several in the same microsecond
        // (the keyset's tie-break on id), one with a comma and a formula in its target.
        app.exec(&format!(
            "INSERT INTO audit_log (tenant_id, actor_id, action, target_type, target_id, details, created_at) \
             SELECT '{tenant}', '{olga}', CASE WHEN i % 3 = 0 THEN 'lead.updated' ELSE 'lead.created' END, 'lead', \
                    CASE WHEN i = 7 THEN '=cmd,evil' ELSE 'L' || i END, jsonb_build_object('i', i), \
                    timestamptz '2026-11-01 12:00:00+00' + ((i / 4) * interval '36 minutes') \
             FROM generate_series(1, 120) i"
        ))
        .await;
        let of_tenant = AuditFilter {
            tenant: tenant.to_string(),
            target_type: "lead".into(),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut filter = of_tenant.clone();
        let mut pages = 0;
        loop {
            let page = audit(&app, &admin, filter.clone()).await.expect("page");
            pages += 1;
            seen.extend(page.entries.iter().map(|e| (e.created_at, e.id)));
            match page.next {
                Some(next) => filter.before = next,
                None => break,
            }
        }
        assert_eq!(pages, 3, "50 + 50 + 20");
        assert_eq!(seen.len(), 120);
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(sorted, seen, "newest first, no entry twice or missing");

        let updated = audit(
            &app,
            &admin,
            AuditFilter {
                action: "lead.updated".into(),
                ..of_tenant.clone()
            },
        )
        .await
        .expect("by action");
        assert_eq!(updated.entries.len(), 40);
        assert!(updated.next.is_none());
        let by_actor = audit(
            &app,
            &admin,
            AuditFilter {
                actor: "OLGA@example.com".into(),
                target_type: "lead".into(),
                ..Default::default()
            },
        )
        .await
        .expect("by actor");
        assert_eq!(by_actor.entries.len(), 50);
        assert_eq!(
            by_actor.entries[0].actor_email.as_deref(),
            Some("olga@example.com")
        );
        let nobody = audit(
            &app,
            &admin,
            AuditFilter {
                actor: "nobody@example.com".into(),
                ..Default::default()
            },
        )
        .await
        .expect("nobody");
        assert!(nobody.entries.is_empty());
        let one_day = audit(
            &app,
            &admin,
            AuditFilter {
                from: "2026-11-02".into(),
                to: "2026-11-02".into(),
                ..of_tenant.clone()
            },
        )
        .await
        .expect("a day");
        // Step i / 4 of 36 minutes from noon on the 1st: the 2nd holds steps 20 to 30,
        // four entries each but the last step's one (i = 120).
        assert_eq!(one_day.entries.len(), 41);
        assert!(one_day.next.is_none());
        for (bad, field) in [
            (
                AuditFilter {
                    from: "02/11/2026".into(),
                    ..Default::default()
                },
                "from",
            ),
            (
                AuditFilter {
                    tenant: "olga".into(),
                    ..Default::default()
                },
                "tenant",
            ),
            (
                AuditFilter {
                    before: "yesterday".into(),
                    ..Default::default()
                },
                "before",
            ),
        ] {
            assert_field(&audit(&app, &admin, bad).await.expect_err("invalid"), field);
        }

        let csv = app
            .get(
                Some(&admin),
                &format!("{ACTIVITY_CSV}?tenant={tenant}&target_type=lead"),
            )
            .await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv"));
        let body = csv.text().await.expect("csv");
        let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0], "time,organisation,organisation_id,actor,action,target_type,target_id,details,ip,request_id");
        assert_eq!(lines.len(), 121);
        assert!(
            body.contains(",\"'=cmd,evil\","),
            "quoted and defused: {}",
            lines
                .iter()
                .find(|l| l.contains("evil"))
                .copied()
                .unwrap_or_default()
        );
        let bad = app
            .get(Some(&admin), &format!("{ACTIVITY_CSV}?from=soon"))
            .await;
        assert_eq!(bad.status(), 400);
    })
}

#[test]
fn an_admin_creates_an_organisation_changes_its_plan_and_settles_an_invoice() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let bad = app
            .invoke(
                Some(&admin),
                CreateTenant {
                    name: "Initech".into(),
                    owner_email: "not an address".into(),
                },
            )
            .await;
        assert_field(&bad.expect_err("invalid e-mail"), "owner_email");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM tenants WHERE name = 'Initech'")
                .await,
            0,
            "nothing half made"
        );
        let (tenant, invitation) = app
            .invoke(
                Some(&admin),
                CreateTenant {
                    name: "Initech".into(),
                    owner_email: "Bill@Initech.example".into(),
                },
            )
            .await
            .expect("create");
        assert_eq!(invitation.invitation.email, "bill@initech.example");
        assert_eq!(invitation.invitation.role, models::Role::Owner);
        let detail = app
            .invoke(Some(&admin), GetAdminTenant { id: tenant })
            .await
            .expect("detail");
        assert_eq!(detail.tenant.name, "Initech");
        assert_eq!(
            detail.billing.subscription.status,
            models::billing::SubscriptionStatus::Trialing
        );
        assert!(detail.members.is_empty(), "the owner has not accepted yet");

        // The invitation works: the new owner joins and is the only member.
        let token = invitation
            .accept_path
            .trim_start_matches("/invite/")
            .to_string();
        app.invoke(
            None,
            app::api::invitations::AcceptInvitation {
                token,
                name: Some("Bill Lumbergh".into()),
                password: PASSWORD.into(),
            },
        )
        .await
        .expect("accept");
        let detail = app
            .invoke(Some(&admin), GetAdminTenant { id: tenant })
            .await
            .expect("detail");
        assert_eq!(detail.members.len(), 1);
        assert_eq!(detail.members[0].role, models::Role::Owner);

        app.invoke(
            Some(&admin),
            ChangeTenantPlan {
                id: tenant,
                plan: "starter".into(),
            },
        )
        .await
        .expect("plan");
        let detail = app
            .invoke(Some(&admin), GetAdminTenant { id: tenant })
            .await
            .expect("detail");
        assert_eq!(
            detail.billing.plan.id, "starter",
            "a change during the trial is at once"
        );
        let unknown = app
            .invoke(
                Some(&admin),
                ChangeTenantPlan {
                    id: tenant,
                    plan: "platinum".into(),
                },
            )
            .await;
        assert!(unknown.is_err(), "{unknown:?}");

        app.exec(&format!(
            "INSERT INTO invoices (tenant_id, number, plan_id, period_start, period_end, currency, subtotal_minor, tax_rate_bp, tax_minor, total_minor, status) \
             VALUES ('{tenant}', 'SH-2026-999999', 'starter', '2026-10-01', '2026-11-01', 'USD', 4900, 0, 0, 4900, 'open')"
        ))
        .await;
        let id: uuid::Uuid = app
            .rows("SELECT id::text AS id FROM invoices WHERE number = 'SH-2026-999999'")
            .await[0]["id"]
            .as_str()
            .expect("id")
            .parse()
            .expect("uuid");
        let draft = app
            .invoke(
                Some(&admin),
                SetInvoiceStatus {
                    tenant,
                    invoice: id,
                    status: InvoiceStatus::Draft,
                },
            )
            .await;
        assert_field(&draft.expect_err("only paid or void"), "status");
        app.invoke(
            Some(&admin),
            SetInvoiceStatus {
                tenant,
                invoice: id,
                status: InvoiceStatus::Paid,
            },
        )
        .await
        .expect("paid");
        let again = app
            .invoke(
                Some(&admin),
                SetInvoiceStatus {
                    tenant,
                    invoice: id,
                    status: InvoiceStatus::Void,
                },
            )
            .await;
        assert!(
            matches!(again, Err(AppError::Conflict { .. })),
            "paid is final: {again:?}"
        );
        let other = app
            .invoke(
                Some(&admin),
                SetInvoiceStatus {
                    tenant: me(&app, &admin).await.tenant_id,
                    invoice: id,
                    status: InvoiceStatus::Paid,
                },
            )
            .await;
        assert!(matches!(other, Err(AppError::NotFound { .. })), "{other:?}");
        assert_eq!(
            app.count(
                "SELECT count(*) AS n FROM invoices WHERE status = 'paid' AND paid_at IS NOT NULL"
            )
            .await,
            1
        );
        assert_eq!(
            app.count(&format!("SELECT count(*) AS n FROM audit_log WHERE tenant_id = '{tenant}' AND action IN ('tenant.created', 'invitation.created', 'billing.plan_changed', 'billing.invoice_paid')")).await,
            4
        );
    })
}

#[test]
fn the_overview_counts_revenue_and_usage_as_it_says() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let bee = app.sign_up("Bea Bee", "bea@bee.example", "Bee Co").await;
        let bee = me(&app, &bee).await.tenant_id;
        let cee = app.sign_up("Cy Cee", "cy@cee.example", "Cee Co").await;
        let cee = me(&app, &cee).await.tenant_id;
        app.exec(&format!("UPDATE subscriptions SET status = 'active', plan_id = 'free' WHERE tenant_id = '{bee}'")).await;
        app.exec(&format!("UPDATE subscriptions SET status = 'active', plan_id = 'starter', seats = 5 WHERE tenant_id = '{cee}'")).await;
        // Cee's invoice for a period that ended 40 days ago, still unpaid: Starter alone.
        app.exec(&format!(
            "WITH i AS (INSERT INTO invoices (tenant_id, number, plan_id, period_start, period_end, currency, \
                 subtotal_minor, tax_rate_bp, tax_minor, total_minor, status, issued_at) \
               VALUES ('{cee}', 'SH-2026-900001', 'starter', now() - interval '70 days', now() - interval '40 days', \
                 'USD', 4900, 0, 0, 4900, 'open', now() - interval '39 days') RETURNING tenant_id, id) \
             INSERT INTO invoice_lines (tenant_id, invoice_id, position, kind, description, quantity, amount_minor) \
             SELECT tenant_id, id, 1, 'base', 'Starter', 1, 4900 FROM i"
        ))
        .await;
        app.db
            .tenant_tx(bee, async |conn| {
                billing::UsageEvent::new(bee, billing::Meter::AgentRuns, 85, "bench:85")
                    .record(conn)
                    .await
            })
            .await
            .expect("metered");
        app.sign_in("bea@bee.example", PASSWORD)
            .await
            .expect("a sign-in today");

        let d = app
            .invoke(Some(&admin), app::api::admin::GetAdminDashboard {})
            .await
            .expect("dashboard");
        assert_eq!(d.platform.tenants, 3);
        assert_eq!(d.platform.sign_ins.len(), 30);
        assert_eq!(d.platform.sign_ins.last().map(|p| p.1), Some(1));
        assert!(d.platform.active_7d >= 3, "{:?}", d.platform);
        let r = &d.revenue;
        assert_eq!(
            r.mrr,
            vec![models::admin::Amount {
                currency: "USD".into(),
                minor: 4900 + 2 * 1900
            }],
            "Starter with two extra seats; Free brings nothing"
        );
        assert_eq!((r.paying, r.trialing), (2, 1));
        assert_eq!(
            r.net_churn_bp,
            Some((4900 - 8700) * 10_000 / 4900),
            "Cee grew: negative churn"
        );
        assert_eq!(r.mrr_by_month.len(), 12, "every month of the last twelve");
        assert_eq!(r.mrr_by_month.iter().map(|m| m.1).sum::<i64>(), 4900);
        assert_eq!(r.overdue.len(), 1);
        assert_eq!(r.overdue[0].number, "SH-2026-900001");
        let u = &d.usage;
        let runs = &u
            .daily
            .iter()
            .find(|(m, _)| *m == billing::Meter::AgentRuns)
            .expect("runs")
            .1;
        assert_eq!(runs.last().map(|p| p.1), Some(85));
        assert_eq!(runs.iter().map(|p| p.1).sum::<i64>(), 85);
        assert_eq!(u.top.len(), 1);
        assert_eq!((u.top[0].tenant_id, u.top[0].used), (bee, 85));
        assert_eq!(u.near_cap.len(), 1, "85 of Free's 100 runs");
        assert_eq!(u.near_cap[0].cap, Some(100));
        assert_eq!(
            app.count("SELECT sum(quantity)::bigint AS n FROM usage_daily")
                .await,
            app.count("SELECT sum(quantity)::bigint AS n FROM usage_events")
                .await,
            "the day rows sum to the events"
        );
        forbidden(
            app.invoke(
                Some(&app.sign_in("cy@cee.example", PASSWORD).await.expect("cy")),
                app::api::admin::GetAdminDashboard {},
            )
            .await,
            "an owner",
        );
    })
}

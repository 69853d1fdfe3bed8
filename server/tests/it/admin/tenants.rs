//! Organisations: suspended and reactivated (sessions, sign-in, jobs, mail), created with
//! their first owner's invitation, their plan changed, an invoice settled.

use super::*;

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

        // The console's billing lists, across organisations, by status.
        let billing = |status, invoice_status| {
            app.invoke(
                Some(&admin),
                ListAdminBilling {
                    status,
                    invoice_status,
                },
            )
        };
        let all = billing(None, None).await.expect("billing");
        assert_eq!(all.subscriptions.len(), 2, "{all:?}");
        let initech = all
            .subscriptions
            .iter()
            .find(|s| s.tenant_id == tenant)
            .expect("Initech's subscription");
        assert_eq!(
            (initech.plan.as_str(), initech.seats, initech.monthly.minor),
            ("Starter", 1, 4900)
        );
        let paid = &all.invoices;
        assert_eq!(paid.len(), 1);
        assert_eq!(
            (
                paid[0].number.as_str(),
                paid[0].tenant_name.as_str(),
                paid[0].status
            ),
            ("SH-2026-999999", "Initech", InvoiceStatus::Paid)
        );
        app.exec(&format!(
            "UPDATE subscriptions SET status = 'past_due' WHERE tenant_id = '{tenant}'"
        ))
        .await;
        let due = billing(
            Some(models::billing::SubscriptionStatus::PastDue),
            Some(InvoiceStatus::Open),
        )
        .await
        .expect("filtered");
        assert_eq!(
            due.subscriptions
                .iter()
                .map(|s| s.tenant_name.as_str())
                .collect::<Vec<_>>(),
            ["Initech"]
        );
        assert!(due.invoices.is_empty(), "{due:?}");
    })
}

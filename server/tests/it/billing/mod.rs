//! Billing: a new organisation's trial, seats following members, usage counted once per
//! key, the hard cap under fifty runs at once, the 80 % warning, allowances, plan changes
//! with proration, cancellation, the period's end, and what the tenant role may not do.

mod bench;
mod localstripe;
mod stripe;

use crate::agents::runs::run_on;
use crate::harness::{assert_field, run, TestApp};
use crate::members::{me, team_with};
use crate::records::lead;
use app::api::billing::*;
use billing::renewal::RenewSubscriptions;
use billing::{Meter, UsageEvent};
use models::billing::{
    BillingOverview, PlanChangePreview, SubscriptionStatus, SubscriptionView, TakesEffect,
};
use models::{AppError, TenantId};
use platform::jobs::NewJob;

async fn change(app: &TestApp, session: &str, plan: &str) -> Result<SubscriptionView, AppError> {
    app.invoke(Some(session), ChangePlan { plan: plan.into() })
        .await
}

async fn preview(app: &TestApp, session: &str, plan: &str) -> Result<PlanChangePreview, AppError> {
    app.invoke(Some(session), PreviewPlanChange { plan: plan.into() })
        .await
}

async fn overview(app: &TestApp, session: &str) -> BillingOverview {
    app.invoke(Some(session), GetBilling {})
        .await
        .expect("billing")
}

/// An owner on the Free plan whose agent runs are capped at `cap` (tokens unlimited, so
/// only the runs' cap decides).
async fn capped_owner(app: &TestApp, cap: i64) -> (String, TenantId) {
    let owner = app
        .sign_up("Olga Owner", "olga@example.com", "Olga Org")
        .await;
    change(app, &owner, "free")
        .await
        .expect("free, during the trial");
    app.exec(&format!(
        "UPDATE plan_meters SET included = {cap} WHERE plan_id = 'free' AND meter = 'agent_runs'"
    ))
    .await;
    app.exec(
        "UPDATE plan_meters SET included = NULL WHERE plan_id = 'free' AND meter = 'llm_tokens'",
    )
    .await;
    let tenant = me(app, &owner).await.tenant_id;
    (owner, tenant)
}

fn runs_used(app: &TestApp) -> impl std::future::Future<Output = i64> + '_ {
    app.count(
        "SELECT COALESCE(sum(used), 0)::bigint AS n FROM usage_counters WHERE meter = 'agent_runs'",
    )
}

#[test]
fn a_new_organisation_starts_on_a_trial_and_seats_follow_its_members() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, who) = team_with(&app, "rep").await;
        let b = overview(&app, &owner).await;
        assert_eq!(b.subscription.status, SubscriptionStatus::Trialing);
        assert_eq!(
            b.plan.id, "growth",
            "the trial is of the highest plan that offers one"
        );
        let trial = b.subscription.trial_ends_at.expect("a trial end");
        let days = (trial - chrono::Utc::now()).num_hours();
        assert!((13 * 24..=14 * 24).contains(&days), "{days} hours of trial");
        assert_eq!(b.subscription.seats, 2, "the owner and the rep");
        assert!(b.can_manage);
        assert!(
            b.upcoming.is_none() && b.invoices.is_empty(),
            "a trial bills nothing"
        );
        assert_eq!(b.usage.len(), 4);
        assert_eq!(
            b.plans.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["free", "starter", "growth", "enterprise"]
        );
        // A rep sees no billing; an admin sees it and changes nothing.
        let err = app
            .invoke(Some(&rep), GetBilling {})
            .await
            .expect_err("rep");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        app.invoke(
            Some(&owner),
            app::api::members::RemoveMember {
                user_id: who.user_id,
            },
        )
        .await
        .expect("removed");
        let b = overview(&app, &owner).await;
        assert_eq!(b.subscription.seats, 1);
    })
}

#[test]
fn admins_see_billing_and_only_owners_change_it() {
    run(async {
        let app = TestApp::spawn().await;
        let (_owner, admin, _) = team_with(&app, "admin").await;
        let b = overview(&app, &admin).await;
        assert!(!b.can_manage);
        for err in [
            change(&app, &admin, "starter").await.map(|_| ()),
            preview(&app, &admin, "starter").await.map(|_| ()),
            app.invoke(Some(&admin), CancelSubscription {})
                .await
                .map(|_| ()),
        ] {
            assert!(matches!(err, Err(AppError::Forbidden { .. })), "{err:?}");
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action LIKE 'billing.%'")
                .await,
            0
        );
    })
}

#[test]
fn the_same_usage_event_counts_once_and_the_counter_is_the_sum_of_the_events() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        for _ in 0..2 {
            app.db
                .tenant_tx(tenant, async |conn| {
                    UsageEvent::new(tenant, Meter::ApiCalls, 7, "call:1")
                        .record(conn)
                        .await
                })
                .await
                .expect("recorded");
        }
        let first = app
            .db
            .tenant_tx(tenant, async |conn| {
                UsageEvent::new(tenant, Meter::ApiCalls, 5, "call:2")
                    .record(conn)
                    .await
            })
            .await
            .expect("recorded");
        assert!(first);
        // A rolled-back transaction bills nothing.
        let _ = app
            .db
            .tenant_tx(tenant, async |conn| {
                UsageEvent::new(tenant, Meter::ApiCalls, 100, "call:3")
                    .record(conn)
                    .await?;
                Err::<(), _>(platform::Error::App(AppError::conflict("rolled back")))
            })
            .await;
        let b = overview(&app, &owner).await;
        let api = b
            .usage
            .iter()
            .find(|u| u.meter == Meter::ApiCalls)
            .expect("api");
        assert_eq!((api.used, api.reserved), (12, 0));
        assert_eq!(
            app.count(
                "SELECT sum(quantity)::bigint AS n FROM usage_events WHERE meter = 'api_calls'"
            )
            .await,
            12
        );
    })
}

#[test]
fn the_hard_cap_is_never_overshot_by_fifty_runs_at_once_and_owners_are_warned_once() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, _) = capped_owner(&app, 10).await;
        let ada = lead("Ada", "Lovelace").create(&app, &owner).await;
        let results =
            futures_util::future::join_all((0..50).map(|_| run_on(&app, &owner, ada.id))).await;
        let refused: Vec<&AppError> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        assert_eq!(results.len() - refused.len(), 10, "{results:?}");
        for e in &refused {
            assert!(
                matches!(e, AppError::QuotaExceeded { message }
                    if message.contains("Agent runs are used up")
                        && message.contains("Free plan's limit of 10")
                        && message.contains("Billing page")),
                "{e:?}"
            );
        }
        assert_eq!(runs_used(&app).await, 10);
        assert_eq!(
            app.count("SELECT reserved AS n FROM usage_counters WHERE meter = 'agent_runs'")
                .await,
            0,
            "every reservation settled"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM agent_runs WHERE status = 'refused'")
                .await,
            40
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE subject LIKE '%of this period''s agent runs used'")
                .await,
            1,
            "the owner is told once, at 80 %"
        );
        let b = overview(&app, &owner).await;
        let runs = b
            .usage
            .iter()
            .find(|u| u.meter == Meter::AgentRuns)
            .expect("runs");
        assert_eq!(
            (runs.used, runs.cap, runs.percent()),
            (10, Some(10), Some(100))
        );
    })
}

#[test]
fn a_platform_admin_grants_a_one_off_allowance() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, tenant) = capped_owner(&app, 2).await;
        let ada = lead("Ada", "Lovelace").create(&app, &owner).await;
        for _ in 0..2 {
            run_on(&app, &owner, ada.id).await.expect("within the cap");
        }
        run_on(&app, &owner, ada.id).await.expect_err("capped");
        let grant = |quantity: i64| GrantAllowance {
            tenant,
            meter: Meter::AgentRuns,
            quantity,
            note: "launch week".into(),
        };
        let err = app
            .invoke(Some(&owner), grant(3))
            .await
            .expect_err("owners do not grant");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        app.exec("UPDATE users SET is_platform_admin = true").await;
        let err = app
            .invoke(Some(&owner), grant(0))
            .await
            .expect_err("nothing");
        assert_field(&err, "quantity");
        app.invoke(Some(&owner), grant(3)).await.expect("granted");
        for _ in 0..3 {
            run_on(&app, &owner, ada.id)
                .await
                .expect("within the allowance");
        }
        run_on(&app, &owner, ada.id)
            .await
            .expect_err("capped again");
        assert_eq!(runs_used(&app).await, 5);
        let audit = app
            .rows("SELECT details FROM audit_log WHERE action = 'billing.allowance_granted'")
            .await;
        assert_eq!(audit.len(), 1);
        assert_eq!(audit[0]["details"]["quantity"], 3);
        assert_eq!(audit[0]["details"]["note"], "launch week");
    })
}

#[test]
fn the_tenant_role_can_count_usage_but_not_raise_its_cap_or_change_its_plan() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, tenant) = capped_owner(&app, 2).await;
        let ada = lead("Ada", "Lovelace").create(&app, &owner).await;
        run_on(&app, &owner, ada.id).await.expect("a run");
        for sql in [
            "UPDATE usage_counters SET allowance = 1000",
            "UPDATE subscriptions SET plan_id = 'enterprise'",
            "UPDATE plan_meters SET included = NULL",
            "UPDATE usage_events SET quantity = 0",
        ] {
            let denied = app
                .db
                .tenant_tx(tenant, async |conn| {
                    use diesel_async::RunQueryDsl;
                    diesel::sql_query(sql).execute(conn).await?;
                    Ok(())
                })
                .await;
            assert!(denied.is_err(), "{sql} must be refused");
        }
        assert_eq!(runs_used(&app).await, 1);
    })
}

/// Moves the subscription out of its trial into a 30-day period with `left` days to go
/// (changes made so far belong to the trial's period).
async fn active_with_days_left(app: &TestApp, left: i64) {
    app.exec(&format!(
        "UPDATE subscriptions SET status = 'active', trial_ends_at = NULL, \
         period_start = now() - interval '{} days', period_end = now() + interval '{left} days'",
        30 - left
    ))
    .await;
    app.exec("UPDATE subscription_changes SET created_at = now() - interval '60 days'")
        .await;
}

#[test]
fn an_upgrade_is_prorated_at_once_and_a_downgrade_waits_for_the_period_end() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        // During the trial a change costs nothing.
        let p = preview(&app, &owner, "starter").await.expect("preview");
        assert_eq!((p.takes_effect, p.net_minor), (TakesEffect::Now, 0));
        change(&app, &owner, "starter").await.expect("starter");
        active_with_days_left(&app, 20).await;
        // 20 of 30 days left: Starter's 49.00 credited, Growth's 199.00 charged, two thirds
        // each (to the second, so within a cent of the round figures).
        let p = preview(&app, &owner, "growth").await.expect("preview");
        assert_eq!(p.takes_effect, TakesEffect::Now);
        assert!((p.credit_minor + 3267).abs() <= 1, "{p:?}");
        assert!((p.charge_minor - 13267).abs() <= 1, "{p:?}");
        assert_eq!(p.net_minor, p.charge_minor + p.credit_minor);
        assert_eq!(p.next_period_minor, 19900);
        let s = change(&app, &owner, "growth").await.expect("up");
        assert_eq!((s.plan_id.as_str(), s.next_plan_id), ("growth", None));
        let proration = app
            .count(
                "SELECT proration_minor AS n FROM subscription_changes WHERE to_plan_id = 'growth'",
            )
            .await;
        assert!((proration - 10000).abs() <= 2, "{proration}");
        // This period's invoice so far: Starter, which the period started on, and the change.
        let b = overview(&app, &owner).await;
        let upcoming = b.upcoming.expect("a paid period has an invoice so far");
        let amounts: Vec<i64> = upcoming.lines.iter().map(|l| l.amount_minor).collect();
        assert_eq!(amounts, [4900, proration]);
        assert_eq!(upcoming.total_minor, 4900 + proration);
        // Down again: at the period's end, and taken back by choosing the plan kept.
        let p = preview(&app, &owner, "starter").await.expect("preview");
        assert_eq!((p.takes_effect, p.net_minor), (TakesEffect::PeriodEnd, 0));
        let s = change(&app, &owner, "starter").await.expect("down");
        assert_eq!(
            (s.plan_id.as_str(), s.next_plan_id.as_deref()),
            ("growth", Some("starter"))
        );
        let s = change(&app, &owner, "growth").await.expect("keep");
        assert_eq!(s.next_plan_id, None);
        let err = change(&app, &owner, "growth").await.expect_err("already");
        assert_field(&err, "plan");
        let err = change(&app, &owner, "platinum")
            .await
            .expect_err("no such plan");
        assert_field(&err, "plan");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'billing.plan_changed'")
                .await,
            4
        );
        // Cancel at the period's end, twice is a conflict, and taken back.
        let s = app
            .invoke(Some(&owner), CancelSubscription {})
            .await
            .expect("cancel");
        assert!(s.cancel_at_period_end);
        let err = app
            .invoke(Some(&owner), CancelSubscription {})
            .await
            .expect_err("twice");
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        let s = app
            .invoke(Some(&owner), ReactivateSubscription {})
            .await
            .expect("back");
        assert!(!s.cancel_at_period_end);
    })
}

/// The period ended an hour ago.
async fn end_period(app: &TestApp) {
    app.exec(
        "UPDATE subscriptions SET period_start = now() - interval '31 days', \
         period_end = now() - interval '1 hour'",
    )
    .await;
}

async fn renew(app: &TestApp) {
    app.db
        .platform_tx(async |conn| {
            NewJob::new(&RenewSubscriptions {})?.enqueue(conn).await?;
            Ok(())
        })
        .await
        .expect("enqueued");
    app.drain_jobs(None).await;
}

#[test]
fn the_period_end_starts_the_next_period_with_a_scheduled_downgrade_or_cancellation() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        active_with_days_left(&app, 5).await;
        change(&app, &owner, "starter").await.expect("down");
        renew(&app).await;
        let b = overview(&app, &owner).await;
        assert_eq!(
            b.subscription.plan_id, "growth",
            "not before the period ends"
        );
        end_period(&app).await;
        renew(&app).await;
        renew(&app).await;
        let b = overview(&app, &owner).await;
        let s = &b.subscription;
        assert_eq!(
            (s.plan_id.as_str(), s.next_plan_id.as_deref()),
            ("starter", None)
        );
        assert_eq!(s.status, SubscriptionStatus::Active);
        let now = chrono::Utc::now();
        assert!(s.period_start <= now && now < s.period_end, "{s:?}");
        // The period that ended was invoiced once, at the plan it was paid at.
        assert_eq!(b.invoices.len(), 1, "{:?}", b.invoices);
        let invoice = &b.invoices[0];
        assert_eq!(
            (invoice.plan_id.as_str(), invoice.total_minor),
            ("growth", 19900)
        );
        assert_eq!(invoice.status, models::billing::InvoiceStatus::Open);
        assert!(invoice.number.starts_with("SH-"), "{}", invoice.number);
        let href = invoice.href().expect("stored");
        let page = app.get(Some(&owner), &href).await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.expect("html");
        assert!(
            html.contains(&invoice.number) && html.contains("$199.00"),
            "{html}"
        );
        let download = app.get(Some(&owner), &format!("{href}?download")).await;
        let disposition = download.headers()["content-disposition"]
            .to_str()
            .expect("ascii")
            .to_string();
        assert!(disposition.starts_with("attachment;"), "{disposition}");
        // Nobody else's: another organisation's owner finds nothing there.
        let other = app.sign_up("Gus Globex", "gus@example.com", "Globex").await;
        assert_eq!(app.get(Some(&other), &href).await.status(), 404);
        assert_eq!(app.get(None, &href).await.status(), 401);
        // A cancellation ends the subscription; its limits are then the Free plan's.
        app.invoke(Some(&owner), CancelSubscription {})
            .await
            .expect("cancel");
        end_period(&app).await;
        renew(&app).await;
        let b = overview(&app, &owner).await;
        assert_eq!(b.subscription.status, SubscriptionStatus::Canceled);
        let runs = b
            .usage
            .iter()
            .find(|u| u.meter == Meter::AgentRuns)
            .expect("runs");
        assert_eq!(runs.cap, Some(100), "the Free plan's cap");
        let err = change(&app, &owner, "growth").await.expect_err("ended");
        assert!(matches!(err, AppError::Conflict { .. }), "{err:?}");
        let s = app
            .invoke(Some(&owner), ReactivateSubscription {})
            .await
            .expect("again");
        assert_eq!(s.status, SubscriptionStatus::Active);
        let tenant = me(&app, &owner).await.tenant_id;
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM audit_log \
                 WHERE action = 'billing.period_renewed' AND tenant_id = '{tenant}'"
            ))
            .await,
            2
        );
    })
}

//! Tenant isolation enforced by PostgreSQL row-level security: queries with no tenant filter,
//! run in tenant A's context, see nothing of tenant B and cannot write into it.

#[macro_use]
mod common;

use common::TestApp;
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::members::Member;
use models::session::SessionUser;
use models::{AppError, TenantId};
use platform::Error;
use uuid::Uuid;

#[derive(diesel::QueryableByName, Debug)]
struct TenantRow {
    #[diesel(sql_type = SqlUuid)]
    tenant_id: Uuid,
}

#[derive(diesel::QueryableByName, Debug)]
struct EmailRow {
    #[diesel(sql_type = Text)]
    email: String,
}

async fn two_tenants(app: &TestApp) -> (SessionUser, SessionUser) {
    let a = app.sign_up("Anna A", "anna@a.example", "Tenant A").await;
    let b = app.sign_up("Bert B", "bert@b.example", "Tenant B").await;
    // Give B more rows of every kind: an invitation.
    let _: models::members::InvitationCreated = app
        .call(
            Some(&b),
            "create_invitation",
            &[("email", "new@b.example"), ("role", "rep")],
        )
        .await
        .expect("invite");
    let me = |s: String| async move {
        app.call::<Option<SessionUser>>(Some(&s), "current_user", &[])
            .await
            .expect("me")
            .expect("user")
    };
    (me(a).await, me(b).await)
}

async fn tenant_ids_seen(app: &TestApp, tenant: TenantId, table: &str) -> Vec<Uuid> {
    let column = if table == "tenants" {
        "id"
    } else {
        "tenant_id"
    };
    let sql = format!("SELECT {column} AS tenant_id FROM {table}");
    app.db
        .tenant_tx(tenant, |conn| {
            Box::pin(async move { Ok(diesel::sql_query(sql).load::<TenantRow>(conn).await?) })
        })
        .await
        .expect("select")
        .into_iter()
        .map(|r| r.tenant_id)
        .collect()
}

http_test! {
async fn unfiltered_queries_in_a_tenant_context_see_only_that_tenant() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    for table in ["tenants", "memberships", "sessions", "invitations", "audit_log"] {
        let seen = tenant_ids_seen(&app, a.tenant_id, table).await;
        assert!(!seen.is_empty() || table == "invitations", "{table}: A sees its own rows");
        assert!(seen.iter().all(|t| *t == a.tenant_id.0), "{table}: A saw another tenant's rows: {seen:?}");
        let seen_b = tenant_ids_seen(&app, b.tenant_id, table).await;
        assert!(seen_b.contains(&b.tenant_id.0), "{table}: B sees its own rows");
    }
    // Users are global, but a tenant sees only its own members.
    let emails: Vec<String> = app
        .db
        .tenant_tx(a.tenant_id, |conn| {
            Box::pin(async move { Ok(diesel::sql_query("SELECT email FROM users").load::<EmailRow>(conn).await?) })
        })
        .await
        .expect("users")
        .into_iter()
        .map(|r| r.email)
        .collect();
    assert_eq!(emails, vec!["anna@a.example".to_string()]);
    app.finish().await;
}
}

http_test! {
async fn writes_into_another_tenant_fail_from_a_tenant_context() {
    let app = TestApp::spawn().await;
    let (a, b) = two_tenants(&app).await;
    let (b_tenant, b_user) = (b.tenant_id.0, b.user_id.0);

    // Insert a row claiming to be B's: refused by the policy's WITH CHECK.
    let insert = app
        .db
        .tenant_tx(a.tenant_id, move |conn| {
            Box::pin(async move {
                diesel::sql_query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')")
                    .bind::<SqlUuid, _>(b_tenant)
                    .bind::<SqlUuid, _>(b_user)
                    .execute(conn)
                    .await?;
                Ok(())
            })
        })
        .await;
    assert!(matches!(insert, Err(Error::Db(_))), "{insert:?}");

    // Updates and deletes aimed at B touch nothing.
    for sql in [
        "UPDATE memberships SET role = 'rep' WHERE tenant_id = $1",
        "UPDATE tenants SET name = 'hijacked' WHERE id = $1",
        "DELETE FROM sessions WHERE tenant_id = $1",
        "UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1",
    ] {
        let affected = app
            .db
            .tenant_tx(a.tenant_id, move |conn| {
                Box::pin(async move { Ok(diesel::sql_query(sql).bind::<SqlUuid, _>(b_tenant).execute(conn).await?) })
            })
            .await
            .expect(sql);
        assert_eq!(affected, 0, "{sql}");
    }
    // The audit trail cannot be rewritten from a tenant context at all.
    let tamper = app
        .db
        .tenant_tx(a.tenant_id, |conn| Box::pin(async move { Ok(diesel::sql_query("DELETE FROM audit_log").execute(conn).await?) }))
        .await;
    assert!(matches!(tamper, Err(Error::Db(_))), "{tamper:?}");

    assert_eq!(app.count("SELECT count(*) AS n FROM tenants WHERE name = 'Tenant B'").await, 1);
    assert_eq!(app.count("SELECT count(*) AS n FROM memberships WHERE role = 'owner'").await, 2);
    assert_eq!(app.count("SELECT count(*) AS n FROM sessions").await, 2);
    assert_eq!(app.count("SELECT count(*) AS n FROM invitations WHERE revoked_at IS NULL").await, 1);
    app.finish().await;
}
}

http_test! {
async fn another_tenants_member_is_invisible_through_the_api() {
    let app = TestApp::spawn().await;
    let a_session = app.sign_up("Anna A", "anna@a.example", "Tenant A").await;
    let b_session = app.sign_up("Bert B", "bert@b.example", "Tenant B").await;
    let b: SessionUser = app.call::<Option<SessionUser>>(Some(&b_session), "current_user", &[]).await.expect("me").expect("b");
    let members: Vec<Member> = app.call(Some(&a_session), "list_members", &[]).await.expect("list");
    assert_eq!(members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(), ["anna@a.example"]);
    for (name, form) in [
        ("remove_member", vec![("user_id", b.user_id.to_string())]),
        ("change_member_role", vec![("user_id", b.user_id.to_string()), ("role", "rep".to_string())]),
    ] {
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let err = app.call::<serde_json::Value>(Some(&a_session), name, &form).await.expect_err(name);
        assert!(matches!(err, AppError::NotFound { .. }), "{name}: {err:?}");
    }
    assert_eq!(app.count("SELECT count(*) AS n FROM memberships").await, 2);
    app.finish().await;
}
}

http_test! {
async fn without_a_tenant_setting_the_tenant_role_sees_nothing() {
    let app = TestApp::spawn().await;
    two_tenants(&app).await;
    let rows = app
        .db
        .system_tx(|conn| {
            Box::pin(async move {
                diesel::sql_query("SET LOCAL ROLE sales_hunter_tenant").execute(conn).await?;
                Ok(diesel::sql_query("SELECT tenant_id FROM memberships").load::<TenantRow>(conn).await?)
            })
        })
        .await
        .expect("select");
    assert!(rows.is_empty(), "{rows:?}");
    app.finish().await;
}
}

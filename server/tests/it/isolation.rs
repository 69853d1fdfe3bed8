//! Tenant isolation enforced by PostgreSQL row-level security: queries with no tenant filter,
//! run in tenant A's context, see nothing of tenant B and cannot write into it.

use crate::harness::run;
use crate::harness::{Count, TestApp};
use app::api::auth::CurrentUser;
use app::api::invitations::CreateInvitation;
use app::api::members::ListMembers;
use app::api::members::{ChangeMemberRole, RemoveMember};
use diesel::sql_types::{Text, Uuid as SqlUuid};
use diesel_async::RunQueryDsl;
use models::members::Member;
use models::session::SessionUser;
use models::{AppError, Role, TenantId};
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

/// Takes the tenant setting away inside a tenant transaction.
const UNSET_TENANT: &str = "SELECT set_config('app.tenant_id', '', true)";

async fn two_tenants(app: &TestApp) -> (SessionUser, SessionUser) {
    let a = app.sign_up("Anna A", "anna@a.example", "Tenant A").await;
    let b = app.sign_up("Bert B", "bert@b.example", "Tenant B").await;
    // Give B more rows of every kind: an invitation.
    let _: models::members::InvitationCreated = app
        .call::<CreateInvitation>(Some(&b), &[("email", "new@b.example"), ("role", "rep")])
        .await
        .expect("invite");
    let me = |s: String| async move {
        app.call::<CurrentUser>(Some(&s), &[])
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
        .tenant_tx(tenant, async |conn| {
            Ok(diesel::sql_query(sql).load::<TenantRow>(conn).await?)
        })
        .await
        .expect("select")
        .into_iter()
        .map(|r| r.tenant_id)
        .collect()
}

#[test]
fn unfiltered_queries_in_a_tenant_context_see_only_that_tenant() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, b) = two_tenants(&app).await;
        // Tables with a `tenant_id`: `every_tenant_owned_table_shows_only_its_tenant`.
        assert_eq!(
            tenant_ids_seen(&app, a.tenant_id, "tenants").await,
            [a.tenant_id.0]
        );
        assert_eq!(
            tenant_ids_seen(&app, b.tenant_id, "tenants").await,
            [b.tenant_id.0]
        );
        // Users are global, but a tenant sees only its own members.
        let emails: Vec<String> = app
            .db
            .tenant_tx(a.tenant_id, async |conn| {
                Ok(diesel::sql_query("SELECT email FROM users")
                    .load::<EmailRow>(conn)
                    .await?)
            })
            .await
            .expect("users")
            .into_iter()
            .map(|r| r.email)
            .collect();
        assert_eq!(emails, vec!["anna@a.example".to_string()]);
    })
}

#[test]
fn writes_into_another_tenant_fail_from_a_tenant_context() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, b) = two_tenants(&app).await;
        let (b_tenant, b_user) = (b.tenant_id.0, b.user_id.0);

        // Insert a row claiming to be B's: refused by the policy's WITH CHECK.
        let insert = app
            .db
            .tenant_tx(a.tenant_id, async |conn| {
                diesel::sql_query(
                    "INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')",
                )
                .bind::<SqlUuid, _>(b_tenant)
                .bind::<SqlUuid, _>(b_user)
                .execute(conn)
                .await?;
                Ok(())
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
                .tenant_tx(a.tenant_id, async |conn| {
                    Ok(diesel::sql_query(sql)
                        .bind::<SqlUuid, _>(b_tenant)
                        .execute(conn)
                        .await?)
                })
                .await
                .expect(sql);
            assert_eq!(affected, 0, "{sql}");
        }
        // The audit trail cannot be rewritten from a tenant context at all.
        let tamper = app
            .db
            .tenant_tx(a.tenant_id, async |conn| {
                Ok(diesel::sql_query("DELETE FROM audit_log")
                    .execute(conn)
                    .await?)
            })
            .await;
        assert!(matches!(tamper, Err(Error::Db(_))), "{tamper:?}");

        assert_eq!(
            app.count("SELECT count(*) AS n FROM tenants WHERE name = 'Tenant B'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM memberships WHERE role = 'owner'")
                .await,
            2
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM sessions").await, 2);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM invitations WHERE revoked_at IS NULL")
                .await,
            1
        );
    })
}

#[test]
fn another_tenants_member_is_invisible_through_the_api() {
    run(async {
        let app = TestApp::spawn().await;
        let a_session = app.sign_up("Anna A", "anna@a.example", "Tenant A").await;
        let b_session = app.sign_up("Bert B", "bert@b.example", "Tenant B").await;
        let b: SessionUser = app
            .call::<CurrentUser>(Some(&b_session), &[])
            .await
            .expect("me")
            .expect("b");
        let members: Vec<Member> = app
            .call::<ListMembers>(Some(&a_session), &[])
            .await
            .expect("list");
        assert_eq!(
            members.iter().map(|m| m.email.as_str()).collect::<Vec<_>>(),
            ["anna@a.example"]
        );
        let removed = app
            .invoke(Some(&a_session), RemoveMember { user_id: b.user_id })
            .await;
        assert!(
            matches!(removed, Err(AppError::NotFound { .. })),
            "{removed:?}"
        );
        let changed = app
            .invoke(
                Some(&a_session),
                ChangeMemberRole {
                    user_id: b.user_id,
                    role: Role::Rep,
                },
            )
            .await;
        assert!(
            matches!(changed, Err(AppError::NotFound { .. })),
            "{changed:?}"
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM memberships").await, 2);
    })
}

#[test]
fn without_a_tenant_setting_the_tenant_role_sees_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, _) = two_tenants(&app).await;
        // A tenant transaction whose setting is taken away again (the platform login cannot
        // become the tenant role).
        let rows = app
            .db
            .tenant_tx(a.tenant_id, async |conn| {
                diesel::sql_query(UNSET_TENANT).execute(conn).await?;
                Ok(diesel::sql_query("SELECT tenant_id FROM memberships")
                    .load::<TenantRow>(conn)
                    .await?)
            })
            .await
            .expect("select");
        assert!(rows.is_empty(), "{rows:?}");
    })
}

/// The server's login role holds no privilege of its own: SQL injected past the query
/// builder that undoes the transaction's role (RESET ROLE) can read no table, and it cannot
/// become a role it was not given.
#[test]
fn with_reset_role_injected_the_login_role_can_read_no_table() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, _) = two_tenants(&app).await;
        let tables = [
            "tenants",
            "users",
            "memberships",
            "sessions",
            "invitations",
            "audit_log",
            "login_attempts",
            "jobs",
            "job_schedules",
            "emails",
            "password_resets",
        ];
        for table in tables {
            let sql = format!("SELECT count(*) AS n FROM {table}");
            let in_tenant = app
                .db
                .tenant_tx(a.tenant_id, async |conn| {
                    diesel::sql_query("RESET ROLE").execute(conn).await?;
                    Ok(diesel::sql_query(&sql).get_result::<Count>(conn).await?.n)
                })
                .await;
            assert!(
                matches!(&in_tenant, Err(Error::Db(e)) if e.to_string().contains("permission denied")),
                "{table} from a tenant transaction: {in_tenant:?}"
            );
            let in_platform = app
                .db
                .platform_tx(async |conn| {
                    diesel::sql_query("RESET ROLE").execute(conn).await?;
                    Ok(diesel::sql_query(&sql).get_result::<Count>(conn).await?.n)
                })
                .await;
            assert!(
                matches!(&in_platform, Err(Error::Db(e)) if e.to_string().contains("permission denied")),
                "{table} from a platform transaction: {in_platform:?}"
            );
        }
        let escalate = app
            .db
            .tenant_tx(a.tenant_id, async |conn| {
                diesel::sql_query("SET ROLE postgres").execute(conn).await?;
                Ok(())
            })
            .await;
        assert!(matches!(escalate, Err(Error::Db(_))), "{escalate:?}");
        // The tenant pool's login cannot become the platform role (BYPASSRLS), whether from
        // the tenant role or after a RESET ROLE; the platform pool's login can.
        for escape in [
            "SET ROLE sales_hunter_platform",
            "RESET ROLE; SET ROLE sales_hunter_platform",
        ] {
            let outcome = app
                .db
                .tenant_tx(a.tenant_id, async |conn| {
                    for sql in escape.split("; ") {
                        diesel::sql_query(sql).execute(conn).await?;
                    }
                    Ok(())
                })
                .await;
            assert!(
                matches!(&outcome, Err(Error::Db(e)) if e.to_string().contains("permission denied")),
                "{escape} from a tenant transaction: {outcome:?}"
            );
        }
        app.db
            .platform_tx(async |conn| {
                diesel::sql_query("RESET ROLE").execute(conn).await?;
                diesel::sql_query("SET ROLE sales_hunter_platform")
                    .execute(conn)
                    .await?;
                Ok(())
            })
            .await
            .expect("the platform login may become the platform role");
        // Nor does the platform login become the tenant role: each login one role.
        let crossed = app
            .db
            .platform_tx(async |conn| {
                diesel::sql_query("SET ROLE sales_hunter_tenant")
                    .execute(conn)
                    .await?;
                Ok(())
            })
            .await;
        assert!(
            matches!(&crossed, Err(Error::Db(e)) if e.to_string().contains("permission denied")),
            "the tenant role from a platform transaction: {crossed:?}"
        );
        // The pool is not poisoned: the next transaction works as usual.
        assert_eq!(
            app.db
                .tenant_tx(a.tenant_id, async |conn| {
                    Ok(diesel::sql_query("SELECT count(*) AS n FROM memberships")
                        .get_result::<Count>(conn)
                        .await?
                        .n)
                })
                .await
                .expect("count"),
            1
        );
    })
}

/// The search functions run as the tables' owner (so PostgreSQL may use the trigram index),
/// which row-level security does not bind: they must keep to the transaction's tenant
/// themselves, and find nothing when no tenant is set.
#[test]
fn the_search_functions_answer_only_for_the_transactions_tenant() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, b) = two_tenants(&app).await;
        // A "Zebulon" lead, contact and account in each tenant (deals need stages; the four
        // functions come from one template in the migration).
        let a_id = "00000000-0000-0000-0000-00000000000a";
        for (who, id) in [(&a, a_id), (&b, "00000000-0000-0000-0000-00000000000b")] {
            for sql in [
                "INSERT INTO leads (tenant_id, id, last_name, company) VALUES ($t, $id, 'Zebulon', 'Shared Co')",
                "INSERT INTO contacts (tenant_id, id, last_name) VALUES ($t, $id, 'Zebulon')",
                "INSERT INTO accounts (tenant_id, id, name) VALUES ($t, $id, 'Zebulon Corp')",
            ] {
                let t = format!("'{}'", who.tenant_id);
                app.exec(&sql.replace("$t", &t).replace("$id", &format!("'{id}'")))
                    .await;
            }
        }
        #[derive(diesel::QueryableByName, Debug, PartialEq)]
        struct Id {
            #[diesel(sql_type = SqlUuid)]
            id: Uuid,
        }
        for table in ["leads", "contacts", "accounts", "opportunities"] {
            let sql = format!("SELECT {table}_matching('%zebulon%', 100) AS id");
            let seen = app
                .db
                .tenant_tx(a.tenant_id, async |conn| {
                    Ok(diesel::sql_query(&sql).load::<Id>(conn).await?)
                })
                .await
                .expect("search");
            let want = if table == "opportunities" {
                vec![]
            } else {
                vec![Id {
                    id: a_id.parse().expect("id"),
                }]
            };
            assert_eq!(seen, want, "{table}");
            let unset = app
                .db
                .tenant_tx(a.tenant_id, async |conn| {
                    diesel::sql_query(UNSET_TENANT).execute(conn).await?;
                    Ok(diesel::sql_query(&sql).load::<Id>(conn).await?)
                })
                .await
                .expect("search");
            assert!(unset.is_empty(), "{table} without a tenant: {unset:?}");
        }
    })
}

/// Every table with a `tenant_id` that the tenant role may read, the sales core's and the
/// tallies' included (their policies read the tenant once per statement, migration 000016):
/// with both tenants' demo sales data written, A sees only its own rows, and the tables
/// the demo fills are not empty for it.
#[test]
fn every_tenant_owned_table_shows_only_its_tenant() {
    run(async {
        let app = TestApp::spawn().await;
        let (a, b) = two_tenants(&app).await;
        for who in [&a, &b] {
            assert!(sales_hunter::seed::seed_demo_sales(&app.db, who.tenant_id)
                .await
                .expect("demo sales"));
        }
        let tables: Vec<String> = app
            .rows(
                "SELECT c.relname AS name FROM pg_class c \
                 JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public' \
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' \
                   AND NOT a.attisdropped \
                 WHERE c.relkind IN ('r', 'p') \
                   AND has_table_privilege('sales_hunter_tenant', c.oid, 'SELECT') \
                 ORDER BY 1",
            )
            .await
            .into_iter()
            .map(|r| r["name"].as_str().expect("name").to_string())
            .collect();
        let filled = [
            "leads",
            "opportunities",
            "activities",
            "open_pipeline_changes",
            "people_tally_changes",
            "closed_tally_changes",
        ];
        for table in filled {
            assert!(tables.iter().any(|t| t == table), "{table} is listed");
        }
        for table in &tables {
            let in_all = app
                .count(&format!(
                    "SELECT count(DISTINCT tenant_id) AS n FROM {table}"
                ))
                .await;
            if filled.contains(&table.as_str()) {
                assert_eq!(in_all, 2, "{table}: both tenants have rows");
            }
            let seen = tenant_ids_seen(&app, a.tenant_id, table).await;
            assert!(
                seen.iter().all(|t| *t == a.tenant_id.0),
                "{table}: A saw another tenant's rows"
            );
            if in_all == 2 {
                assert!(!seen.is_empty(), "{table}: A sees its own rows");
            }
        }
    })
}

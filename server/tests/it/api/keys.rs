use super::{call, get, key, make_key};
use crate::harness::{assert_field, run, TestApp};
use crate::members::team_with;
use app::api::api_keys::{ListApiKeys, RevokeApiKey};
use app::api::members::RemoveMember;
use models::api_keys::ApiKeyScope;
use models::AppError;
use reqwest::StatusCode;
use serde_json::json;

#[test]
fn keys_are_made_by_admins_shown_once_stored_hashed_and_revoked_at_once() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, rep, _) = team_with(&app, "rep").await;
        let err = make_key(&app, &rep, "read", "")
            .await
            .expect_err("reps make none");
        assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        for (scope, rate, field) in [
            ("read", "0", "rate_per_minute"),
            ("admin", "", "scope"),
            ("read", "ten", "rate_per_minute"),
        ] {
            let err = make_key(&app, &owner, scope, rate).await.expect_err(field);
            assert_field(&err, field);
        }
        let err = app
            .invoke(
                Some(&owner),
                app::api::api_keys::CreateApiKey {
                    name: " ".into(),
                    scope: "read".into(),
                    rate_per_minute: String::new(),
                },
            )
            .await
            .expect_err("a name");
        assert_field(&err, "name");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM api_keys").await,
            0,
            "bad input stores nothing"
        );

        let made = make_key(&app, &owner, "read", "")
            .await
            .expect("a read key");
        assert!(
            made.secret.starts_with("shk_") && made.secret.len() == 68,
            "{}",
            made.secret
        );
        assert_eq!(made.key.prefix, made.secret[..12]);
        assert_eq!(
            (made.key.scope, made.key.rate_per_minute),
            (ApiKeyScope::Read, 600)
        );
        assert_eq!(made.key.created_by, "Olga Owner");
        let stored = app.rows("SELECT key_hash, prefix FROM api_keys").await;
        assert_ne!(
            stored[0]["key_hash"],
            made.secret.as_str(),
            "only the hash is kept"
        );
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM audit_log WHERE details::text LIKE '%{}%'",
                &made.secret[12..]
            ))
            .await,
            0,
            "the secret is in no audit entry"
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'api_key.created'")
                .await,
            1
        );

        let ok = get(&app, &made.secret, "/api/v1/leads").await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.headers["x-ratelimit-limit"], "600");
        let listed = app
            .invoke(Some(&owner), ListApiKeys {})
            .await
            .expect("listed");
        assert!(listed[0].last_used_at.is_some(), "the use is noted");

        // No key, a made-up key, a session cookie instead of a key: all refused alike.
        let none = call(&app, None, "GET", "/api/v1/leads", None).await;
        assert_eq!(none.status, StatusCode::UNAUTHORIZED);
        assert!(none.headers["www-authenticate"]
            .to_str()
            .expect("header")
            .starts_with("Bearer"));
        assert_eq!(none.error(), AppError::Unauthorized);
        let forged = format!("shk_{}", "0".repeat(64));
        assert_eq!(
            get(&app, &forged, "/api/v1/leads").await.status,
            StatusCode::UNAUTHORIZED
        );
        let cookie = app.get(Some(&owner), "/api/v1/leads").await;
        assert_eq!(
            cookie.status(),
            StatusCode::UNAUTHORIZED,
            "the API takes keys, not sessions"
        );

        // A read key reads only.
        let refused = call(
            &app,
            Some(&made.secret),
            "POST",
            "/api/v1/leads",
            Some(json!({"first_name": "Ada", "last_name": "L"})),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
        assert_eq!(app.count("SELECT count(*) AS n FROM leads").await, 0);

        app.invoke(Some(&rep), RevokeApiKey { id: made.key.id })
            .await
            .expect_err("reps revoke none");
        app.invoke(Some(&owner), RevokeApiKey { id: made.key.id })
            .await
            .expect("revoked");
        app.invoke(Some(&owner), RevokeApiKey { id: made.key.id })
            .await
            .expect("revoking twice changes nothing");
        assert_eq!(
            get(&app, &made.secret, "/api/v1/leads").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'api_key.revoked'")
                .await,
            1
        );
        let listed = app
            .invoke(Some(&owner), ListApiKeys {})
            .await
            .expect("listed");
        assert!(listed[0].revoked_at.is_some());
    })
}

#[test]
fn a_key_acts_with_its_members_current_role_and_goes_with_them() {
    run(async {
        let app = TestApp::spawn().await;
        let (owner, admin, who) = team_with(&app, "admin").await;
        let secret = key(&app, &admin, "write").await;
        let made = call(
            &app,
            Some(&secret),
            "POST",
            "/api/v1/leads",
            Some(json!({"first_name": "Ada", "last_name": "Lovelace"})),
        )
        .await;
        assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
        assert_eq!(
            made.body["owner_name"], "Mo admin",
            "the key's member owns what it makes"
        );
        let audited = app
            .rows("SELECT actor_id::text AS actor FROM audit_log WHERE action = 'lead.created'")
            .await;
        assert_eq!(audited[0]["actor"], who.user_id.to_string());

        // Demoted to rep: the key may no longer edit an owner's lead.
        let olga = crate::records::lead("Bea", "Owner-led")
            .create(&app, &owner)
            .await;
        app.exec(&format!(
            "UPDATE memberships SET role = 'rep' WHERE user_id = '{}'",
            who.user_id
        ))
        .await;
        let edit = call(
            &app,
            Some(&secret),
            "PATCH",
            &format!("/api/v1/leads/{}", olga.id),
            Some(json!({"title": "CEO"})),
        )
        .await;
        assert_eq!(edit.status, StatusCode::FORBIDDEN, "{}", edit.body);

        // Suspended organisation, deactivated person, removed member: the key stops working.
        app.exec("UPDATE tenants SET suspended_at = now()").await;
        assert_eq!(
            get(&app, &secret, "/api/v1/leads").await.status,
            StatusCode::UNAUTHORIZED
        );
        app.exec("UPDATE tenants SET suspended_at = NULL").await;
        app.exec(&format!(
            "UPDATE users SET deactivated_at = now() WHERE id = '{}'",
            who.user_id
        ))
        .await;
        assert_eq!(
            get(&app, &secret, "/api/v1/leads").await.status,
            StatusCode::UNAUTHORIZED
        );
        app.exec("UPDATE users SET deactivated_at = NULL").await;
        assert_eq!(
            get(&app, &secret, "/api/v1/leads").await.status,
            StatusCode::OK
        );
        app.call::<RemoveMember>(Some(&owner), &[("user_id", &who.user_id.to_string())])
            .await
            .expect("removed");
        assert_eq!(
            get(&app, &secret, "/api/v1/leads").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM api_keys").await,
            0,
            "its keys went with it"
        );
    })
}

#[test]
fn a_key_of_one_organisation_never_reads_or_writes_another() {
    run(async {
        let app = TestApp::spawn().await;
        let theirs = app
            .sign_up("Bea Other", "bea@other.example", "Other Org")
            .await;
        let bea = crate::records::lead("Bea", "Secret")
            .email("bea@secret.example")
            .create(&app, &theirs)
            .await;
        let acct = crate::records::account("Secret Co")
            .create(&app, &theirs)
            .await;
        let person = crate::records::contact("Cy", "Secret")
            .create(&app, &theirs)
            .await;
        let deal = crate::records::deal("Secret deal")
            .create(&app, &theirs)
            .await;
        let mine = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let k = key(&app, &mine, "write").await;

        for path in [
            "/api/v1/leads",
            "/api/v1/accounts",
            "/api/v1/contacts",
            "/api/v1/opportunities",
        ] {
            let page = get(&app, &k, path).await;
            assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
            assert_eq!(
                page.body["rows"].as_array().map(Vec::len),
                Some(0),
                "{path}: {}",
                page.body
            );
        }
        let q = get(&app, &k, "/api/v1/leads?q=Secret").await;
        assert_eq!(q.body["rows"].as_array().map(Vec::len), Some(0));
        for path in [
            format!("/api/v1/leads/{}", bea.id),
            format!("/api/v1/accounts/{}", acct.id),
            format!("/api/v1/contacts/{}", person.id),
            format!("/api/v1/opportunities/{deal}"),
        ] {
            for method in ["GET", "PATCH", "DELETE"] {
                let body =
                    (method == "PATCH").then(|| json!({"name": "Mine now", "first_name": "Mine"}));
                let a = call(&app, Some(&k), method, &path, body).await;
                assert!(
                    a.status == StatusCode::NOT_FOUND
                        || a.status == StatusCode::UNPROCESSABLE_ENTITY,
                    "{method} {path}: {} {}",
                    a.status,
                    a.body
                );
            }
        }
        let about = get(&app, &k, &format!("/api/v1/activities?lead={}", bea.id)).await;
        assert_eq!(about.body, json!([]), "{}", about.body);
        let log = call(
            &app,
            Some(&k),
            "POST",
            "/api/v1/activities",
            Some(json!({"lead": bea.id, "kind": "note", "subject": "x"})),
        )
        .await;
        assert_eq!(log.status, StatusCode::NOT_FOUND, "{}", log.body);
        // Everything of theirs is as it was.
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE first_name = 'Bea'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM accounts WHERE name = 'Secret Co'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM contacts WHERE first_name = 'Cy'")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities WHERE name = 'Secret deal'")
                .await,
            1
        );
        assert_eq!(app.count("SELECT count(*) AS n FROM activities").await, 0);
    })
}

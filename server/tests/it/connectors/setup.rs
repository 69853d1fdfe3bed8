//! Connecting and disconnecting: the JWT bearer flow, revocation, who may, and bad settings.

use super::*;

#[test]
fn the_jwt_bearer_flow_connects_without_a_browser_and_disconnect_revokes() {
    run(async {
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let pem = include_str!("../fixtures/jwt-test-key.pem");
        let key = ring::signature::RsaKeyPair::from_pkcs8(
            &base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                pem.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .collect::<String>(),
            )
            .expect("der"),
        )
        .expect("key");
        fake.org().jwt_public_key =
            Some(ring::signature::KeyPair::public_key(&key).as_ref().to_vec());
        let s = with(&fake, |s| {
            s.jwt_username = "integration@example.com".into();
            s.jwt_private_key = pem.into();
        });
        let id = app.invoke(Some(&owner), s).await.expect("save");
        let view = overview(&app, &owner).await;
        assert!(view.connections[0].has_jwt_key);
        assert!(!serde_json::to_string(&view)
            .expect("json")
            .contains("PRIVATE KEY"));
        app.invoke(Some(&owner), AuthorizeConnectionServer { id })
            .await
            .expect("jwt");
        fake.org().insert("Lead", remote_lead(0), None);
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Lead).created, 1);
        // Expiry re-runs the JWT flow (there is no refresh token).
        fake.org().script.push_back(Scripted::ExpireSession);
        fake.org().insert("Lead", remote_lead(1), None);
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");

        let warning = app
            .invoke(Some(&owner), DisconnectConnection { id })
            .await
            .expect("disconnect");
        assert_eq!(warning, None);
        assert_eq!(fake.org().revoked.len(), 1);
        let c = &overview(&app, &owner).await.connections[0];
        assert_eq!(c.status, ConnectionStatus::Disconnected);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM connections WHERE credentials IS NULL")
                .await,
            1
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM job_schedules WHERE name LIKE 'connector:%'")
                .await,
            0
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads").await,
            2,
            "synced records stay"
        );
    })
}

#[test]
fn connectors_are_for_admins_of_their_own_tenant_and_bad_settings_change_nothing() {
    run(async {
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let (owner, rep, _) = crate::members::team_with(&app, "rep").await;
        let id = connect(&app, &owner, &fake).await;
        for err in [
            app.invoke(Some(&rep), ListConnections {})
                .await
                .map(|_| ())
                .expect_err("an error"),
            app.invoke(Some(&rep), SyncConnection { id })
                .await
                .map(|_| ())
                .expect_err("an error"),
            app.invoke(Some(&rep), settings(&fake))
                .await
                .map(|_| ())
                .expect_err("an error"),
            app.invoke(Some(&rep), DisconnectConnection { id })
                .await
                .map(|_| ())
                .expect_err("an error"),
        ] {
            assert!(matches!(err, AppError::Forbidden { .. }), "{err:?}");
        }
        assert_eq!(
            app.invoke(None, ListConnections {})
                .await
                .expect_err("an error"),
            AppError::Unauthorized
        );
        // Another tenant sees none of it.
        let other = app
            .sign_up("Tom Other", "tom@example.com", "Other Org")
            .await;
        assert!(overview(&app, &other).await.connections.is_empty());
        assert!(matches!(
            app.invoke(Some(&other), SyncConnection { id })
                .await
                .expect_err("an error"),
            AppError::NotFound { .. }
        ));
        assert!(matches!(
            app.invoke(Some(&other), ListSyncRuns { id })
                .await
                .map(|r| r.len()),
            Ok(0)
        ));
        // Bad settings name their field and change nothing.
        let before = app
            .rows("SELECT settings, updated_at FROM connections")
            .await;
        for (field, change) in [
            (
                "login_host",
                with(&fake, |s| s.login_host = "http://evil.example".into()),
            ),
            ("client_id", with(&fake, |s| s.client_id = " ".into())),
            (
                "api_version",
                with(&fake, |s| s.api_version = "latest".into()),
            ),
            (
                "api_budget_percent",
                with(&fake, |s| s.api_budget_percent = 0),
            ),
            (
                "sync_every_minutes",
                with(&fake, |s| s.sync_every_minutes = 1),
            ),
            (
                "jwt_private_key",
                with(&fake, |s| {
                    s.jwt_private_key =
                        "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----".into()
                }),
            ),
            (
                "kind",
                SaveConnection {
                    kind: "hubspot".into(),
                    ..settings(&fake)
                },
            ),
        ] {
            let err = app
                .invoke(Some(&owner), change)
                .await
                .expect_err("an error");
            assert_field(&err, field);
        }
        assert_eq!(
            app.rows("SELECT settings, updated_at FROM connections")
                .await,
            before
        );
        // A forged callback state is refused.
        let back = app
            .get(
                Some(&owner),
                "/connectors/salesforce/callback?code=x&state=forged",
            )
            .await;
        let location = back.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert!(location.starts_with("/connectors?error="), "{location}");
        // A denied authorisation says so.
        let back = app.get(Some(&owner), "/connectors/salesforce/callback?error=access_denied&error_description=end-user+denied+authorization").await;
        let location = back.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert!(location.contains("denied"), "{location}");
    })
}

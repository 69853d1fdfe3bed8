//! People: deactivated and reactivated, reset links, platform admin never the last.

use super::*;

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

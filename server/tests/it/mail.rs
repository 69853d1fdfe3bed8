//! Mail through the outbox and a real SMTP conversation (the harness's sink): invitations,
//! password reset end to end, a busy SMTP server, and the dev mailbox when none is set up.

use crate::harness::{
    assert_field, invite_new_person, quick_worker, run, session_cookie, SmtpSink, TestApp,
};
use app::api::admin::ListEmails;
use app::api::auth::{CheckResetToken, CurrentUser, RequestPasswordReset, ResetPassword};
use app::api::invitations::{AcceptInvitation, CreateInvitation};
use models::{AppError, Role};

const PASSWORD: &str = "a good long password";

#[test]
fn an_invitation_is_mailed_with_its_one_time_link() {
    run(async {
        let app = TestApp::spawn().await;
        let smtp = SmtpSink::start().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let created = app
            .invoke(
                Some(&owner),
                CreateInvitation {
                    email: "New@Example.com".into(),
                    role: Role::Rep,
                },
            )
            .await
            .expect("invite");
        assert_eq!(
            smtp.received().len(),
            0,
            "sent by the worker, not in the request"
        );
        assert_eq!(app.drain_jobs(Some(&smtp)).await, 1);
        let mails = smtp.received();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, vec!["<new@example.com>".to_string()]);
        assert_eq!(mails[0].from, "<no-reply@sales-hunter.test>");
        assert!(
            mails[0].data.contains("Olga Owner invited you to Olga Org"),
            "{}",
            mails[0].data
        );
        let link = mails[0].link(&app.base).expect("a link in the mail");
        assert_eq!(link, format!("{}{}", app.base, created.accept_path));
        // Once an SMTP server has it, the database keeps no copy of the link.
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE state = 'sent' AND body_text NOT LIKE '%/invite/%'").await,
            1
        );
        let token = link.rsplit('/').next().expect("token").to_string();
        let (status, headers, _) = app
            .post::<AcceptInvitation>(
                None,
                &[
                    ("token", &token),
                    ("name", "New Person"),
                    ("password", PASSWORD),
                ],
                &[],
            )
            .await;
        assert!(status.is_success(), "{status}");
        assert!(session_cookie(&headers).is_some());
    })
}

#[test]
fn a_busy_smtp_server_is_tried_again() {
    run(async {
        let app = TestApp::spawn().await;
        let smtp = SmtpSink::start().await;
        smtp.fail_next(2);
        invite_new_person(&app).await;
        app.worker(Some(&smtp), quick_worker())
            .drain()
            .await
            .expect("drain");
        assert_eq!(smtp.received().len(), 1, "delivered once, on the third try");
        assert_eq!(app.count("SELECT count(*) AS n FROM jobs WHERE kind = 'send_email' AND state = 'done' AND attempts = 3").await, 1);
        assert_eq!(
            app.count("SELECT count(*) AS n FROM emails WHERE state = 'sent'")
                .await,
            1
        );
    })
}

#[test]
fn without_smtp_mail_is_logged_and_shown_in_the_dev_mailbox() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = invite_new_person(&app).await;
        app.drain_jobs(None).await;
        assert_eq!(app.count("SELECT count(*) AS n FROM emails WHERE state = 'logged' AND body_text LIKE '%/invite/%'").await, 1);
        let refused = app.invoke(Some(&owner), ListEmails {}).await;
        assert!(
            matches!(refused, Err(AppError::Forbidden { .. })),
            "{refused:?}"
        );
        app.exec("UPDATE users SET is_platform_admin = true").await;
        let mails = app
            .invoke(Some(&owner), ListEmails {})
            .await
            .expect("mailbox");
        assert_eq!(mails.len(), 1);
        assert_eq!(mails[0].to, "new@example.com");
        assert_eq!(mails[0].state, "logged");
        assert!(mails[0].body.contains("/invite/"));
    })
}

async fn request_reset(app: &TestApp, email: &str) -> reqwest::StatusCode {
    app.post::<RequestPasswordReset>(None, &[("email", email)], &[])
        .await
        .0
}

#[test]
fn a_password_is_reset_through_the_mailed_link_and_every_session_ends() {
    run(async {
        let app = TestApp::spawn().await;
        let smtp = SmtpSink::start().await;
        let session = app.sign_up("Ada Owner", "ada@example.com", "Ada Org").await;
        let other_device = app
            .sign_in("ada@example.com", PASSWORD)
            .await
            .expect("sign in");

        assert!(request_reset(&app, " ADA@example.com ").await.is_success());
        app.drain_jobs(Some(&smtp)).await;
        let mails = smtp.received();
        assert_eq!(mails.len(), 1);
        let link = mails[0]
            .link(&format!("{}/reset-password/", app.base))
            .expect("reset link");
        let token = link.rsplit('/').next().expect("token").to_string();
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) AS n FROM password_resets WHERE token_hash = '{token}'"
            ))
            .await,
            0,
            "only a hash is stored"
        );
        app.invoke(
            None,
            CheckResetToken {
                token: token.clone(),
            },
        )
        .await
        .expect("the link is good");

        // A bad new password changes nothing.
        let (status, _, body) = app
            .post::<ResetPassword>(None, &[("token", &token), ("password", "short")], &[])
            .await;
        assert_eq!(status.as_u16(), 422);
        assert_field(&serde_json::from_str(&body).expect("AppError"), "password");
        assert!(
            app.sign_in("ada@example.com", PASSWORD).await.is_ok(),
            "the old password still works"
        );

        let (status, headers, _) = app
            .post::<ResetPassword>(
                None,
                &[("token", &token), ("password", "a brand new password")],
                &[],
            )
            .await;
        assert!(status.is_success(), "{status}");
        assert_eq!(
            headers.get("location").and_then(|v| v.to_str().ok()),
            Some("/sign-in?reset=1")
        );
        for old in [&session, &other_device] {
            assert_eq!(
                app.invoke(Some(old), CurrentUser {}).await.expect("me"),
                None,
                "every session ended"
            );
        }
        assert!(app.sign_in("ada@example.com", PASSWORD).await.is_err());
        assert!(app
            .sign_in("ada@example.com", "a brand new password")
            .await
            .is_ok());
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'auth.password_reset'")
                .await,
            1
        );

        // Single use.
        let (status, _, _) = app
            .post::<ResetPassword>(
                None,
                &[("token", &token), ("password", "yet another password")],
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 404);
        assert!(app.invoke(None, CheckResetToken { token }).await.is_err());
    })
}

#[test]
fn reset_requests_answer_alike_for_unknown_addresses_expire_and_are_throttled() {
    run(async {
        let app = TestApp::spawn().await;
        let smtp = SmtpSink::start().await;
        app.sign_up("Ada Owner", "ada@example.com", "Ada Org").await;
        let known = request_reset(&app, "ada@example.com").await;
        let unknown = request_reset(&app, "nobody@example.com").await;
        assert_eq!(
            known, unknown,
            "the answer does not tell which addresses have accounts"
        );
        app.drain_jobs(Some(&smtp)).await;
        assert_eq!(
            smtp.received().len(),
            1,
            "only the account holder gets mail"
        );

        // An expired link is refused.
        let link = smtp.received()[0]
            .link(&format!("{}/reset-password/", app.base))
            .expect("link");
        let token = link.rsplit('/').next().expect("token").to_string();
        app.exec("UPDATE password_resets SET expires_at = now() - interval '1 second'")
            .await;
        let (status, _, _) = app
            .post::<ResetPassword>(
                None,
                &[("token", &token), ("password", "a brand new password")],
                &[],
            )
            .await;
        assert_eq!(status.as_u16(), 404);
        assert!(app.sign_in("ada@example.com", PASSWORD).await.is_ok());

        // Three requests an hour per address, counted alike whether it has an account or not.
        for email in ["ada@example.com", "nobody@example.com"] {
            assert!(request_reset(&app, email).await.is_success());
            assert!(request_reset(&app, email).await.is_success());
            assert_eq!(request_reset(&app, email).await.as_u16(), 429, "{email}");
        }
        let (status, _, body) = app
            .post::<RequestPasswordReset>(None, &[("email", "not an address")], &[])
            .await;
        assert_eq!(status.as_u16(), 422);
        assert_field(&serde_json::from_str(&body).expect("AppError"), "email");
    })
}

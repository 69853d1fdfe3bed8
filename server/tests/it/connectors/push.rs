//! Writing back: local changes pushed, refusals recorded, owners matched both ways.

use super::*;

#[test]
fn write_back_sends_local_changes_and_records_what_salesforce_refuses() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        let ids: Vec<String> = {
            let mut org = fake.org();
            (0..3)
                .map(|n| org.insert("Lead", remote_lead(n), None))
                .collect()
        };
        sync(&app, &owner, id).await;
        for r in &ids {
            let local = lead_row(&app, r).await["id"]
                .as_str()
                .expect("id")
                .to_string();
            edit_lead(&app, &owner, &local, |l| l.status = "working".into()).await;
        }
        fake.org().refuse.insert(
            ids[1].clone(),
            (
                "FIELD_CUSTOM_VALIDATION_EXCEPTION".into(),
                "Status needs a reason".into(),
            ),
        );
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.pushed, c.failed), (2, 1), "{c:?}");
        assert_eq!(
            fake.org().field("Lead", &ids[0], "Status"),
            "Working - Contacted"
        );
        assert_eq!(
            fake.org().field("Lead", &ids[1], "Status"),
            "Open - Not Contacted"
        );
        let errors = run_errors(&app, &owner, &run).await;
        assert_eq!(errors.len(), 1);
        assert_eq!(
            (errors[0].external_id.as_str(), errors[0].direction.as_str()),
            (ids[1].as_str(), "push")
        );
        assert!(errors[0]
            .message
            .contains("FIELD_CUSTOM_VALIDATION_EXCEPTION"));
        // The refused one is tried again next time; the saved ones are not sent again.
        fake.org().refuse.clear();
        let patches = fake.calls_to("PATCH");
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!(c.pushed, 1, "{c:?}");
        assert_eq!(fake.calls_to("PATCH"), patches + 1);
        assert_eq!(
            fake.org().field("Lead", &ids[1], "Status"),
            "Working - Contacted"
        );
        // Our own write comes back as a remote change with nothing new: no update, no push.
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.updated, c.pushed), (0, 0), "{c:?}");
        assert_eq!(local_status_count(&app, "working").await, 3);
    })
}

/// The e-mail address of a synced lead's owner here ("" when unassigned).
pub(super) async fn owner_email(app: &TestApp, external_id: &str) -> String {
    let rows = app
        .rows(&format!(
            "SELECT coalesce(u.email, '') AS email FROM leads l \
             LEFT JOIN users u ON u.id = l.owner_id WHERE l.external_id = '{external_id}'"
        ))
        .await;
    rows[0]["email"].as_str().expect("email").to_string()
}

#[test]
fn owners_are_matched_with_members_by_email_both_ways_and_one_that_cannot_be_written_is_reported() {
    run(async {
        let app = TestApp::spawn().await;
        let fake = FakeSalesforce::start().await;
        let (owner, _, rep) = crate::members::team_with(&app, "manager").await;
        let id = connect(&app, &owner, &fake).await;
        // A lead already here, Olga's, that the org has under someone who is not a member.
        let olga = crate::members::me(&app, &owner).await.user_id;
        lead("Ada", "Here")
            .email("ada3@example.com")
            .company("Analytical Engines")
            .owner(olga)
            .create(&app, &owner)
            .await;
        let (rep_user, stranger, leads) = {
            let mut org = fake.org();
            let user = |email: &str, active: bool| json!({"Email": email, "Name": email, "IsActive": active});
            let olga = org.insert("User", user("Olga@Example.com", true), None);
            let rep_user = org.insert("User", user("manager@example.com", true), None);
            let stranger = org.insert("User", user("someone@elsewhere.test", true), None);
            let leads: Vec<String> = [&olga, &rep_user, &stranger, &stranger]
                .iter()
                .enumerate()
                .map(|(n, owner)| {
                    let mut fields = remote_lead(n);
                    fields["OwnerId"] = json!(owner);
                    org.insert("Lead", fields, None)
                })
                .collect();
            (rep_user, stranger, leads)
        };
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        // Matched by e-mail, case aside; a user who is not a member leaves the lead
        // unassigned here.
        assert_eq!(owner_email(&app, &leads[0]).await, "olga@example.com");
        assert_eq!(owner_email(&app, &leads[1]).await, "manager@example.com");
        assert_eq!(owner_email(&app, &leads[2]).await, "");
        // The lead already here keeps its owner, and so does the org's record: unassigned
        // here is not "no owner" there. A later change there leaves the owner alone.
        assert_eq!(owner_email(&app, &leads[3]).await, "olga@example.com");
        assert_eq!(counts(&run, SyncObject::Lead).pushed, 0);
        assert_eq!(
            fake.org().field("Lead", &leads[3], "OwnerId"),
            json!(stranger)
        );
        fake.org()
            .update("Lead", &leads[3], json!({"Title": "CFO"}));
        sync(&app, &owner, id).await;
        assert_eq!(lead_row(&app, &leads[3]).await["title"], "CFO");
        assert_eq!(owner_email(&app, &leads[3]).await, "olga@example.com");

        // Reassigned here: the new owner's user is written back; a lead unassigned here
        // cannot be (a record there needs an owner) and the run says so.
        let local = |n: usize| {
            let app = &app;
            let leads = &leads;
            async move {
                lead_row(app, &leads[n]).await["id"]
                    .as_str()
                    .expect("id")
                    .to_string()
            }
        };
        let rep_id = rep.user_id.to_string();
        edit_lead(&app, &owner, &local(0).await, |l| {
            l.owner_id = rep_id.clone()
        })
        .await;
        edit_lead(&app, &owner, &local(1).await, |l| {
            l.owner_id = String::new()
        })
        .await;
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Lead);
        assert_eq!((c.pushed, c.failed), (1, 1), "{c:?}");
        assert_eq!(
            fake.org().field("Lead", &leads[0], "OwnerId"),
            json!(rep_user)
        );
        assert_eq!(
            fake.org().field("Lead", &leads[1], "OwnerId"),
            json!(rep_user)
        );
        let errors = run_errors(&app, &owner, &run).await;
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].external_id, leads[1]);
        assert!(
            errors[0].message.starts_with("OwnerId: unassigned here"),
            "{errors:?}"
        );

        // Reassigned there: the member follows; the write-back came back as no change.
        fake.org()
            .update("Lead", &leads[2], json!({"OwnerId": rep_user}));
        let run = sync(&app, &owner, id).await;
        assert_eq!(owner_email(&app, &leads[2]).await, "manager@example.com");
        assert_eq!(owner_email(&app, &leads[0]).await, "manager@example.com");
        assert_eq!(counts(&run, SyncObject::Lead).pushed, 0);

        // An org that will not list its users: owners are left alone, other fields flow.
        fake.org()
            .script_for
            .push_back(("FROM User".into(), Scripted::Status(400, r#"[{"message":"sObject type 'User' is not supported.","errorCode":"INVALID_TYPE"}]"#.into())));
        fake.org()
            .update("Lead", &leads[0], json!({"OwnerId": null, "Title": "CTO"}));
        let run = sync(&app, &owner, id).await;
        assert_eq!(run.state, SyncState::Done, "{run:?}");
        assert_eq!(owner_email(&app, &leads[0]).await, "manager@example.com");
        assert_eq!(lead_row(&app, &leads[0]).await["title"], "CTO");
        let errors = run_errors(&app, &owner, &run).await;
        assert!(
            errors
                .iter()
                .any(|e| e.message.starts_with("owners left as they are")),
            "{errors:?}"
        );
    })
}

pub(super) async fn local_status_count(app: &TestApp, status: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) AS n FROM leads WHERE status = '{status}'"
    ))
    .await
}

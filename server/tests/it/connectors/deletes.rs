//! A synced record deleted here by hand: deleted here only (there is no delete policy that
//! pushes deletions), audited with its remote id, and not brought back by later pulls.

use super::*;
use app::api::pipeline::{DeleteOpportunity, GetBoard};
use models::OpportunityId;

#[test]
fn a_synced_deal_deleted_here_is_audited_with_its_remote_id_and_not_brought_back() {
    run(async {
        let (app, fake, owner, id) = connected().await;
        // The board makes the tenant's default stages, which the remote deal names.
        app.invoke(
            Some(&owner),
            GetBoard {
                view: String::new(),
            },
        )
        .await
        .expect("board");
        let remote = fake.org().insert(
            "Opportunity",
            json!({"Name": "Difference Engine", "Amount": 50000, "CloseDate": "2026-12-31", "StageName": "Prospecting"}),
            None,
        );
        let run = sync(&app, &owner, id).await;
        assert_eq!(counts(&run, SyncObject::Opportunity).created, 1, "{run:?}");
        let rows = app
            .rows(&format!(
                "SELECT id FROM opportunities WHERE external_id = '{remote}'"
            ))
            .await;
        let local: OpportunityId = rows[0]["id"].as_str().expect("id").parse().expect("id");

        app.invoke(Some(&owner), DeleteOpportunity { id: local })
            .await
            .expect("delete");
        let audited = app
            .rows("SELECT details FROM audit_log WHERE action = 'opportunity.deleted'")
            .await;
        assert_eq!(audited.len(), 1);
        let d = &audited[0]["details"];
        assert_eq!(d["external_source"], "salesforce", "{d}");
        assert_eq!(d["external_id"], remote.as_str(), "{d}");
        assert_eq!(d["name"], "Difference Engine", "{d}");

        // Changed there afterwards: the next pull skips it, and it still exists there.
        fake.org()
            .update("Opportunity", &remote, json!({"Amount": 60000}));
        let run = sync(&app, &owner, id).await;
        let c = counts(&run, SyncObject::Opportunity);
        assert_eq!((c.created, c.updated, c.skipped), (0, 0, 1), "{c:?}");
        assert_eq!(
            app.count("SELECT count(*) AS n FROM opportunities").await,
            0
        );
        assert!(!fake.org().find("Opportunity", &remote).deleted);
    })
}

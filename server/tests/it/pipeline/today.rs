//! The period ending now sums today from the tally, less the records that lie ahead of now:
//! exact whatever was brought in today (`dashboard/tally.rs`).

use super::*;

#[test]
fn today_summed_whole_less_what_lies_ahead_of_now_matches_the_records() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        for n in 0..6 {
            lead("Ada", &format!("L{n}")).create(&app, &owner).await;
        }
        // Two ahead of now (a clock ahead, a date typed in: still today when there is room),
        // one just inside the quarter's first day and one just outside it.
        app.exec(
            "UPDATE leads SET created_at = LEAST(now() + interval '5 minutes', \
             date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '1 day' - interval '1 second') \
             WHERE last_name IN ('L0', 'L1')",
        )
        .await;
        app.exec("UPDATE leads SET created_at = now() - interval '90 days' + interval '2 hours' WHERE last_name = 'L2'").await;
        app.exec("UPDATE leads SET created_at = now() - interval '90 days' - interval '2 hours' WHERE last_name = 'L3'").await;
        let dash = dashboard(&app, &owner, "quarter", "team")
            .await
            .expect("dashboard");
        let want = app
            .count(
                "SELECT count(*) AS n FROM leads \
                 WHERE created_at >= now() - interval '90 days' AND created_at < now()",
            )
            .await;
        assert_eq!(dash.funnel[0].value, want, "{:?}", dash.funnel);
        assert!((3..=5).contains(&want), "{want}");
    })
}

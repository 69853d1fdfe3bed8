//! Agent benchmarks (`scripts/bench-agents`): figures and ratios against baselines measured
//! in the same run. Asserts only that the work was done.

use super::local_model::{local_model, KEY};
use super::runs::{app_reaching, run_on, use_provider};
use crate::harness::{bench_env as env, p50, run, TestApp};
use crate::records::lead;
use app::api::agents::*;
use chrono::Utc;
use models::agents::form::ProspectorForm;
use sales_hunter::prospector::core::{score_lead, LeadFacts, Touch};
use std::time::Instant;

const INDUSTRIES: [&str; 6] = [
    "Fintech",
    "Software",
    "Retail",
    "Healthcare",
    "Manufacturing",
    "Logistics",
];
const TITLES: [&str; 6] = [
    "VP Sales",
    "Head of Growth",
    "Engineer",
    "CEO",
    "Sales Manager",
    "Analyst",
];
const COUNTRIES: [&str; 4] = ["Germany", "United Kingdom", "Brazil", "United States"];

#[test]
#[ignore = "a benchmark: scripts/bench-agents runs it"]
fn bench_agents() {
    run(async {
        // 1. The scoring core in memory.
        let n_core = env("AGENT_BENCH_CORE", 1_000_000);
        let cfg = sales_hunter::prospector::default_config();
        let now = Utc::now();
        let facts: Vec<LeadFacts> = (0..n_core)
            .map(|i| LeadFacts {
                title: TITLES[i % 6].into(),
                company: format!("Company {i}"),
                industry: INDUSTRIES[i % 5].into(),
                country: COUNTRIES[i % 4].into(),
                employee_count: Some((i % 9000) as i32),
                custom: serde_json::json!({}),
            })
            .collect();
        let touches = [Touch {
            kind: "call".into(),
            at: now - chrono::Duration::days(3),
            text: "asked about pricing".into(),
        }];
        let began = Instant::now();
        let mut total: i64 = 0;
        for (i, f) in facts.iter().enumerate() {
            let t = if i % 4 == 0 { &touches[..] } else { &[][..] };
            total += i64::from(score_lead(&cfg, f, t, now).score);
        }
        let core = began.elapsed();
        assert!(total > 0);
        println!(
            "scoring core: {n_core} leads in {core:.2?} ({:.2} µs a lead, {:.0} leads/s)",
            core.as_secs_f64() * 1e6 / n_core as f64,
            n_core as f64 / core.as_secs_f64()
        );

        // 2. The bulk rescore through the job against a bare UPDATE … FROM (VALUES …).
        let n = env("AGENT_BENCH_LEADS", 100_000);
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        app.exec(&format!(
            "INSERT INTO leads (tenant_id, id, first_name, last_name, email, title, company, industry, country, employee_count) \
             SELECT (SELECT id FROM tenants WHERE name = 'Olga Org'), gen_random_uuid(), 'Lead', 'No ' || i, 'l' || i || '@x.io', \
                    (ARRAY['VP Sales','Head of Growth','Engineer','CEO','Sales Manager','Analyst'])[1 + i % 6], 'Company ' || i, \
                    (ARRAY['Fintech','Software','Retail','Healthcare','Manufacturing'])[1 + i % 5], \
                    (ARRAY['Germany','United Kingdom','Brazil','United States'])[1 + i % 4], i % 9000 \
             FROM generate_series(1, {n}) i"
        ))
        .await;
        app.exec("ANALYZE leads").await;
        let page = app
            .invoke(Some(&owner), GetProspector {})
            .await
            .expect("page");
        let form = ProspectorForm {
            regions: "Germany, United Kingdom".into(),
            ..ProspectorForm::from_config(&page.config)
        };
        app.invoke(Some(&owner), SaveProspector { form })
            .await
            .expect("save");
        let began = Instant::now();
        app.drain_jobs(None).await;
        let ours = began.elapsed();
        assert_eq!(
            app.count("SELECT count(*) AS n FROM leads WHERE score_breakdown <> '[]'::jsonb")
                .await,
            n as i64
        );
        let rows = app
            .rows("SELECT id::text AS id, score, score_breakdown::text AS b FROM leads ORDER BY id")
            .await;
        app.exec("UPDATE leads SET score = 0, score_breakdown = '[]'")
            .await;
        let quote = |s: &str| s.replace('\'', "''");
        let began = Instant::now();
        for batch in rows.chunks(2000) {
            let values: Vec<String> = batch
                .iter()
                .map(|r| {
                    format!(
                        "('{}'::uuid, {}::smallint, '{}'::jsonb)",
                        r["id"].as_str().unwrap_or_default(),
                        r["score"],
                        quote(r["b"].as_str().unwrap_or("[]"))
                    )
                })
                .collect();
            app.exec(&format!(
                "UPDATE leads t SET score = v.s, score_breakdown = v.b FROM (VALUES {}) AS v(id, s, b) WHERE t.id = v.id",
                values.join(", ")
            ))
            .await;
        }
        let bare = began.elapsed();
        println!(
            "bulk rescore: {n} leads in {ours:.2?} through the job ({:.0} leads/s); the bare UPDATE … FROM (VALUES …) of the same scores {bare:.2?}; ours runs at {:.2}× its speed",
            n as f64 / ours.as_secs_f64(),
            bare.as_secs_f64() / ours.as_secs_f64()
        );

        // 3. One run with the built-in provider through the server, against reading the lead.
        let ada = lead("Ada", "Lovelace")
            .title("VP Sales")
            .industry("Fintech")
            .create(&app, &owner)
            .await;
        let mut runs = Vec::new();
        let mut reads = Vec::new();
        for _ in 0..60 {
            let t = Instant::now();
            run_on(&app, &owner, ada.id).await.expect("run");
            runs.push(t.elapsed());
            let t = Instant::now();
            app.invoke(Some(&owner), app::api::leads::GetLead { id: ada.id })
                .await
                .expect("lead");
            reads.push(t.elapsed());
        }
        let (run_p50, read_p50) = (p50(runs), p50(reads));
        println!(
            "built-in run through the server: p50 {run_p50:.2?} (the lead page's read: p50 {read_p50:.2?}; {:.2}×)",
            run_p50.as_secs_f64() / read_p50.as_secs_f64()
        );
    })
}

#[test]
#[ignore = "a benchmark: scripts/bench-agents runs it"]
fn bench_local_model_overhead() {
    run(async {
        let model = local_model();
        let app = app_reaching(model.port).await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let ada = lead("Ada", "Lovelace")
            .title("VP Sales")
            .industry("Fintech")
            .create(&app, &owner)
            .await;
        use_provider(&app, &owner, "openai", &model.base_url, "smollm2").await;
        app.invoke(
            Some(&owner),
            SaveProviderKey {
                provider: "openai".into(),
                base_url: model.base_url.clone(),
                key: KEY.into(),
            },
        )
        .await
        .expect("key");
        let first = run_on(&app, &owner, ada.id).await.expect("run");
        let detail = app
            .invoke(Some(&owner), GetAgentRun { id: first.id })
            .await
            .expect("detail");
        // The same request, straight to the model server.
        let system = detail
            .prompt
            .split("\n\n[user]\n")
            .next()
            .unwrap_or_default()
            .trim_start_matches("[system]\n")
            .to_string();
        let user = detail
            .prompt
            .split("\n\n[user]\n")
            .nth(1)
            .unwrap_or_default()
            .trim_end()
            .to_string();
        let body = serde_json::json!({
            "model": "smollm2", "temperature": 0.0, "max_tokens": 48, "stream": false,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        });
        let client = reqwest::Client::new();
        let (mut ours, mut direct) = (Vec::new(), Vec::new());
        for _ in 0..env("AGENT_BENCH_MODEL_RUNS", 15) {
            let t = Instant::now();
            let r = run_on(&app, &owner, ada.id).await.expect("run");
            assert_eq!(r.status, models::agents::run::RunStatus::Succeeded);
            ours.push(t.elapsed());
            let t = Instant::now();
            let answer = client
                .post(format!("{}chat/completions", model.base_url))
                .bearer_auth(KEY)
                .json(&body)
                .send()
                .await
                .expect("direct");
            assert!(answer.status().is_success());
            answer.bytes().await.expect("body");
            direct.push(t.elapsed());
        }
        let (ours, direct) = (p50(ours), p50(direct));
        println!(
            "a run with the local model: p50 {ours:.2?} through the server; the same request straight to the model p50 {direct:.2?}; our overhead {:+.1}%",
            (ours.as_secs_f64() / direct.as_secs_f64() - 1.0) * 100.0
        );
    })
}

#[test]
#[ignore = "a benchmark: scripts/bench-agents runs it"]
fn bench_pipeline_analyst() {
    run(async {
        // The Pipeline Analyst's page reads every deal with its history on each visit; a
        // deal's page judges its stall from the kept limits. Both over DEALS deals.
        let n = env("AGENT_BENCH_DEALS", 20_000);
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant: models::TenantId =
            serde_json::from_value(app.rows("SELECT id FROM tenants").await[0]["id"].clone())
                .expect("tenant");
        sales_hunter::seed::seed_volume(
            &app.db,
            tenant,
            (0, n),
            sales_hunter::seed::Created::Spread,
            |_, _| {},
        )
        .await
        .expect("deals");
        let id: models::OpportunityId = serde_json::from_value(
            app.rows("SELECT id FROM opportunities WHERE closed_at IS NULL LIMIT 1")
                .await[0]["id"]
                .clone(),
        )
        .expect("an open deal");
        let deal_page = || app.invoke(Some(&owner), app::api::pipeline::GetOpportunity { id });
        deal_page().await.expect("deal page");
        let began = Instant::now();
        app.drain_jobs(None).await;
        let refresh = began.elapsed();
        let mut report = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            app.invoke(Some(&owner), GetPipelineAnalyst {})
                .await
                .expect("report");
            report.push(t.elapsed());
        }
        let mut deal = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            deal_page().await.expect("deal page");
            deal.push(t.elapsed());
        }
        let (report, deal) = (p50(report), p50(deal));
        println!(
            "pipeline analyst: {n} deals; its page p50 {report:.2?}; a deal's page with its risks p50 {deal:.2?} ({:.1}× faster); the stall limits' refresh job {refresh:.2?}",
            report.as_secs_f64() / deal.as_secs_f64()
        );
    })
}

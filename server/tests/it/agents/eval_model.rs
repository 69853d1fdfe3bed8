//! The Qualifier's model path against the labelled notes: each note on a lead of its own,
//! the Qualifier pointed at a model, a bulk run over the leads through the real runtime and
//! worker (schema, quote checks, one retry), and the model's stated criteria scored as the
//! rules are.
//! An evaluation, not a test: `scripts/eval-agents --model` runs it and prints the figures.
//!
//! The model: `EVAL_MODEL_URL` (an OpenAI-compatible base URL, with `EVAL_MODEL` and
//! `EVAL_MODEL_KEY`), else the local SmolLM2 the tests use.

use super::local_model::{local_model, KEY};
use crate::harness::{run, Options, TestApp};
use crate::records::lead;
use app::api::agents::{SaveAgentConfig, SaveProviderKey, StartBulkRun};
use models::agents::qualifier::CriterionState;
use models::agents::run::RunStatus;
use sales_hunter::qualifier::eval::{labelled_notes, pair_up, report, set_text};
use serde_json::json;

#[test]
#[ignore = "an evaluation: scripts/eval-agents --model runs it"]
fn qualifier_model_path() {
    run(async {
        let (base_url, model, key) = match std::env::var("EVAL_MODEL_URL") {
            Ok(url) if !url.is_empty() => (
                url,
                std::env::var("EVAL_MODEL").unwrap_or_default(),
                std::env::var("EVAL_MODEL_KEY").unwrap_or_default(),
            ),
            _ => {
                let local = local_model();
                (local.base_url.clone(), "smollm2-135m".into(), KEY.into())
            }
        };
        let host = reqwest::Url::parse(&base_url).expect("EVAL_MODEL_URL is a URL");
        let app = TestApp::spawn_with(Options {
            llm_allowed_hosts: Some(format!(
                "{}:{}",
                host.host_str().unwrap_or_default(),
                host.port_or_known_default().unwrap_or(443)
            )),
            ..Options::default()
        })
        .await;
        let owner = app.sign_up("Eve Eval", "eve@example.com", "Eval Org").await;
        let mut config =
            serde_json::to_value(sales_hunter::qualifier::default_config()).expect("config");
        config["common"]["model"] = json!({"provider": "openai", "base_url": base_url,
            "model": model, "temperature": 0.0, "max_tokens": 400});
        app.invoke_json(
            Some(&owner),
            SaveAgentConfig {
                agent: "qualifier".into(),
                config: config.to_string(),
                note: "evaluation".into(),
            },
        )
        .await
        .expect("point the Qualifier at the model");
        if !key.is_empty() {
            app.invoke(
                Some(&owner),
                SaveProviderKey {
                    provider: "openai".into(),
                    base_url: base_url.clone(),
                    key,
                },
            )
            .await
            .expect("the key");
        }

        let set = labelled_notes(&set_text().expect("the set")).expect("the set reads");
        let mut leads = Vec::new();
        for (i, (note, _)) in set.iter().enumerate() {
            let l = lead("Note", &format!("{}", i + 1))
                .create(&app, &owner)
                .await;
            super::qualifier::note(&app, &owner, "lead", &l.id.to_string(), note).await;
            leads.push(l.id);
        }
        // One bulk run through the worker: a slow model is not held to a request's timeout.
        app.invoke(
            Some(&owner),
            StartBulkRun {
                agent: "qualifier".into(),
                scope: "open_leads".into(),
            },
        )
        .await
        .expect("start the bulk run");
        app.drain_jobs(None).await;
        let runs = app
            .rows("SELECT subject_id, status, output, error FROM agent_runs WHERE trigger = 'bulk'")
            .await;
        let (mut rows, mut failed) = (Vec::new(), 0);
        let mut why: std::collections::BTreeMap<String, usize> = Default::default();
        for (id, (_, labels)) in leads.iter().zip(&set) {
            let run = runs
                .iter()
                .find(|r| r["subject_id"] == json!(id.0))
                .expect("every note was read");
            // A run whose answers were refused twice stated nothing: all unknown.
            if run["status"] != RunStatus::Succeeded.as_str() {
                failed += 1;
                let error = run["error"].as_str().unwrap_or_default();
                *why.entry(error.chars().take(110).collect()).or_default() += 1;
            }
            let stated = &run["output"];
            rows.push(pair_up(labels, |c| {
                stated["criteria"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|f| f["criterion"] == c.as_str())
                    .and_then(|f| f["state"].as_str())
                    .and_then(CriterionState::parse)
                    .unwrap_or(CriterionState::Unknown)
            }));
        }
        println!("{}", report(&rows, &format!("model {model} at {base_url}")));
        println!(
            "runs failed (answers refused twice): {failed} of {}",
            set.len()
        );
        for (error, n) in why {
            println!("  {n} × {error}");
        }
    })
}

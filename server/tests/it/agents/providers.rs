//! The LLM providers over real HTTP: both API paths against a real model (llama.cpp's
//! server with SmolLM2), and against the fake for the failures a real server will not
//! produce on demand. Answers are checked for their shape, not their wording.

use super::fake_llm::{anthropic_error, openai_error, FakeLlm, Scripted, ANSWER};
use super::local_model::{local_model, KEY};
use crate::harness::run;
use llm::{
    ChatRequest, EgressPolicy, HttpSettings, LlmProvider, Message, OutputSchema, ProviderError,
    ProviderRegistry, ProviderTarget, Role,
};
use serde_json::{json, Value};
use std::sync::Mutex;
use std::time::{Duration, Instant};

fn request(max_tokens: u32) -> ChatRequest {
    ChatRequest {
        model: "smollm2".into(),
        system: "You are a terse assistant.".into(),
        messages: vec![Message {
            role: Role::User,
            content: "Say hello to a sales team.".into(),
        }],
        temperature: 0.0,
        max_tokens,
        output: None,
        builtin_answer: "The built-in answer.".into(),
    }
}

fn quick() -> HttpSettings {
    HttpSettings {
        backoff: Duration::from_millis(50),
        ..HttpSettings::default()
    }
}

async fn open(
    kind: &str,
    port: u16,
    base_url: &str,
    key: &str,
    http: HttpSettings,
) -> Result<Box<dyn LlmProvider>, ProviderError> {
    ProviderRegistry::standard()
        .open(
            kind,
            ProviderTarget {
                base_url: base_url.to_string(),
                api_key: key.to_string(),
                policy: EgressPolicy::parse(&format!("127.0.0.1:{port}")).expect("policy"),
                http,
            },
        )
        .await
}

async fn provider(kind: &str, port: u16, base_url: &str) -> Box<dyn LlmProvider> {
    open(kind, port, base_url, KEY, quick())
        .await
        .expect("provider")
}

/// Completes with streaming and returns (completion, the pieces the sink saw).
async fn streamed(
    p: &dyn LlmProvider,
    req: &ChatRequest,
) -> Result<(llm::Completion, Vec<String>), ProviderError> {
    let pieces = Mutex::new(Vec::new());
    let sink = |t: &str| pieces.lock().expect("pieces").push(t.to_string());
    let done = p.complete(req, Some(&sink)).await?;
    Ok((done, pieces.into_inner().expect("pieces")))
}

#[test]
fn openai_path_against_the_local_model() {
    run(async {
        let model = local_model();
        let p = provider("openai", model.port, &model.base_url).await;
        let done = p.complete(&request(16), None).await.expect("answer");
        assert!(!done.text.trim().is_empty(), "{done:?}");
        assert!(
            done.tokens_in > 5 && done.tokens_out > 0 && done.tokens_out <= 16,
            "{done:?}"
        );
        assert!(
            ["stop", "length"].contains(&done.finish.as_str()),
            "{done:?}"
        );

        let (done, pieces) = streamed(p.as_ref(), &request(16)).await.expect("stream");
        assert!(pieces.len() > 1, "the text arrives in pieces: {pieces:?}");
        assert_eq!(
            pieces.concat(),
            done.text,
            "the sink saw exactly the answer"
        );
        assert!(
            done.tokens_in > 5 && done.tokens_out > 0,
            "usage from the last chunk: {done:?}"
        );

        // JSON-schema output: the server constrains the answer to the schema.
        let mut req = request(60);
        req.messages[0].content = "Grade this lead: a VP of Sales at a 500-person fintech.".into();
        req.output = Some(OutputSchema {
            name: "grade",
            schema: json!({
                "type": "object",
                "properties": {"grade": {"type": "string", "enum": ["A", "B", "C", "D"]}},
                "required": ["grade"],
                "additionalProperties": false
            }),
        });
        let done = p.complete(&req, None).await.expect("answer");
        let v: Value = serde_json::from_str(&done.text).expect("the answer is JSON");
        assert!(
            ["A", "B", "C", "D"].contains(&v["grade"].as_str().unwrap_or("?")),
            "{v}"
        );
    })
}

#[test]
fn anthropic_path_against_the_local_model() {
    run(async {
        let model = local_model();
        let p = provider("anthropic", model.port, &model.base_url).await;
        let done = p.complete(&request(16), None).await.expect("answer");
        assert!(!done.text.trim().is_empty(), "{done:?}");
        assert!(
            done.tokens_in > 5 && done.tokens_out > 0 && done.tokens_out <= 16,
            "{done:?}"
        );
        assert!(
            ["end_turn", "max_tokens"].contains(&done.finish.as_str()),
            "{done:?}"
        );

        let (done, pieces) = streamed(p.as_ref(), &request(16)).await.expect("stream");
        assert!(pieces.len() > 1, "{pieces:?}");
        assert_eq!(pieces.concat(), done.text);
        assert!(done.tokens_in > 5 && done.tokens_out > 0, "{done:?}");
    })
}

#[test]
fn the_local_model_refuses_a_wrong_key_and_a_slow_answer_times_out() {
    run(async {
        let model = local_model();
        for kind in ["openai", "anthropic"] {
            let p = open(kind, model.port, &model.base_url, "wrong-key", quick())
                .await
                .expect("provider");
            let err = p.complete(&request(8), None).await.expect_err("refused");
            assert!(
                matches!(err, ProviderError::Unauthorized(_)),
                "{kind}: {err:?}"
            );
        }
        let impatient = HttpSettings {
            first_byte_timeout: Duration::from_millis(1),
            max_attempts: 1,
            ..quick()
        };
        let p = open("openai", model.port, &model.base_url, KEY, impatient)
            .await
            .expect("provider");
        let err = p.complete(&request(64), None).await.expect_err("too slow");
        assert!(matches!(err, ProviderError::Timeout(_)), "{err:?}");
    })
}

#[test]
fn rate_limits_and_server_errors_are_retried_as_the_provider_says() {
    run(async {
        let fake = FakeLlm::start().await;
        let p = provider("openai", fake.port, &fake.base_url).await;
        fake.script([Scripted::Status(
            429,
            vec![("retry-after", "1".into())],
            openai_error("Rate limit reached", "requests"),
        )]);
        let started = Instant::now();
        let done = p.complete(&request(8), None).await.expect("after the wait");
        assert_eq!(done.text, ANSWER);
        assert!(
            started.elapsed() >= Duration::from_secs(1),
            "waited as told"
        );
        assert_eq!(fake.calls(), 2);

        fake.script([
            Scripted::Status(503, vec![], "upstream down".into()),
            Scripted::Status(
                500,
                vec![],
                openai_error("The server had an error", "server_error"),
            ),
        ]);
        assert_eq!(
            p.complete(&request(8), None)
                .await
                .expect("third time")
                .text,
            ANSWER
        );
        assert_eq!(fake.calls(), 5);

        // A wait longer than we would hold a run for: the error at once, no second call.
        fake.script([Scripted::Status(
            429,
            vec![("retry-after", "3600".into())],
            openai_error("Slow down", "tokens"),
        )]);
        let err = p
            .complete(&request(8), None)
            .await
            .expect_err("not waited for");
        assert!(
            matches!(&err, ProviderError::RateLimited { message, .. } if message == "Slow down"),
            "{err:?}"
        );
        assert_eq!(fake.calls(), 6);

        // A refused request is not retried.
        fake.script([Scripted::Status(
            400,
            vec![],
            openai_error("Invalid schema", "invalid_request_error"),
        )]);
        let err = p.complete(&request(8), None).await.expect_err("refused");
        assert_eq!(
            err,
            ProviderError::Rejected {
                status: 400,
                message: "Invalid schema".into()
            }
        );
        assert_eq!(fake.calls(), 7);
    })
}

#[test]
fn anthropic_overload_gives_up_after_three_attempts_with_its_message() {
    run(async {
        let fake = FakeLlm::start().await;
        let p = provider("anthropic", fake.port, &fake.base_url).await;
        let overloaded = || {
            Scripted::Status(
                529,
                vec![],
                anthropic_error("overloaded_error", "Overloaded"),
            )
        };
        fake.script([overloaded(), overloaded(), overloaded(), overloaded()]);
        let err = p.complete(&request(8), None).await.expect_err("overloaded");
        assert!(
            matches!(&err, ProviderError::Overloaded { message, .. } if message == "Overloaded"),
            "{err:?}"
        );
        assert_eq!(fake.calls(), 3);
        // The request carried the key and version headers' companion body fields.
        let body = fake.last_body();
        assert_eq!(body["max_tokens"], 8);
        assert_eq!(body["messages"][0]["role"], "user");

        // An error inside a 200 stream.
        fake.script([Scripted::Stream(vec![
            ("message_start", json!({"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 3}}}).to_string()),
            ("error", anthropic_error("overloaded_error", "Overloaded")),
        ])]);
        let err = streamed(p.as_ref(), &request(8))
            .await
            .expect_err("error event");
        assert!(matches!(err, ProviderError::Overloaded { .. }), "{err:?}");

        // The unscripted stream reads whole, with its usage.
        let (done, pieces) = streamed(p.as_ref(), &request(8)).await.expect("stream");
        assert_eq!(
            (done.text.as_str(), done.tokens_in, done.tokens_out),
            (ANSWER, 12, 4)
        );
        assert_eq!(pieces.concat(), ANSWER);
    })
}

#[test]
fn malformed_answers_and_cut_streams_are_errors_not_empty_results() {
    run(async {
        let fake = FakeLlm::start().await;
        let p = provider("openai", fake.port, &fake.base_url).await;
        fake.script([Scripted::Body("{\"choices\": [".into())]);
        let err = p.complete(&request(8), None).await.expect_err("malformed");
        assert!(matches!(err, ProviderError::Malformed(_)), "{err:?}");
        fake.script([Scripted::Body(json!({"choices": []}).to_string())]);
        assert!(matches!(
            p.complete(&request(8), None).await,
            Err(ProviderError::Malformed(_))
        ));

        // The stream stops after a piece of text, with no finish and no [DONE].
        fake.script([Scripted::Stream(vec![(
            "",
            json!({"choices": [{"index": 0, "delta": {"content": "Hel"}, "finish_reason": null}]})
                .to_string(),
        )])]);
        let err = streamed(p.as_ref(), &request(8))
            .await
            .expect_err("cut short");
        assert!(matches!(err, ProviderError::Malformed(_)), "{err:?}");

        let a = provider("anthropic", fake.port, &fake.base_url).await;
        fake.script([Scripted::Body("<html>Bad gateway</html>".into())]);
        assert!(matches!(
            a.complete(&request(8), None).await,
            Err(ProviderError::Malformed(_))
        ));
    })
}

#[test]
fn a_slow_first_byte_times_out_and_is_retried() {
    run(async {
        let fake = FakeLlm::start().await;
        let patient_once = HttpSettings {
            first_byte_timeout: Duration::from_millis(300),
            max_attempts: 2,
            ..quick()
        };
        let p = open("openai", fake.port, &fake.base_url, KEY, patient_once)
            .await
            .expect("provider");
        fake.script([Scripted::Delay(Duration::from_secs(2))]);
        assert_eq!(
            p.complete(&request(8), None)
                .await
                .expect("second attempt")
                .text,
            ANSWER
        );
        fake.script([
            Scripted::Delay(Duration::from_secs(2)),
            Scripted::Delay(Duration::from_secs(2)),
        ]);
        let err = p
            .complete(&request(8), None)
            .await
            .expect_err("timed out twice");
        assert_eq!(err, ProviderError::Timeout(Duration::from_millis(300)));
    })
}

#[test]
fn a_provider_cannot_be_pointed_at_a_host_the_operator_did_not_allow() {
    run(async {
        let model = local_model();
        for (base, policy) in [
            (model.base_url.clone(), EgressPolicy::default()),
            (
                "http://127.0.0.1:5432/".to_string(),
                EgressPolicy::parse(&format!("127.0.0.1:{}", model.port)).expect("policy"),
            ),
            (
                "http://169.254.169.254/latest/".to_string(),
                EgressPolicy::parse("169.254.169.254").expect("policy"),
            ),
        ] {
            let refused = ProviderRegistry::standard()
                .open(
                    "openai",
                    ProviderTarget {
                        base_url: base.clone(),
                        api_key: KEY.into(),
                        policy,
                        http: quick(),
                    },
                )
                .await;
            assert!(
                matches!(refused, Err(ProviderError::HostRefused(_))),
                "{base}"
            );
        }
    })
}

#[test]
fn the_builtin_provider_answers_offline_and_streams_its_words() {
    run(async {
        let p = ProviderRegistry::standard()
            .open(
                "builtin",
                ProviderTarget {
                    base_url: String::new(),
                    api_key: String::new(),
                    policy: EgressPolicy::default(),
                    http: quick(),
                },
            )
            .await
            .expect("builtin");
        let (done, pieces) = streamed(p.as_ref(), &request(8)).await.expect("answer");
        assert_eq!(done.text, "The built-in answer.");
        assert_eq!(pieces, vec!["The ", "built-in ", "answer."]);
        assert_eq!((done.tokens_in, done.tokens_out), (0, 0));
    })
}

//! The real local model (llama.cpp's server with SmolLM2-135M, installed by `scripts/test`
//! into `LLM_HOME`), started once per test process on a free port. The server exits with
//! the process that started it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

pub const KEY: &str = "local-model-test-key";

pub struct LocalModel {
    /// `http://127.0.0.1:<port>/v1/`
    pub base_url: String,
    pub port: u16,
    /// Held for the life of the process (the server also exits when it ends).
    _server: std::process::Child,
}

fn llm_home() -> String {
    if let Ok(home) = std::env::var("LLM_HOME") {
        return home;
    }
    // The test binary is <target>/debug/deps/it-…; the model is cached in <target>/llm.
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe
        .ancestors()
        .nth(3)
        .expect("the target directory above the test binary");
    target.join("llm").to_string_lossy().into_owned()
}

pub fn local_model() -> &'static LocalModel {
    static MODEL: OnceLock<LocalModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let home = llm_home();
        assert!(
            std::path::Path::new(&home).join("smollm2").is_dir(),
            "the local model is not installed in {home}: run scripts/test, which installs it \
             (or `source scripts/lib.sh; ensure_llm`) and sets LLM_HOME"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/llm-server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(&home)
            .arg(port.to_string())
            .arg(KEY)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the local model server");
        let stdout = child.stdout.take().expect("its stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the server's first line");
        assert!(
            line.starts_with("listening"),
            "the local model server did not start: {line:?}"
        );
        LocalModel {
            base_url: format!("http://127.0.0.1:{port}/v1/"),
            port,
            _server: child,
        }
    })
}

//! localstripe (installed by `scripts/test` into `LOCALSTRIPE_HOME`), started once per test
//! process on a free port. It is stopped when the test process ends: its shell waits on a
//! pipe this process holds, and kills it when the pipe closes.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct LocalStripe {
    /// `http://127.0.0.1:<port>`
    pub url: String,
    /// Its shell, holding the pipe whose end stops it.
    _shell: Child,
}

fn home() -> String {
    if let Ok(home) = std::env::var("LOCALSTRIPE_HOME") {
        return home;
    }
    // The test binary is <target>/debug/deps/it-…; localstripe is kept in <target>/localstripe.
    let exe = std::env::current_exe().expect("test binary path");
    let target = exe.ancestors().nth(3).expect("the target directory");
    target.join("localstripe").to_string_lossy().into_owned()
}

pub fn localstripe() -> &'static LocalStripe {
    static STRIPE: OnceLock<LocalStripe> = OnceLock::new();
    STRIPE.get_or_init(|| {
        let home = home();
        assert!(
            std::path::Path::new(&home).join("localstripe").is_dir(),
            "localstripe is not installed in {home}: run scripts/test, which installs it \
             (or `source scripts/lib.sh; ensure_localstripe`) and sets LOCALSTRIPE_HOME"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "PYTHONPATH='{home}' python3 -m localstripe --port {port} --from-scratch \
                 >/dev/null 2>&1 & pid=$!; echo started; read _; kill $pid"
            ))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start localstripe");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("the shell's first line");
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "localstripe did not listen on {port} within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        LocalStripe {
            url: format!("http://127.0.0.1:{port}"),
            _shell: child,
        }
    })
}

//! Test harness: a fresh PostgreSQL database per test, cloned from a template migrated once,
//! the real router served over real HTTP on an ephemeral port, the worker on demand, and an
//! SMTP sink that speaks enough SMTP for lettre.

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use leptos::server_fn::ServerFn;
use models::AppError;
use platform::db::url::{quote_ident, PgUrl};
use platform::db::{LoginUrls, DEFAULT_LOGIN_ROLE, DEFAULT_PLATFORM_LOGIN_ROLE};
use platform::jobs::{Worker, WorkerOptions};
use platform::mail::Mailer;
use platform::migrate::{ensure_login_roles, run_migrations};
use platform::Db;
use serde::de::DeserializeOwned;
use serde::Serialize;
use server::{build_router, Config, ServerState};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::sync::OnceCell;

/// The key tests seal connector credentials with.
pub const TEST_CONNECTOR_KEY: &str =
    "5e1e5f0c3a7b9d2e4f6a8c0b1d3e5f7a9c1e3b5d7f9a2c4e6b8d0f1a3c5e7b9d";

/// One runtime for every test in the process, as in production. Leptos initialises
/// process-wide state (its task executor) once; with a runtime per test, that state outlives
/// the first test's runtime and later page renders wait forever.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime")
});

/// Runs a test body on the shared runtime: `#[test] fn t() { run(async { ... }) }`.
pub fn run<F: std::future::Future<Output = ()>>(test: F) {
    RUNTIME.block_on(test)
}

/// The owner's URL (DATABASE_URL), on the server's maintenance database.
fn owner_admin_url() -> PgUrl {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    PgUrl::parse(&url).expect("DATABASE_URL").admin()
}

fn owner_url(db: &str) -> PgUrl {
    owner_admin_url().with_database(db)
}

/// The server's tenant pool login role on `db`, as `server migrate` creates it.
fn app_url(db: &str) -> PgUrl {
    owner_url(db).with_user(DEFAULT_LOGIN_ROLE, None)
}

/// The server's platform pool login role on `db`, as `server migrate` creates it.
fn platform_url(db: &str) -> PgUrl {
    owner_url(db).with_user(DEFAULT_PLATFORM_LOGIN_ROLE, None)
}

#[derive(diesel::QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// The template's name changes with the migrations, so a stale one is never used.
fn template_name() -> String {
    let mut hash: u64 = 0xcbf29ce484222325;
    for m in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations"))
        .map(|d| {
            let mut v: Vec<_> = d.filter_map(Result::ok).map(|e| e.path()).collect();
            v.sort();
            v
        })
        .unwrap_or_default()
    {
        for f in ["up.sql", "down.sql"] {
            for b in std::fs::read(m.join(f)).unwrap_or_default() {
                hash = (hash ^ u64::from(b)).wrapping_mul(0x100000001b3);
            }
        }
    }
    format!("sh_tpl_{:012x}", hash & 0xffff_ffff_ffff)
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

async fn connect(url: &PgUrl) -> AsyncPgConnection {
    AsyncPgConnection::establish(&url.to_string())
        .await
        .expect("connect (is PostgreSQL running? set DATABASE_URL)")
}

async fn exec(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Creates the migrated template once per process (and once per machine, under an advisory
/// lock, across processes), and the login role the server uses.
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut conn = connect(&owner_admin_url()).await;
            exec(&mut conn, "SELECT pg_advisory_lock(727274)").await;
            let exists: Vec<Name> =
                diesel::sql_query("SELECT datname AS name FROM pg_database WHERE datname = $1")
                    .bind::<Text, _>(&name)
                    .load(&mut conn)
                    .await
                    .expect("look up template");
            if exists.is_empty() {
                let building = format!("{name}_building");
                exec(
                    &mut conn,
                    &format!("DROP DATABASE IF EXISTS {}", quote_ident(&building)),
                )
                .await;
                exec(
                    &mut conn,
                    &format!("CREATE DATABASE {}", quote_ident(&building)),
                )
                .await;
                run_migrations(&owner_url(&building))
                    .await
                    .expect("migrate the template");
                exec(
                    &mut conn,
                    &format!(
                        "ALTER DATABASE {} RENAME TO {}",
                        quote_ident(&building),
                        quote_ident(&name)
                    ),
                )
                .await;
            }
            ensure_login_roles(&owner_url(&name), &app_url(&name), &platform_url(&name))
                .await
                .expect("login roles");
            drop_stale_test_databases(&mut conn).await;
            exec(&mut conn, "SELECT pg_advisory_unlock(727274)").await;
            name
        })
        .await
        .clone()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Databases of test processes that were killed (so never dropped theirs) over an hour ago.
async fn drop_stale_test_databases(conn: &mut AsyncPgConnection) {
    let names: Vec<Name> =
        diesel::sql_query("SELECT datname AS name FROM pg_database WHERE datname LIKE 'sh_test_%'")
            .load(conn)
            .await
            .unwrap_or_default();
    let cutoff = now_secs().saturating_sub(3600);
    for n in names {
        let born: u64 = n
            .name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(u64::MAX);
        if born < cutoff {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&n.name)
            ))
            .execute(conn)
            .await;
        }
    }
}

pub struct TestApp {
    pub base: String,
    /// The pool the server uses: the login role, switching to the tenant or platform role.
    pub db: Db,
    pub http: reqwest::Client,
    pub config: Config,
    db_name: String,
    server: tokio::task::JoinHandle<()>,
}

/// Drops the test's database when the test ends, passed or failed.
impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        let url = owner_admin_url();
        let name = self.db_name.clone();
        // Drop runs inside the shared runtime: the cleanup gets a thread and runtime of its own.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = AsyncPgConnection::establish(&url.to_string()).await {
                    let _ = diesel::sql_query(format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        quote_ident(&name)
                    ))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
    }
}

#[derive(Default)]
pub struct Options {
    pub trust_proxy: bool,
    pub public_url: Option<String>,
    /// Serve with a pool that reaches no database (nothing listens on port 1).
    pub database_down: bool,
    /// `LLM_ALLOWED_HOSTS` (a fake or the local model on loopback: `127.0.0.1:<port>`).
    pub llm_allowed_hosts: Option<String>,
    /// Stripe's keys and API (a fixture's secret, or localstripe).
    pub stripe: Option<billing::stripe::StripeConfig>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let template = template().await;
        let db_name = format!("sh_test_{}_{}", now_secs(), uuid::Uuid::new_v4().simple());
        let mut conn = connect(&owner_admin_url()).await;
        exec(
            &mut conn,
            &format!(
                "CREATE DATABASE {} TEMPLATE {}",
                quote_ident(&db_name),
                quote_ident(&template)
            ),
        )
        .await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let mut config = Config::for_database(owner_url(&db_name), app_url(&db_name), addr);
        config.trust_proxy = options.trust_proxy;
        config.connector_key = Some(TEST_CONNECTOR_KEY.into());
        config.salesforce = salesforce::Options {
            timeout: Duration::from_secs(2),
            retries: 4,
            backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
        };
        if let Some(url) = options.public_url {
            config.public_url = url;
        }
        if let Some(hosts) = options.llm_allowed_hosts {
            config.llm_allowed_hosts = hosts;
        }
        config.stripe = options.stripe;
        let (tenant, platform) = if options.database_down {
            let down = "postgres://sales_hunter_app@127.0.0.1:1/unreachable".to_string();
            (down.clone(), down)
        } else {
            (
                config.app_database_url.to_string(),
                config.platform_database_url.to_string(),
            )
        };
        let urls = LoginUrls {
            tenant: &tenant,
            platform: &platform,
        };
        // Long enough for fifty requests at once to queue for four connections on a loaded CI
        // machine (the server itself waits 5 s); a refused connection still fails at once.
        let db = Db::connect(urls, 4, Duration::from_secs(15)).expect("pools");
        let hub = server::connectors::hub(&config).expect("connectors");
        let router = build_router(ServerState::new(&config, db.clone(), hub));
        let server = tokio::spawn(server::listen::serve(
            listener,
            router,
            Duration::from_secs(1),
            std::future::pending(),
        ));
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            db,
            http,
            config,
            db_name,
            server,
        }
    }

    /// A worker with every job type of the server, quick to retry, mailing to `smtp`
    /// (or logging mail when `None`).
    pub fn worker(&self, smtp: Option<&SmtpSink>, options: WorkerOptions) -> Worker {
        let mailer = Mailer::new(
            smtp.map(|s| s.url()).as_deref(),
            "Sales Hunter <no-reply@sales-hunter.test>",
        )
        .expect("mailer");
        let hub = server::connectors::hub(&self.config).expect("connectors");
        Worker::new(
            self.db.clone(),
            server::worker::registry(mailer, hub, server::agents::hub(&self.config)),
            options,
        )
    }

    /// Runs every due job to its outcome, mail to `smtp`.
    pub async fn drain_jobs(&self, smtp: Option<&SmtpSink>) -> usize {
        self.worker(smtp, quick_worker())
            .drain()
            .await
            .expect("drain jobs")
    }

    /// Calls server function `F` with a form, as a browser's fetch does; its value or error.
    pub async fn call<F>(
        &self,
        session: Option<&str>,
        form: &[(&str, &str)],
    ) -> Result<F::Output, AppError>
    where
        F: ServerFn,
        F::Output: DeserializeOwned,
    {
        let (status, _, body) = self.post::<F>(session, form, &[]).await;
        decode(F::PATH, status, &body)
    }

    /// Calls server function `F` with its arguments as a value.
    pub async fn invoke<F>(&self, session: Option<&str>, args: F) -> Result<F::Output, AppError>
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_urlencoded_form(&args);
        let (status, _, body) = self
            .send(
                session,
                F::PATH,
                "application/x-www-form-urlencoded",
                body.into_bytes(),
                &[],
            )
            .await;
        decode(F::PATH, status, &body)
    }

    /// Calls a server function whose input is JSON (`input = Json`).
    pub async fn invoke_json<F>(
        &self,
        session: Option<&str>,
        args: F,
    ) -> Result<F::Output, AppError>
    where
        F: ServerFn + Serialize,
        F::Output: DeserializeOwned,
    {
        let body = serde_json::to_vec(&args).expect("arguments serialise");
        let (status, _, body) = self
            .send(session, F::PATH, "application/json", body, &[])
            .await;
        decode(F::PATH, status, &body)
    }

    /// A POST of a form to server function `F`, with extra headers; status, headers, body.
    pub async fn post<F: ServerFn>(
        &self,
        session: Option<&str>,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        let body = form
            .iter()
            .map(|(k, v)| format!("{}={}", models::url::encode(k), models::url::encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.send(
            session,
            F::PATH,
            "application/x-www-form-urlencoded",
            body.into_bytes(),
            headers,
        )
        .await
    }

    /// Any POST to any path: for the hostile requests.
    pub async fn send(
        &self,
        session: Option<&str>,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        // Extra headers replace the defaults (a browser sends one Origin, not two).
        let mut all = reqwest::header::HeaderMap::new();
        all.insert("origin", self.base.parse().expect("origin"));
        all.insert("accept", "application/json".parse().expect("accept"));
        all.insert("content-type", content_type.parse().expect("content type"));
        if let Some(s) = session {
            all.insert("cookie", format!("sh_session={s}").parse().expect("cookie"));
        }
        for (k, v) in headers {
            let name: reqwest::header::HeaderName = k.parse().expect("header name");
            all.insert(name, v.parse().expect("header value"));
        }
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .headers(all)
            .body(body)
            .send()
            .await
            .expect("request");
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.text().await.expect("body"))
    }

    pub async fn get(&self, session: Option<&str>, path: &str) -> reqwest::Response {
        self.get_with(session, path, &[]).await
    }

    /// A GET with extra headers (a browser's `accept-encoding`, say).
    pub async fn get_with(
        &self,
        session: Option<&str>,
        path: &str,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header("cookie", format!("sh_session={s}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("request")
    }

    pub async fn sign_up(&self, name: &str, email: &str, organisation: &str) -> String {
        let (status, headers, body) = self
            .post::<app::api::auth::SignUp>(
                None,
                &[
                    ("name", name),
                    ("email", email),
                    ("password", "a good long password"),
                    ("organisation", organisation),
                ],
                &[],
            )
            .await;
        assert!(status.is_success(), "sign_up failed: {status} {body}");
        session_cookie(&headers).expect("sign_up sets the session cookie")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> Result<String, AppError> {
        let (status, headers, body) = self
            .post::<app::api::auth::SignIn>(None, &[("email", email), ("password", password)], &[])
            .await;
        if status.is_success() {
            Ok(session_cookie(&headers).expect("sign_in sets the session cookie"))
        } else {
            Err(serde_json::from_str(&body).expect("AppError body"))
        }
    }

    /// Runs a counting query as the owner (no RLS), for checking what was written.
    pub async fn count(&self, sql: &str) -> i64 {
        let mut conn = connect(&owner_url(&self.db_name)).await;
        diesel::sql_query(sql)
            .get_result::<Count>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }

    /// The owner's URL of this test's database (for tools such as psql).
    pub fn owner_url(&self) -> String {
        owner_url(&self.db_name).to_string()
    }

    /// Rows of a query as the owner (no RLS), as JSON objects.
    pub async fn rows(&self, sql: &str) -> Vec<serde_json::Value> {
        #[derive(diesel::QueryableByName)]
        struct Rows {
            #[diesel(sql_type = diesel::sql_types::Jsonb)]
            j: serde_json::Value,
        }
        let mut conn = connect(&owner_url(&self.db_name)).await;
        let wrapped = format!("SELECT COALESCE(jsonb_agg(t), '[]'::jsonb) AS j FROM ({sql}) t");
        let rows = diesel::sql_query(&wrapped)
            .get_result::<Rows>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .j;
        rows.as_array().cloned().unwrap_or_default()
    }

    /// Runs a statement as the owner (DDL included).
    pub async fn exec(&self, sql: &str) {
        let mut conn = connect(&owner_url(&self.db_name)).await;
        exec(&mut conn, sql).await;
    }
}

/// Olga signs up and invites new@example.com as a rep (a mail in the outbox); her session.
pub async fn invite_new_person(app: &TestApp) -> String {
    let owner = app
        .sign_up("Olga Owner", "olga@example.com", "Olga Org")
        .await;
    app.invoke(
        Some(&owner),
        app::api::invitations::CreateInvitation {
            email: "new@example.com".into(),
            role: models::Role::Rep,
        },
    )
    .await
    .expect("invite");
    owner
}

/// A benchmark's size from the environment (`100_000` may be written with underscores).
pub fn bench_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// The median of timings.
pub fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A worker that retries at once and loses leases quickly, for tests.
pub fn quick_worker() -> WorkerOptions {
    WorkerOptions {
        concurrency: 4,
        lease: Duration::from_secs(2),
        poll_interval: Duration::from_millis(50),
        backoff_base: Duration::ZERO,
        backoff_cap: Duration::ZERO,
        shutdown_grace: Duration::from_secs(2),
        ..WorkerOptions::default()
    }
}

fn decode<T: DeserializeOwned>(
    path: &str,
    status: reqwest::StatusCode,
    body: &str,
) -> Result<T, AppError> {
    if status.is_success() {
        Ok(serde_json::from_str(body).unwrap_or_else(|e| panic!("{path}: bad body {body:?}: {e}")))
    } else {
        Err(serde_json::from_str(body)
            .unwrap_or_else(|e| panic!("{path}: status {status}, body {body:?}: {e}")))
    }
}

/// A server function's arguments as a form (flat structs of strings, numbers and enums).
/// Arguments as a form the way serde_qs reads it: nested structs and maps as
/// `input[first_name]=…`, `input[custom][tier]=…`, sequences as `mapping[0]=…`.
fn serde_urlencoded_form<T: Serialize>(args: &T) -> String {
    fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::Null => {}
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}[{k}]")
                    };
                    flatten(&key, v, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    flatten(&format!("{prefix}[{i}]"), v, out);
                }
            }
            serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let value = serde_json::to_value(args).expect("arguments serialise");
    assert!(value.is_object(), "server function arguments are a struct");
    let mut pairs = Vec::new();
    flatten("", &value, &mut pairs);
    pairs
        .into_iter()
        .map(|(k, v)| format!("{}={}", models::url::encode(&k), models::url::encode(&v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The session token from a Set-Cookie header, if one was set (and not cleared).
pub fn session_cookie(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("sh_session="))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_string())
        .filter(|t| !t.is_empty())
}

pub fn set_cookie_header(headers: &reqwest::header::HeaderMap) -> String {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("sh_session="))
        .unwrap_or_default()
        .to_string()
}

pub fn assert_field(err: &AppError, field: &str) {
    assert_eq!(
        err.field(),
        Some(field),
        "expected a validation error on {field}, got {err:?}"
    );
}

/// A message the SMTP sink received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    /// Headers and body as sent, dot-unstuffed.
    pub data: String,
}

impl ReceivedMail {
    /// The body with quoted-printable soft breaks and escapes undone.
    pub fn text(&self) -> String {
        let body = self
            .data
            .split("\r\n\r\n")
            .skip(1)
            .collect::<Vec<_>>()
            .join("\r\n\r\n");
        if !self.data.to_ascii_lowercase().contains("quoted-printable") {
            return body;
        }
        let joined = body.replace("=\r\n", "");
        let bytes = joined.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'=' && i + 2 < bytes.len() {
                if let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 3;
                    continue;
                }
            }
            out.push(bytes[i]);
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The first link in the body that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        Some(
            text[start..]
                .split(|c: char| c.is_whitespace())
                .next()
                .unwrap_or_default()
                .to_string(),
        )
    }
}

/// An SMTP server on loopback that keeps what it is sent. `fail_next(n)` makes the next `n`
/// messages fail with a temporary error (451), as a busy server does.
#[derive(Clone)]
pub struct SmtpSink {
    port: u16,
    pub mails: Arc<Mutex<Vec<ReceivedMail>>>,
    failures: Arc<Mutex<u32>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let sink = SmtpSink {
            port,
            mails: Arc::default(),
            failures: Arc::default(),
        };
        let handle = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(handle.clone().converse(socket));
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// An SMTP server that accepts connections and never says a word: a delivery to it hangs.
    pub async fn start_silent() -> SmtpSink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        SmtpSink {
            port,
            mails: Arc::default(),
            failures: Arc::default(),
        }
    }

    pub fn fail_next(&self, n: u32) {
        *self.failures.lock().expect("lock") = n;
    }

    pub fn received(&self) -> Vec<ReceivedMail> {
        self.mails.lock().expect("lock").clone()
    }

    async fn converse(self, socket: tokio::net::TcpStream) {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read);
        let reply = async |w: &mut tokio::net::tcp::OwnedWriteHalf, text: &str| {
            let _ = w.write_all(format!("{text}\r\n").as_bytes()).await;
        };
        reply(&mut write, "220 sink.test ESMTP ready").await;
        let (mut from, mut to) = (String::new(), Vec::new());
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_string();
            let upper = command.to_ascii_uppercase();
            if upper.starts_with("EHLO") {
                reply(&mut write, "250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8").await;
            } else if upper.starts_with("HELO") {
                reply(&mut write, "250 sink.test").await;
            } else if upper.starts_with("MAIL FROM:") {
                from = command[10..].trim().to_string();
                to.clear();
                reply(&mut write, "250 OK").await;
            } else if upper.starts_with("RCPT TO:") {
                to.push(command[8..].trim().to_string());
                reply(&mut write, "250 OK").await;
            } else if upper == "DATA" {
                reply(&mut write, "354 end with <CRLF>.<CRLF>").await;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                let fail = {
                    let mut left = self.failures.lock().expect("lock");
                    let fail = *left > 0;
                    *left = left.saturating_sub(1);
                    fail
                };
                if fail {
                    reply(&mut write, "451 4.3.0 try again later").await;
                } else {
                    self.mails.lock().expect("lock").push(ReceivedMail {
                        from: from.clone(),
                        to: to.clone(),
                        data,
                    });
                    reply(&mut write, "250 OK queued").await;
                }
            } else if upper == "QUIT" {
                reply(&mut write, "221 bye").await;
                return;
            } else if upper == "RSET" || upper == "NOOP" {
                reply(&mut write, "250 OK").await;
            } else {
                reply(&mut write, "502 not implemented").await;
            }
        }
    }
}

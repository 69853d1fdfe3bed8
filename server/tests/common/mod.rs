//! Test harness: a fresh PostgreSQL database per test, cloned from a template migrated once,
//! and the real router served over real HTTP on an ephemeral port.

#![allow(dead_code)]

use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use models::AppError;
use platform::migrate::{quote_ident, run_migrations, split_database};
use platform::Db;
use serde::de::DeserializeOwned;
use server::{build_router, Config, ServerState};
use std::net::SocketAddr;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::OnceCell;

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

pub fn run<F: std::future::Future<Output = ()>>(test: F) {
    RUNTIME.block_on(test)
}

/// `http_test! { async fn name() { ... } }`: a test on the shared runtime.
#[macro_export]
macro_rules! http_test {
    (async fn $name:ident() $body:block) => {
        #[test]
        fn $name() {
            common::run(async move $body)
        }
    };
}

/// The server's admin database, from DATABASE_URL (any database name in it is replaced).
fn admin_url() -> String {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    split_database(&url).map(|(admin, _)| admin).unwrap_or(url)
}

fn url_for(db: &str) -> String {
    let admin = admin_url();
    match admin.rsplit_once("/postgres") {
        Some((head, tail)) => format!("{head}/{db}{tail}"),
        None => admin,
    }
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

async fn admin() -> AsyncPgConnection {
    AsyncPgConnection::establish(&admin_url())
        .await
        .expect("connect to the admin database (is PostgreSQL running? set DATABASE_URL)")
}

/// Creates the migrated template once per process (and once per machine, under an advisory
/// lock, across processes).
async fn template() -> String {
    TEMPLATE
        .get_or_init(|| async {
            let name = template_name();
            let mut conn = admin().await;
            diesel::sql_query("SELECT pg_advisory_lock(727274)")
                .execute(&mut conn)
                .await
                .expect("lock");
            let exists: Vec<Name> =
                diesel::sql_query("SELECT datname AS name FROM pg_database WHERE datname = $1")
                    .bind::<Text, _>(&name)
                    .load(&mut conn)
                    .await
                    .expect("look up template");
            if exists.is_empty() {
                let building = format!("{name}_building");
                diesel::sql_query(format!(
                    "DROP DATABASE IF EXISTS {}",
                    quote_ident(&building)
                ))
                .execute(&mut conn)
                .await
                .expect("drop");
                diesel::sql_query(format!("CREATE DATABASE {}", quote_ident(&building)))
                    .execute(&mut conn)
                    .await
                    .expect("create");
                run_migrations(&url_for(&building))
                    .await
                    .expect("migrate the template");
                diesel::sql_query(format!(
                    "ALTER DATABASE {} RENAME TO {}",
                    quote_ident(&building),
                    quote_ident(&name)
                ))
                .execute(&mut conn)
                .await
                .expect("rename template");
            }
            drop_stale_test_databases(&mut conn).await;
            diesel::sql_query("SELECT pg_advisory_unlock(727274)")
                .execute(&mut conn)
                .await
                .expect("unlock");
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

/// Databases of tests that panicked (and so never dropped theirs) more than an hour ago.
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
    pub db: Db,
    pub http: reqwest::Client,
    db_name: String,
    server: tokio::task::JoinHandle<()>,
}

pub struct Options {
    pub trust_proxy: bool,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options { trust_proxy: false }).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let template = template().await;
        let db_name = format!("sh_test_{}_{}", now_secs(), uuid::Uuid::new_v4().simple());
        let mut conn = admin().await;
        diesel::sql_query(format!(
            "CREATE DATABASE {} TEMPLATE {}",
            quote_ident(&db_name),
            quote_ident(&template)
        ))
        .execute(&mut conn)
        .await
        .expect("clone the template");
        let database_url = url_for(&db_name);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let config = Config {
            database_url: database_url.clone(),
            site_addr: addr,
            site_root: "target/site".into(),
            public_url: format!("http://{addr}"),
            db_pool_size: 4,
            session_ttl_hours: 24,
            trust_proxy: options.trust_proxy,
            log_json: false,
        };
        let db = Db::connect(&database_url, 4, Duration::from_secs(5)).expect("pool");
        let router = build_router(ServerState::new(&config, db.clone()));
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestApp {
            base: format!("http://{addr}"),
            db,
            http,
            db_name,
            server,
        }
    }

    /// Stops the server and drops the database. Tests call it last; one that panics leaves
    /// its database for the stale-database sweep.
    pub async fn finish(self) {
        self.server.abort();
        drop(self.db);
        let mut conn = admin().await;
        let _ = diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.db_name)
        ))
        .execute(&mut conn)
        .await;
    }

    /// Calls a server function the way the hydrated app does; returns its value or AppError.
    pub async fn call<T: DeserializeOwned>(
        &self,
        session: Option<&str>,
        name: &str,
        form: &[(&str, &str)],
    ) -> Result<T, AppError> {
        let (status, _, body) = self.post(session, name, form, &[]).await;
        if status.is_success() {
            Ok(serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{name}: bad body {body:?}: {e}")))
        } else {
            Err(serde_json::from_str(&body)
                .unwrap_or_else(|e| panic!("{name}: status {status}, body {body:?}: {e}")))
        }
    }

    /// A raw POST to a server function, with extra headers; returns status, headers and body.
    pub async fn post(
        &self,
        session: Option<&str>,
        name: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> (reqwest::StatusCode, reqwest::header::HeaderMap, String) {
        // Extra headers replace the defaults (a browser sends one Origin, not two).
        let mut all = reqwest::header::HeaderMap::new();
        all.insert("origin", self.base.parse().expect("origin"));
        all.insert("accept", "application/json".parse().expect("accept"));
        if let Some(s) = session {
            all.insert("cookie", format!("sh_session={s}").parse().expect("cookie"));
        }
        for (k, v) in headers {
            let name: reqwest::header::HeaderName = k.parse().expect("header name");
            all.insert(name, v.parse().expect("header value"));
        }
        let req = self
            .http
            .post(format!("{}/api/{name}", self.base))
            .headers(all)
            .form(form);
        let res = req.send().await.expect("request");
        let (status, headers) = (res.status(), res.headers().clone());
        (status, headers, res.text().await.expect("body"))
    }

    pub async fn get(&self, session: Option<&str>, path: &str) -> reqwest::Response {
        let mut req = self.http.get(format!("{}{path}", self.base));
        if let Some(s) = session {
            req = req.header("cookie", format!("sh_session={s}"));
        }
        req.send().await.expect("request")
    }

    pub async fn sign_up(&self, name: &str, email: &str, organisation: &str) -> String {
        let (status, headers, body) = self
            .post(
                None,
                "sign_up",
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
            .post(
                None,
                "sign_in",
                &[("email", email), ("password", password)],
                &[],
            )
            .await;
        if status.is_success() {
            Ok(session_cookie(&headers).expect("sign_in sets the session cookie"))
        } else {
            Err(serde_json::from_str(&body).expect("AppError body"))
        }
    }

    /// Runs a counting query as the login role (no RLS), for checking what was written.
    pub async fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.db
            .system_tx(|conn| {
                Box::pin(
                    async move { Ok(diesel::sql_query(sql).get_result::<Count>(conn).await?.n) },
                )
            })
            .await
            .expect("count query")
    }

    pub async fn exec(&self, sql: &str) {
        let sql = sql.to_string();
        self.db
            .system_tx(|conn| {
                Box::pin(async move { Ok(diesel::sql_query(sql).execute(conn).await?) })
            })
            .await
            .expect("exec");
    }
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

//! `server <command>`: serve | worker | dev | migrate | seed.

use platform::migrate::redact_url;
use server::{build_router, Config, ServerState};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: server <command>

commands:
  serve     serve the web app on SITE_ADDR
  worker    run the background worker
  dev       serve and run the worker in one process
  migrate   create the database if needed and apply pending migrations
  seed      create the demo tenant (idempotent) and print its sign-in

configuration comes from the environment: see .env.example";

#[tokio::main]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_default();
    if matches!(command.as_str(), "" | "help" | "-h" | "--help") {
        println!("{USAGE}");
        return if command.is_empty() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::FAILURE;
        }
    };
    server::telemetry::init(config.log_json);
    let result = match command.as_str() {
        "serve" => serve(&config, false).await,
        "dev" => serve(&config, true).await,
        "worker" => worker(&config).await,
        "migrate" => migrate(&config).await,
        "seed" => seed(&config).await,
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn connect(config: &Config) -> Result<platform::Db, String> {
    platform::Db::connect(
        &config.database_url,
        config.db_pool_size,
        Duration::from_secs(5),
    )
    .map_err(|e| e.to_string())
}

async fn serve(config: &Config, with_worker: bool) -> Result<(), String> {
    let db = connect(config)?;
    let stop = server::shutdown::broadcast();
    let worker = with_worker.then(|| tokio::spawn(server::worker::run(db.clone(), stop.clone())));
    let app = build_router(ServerState::new(config, db));
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    tracing::info!(url = %format!("http://{}", config.site_addr), "serving");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(server::shutdown::wait(stop))
    .await
    .map_err(|e| format!("server error: {e}"))?;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn worker(config: &Config) -> Result<(), String> {
    let db = connect(config)?;
    server::worker::run(db, server::shutdown::broadcast()).await;
    Ok(())
}

async fn migrate(config: &Config) -> Result<(), String> {
    let url = &config.database_url;
    if platform::migrate::ensure_database(url)
        .await
        .map_err(|e| e.to_string())?
    {
        tracing::info!(database = %redact_url(url), "created the database");
    }
    let applied = platform::migrate::run_migrations(url)
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "migrations: {applied} applied, database {} is up to date",
        redact_url(url)
    );
    Ok(())
}

async fn seed(config: &Config) -> Result<(), String> {
    use platform::seed::*;
    let report = seed_demo(&connect(config)?)
        .await
        .map_err(|e| e.to_string())?;
    let state = if report.created {
        "created"
    } else {
        "already present"
    };
    println!("demo tenant {DEMO_TENANT:?} {state}");
    println!("  sign in as {DEMO_OWNER_EMAIL} (owner, platform admin) or {DEMO_REP_EMAIL} (rep)");
    println!("  password: {DEMO_PASSWORD}");
    Ok(())
}

//! `server <command>`: serve | worker | dev | migrate | seed.

use anyhow::{bail, Context};
use server::{build_router, Config, ServerState};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: server <command> [options]

commands:
  serve                        serve the web app on SITE_ADDR
  worker [--concurrency N]     run the background worker (N jobs at once; WORKER_CONCURRENCY)
  dev                          serve and run the worker in one process
  migrate                      create the database if needed, apply pending migrations and
                               create the login roles of APP_DATABASE_URL and
                               PLATFORM_DATABASE_URL
  seed [--leads N] [--opportunities M] [--today] [--llm URL]
                               create the demo tenant with its sales data (idempotent) and
                               print its sign-in; with --leads/--opportunities, also add that
                               many generated records to it (benchmarks) beside a small
                               second tenant; --today: the leads created today, as
                               after a big first import or sync; --llm: point the demo
                               tenant's agents at an OpenAI-compatible model server
  drop-database                drop the database of DATABASE_URL (throwaway test databases)

configuration comes from the environment: see .env.example";

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let command = args.first().cloned().unwrap_or_default();
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
        "serve" => serve(&config, None).await,
        "dev" => serve(&config, Some(config.worker_concurrency)).await,
        "worker" => match concurrency(&args[1..], config.worker_concurrency) {
            Ok(n) => worker(&config, n).await,
            Err(e) => Err(e),
        },
        "migrate" => migrate(&config).await,
        "seed" => seed(&config, &args[1..]).await,
        "drop-database" => drop_database(&config).await,
        other => Err(anyhow::anyhow!("unknown command {other:?}\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn concurrency(args: &[String], default: usize) -> anyhow::Result<usize> {
    match args {
        [] => Ok(default),
        [flag, n] if flag == "--concurrency" => match n.parse::<usize>() {
            Ok(n) if n > 0 => Ok(n),
            _ => bail!("--concurrency: {n:?} is not a whole number of at least 1"),
        },
        _ => bail!("worker takes only --concurrency N\n\n{USAGE}"),
    }
}

fn connect(config: &Config) -> anyhow::Result<platform::Db> {
    let tenant = config.app_database_url.to_string();
    let platform = config.platform_database_url.to_string();
    platform::Db::connect(
        platform::db::LoginUrls {
            tenant: &tenant,
            platform: &platform,
        },
        config.db_pool_size,
        Duration::from_secs(5),
    )
    .context("building the connection pools")
}

async fn serve(config: &Config, worker_concurrency: Option<usize>) -> anyhow::Result<()> {
    let db = connect(config)?;
    let stop = server::shutdown::broadcast();
    let hub = server::connectors::hub(config)?;
    let worker = match worker_concurrency {
        Some(n) => {
            let worker = server::worker::build(config, db.clone(), hub.clone(), n)?;
            Some(tokio::spawn(worker.run(stop.clone())))
        }
        None => None,
    };
    let app = build_router(ServerState::new(config, db, hub));
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.site_addr))?;
    tracing::info!(url = %format!("http://{}", config.site_addr), "serving");
    server::listen::serve(
        listener,
        app,
        server::listen::HEADER_READ_TIMEOUT,
        server::shutdown::wait(stop),
    )
    .await;
    if let Some(worker) = worker {
        let _ = worker.await;
    }
    tracing::info!("stopped");
    Ok(())
}

async fn worker(config: &Config, concurrency: usize) -> anyhow::Result<()> {
    let hub = server::connectors::hub(config)?;
    let worker = server::worker::build(config, connect(config)?, hub, concurrency)?;
    worker.run(server::shutdown::broadcast()).await;
    Ok(())
}

async fn migrate(config: &Config) -> anyhow::Result<()> {
    use platform::migrate::*;
    let owner = &config.database_url;
    if ensure_database(owner).await? {
        tracing::info!(database = %owner.redacted(), "created the database");
    }
    let applied = run_migrations(owner).await?;
    ensure_login_roles(
        owner,
        &config.app_database_url,
        &config.platform_database_url,
    )
    .await?;
    println!(
        "migrations: {applied} applied, database {} is up to date; the server logs in as {:?} \
         (tenants) and {:?} (platform)",
        owner.redacted(),
        config.app_database_url.user.as_deref().unwrap_or_default(),
        config
            .platform_database_url
            .user
            .as_deref()
            .unwrap_or_default()
    );
    Ok(())
}

async fn drop_database(config: &Config) -> anyhow::Result<()> {
    let url = &config.database_url;
    if matches!(
        url.database.as_str(),
        "postgres" | "template0" | "template1"
    ) {
        bail!("refusing to drop {:?}", url.database);
    }
    let existed = platform::migrate::drop_database(url).await?;
    println!(
        "database {} {}",
        url.redacted(),
        if existed { "dropped" } else { "did not exist" }
    );
    Ok(())
}

async fn seed(config: &Config, args: &[String]) -> anyhow::Result<()> {
    use platform::seed::*;
    let mut volume = (0usize, 0usize);
    let mut created = sales_hunter::seed::Created::Spread;
    let mut llm: Option<String> = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "--today" {
            created = sales_hunter::seed::Created::Today;
            continue;
        }
        if flag == "--llm" {
            llm = Some(rest.next().context("--llm needs a base URL")?.clone());
            continue;
        }
        let value = rest
            .next()
            .with_context(|| format!("{flag} needs a number"))?;
        let n: usize = value
            .replace('_', "")
            .parse()
            .with_context(|| format!("{flag} {value:?} is not a number"))?;
        match flag.as_str() {
            "--leads" => volume.0 = n,
            "--opportunities" => volume.1 = n,
            other => bail!("unknown seed option {other:?}\n\n{USAGE}"),
        }
    }
    let db = connect(config)?;
    let report = seed_demo(&db).await?;
    let state = if report.created {
        "created"
    } else {
        "already present"
    };
    println!("demo tenant {DEMO_TENANT:?} {state}");
    if report.created {
        billing::seed::seed_demo_subscription(&db, report.tenant_id).await?;
        println!("  on the Growth plan, ten days into its billing month");
    }
    if sales_hunter::seed::seed_demo_sales(&db, report.tenant_id).await? {
        println!("  with demo leads, accounts, deals in every stage and a quarter of activity");
    }
    if let Some(url) = llm {
        let model = "SmolLM2-135M-Instruct";
        if sales_hunter::prospector::manage::use_model_server(&db, report.tenant_id, &url, model)
            .await?
        {
            println!("  its Prospector now writes briefs with {model} at {url}");
        }
    }
    if volume != (0, 0) {
        let second = seed_second_tenant(&db).await?;
        sales_hunter::seed::seed_demo_sales(&db, second).await?;
        let started = std::time::Instant::now();
        sales_hunter::seed::seed_volume(&db, report.tenant_id, volume, created, |what, n| {
            if n % 50_000 == 0 || n == volume.0 || n == volume.1 {
                println!("  {n} {what} added ({:.0?})", started.elapsed());
            }
        })
        .await?;
    }
    println!("  sign in as {DEMO_OWNER_EMAIL} (owner, platform admin) or {DEMO_REP_EMAIL} (rep)");
    println!("  password: {DEMO_PASSWORD}");
    Ok(())
}

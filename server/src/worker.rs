//! The background worker. No job types exist yet (connector syncs, agent runs and billing
//! roll-ups bring them); until then it checks the database and idles until shutdown, so that
//! deployments can already run it.

use platform::Db;
use tokio::sync::watch;

pub async fn run(db: Db, stop: watch::Receiver<bool>) {
    match db.ping().await {
        Ok(()) => tracing::info!("worker started; no job types are registered yet, idling"),
        Err(e) => tracing::warn!(error = %e, "worker started but the database is not reachable"),
    }
    crate::shutdown::wait(stop).await;
    tracing::info!("worker stopped");
}

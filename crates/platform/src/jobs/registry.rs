//! The job types one worker can run, keyed by their stored name.

use super::{Job, JobContext};
use crate::error::Error;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type BoxFuture = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;
type Runner = Arc<dyn Fn(serde_json::Value, JobContext) -> BoxFuture + Send + Sync>;

#[derive(Clone, Default)]
pub struct Registry {
    runners: HashMap<&'static str, Runner>,
}

impl Registry {
    pub fn new() -> Registry {
        Registry::default()
    }

    /// Adds job type `J`, with what it needs to run.
    pub fn register<J: Job>(mut self, deps: J::Deps) -> Registry {
        let deps = Arc::new(deps);
        let runner: Runner = Arc::new(move |payload, ctx| {
            let deps = deps.clone();
            Box::pin(async move {
                let job: J = serde_json::from_value(payload).map_err(|e| {
                    Error::Corrupt(format!("the {} payload does not parse: {e}", J::KIND))
                })?;
                job.run(&deps, &ctx).await
            })
        });
        self.runners.insert(J::KIND, runner);
        self
    }

    pub fn kinds(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.runners.keys().copied()
    }

    pub(super) fn runner(&self, kind: &str) -> Option<Runner> {
        self.runners.get(kind).cloned()
    }
}

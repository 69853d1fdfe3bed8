//! A run watched as it happens. The run goes on in a task of its own: a page closed midway
//! does not stop it, and its result is in the ledger either way. The page gets what the
//! model writes as it writes it, then how the run ended.

use crate::run::{run_agent, RunRequest, RunWatcher};
use crate::AgentHub;
use models::agents::live::LiveRunEvent;
use models::agents::run::{RunSubject, RunTrigger};
use models::agents::views::RunResult;
use models::agents::AgentKind;
use models::AppError;
use platform::db::Db;
use platform::RequestContext;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

struct Relay(UnboundedSender<LiveRunEvent>);

impl RunWatcher for Relay {
    fn text(&self, text: &str) {
        // The page may have gone: the run goes on.
        let _ = self.0.send(LiveRunEvent::Text { text: text.into() });
    }

    fn restart(&self) {
        let _ = self.0.send(LiveRunEvent::Restart);
    }
}

/// Starts a manual run of `agent` on `subject`; its events arrive on the receiver, the
/// last one `Done` or `Refused`.
pub fn start_live_run(
    db: Db,
    ctx: RequestContext,
    hub: AgentHub,
    agent: AgentKind,
    subject: RunSubject,
) -> UnboundedReceiver<LiveRunEvent> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(async move {
        let relay = Relay(tx);
        let outcome = run_agent(
            &db,
            &ctx,
            &hub,
            RunRequest {
                agent,
                subject,
                trigger: RunTrigger::Manual,
                version: None,
                replay_of: None,
                id: None,
                watcher: Some(&relay),
            },
        )
        .await;
        let last = match outcome {
            Ok(outcome) => LiveRunEvent::Done {
                result: RunResult::from(outcome),
            },
            Err(e) => LiveRunEvent::Refused {
                error: AppError::from(e),
            },
        };
        let _ = relay.0.send(last);
    });
    rx
}

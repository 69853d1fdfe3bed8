//! A run watched as it happens: what the server streams to the page, as server-sent events
//! (`data: {json}` and a blank line each; the network may cut a stream anywhere, so the
//! page reads whole events). As `text/event-stream`, proxies and the server's compression
//! pass it through as it is written.

use super::views::RunResult;
use crate::AppError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LiveRunEvent {
    /// Text the model just wrote.
    Text { text: String },
    /// The model was asked again (its answer was not acceptable): what it wrote so far is
    /// discarded.
    Restart,
    /// The run is stored: its final text, or why it failed.
    Done { result: RunResult },
    /// The run was refused before it called a model (a field, the budget, a role).
    Refused { error: AppError },
}

impl LiveRunEvent {
    /// The event as a server-sent event. JSON escapes line breaks, so `data` is one line.
    pub fn to_sse(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_else(|_| "{}".into());
        format!("data: {json}\n\n")
    }
}

/// Reads a stream a chunk at a time, whatever the chunks' boundaries.
#[derive(Debug, Default)]
pub struct LiveRunReader {
    pending: String,
    data: String,
}

impl LiveRunReader {
    /// The events the chunk completed; an event that does not read is skipped, and so are
    /// comments and other fields.
    pub fn feed(&mut self, chunk: &str) -> Vec<LiveRunEvent> {
        self.pending.push_str(chunk);
        let mut events = Vec::new();
        while let Some(end) = self.pending.find('\n') {
            let line: String = self.pending.drain(..=end).collect();
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                let data = std::mem::take(&mut self.data);
                if let Ok(event) = serde_json::from_str(&data) {
                    events.push(event);
                }
            } else if let Some(d) = line.strip_prefix("data:") {
                self.data.push_str(d.strip_prefix(' ').unwrap_or(d));
            }
        }
        events
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agents::run::RunStatus;
    use crate::AgentRunId;

    #[test]
    fn events_cut_anywhere_read_whole() {
        let events = vec![
            LiveRunEvent::Text {
                text: "Brief: \"é\"\n".into(),
            },
            LiveRunEvent::Restart,
            LiveRunEvent::Done {
                result: RunResult {
                    id: AgentRunId(uuid::Uuid::nil()),
                    status: RunStatus::Succeeded,
                    text: "ok".into(),
                    error: String::new(),
                },
            },
            LiveRunEvent::Refused {
                error: AppError::validation("agent", "off"),
            },
        ];
        let stream: String = events.iter().map(LiveRunEvent::to_sse).collect();
        for cut in (0..stream.len()).filter(|i| stream.is_char_boundary(*i)) {
            let mut r = LiveRunReader::default();
            let mut got = r.feed(&stream[..cut]);
            got.extend(r.feed(&stream[cut..]));
            assert_eq!(got, events, "cut at {cut}");
        }
    }
}

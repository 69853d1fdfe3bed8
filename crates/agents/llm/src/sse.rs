//! Server-sent events, read incrementally: bytes in as they arrive, whole events out.
//! Handles `\n`, `\r\n` and `\r` line ends, multi-line `data:`, comments and events split
//! across network reads (even inside a UTF-8 character).

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// `event:` (empty when the stream names none, as OpenAI's).
    pub name: String,
    pub data: String,
}

#[derive(Default)]
pub struct SseReader {
    buffer: Vec<u8>,
    name: String,
    data: Vec<String>,
}

impl SseReader {
    /// Feeds bytes; returns the events they completed.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buffer.extend_from_slice(bytes);
        let mut events = Vec::new();
        while let Some(end) = self.buffer.iter().position(|b| *b == b'\n' || *b == b'\r') {
            // A `\r` at the very end may be the first half of `\r\n`: wait for more.
            if self.buffer[end] == b'\r' && end + 1 == self.buffer.len() {
                break;
            }
            let skip = if self.buffer[end] == b'\r' && self.buffer.get(end + 1) == Some(&b'\n') {
                2
            } else {
                1
            };
            let line: Vec<u8> = self.buffer.drain(..end + skip).take(end).collect();
            let line = String::from_utf8_lossy(&line).into_owned();
            if let Some(event) = self.line(&line) {
                events.push(event);
            }
        }
        events
    }

    /// What is left when the stream ends without a final blank line.
    pub fn finish(&mut self) -> Option<Event> {
        let rest = std::mem::take(&mut self.buffer);
        if !rest.is_empty() {
            let line = String::from_utf8_lossy(&rest).into_owned();
            self.line(&line);
        }
        self.line("")
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            if self.data.is_empty() && self.name.is_empty() {
                return None;
            }
            return Some(Event {
                name: std::mem::take(&mut self.name),
                data: std::mem::take(&mut self.data).join("\n"),
            });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = line.split_once(':').unwrap_or((line, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match field {
            "event" => self.name = value.to_string(),
            "data" => self.data.push(value.to_string()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_come_out_whole() {
        let stream = "event: a\r\ndata: {\"x\":\r\ndata: 1}\r\n\r\n: ping\n\ndata: é\n\n";
        let bytes = stream.as_bytes();
        for split in 0..bytes.len() {
            let mut r = SseReader::default();
            let mut got = r.feed(&bytes[..split]);
            got.extend(r.feed(&bytes[split..]));
            assert_eq!(
                got,
                vec![
                    Event {
                        name: "a".into(),
                        data: "{\"x\":\n1}".into()
                    },
                    Event {
                        name: String::new(),
                        data: "é".into()
                    }
                ],
                "split at {split}"
            );
        }
        let mut r = SseReader::default();
        assert!(r.feed(b"data: [DONE]").is_empty());
        assert_eq!(r.finish().map(|e| e.data), Some("[DONE]".into()));
    }
}

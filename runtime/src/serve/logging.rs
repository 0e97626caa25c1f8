//! serve's logs: `tracing` events, one JSON object a line on stderr (or human
//! text), every line passed through the [`Redactor`] just before it is written,
//! whatever field a secret might have reached.

use std::io::Write;

use tracing_subscriber::fmt::MakeWriter;

use crate::secrets::Redactor;

/// How log lines look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// One JSON object a line: `{"timestamp", "level", "fields": {"message", ...}, "target"}`.
    Json,
    /// Text for a terminal.
    Human,
}

/// Installs serve's log subscriber for the whole process (info and above, on
/// stderr, redacted with `redactor`). Fails if the process already has one.
pub fn init_logging(format: LogFormat, redactor: Redactor) -> Result<(), String> {
    let writer = RedactingStderr { redactor };
    let builder = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(writer)
        .with_ansi(false);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
        LogFormat::Human => builder.try_init(),
    };
    result.map_err(|e| format!("cannot set up logging: {e}"))
}

/// Writes each log line to stderr, redacted.
#[derive(Clone)]
pub struct RedactingStderr {
    pub redactor: Redactor,
}

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = LineWriter;

    fn make_writer(&'a self) -> LineWriter {
        LineWriter {
            buf: Vec::with_capacity(256),
            redactor: self.redactor.clone(),
        }
    }
}

/// Collects one event's text, and writes it redacted when dropped.
pub struct LineWriter {
    buf: Vec<u8>,
    redactor: Redactor,
}

impl Write for LineWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let text = String::from_utf8_lossy(&self.buf);
        let text = self.redactor.redact(&text);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

//! The open documents: each one's current text and version, as an immutable
//! [`Snapshot`] that handlers share.
//!
//! Updates are applied synchronously, under one lock, in the handler of the
//! notification that carries them, before its first `.await`. The server starts
//! handlers in the order their messages arrive (it may then run them
//! concurrently), so edits apply in order; everything else reads a snapshot and
//! never blocks an edit.
//!
//! A snapshot replaced by a newer version (or closed) is marked superseded: a
//! check of it still running stops at its next poll (see `analysis`).

use crate::analysis::{Analysis, panic_message};
use crate::builtin;
use crate::positions::{Encoding, Text};
use ferry_compiler::adaptors::Search;
use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

/// One version of one document, and what has been worked out about it.
pub struct Snapshot {
    pub uri: Uri,
    pub version: i32,
    pub text: Text,
    /// The name the compiler is given: the file's path for a `file:` URI (so that
    /// it finds `adaptors/` beside the job), `<builtin>/NAME.ferry` for a built-in
    /// adaptor, the URI itself otherwise.
    pub name: String,
    /// Where the job's adaptors are looked for: `adaptors/` beside a `file:`
    /// document, then the built-in ones.
    pub search: Search,
    pub analysis: Analysis,
    /// The analysis of the latest earlier version that has one, until this
    /// version's own is done.
    earlier: Mutex<Option<Arc<ferry_compiler::Analysis>>>,
    /// Set when a newer version arrives or the document is closed; shared with
    /// the check of this version, which polls it.
    superseded: Arc<AtomicBool>,
}

impl Snapshot {
    pub fn new(uri: Uri, version: i32, text: Text) -> Snapshot {
        let name = compiler_name(&uri);
        let search = if is_file(&uri) && builtin::name(&uri).is_none() {
            ferry_compiler::search_for(Path::new(&name), &[])
        } else {
            Search::default()
        };
        Snapshot {
            uri,
            version,
            text,
            name,
            search,
            analysis: Analysis::default(),
            earlier: Mutex::new(None),
            superseded: Arc::default(),
        }
    }

    /// Whether a newer version has replaced this one (or the document was closed).
    pub fn is_superseded(&self) -> bool {
        self.superseded.load(Ordering::Acquire)
    }

    /// The flag a check of this version polls.
    pub fn superseded_flag(&self) -> Arc<AtomicBool> {
        self.superseded.clone()
    }

    fn supersede(&self) {
        self.superseded.store(true, Ordering::Release);
    }

    /// A newer version of the document, which may fall back on this one's analysis.
    fn next(&self, version: i32, text: Text) -> Snapshot {
        let next = Snapshot::new(self.uri.clone(), version, text);
        *lock(&next.earlier) = self.latest_analysis();
        next
    }

    pub fn earlier(&self) -> Option<Arc<ferry_compiler::Analysis>> {
        lock(&self.earlier).clone()
    }

    pub fn take_earlier(&self) {
        lock(&self.earlier).take();
    }
}

pub(crate) fn is_file(uri: &Uri) -> bool {
    uri.scheme().as_str().eq_ignore_ascii_case("file")
}

fn compiler_name(uri: &Uri) -> String {
    if let Some(name) = builtin::name(uri) {
        return ferry_compiler::adaptors::builtin_display(name);
    }
    if is_file(uri)
        && let Some(path) = uri.to_file_path()
    {
        return path.display().to_string();
    }
    uri.as_str().to_string()
}

#[derive(Default)]
pub struct Documents {
    open: Mutex<HashMap<Uri, Arc<Snapshot>>>,
    /// Built-in adaptor files that were asked about without being opened.
    builtin: Mutex<HashMap<Uri, Arc<Snapshot>>>,
}

/// Why a change could not be applied.
#[derive(Debug, PartialEq)]
pub enum ChangeError {
    NotOpen,
    /// A bug: applying the changes panicked. The document keeps its last text.
    Failed(String),
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic never happens while the lock is held (the critical sections only
    // move values), but if one did the map is still consistent.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Documents {
    pub fn open(&self, uri: Uri, version: i32, text: String) -> Arc<Snapshot> {
        let snapshot = Arc::new(Snapshot::new(uri.clone(), version, Text::new(text)));
        if let Some(replaced) = lock(&self.open).insert(uri, snapshot.clone()) {
            replaced.supersede();
        }
        snapshot
    }

    /// Applies a `didChange`'s changes in order: a change with a range edits the
    /// text left by the previous one; one without replaces the whole text.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Result<Arc<Snapshot>, ChangeError> {
        let mut open = lock(&self.open);
        let current = open.get(uri).ok_or(ChangeError::NotOpen)?;
        let edited = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut text = current.text.clone();
            for change in changes {
                text = match change.range {
                    Some(range) => text.edit(range, &change.text, encoding),
                    None => Text::new(change.text),
                };
            }
            text
        }));
        let text = edited.map_err(|payload| ChangeError::Failed(panic_message(payload)))?;
        let snapshot = Arc::new(current.next(version, text));
        if let Some(replaced) = open.insert(uri.clone(), snapshot.clone()) {
            replaced.supersede();
        }
        Ok(snapshot)
    }

    pub fn close(&self, uri: &Uri) -> bool {
        let closed = lock(&self.open).remove(uri);
        closed.inspect(|snapshot| snapshot.supersede()).is_some()
    }

    /// The open document, or a built-in adaptor file (read-only, version 0).
    pub fn get(&self, uri: &Uri) -> Option<Arc<Snapshot>> {
        if let Some(snapshot) = lock(&self.open).get(uri) {
            return Some(snapshot.clone());
        }
        let text = builtin::text(uri)?;
        let mut builtin = lock(&self.builtin);
        let snapshot = builtin
            .entry(uri.clone())
            .or_insert_with(|| Arc::new(Snapshot::new(uri.clone(), 0, Text::new(text))));
        Some(snapshot.clone())
    }

    /// The version of an open document.
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        lock(&self.open).get(uri).map(|s| s.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| Range {
                start: Position::new(l1, c1),
                end: Position::new(l2, c2),
            }),
            range_length: None,
            text: text.into(),
        }
    }

    #[test]
    fn changes_apply_in_order_and_replace_the_snapshot() {
        let docs = Documents::default();
        let u = uri("file:///tmp/job.ferry");
        docs.open(u.clone(), 1, "let a = 1\n".into());
        let snapshot = docs
            .change(
                &u,
                2,
                vec![
                    change(Some(((0, 4), (0, 5))), "größe"),
                    // Applies to the text after the first change.
                    change(Some(((0, 12), (0, 13))), "\"ü\""),
                    change(Some(((1, 0), (1, 0))), "log größe\n"),
                ],
                Encoding::Utf16,
            )
            .unwrap();
        assert_eq!(snapshot.text.as_str(), "let größe = \"ü\"\nlog größe\n");
        assert_eq!(snapshot.version, 2);
        assert_eq!(docs.version(&u), Some(2));
        assert_eq!(snapshot.name, "/tmp/job.ferry");
        let full = docs
            .change(&u, 3, vec![change(None, "output 1\n")], Encoding::Utf16)
            .unwrap();
        assert_eq!(full.text.as_str(), "output 1\n");
        assert!(snapshot.is_superseded());
        assert!(!full.is_superseded());
        assert!(docs.close(&u));
        assert!(full.is_superseded());
        assert_eq!(
            docs.change(&u, 4, vec![], Encoding::Utf16).err(),
            Some(ChangeError::NotOpen)
        );
    }

    #[test]
    fn built_in_adaptors_are_documents_without_being_opened() {
        let docs = Documents::default();
        let snapshot = docs.get(&uri("ferry-builtin:///dhis2.ferry")).unwrap();
        assert_eq!(snapshot.version, 0);
        assert_eq!(snapshot.name, "<builtin>/dhis2.ferry");
        assert!(snapshot.text.as_str().contains("adaptor dhis2"));
        assert!(docs.get(&uri("ferry-builtin:///nope.ferry")).is_none());
        assert_eq!(docs.version(&uri("ferry-builtin:///dhis2.ferry")), None);
    }

    /// Random edits at random positions (past line ends, past the last line, inside
    /// surrogate pairs and `\r\n`) never panic and keep the line table right.
    #[test]
    fn random_edits_never_panic() {
        let docs = Documents::default();
        let u = uri("file:///tmp/random.ferry");
        docs.open(u.clone(), 0, "let a = \"ü😀\"\r\nlog a\r\n".into());
        let pieces = ["x", "😀", "\r\n", "\n", "\r", "ß", "", "{ \"é\" }\r\n"];
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as u32
        };
        for version in 1..2000 {
            let start = Position::new(next(6), next(12));
            let end = Position::new(start.line + next(2), next(12));
            let text = pieces[next(pieces.len() as u64) as usize];
            let encoding = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32][next(3) as usize];
            let snapshot = docs
                .change(
                    &u,
                    version,
                    vec![TextDocumentContentChangeEvent {
                        range: Some(Range { start, end }),
                        range_length: None,
                        text: text.into(),
                    }],
                    encoding,
                )
                .unwrap();
            let fresh = Text::new(snapshot.text.as_str().to_string());
            assert_eq!(snapshot.text.line_count(), fresh.line_count());
        }
    }
}

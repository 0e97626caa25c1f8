//! Questions about a checked program at a byte offset, for the language server:
//! where a name is declared (`definition_at`), what it is (`hover_at`), what may
//! be written there (`completions_at`) and which parameter a call is at
//! (`signature_at`), and the `test` blocks a "run test" code lens is shown
//! above (`test_blocks`).
//!
//! Every query works on any [`Analysis`], including files that do not parse or
//! check. Definitions and hovers read what the checker recorded (`TypeInfo`);
//! completion and signature help also parse the text of the item around the
//! cursor up to the cursor (with a placeholder name where the text needs one to
//! parse), so that an unfinished `xs.map(x => x.` still has its lambda, and take
//! the types of that tree's expressions from the checker where it recorded them,
//! or work them out from the program's signatures where it could not (a lambda's
//! parameter from the call it is given to, a record literal's expected type from
//! the parameter or field it is written for).

mod complete;
mod cursor;
mod env;
mod hover;
mod lens;
mod render;
mod signature;
#[cfg(test)]
mod tests;
pub mod walk;

pub use lens::{TestBlock, run_test_args, test_blocks};

use crate::Analysis;
use crate::adaptors::Search;
use crate::source::{SourceId, Span};

/// A place in one of the analysis' sources.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: SourceId,
    pub span: Span,
}

/// What `hover_at` shows: the hovered name's span, a line of Ferry that says
/// what it is (`let org: String`, `fn sex_code(s: "female" | "male") -> String`,
/// `orgUnit: String`), and its doc comment.
#[derive(Clone, Debug, PartialEq)]
pub struct Hover {
    pub span: Span,
    pub code: String,
    pub doc: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    Keyword,
    /// A `let`, `var`, parameter or other local.
    Local,
    Function,
    Op,
    Method,
    Field,
    Const,
    Type,
    Adaptor,
    /// A member of a literal union: `"female"`.
    Literal,
    /// `input`, `config`, `trigger`.
    Global,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    pub label: String,
    pub kind: CompletionKind,
    /// The type (`String?`) or signature (`(te: dhis2.TrackedEntity) -> dhis2.ObjectReport`),
    /// or what a keyword is (`statement`, `declaration`, `keyword`).
    pub detail: Option<String>,
    pub doc: Option<String>,
    /// Orders the list: the query's order, groups first (see `complete.rs`).
    pub sort: String,
    /// The text to insert, when it is not the label (`orgUnit: ` for a field of
    /// a record literal).
    pub insert: Option<String>,
    /// The text the client matches what is typed against, when not the label.
    pub filter: Option<String>,
    /// The span the item replaces, when not the word at the cursor (a whole
    /// string literal for `"female"`).
    pub replace: Option<Span>,
    /// Other edits made with the item: `?.` for a `.` on a value that may be null.
    pub edits: Vec<(Span, String)>,
    /// A function, op or method: whether it takes arguments (for `name($1)`).
    pub call: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Completions {
    /// The word at the cursor that the items complete (empty at a fresh place).
    pub word: Span,
    pub items: Vec<Completion>,
}

/// Signature help for the innermost call around the cursor.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// `create_tracked_entity(te: dhis2.TrackedEntity) -> dhis2.ObjectReport`
    pub label: String,
    /// Each parameter's byte range in `label`.
    pub params: Vec<Span>,
    pub active: Option<usize>,
    pub doc: Option<String>,
}

/// Where the name at `offset` is declared: a local's binding, a function, const
/// or type, an adaptor's op, type or config field (in the adaptor's file), a
/// record field in the type that declares it. `None` for the standard library
/// and for places that name nothing.
pub fn definition_at(analysis: &Analysis, file: SourceId, offset: usize) -> Option<Location> {
    hover::definition(&env::Env::new(analysis, file)?, offset)
}

/// What the name at `offset` is, with its type as messages write it and its doc.
pub fn hover_at(analysis: &Analysis, file: SourceId, offset: usize) -> Option<Hover> {
    hover::hover(&env::Env::new(analysis, file)?, offset)
}

/// What may be written at `offset`. `search` lists the adaptors a `use` may name.
pub fn completions_at(
    analysis: &Analysis,
    search: &Search,
    file: SourceId,
    offset: usize,
) -> Completions {
    match env::Env::new(analysis, file) {
        Some(env) => complete::complete(&env, search, offset),
        None => Completions::default(),
    }
}

/// The signature of the op, function or method whose argument list holds
/// `offset`, and the parameter the cursor is at.
pub fn signature_at(analysis: &Analysis, file: SourceId, offset: usize) -> Option<Signature> {
    signature::signature(&env::Env::new(analysis, file)?, offset)
}

/// `completions_at` on `text`, a version of the file edited since `analysis`
/// was made (the editor asks right after a keystroke, before the new version is
/// checked): what the analysis says about the text before and after the edited
/// part still holds, and the edited part is read as it is now.
pub fn completions_in_edit(
    analysis: &Analysis,
    search: &Search,
    file: SourceId,
    text: &str,
    offset: usize,
) -> Completions {
    match env::Env::edited(analysis, file, text) {
        Some(env) => complete::complete(&env, search, offset),
        None => Completions::default(),
    }
}

/// `signature_at` on an edited version of the file, as `completions_in_edit`.
pub fn signature_in_edit(
    analysis: &Analysis,
    file: SourceId,
    text: &str,
    offset: usize,
) -> Option<Signature> {
    signature::signature(&env::Env::edited(analysis, file, text)?, offset)
}

//! The `test` blocks of a file, for the editor's "run test" code lens: each
//! test's name and span, and the `ferry test` arguments that run it alone.

use crate::source::Span;
use crate::syntax::ast::{File, ItemKind};

/// A `test "NAME" { … }` block of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct TestBlock {
    pub name: String,
    /// The whole block, from `test` to its closing brace.
    pub span: Span,
}

impl TestBlock {
    /// The arguments of `ferry` that run this test of the file at `path`.
    /// `--filter` keeps the tests whose name contains the text, so a test whose
    /// name is part of another's runs with it.
    pub fn command(&self, path: &str) -> Vec<String> {
        run_test_args(&self.name, path)
    }
}

/// The arguments of `ferry` that run the test named `name` of the file at `path`.
pub fn run_test_args(name: &str, path: &str) -> Vec<String> {
    vec!["test".into(), "--filter".into(), name.into(), path.into()]
}

/// The file's `test` blocks, in the order they are written.
pub fn test_blocks(file: &File) -> Vec<TestBlock> {
    file.items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Test { name, .. } => Some(TestBlock {
                name: name.value.clone(),
                span: item.span,
            }),
            _ => None,
        })
        .collect()
}

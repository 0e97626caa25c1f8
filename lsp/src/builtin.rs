//! The built-in adaptor files as read-only documents under the `ferry-builtin:`
//! scheme: `ferry-builtin:///dhis2.ferry`. Go-to-definition on `dhis2.TrackedEntity`
//! points there.
//!
//! A client reads one with `workspace/textDocumentContent` (LSP 3.18: params
//! `{ "uri": ... }`, result `{ "text": ... }`); the server advertises the scheme in
//! `capabilities.workspace.textDocumentContent` (see `protocol.rs`). Every other
//! request (symbols, folding, diagnostics once opened) works on these URIs like
//! on a file.

use ferry_compiler::adaptors::BUILTIN;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::Uri;

pub const SCHEME: &str = "ferry-builtin";

/// The names of the built-in adaptors: `dhis2`, `http`, ...
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTIN.iter().map(|(name, _)| *name)
}

/// The adaptor name of a built-in adaptor's URI: `dhis2` for
/// `ferry-builtin:///dhis2.ferry`.
pub fn name(uri: &Uri) -> Option<&'static str> {
    if !uri.scheme().as_str().eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let file = uri.path().as_str().trim_start_matches('/');
    names().find(|name| file.strip_suffix(".ferry") == Some(name))
}

pub fn text(uri: &Uri) -> Option<&'static str> {
    source(name(uri)?)
}

/// The URI of a built-in adaptor by its name (`dhis2`).
pub fn uri(adaptor: &str) -> Option<Uri> {
    source(adaptor)?;
    format!("{SCHEME}:///{adaptor}.ferry").parse().ok()
}

/// The text of a built-in adaptor by its name (`dhis2`).
pub fn source(adaptor: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(name, _)| *name == adaptor)
        .map(|(_, text)| *text)
}

#[derive(Debug, Deserialize, Serialize)]
pub struct ContentParams {
    pub uri: Uri,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
pub struct ContentResult {
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_has_a_uri_and_text() {
        for adaptor in ["commcare", "dhis2", "dhis2_pat", "http"] {
            let uri = uri(adaptor).unwrap();
            assert_eq!(uri.as_str(), format!("ferry-builtin:///{adaptor}.ferry"));
            assert!(
                text(&uri)
                    .unwrap()
                    .contains(&format!("adaptor {adaptor}\n"))
            );
        }
        assert_eq!(uri("postgres"), None);
        assert_eq!(text(&"file:///dhis2.ferry".parse().unwrap()), None);
    }
}

//! The built-in adaptor files as read-only documents under the `ferry-builtin:`
//! scheme: `ferry-builtin:///dhis2.ferry`. Go-to-definition on `dhis2.TrackedEntity`
//! will point there.
//!
//! A client reads one with `workspace/textDocumentContent` (LSP 3.18: params
//! `{ "uri": ... }`, result `{ "text": ... }`); the server advertises the scheme in
//! `capabilities.workspace.textDocumentContent` (see `protocol.rs`). Every other
//! request (symbols, folding, diagnostics once opened) works on these URIs like
//! on a file.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::Uri;

pub const SCHEME: &str = "ferry-builtin";

/// `(file name, text)` of every built-in adaptor, as the compiler embeds them.
const FILES: &[(&str, &str)] = &[
    (
        "commcare.ferry",
        include_str!("../../compiler/src/adaptors/commcare.ferry"),
    ),
    (
        "dhis2.ferry",
        include_str!("../../compiler/src/adaptors/dhis2.ferry"),
    ),
    (
        "dhis2_pat.ferry",
        include_str!("../../compiler/src/adaptors/dhis2_pat.ferry"),
    ),
    (
        "http.ferry",
        include_str!("../../compiler/src/adaptors/http.ferry"),
    ),
];

/// The names of the built-in adaptors: `dhis2`, `http`, ...
pub fn names() -> impl Iterator<Item = &'static str> {
    FILES
        .iter()
        .filter_map(|(name, _)| name.strip_suffix(".ferry"))
}

/// The file name of a built-in adaptor's URI: `dhis2.ferry`.
pub fn file_name(uri: &Uri) -> Option<&'static str> {
    if !uri.scheme().as_str().eq_ignore_ascii_case(SCHEME) {
        return None;
    }
    let path = uri.path().as_str().trim_start_matches('/');
    FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(name, _)| *name)
}

pub fn text(uri: &Uri) -> Option<&'static str> {
    let name = file_name(uri)?;
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// The URI of a built-in adaptor by its name (`dhis2`).
pub fn uri(adaptor: &str) -> Option<Uri> {
    let file = format!("{adaptor}.ferry");
    FILES
        .iter()
        .any(|(name, _)| *name == file)
        .then(|| format!("{SCHEME}:///{file}").parse().ok())
        .flatten()
}

/// The text of a built-in adaptor by its name (`dhis2`).
pub fn source(adaptor: &str) -> Option<&'static str> {
    text(&uri(adaptor)?)
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

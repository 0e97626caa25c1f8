//! What the importer could not express, named by the JSON pointer of the part.

use std::fmt;

#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// `#/paths/~1pets/post/requestBody`, or `common.yaml#/…` in another file.
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// One JSON pointer segment, escaped (`/pets/{id}` → `~1pets~1{id}`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

//! Reading a document (JSON or YAML) and the files its `$ref`s name.

use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The main document and every file it refers to, loaded up front so that the
/// conversion can hold references into them.
pub struct Docs {
    docs: Vec<Doc>,
    by_path: HashMap<PathBuf, usize>,
}

pub struct Doc {
    /// How the document is named in warnings: empty for the main one.
    pub label: String,
    pub path: Option<PathBuf>,
    pub value: Value,
}

/// A place in one of the documents: the document and a JSON pointer in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Loc {
    pub doc: usize,
    pub pointer: String,
}

impl Loc {
    pub fn join(&self, segment: &str) -> Loc {
        Loc {
            doc: self.doc,
            pointer: format!("{}/{}", self.pointer, crate::warning::escape(segment)),
        }
    }
}

/// Parses JSON, or YAML when the text is not JSON. `name` names the file in errors.
pub fn parse(text: &str, name: &str) -> Result<Value, String> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            format!(
                "{name}:{}:{}: not valid JSON: {}",
                e.line(),
                e.column(),
                without_position(&message)
            )
        });
    }
    yaml_serde::from_str(text).map_err(|e| match e.location() {
        Some(at) => {
            let message = e.to_string();
            format!(
                "{name}:{}:{}: not valid YAML: {}",
                at.line(),
                at.column(),
                without_position(&message)
            )
        }
        None => format!("{name}: not valid YAML: {e}"),
    })
}

/// A parser's message without its " at line 3 column 7" (the place is given
/// first, as `file:line:col`).
pub fn without_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

impl Docs {
    /// The main document and, when it is a file, the files its `$ref`s name
    /// (relative to the file that holds the reference).
    pub fn load(value: Value, path: Option<&Path>) -> Result<Docs, String> {
        let mut docs = Docs {
            docs: vec![Doc {
                label: String::new(),
                path: path.map(Path::to_path_buf),
                value,
            }],
            by_path: HashMap::new(),
        };
        if let Some(path) = path {
            docs.by_path.insert(normalize(path), 0);
        }
        let mut next = 0;
        while next < docs.docs.len() {
            let mut files = Vec::new();
            collect_ref_files(&docs.docs[next].value, &mut files);
            let base = docs.docs[next].path.clone();
            for file in files {
                let Some(base) = &base else {
                    return Err(format!(
                        "the document refers to `{file}`, but it was read from standard input: give its path instead"
                    ));
                };
                let target = normalize(&base.parent().unwrap_or(Path::new(".")).join(&file));
                if docs.by_path.contains_key(&target) {
                    continue;
                }
                let text = std::fs::read_to_string(&target).map_err(|e| {
                    format!(
                        "cannot read {} (named by a `$ref` in {}): {e}",
                        target.display(),
                        base.display()
                    )
                })?;
                let label = target
                    .strip_prefix(
                        docs.docs[0]
                            .path
                            .as_ref()
                            .and_then(|p| p.parent())
                            .unwrap_or(Path::new("")),
                    )
                    .unwrap_or(&target)
                    .display()
                    .to_string();
                let value = parse(&text, &target.display().to_string())?;
                docs.by_path.insert(target.clone(), docs.docs.len());
                docs.docs.push(Doc {
                    label,
                    path: Some(target),
                    value,
                });
            }
            next += 1;
        }
        Ok(docs)
    }

    pub fn main(&self) -> &Value {
        &self.docs[0].value
    }

    pub fn get(&self, loc: &Loc) -> Option<&Value> {
        pointer(&self.docs.get(loc.doc)?.value, &loc.pointer)
    }

    /// `#/paths/~1pets` in the main document, `common.yaml#/…` in another.
    pub fn display(&self, loc: &Loc) -> String {
        format!("{}#{}", self.docs[loc.doc].label, loc.pointer)
    }

    /// Where a `$ref` found in document `from` points.
    pub fn resolve(&self, from: usize, reference: &str) -> Result<Loc, String> {
        let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file.contains("://") {
            return Err(format!(
                "`{reference}` is on another server, which is not read"
            ));
        }
        let doc = if file.is_empty() {
            from
        } else {
            let base = self.docs[from].path.as_deref().unwrap_or(Path::new("."));
            let target = normalize(&base.parent().unwrap_or(Path::new(".")).join(file));
            *self
                .by_path
                .get(&target)
                .ok_or_else(|| format!("`{reference}`: {} was not loaded", target.display()))?
        };
        let pointer = percent_decode(fragment);
        let loc = Loc { doc, pointer };
        if self.get(&loc).is_none() {
            return Err(format!("`{reference}` names nothing"));
        }
        Ok(loc)
    }
}

/// The value at a JSON pointer (RFC 6901), as `Value::pointer`, but without
/// allocating for segments that need no unescaping: a big document is looked
/// into hundreds of thousands of times.
fn pointer<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut at = root;
    for raw in rest.split('/') {
        let segment: std::borrow::Cow<str> = if raw.contains('~') {
            raw.replace("~1", "/").replace("~0", "~").into()
        } else {
            raw.into()
        };
        at = match at {
            Value::Object(map) => map.get(segment.as_ref())?,
            Value::Array(items) => items.get(array_index(&segment)?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// An array index of a pointer: digits, without a leading zero.
fn array_index(segment: &str) -> Option<usize> {
    if segment.is_empty()
        || !segment.bytes().all(|b| b.is_ascii_digit())
        || (segment.len() > 1 && segment.starts_with('0'))
    {
        return None;
    }
    segment.parse().ok()
}

/// Every file named by a `$ref` in `value` (the part before `#`).
fn collect_ref_files(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                if key == "$ref"
                    && let Value::String(r) = v
                {
                    let file = r.split('#').next().unwrap_or("");
                    if !file.is_empty() && !file.contains("://") && !out.iter().any(|f| f == file) {
                        out.push(file.to_string());
                    }
                } else {
                    collect_ref_files(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_ref_files(v, out)),
        _ => {}
    }
}

/// `a/./b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((hi * 16 + lo) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::pointer;
    use serde_json::json;

    #[test]
    fn pointer_reads_as_rfc_6901_says() {
        let doc = json!({"paths": {"/pets/{id}": {"get": 1}}, "a~b": [10, 20], "": {"x": 2}});
        assert_eq!(pointer(&doc, ""), Some(&doc));
        assert_eq!(pointer(&doc, "/paths/~1pets~1{id}/get"), Some(&json!(1)));
        assert_eq!(pointer(&doc, "/a~0b/1"), Some(&json!(20)));
        assert_eq!(pointer(&doc, "//x"), Some(&json!(2)));
        assert_eq!(pointer(&doc, "/a~0b/01"), None);
        assert_eq!(pointer(&doc, "/a~0b/2"), None);
        assert_eq!(pointer(&doc, "paths"), None);
        assert_eq!(pointer(&doc, "/paths/x/y"), None);
    }
}

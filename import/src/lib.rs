//! Adaptor files from OpenAPI documents (`ferry adaptor import openapi`), and
//! types from sample data (`ferry adaptor infer`).
//!
//! One module a job: `load` reads the documents, `schema` turns schemas into
//! types, `ops` operations into ops, `config` servers and security schemes into
//! `base`, `config` and `auth`, `emit` writes the file; `infer` is the sample
//! inference. What cannot be expressed is left out with a `Warning` naming its
//! JSON pointer.

mod config;
mod context;
mod emit;
pub mod infer;
mod load;
mod names;
mod ops;
mod schema;
mod ty;
mod warning;

pub use warning::Warning;

use context::Ctx;
use load::{Docs, Loc};
use serde_json::Value;
use std::path::Path;

/// An adaptor file written from a document.
pub struct Imported {
    /// The adaptor's name (`adaptor NAME`).
    pub name: String,
    /// The file's text, formatted.
    pub text: String,
    pub warnings: Vec<Warning>,
    pub types: usize,
    pub ops: usize,
}

/// Writes the adaptor for an OpenAPI 3.0/3.1 or Swagger 2.0 document, JSON or
/// YAML. `path` is where the document was read from (for `$ref`s to other
/// files, and for messages); `name` the adaptor's name, else one from the
/// document's title.
pub fn import_openapi(
    text: &str,
    path: Option<&Path>,
    name: Option<&str>,
) -> Result<Imported, String> {
    let shown = path.map_or("<stdin>".to_string(), |p| p.display().to_string());
    let value = load::parse(text, &shown)?;
    let version = version(&value).ok_or_else(|| {
        format!(
            "{shown}: not an OpenAPI document: it has no `openapi: 3.x` or `swagger: \"2.0\"` field"
        )
    })?;
    let name = match name {
        Some(name) => {
            if !names::is_identifier(name) || names::variable(name) != name {
                return Err(format!(
                    "`{name}` cannot name an adaptor: use letters, digits and `_`, not starting with a digit, and not a keyword"
                ));
            }
            name.to_string()
        }
        None => default_name(&value, path),
    };
    let docs = Docs::load(value, path)?;
    let mut ctx = Ctx::new(&docs);
    // Every schema of the main document is a type, in the document's order.
    let schemas_at = if ctx.swagger {
        Loc {
            doc: 0,
            pointer: "/definitions".into(),
        }
    } else {
        Loc {
            doc: 0,
            pointer: "/components/schemas".into(),
        }
    };
    if let Some(schemas) = docs.get(&schemas_at).and_then(Value::as_object) {
        for key in schemas.keys() {
            ctx.named(&schemas_at.join(key));
        }
    }
    let config = ctx.config();
    let ops = ctx.ops();
    let file_name = path
        .and_then(|p| p.file_name())
        .map_or("standard input".to_string(), |f| {
            f.to_string_lossy().into_owned()
        });
    let doc = adaptor_doc(docs.main(), &file_name, &version);
    let types = std::mem::take(&mut ctx.types.list);
    let raw = emit::write(&emit::Adaptor {
        name: &name,
        doc,
        config: &config,
        types: &types,
        ops: &ops,
    });
    let text = ferry_compiler::fmt::format(&raw).map_err(|errors| {
        let first = errors.first().map_or(String::new(), |d| d.message.clone());
        format!("internal error: the adaptor written for {shown} does not parse ({first}); please report it with the document")
    })?;
    Ok(Imported {
        name,
        text,
        warnings: ctx.into_warnings(),
        types: types.len(),
        ops: ops.len(),
    })
}

/// "OpenAPI 3.0.3" or "Swagger 2.0".
fn version(doc: &Value) -> Option<String> {
    if let Some(v) = doc.get("openapi").and_then(Value::as_str)
        && v.starts_with('3')
    {
        return Some(format!("OpenAPI {v}"));
    }
    match doc.get("swagger") {
        Some(Value::String(v)) if v.starts_with('2') => Some(format!("Swagger {v}")),
        Some(Value::Number(n)) if n.as_f64() == Some(2.0) => Some("Swagger 2.0".into()),
        _ => None,
    }
}

/// The document's title in snake case (`Swagger Petstore` → `swagger_petstore`),
/// else the file's name.
fn default_name(doc: &Value, path: Option<&Path>) -> String {
    let from_title = doc
        .get("info")
        .and_then(|i| i.get("title"))
        .and_then(Value::as_str)
        .map(names::snake_case)
        .filter(|n| n.len() > 2 && n.len() <= 40);
    let from_file = path
        .and_then(|p| p.file_stem())
        .map(|s| names::snake_case(&s.to_string_lossy()));
    let name = from_title
        .or(from_file)
        .unwrap_or_else(|| "api".to_string());
    names::variable(&name)
}

fn adaptor_doc(doc: &Value, file_name: &str, version: &str) -> String {
    let info = doc.get("info");
    let text = |k: &str| {
        info.and_then(|i| i.get(k))
            .and_then(Value::as_str)
            .map(str::trim)
    };
    let mut parts = Vec::new();
    let mut title = text("title").unwrap_or("An API").to_string();
    if let Some(v) = text("version") {
        title.push_str(&format!(" (version {v})"));
    }
    parts.push(title);
    if let Some(d) = text("description").filter(|d| !d.is_empty()) {
        parts.push(d.to_string());
    }
    parts.push(format!(
        "Written by `ferry adaptor import openapi` from {file_name} ({version})."
    ));
    parts.join("\n\n")
}

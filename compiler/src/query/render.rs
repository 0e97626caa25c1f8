//! How hovers, completion details and signature help write declarations: as
//! Ferry, with types as messages write them.

use super::env::{Callee, CalleeKind, Env};
use crate::source::Span;
use crate::types::Field;
use crate::types::ty::is_identifier;

/// `name(a: Int, b: String = "x") -> R`, and each parameter's byte range in it.
pub(crate) fn signature(env: &Env, callee: &Callee) -> (String, Vec<Span>) {
    let mut label = format!("{}(", callee.name);
    let mut spans = Vec::with_capacity(callee.params.len());
    for (i, param) in callee.params.iter().enumerate() {
        if i > 0 {
            label.push_str(", ");
        }
        let start = label.len();
        if let Some(name) = &param.name {
            label.push_str(name);
            label.push_str(": ");
        }
        label.push_str(&env.display(&param.ty));
        if let Some(default) = &param.default {
            label.push_str(" = ");
            label.push_str(default);
        }
        spans.push(Span::new(start, label.len()));
    }
    label.push_str(") -> ");
    label.push_str(&env.display(&callee.ret));
    (label, spans)
}

/// A completion's detail for something callable: `(sep: String) -> [String]`.
pub(crate) fn detail(env: &Env, callee: &Callee) -> String {
    let (label, _) = signature(env, callee);
    label[callee.name.len()..].to_string()
}

/// A hover's line for something callable: `fn name(…) -> R`, `op dhis2.name(…) -> R`.
pub(crate) fn declaration(env: &Env, callee: &Callee, qualifier: Option<&str>) -> String {
    let (label, _) = signature(env, callee);
    let keyword = match callee.kind {
        CalleeKind::Op => "op",
        _ => "fn",
    };
    match qualifier {
        Some(q) => format!("{keyword} {q}.{label}"),
        None => format!("{keyword} {label}"),
    }
}

/// A field as a record type writes it: `village: String?`, `note?: String`,
/// `"@name": String`.
pub(crate) fn field(env: &Env, field: &Field) -> String {
    let name = key(&field.name);
    let marker = if field.optional && !env.types().is_optional(&field.ty) {
        "?"
    } else {
        ""
    };
    format!("{name}{marker}: {}", env.display(&field.ty))
}

/// A field name as a record writes it: quoted unless it is an identifier.
pub(crate) fn key(name: &str) -> String {
    if is_identifier(name) {
        name.to_string()
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| name.to_string())
    }
}

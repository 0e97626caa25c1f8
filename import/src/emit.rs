//! The adaptor file's text. It is written plainly and then put through the
//! formatter, so that `ferry fmt --check` leaves it as it is.

use crate::config::Config;
use crate::context::NamedType;
use crate::names;
use crate::ops::Op;

pub struct Adaptor<'a> {
    pub name: &'a str,
    pub doc: String,
    pub config: &'a Config,
    pub types: &'a [NamedType],
    pub ops: &'a [Op],
}

pub fn write(adaptor: &Adaptor) -> String {
    let mut out = String::new();
    out.push_str(&names::doc_comment(&adaptor.doc, ""));
    out.push_str(&format!("adaptor {}\n\n", adaptor.name));
    out.push_str("/// Where the API is and the credentials it takes.\nconfig {\n");
    for field in &adaptor.config.fields {
        out.push_str(&names::doc_comment(&field.doc, "  "));
        out.push_str(&format!("  {}: {},\n", field.name, field.ty));
    }
    out.push_str("}\n\n");
    out.push_str(&format!("base {}\n", adaptor.config.base));
    if let Some(auth) = &adaptor.config.auth {
        out.push_str(&format!("auth {auth}\n"));
    }
    for t in adaptor.types {
        out.push('\n');
        if let Some(doc) = &t.doc {
            out.push_str(&names::doc_comment(doc, ""));
        }
        out.push_str(&format!("type {} = {}\n", t.name, t.ty.render()));
    }
    for op in adaptor.ops {
        out.push('\n');
        out.push_str(&names::doc_comment(&op.doc, ""));
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| match &p.default {
                Some(d) => format!("{}: {} = {d}", p.name, p.ty.render()),
                None => format!("{}: {}", p.name, p.ty.render()),
            })
            .collect();
        out.push_str(&format!(
            "op {}({}) -> {}\n  = {} {}",
            op.name,
            params.join(", "),
            op.result.render(),
            op.method,
            op.path
        ));
        if !op.query.is_empty() {
            out.push_str(&format!(" query {}", record(&op.query)));
        }
        if !op.headers.is_empty() {
            out.push_str(&format!(" headers {}", record(&op.headers)));
        }
        if let Some(body) = &op.body {
            out.push_str(&format!(" body {body}"));
        }
        if let Some(paging) = &op.paged {
            out.push_str(" paged");
            if let Some((kind, param)) = &paging.by {
                out.push_str(&format!(" {kind} {}", names::string_literal(param)));
            }
            if let Some(next) = &paging.next {
                out.push_str(&format!(" next {next}"));
            }
            out.push_str(&format!(" items {}", paging.items));
            if let Some(total) = &paging.total {
                out.push_str(&format!(" total {total}"));
            }
        }
        out.push('\n');
    }
    out
}

fn record(entries: &[(String, String)]) -> String {
    let parts: Vec<String> = entries
        .iter()
        .map(|(name, value)| format!("{}: {value}", names::field_name(name)))
        .collect();
    format!("{{ {} }}", parts.join(", "))
}

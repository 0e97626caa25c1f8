//! `ferry docs ADAPTOR [OP]`: an adaptor's config, ops and types with their doc
//! comments, as text for a terminal.

use crate::adaptors::Search;
use crate::syntax::ast::{self, ItemKind};
use crate::types::{Module, Ty, TypeTable};
use std::fmt::Write;

/// The documentation of adaptor `name`, or of one of its ops.
pub fn adaptor_docs(name: &str, op: Option<&str>, search: &Search) -> Result<String, String> {
    let found = search.find(name)?.ok_or_else(|| {
        let available = search.available().join(", ");
        format!("no adaptor named `{name}` (available: {available})")
    })?;
    let analysis = crate::analyze(&found.display, &found.text, search);
    if analysis.has_errors() {
        let rendered = crate::diagnostics::render(&analysis.diagnostics, &analysis.sources, false);
        return Err(format!("the adaptor `{name}` has errors:\n{rendered}"));
    }
    let module = &analysis.checked.modules[0];
    let file = &analysis.files[0].ast;
    let types = &analysis.checked.types;
    let docs = Docs {
        module,
        file,
        types,
        text: &found.text,
    };
    match op {
        None => Ok(docs.adaptor(name)),
        Some(op) => docs.op(name, op),
    }
}

struct Docs<'a> {
    module: &'a Module,
    file: &'a ast::File,
    types: &'a TypeTable,
    text: &'a str,
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{by}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl Docs<'_> {
    fn adaptor(&self, name: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "adaptor {name}");
        if let Some(doc) = &self.module.doc {
            let _ = writeln!(out, "\n{}", indent(doc, "  "));
        }
        self.config(name, &mut out);
        let _ = writeln!(
            out,
            "\nops (call as `{name}.op(…)`; `ferry docs {name} OP` for one op):"
        );
        for op in &self.module.ops {
            let _ = writeln!(out, "\n  {}", self.signature(op));
            if let Some(doc) = &op.doc {
                let first = doc.split("\n\n").next().unwrap_or(doc);
                let _ = writeln!(out, "{}", indent(first, "      "));
            }
        }
        if !self.module.fns.is_empty() {
            let _ = writeln!(out, "\nfunctions:");
            for f in &self.module.fns {
                let params: Vec<String> = f
                    .params
                    .iter()
                    .map(|p| format!("{}: {}", p.name, self.types.display(&p.ty)))
                    .collect();
                let _ = writeln!(
                    out,
                    "\n  {}({}) -> {}",
                    f.name,
                    params.join(", "),
                    self.types.display(&f.ret)
                );
                if let Some(doc) = &f.doc {
                    let _ = writeln!(out, "{}", indent(doc, "      "));
                }
            }
        }
        let _ = writeln!(out, "\ntypes (write them as `{name}.Type` in a job):");
        for item in &self.file.items {
            if let ItemKind::Type { .. } = &item.kind {
                let _ = writeln!(out, "\n{}", indent(&self.source_with_doc(item), "  "));
            }
        }
        out
    }

    fn config(&self, name: &str, out: &mut String) {
        let Some(Ty::Record(config)) = &self.module.config else {
            return;
        };
        let _ = writeln!(
            out,
            "\nconfig (`config.{name}` in a job; in the config file under \"{name}\", or as FERRY_{}_FIELD in the environment):",
            name.to_uppercase()
        );
        for field in &config.fields {
            let _ = writeln!(
                out,
                "\n  {}{}: {}",
                field.name,
                if field.optional { "?" } else { "" },
                self.types.display(&field.ty)
            );
            if let Some(doc) = &field.doc {
                let _ = writeln!(out, "{}", indent(doc, "      "));
            }
        }
    }

    fn signature(&self, op: &crate::types::OpSig) -> String {
        let params: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                format!(
                    "{}: {}{}",
                    p.name,
                    self.types.display(&p.ty),
                    if p.has_default { " = …" } else { "" }
                )
            })
            .collect();
        format!(
            "{}({}) -> {}",
            op.name,
            params.join(", "),
            self.types.display(&op.ret)
        )
    }

    /// A declaration as written, with its doc comment.
    fn source_with_doc(&self, item: &ast::Item) -> String {
        let start = item.doc.as_ref().map_or(item.span.start, |d| d.span.start) as usize;
        self.text[start..item.span.end as usize].to_string()
    }

    fn op(&self, adaptor: &str, name: &str) -> Result<String, String> {
        let Some(op) = self.module.ops.iter().find(|o| o.name == name) else {
            let names: Vec<&str> = self.module.ops.iter().map(|o| o.name.as_str()).collect();
            let hint = crate::types::report_did_you_mean(name, &names)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(format!(
                "the adaptor `{adaptor}` has no op `{name}`{hint} (its ops: {})",
                names.join(", ")
            ));
        };
        let mut out = String::new();
        let _ = writeln!(out, "{adaptor}.{}", self.signature(op));
        if let Some(doc) = &op.doc {
            let _ = writeln!(out, "\n{}", indent(doc, "  "));
        }
        if let Some(item) = self
            .file
            .items
            .iter()
            .find(|i| matches!(&i.kind, ItemKind::Op(o) if o.name.name == name))
            && let ItemKind::Op(decl) = &item.kind
            && let ast::OpBinding::Http(http) = &decl.binding
        {
            let binding = &self.text[http.method.span.start as usize..item.span.end as usize];
            let _ = writeln!(out, "\nrequest:\n{}", indent(binding, "  "));
        }
        // The named types it takes and gives, spelled out.
        let mut shown: Vec<String> = Vec::new();
        let mut named = Vec::new();
        for ty in op
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(std::iter::once(&op.ret))
        {
            collect_named(ty, self.types, &mut named, 0);
        }
        for id in named {
            let nt = self.types.get(id);
            let short = nt.name.rsplit('.').next().unwrap_or(&nt.name).to_string();
            if shown.contains(&short) {
                continue;
            }
            if let Some(item) = self
                .file
                .items
                .iter()
                .find(|i| matches!(&i.kind, ItemKind::Type { name, .. } if name.name == short))
            {
                let _ = writeln!(out, "\n{}", indent(&self.source_with_doc(item), "  "));
                shown.push(short);
            }
        }
        self.sent_fields(op, &mut out);
        Ok(out)
    }

    /// For each named record type an op takes: which of its fields a request
    /// must give (required), may leave out (`name?: T`: left out when it has no
    /// value) and may give as `null` (`name: T?`: sent as `null`), as
    /// docs/language.md "Absent and null" writes them.
    fn sent_fields(&self, op: &crate::types::OpSig, out: &mut String) {
        let mut named = Vec::new();
        for p in &op.params {
            collect_named(&p.ty, self.types, &mut named, 0);
        }
        let mut first = true;
        for id in named {
            let nt = self.types.get(id);
            let Ty::Record(record) = self.types.resolve(&nt.ty) else {
                continue;
            };
            let names = |keep: &dyn Fn(&crate::types::Field) -> bool| -> String {
                let list: Vec<&str> = record
                    .fields
                    .iter()
                    .filter(|f| keep(f))
                    .map(|f| f.name.as_str())
                    .collect();
                if list.is_empty() {
                    "-".to_string()
                } else {
                    list.join(", ")
                }
            };
            let nullable = |f: &crate::types::Field| self.types.admits_null(&f.ty);
            if first {
                let _ = writeln!(out, "\nfields to send:");
                first = false;
            }
            let short = nt.name.rsplit('.').next().unwrap_or(&nt.name);
            let _ = writeln!(out, "\n  {short}:");
            let _ = writeln!(
                out,
                "    required: {}",
                names(&|f| !f.optional && !nullable(f))
            );
            let _ = writeln!(
                out,
                "    optional (left out when absent or null): {}",
                names(&|f| f.optional && !nullable(f))
            );
            let _ = writeln!(
                out,
                "    nullable (left out when absent, sent as null when null): {}",
                names(&|f| nullable(f))
            );
        }
    }
}

/// Named types mentioned in a type, outermost first, each once.
fn collect_named(ty: &Ty, types: &TypeTable, out: &mut Vec<crate::types::TypeId>, depth: u32) {
    if depth > 3 {
        return;
    }
    match ty {
        Ty::Named(id) if !out.contains(id) => {
            out.push(*id);
            collect_named(&types.get(*id).ty, types, out, depth + 1);
        }
        Ty::List(t) | Ty::Map(t) => collect_named(t, types, out, depth),
        Ty::Union(members) => members
            .iter()
            .for_each(|m| collect_named(m, types, out, depth)),
        Ty::Record(r) => r
            .fields
            .iter()
            .for_each(|f| collect_named(&f.ty, types, out, depth)),
        _ => {}
    }
}

//! Hover and go-to-definition: what the checker recorded for the name at an
//! offset (`TypeInfo::defs`), or the declaration whose name is there.

use super::env::Env;
use super::render;
use super::walk::{Node, children};
use super::{Hover, Location};
use crate::source::{SourceId, Span};
use crate::syntax::ast::{self, ExprKind, ItemKind, RecordEntry, StmtKind};
use crate::types::{Def, Field, Ty};

/// The recorded name at `offset`: the smallest span that holds it, one that the
/// offset is inside before one it is at the end of.
fn def_at<'a>(env: &Env<'a>, offset: usize) -> Option<(Span, &'a Def)> {
    let mut best: Option<(Span, &'a Def)> = None;
    let rank = |span: Span| (offset == span.end as usize, span.len());
    for ((file, span), def) in &env.analysis.checked.info.defs {
        if *file != env.file || !span.contains(offset) || span.is_empty() {
            continue;
        }
        if best.is_none_or(|(b, _)| rank(*span) < rank(b)) {
            best = Some((*span, def));
        }
    }
    best
}

/// The nodes of the file's own tree from its item down to the innermost one
/// that holds `offset`.
fn path(file: &ast::File, offset: usize) -> Vec<Node<'_>> {
    let mut path = Vec::new();
    let mut nodes: Vec<Node<'_>> = file.items.iter().map(Node::Item).collect();
    loop {
        let Some(node) = nodes
            .iter()
            .copied()
            .filter(|n| n.span().contains(offset))
            .min_by_key(|n| (offset == n.span().end as usize, n.span().start))
        else {
            return path;
        };
        path.push(node);
        nodes = children(node);
    }
}

/// A declaration whose name is at `offset` and that the checker records no use
/// of there: a function's or const's name, a field of a record type or of
/// `config { }`, the adaptor's own name.
enum Declared {
    Fn(usize),
    Const(usize),
    Field(Field),
    Adaptor,
}

fn declared_at(env: &Env, offset: usize) -> Option<(Span, Declared)> {
    if let Some(header) = &env.ast.adaptor
        && header.name.span.contains(offset)
    {
        return Some((header.name.span, Declared::Adaptor));
    }
    let module = env.module();
    for node in path(env.ast, offset).into_iter().rev() {
        match node {
            Node::Item(item) => match &item.kind {
                ItemKind::Fn(f) if f.name.span.contains(offset) => {
                    let index = module
                        .fns
                        .iter()
                        .position(|s| s.origin == (env.file, f.name.span))?;
                    return Some((f.name.span, Declared::Fn(index)));
                }
                ItemKind::Const { name, .. } if name.span.contains(offset) => {
                    let index = module
                        .consts
                        .iter()
                        .position(|c| c.2 == (env.file, name.span))?;
                    return Some((name.span, Declared::Const(index)));
                }
                _ => {}
            },
            Node::Field(field) if field.name.span.contains(offset) => {
                let found = env.field_by_origin((env.file, field.name.span))?;
                return Some((field.name.span, Declared::Field(found)));
            }
            _ => {}
        }
    }
    None
}

pub(crate) fn definition(env: &Env, offset: usize) -> Option<Location> {
    if let Some((span, def)) = def_at(env, offset) {
        return def_location(env, span, def);
    }
    let (span, declared) = declared_at(env, offset)?;
    let span = match declared {
        Declared::Field(field) => field.origin.map_or(span, |o| o.1),
        _ => span,
    };
    Some(Location {
        file: env.file,
        span,
    })
}

fn location((file, span): (SourceId, Span)) -> Option<Location> {
    (file != SourceId(u32::MAX)).then_some(Location { file, span })
}

fn def_location(env: &Env, span: Span, def: &Def) -> Option<Location> {
    let modules = env.modules();
    match def {
        Def::Local { decl, .. } => (!decl.is_empty()).then_some(Location {
            file: env.file,
            span: *decl,
        }),
        Def::Fn { module, index } => location(modules[*module].fns[*index].origin),
        Def::Const { module, index } => location(modules[*module].consts[*index].2),
        Def::Type(id) => location(env.types().get(*id).origin),
        Def::Adaptor(module) => adaptor_location(env, *module),
        Def::Op { adaptor, index } => location(modules[*adaptor].ops[*index].origin),
        Def::Field {
            origin: Some(origin),
            ..
        } => location(*origin),
        Def::Field { origin: None, .. } => {
            config_section(env, span).and_then(|m| config_location(env, m))
        }
        Def::ConfigSection(module) => config_location(env, *module),
        Def::Global(name) => {
            env.ast
                .items
                .iter()
                .find_map(|item| match (&item.kind, name.as_str()) {
                    (ItemKind::Input(_), "input") | (ItemKind::Trigger(_), "trigger") => {
                        Some(Location {
                            file: env.file,
                            span: keyword_span(item),
                        })
                    }
                    _ => None,
                })
        }
        Def::Builtin(_) => None,
    }
}

/// The first word of an item: `input`, `trigger`, `config`.
fn keyword_span(item: &ast::Item) -> Span {
    let start = item.span.start as usize;
    let text = item_text(item);
    let len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    Span::new(start, start + len)
}

fn item_text(item: &ast::Item) -> &str {
    match &item.kind {
        ItemKind::Input(_) => "input",
        ItemKind::Trigger(_) => "trigger",
        ItemKind::Config { .. } => "config",
        _ => "",
    }
}

fn adaptor_location(env: &Env, module: usize) -> Option<Location> {
    let file = env.modules()[module].file;
    let header = env.ast_of(file)?.adaptor.as_ref()?;
    Some(Location {
        file,
        span: header.name.span,
    })
}

/// `config.dhis2`: the adaptor whose config section the field at `span` is.
fn config_section(env: &Env, span: Span) -> Option<usize> {
    if env.is_adaptor() {
        return None;
    }
    for node in path(env.ast, span.start as usize).into_iter().rev() {
        if let Node::Expr(ast::Expr {
            kind: ExprKind::Field { target, name, .. },
            ..
        }) = node
            && name.span == span
        {
            return match (&target.kind, env.def(target.span)) {
                (ExprKind::Name(_), Some(Def::Global(g))) if g == "config" => {
                    env.adaptor(&name.name)
                }
                _ => None,
            };
        }
    }
    None
}

fn config_location(env: &Env, module: usize) -> Option<Location> {
    let file = env.modules()[module].file;
    env.ast_of(file)?
        .items
        .iter()
        .find_map(|item| match item.kind {
            ItemKind::Config { .. } => Some(Location {
                file,
                span: keyword_span(item),
            }),
            _ => None,
        })
}

pub(crate) fn hover(env: &Env, offset: usize) -> Option<Hover> {
    if let Some((span, def)) = def_at(env, offset) {
        let (code, doc) = describe(env, span, def)?;
        return Some(Hover { span, code, doc });
    }
    let (span, declared) = declared_at(env, offset)?;
    let module = env.module();
    let (code, doc) = match declared {
        Declared::Fn(index) => {
            let sig = &module.fns[index];
            (
                render::declaration(env, &env.fn_callee(sig), None),
                sig.doc.clone(),
            )
        }
        Declared::Const(index) => {
            let (name, ty, origin) = &module.consts[index];
            (
                format!("const {name}: {}", env.shown(ty)),
                env.item_doc(*origin),
            )
        }
        Declared::Field(field) => (render::field(env, &field), field.doc.clone()),
        Declared::Adaptor => (
            format!(
                "adaptor {}",
                module.adaptor_name.as_deref().unwrap_or_default()
            ),
            module.doc.clone(),
        ),
    };
    Some(Hover { span, code, doc })
}

/// A name as a line of Ferry, and its doc.
fn describe(env: &Env, span: Span, def: &Def) -> Option<(String, Option<String>)> {
    let modules = env.modules();
    let qualifier = |module: usize| {
        (module != env.index)
            .then(|| modules[module].adaptor_name.as_deref())
            .flatten()
    };
    Some(match def {
        Def::Local { decl, mutable } => {
            let name = env.text_of(env.file, span);
            let ty = env
                .recorded(span)
                .or_else(|| env.recorded(*decl))
                .cloned()
                .unwrap_or(Ty::Error);
            let keyword = match local_kind(env, *decl) {
                Some(true) if *mutable => "var ",
                Some(true) => "let ",
                _ => "",
            };
            (format!("{keyword}{name}: {}", env.shown(&ty)), None)
        }
        Def::Fn { module, index } => {
            let sig = &modules[*module].fns[*index];
            (
                render::declaration(env, &env.fn_callee(sig), qualifier(*module)),
                sig.doc.clone(),
            )
        }
        Def::Const { module, index } => {
            let (name, ty, origin) = &modules[*module].consts[*index];
            (
                format!("const {name}: {}", env.shown(ty)),
                env.item_doc(*origin),
            )
        }
        Def::Type(id) => {
            let named = env.types().get(*id);
            (
                format!("type {} = {}", named.name, env.display(&named.ty)),
                named.doc.clone(),
            )
        }
        Def::Adaptor(module) => (
            format!(
                "adaptor {}",
                modules[*module].adaptor_name.as_deref().unwrap_or_default()
            ),
            modules[*module].doc.clone(),
        ),
        Def::Op { adaptor, index } => {
            let op = &modules[*adaptor].ops[*index];
            (
                render::declaration(
                    env,
                    &env.op_callee(op),
                    modules[*adaptor].adaptor_name.as_deref(),
                ),
                op.doc.clone(),
            )
        }
        Def::Field { name, origin, doc } => {
            let declared = origin.and_then(|o| env.field_by_origin(o));
            match declared {
                Some(field) => (render::field(env, &field), field.doc.clone()),
                None => {
                    let ty = field_in_context(env, span).unwrap_or(Ty::Error);
                    let doc = doc
                        .clone()
                        .or_else(|| config_section(env, span).and_then(|m| config_doc(env, m)));
                    (format!("{}: {}", render::key(name), env.display(&ty)), doc)
                }
            }
        }
        Def::Builtin(name) => {
            let callee = method_at(env, span).or_else(|| env.free_function(name, true))?;
            (render::declaration(env, &callee, None), callee.doc.clone())
        }
        Def::Global(name) => {
            let ty = env
                .recorded(span)
                .cloned()
                .or_else(|| env.global(name))
                .unwrap_or(Ty::Error);
            (format!("{name}: {}", env.display(&ty)), None)
        }
        Def::ConfigSection(module) => {
            let ty = modules[*module].config.clone().unwrap_or(Ty::Error);
            (
                format!(
                    "config.{}: {}",
                    modules[*module].adaptor_name.as_deref().unwrap_or_default(),
                    env.display(&ty)
                ),
                config_doc(env, *module),
            )
        }
    })
}

/// The doc of an adaptor's `config { }`.
fn config_doc(env: &Env, module: usize) -> Option<String> {
    let file = env.modules()[module].file;
    env.ast_of(file)?
        .items
        .iter()
        .find_map(|item| match item.kind {
            ItemKind::Config { .. } => item.doc.as_ref().map(|d| d.text.clone()),
            _ => None,
        })
}

/// Whether a local was declared by `let`/`var` (`Some(true)`), by something
/// else (`Some(false)`), or is not found.
fn local_kind(env: &Env, decl: Span) -> Option<bool> {
    for node in path(env.ast, decl.start as usize).into_iter().rev() {
        if let Node::Stmt(ast::Stmt {
            kind: StmtKind::Let { name, .. },
            ..
        }) = node
            && name.span == decl
        {
            return Some(true);
        }
    }
    Some(false)
}

/// The method named at `span` (`.upper` in `x.upper()`), with its signature for
/// the receiver's type.
fn method_at(env: &Env, span: Span) -> Option<super::env::Callee> {
    for node in path(env.ast, span.start as usize).into_iter().rev() {
        if let Node::Expr(ast::Expr {
            kind: ExprKind::Field { target, name, .. },
            ..
        }) = node
            && name.span == span
        {
            let receiver = env.recorded(target.span)?;
            return env.method(receiver, &name.name);
        }
    }
    None
}

/// The type of a field named at `span`, from where it is: an access, a record
/// literal's entry, or an index with a literal key.
fn field_in_context(env: &Env, span: Span) -> Option<Ty> {
    let path = path(env.ast, span.start as usize);
    for (i, node) in path.iter().enumerate().rev() {
        match node {
            Node::Expr(e) => match &e.kind {
                ExprKind::Field { name, .. } if name.span == span => {
                    return env.recorded(e.span).cloned();
                }
                ExprKind::Index { index, .. } if index.span == span => {
                    return env.recorded(e.span).cloned();
                }
                _ => {}
            },
            Node::Entry(RecordEntry::Field { name, .. }) if name.span == span => {
                let record = path.get(i.checked_sub(1)?)?;
                let ty = env.recorded(record.span())?;
                return env
                    .fields(ty)
                    .into_iter()
                    .find(|f| f.name == name.name)
                    .map(|f| super::env::field_value(&f));
            }
            _ => {}
        }
    }
    None
}

//! Layout of declarations and types.

use super::{Brackets, Doc, Entry, INDENT, Printer, Sep, text};
use crate::source::Span;
use crate::syntax::ast::*;
use pretty::RcDoc;

impl Printer<'_> {
    pub(super) fn file(&self, file: &File) -> Doc {
        let mut entries = Vec::new();
        if let Some(header) = &file.adaptor {
            entries.push(Entry::new(header.span, move || {
                text(format!("adaptor {}", header.name.name))
            }));
        }
        for item in &file.items {
            entries.push(Entry::new(item.span, move || self.item(item)));
        }
        let body = self.lines(entries, 0);
        match self.comments_before(u32::MAX) {
            Some(rest) if file.items.is_empty() && file.adaptor.is_none() => rest,
            Some(rest) => body.append(RcDoc::hardline()).append(rest),
            None => body,
        }
    }

    fn item(&self, item: &Item) -> Doc {
        match &item.kind {
            ItemKind::Use { adaptor, alias } => {
                let doc = text(format!("use {}", adaptor.name));
                match alias {
                    Some(alias) => doc.append(text(format!(" as {}", alias.name))),
                    None => doc,
                }
            }
            ItemKind::Trigger(trigger) => text("trigger ").append(self.trigger(trigger)),
            ItemKind::Input(ty) => text("input: ").append(self.ty(ty)),
            ItemKind::Type { name, ty } => self.type_decl(name, ty),
            ItemKind::Const { name, ty, value } => {
                let head = text(format!("const {}", name.name));
                let head = match ty {
                    Some(ty) => head.append(text(": ")).append(self.ty(ty)),
                    None => head,
                };
                head.append(text(" = ")).append(self.expr(value))
            }
            ItemKind::Fn(f) => text(format!("fn {}", f.name.name))
                .append(self.params(&f.params, f.name.span.end, f.body.span.start))
                .append(self.return_type(&f.ret))
                .append(text(" "))
                .append(self.block(&f.body)),
            ItemKind::Test { name, body } => {
                text(format!("test {} ", self.slice(name.span))).append(self.block(body))
            }
            ItemKind::Config { fields } => text("config ").append(self.record_type_body(
                fields,
                false,
                item.span.to(item.span),
                true,
            )),
            ItemKind::Auth(e) => text("auth ").append(self.expr(e)),
            ItemKind::Base(e) => text("base ").append(self.expr(e)),
            ItemKind::Op(op) => self.op(op),
            ItemKind::Errors(decl) => self.errors(decl, item.span),
            ItemKind::Stmt(stmt) => self.stmt(stmt),
            ItemKind::Error => text(self.slice(item.span)),
        }
    }

    /// `errors {` with one entry a line, comments kept.
    fn errors(&self, decl: &ErrorsDecl, span: Span) -> Doc {
        let open = self.src[span.start as usize..span.end as usize]
            .find('{')
            .map_or(span.start, |i| span.start + i as u32 + 1);
        let entries: Vec<Entry> = decl
            .entries
            .iter()
            .map(|e| Entry::new(e.span, move || self.error_entry(e)))
            .collect();
        let empty = entries.is_empty();
        let body = self.lines(entries, open);
        let body = match (
            self.comments_before_closer(span.end.saturating_sub(1)),
            empty,
        ) {
            (Some(comments), true) => comments,
            (Some(comments), false) => body.append(RcDoc::hardline()).append(comments),
            (None, true) => return text("errors {}"),
            (None, false) => body,
        };
        text("errors {")
            .append(RcDoc::hardline().append(body).nest(INDENT))
            .append(RcDoc::hardline())
            .append(text("}"))
    }

    fn error_entry(&self, entry: &ErrorEntry) -> Doc {
        let mut line = entry.kind.name.to_string();
        if let Some(subject) = &entry.subject {
            line.push(' ');
            line.push_str(self.slice(subject.span()));
        }
        for (word, value) in &entry.clauses {
            line.push_str(&format!(" {} {}", word.name, self.slice(value.span)));
        }
        text(line)
    }

    fn trigger(&self, trigger: &Trigger) -> Doc {
        match trigger {
            Trigger::Webhook { path, auth, reply } => {
                let doc = text(format!("webhook {}", self.slice(path.span)));
                let doc = match auth {
                    Some(auth) => doc.append(text(" auth ")).append(self.expr(auth)),
                    None => doc,
                };
                if *reply {
                    doc.append(text(" reply"))
                } else {
                    doc
                }
            }
            Trigger::Cron { schedule, tz } => {
                let doc = text(format!("cron {}", self.slice(schedule.span)));
                match tz {
                    Some(tz) => doc.append(text(format!(" tz {}", self.slice(tz.span)))),
                    None => doc,
                }
            }
            Trigger::Every(d) => text(format!("every {}", self.slice(d.span))),
        }
    }

    fn type_decl(&self, name: &Ident, ty: &Type) -> Doc {
        let head = text(format!("type {} =", name.name));
        match &ty.kind {
            // A long union goes one member a line, each after a `|`.
            TypeKind::Union(members) => {
                let members: Vec<Doc> = members
                    .iter()
                    .map(|m| self.type_in(m, TypeContext::Union))
                    .collect();
                let broken_lead = text("| ").flat_alt(RcDoc::nil());
                let body = broken_lead.append(RcDoc::intersperse(
                    members,
                    RcDoc::line().append(text("| ")),
                ));
                head.append(RcDoc::line().append(body).nest(INDENT)).group()
            }
            _ => head.append(text(" ")).append(self.ty(ty)),
        }
    }

    /// `(a: T, b: U = default)`; `after_name` and `body_start` bound the parentheses.
    pub(super) fn params(&self, params: &[Param], after_name: u32, body_start: u32) -> Doc {
        let open = self.src[after_name as usize..body_start as usize]
            .find('(')
            .map_or(after_name, |i| after_name + i as u32);
        let close = params.last().map_or(open, |p| p.span.end);
        let close = self.src[close as usize..body_start as usize]
            .find(')')
            .map_or(close, |i| close + i as u32 + 1);
        let entries = params
            .iter()
            .map(|p| Entry::new(p.span, move || self.param(p)))
            .collect();
        let span = crate::source::Span {
            start: open,
            end: close,
        };
        self.bracketed(
            Brackets {
                open: "(",
                close: ")",
                padded: false,
                sep: Sep::Comma,
                trailing_comma: true,
                span,
            },
            entries,
        )
    }

    pub(super) fn param(&self, p: &Param) -> Doc {
        let mut doc = text(p.name.name.to_string());
        if let Some(ty) = &p.ty {
            doc = doc.append(text(": ")).append(self.ty(ty));
        }
        if let Some(default) = &p.default {
            doc = doc.append(text(" = ")).append(self.expr(default));
        }
        doc
    }

    fn return_type(&self, ret: &Option<Type>) -> Doc {
        match ret {
            Some(ty) => text(" -> ").append(self.ty(ty)),
            None => RcDoc::nil(),
        }
    }

    fn op(&self, op: &OpDecl) -> Doc {
        let params_end = op
            .ret
            .as_ref()
            .map_or(self.src.len() as u32, |t| t.span.start);
        let head = text(format!("op {}", op.name.name))
            .append(self.params(&op.params, op.name.span.end, params_end))
            .append(self.return_type(&op.ret));
        let binding = match &op.binding {
            OpBinding::Native(_) => return head.append(text(" = native")),
            OpBinding::Http(http) => http,
            OpBinding::Error => return head,
        };
        let mut clauses =
            vec![text(format!("{} ", binding.method.name)).append(self.expr(&binding.path))];
        let mut clause = |word: &str, e: &Option<Expr>| {
            if let Some(e) = e {
                clauses.push(text(format!("{word} ")).append(self.expr(e)));
            }
        };
        clause("query", &binding.query);
        clause("headers", &binding.headers);
        clause("body", &binding.body);
        clause("result", &binding.result);
        if let Some(paged) = &binding.paged {
            let mut doc = text("paged");
            if let Some(by) = &paged.by {
                doc = doc.append(text(format!(
                    " {} \"{}\"",
                    by.kind.keyword(),
                    super::expr::escape(&by.name.value)
                )));
            }
            if let Some(next) = &paged.next {
                doc = doc.append(text(" next ")).append(self.expr(next));
            }
            doc = doc.append(text(" items ")).append(self.expr(&paged.items));
            if let Some(total) = &paged.total {
                doc = doc.append(text(" total ")).append(self.expr(total));
            }
            clauses.push(doc);
        }
        if binding.idempotent.is_some() {
            clauses.push(text("idempotent"));
        }
        let mut clauses = clauses.into_iter();
        let first = clauses.next().unwrap_or_else(RcDoc::nil);
        let rest = clauses.fold(RcDoc::nil(), |doc, c| doc.append(RcDoc::line()).append(c));
        head.append(
            RcDoc::line()
                .append(text("= "))
                .append(first)
                .append(rest.nest(INDENT))
                .nest(INDENT),
        )
        .group()
    }

    pub(super) fn ty(&self, ty: &Type) -> Doc {
        self.type_in(ty, TypeContext::Any)
    }

    fn type_in(&self, ty: &Type, context: TypeContext) -> Doc {
        crate::stack::deep(|| self.type_in_inner(ty, context))
    }

    fn type_in_inner(&self, ty: &Type, context: TypeContext) -> Doc {
        let doc = match &ty.kind {
            TypeKind::Name {
                adaptor: Some(a),
                name,
            } => text(format!("{}.{}", a.name, name.name)),
            TypeKind::Name {
                adaptor: None,
                name,
            } => text(name.name.to_string()),
            TypeKind::Literal(_) => text(self.slice(ty.span)),
            TypeKind::Optional(inner) => {
                self.type_in(inner, TypeContext::Optional).append(text("?"))
            }
            TypeKind::List(inner) => text("[").append(self.ty(inner)).append(text("]")),
            TypeKind::Map(inner) => text("{String: ").append(self.ty(inner)).append(text("}")),
            TypeKind::Record { fields, open } => {
                self.record_type_body(fields, *open, ty.span, false)
            }
            TypeKind::Union(members) => {
                let members: Vec<Doc> = members
                    .iter()
                    .map(|m| self.type_in(m, TypeContext::Union))
                    .collect();
                RcDoc::intersperse(members, text(" | "))
            }
            TypeKind::Fn { params, ret } => {
                let params: Vec<Doc> = params.iter().map(|p| self.ty(p)).collect();
                text("fn(")
                    .append(RcDoc::intersperse(params, text(", ")))
                    .append(text(") -> "))
                    .append(self.ty(ret))
            }
            TypeKind::Error => text(self.slice(ty.span)),
        };
        let needs_parens = matches!(
            (&ty.kind, context),
            (TypeKind::Union(_), TypeContext::Optional)
                | (
                    TypeKind::Fn { .. },
                    TypeContext::Optional | TypeContext::Union
                )
        );
        if needs_parens {
            text("(").append(doc).append(text(")"))
        } else {
            doc
        }
    }

    /// `{ a: T, b?: U, .. }`, the fields of `config` included.
    fn record_type_body(
        &self,
        fields: &[FieldType],
        open: bool,
        span: crate::source::Span,
        is_config: bool,
    ) -> Doc {
        let mut entries: Vec<Entry> = fields
            .iter()
            .map(|f| {
                Entry::new(f.span, move || {
                    let name = self.field_name(&f.name);
                    let name = if f.optional {
                        name.append(text("?"))
                    } else {
                        name
                    };
                    name.append(text(": ")).append(self.ty(&f.ty))
                })
            })
            .collect();
        if open {
            let end = span.end.saturating_sub(1);
            let at = self.src[..end as usize]
                .rfind("..")
                .map_or(end, |i| i as u32);
            entries.push(Entry::new(
                crate::source::Span {
                    start: at,
                    end: at + 2,
                },
                || text(".."),
            ));
        }
        let span = if is_config {
            let brace = self.src[span.start as usize..]
                .find('{')
                .map_or(span.start, |i| span.start + i as u32);
            crate::source::Span {
                start: brace,
                end: span.end,
            }
        } else {
            span
        };
        let brackets = Brackets {
            open: "{",
            close: "}",
            padded: true,
            sep: Sep::Comma,
            trailing_comma: !open,
            span,
        };
        self.bracketed(brackets, entries)
    }

    pub(super) fn field_name(&self, name: &FieldName) -> Doc {
        if name.quoted {
            text(self.slice(name.span))
        } else {
            text(name.name.to_string())
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum TypeContext {
    Any,
    Optional,
    Union,
}

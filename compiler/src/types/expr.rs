//! Expressions: each gets a type, checked against what its place expects.

use super::items::Checker;
use super::report::{self, codes};
use super::scope::{FrameKind, Path, Root};
use super::ty::{Field, Lit, Ty};
use super::{Def, ParamTy};
use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, RecordEntry, TemplatePart, UnaryOp};
use smol_str::SmolStr;

/// What a condition tells about paths when it is true, and when it is false.
#[derive(Default, Debug)]
pub(super) struct Facts {
    pub when_true: Vec<(Path, Ty)>,
    pub when_false: Vec<(Path, Ty)>,
}

impl<'a> Checker<'a> {
    /// Checks an expression. `expected` guides literals, lambdas, records and
    /// empty lists; the caller checks the result against what it needs.
    pub fn expr(&mut self, e: &'a ast::Expr, expected: Option<&Ty>) -> Ty {
        if (self.stop)() {
            return Ty::Error;
        }
        let ty = crate::stack::deep(|| self.expr_kind(e, expected));
        self.info
            .expr_types
            .insert((self.file(), e.span), ty.clone());
        ty
    }

    /// Checks that a value of type `found` may go where `expected` is needed.
    pub fn expect_type(&mut self, span: Span, found: &Ty, expected: &Ty, what: &str) -> bool {
        match self.types.assignable(found, expected) {
            Ok(()) => true,
            Err(why) => {
                let d =
                    report::mismatch(&self.types, self.file(), span, what, expected, found, &why);
                self.error(d);
                false
            }
        }
    }

    /// An expression in `auth`: `Secret`s may be interpolated there.
    pub fn expr_allowing_secrets(&mut self, e: &'a ast::Expr) -> Ty {
        if let ExprKind::Template(parts) = &e.kind {
            for part in parts {
                if let TemplatePart::Expr(inner) = part {
                    let ty = self.expr(inner, None);
                    if !self.types.is_assignable(&ty, &Ty::Secret)
                        && !self.types.is_assignable(&ty, &Ty::optional(Ty::Secret))
                    {
                        self.printable(inner.span, &ty, "an interpolation");
                    }
                }
            }
            self.info
                .expr_types
                .insert((self.file(), e.span), Ty::Secret);
            return Ty::Secret;
        }
        self.expr(e, None)
    }

    /// A value that is printed (`log`, `output`, `"${…}"`): anything but a Secret.
    pub fn printable(&mut self, span: Span, ty: &Ty, what: &str) {
        if self.types.contains_secret(ty, 0) {
            let d = Diagnostic::error(
                codes::SECRET_LEAK,
                self.file(),
                span,
                format!("a `Secret` cannot reach {what}"),
            )
            .with_label(if matches!(self.types.resolve(ty), Ty::Secret) {
                "this is a Secret".to_string()
            } else {
                format!("this holds a Secret: `{}`", self.types.display(ty))
            })
            .with_note(report::SECRET_NOTE);
            self.error(d);
        } else {
            self.not_function(span, ty, &format!("reach {what}"));
        }
    }

    /// A function is not a JSON value: it can be called or passed to a function,
    /// but not kept in a list, record or map, compared, output, or given back by
    /// a lambda.
    pub fn not_function(&mut self, span: Span, ty: &Ty, what: &str) {
        if !self.types.contains_fn(ty) {
            return;
        }
        let label = if matches!(self.types.resolve(ty), Ty::Fn(_)) {
            "this is a function".to_string()
        } else {
            format!("this holds a function: `{}`", self.types.display(ty))
        };
        self.error(
            Diagnostic::error(
                codes::FUNCTION_AS_DATA,
                self.file(),
                span,
                format!("a function cannot {what}"),
            )
            .with_label(label)
            .with_note("every value a job keeps is JSON; call the function here, or pass it to a function that calls it"),
        );
    }

    fn expr_kind(&mut self, e: &'a ast::Expr, expected: Option<&Ty>) -> Ty {
        let file = self.file();
        match &e.kind {
            ExprKind::Literal(lit) => match lit {
                ast::Literal::Null => Ty::Null,
                ast::Literal::Bool(b) => Ty::Lit(Lit::Bool(*b)),
                ast::Literal::Int(n) => Ty::Lit(Lit::Int(*n)),
                ast::Literal::Float(_) => Ty::Float,
                ast::Literal::Str(s) => Ty::Lit(Lit::Str(SmolStr::new(s))),
            },
            ExprKind::Duration(_) => Ty::Int,
            ExprKind::Template(parts) => {
                for part in parts {
                    if let TemplatePart::Expr(inner) = part {
                        let ty = self.expr(inner, None);
                        self.printable(inner.span, &ty, "a string");
                    }
                }
                Ty::String
            }
            ExprKind::Name(name) => self.name(e, name),
            ExprKind::List(items) => self.list(e, items, expected),
            ExprKind::Record(entries) => self.record(e, entries, expected),
            ExprKind::Field { .. } | ExprKind::Index { .. } | ExprKind::Call { .. } => {
                let (ty, optional) = self.chain(e, expected);
                if optional && !self.types.is_optional(&ty) {
                    Ty::optional(ty)
                } else {
                    ty
                }
            }
            ExprKind::Unary { op, operand } => self.unary(*op, operand),
            ExprKind::Binary { op, lhs, rhs } => self.binary(e, *op, lhs, rhs, expected),
            ExprKind::As { expr, ty } => {
                let target = self.resolve_type(ty);
                let found = self.expr(expr, None);
                let widening = self.types.is_assignable(&found, &target);
                let narrowing = self.types.is_assignable(&target, &found)
                    || matches!(self.types.resolve(&found), Ty::Json);
                if !widening && !narrowing && !found.is_error() && !target.is_error() {
                    let (f, t) = (self.shown(&found), self.types.display(&target));
                    let mut d = Diagnostic::error(codes::BAD_CONVERSION, file, e.span, format!("a `{f}` can never be a `{t}`"))
                        .with_label(format!("this is `{f}`"))
                        .with_note("`as` checks `Json`, or a wider type, against a narrower one when the job runs");
                    if self.types.is_assignable(&target, &Ty::String)
                        && matches!(self.types.resolve(&found), Ty::Int | Ty::Float)
                    {
                        d = d.with_note("to write a number as text, use `.to_string()`");
                    }
                    self.error(d);
                    return Ty::Error;
                }
                target
            }
            ExprKind::Lambda { params, body } => self.lambda(e, params, body, expected),
            ExprKind::If(if_expr) => self.if_expr(if_expr, expected),
            ExprKind::Match(m) => self.match_expr(m, expected),
            ExprKind::Error => Ty::Error,
        }
    }

    fn name(&mut self, e: &'a ast::Expr, name: &SmolStr) -> Ty {
        let file = self.file();
        if let Some(local) = self.ctx.scopes.lookup(name) {
            self.ctx.scopes.get_mut(local).used = true;
            let info = self.ctx.scopes.get(local).clone();
            self.define(
                e.span,
                Def::Local {
                    decl: info.decl,
                    mutable: info.mutable,
                },
            );
            if self.ctx.in_const {
                self.not_constant(e.span, &format!("`{name}`"));
            }
            let path = Path {
                root: Root::Local(local),
                fields: Vec::new(),
            };
            return self.ctx.scopes.narrowed(&path).cloned().unwrap_or(info.ty);
        }
        match name.as_str() {
            "input" | "trigger" => {
                if self.is_adaptor() {
                    self.error(Diagnostic::error(
                        codes::UNKNOWN_NAME,
                        file,
                        e.span,
                        format!("an adaptor cannot read `{name}`"),
                    ));
                    return Ty::Error;
                }
                if self.ctx.in_const {
                    self.not_constant(e.span, &format!("`{name}`"));
                }
                self.define(e.span, Def::Global(name.clone()));
                let path = Path {
                    root: Root::Global(name.clone()),
                    fields: Vec::new(),
                };
                if let Some(ty) = self.ctx.scopes.narrowed(&path) {
                    return ty.clone();
                }
                return if name == "input" {
                    self.module().input.clone()
                } else {
                    self.trigger_type()
                };
            }
            "config" => {
                if self.ctx.in_const {
                    self.not_constant(e.span, "`config`");
                }
                self.define(e.span, Def::Global(name.clone()));
                return self.config_type();
            }
            _ => {}
        }
        let module = self.ctx.module;
        if let Some(index) = self.fn_index(module, name) {
            self.define(e.span, Def::Fn { module, index });
            if self.ctx.in_const {
                self.not_constant(e.span, &format!("the function `{name}`"));
            }
            return match self.ensure_fn(module, index) {
                Some(sig) => sig.fn_ty(),
                None => self.recursive(e.span, name),
            };
        }
        if let Some(index) = self.const_index(module, name) {
            self.define(e.span, Def::Const { module, index });
            return self.ensure_const(module, index).unwrap_or_else(|| {
                self.error(Diagnostic::error(
                    codes::NOT_CONSTANT,
                    file,
                    e.span,
                    format!("the const `{name}` depends on itself"),
                ));
                Ty::Error
            });
        }
        if let Some(adaptor) = self.adaptor_alias(name) {
            self.define(e.span, Def::Adaptor(adaptor));
            self.error(
                Diagnostic::error(
                    codes::ADAPTOR_NOT_VALUE,
                    file,
                    e.span,
                    format!("`{name}` is an adaptor, not a value"),
                )
                .with_note(format!(
                    "call one of its ops: `{name}.op_name(…)` (see `ferry docs {name}`)"
                )),
            );
            return Ty::Error;
        }
        if self.module().unresolved_uses.contains(name) {
            return Ty::Error;
        }
        if let Some(f) = super::methods::free_functions(self.ctx.in_test)
            .into_iter()
            .find(|f| f.name == name.as_str())
        {
            self.define(e.span, Def::Builtin(name.clone()));
            return Ty::func(
                f.params
                    .iter()
                    .map(|(n, t, d)| ParamTy {
                        name: Some(SmolStr::new(n)),
                        ty: t.clone(),
                        has_default: *d,
                    })
                    .collect(),
                f.ret,
            );
        }
        self.unknown_name(e.span, name);
        Ty::Error
    }

    pub(super) fn unknown_name(&mut self, span: Span, name: &str) {
        let mut candidates: Vec<String> = Vec::new();
        candidates.extend(
            self.ctx
                .scopes
                .visible_names()
                .iter()
                .map(|n| n.to_string()),
        );
        candidates.extend(self.module().fns.iter().map(|f| f.name.to_string()));
        candidates.extend(self.module().consts.iter().map(|c| c.0.to_string()));
        candidates.extend(self.module().uses.iter().map(|u| u.0.to_string()));
        candidates.extend(
            super::methods::free_functions(self.ctx.in_test)
                .iter()
                .map(|f| f.name.to_string()),
        );
        candidates.extend(["input", "config", "trigger"].iter().map(|s| s.to_string()));
        let suggestion = report::did_you_mean(name, candidates.iter().map(|s| s.as_str()));
        // The misspelt use was meant for that local: it is not unused.
        if let Some(local) = suggestion.and_then(|s| self.ctx.scopes.lookup(s)) {
            self.ctx.scopes.get_mut(local).used = true;
        }
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            self.file(),
            span,
            format!("no `{name}` here"),
        )
        .with_label("not declared");
        self.error(report::suggest(d, suggestion, report::plain));
    }

    pub(super) fn recursive(&mut self, span: Span, name: &str) -> Ty {
        self.error(
            Diagnostic::error(
                codes::RECURSIVE_INFERENCE,
                self.file(),
                span,
                format!("`{name}` is recursive, so its return type must be written"),
            )
            .with_note(format!("declare it: `fn {name}(…) -> Type {{ … }}`")),
        );
        Ty::Error
    }

    pub(super) fn not_constant(&mut self, span: Span, what: &str) {
        self.error(
            Diagnostic::error(codes::NOT_CONSTANT, self.file(), span, format!("a `const` cannot use {what}"))
                .with_note("a `const` is computed before the job starts, from literals and other consts; use `let` for values computed from the input"),
        );
    }

    /// `trigger`: what the job's trigger provides (docs/language.md §12).
    pub(super) fn trigger_type(&self) -> Ty {
        super::trigger_type(self.module().trigger.as_ref())
    }

    /// `config`: in a job, a section per adaptor it uses; in an adaptor, its own fields.
    pub(super) fn config_type(&self) -> Ty {
        if self.is_adaptor() {
            return self
                .module()
                .config
                .clone()
                .unwrap_or_else(|| Ty::record(Vec::new(), false));
        }
        let fields = self
            .module()
            .uses
            .iter()
            .map(|(alias, m)| Field {
                name: alias.clone(),
                ty: self.modules[*m]
                    .config
                    .clone()
                    .unwrap_or_else(|| Ty::record(Vec::new(), false)),
                optional: false,
                doc: None,
                origin: None,
            })
            .collect();
        Ty::record(fields, false)
    }

    fn list(&mut self, e: &'a ast::Expr, items: &'a [ast::Expr], expected: Option<&Ty>) -> Ty {
        let element = expected.and_then(|t| match self.types.resolve(t) {
            Ty::List(el) => Some((**el).clone()),
            Ty::Union(members) => members.iter().find_map(|m| match self.types.resolve(m) {
                Ty::List(el) => Some((**el).clone()),
                _ => None,
            }),
            _ => None,
        });
        if items.is_empty() {
            return Ty::list(element.unwrap_or(Ty::Never));
        }
        let mut joined: Option<Ty> = None;
        for item in items {
            let ty = self.expr(item, element.as_ref());
            self.not_function(item.span, &ty, "be kept in a list");
            if let Some(el) = &element
                && !self.expect_type(item.span, &ty, el, "a list element")
            {
                continue;
            }
            joined = Some(match joined {
                Some(j) => self.types.join(&j, &ty),
                None => ty,
            });
        }
        let _ = e;
        match element {
            Some(el) => Ty::list(el),
            None => Ty::list(joined.unwrap_or(Ty::Never)),
        }
    }

    fn record(
        &mut self,
        e: &'a ast::Expr,
        entries: &'a [RecordEntry],
        expected: Option<&Ty>,
    ) -> Ty {
        let file = self.file();
        let target = expected.and_then(|t| self.record_target(t));
        let mut fields: Vec<Field> = Vec::new();
        let mut spread_open = false;
        let mut bad = false;
        for entry in entries {
            match entry {
                RecordEntry::Spread(value) => {
                    let ty = self.expr(value, None);
                    match self.types.resolve(&ty).clone() {
                        Ty::Record(r) => {
                            spread_open |= r.open;
                            for f in &r.fields {
                                fields.retain(|g| g.name != f.name);
                                fields.push(f.clone());
                            }
                        }
                        Ty::Error => bad = true,
                        other => {
                            self.error(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    file,
                                    value.span,
                                    format!(
                                        "only a record can be spread, not `{}`",
                                        self.types.display(&other)
                                    ),
                                )
                                .with_label("not a record"),
                            );
                            bad = true;
                        }
                    }
                }
                RecordEntry::Field { name, value } => {
                    if let Some(ty) =
                        self.record_field(name.span, &name.name, Some(value), None, target.as_ref())
                    {
                        fields.retain(|g| g.name != name.name);
                        fields.push(Ty::field(&name.name, ty));
                    }
                }
                RecordEntry::Shorthand(ident) => {
                    if let Some(ty) = self.record_field(
                        ident.span,
                        &ident.name,
                        None,
                        Some(ident),
                        target.as_ref(),
                    ) {
                        fields.retain(|g| g.name != ident.name);
                        fields.push(Ty::field(&ident.name, ty));
                    }
                }
            }
        }
        let mut seen: Vec<&SmolStr> = Vec::new();
        for entry in entries {
            let name = match entry {
                RecordEntry::Field { name, .. } => (&name.name, name.span),
                RecordEntry::Shorthand(i) => (&i.name, i.span),
                RecordEntry::Spread(_) => continue,
            };
            if seen.contains(&name.0) {
                self.error(Diagnostic::error(
                    codes::DUPLICATE_FIELD,
                    file,
                    name.1,
                    format!("the field `{}` is given twice", name.0),
                ));
            }
            seen.push(name.0);
        }
        if bad {
            return Ty::Error;
        }
        let own = Ty::record(fields.clone(), spread_open);
        let Some((target_ty, target_record)) = target else {
            return own;
        };
        // A misspelt field is one mistake: its suggestion is not also missing.
        let misspelt: Vec<&str> = entries
            .iter()
            .filter_map(|entry| match entry {
                RecordEntry::Field { name, .. } => Some(name.name.as_str()),
                RecordEntry::Shorthand(i) => Some(i.name.as_str()),
                RecordEntry::Spread(_) => None,
            })
            .filter(|n| !target_record.fields.iter().any(|f| f.name == *n))
            .filter_map(|n| {
                report::did_you_mean(n, target_record.fields.iter().map(|f| f.name.as_str()))
            })
            .collect();
        let missing: Vec<&Field> = target_record
            .fields
            .iter()
            .filter(|f| {
                !f.optional
                    && !fields.iter().any(|g| g.name == f.name)
                    && !misspelt.contains(&f.name.as_str())
            })
            .collect();
        if !missing.is_empty() && !spread_open {
            let list = missing
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ");
            let word = if missing.len() == 1 {
                "field"
            } else {
                "fields"
            };
            let insert = missing
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}, ",
                        report::field_key(&f.name),
                        self.placeholder(&f.ty)
                    )
                })
                .collect::<String>();
            let at = (e.span.start + 1) as usize;
            let d = Diagnostic::error(
                codes::MISSING_FIELDS,
                file,
                Span::new(e.span.start as usize, at),
                format!(
                    "this `{}` lacks the required {word} {list}",
                    self.types.display(&target_ty)
                ),
            )
            .with_label(format!("missing {list}"))
            .with_fix(
                format!("add the missing {word}"),
                vec![Edit {
                    span: Span::new(at, at),
                    replacement: format!(" {insert}"),
                }],
            );
            self.error(d);
        }
        target_ty
    }

    /// The record type a literal is checked against, from what is expected.
    fn record_target(&self, expected: &Ty) -> Option<(Ty, std::sync::Arc<super::ty::Record>)> {
        match self.types.resolve(expected) {
            Ty::Record(r) => Some((expected.clone(), r.clone())),
            Ty::Union(members) => {
                let records: Vec<&Ty> = members
                    .iter()
                    .filter(|m| matches!(self.types.resolve(m), Ty::Record(_)))
                    .collect();
                match records.as_slice() {
                    [one] => self.record_target(one),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// One field of a record literal, checked against the target type's field.
    fn record_field(
        &mut self,
        name_span: Span,
        name: &SmolStr,
        value: Option<&'a ast::Expr>,
        shorthand: Option<&'a ast::Ident>,
        target: Option<&(Ty, std::sync::Arc<super::ty::Record>)>,
    ) -> Option<Ty> {
        let file = self.file();
        let declared = target.and_then(|(_, r)| r.fields.iter().find(|f| f.name == *name).cloned());
        if let (Some((target_ty, record)), None) = (target, &declared)
            && !record.open
        {
            let suggestion =
                report::did_you_mean(name, record.fields.iter().map(|f| f.name.as_str()));
            let d = Diagnostic::error(
                codes::UNKNOWN_FIELD,
                file,
                name_span,
                format!("`{}` has no field `{name}`", self.types.display(target_ty)),
            )
            .with_label("unknown field");
            let d = report::suggest(d, suggestion, report::field_key);
            let d = report::declared_here(d, suggestion, &record.fields);
            self.error(d);
        }
        if let Some(f) = &declared {
            self.define(
                name_span,
                Def::Field {
                    name: f.name.clone(),
                    origin: f.origin,
                    doc: f.doc.clone(),
                },
            );
        }
        let expected = declared.as_ref().map(|f| {
            if f.optional {
                Ty::optional(f.ty.clone())
            } else {
                f.ty.clone()
            }
        });
        let (ty, span) = match (value, shorthand) {
            (Some(value), _) => (self.expr(value, expected.as_ref()), value.span),
            (None, Some(ident)) => {
                let e = ast::Expr {
                    kind: ExprKind::Name(ident.name.clone()),
                    span: ident.span,
                };
                // The shorthand is its own name expression; check it through a leaked-free path.
                (self.shorthand(&e), ident.span)
            }
            (None, None) => return None,
        };
        self.not_function(span, &ty, "be kept in a record");
        if let Some(expected) = &expected {
            let what = format!("the field `{name}`");
            self.expect_type(span, &ty, expected, &what);
            return Some(expected.clone());
        }
        Some(ty)
    }

    fn shorthand(&mut self, e: &ast::Expr) -> Ty {
        let ExprKind::Name(name) = &e.kind else {
            return Ty::Error;
        };
        if let Some(local) = self.ctx.scopes.lookup(name) {
            self.ctx.scopes.get_mut(local).used = true;
            let info = self.ctx.scopes.get(local).clone();
            self.define(
                e.span,
                Def::Local {
                    decl: info.decl,
                    mutable: info.mutable,
                },
            );
            self.info
                .expr_types
                .insert((self.file(), e.span), info.ty.clone());
            let path = Path {
                root: Root::Local(local),
                fields: Vec::new(),
            };
            return self.ctx.scopes.narrowed(&path).cloned().unwrap_or(info.ty);
        }
        let module = self.ctx.module;
        if let Some(index) = self.const_index(module, name) {
            self.define(e.span, Def::Const { module, index });
            return self.ensure_const(module, index).unwrap_or(Ty::Error);
        }
        self.unknown_name(e.span, name);
        Ty::Error
    }

    /// A type's placeholder value, for "add the missing fields".
    fn placeholder(&self, ty: &Ty) -> String {
        match self.types.resolve(ty) {
            Ty::Int => "0".into(),
            Ty::Float => "0.0".into(),
            Ty::Bool => "false".into(),
            Ty::List(_) => "[]".into(),
            Ty::Map(_) | Ty::Record(_) => "{}".into(),
            Ty::Lit(lit) => lit.to_string(),
            Ty::Union(members) => members
                .first()
                .map_or("null".into(), |m| self.placeholder(m)),
            Ty::Null | Ty::Json => "null".into(),
            _ => "\"\"".into(),
        }
    }

    fn unary(&mut self, op: UnaryOp, operand: &'a ast::Expr) -> Ty {
        let ty = self.expr(operand, None);
        match (op, self.types.resolve(&ty).clone()) {
            (_, Ty::Error) => Ty::Error,
            (UnaryOp::Neg, Ty::Int | Ty::Lit(Lit::Int(_))) => Ty::Int,
            (UnaryOp::Neg, Ty::Float) => Ty::Float,
            (UnaryOp::Not, t) if self.types.is_assignable(&t, &Ty::Bool) => Ty::Bool,
            (op, _) => {
                let (symbol, wants) = match op {
                    UnaryOp::Neg => ("-", "a number"),
                    UnaryOp::Not => ("not", "a `Bool`"),
                };
                let found = self.shown(&ty);
                self.error(
                    Diagnostic::error(
                        codes::BAD_OPERANDS,
                        self.file(),
                        operand.span,
                        format!("`{symbol}` needs {wants}, found `{found}`"),
                    )
                    .with_label(format!("this is `{found}`")),
                );
                Ty::Error
            }
        }
    }

    pub(super) fn condition(&mut self, cond: &'a ast::Expr) -> Facts {
        let ty = self.expr(cond, Some(&Ty::Bool));
        if !self.types.is_assignable(&ty, &Ty::Bool) {
            let found = self.shown(&ty);
            let mut d = Diagnostic::error(
                codes::NOT_BOOL,
                self.file(),
                cond.span,
                format!("a condition must be a `Bool`, found `{found}`"),
            )
            .with_label(format!("this is `{found}`"));
            if self.types.is_optional(&ty) {
                d = d.with_note("to test for a value, write `x != null`");
            }
            self.error(d);
        }
        self.facts(cond)
    }

    /// What a condition proves, for narrowing.
    pub(super) fn facts(&mut self, cond: &ast::Expr) -> Facts {
        match &cond.kind {
            ExprKind::Binary {
                op: op @ (BinaryOp::Eq | BinaryOp::NotEq),
                lhs,
                rhs,
            } => {
                let (subject, null) = match (&lhs.kind, &rhs.kind) {
                    (_, ExprKind::Literal(ast::Literal::Null)) => (lhs, true),
                    (ExprKind::Literal(ast::Literal::Null), _) => (rhs, true),
                    _ => (lhs, false),
                };
                if !null {
                    return Facts::default();
                }
                let Some(path) = self.path_of(subject) else {
                    return Facts::default();
                };
                let Some(ty) = self
                    .info
                    .expr_types
                    .get(&(self.file(), subject.span))
                    .cloned()
                else {
                    return Facts::default();
                };
                let non_null = self.types.non_null(&ty);
                let (is_null, not_null) = (vec![(path.clone(), Ty::Null)], vec![(path, non_null)]);
                if *op == BinaryOp::Eq {
                    Facts {
                        when_true: is_null,
                        when_false: not_null,
                    }
                } else {
                    Facts {
                        when_true: not_null,
                        when_false: is_null,
                    }
                }
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => {
                let inner = self.facts(operand);
                Facts {
                    when_true: inner.when_false,
                    when_false: inner.when_true,
                }
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                lhs,
                rhs,
            } => {
                let (l, r) = (self.facts(lhs), self.facts(rhs));
                Facts {
                    when_true: l.when_true.into_iter().chain(r.when_true).collect(),
                    when_false: Vec::new(),
                }
            }
            ExprKind::Binary {
                op: BinaryOp::Or,
                lhs,
                rhs,
            } => {
                let (l, r) = (self.facts(lhs), self.facts(rhs));
                Facts {
                    when_true: Vec::new(),
                    when_false: l.when_false.into_iter().chain(r.when_false).collect(),
                }
            }
            _ => Facts::default(),
        }
    }

    /// The path a narrowing can be about: a local, `input`/`config`/`trigger`, then fields.
    pub(super) fn path_of(&self, e: &ast::Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Name(name) => match self.ctx.scopes.lookup(name) {
                Some(local) => Some(Path {
                    root: Root::Local(local),
                    fields: Vec::new(),
                }),
                None if matches!(name.as_str(), "input" | "config" | "trigger") => Some(Path {
                    root: Root::Global(name.clone()),
                    fields: Vec::new(),
                }),
                None => None,
            },
            ExprKind::Field { target, name, .. } => {
                let mut path = self.path_of(target)?;
                path.fields.push(name.name.clone());
                Some(path)
            }
            ExprKind::Index { target, index } => match &index.kind {
                ExprKind::Literal(ast::Literal::Str(key)) => {
                    let mut path = self.path_of(target)?;
                    path.fields.push(SmolStr::new(key));
                    Some(path)
                }
                _ => None,
            },
            _ => None,
        }
    }

    pub(super) fn apply(&mut self, facts: Vec<(Path, Ty)>) {
        for (path, ty) in facts {
            self.ctx.scopes.narrow(path, ty);
        }
    }

    fn binary(
        &mut self,
        e: &'a ast::Expr,
        op: BinaryOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        expected: Option<&Ty>,
    ) -> Ty {
        let file = self.file();
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let left = self.condition(lhs);
                self.ctx.scopes.push(FrameKind::Block, rhs.span.end);
                self.apply(if op == BinaryOp::And {
                    left.when_true
                } else {
                    left.when_false
                });
                self.condition(rhs);
                self.ctx.scopes.pop();
                return Ty::Bool;
            }
            BinaryOp::Coalesce => {
                let left = self.expr(lhs, expected);
                if !left.is_error()
                    && !self.types.is_optional(&left)
                    && !matches!(self.types.resolve(&left), Ty::Json)
                {
                    self.error(
                        Diagnostic::warning(
                            codes::NEEDLESS_NULL_CHECK,
                            file,
                            lhs.span,
                            format!("this is never null: `{}`", self.types.display(&left)),
                        )
                        .with_label("never null")
                        .with_note("`??` gives its right side only when the left is null"),
                    );
                }
                let inner = self.types.non_null(&left);
                let right = self.expr(rhs, Some(expected.unwrap_or(&inner)));
                return if matches!(inner, Ty::Never) {
                    right
                } else {
                    self.types.join(&inner, &right)
                };
            }
            _ => {}
        }
        let left = self.expr(lhs, None);
        let right = self.expr(rhs, None);
        if left.is_error() || right.is_error() {
            return match op {
                BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge => Ty::Bool,
                _ => Ty::Error,
            };
        }
        let _ = e;
        let (l, r) = (
            self.types.resolve(&left).clone(),
            self.types.resolve(&right).clone(),
        );
        for (side, ty) in [(lhs, &left), (rhs, &right)] {
            if self.types.contains_secret(ty, 0) {
                self.error(
                    Diagnostic::error(
                        codes::SECRET_LEAK,
                        file,
                        side.span,
                        format!("a `Secret` cannot be used with `{}`", op.as_str()),
                    )
                    .with_label("this is a Secret")
                    .with_note(report::SECRET_NOTE),
                );
                return if matches!(
                    op,
                    BinaryOp::Eq
                        | BinaryOp::NotEq
                        | BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge
                ) {
                    Ty::Bool
                } else {
                    Ty::Error
                };
            }
        }
        let numeric = |t: &Ty| self.types.is_assignable(t, &Ty::Float) && !matches!(t, Ty::Never);
        let int = |t: &Ty| self.types.is_assignable(t, &Ty::Int) && !matches!(t, Ty::Never);
        let text = |t: &Ty| self.types.is_assignable(t, &Ty::String) && !matches!(t, Ty::Never);
        match op {
            BinaryOp::Eq | BinaryOp::NotEq => {
                if self.types.contains_fn(&left) || self.types.contains_fn(&right) {
                    let side = if self.types.contains_fn(&left) {
                        (lhs, &left)
                    } else {
                        (rhs, &right)
                    };
                    self.not_function(side.0.span, side.1, "be compared");
                    return Ty::Bool;
                }
                let comparable = self.types.is_assignable(&left, &right)
                    || self.types.is_assignable(&right, &left)
                    || (numeric(&l) && numeric(&r))
                    || (text(&l) && text(&r))
                    || (self
                        .types
                        .is_assignable(&self.types.non_null(&left), &self.types.non_null(&right)))
                    || (self
                        .types
                        .is_assignable(&self.types.non_null(&right), &self.types.non_null(&left)));
                if !comparable {
                    self.cannot_compare(e.span, &left, &right);
                }
                Ty::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let dates = |t: &Ty| matches!(t, Ty::Date | Ty::DateTime);
                let ok = (numeric(&l) && numeric(&r))
                    || (text(&l)
                        && text(&r)
                        && (dates(&l) == dates(&r) || !dates(&l) || !dates(&r)));
                if !ok {
                    if self.types.is_optional(&left) || self.types.is_optional(&right) {
                        let side = if self.types.is_optional(&left) {
                            lhs
                        } else {
                            rhs
                        };
                        self.error(
                            Diagnostic::error(
                                codes::MAYBE_NULL,
                                file,
                                side.span,
                                format!("`{}` cannot order a value that may be null", op.as_str()),
                            )
                            .with_label(format!(
                                "this is `{}`",
                                self.types.display(if self.types.is_optional(&left) {
                                    &left
                                } else {
                                    &right
                                })
                            ))
                            .with_note(
                                "give a default with `??`, or check it first with `if x != null`",
                            ),
                        );
                    } else {
                        self.cannot_compare(e.span, &left, &right);
                    }
                }
                Ty::Bool
            }
            BinaryOp::Add => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else if text(&l) && text(&r) {
                    Ty::String
                } else if let (Ty::List(a), Ty::List(b)) = (&l, &r) {
                    Ty::list(self.types.join(a, b))
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Sub | BinaryOp::Mul => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Div => {
                if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Rem => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => Ty::Error,
        }
    }

    fn cannot_compare(&mut self, span: Span, left: &Ty, right: &Ty) {
        let (l, r) = (self.shown(left), self.shown(right));
        self.error(
            Diagnostic::error(codes::CANNOT_COMPARE, self.file(), span, format!("cannot compare `{l}` with `{r}`"))
                .with_label("different types")
                .with_note("values of different types are never equal; convert one side first (`to_string()`, `to_int()`, `as`)"),
        );
    }

    fn bad_operands(&mut self, span: Span, op: BinaryOp, left: &Ty, right: &Ty) -> Ty {
        let (l, r) = (self.shown(left), self.shown(right));
        let mut d = Diagnostic::error(
            codes::BAD_OPERANDS,
            self.file(),
            span,
            format!("`{}` does not work on `{l}` and `{r}`", op.as_str()),
        )
        .with_label(format!("`{l}` {} `{r}`", op.as_str()));
        if self.types.is_optional(left) || self.types.is_optional(right) {
            d = d.with_note("a value that may be null needs a default first: `x ?? 0`");
        } else if op == BinaryOp::Add {
            d = d.with_note("`+` adds numbers, joins strings and joins lists; to put a number in a string, use `\"${n}\"`");
        } else if op == BinaryOp::Rem {
            d = d.with_note("`%` is the remainder of two `Int`s");
        }
        self.error(d);
        Ty::Error
    }

    fn lambda(
        &mut self,
        e: &'a ast::Expr,
        params: &'a [ast::Param],
        body: &'a ast::Expr,
        expected: Option<&Ty>,
    ) -> Ty {
        let file = self.file();
        let expected_fn = expected.and_then(|t| match self.types.resolve(t) {
            Ty::Fn(f) => Some(f.clone()),
            _ => None,
        });
        if let Some(f) = &expected_fn
            && f.params.len() != params.len()
        {
            self.error(Diagnostic::error(
                codes::ARGUMENT_COUNT,
                file,
                e.span,
                format!(
                    "this lambda takes {} parameters, but {} are given to it",
                    params.len(),
                    f.params.len()
                ),
            ));
        }
        self.ctx.scopes.push(FrameKind::Lambda, body.span.end);
        // A lambda is not inside the function or loop around it: `return`,
        // `break` and `continue` do not reach through it.
        let saved_returns = std::mem::take(&mut self.ctx.returns);
        let saved_loops = std::mem::replace(&mut self.ctx.loops, 0);
        let mut param_tys = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let from_expected = expected_fn
                .as_ref()
                .and_then(|f| f.params.get(i))
                .map(|p| p.ty.clone());
            let ty = match (&p.ty, from_expected) {
                (Some(annotation), _) => self.resolve_type(annotation),
                (None, Some(ty)) => ty,
                (None, None) => {
                    self.error(
                        Diagnostic::error(
                            codes::CANNOT_INFER,
                            file,
                            p.name.span,
                            format!("the type of `{}` cannot be inferred here", p.name.name),
                        )
                        .with_note(format!("write it: `({}: Type) => …`", p.name.name)),
                    );
                    Ty::Error
                }
            };
            self.declare_local(&p.name, ty.clone(), false, false);
            param_tys.push(ParamTy {
                name: Some(p.name.name.clone()),
                ty,
                has_default: false,
            });
        }
        let ret_expected = expected_fn
            .as_ref()
            .map(|f| f.ret.clone())
            .filter(|t| !matches!(t, Ty::Var(_)));
        let ret = self.expr(body, ret_expected.as_ref());
        self.not_function(body.span, &ret, "be a lambda's result");
        if let Some(r) = &ret_expected {
            self.expect_type(body.span, &ret, r, "the lambda's result");
        }
        self.ctx.returns = saved_returns;
        self.ctx.loops = saved_loops;
        self.ctx.scopes.pop();
        Ty::func(param_tys, ret)
    }

    fn if_expr(&mut self, if_expr: &'a ast::IfExpr, expected: Option<&Ty>) -> Ty {
        let facts = self.condition(&if_expr.cond);
        self.ctx
            .scopes
            .push(FrameKind::Block, if_expr.then.span.end);
        self.apply(facts.when_true.clone());
        let (then_value, then_diverges) = self.block_value(&if_expr.then, expected);
        self.pop_scope();
        let Some(else_) = &if_expr.else_ else {
            // `if x == null { return }`: after it, `x` is not null.
            if then_diverges {
                self.apply(facts.when_false);
            }
            return match then_value {
                Some((_, t)) if !matches!(t, Ty::Null | Ty::Never) && !then_diverges => {
                    Ty::optional(t)
                }
                _ => Ty::Null,
            };
        };
        let else_end = match else_ {
            ast::Else::Block(block) => block.span.end,
            ast::Else::If(e) => e.span.end,
        };
        self.ctx.scopes.push(FrameKind::Block, else_end);
        self.apply(facts.when_false.clone());
        let (else_value, else_diverges) = match else_ {
            ast::Else::Block(block) => self.block_value(block, expected),
            ast::Else::If(e) => {
                let ty = self.expr(e, expected);
                (Some((e.span, ty.clone())), matches!(ty, Ty::Never))
            }
        };
        self.pop_scope();
        if then_diverges && !else_diverges {
            self.apply(facts.when_false);
        } else if else_diverges && !then_diverges {
            self.apply(facts.when_true);
        }
        let value = |v: Option<(Span, Ty)>, diverges: bool| {
            if diverges {
                Ty::Never
            } else {
                v.map_or(Ty::Null, |(_, t)| t)
            }
        };
        let (a, b) = (
            value(then_value, then_diverges),
            value(else_value, else_diverges),
        );
        match (&a, &b) {
            (Ty::Never, _) => b,
            (_, Ty::Never) => a,
            _ => self.types.join(&a, &b),
        }
    }

    pub(super) fn match_expr(&mut self, m: &'a ast::MatchExpr, expected: Option<&Ty>) -> Ty {
        let scrutinee = self.expr(&m.scrutinee, None);
        let mut result: Option<Ty> = None;
        let mut covered: Vec<Lit> = Vec::new();
        let mut null_covered = false;
        let mut catch_all = false;
        for arm in &m.arms {
            self.ctx.scopes.push(FrameKind::Block, arm.span.end);
            if catch_all {
                self.error(
                    Diagnostic::warning(
                        codes::UNREACHABLE,
                        self.file(),
                        arm.pattern.span,
                        "this arm is never reached",
                    )
                    .with_note("an earlier `_` or name arm matches everything"),
                );
            }
            self.pattern(
                &arm.pattern,
                &scrutinee,
                &mut covered,
                &mut null_covered,
                &mut catch_all,
            );
            let ty = match &arm.body.kind {
                ast::StmtKind::Expr(e) => self.expr(e, expected),
                _ => {
                    let diverges = self.stmt(&arm.body);
                    if diverges { Ty::Never } else { Ty::Null }
                }
            };
            self.pop_scope();
            result = Some(match result {
                None => ty,
                Some(Ty::Never) => ty,
                Some(r) if matches!(ty, Ty::Never) => r,
                Some(r) => self.types.join(&r, &ty),
            });
        }
        if !catch_all && !scrutinee.is_error() {
            self.exhaustive(m, &scrutinee, &covered, null_covered);
        }
        result.unwrap_or(Ty::Never)
    }

    fn pattern(
        &mut self,
        p: &ast::Pattern,
        scrutinee: &Ty,
        covered: &mut Vec<Lit>,
        null_covered: &mut bool,
        catch_all: &mut bool,
    ) {
        let file = self.file();
        match &p.kind {
            ast::PatternKind::Wildcard => *catch_all = true,
            ast::PatternKind::Bind(name) => {
                *catch_all = true;
                self.declare_local(name, scrutinee.clone(), false, false);
            }
            ast::PatternKind::Or(alternatives) => {
                for alt in alternatives {
                    self.pattern(alt, scrutinee, covered, null_covered, catch_all);
                }
            }
            ast::PatternKind::Literal(lit) => {
                let (ty, as_lit) = match lit {
                    ast::Literal::Null => (Ty::Null, None),
                    ast::Literal::Bool(b) => (Ty::Lit(Lit::Bool(*b)), Some(Lit::Bool(*b))),
                    ast::Literal::Int(n) => (Ty::Lit(Lit::Int(*n)), Some(Lit::Int(*n))),
                    ast::Literal::Float(_) => (Ty::Float, None),
                    ast::Literal::Str(s) => (
                        Ty::Lit(Lit::Str(SmolStr::new(s))),
                        Some(Lit::Str(SmolStr::new(s))),
                    ),
                };
                if scrutinee.is_error() {
                    return;
                }
                if !self.types.is_assignable(&ty, scrutinee) {
                    let members = self.literal_members(scrutinee);
                    let names: Vec<String> = members.iter().map(|l| l.to_string()).collect();
                    let suggestion = match &as_lit {
                        Some(Lit::Str(s)) => report::did_you_mean(
                            &format!("{:?}", s.as_str()),
                            names.iter().map(|n| n.as_str()),
                        ),
                        _ => None,
                    };
                    let d = Diagnostic::error(
                        codes::BAD_PATTERN,
                        file,
                        p.span,
                        format!(
                            "{} is not a `{}`: this arm never matches",
                            self.types.display(&ty),
                            self.types.display(scrutinee)
                        ),
                    )
                    .with_label("never matches");
                    self.error(report::suggest(d, suggestion, report::plain));
                    return;
                }
                match as_lit {
                    Some(lit) => {
                        if covered.contains(&lit) {
                            self.error(Diagnostic::warning(
                                codes::UNREACHABLE,
                                file,
                                p.span,
                                format!("{lit} is matched by an earlier arm"),
                            ));
                        }
                        covered.push(lit);
                    }
                    None if matches!(ty, Ty::Null) => *null_covered = true,
                    None => {}
                }
            }
            ast::PatternKind::Error => *catch_all = true,
        }
    }

    /// The literal values of a finite type (a literal union, `Bool`), if it is one.
    fn literal_members(&self, ty: &Ty) -> Vec<Lit> {
        match self.types.resolve(ty) {
            Ty::Lit(l) => vec![l.clone()],
            Ty::Bool => vec![Lit::Bool(true), Lit::Bool(false)],
            Ty::Union(members) => members
                .iter()
                .flat_map(|m| self.literal_members(m))
                .collect(),
            _ => Vec::new(),
        }
    }

    fn exhaustive(
        &mut self,
        m: &ast::MatchExpr,
        scrutinee: &Ty,
        covered: &[Lit],
        null_covered: bool,
    ) {
        let file = self.file();
        let finite = match self.types.resolve(scrutinee) {
            Ty::Union(members) => members
                .iter()
                .all(|t| matches!(self.types.resolve(t), Ty::Lit(_) | Ty::Null | Ty::Bool)),
            Ty::Lit(_) | Ty::Bool | Ty::Null => true,
            _ => false,
        };
        let arms_end = m.arms_span.end.saturating_sub(1) as usize;
        if !finite {
            let d = Diagnostic::error(
                codes::NOT_EXHAUSTIVE,
                file,
                m.scrutinee.span,
                format!(
                    "a `match` on `{}` needs a `_` arm",
                    self.types.display(scrutinee)
                ),
            )
            .with_label("any value may come")
            .with_note("only a union of literals (or a Bool) can be covered case by case")
            .with_fix(
                "add a `_` arm",
                vec![Edit {
                    span: Span::new(arms_end, arms_end),
                    replacement: "  _ => null\n".into(),
                }],
            );
            self.error(d);
            return;
        }
        let mut missing: Vec<String> = self
            .literal_members(scrutinee)
            .into_iter()
            .filter(|l| !covered.contains(l))
            .map(|l| l.to_string())
            .collect();
        if self.types.is_optional(scrutinee) && !null_covered {
            missing.push("null".into());
        }
        if missing.is_empty() {
            return;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let (verb, noun) = if missing.len() == 1 {
            ("is", "it")
        } else {
            ("are", "them")
        };
        let arms: String = missing.iter().map(|m| format!("{m} => null, ")).collect();
        let d = Diagnostic::error(
            codes::NOT_EXHAUSTIVE,
            file,
            m.scrutinee.span,
            format!("this `match` is not exhaustive: {list} {verb} not covered"),
        )
        .with_label(format!("`{}`", self.types.display(scrutinee)))
        .with_note(format!("add an arm for {noun}, or a `_` arm"))
        .with_fix(
            format!("add arms for {list}"),
            vec![Edit {
                span: Span::new(arms_end, arms_end),
                replacement: arms,
            }],
        );
        self.error(d);
    }

    /// The type of `target.name` when the target is `Ty` (`Json` gives `Json`).
    pub(super) fn field_of(&mut self, target_ty: &Ty, name: &ast::Ident, target: &ast::Expr) -> Ty {
        let file = self.file();
        if let ExprKind::Name(global) = &target.kind
            && self.ctx.scopes.lookup(global).is_none()
            && !self.is_adaptor()
        {
            let record = match self.types.resolve(target_ty) {
                Ty::Record(r) => Some(r.clone()),
                _ => None,
            };
            let declared = record
                .as_ref()
                .is_some_and(|r| r.fields.iter().any(|f| f.name == name.name));
            if global == "trigger"
                && !declared
                && matches!(name.name.as_str(), "headers" | "last_success")
            {
                let (what, kind) = if name.name == "headers" {
                    ("the request's headers", "a `trigger webhook`")
                } else {
                    (
                        "the start of the last successful run",
                        "a `trigger cron` or `trigger every`",
                    )
                };
                self.error(
                    Diagnostic::error(
                        codes::TRIGGER_FIELD,
                        file,
                        name.span,
                        format!("`trigger.{}` is only there for {kind}", name.name),
                    )
                    .with_label(format!("{what}: not available to this job"))
                    .with_note("every job has `trigger.fired_at`"),
                );
                return Ty::Error;
            }
            if global == "config" && !declared {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    file,
                    name.span,
                    format!("this job does not use an adaptor named `{}`", name.name),
                )
                .with_label("no such config section");
                if super::super::adaptors::BUILTIN
                    .iter()
                    .any(|(n, _)| *n == name.name)
                    || self
                        .modules
                        .iter()
                        .any(|m| m.adaptor_name.as_deref() == Some(name.name.as_str()))
                {
                    d = d.with_note(format!(
                        "add `use {}`: its config section is `config.{}`",
                        name.name, name.name
                    ));
                } else {
                    d = d.with_note(
                        "`config.NAME` is the config section of the adaptor used as `NAME`",
                    );
                }
                self.error(d);
                return Ty::Error;
            }
        }
        let resolved = self.types.resolve(target_ty).clone();
        match &resolved {
            Ty::Error => Ty::Error,
            Ty::Json => Ty::Json,
            Ty::Record(r) => match r.fields.iter().find(|f| f.name == name.name) {
                Some(f) => {
                    self.define(
                        name.span,
                        Def::Field {
                            name: f.name.clone(),
                            origin: f.origin,
                            doc: f.doc.clone(),
                        },
                    );
                    if f.optional {
                        Ty::optional(f.ty.clone())
                    } else {
                        f.ty.clone()
                    }
                }
                None => {
                    let suggestion =
                        report::did_you_mean(&name.name, r.fields.iter().map(|f| f.name.as_str()));
                    let shown = self.types.display(target_ty);
                    let mut d = Diagnostic::error(
                        codes::UNKNOWN_FIELD,
                        file,
                        name.span,
                        format!("`{}` has no field `{}`", describe(target), name.name),
                    )
                    .with_label("no such field");
                    if r.open && suggestion.is_none() {
                        d = d.with_note(format!(
                            "`{shown}` is open: read a field it does not declare with `[\"{}\"]`, which gives `Json?`",
                            name.name
                        ));
                    }
                    let d = report::suggest(d, suggestion, report::plain);
                    let d = report::declared_here(d, suggestion, &r.fields);
                    self.error(d);
                    Ty::Error
                }
            },
            Ty::Union(members)
                if members
                    .iter()
                    .all(|m| matches!(self.types.resolve(m), Ty::Record(_))) =>
            {
                let mut result: Option<Ty> = None;
                for m in members.iter() {
                    let ty = match self.types.resolve(m) {
                        Ty::Record(r) => r
                            .fields
                            .iter()
                            .find(|f| f.name == name.name)
                            .map(|f| f.ty.clone()),
                        _ => None,
                    };
                    match ty {
                        Some(t) => {
                            result = Some(result.map_or(t.clone(), |r| self.types.join(&r, &t)))
                        }
                        None => {
                            self.error(Diagnostic::error(
                                codes::UNKNOWN_FIELD,
                                file,
                                name.span,
                                format!(
                                    "not every `{}` has the field `{}`",
                                    self.types.display(target_ty),
                                    name.name
                                ),
                            ));
                            return Ty::Error;
                        }
                    }
                }
                result.unwrap_or(Ty::Error)
            }
            other => {
                let shown = self.types.display(other);
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    file,
                    name.span,
                    format!("`{shown}` has no fields"),
                )
                .with_label(format!("`{}` is `{shown}`", describe(target)));
                if matches!(other, Ty::Map(_)) {
                    d = d.with_note(format!(
                        "read a map's key with `[\"{}\"]` or `.get(\"{}\")`",
                        name.name, name.name
                    ));
                }
                self.error(d);
                Ty::Error
            }
        }
    }

    /// `x.f` on an `x` that may be null: reported once, and the chain goes on as if
    /// it were not, so one mistake gives one error.
    pub(super) fn maybe_null_target(
        &mut self,
        target: &ast::Expr,
        target_ty: &Ty,
        dot_before: Span,
    ) -> Ty {
        let what = describe(target);
        let d = Diagnostic::error(codes::MAYBE_NULL, self.file(), target.span, format!("`{what}` may be null or missing"))
            .with_label(format!("this is `{}`", self.types.display(target_ty)))
            .with_note("use `?.` to skip the rest when it is null, `??` to give a default, or check it with `if`")
            .with_fix("use `?.`", vec![Edit { span: dot_before, replacement: "?.".into() }]);
        self.error(d);
        self.types.non_null(target_ty)
    }
}

impl Checker<'_> {
    /// A type as a message shows a value's type: literal types widened
    /// (`String`, not `"amina"`), since the value is what the user wrote.
    pub(super) fn shown(&self, ty: &Ty) -> String {
        self.types.display(&self.types.widen(ty))
    }
}

/// An expression as a short text for messages: `input.form.phone`, `xs[…]`, `f(…)`.
pub fn describe(e: &ast::Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.to_string(),
        ExprKind::Field {
            target,
            name,
            optional,
        } => {
            format!(
                "{}{}{}",
                describe(target),
                if *optional { "?." } else { "." },
                name.name
            )
        }
        ExprKind::Index { target, index } => match &index.kind {
            ExprKind::Literal(ast::Literal::Str(s)) => format!("{}[{:?}]", describe(target), s),
            ExprKind::Literal(ast::Literal::Int(n)) => format!("{}[{n}]", describe(target)),
            _ => format!("{}[…]", describe(target)),
        },
        ExprKind::Call { callee, .. } => format!("{}(…)", describe(callee)),
        _ => "this value".into(),
    }
}

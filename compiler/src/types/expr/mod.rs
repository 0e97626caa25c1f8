//! Expressions: each gets a type, checked against what its place expects.
//! Here: literals, lists, lambdas, `if`, and the messages every place shares;
//! by concept: `names`, `records`, `operators`, `narrowing` (conditions and
//! what they prove), `matching`, `fields`. Calls and chains are `types::call`.

mod fields;
mod matching;
mod names;
mod narrowing;
pub(in crate::types) mod omit;
mod operators;
mod records;

use super::ParamTy;
use super::items::Checker;
use super::report::{self, codes};
use super::scope::{FrameKind, Path};
use super::ty::{Lit, Ty};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, TemplatePart};
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

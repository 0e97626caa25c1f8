//! Postfix chains (`a.b?.c[0].d(x)`), calls of ops, functions and methods, and
//! arguments matched to parameters by position and name.

use super::Def;
use super::items::Checker;
use super::report::{self, codes};
use super::ty::{Lit, ParamTy, Ty};
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};
use smol_str::SmolStr;
use std::collections::HashMap;

impl<'a> Checker<'a> {
    /// A link of a postfix chain: its type, and whether a `?.` before it may
    /// have cut the chain short (the whole chain's value is then optional).
    pub(super) fn chain(&mut self, e: &'a ast::Expr, expected: Option<&Ty>) -> (Ty, bool) {
        match &e.kind {
            ExprKind::Field {
                target,
                name,
                optional,
            } => {
                if let Some(ty) = self.adaptor_member(target, name) {
                    return (ty, false);
                }
                let (target_ty, chain_optional) = self.target(target, *optional, name.span);
                let mut ty = self.field_of(&target_ty, name, target);
                if let Some(path) = self.path_of(e)
                    && let Some(narrowed) = self.ctx.scopes.narrowed(&path)
                {
                    ty = narrowed.clone();
                }
                (ty, chain_optional)
            }
            ExprKind::Index { target, index } => {
                let (target_ty, chain_optional) = self.chain_link(target);
                let target_ty = if self.types.is_optional(&target_ty) && !target_ty.is_error() {
                    self.maybe_null_target(
                        target,
                        &target_ty,
                        Span::empty(target.span.end as usize),
                    )
                } else {
                    target_ty
                };
                let mut ty = self.index_of(&target_ty, index, target);
                if let Some(path) = self.path_of(e)
                    && let Some(narrowed) = self.ctx.scopes.narrowed(&path)
                {
                    ty = narrowed.clone();
                }
                (ty, chain_optional)
            }
            ExprKind::Call { callee, args } => self.call(e, callee, args, expected),
            _ => (self.expr(e, expected), false),
        }
    }

    /// The target of a link: a chain link itself, or any expression.
    fn chain_link(&mut self, target: &'a ast::Expr) -> (Ty, bool) {
        match &target.kind {
            ExprKind::Field { .. } | ExprKind::Index { .. } | ExprKind::Call { .. } => {
                let (ty, optional) = self.chain(target, None);
                let recorded = if optional && !self.types.is_optional(&ty) {
                    Ty::optional(ty.clone())
                } else {
                    ty.clone()
                };
                self.info
                    .expr_types
                    .insert((self.file(), target.span), recorded);
                (ty, optional)
            }
            _ => (self.expr(target, None), false),
        }
    }

    /// The target of `.name` or `?.name`, with null handled: `?.` unwraps it,
    /// `.` on something that may be null is an error.
    fn target(&mut self, target: &'a ast::Expr, optional: bool, name_span: Span) -> (Ty, bool) {
        let (ty, chain_optional) = self.chain_link(target);
        if ty.is_error() {
            return (ty, chain_optional);
        }
        if optional {
            if !self.types.is_optional(&ty) && !matches!(self.types.resolve(&ty), Ty::Json) {
                let d = Diagnostic::warning(
                    codes::NEEDLESS_NULL_CHECK,
                    self.file(),
                    target.span,
                    format!(
                        "`{}` is never null: `.` is enough",
                        super::expr::describe(target)
                    ),
                )
                .with_label(format!("this is `{}`", self.types.display(&ty)))
                .with_fix(
                    "use `.`",
                    vec![crate::diagnostics::Edit {
                        span: Span::new(name_span.start as usize - 2, name_span.start as usize),
                        replacement: ".".into(),
                    }],
                );
                self.error(d);
            }
            return (self.types.non_null(&ty), true);
        }
        if self.types.is_optional(&ty) {
            let dot = Span::new(name_span.start as usize - 1, name_span.start as usize);
            return (self.maybe_null_target(target, &ty, dot), chain_optional);
        }
        (ty, chain_optional)
    }

    /// `dhis2.create_tracked_entity`: an op or function of a used adaptor.
    fn adaptor_member(&mut self, target: &ast::Expr, name: &ast::Ident) -> Option<Ty> {
        let ExprKind::Name(alias) = &target.kind else {
            return None;
        };
        if self.ctx.scopes.lookup(alias).is_some() {
            return None;
        }
        let module = self.adaptor_alias(alias)?;
        self.define(target.span, Def::Adaptor(module));
        self.info
            .expr_types
            .insert((self.file(), target.span), Ty::Error);
        if let Some(index) = self.modules[module]
            .ops
            .iter()
            .position(|o| o.name == name.name)
        {
            self.define(
                name.span,
                Def::Op {
                    adaptor: module,
                    index,
                },
            );
            if self.ctx.in_const {
                self.not_constant(name.span, &format!("the op `{alias}.{}`", name.name));
            }
            return Some(self.modules[module].ops[index].fn_ty());
        }
        if let Some(index) = self.fn_index(module, &name.name) {
            self.define(name.span, Def::Fn { module, index });
            return Some(match self.ensure_fn(module, index) {
                Some(sig) => sig.fn_ty(),
                None => Ty::Error,
            });
        }
        let candidates: Vec<String> = self.modules[module]
            .ops
            .iter()
            .map(|o| o.name.to_string())
            .chain(self.modules[module].fns.iter().map(|f| f.name.to_string()))
            .collect();
        let suggestion = report::did_you_mean(&name.name, candidates.iter().map(|s| s.as_str()));
        let adaptor_name = self.modules[module]
            .adaptor_name
            .clone()
            .unwrap_or_default();
        let d = Diagnostic::error(
            codes::UNKNOWN_OP,
            self.file(),
            name.span,
            format!("the adaptor `{alias}` has no op `{}`", name.name),
        )
        .with_label("unknown op")
        .with_note(format!("`ferry docs {adaptor_name}` lists its ops"));
        self.error(report::suggest(d, suggestion, report::plain));
        Some(Ty::Error)
    }

    fn index_of(&mut self, target_ty: &Ty, index: &'a ast::Expr, target: &ast::Expr) -> Ty {
        let file = self.file();
        let resolved = self.types.resolve(target_ty).clone();
        let literal_key = match &index.kind {
            ExprKind::Literal(ast::Literal::Str(s)) => Some(SmolStr::new(s)),
            _ => None,
        };
        match &resolved {
            Ty::Error => {
                self.expr(index, None);
                Ty::Error
            }
            Ty::Json => {
                let key = self.expr(index, None);
                if !self.types.is_assignable(&key, &Ty::String)
                    && !self.types.is_assignable(&key, &Ty::Int)
                {
                    self.expect_type(index.span, &key, &Ty::String, "a `Json` index");
                }
                Ty::Json
            }
            Ty::List(element) => {
                let key = self.expr(index, Some(&Ty::Int));
                self.expect_type(index.span, &key, &Ty::Int, "a list index");
                Ty::optional((**element).clone())
            }
            Ty::Map(value) => {
                let key = self.expr(index, Some(&Ty::String));
                self.expect_type(index.span, &key, &Ty::String, "a map key");
                Ty::optional((**value).clone())
            }
            Ty::Record(r) => {
                let key = self.expr(index, Some(&Ty::String));
                if !self.expect_type(index.span, &key, &Ty::String, "a record key") {
                    return Ty::Error;
                }
                match literal_key {
                    Some(name) => match r.fields.iter().find(|f| f.name == name) {
                        Some(f) => {
                            self.define(
                                index.span,
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
                        None if r.open => Ty::optional(Ty::Json),
                        None => {
                            let suggestion = report::did_you_mean(
                                &name,
                                r.fields.iter().map(|f| f.name.as_str()),
                            );
                            let d = Diagnostic::error(
                                codes::UNKNOWN_FIELD,
                                file,
                                index.span,
                                format!(
                                    "`{}` has no field {:?}",
                                    self.types.display(target_ty),
                                    name.as_str()
                                ),
                            );
                            self.error(report::suggest(d, suggestion, |s| format!("{s:?}")));
                            Ty::Error
                        }
                    },
                    None if r.open => Ty::optional(Ty::Json),
                    None => {
                        let joined = r
                            .fields
                            .iter()
                            .fold(Ty::Never, |acc, f| self.types.join(&acc, &f.ty));
                        Ty::optional(joined)
                    }
                }
            }
            other => {
                self.expr(index, None);
                let shown = self.shown(other);
                let mut d = Diagnostic::error(
                    codes::NOT_INDEXABLE,
                    file,
                    index.span,
                    format!("`{shown}` cannot be indexed"),
                )
                .with_label(format!("`{}` is `{shown}`", super::expr::describe(target)));
                if self.types.is_assignable(other, &Ty::String) {
                    d = d.with_note("take part of a string with `.slice(from, to)`");
                }
                self.error(d);
                Ty::Error
            }
        }
    }

    fn call(
        &mut self,
        e: &'a ast::Expr,
        callee: &'a ast::Expr,
        args: &'a [ast::Arg],
        expected: Option<&Ty>,
    ) -> (Ty, bool) {
        let file = self.file();
        // A method: `target.name(args)`, unless the target is an adaptor.
        if let ExprKind::Field {
            target,
            name,
            optional,
        } = &callee.kind
            && !self.is_adaptor_alias(target)
        {
            let (target_ty, chain_optional) = self.target(target, *optional, name.span);
            if target_ty.is_error() {
                self.skip_args(args);
                return (Ty::Error, chain_optional);
            }
            let Some(method) = super::methods::method(&self.types, &target_ty, &name.name) else {
                self.unknown_method(&target_ty, name, target);
                self.skip_args(args);
                return (Ty::Error, chain_optional);
            };
            self.define(name.span, Def::Builtin(SmolStr::new(method.name)));
            let params: Vec<ParamTy> = method
                .params
                .iter()
                .map(|(n, t, d)| ParamTy {
                    name: Some(SmolStr::new(n)),
                    ty: t.clone(),
                    has_default: *d,
                })
                .collect();
            let what = format!("`{}`", method.name);
            let bindings = self.arguments(&what, &params, args, e.span, false);
            let ret = substitute(&method.ret, &bindings);
            if matches!(method.name, "sort_by" | "unique_by")
                && let Some(key) = bindings.get(&0)
                && !self.sortable(key)
            {
                let shown = self.shown(key);
                self.error(
                    Diagnostic::error(
                        codes::TYPE_MISMATCH,
                        file,
                        args.first().map_or(e.span, |a| a.value.span),
                        format!(
                            "`{}` needs a key of type Int, Float, String or Date, found `{shown}`",
                            method.name
                        ),
                    )
                    .with_label(format!("this gives `{shown}`")),
                );
            }
            let _ = expected;
            self.info.expr_types.insert((file, callee.span), Ty::Error);
            return (ret, chain_optional);
        }
        if let ExprKind::Name(name) = &callee.kind
            && self.ctx.in_test
            && self.ctx.scopes.lookup(name).is_none()
            && let Some(ty) = self.test_call(name, callee, args, e.span, expected)
        {
            return (ty, false);
        }
        let (callee_ty, chain_optional) = self.chain_link(callee);
        let resolved = self.types.resolve(&callee_ty).clone();
        match resolved {
            Ty::Error => {
                self.skip_args(args);
                (Ty::Error, chain_optional)
            }
            Ty::Fn(f) => {
                let what = format!("`{}`", super::expr::describe(callee));
                let op = match &callee.kind {
                    ExprKind::Field { name, .. } => match self.info.defs.get(&(file, name.span)) {
                        Some(Def::Op { adaptor, index }) => Some((*adaptor, *index, name.span)),
                        _ => None,
                    },
                    _ => None,
                };
                let bindings = self.arguments(&what, &f.params, args, e.span, op.is_some());
                if let Some((adaptor, index, name_span)) = op {
                    self.repeated_call(e.span, name_span, adaptor, index, args);
                }
                if self.ctx.in_const
                    && let Some(Def::Builtin(name)) = self.info.defs.get(&(file, callee.span))
                    && matches!(name.as_str(), "now" | "today" | "uuid" | "env")
                {
                    self.not_constant(callee.span, &format!("`{name}()`"));
                }
                (substitute(&f.ret, &bindings), chain_optional)
            }
            other => {
                self.skip_args(args);
                let shown = self.shown(&other);
                self.error(
                    Diagnostic::error(
                        codes::NOT_CALLABLE,
                        file,
                        callee.span,
                        format!("`{}` is not a function", super::expr::describe(callee)),
                    )
                    .with_label(format!("this is `{shown}`")),
                );
                (Ty::Error, chain_optional)
            }
        }
    }

    fn is_adaptor_alias(&self, target: &ast::Expr) -> bool {
        matches!(&target.kind, ExprKind::Name(n) if self.ctx.scopes.lookup(n).is_none() && self.adaptor_alias(n).is_some())
    }

    fn skip_args(&mut self, args: &'a [ast::Arg]) {
        for arg in args {
            self.expr(&arg.value, None);
        }
    }

    fn sortable(&self, ty: &Ty) -> bool {
        match self.types.resolve(ty) {
            Ty::Int
            | Ty::Float
            | Ty::String
            | Ty::Date
            | Ty::DateTime
            | Ty::Url
            | Ty::Lit(_)
            | Ty::Error => true,
            Ty::Union(members) => members.iter().all(|m| {
                matches!(
                    self.types.resolve(m),
                    Ty::Lit(Lit::Str(_)) | Ty::Lit(Lit::Int(_))
                )
            }),
            _ => false,
        }
    }

    fn unknown_method(&mut self, target_ty: &Ty, name: &ast::Ident, target: &ast::Expr) {
        let methods = super::methods::methods_of(&self.types, target_ty);
        let suggestion = report::did_you_mean(&name.name, methods.iter().map(|m| m.name));
        let shown = self.shown(target_ty);
        let mut d = Diagnostic::error(
            codes::UNKNOWN_METHOD,
            self.file(),
            name.span,
            format!("`{shown}` has no method `{}`", name.name),
        )
        .with_label(format!("`{}` is `{shown}`", super::expr::describe(target)));
        match self.types.resolve(target_ty) {
            Ty::Json => {
                d = d.with_note(
                    "a `Json` value has no methods: convert it first, e.g. `(x as String).upper()`",
                );
            }
            Ty::Record(r) if r.fields.iter().any(|f| f.name == name.name) => {
                d = d.with_note(format!(
                    "`{}` is a field, not a method: drop the parentheses",
                    name.name
                ));
            }
            _ if suggestion.is_none() && !methods.is_empty() => {
                let names: Vec<&str> = methods.iter().map(|m| m.name).collect();
                d = d.with_note(format!("its methods: {}", names.join(", ")));
            }
            _ => {}
        }
        self.error(report::suggest(d, suggestion, report::plain));
    }

    /// Matches arguments to parameters (positional first, then by name), checks
    /// each against its parameter's type, and binds the signature's type
    /// variables from the lambdas given.
    pub(super) fn arguments(
        &mut self,
        what: &str,
        params: &[ParamTy],
        args: &'a [ast::Arg],
        call: Span,
        op_call: bool,
    ) -> HashMap<u8, Ty> {
        let file = self.file();
        let mut bindings: HashMap<u8, Ty> = HashMap::new();
        let mut given: Vec<Option<&'a ast::Arg>> = vec![None; params.len()];
        let mut order: Vec<Option<usize>> = vec![None; params.len()];
        let mut positional = 0;
        for (arg_index, arg) in args.iter().enumerate() {
            let slot = match &arg.name {
                None => {
                    positional += 1;
                    if positional > params.len() {
                        self.expr(&arg.value, None);
                        self.error(
                            Diagnostic::error(
                                codes::ARGUMENT_COUNT,
                                file,
                                arg.value.span,
                                format!(
                                    "{what} takes {} argument{}",
                                    params.len(),
                                    if params.len() == 1 { "" } else { "s" }
                                ),
                            )
                            .with_label("one too many"),
                        );
                        continue;
                    }
                    positional - 1
                }
                Some(name) => match params
                    .iter()
                    .position(|p| p.name.as_deref() == Some(name.name.as_str()))
                {
                    Some(slot) => slot,
                    None if op_call && name.name == super::repeat::ALLOW_DUPLICATES => {
                        self.allow_duplicates_arg(arg);
                        continue;
                    }
                    None => {
                        self.expr(&arg.value, None);
                        let names: Vec<&str> =
                            params.iter().filter_map(|p| p.name.as_deref()).collect();
                        let suggestion = report::did_you_mean(&name.name, names.iter().copied());
                        let d = Diagnostic::error(
                            codes::UNKNOWN_ARGUMENT,
                            file,
                            name.span,
                            format!("{what} has no parameter `{}`", name.name),
                        )
                        .with_label("unknown parameter")
                        .with_note(if names.is_empty() {
                            "it takes no named arguments".to_string()
                        } else {
                            format!("its parameters: {}", names.join(", "))
                        });
                        self.error(report::suggest(d, suggestion, report::plain));
                        continue;
                    }
                },
            };
            if given[slot].is_some() {
                self.expr(&arg.value, None);
                let pname = params[slot].name.clone().unwrap_or_default();
                self.error(Diagnostic::error(
                    codes::DUPLICATE_ARGUMENT,
                    file,
                    arg.value.span,
                    format!("`{pname}` is given twice"),
                ));
                continue;
            }
            given[slot] = Some(arg);
            order[slot] = Some(arg_index);
        }
        self.info.call_args.insert((file, call), order);
        let missing: Vec<String> = params
            .iter()
            .zip(&given)
            .filter(|(p, g)| g.is_none() && !p.has_default)
            .map(|(p, _)| format!("`{}`", p.name.as_deref().unwrap_or("_")))
            .collect();
        if !missing.is_empty() {
            let word = if missing.len() == 1 {
                "argument"
            } else {
                "arguments"
            };
            self.error(
                Diagnostic::error(
                    codes::ARGUMENT_COUNT,
                    file,
                    call,
                    format!("{what} is missing the {word} {}", missing.join(", ")),
                )
                .with_label(format!("missing {}", missing.join(", "))),
            );
        }
        for (param, arg) in params.iter().zip(given) {
            let Some(arg) = arg else { continue };
            let expected = substitute(&param.ty, &bindings);
            let found = self.expr(&arg.value, Some(&expected));
            if let (Ty::Fn(want), Ty::Fn(have)) = (
                self.types.resolve(&param.ty).clone(),
                self.types.resolve(&found).clone(),
            ) {
                bind(&want.ret, &have.ret, &mut bindings);
            }
            let expected = substitute(&param.ty, &bindings);
            if !has_vars(&expected) {
                let pname = param.name.clone().unwrap_or_default();
                self.expect_type(
                    arg.value.span,
                    &found,
                    &expected,
                    &format!("`{pname}` of {what}"),
                );
            }
        }
        bindings
    }
}

/// The type with its variables replaced by what they are bound to.
fn substitute(ty: &Ty, bindings: &HashMap<u8, Ty>) -> Ty {
    match ty {
        Ty::Var(n) => bindings.get(n).cloned().unwrap_or(Ty::Error),
        Ty::List(t) => Ty::list(substitute(t, bindings)),
        Ty::Map(t) => Ty::map(substitute(t, bindings)),
        Ty::Fn(f) => Ty::func(
            f.params
                .iter()
                .map(|p| ParamTy {
                    ty: substitute(&p.ty, bindings),
                    ..p.clone()
                })
                .collect(),
            if matches!(f.ret, Ty::Var(n) if !bindings.contains_key(&n)) {
                f.ret.clone()
            } else {
                substitute(&f.ret, bindings)
            },
        ),
        Ty::Union(members) => Ty::union(
            members
                .iter()
                .map(|m| substitute(m, bindings))
                .collect::<Vec<_>>(),
        ),
        _ => ty.clone(),
    }
}

fn has_vars(ty: &Ty) -> bool {
    match ty {
        Ty::Var(_) => true,
        Ty::List(t) | Ty::Map(t) => has_vars(t),
        Ty::Fn(f) => has_vars(&f.ret) || f.params.iter().any(|p| has_vars(&p.ty)),
        Ty::Union(members) => members.iter().any(has_vars),
        _ => false,
    }
}

/// Binds the variables of `pattern` to the matching parts of `actual`.
fn bind(pattern: &Ty, actual: &Ty, bindings: &mut HashMap<u8, Ty>) {
    match (pattern, actual) {
        (Ty::Var(n), t) => {
            bindings.entry(*n).or_insert_with(|| t.clone());
        }
        (Ty::List(p), Ty::List(a)) | (Ty::Map(p), Ty::Map(a)) => bind(p, a, bindings),
        _ => {}
    }
}

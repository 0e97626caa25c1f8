//! Statements: bindings and assignment, control flow, and the statements that
//! send values out of the job (`log`, `output`, `fail`), where secrets stop.

use super::Def;
use super::items::Checker;
use super::report::codes;
use super::scope::{FrameKind, Path, Root};
use super::ty::Ty;
use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, ForBinding, StmtKind};
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    /// A block in its own scope; whether it always leaves early.
    pub fn block(&mut self, block: &'a ast::Block) -> bool {
        self.ctx.scopes.push(FrameKind::Block, block.span.end);
        let stmts: Vec<&'a ast::Stmt> = block.stmts.iter().collect();
        let diverges = self.stmts(&stmts);
        self.pop_scope();
        diverges
    }

    /// Statements in order; code after one that always leaves is reported once.
    pub fn stmts(&mut self, stmts: &[&'a ast::Stmt]) -> bool {
        let mut diverges = false;
        let mut warned = false;
        for stmt in stmts {
            if diverges && !warned {
                warned = true;
                self.error(
                    Diagnostic::warning(codes::UNREACHABLE, self.file(), stmt.span, "this code is never run")
                        .with_label("unreachable")
                        .with_note("the statement before it always leaves (`return`, `skip`, `fail`, `break` or `continue`)"),
                );
            }
            diverges |= self.stmt(stmt);
        }
        diverges
    }

    /// A block's statements and the value of its last expression, in the current
    /// scope (the caller has pushed one).
    pub fn block_value(
        &mut self,
        block: &'a ast::Block,
        expected: Option<&Ty>,
    ) -> (Option<(Span, Ty)>, bool) {
        let Some((last, init)) = block.stmts.split_last() else {
            return (None, false);
        };
        let init: Vec<&'a ast::Stmt> = init.iter().collect();
        let diverges = self.stmts(&init);
        if diverges {
            self.error(
                Diagnostic::warning(
                    codes::UNREACHABLE,
                    self.file(),
                    last.span,
                    "this code is never run",
                )
                .with_label("unreachable"),
            );
        }
        match &last.kind {
            StmtKind::Expr(e) => {
                let ty = self.expr(e, expected);
                let never = matches!(ty, Ty::Never);
                (Some((e.span, ty)), diverges || never)
            }
            _ => {
                let leaves = self.stmt(last);
                (None, diverges || leaves)
            }
        }
    }

    /// One statement; whether it always leaves (return, skip, fail, break, continue).
    pub fn stmt(&mut self, stmt: &'a ast::Stmt) -> bool {
        crate::stack::deep(|| self.stmt_inner(stmt))
    }

    fn stmt_inner(&mut self, stmt: &'a ast::Stmt) -> bool {
        let file = self.file();
        match &stmt.kind {
            StmtKind::Let {
                name,
                ty,
                value,
                mutable,
            } => {
                let annotation = ty.as_ref().map(|t| self.resolve_type(t));
                let found = self.expr(value, annotation.as_ref());
                let local_ty = match annotation {
                    Some(annotation) => {
                        self.expect_type(
                            value.span,
                            &found,
                            &annotation,
                            &format!("`{}`", name.name),
                        );
                        annotation
                    }
                    None => {
                        if self.has_unknown_element(&found) {
                            let unknown = Ty::list(Ty::Error);
                            let index = self.declare_local(name, unknown, *mutable, true);
                            self.ctx.scopes.get_mut(index).let_keyword = Some(Span {
                                start: stmt.span.start,
                                end: stmt.span.start + 3,
                            });
                            self.error(
                                Diagnostic::error(
                                    codes::CANNOT_INFER,
                                    file,
                                    value.span,
                                    "the element type of an empty list or map cannot be inferred",
                                )
                                .with_note(format!(
                                    "write it: `{} {}: [String] = []`",
                                    if *mutable { "var" } else { "let" },
                                    name.name
                                )),
                            );
                            return false;
                        }
                        if *mutable {
                            self.types.widen(&found)
                        } else {
                            found
                        }
                    }
                };
                let index = self.declare_local(name, local_ty, *mutable, true);
                self.ctx.scopes.get_mut(index).let_keyword = Some(Span {
                    start: stmt.span.start,
                    end: stmt.span.start + 3,
                });
                matches!(
                    self.types.resolve(&self.ctx.scopes.get(index).ty),
                    Ty::Never
                )
            }
            StmtKind::Assign { name, value } => {
                self.assign(name, value);
                false
            }
            StmtKind::For {
                binding,
                iter,
                body,
            } => {
                self.for_loop(binding, iter, body);
                false
            }
            StmtKind::While { cond, body } => {
                self.reset_assigned_in(body);
                self.ctx.scopes.push(FrameKind::Block, body.span.end);
                let facts = self.condition(cond);
                self.apply(facts.when_true);
                self.ctx.loops += 1;
                self.block(body);
                self.ctx.loops -= 1;
                self.pop_scope();
                false
            }
            StmtKind::Break | StmtKind::Continue => {
                if self.ctx.loops == 0 {
                    let word = if matches!(stmt.kind, StmtKind::Break) {
                        "break"
                    } else {
                        "continue"
                    };
                    self.error(Diagnostic::error(
                        codes::OUTSIDE_LOOP,
                        file,
                        stmt.span,
                        format!("`{word}` outside a loop"),
                    ));
                }
                true
            }
            StmtKind::Return(value) => {
                if self.ctx.returns.is_empty() {
                    self.error(
                        Diagnostic::error(codes::RETURN_OUTSIDE_FN, file, stmt.span, "`return` outside a function")
                            .with_note("a job ends with `skip` (successfully, no output) or `fail`; its result is set by `output`"),
                    );
                    if let Some(v) = value {
                        self.expr(v, None);
                    }
                    return true;
                }
                let declared = self.ctx.returns.last().and_then(|r| r.declared.clone());
                let ty = match value {
                    Some(v) => {
                        let ty = self.expr(v, declared.as_ref());
                        if let Some(d) = &declared {
                            self.expect_type(v.span, &ty, d, "the returned value");
                        }
                        ty
                    }
                    None => Ty::Null,
                };
                if let Some(r) = self.ctx.returns.last_mut() {
                    r.found.push(ty);
                }
                true
            }
            StmtKind::Skip(reason) => {
                self.ctx.job_skips |= !self.ctx.in_test && !self.is_adaptor();
                if let Some(reason) = reason {
                    let ty = self.expr(reason, None);
                    self.printable(reason.span, &ty, "the log");
                }
                true
            }
            StmtKind::Fail(reason) => {
                let ty = self.expr(reason, None);
                self.printable(reason.span, &ty, "an error message");
                true
            }
            StmtKind::Log(value) | StmtKind::Warn(value) => {
                let ty = self.expr(value, None);
                self.printable(value.span, &ty, "the log");
                false
            }
            StmtKind::Output(value) => {
                if self.ctx.returns.len() > 1 || (self.is_adaptor()) {
                    // Inside functions `output` is fine too: it sets the job's output.
                }
                let ty = self.expr(value, None);
                self.printable(value.span, &ty, "the output");
                if !self.ctx.in_test && !self.is_adaptor() {
                    self.ctx.job_outputs.push(ty.clone());
                }
                false
            }
            StmtKind::Try { body, err, handler } => {
                let body_leaves = self.block(body);
                self.ctx.scopes.push(FrameKind::Block, handler.span.end);
                let error = Ty::Named(self.error_type);
                self.declare_local(err, error, false, false);
                let handler_leaves = self.block(handler);
                self.pop_scope();
                body_leaves && handler_leaves
            }
            StmtKind::Expect(cond) => {
                if !self.ctx.in_test {
                    self.error(Diagnostic::error(
                        codes::TEST_ONLY,
                        file,
                        stmt.span,
                        "`expect` is only allowed in a `test`",
                    ));
                }
                self.condition(cond);
                false
            }
            StmtKind::Mock { target, value } => {
                if !self.ctx.in_test {
                    self.error(Diagnostic::error(
                        codes::TEST_ONLY,
                        file,
                        stmt.span,
                        "`mock` is only allowed in a `test`",
                    ));
                    return false;
                }
                let op = self.expr(target, None);
                if !matches!(
                    self.info.defs.get(&(file, field_name_span(target))),
                    Some(Def::Op { .. })
                ) && !op.is_error()
                {
                    self.error(Diagnostic::error(codes::TEST_ONLY, file, target.span, "only an adaptor's op can be mocked: `mock dhis2.create_tracked_entity = …`"));
                }
                // A mock may leave out parameters that have defaults; its result must fit.
                let found = self.expr(value, Some(&op));
                if let (Ty::Fn(want), Ty::Fn(have)) = (
                    self.types.resolve(&op).clone(),
                    self.types.resolve(&found).clone(),
                ) {
                    self.expect_type(value.span, &have.ret, &want.ret, "the mock's result");
                }
                false
            }
            StmtKind::Expr(e) => {
                let ty = self.expr(e, None);
                matches!(ty, Ty::Never)
            }
            StmtKind::Error => false,
        }
    }

    fn assign(&mut self, name: &'a ast::Ident, value: &'a ast::Expr) {
        let file = self.file();
        let Some(index) = self.ctx.scopes.lookup(&name.name) else {
            let module = self.ctx.module;
            self.expr(value, None);
            if self.fn_index(module, &name.name).is_some()
                || self.const_index(module, &name.name).is_some()
            {
                self.error(Diagnostic::error(
                    codes::NOT_ASSIGNABLE,
                    file,
                    name.span,
                    format!("`{}` is not a variable", name.name),
                ));
            } else {
                self.unknown_name(name.span, &name.name);
            }
            return;
        };
        let local = self.ctx.scopes.get(index).clone();
        self.define(
            name.span,
            Def::Local {
                decl: local.decl,
                mutable: local.mutable,
            },
        );
        if !local.mutable {
            let mut d = Diagnostic::error(
                codes::ASSIGN_TO_LET,
                file,
                name.span,
                format!("`{}` is a `let` and cannot change", name.name),
            )
            .with_label("assigned here")
            .with_secondary(file, local.decl, "declared with `let`");
            if let Some(keyword) = local.let_keyword {
                d = d.with_fix(
                    "declare it with `var`",
                    vec![Edit {
                        span: keyword,
                        replacement: "var".into(),
                    }],
                );
            }
            self.error(d);
        }
        if !local.mutable {
            self.expr(value, Some(&local.ty));
            return;
        }
        if local.lambda_depth < self.ctx.scopes.lambda_depth() {
            self.error(
                Diagnostic::error(
                    codes::LAMBDA_ASSIGNS_OUTER,
                    file,
                    name.span,
                    format!(
                        "a lambda cannot assign to `{}`, declared outside it",
                        name.name
                    ),
                )
                .with_note("use a `for` loop to accumulate values"),
            );
        }
        let found = self.expr(value, Some(&local.ty));
        self.expect_type(value.span, &found, &local.ty, &format!("`{}`", name.name));
        self.ctx.scopes.reset(Root::Local(index));
        if self.types.is_optional(&local.ty)
            && !self.types.is_optional(&found)
            && self.types.is_assignable(&found, &local.ty)
        {
            let narrowed = self.types.non_null(&local.ty);
            self.ctx.scopes.narrow(
                Path {
                    root: Root::Local(index),
                    fields: Vec::new(),
                },
                narrowed,
            );
        }
    }

    fn for_loop(&mut self, binding: &'a ForBinding, iter: &'a ast::Expr, body: &'a ast::Block) {
        let file = self.file();
        let iter_ty = self.expr(iter, None);
        let element = match self.types.resolve(&iter_ty) {
            Ty::List(t) => (**t).clone(),
            Ty::Json => Ty::Json,
            Ty::Error => Ty::Error,
            other => {
                let shown = self.types.display(other);
                let mut d = Diagnostic::error(
                    codes::NOT_ITERABLE,
                    file,
                    iter.span,
                    format!("a `for` goes over a list, not `{shown}`"),
                )
                .with_label(format!("this is `{shown}`"));
                if matches!(other, Ty::Map(_) | Ty::Record(_)) {
                    d = d.with_note("go over a map's pairs with `for (k, v) in m.entries()`, or its `keys()` or `values()`");
                } else if self.types.is_optional(other) {
                    d = d.with_note("it may be null: `for x in xs ?? []`");
                }
                self.error(d);
                Ty::Error
            }
        };
        self.reset_assigned_in(body);
        self.ctx.scopes.push(FrameKind::Block, body.span.end);
        match binding {
            ForBinding::One(x) => {
                self.declare_local(x, element, false, false);
            }
            ForBinding::Pair(a, b) => {
                let (first, second) = match self.types.resolve(&element) {
                    Ty::Record(r) if r.fields.len() == 2 => {
                        (r.fields[0].ty.clone(), r.fields[1].ty.clone())
                    }
                    Ty::Error | Ty::Json => (element.clone(), element.clone()),
                    other => {
                        let shown = self.types.display(other);
                        self.error(
                            Diagnostic::error(codes::NOT_ITERABLE, file, iter.span, format!("`for (a, b)` needs pairs, found elements of type `{shown}`"))
                                .with_note("pairs come from `xs.enumerate()` (index, element) and `m.entries()` (key, value)"),
                        );
                        (Ty::Error, Ty::Error)
                    }
                };
                self.declare_local(a, first, false, false);
                self.declare_local(b, second, false, false);
            }
        }
        self.ctx.loops += 1;
        self.block(body);
        self.ctx.loops -= 1;
        self.pop_scope();
    }

    /// A loop body may run again after assigning: facts about what it assigns do
    /// not hold at its start.
    fn reset_assigned_in(&mut self, body: &ast::Block) {
        let mut names: Vec<SmolStr> = Vec::new();
        assigned_names(&body.stmts, &mut names);
        for name in names {
            if let Some(index) = self.ctx.scopes.lookup(&name) {
                self.ctx.scopes.reset(Root::Local(index));
            }
        }
    }

    fn has_unknown_element(&self, ty: &Ty) -> bool {
        match self.types.resolve(ty) {
            Ty::List(t) | Ty::Map(t) => matches!(**t, Ty::Never),
            _ => false,
        }
    }
}

fn field_name_span(e: &ast::Expr) -> Span {
    match &e.kind {
        ExprKind::Field { name, .. } => name.span,
        _ => e.span,
    }
}

fn assigned_names(stmts: &[ast::Stmt], out: &mut Vec<SmolStr>) {
    for stmt in stmts {
        match &stmt.kind {
            StmtKind::Assign { name, .. } => out.push(name.name.clone()),
            StmtKind::For { body, .. } | StmtKind::While { body, .. } => {
                assigned_names(&body.stmts, out)
            }
            StmtKind::Try { body, handler, .. } => {
                assigned_names(&body.stmts, out);
                assigned_names(&handler.stmts, out);
            }
            StmtKind::Expr(e) => assigned_in_expr(e, out),
            _ => {}
        }
    }
}

fn assigned_in_expr(e: &ast::Expr, out: &mut Vec<SmolStr>) {
    match &e.kind {
        ExprKind::If(i) => {
            assigned_names(&i.then.stmts, out);
            match &i.else_ {
                Some(ast::Else::Block(b)) => assigned_names(&b.stmts, out),
                Some(ast::Else::If(e)) => assigned_in_expr(e, out),
                None => {}
            }
        }
        ExprKind::Match(m) => {
            for arm in &m.arms {
                assigned_names(std::slice::from_ref(&arm.body), out);
            }
        }
        _ => {}
    }
}

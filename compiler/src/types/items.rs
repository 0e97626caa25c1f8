//! The checker's state, and the declarations of each file: hoisted names first,
//! then type bodies and signatures, then bodies (functions on demand, so a
//! function's inferred return type is known wherever it is called).

use super::report::{self, codes};
use super::scope::{FrameKind, Local, Scopes};
use super::ty::{Field, NamedType, Ty, TypeId, TypeTable};
use super::{Checked, Def, FnSig, LocalInfo, Module, OpSig, ParamSig, SourceFile, TypeInfo};
use crate::diagnostics::{self, Diagnostic};
use crate::source::{SourceId, Span};
use crate::syntax::ast::{self, ItemKind};
use smol_str::SmolStr;

#[derive(Clone, Copy, PartialEq)]
enum State {
    Todo,
    Checking,
    Done,
}

/// Where `return` goes and what it has seen.
pub(super) struct ReturnCtx {
    pub declared: Option<Ty>,
    pub found: Vec<Ty>,
}

/// What changes as the checker moves between bodies.
#[derive(Default)]
pub(super) struct Ctx {
    pub module: usize,
    pub scopes: Scopes,
    pub returns: Vec<ReturnCtx>,
    pub loops: u32,
    pub in_test: bool,
    /// The types of the job's `output`s and whether it may `skip`: what
    /// `run(…)` gives in a test (`test_calls.rs`).
    pub job_outputs: Vec<Ty>,
    pub job_skips: bool,
    /// In a `const` initializer: only constant expressions.
    pub in_const: bool,
    /// Where `omit` may stand, and why not where it may not (`expr/omit.rs`).
    pub omit_places: std::collections::HashMap<crate::source::Span, super::expr::omit::OmitPlace>,
}

pub(super) struct Checker<'a> {
    pub files: &'a [SourceFile],
    pub types: TypeTable,
    pub modules: Vec<Module>,
    pub info: TypeInfo,
    pub diags: Vec<Diagnostic>,
    pub ctx: Ctx,
    pub error_type: TypeId,
    fn_decls: Vec<Vec<&'a ast::FnDecl>>,
    fn_state: Vec<Vec<State>>,
    const_decls: Vec<Vec<(&'a ast::Ident, Option<&'a ast::Type>, &'a ast::Expr)>>,
    const_state: Vec<Vec<State>>,
    available_adaptors: &'a [String],
    /// Polled before each expression: once it says so, the rest is skipped (see
    /// `types::check_until`).
    pub stop: &'a dyn Fn() -> bool,
}

/// The `stop` of a check that always runs to the end.
fn never() -> bool {
    false
}

impl<'a> Checker<'a> {
    pub fn new(files: &'a [SourceFile], available_adaptors: &'a [String]) -> Checker<'a> {
        let mut types = TypeTable::default();
        let error_type = types.add(NamedType {
            name: "Error".into(),
            ty: error_record(),
            doc: Some("What `catch err` holds: the kind of failure, its message (secrets redacted), and for HTTP failures the status and body, for decode failures the JSON path.".into()),
            origin: (SourceId(u32::MAX), Span::default()),
        });
        Checker {
            files,
            types,
            modules: Vec::new(),
            info: TypeInfo::default(),
            diags: Vec::new(),
            ctx: Ctx::default(),
            error_type,
            fn_decls: Vec::new(),
            fn_state: Vec::new(),
            const_decls: Vec::new(),
            const_state: Vec::new(),
            available_adaptors,
            stop: &never,
        }
    }

    pub fn file(&self) -> SourceId {
        self.files[self.ctx.module].id
    }

    pub fn module(&self) -> &Module {
        &self.modules[self.ctx.module]
    }

    pub fn is_adaptor(&self) -> bool {
        self.module().adaptor_name.is_some()
    }

    pub fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn define(&mut self, span: Span, def: Def) {
        self.info.defs.insert((self.file(), span), def);
    }

    pub fn adaptor_alias(&self, name: &str) -> Option<usize> {
        self.module()
            .uses
            .iter()
            .find(|(alias, _)| alias == name)
            .map(|(_, m)| *m)
    }

    pub fn run(mut self) -> Checked {
        for (index, file) in self.files.iter().enumerate() {
            self.collect(index, file);
        }
        // The adaptors first: the job's signatures mention their types.
        let order: Vec<usize> = (1..self.files.len())
            .chain(std::iter::once(0))
            .filter(|&i| i < self.files.len())
            .collect();
        for &index in &order {
            self.ctx = Ctx {
                module: index,
                ..Ctx::default()
            };
            self.resolve_uses();
            self.resolve_declarations();
        }
        for &index in &order {
            self.ctx = Ctx {
                module: index,
                ..Ctx::default()
            };
            self.check_bodies();
        }
        diagnostics::sort(&mut self.diags);
        Checked {
            types: self.types,
            modules: self.modules,
            info: self.info,
            diagnostics: self.diags,
        }
    }

    /// Hoisting: every type, function and const name of a file, before any body.
    fn collect(&mut self, index: usize, file: &'a SourceFile) {
        let mut module = Module {
            file: file.id,
            adaptor_name: file.ast.adaptor.as_ref().map(|h| h.name.name.clone()),
            doc: file
                .ast
                .adaptor
                .as_ref()
                .and_then(|h| h.doc.as_ref().map(|d| d.text.clone())),
            input: Ty::Json,
            ..Module::default()
        };
        let mut fns = Vec::new();
        let mut consts = Vec::new();
        // Keyed by name and whether it names a type: a big adaptor has tens of
        // thousands of declarations, so the lookup must not be a scan.
        let mut seen: std::collections::HashMap<(SmolStr, bool), Span> =
            std::collections::HashMap::new();
        for item in &file.ast.items {
            let (name, kind) = match &item.kind {
                ItemKind::Type { name, .. } => (name, "type"),
                ItemKind::Fn(f) => (&f.name, "function"),
                ItemKind::Const { name, .. } => (name, "const"),
                ItemKind::Op(op) => (&op.name, "op"),
                _ => continue,
            };
            // Types live apart from values; ops and functions share a namespace.
            let key = (name.name.clone(), kind == "type");
            if let Some(first) = seen.get(&key) {
                self.diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_DECLARATION,
                        file.id,
                        name.span,
                        format!("`{}` is declared twice", name.name),
                    )
                    .with_label("declared again here")
                    .with_secondary(file.id, *first, "first declared here"),
                );
                continue;
            }
            seen.insert(key, name.span);
            match &item.kind {
                ItemKind::Type { name, .. } => {
                    let display = match &module.adaptor_name {
                        Some(adaptor) => format!("{adaptor}.{}", name.name),
                        None => name.name.to_string(),
                    };
                    let id = self.types.add(NamedType {
                        name: display,
                        ty: Ty::Error,
                        doc: item.doc.as_ref().map(|d| d.text.clone()),
                        origin: (file.id, name.span),
                    });
                    module.types.insert(name.name.clone(), id);
                }
                ItemKind::Fn(f) => fns.push(f),
                ItemKind::Const { name, ty, value } => consts.push((name, ty.as_ref(), value)),
                _ => {}
            }
        }
        self.fn_state.push(vec![State::Todo; fns.len()]);
        self.fn_decls.push(fns);
        self.const_state.push(vec![State::Todo; consts.len()]);
        self.const_decls.push(consts);
        self.modules.push(module);
        debug_assert_eq!(self.modules.len(), index + 1);
    }

    fn items(&self) -> &'a [ast::Item] {
        &self.files[self.ctx.module].ast.items
    }

    fn resolve_uses(&mut self) {
        let file = self.file();
        let mut uses = Vec::new();
        for item in self.items() {
            let ItemKind::Use { adaptor, alias } = &item.kind else {
                continue;
            };
            let found = self
                .modules
                .iter()
                .position(|m| m.adaptor_name.as_deref() == Some(adaptor.name.as_str()));
            let Some(found) = found else {
                let suggestion = report::did_you_mean(
                    &adaptor.name,
                    self.available_adaptors.iter().map(|s| s.as_str()),
                );
                let list = self.available_adaptors.join(", ");
                let d = Diagnostic::error(codes::UNKNOWN_ADAPTOR, file, adaptor.span, format!("no adaptor named `{}`", adaptor.name))
                    .with_label("not found")
                    .with_note(format!(
                        "adaptors are looked for in --adaptor-path, in ./adaptors/ beside the job, and among the built-in ones: {list}"
                    ));
                self.error(report::suggest(d, suggestion, report::plain));
                let name = alias.as_ref().unwrap_or(adaptor);
                self.modules[self.ctx.module]
                    .unresolved_uses
                    .push(name.name.clone());
                continue;
            };
            let name = alias.as_ref().unwrap_or(adaptor);
            if let Some((_, _)) = uses
                .iter()
                .find(|(n, _): &&(SmolStr, usize)| *n == name.name)
            {
                self.error(Diagnostic::error(
                    codes::DUPLICATE_DECLARATION,
                    file,
                    name.span,
                    format!("`{}` is already used", name.name),
                ));
                continue;
            }
            self.info
                .defs
                .insert((file, adaptor.span), Def::Adaptor(found));
            if let Some(alias) = alias {
                self.info
                    .defs
                    .insert((file, alias.span), Def::Adaptor(found));
            }
            uses.push((name.name.clone(), found));
        }
        self.modules[self.ctx.module].uses = uses;
    }

    /// Type bodies, signatures, `config`, `input:` and `trigger`.
    fn resolve_declarations(&mut self) {
        let file = self.file();
        let module = self.ctx.module;
        let mut input_seen: Option<Span> = None;
        let mut trigger_seen: Option<Span> = None;
        for item in self.items() {
            match &item.kind {
                ItemKind::Type { name, ty } => {
                    let Some(&id) = self.modules[module].types.get(&name.name) else {
                        continue;
                    };
                    if self.types.get(id).origin.1 != name.span {
                        continue;
                    }
                    let body = self.resolve_type(ty);
                    self.types.set_body(id, body);
                    self.define(name.span, Def::Type(id));
                }
                ItemKind::Input(ty) => {
                    if let Some(first) = input_seen {
                        self.error(
                            Diagnostic::error(
                                codes::DUPLICATE_SINGLETON,
                                file,
                                item.span,
                                "a job has one `input:`",
                            )
                            .with_secondary(
                                file,
                                first,
                                "first declared here",
                            ),
                        );
                        continue;
                    }
                    input_seen = Some(item.span);
                    let ty = self.resolve_type(ty);
                    if self.types.contains_secret(&ty, 0) {
                        self.error(
                            Diagnostic::error(
                                codes::SECRET_LEAK,
                                file,
                                item.span,
                                "the input cannot hold a `Secret`",
                            )
                            .with_note("secrets come only from `config`"),
                        );
                    }
                    self.modules[module].input = ty;
                }
                ItemKind::Trigger(trigger) => {
                    if let Some(first) = trigger_seen {
                        self.error(
                            Diagnostic::error(
                                codes::DUPLICATE_SINGLETON,
                                file,
                                item.span,
                                "a job has at most one `trigger`",
                            )
                            .with_secondary(
                                file,
                                first,
                                "first declared here",
                            ),
                        );
                        continue;
                    }
                    trigger_seen = Some(item.span);
                    self.check_trigger(trigger);
                    self.modules[module].trigger = Some(trigger.clone());
                }
                ItemKind::Config { fields } => {
                    let mut out: Vec<Field> = Vec::new();
                    for f in fields {
                        if out.iter().any(|o| o.name == f.name.name) {
                            self.error(Diagnostic::error(
                                codes::DUPLICATE_FIELD,
                                file,
                                f.name.span,
                                format!("the config field `{}` is declared twice", f.name.name),
                            ));
                            continue;
                        }
                        let ty = self.resolve_type(&f.ty);
                        let optional =
                            f.optional || matches!(&f.ty.kind, ast::TypeKind::Optional(_));
                        out.push(Field {
                            name: f.name.name.clone(),
                            ty,
                            optional,
                            doc: f.doc.as_ref().map(|d| d.text.clone()),
                            origin: Some((file, f.name.span)),
                        });
                    }
                    self.modules[module].config = Some(Ty::record(out, false));
                }
                ItemKind::Op(op) => {
                    let params = self.param_sigs(&op.params);
                    let ret = op.ret.as_ref().map_or(Ty::Json, |t| self.resolve_type(t));
                    self.modules[module].ops.push(OpSig {
                        name: op.name.name.clone(),
                        params,
                        ret,
                        doc: item.doc.as_ref().map(|d| d.text.clone()),
                        origin: (file, op.name.span),
                        native: matches!(op.binding, ast::OpBinding::Native(_)),
                    });
                }
                _ => {}
            }
        }
        let decls = self.fn_decls[module].clone();
        for f in decls {
            let params = self.param_sigs(&f.params);
            let ret = f.ret.as_ref().map_or(Ty::Error, |t| self.resolve_type(t));
            let doc = self
                .items()
                .iter()
                .find(|i| matches!(&i.kind, ItemKind::Fn(g) if std::ptr::eq(g, f)))
                .and_then(|i| i.doc.as_ref().map(|d| d.text.clone()));
            self.modules[module].fns.push(FnSig {
                name: f.name.name.clone(),
                params,
                ret,
                doc,
                origin: (file, f.name.span),
            });
        }
        let consts = self.const_decls[module].clone();
        for (name, _, _) in consts {
            self.modules[module]
                .consts
                .push((name.name.clone(), Ty::Error, (file, name.span)));
        }
    }

    fn param_sigs(&mut self, params: &[ast::Param]) -> Vec<ParamSig> {
        params
            .iter()
            .map(|p| ParamSig {
                name: p.name.name.clone(),
                ty: p.ty.as_ref().map_or(Ty::Error, |t| self.resolve_type(t)),
                has_default: p.default.is_some(),
            })
            .collect()
    }

    fn check_bodies(&mut self) {
        let module = self.ctx.module;
        for index in 0..self.const_decls[module].len() {
            self.ensure_const(module, index);
        }
        for index in 0..self.fn_decls[module].len() {
            self.ensure_fn(module, index);
        }
        if self.is_adaptor() {
            self.check_adaptor_items();
            return;
        }
        // The job's top-level statements: its main body.
        self.ctx.scopes.push(FrameKind::Function, u32::MAX);
        let stmts: Vec<&'a ast::Stmt> = self
            .items()
            .iter()
            .filter_map(|item| match &item.kind {
                ItemKind::Stmt(s) => Some(s),
                _ => None,
            })
            .collect();
        self.stmts(&stmts);
        self.pop_scope();
        for item in self.items() {
            if let ItemKind::Test { body, .. } = &item.kind {
                self.ctx.in_test = true;
                self.ctx.scopes.push(FrameKind::Function, body.span.end);
                self.block(body);
                self.pop_scope();
                self.ctx.in_test = false;
            }
        }
    }

    /// Leaves a scope: unused bindings are warned about, and every local is
    /// remembered for completion.
    pub fn pop_scope(&mut self) {
        let file = self.file();
        for ended in self.ctx.scopes.pop() {
            let local = ended.local;
            if local.warn_unused && !local.used && !local.name.starts_with('_') {
                self.diags.push(
                    Diagnostic::warning(
                        codes::UNUSED,
                        file,
                        local.decl,
                        format!("`{}` is never used", local.name),
                    )
                    .with_label("never used")
                    .with_note(format!(
                        "remove it, or name it `_{}` if that is on purpose",
                        local.name
                    )),
                );
            }
            self.info.locals.push(LocalInfo {
                name: local.name.clone(),
                ty: local.ty.clone(),
                file,
                decl: local.decl,
                visible: Span {
                    start: local.decl.end,
                    end: ended.visible_end,
                },
                mutable: local.mutable,
            });
        }
    }

    pub fn declare_local(
        &mut self,
        name: &ast::Ident,
        ty: Ty,
        mutable: bool,
        warn_unused: bool,
    ) -> usize {
        let file = self.file();
        self.info.defs.insert(
            (file, name.span),
            Def::Local {
                decl: name.span,
                mutable,
            },
        );
        self.info.expr_types.insert((file, name.span), ty.clone());
        self.ctx.scopes.declare(Local {
            name: name.name.clone(),
            ty,
            mutable,
            decl: name.span,
            used: false,
            warn_unused,
            lambda_depth: 0,
            let_keyword: None,
        })
    }

    /// The signature of a function, its body checked first if its return type
    /// must be inferred. `call_site` is where a recursive call is reported.
    pub fn ensure_fn(&mut self, module: usize, index: usize) -> Option<FnSig> {
        match self.fn_state[module][index] {
            State::Done => return Some(self.modules[module].fns[index].clone()),
            State::Checking => {
                let sig = &self.modules[module].fns[index];
                return if matches!(sig.ret, Ty::Error) && self.fn_decls[module][index].ret.is_none()
                {
                    None
                } else {
                    Some(sig.clone())
                };
            }
            State::Todo => {}
        }
        self.fn_state[module][index] = State::Checking;
        let decl = self.fn_decls[module][index];
        let saved = std::mem::replace(
            &mut self.ctx,
            Ctx {
                module,
                ..Ctx::default()
            },
        );
        let sig = self.modules[module].fns[index].clone();
        self.ctx
            .scopes
            .push(FrameKind::Function, decl.body.span.end);
        self.check_params(&decl.params, &sig.params);
        let declared = decl.ret.as_ref().map(|_| sig.ret.clone());
        self.ctx.returns.push(super::items::ReturnCtx {
            declared: declared.clone(),
            found: Vec::new(),
        });
        let (value, diverges) = self.block_value(&decl.body, declared.as_ref());
        let ret_ctx = self.ctx.returns.pop();
        self.pop_scope();
        let ret = match declared {
            Some(ret) => {
                if !diverges
                    && !matches!(self.types.resolve(&ret), Ty::Null | Ty::Json | Ty::Error)
                    && !self.types.accepts_null(&ret)
                {
                    match &value {
                        Some((span, ty)) => {
                            self.expect_type(*span, ty, &ret, &format!("the result of `{}`", decl.name.name));
                        }
                        None => self.error(
                            Diagnostic::error(
                                codes::MISSING_VALUE,
                                self.file(),
                                decl.body.span,
                                format!("`{}` must give a `{}`, but its body ends without a value", decl.name.name, self.types.display(&ret)),
                            )
                            .with_note("the value of a function is its last expression, or what `return` gives"),
                        ),
                    }
                } else if let Some((span, ty)) = &value {
                    self.expect_type(
                        *span,
                        ty,
                        &ret,
                        &format!("the result of `{}`", decl.name.name),
                    );
                }
                ret
            }
            None => {
                let mut ret =
                    value
                        .map(|(_, t)| t)
                        .unwrap_or(if diverges { Ty::Never } else { Ty::Null });
                for found in ret_ctx.map(|r| r.found).unwrap_or_default() {
                    ret = self.types.join(&ret, &found);
                }
                ret
            }
        };
        self.ctx = saved;
        self.modules[module].fns[index].ret = ret;
        self.fn_state[module][index] = State::Done;
        Some(self.modules[module].fns[index].clone())
    }

    /// A const's type, its initializer checked first.
    pub fn ensure_const(&mut self, module: usize, index: usize) -> Option<Ty> {
        match self.const_state[module][index] {
            State::Done => return Some(self.modules[module].consts[index].1.clone()),
            State::Checking => return None,
            State::Todo => {}
        }
        self.const_state[module][index] = State::Checking;
        let (name, annotation, value) = self.const_decls[module][index];
        let saved = std::mem::replace(
            &mut self.ctx,
            Ctx {
                module,
                in_const: true,
                ..Ctx::default()
            },
        );
        self.ctx.scopes.push(FrameKind::Function, value.span.end);
        let declared = annotation.map(|t| self.resolve_type(t));
        let found = self.expr(value, declared.as_ref());
        let ty = match declared {
            Some(declared) => {
                self.expect_type(
                    value.span,
                    &found,
                    &declared,
                    &format!("the const `{}`", name.name),
                );
                declared
            }
            None => found,
        };
        if self.types.contains_secret(&ty, 0) {
            self.error(Diagnostic::error(
                codes::SECRET_LEAK,
                self.file(),
                value.span,
                "a `const` cannot hold a `Secret`",
            ));
        }
        self.pop_scope();
        self.ctx = saved;
        self.modules[module].consts[index].1 = ty.clone();
        self.const_state[module][index] = State::Done;
        Some(ty)
    }

    pub fn fn_index(&self, module: usize, name: &str) -> Option<usize> {
        self.modules[module].fns.iter().position(|f| f.name == name)
    }

    pub fn const_index(&self, module: usize, name: &str) -> Option<usize> {
        self.modules[module].consts.iter().position(|c| c.0 == name)
    }

    fn check_trigger(&mut self, trigger: &ast::Trigger) {
        let file = self.file();
        match trigger {
            ast::Trigger::Webhook { path, auth, .. } => {
                if !path.value.starts_with('/') {
                    self.error(
                        Diagnostic::error(
                            codes::BAD_TRIGGER,
                            file,
                            path.span,
                            "a webhook path starts with `/`",
                        )
                        .with_replacement("start it with `/`", format!("\"/{}\"", path.value)),
                    );
                }
                if let Some(auth) = auth {
                    self.check_webhook_auth(auth);
                }
            }
            ast::Trigger::Cron { schedule, tz } => {
                if let Err(why) = check_cron(&schedule.value) {
                    self.error(
                        Diagnostic::error(codes::BAD_TRIGGER, file, schedule.span, format!("invalid cron schedule: {why}"))
                            .with_note("five fields: minute hour day-of-month month day-of-week, e.g. \"0 2 * * *\" for 02:00 every day"),
                    );
                }
                if let Some(tz) = tz
                    && !is_time_zone(&tz.value)
                {
                    self.error(
                        Diagnostic::error(
                            codes::BAD_TRIGGER,
                            file,
                            tz.span,
                            format!("`{}` is not a time zone", tz.value),
                        )
                        .with_note("use an IANA name such as \"Africa/Nairobi\" or \"UTC\""),
                    );
                }
            }
            ast::Trigger::Every(d) => {
                if d.millis() < 1000 {
                    self.error(Diagnostic::error(
                        codes::BAD_TRIGGER,
                        file,
                        d.span,
                        "a schedule runs at most once a second",
                    ));
                }
            }
        }
    }

    fn check_webhook_auth(&mut self, auth: &ast::Expr) {
        let file = self.file();
        let ok = match &auth.kind {
            ast::ExprKind::Name(n) => n == "basic",
            ast::ExprKind::Call { callee, args } => match &callee.kind {
                ast::ExprKind::Name(n) if n == "api_key" || n == "hmac_sha256" => {
                    matches!(args.as_slice(), [arg] if arg.name.is_none() && matches!(arg.value.kind, ast::ExprKind::Literal(ast::Literal::Str(_))))
                }
                _ => false,
            },
            _ => false,
        };
        if !ok {
            self.error(
                Diagnostic::error(codes::BAD_TRIGGER, file, auth.span, "a webhook is authenticated with `api_key(\"Header\")`, `basic` or `hmac_sha256(\"Header\")`")
                    .with_note("the key, user name and password, or secret come from the config section `trigger`"),
            );
        }
    }

    /// `config`, `auth`, `base`, `errors`, and each op's binding, in an adaptor file.
    fn check_adaptor_items(&mut self) {
        let file = self.file();
        let mut seen_auth = false;
        let mut seen_base = false;
        let mut seen_errors = false;
        // The nth op item is the nth op signature: they were declared in order.
        let mut op_index = 0;
        for item in self.items() {
            match &item.kind {
                ItemKind::Errors(decl) => {
                    if std::mem::replace(&mut seen_errors, true) {
                        self.error(
                            Diagnostic::error(
                                codes::DUPLICATE_SINGLETON,
                                file,
                                item.span,
                                "an adaptor has one `errors`",
                            )
                            .with_note("put every `retry` and `detail` in one `errors { }`"),
                        );
                    }
                    for d in super::errors_item::read(decl, file).1 {
                        self.error(d);
                    }
                }
                ItemKind::Auth(expr) => {
                    if std::mem::replace(&mut seen_auth, true) {
                        self.error(Diagnostic::error(
                            codes::DUPLICATE_SINGLETON,
                            file,
                            item.span,
                            "an adaptor has one `auth`",
                        ));
                    }
                    self.check_auth(expr);
                }
                ItemKind::Base(expr) => {
                    if std::mem::replace(&mut seen_base, true) {
                        self.error(Diagnostic::error(
                            codes::DUPLICATE_SINGLETON,
                            file,
                            item.span,
                            "an adaptor has one `base`",
                        ));
                    }
                    self.ctx.scopes.push(FrameKind::Function, expr.span.end);
                    let ty = self.expr(expr, Some(&Ty::Url));
                    self.expect_type(expr.span, &ty, &Ty::String, "`base`");
                    self.pop_scope();
                }
                ItemKind::Op(op) => {
                    self.check_op(op, op_index);
                    op_index += 1;
                }
                _ => {}
            }
        }
    }

    /// `auth basic(user, password)` and the other schemes; here alone a `Secret`
    /// may be interpolated.
    fn check_auth(&mut self, expr: &'a ast::Expr) {
        let file = self.file();
        let schemes: &[(&str, &[(&str, bool)])] = &[
            ("basic", &[("user", false), ("password", false)]),
            ("bearer", &[("token", false)]),
            ("header", &[("name", false), ("value", false)]),
            ("query", &[("name", false), ("value", false)]),
            (
                "oauth2_client_credentials",
                &[
                    ("token_url", false),
                    ("client_id", false),
                    ("client_secret", false),
                    ("scope", true),
                ],
            ),
        ];
        let ast::ExprKind::Call { callee, args } = &expr.kind else {
            self.error(Diagnostic::error(codes::BAD_OP_BINDING, file, expr.span, "`auth` takes a scheme: basic(…), bearer(…), header(…), query(…) or oauth2_client_credentials(…)"));
            return;
        };
        let ast::ExprKind::Name(scheme) = &callee.kind else {
            return;
        };
        let Some((_, params)) = schemes.iter().find(|(s, _)| s == scheme) else {
            let suggestion = report::did_you_mean(scheme, schemes.iter().map(|(s, _)| *s));
            let d = Diagnostic::error(
                codes::BAD_OP_BINDING,
                file,
                callee.span,
                format!("`{scheme}` is not an auth scheme"),
            )
            .with_note(
                "the schemes are basic, bearer, header, query and oauth2_client_credentials",
            );
            self.error(report::suggest(d, suggestion, report::plain));
            return;
        };
        self.define(callee.span, Def::Builtin(scheme.clone()));
        let required = params.iter().filter(|(_, optional)| !optional).count();
        if args.len() < required || args.len() > params.len() {
            self.error(Diagnostic::error(
                codes::ARGUMENT_COUNT,
                file,
                expr.span,
                format!(
                    "`{scheme}` takes {}",
                    params
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        self.ctx.scopes.push(FrameKind::Function, expr.span.end);
        for arg in args {
            // Secrets are allowed here, in interpolations too.
            let ty = self.expr_allowing_secrets(&arg.value);
            if !self.types.is_assignable(&ty, &Ty::String)
                && !self.types.is_assignable(&ty, &Ty::optional(Ty::Secret))
                && !self.types.is_assignable(&ty, &Ty::optional(Ty::String))
            {
                self.expect_type(
                    arg.value.span,
                    &ty,
                    &Ty::String,
                    &format!("an argument of `{scheme}`"),
                );
            }
        }
        self.pop_scope();
    }

    /// Checks the op declared `index`th; a scan for it by its span would make
    /// an adaptor of thousands of ops quadratic.
    fn check_op(&mut self, op: &'a ast::OpDecl, index: usize) {
        let module = self.ctx.module;
        let ops = &self.modules[module].ops;
        let found = match ops.get(index) {
            Some(o) if o.origin.1 == op.name.span => Some(index),
            _ => ops.iter().position(|o| o.origin.1 == op.name.span),
        };
        let Some(index) = found else {
            return;
        };
        let sig = self.modules[module].ops[index].clone();
        self.define(
            op.name.span,
            Def::Op {
                adaptor: module,
                index,
            },
        );
        self.ctx.scopes.push(FrameKind::Function, u32::MAX);
        self.check_params(&op.params, &sig.params);
        if let ast::OpBinding::Http(http) = &op.binding {
            self.check_http_binding(http, &sig);
        }
        self.pop_scope();
    }

    /// Checks each parameter's default (a constant, computed where the call
    /// is) and declares the parameters in the current scope.
    fn check_params(&mut self, params: &'a [ast::Param], sig: &[ParamSig]) {
        for (param, p) in params.iter().zip(sig) {
            if let Some(default) = &param.default {
                self.ctx.in_const = true;
                let ty = self.expr(default, Some(&p.ty));
                self.ctx.in_const = false;
                self.expect_type(
                    default.span,
                    &ty,
                    &p.ty,
                    &format!("the default of `{}`", p.name),
                );
            }
            self.declare_local(&param.name, p.ty.clone(), false, false);
        }
    }

    fn check_http_binding(&mut self, http: &'a ast::HttpBinding, sig: &OpSig) {
        let file = self.file();
        let path = self.expr(&http.path, Some(&Ty::String));
        self.expect_type(http.path.span, &path, &Ty::String, "the path of an op");
        let scalar_map = Ty::map(Ty::Json);
        if let Some(query) = &http.query {
            let ty = self.expr(query, Some(&scalar_map));
            self.expect_type(query.span, &ty, &scalar_map, "`query`");
        }
        if let Some(headers) = &http.headers {
            // A null header value leaves the header out.
            let header_map = Ty::map(Ty::optional(Ty::String));
            let ty = self.expr(headers, Some(&header_map));
            self.expect_type(headers.span, &ty, &header_map, "`headers`");
        }
        if let Some(body) = &http.body {
            let ty = self.expr(body, None);
            self.expect_type(body.span, &ty, &Ty::Json, "a request body");
        }
        if http.method.name == "GET" && http.body.is_some() {
            self.error(Diagnostic::warning(
                codes::BAD_OP_BINDING,
                file,
                http.method.span,
                "a GET request with a body: many servers ignore it",
            ));
        }
        // `body` is the decoded response in `result` and `paged`.
        let body_ident = ast::Ident {
            name: SmolStr::new_static("body"),
            span: super::response_decl(http),
        };
        self.ctx.scopes.push(FrameKind::Block, u32::MAX);
        self.declare_local(&body_ident, Ty::Json, false, false);
        if let Some(result) = &http.result {
            let ty = self.expr(result, None);
            self.expect_type(result.span, &ty, &Ty::Json, "`result`");
        }
        if let Some(paged) = &http.paged {
            self.check_paging_rule(paged);
            if let Some(next) = &paged.next {
                let ty = self.expr(next, None);
                self.expect_type(next.span, &ty, &Ty::Json, "`paged next`");
            }
            if let Some(total) = &paged.total {
                let ty = self.expr(total, None);
                self.expect_type(total.span, &ty, &Ty::Json, "`paged total`");
            }
            let items = self.expr(&paged.items, None);
            self.expect_type(paged.items.span, &items, &Ty::Json, "`paged items`");
            if !matches!(self.types.resolve(&sig.ret), Ty::List(_) | Ty::Error) {
                self.error(
                    Diagnostic::error(
                        codes::BAD_OP_BINDING,
                        file,
                        paged.items.span,
                        "a paged op gives a list: its return type must be `[T]`",
                    )
                    .with_note(format!("it is declared `{}`", self.types.display(&sig.ret))),
                );
            }
        }
        self.ctx.scopes.pop();
    }

    /// A `paged` clause says how the next page is asked for: a `next` link, or
    /// a query parameter (`page` and `offset` count themselves, a `cursor`
    /// comes from `next`).
    fn check_paging_rule(&mut self, paged: &ast::Paged) {
        let file = self.file();
        let problem = match (&paged.by, &paged.next) {
            (None, None) => Some((
                paged.span,
                "no `next` link and no parameter",
                "a paged op needs `next` (the next page's link) or a parameter: \
                 `paged page \"NAME\"`, `paged offset \"NAME\"` or `paged cursor \"NAME\" next E`"
                    .to_string(),
            )),
            (Some(by), Some(next)) if by.kind != ast::PageKind::Cursor => Some((
                next.span,
                "not with `page` or `offset`",
                format!(
                    "`paged {}` counts the pages itself: it takes no `next`",
                    by.kind.keyword()
                ),
            )),
            (Some(by), None) if by.kind == ast::PageKind::Cursor => Some((
                paged.span,
                "no `next`",
                "`paged cursor` needs `next`: where the body gives the next cursor".to_string(),
            )),
            (Some(by), _) if by.name.value.trim().is_empty() => Some((
                by.name.span,
                "an empty name",
                format!("`paged {}` names no query parameter", by.kind.keyword()),
            )),
            _ => None,
        };
        if let Some((span, label, message)) = problem {
            self.error(
                Diagnostic::error(codes::BAD_OP_BINDING, file, span, message).with_label(label),
            );
        }
    }
}

/// The built-in `Error` of `catch err`.
fn error_record() -> Ty {
    Ty::record(
        vec![
            Ty::field(
                "kind",
                Ty::union([
                    Ty::Lit(super::ty::Lit::Str("http".into())),
                    Ty::Lit(super::ty::Lit::Str("decode".into())),
                    Ty::Lit(super::ty::Lit::Str("runtime".into())),
                ]),
            ),
            Ty::field("message", Ty::String),
            Ty::field("status", Ty::optional(Ty::Int)),
            Ty::field("body", Ty::Json),
            Ty::field("path", Ty::optional(Ty::String)),
        ],
        false,
    )
}

/// Checks a 5-field cron expression's shape: each field `*`, numbers, ranges,
/// lists and steps within its bounds.
fn check_cron(schedule: &str) -> Result<(), String> {
    let fields: Vec<&str> = schedule.split_whitespace().collect();
    if fields.len() != 5 {
        return Err(format!("expected 5 fields, found {}", fields.len()));
    }
    let bounds = [
        ("minute", 0, 59),
        ("hour", 0, 23),
        ("day of month", 1, 31),
        ("month", 1, 12),
        ("day of week", 0, 7),
    ];
    for (field, (name, lo, hi)) in fields.iter().zip(bounds) {
        for part in field.split(',') {
            let (range, step) = part
                .split_once('/')
                .map_or((part, None), |(r, s)| (r, Some(s)));
            if let Some(step) = step
                && step.parse::<u32>().map_or(true, |s| s == 0)
            {
                return Err(format!("bad step `{step}` in the {name} field"));
            }
            if range == "*" {
                continue;
            }
            let (a, b) = range.split_once('-').unwrap_or((range, range));
            for n in [a, b] {
                match n.parse::<u32>() {
                    Ok(v) if v >= lo && v <= hi => {}
                    _ => return Err(format!("`{n}` is not a valid {name} ({lo}-{hi})")),
                }
            }
        }
    }
    Ok(())
}

/// IANA time zone names look like `Area/City`; `UTC` and `Etc/…` too. The runtime
/// checks the name against its database when the job starts.
fn is_time_zone(tz: &str) -> bool {
    tz == "UTC"
        || tz == "GMT"
        || (tz.contains('/')
            && tz.split('/').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
            }))
}

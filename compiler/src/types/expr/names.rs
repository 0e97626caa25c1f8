//! Names: locals, consts, functions, adaptors, `input`, `config`, `trigger`, and
//! the messages for a name that is not there.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self};
use crate::types::items::Checker;
use crate::types::report::{self, codes};
use crate::types::scope::{Path, Root};
use crate::types::ty::{Field, Ty};
use crate::types::{Def, ParamTy};
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    pub(super) fn name(&mut self, e: &'a ast::Expr, name: &SmolStr) -> Ty {
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
            "omit" => return self.omit(e.span),
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
        if let Some(f) = crate::types::methods::free_functions(self.ctx.in_test)
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

    pub(in crate::types) fn unknown_name(&mut self, span: Span, name: &str) {
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
            crate::types::methods::free_functions(self.ctx.in_test)
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

    pub(in crate::types) fn recursive(&mut self, span: Span, name: &str) -> Ty {
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

    pub(in crate::types) fn not_constant(&mut self, span: Span, what: &str) {
        self.error(
            Diagnostic::error(codes::NOT_CONSTANT, self.file(), span, format!("a `const` cannot use {what}"))
                .with_note("a `const` is computed before the job starts, from literals and other consts; use `let` for values computed from the input"),
        );
    }

    /// `trigger`: what the job's trigger provides (docs/language.md §12).
    pub(in crate::types) fn trigger_type(&self) -> Ty {
        crate::types::trigger_type(self.module().trigger.as_ref())
    }

    /// `config`: in a job, a section per adaptor it uses; in an adaptor, its own fields.
    pub(in crate::types) fn config_type(&self) -> Ty {
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
}

//! The calls only a `test` block has (docs/testing-jobs.md): `run(input:, config:)`
//! typed as the job's output, with its input checked against the job's `input:`
//! type; `fixture(path)` as the type its place expects; `calls(OP)` as a list of
//! records of the op's parameters; `logs()`; `http_error(status, body)`, which
//! fits any mock's result because it never returns; `set_time(at)`.

use super::Def;
use super::items::Checker;
use super::report::codes;
use super::ty::{ParamTy, Ty};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, ExprKind};
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    /// The type of a test-only call, or `None` when `name` is not one.
    pub(super) fn test_call(
        &mut self,
        name: &str,
        callee: &'a ast::Expr,
        args: &'a [ast::Arg],
        call: crate::source::Span,
        expected: Option<&Ty>,
    ) -> Option<Ty> {
        let param = |name: &str, ty: Ty, has_default: bool| ParamTy {
            name: Some(SmolStr::new(name)),
            ty,
            has_default,
        };
        let (params, ret) = match name {
            "run" => (
                vec![
                    param("input", self.modules[0].input.clone(), true),
                    param("config", Ty::Json, true),
                ],
                self.job_output(),
            ),
            "fixture" => {
                let ty = match expected {
                    Some(t) if !t.is_error() => t.clone(),
                    _ => Ty::Json,
                };
                (vec![param("path", Ty::String, false)], ty)
            }
            "calls" => {
                self.define(callee.span, Def::Builtin(SmolStr::new(name)));
                return Some(self.calls_of(args, call));
            }
            "logs" => (vec![], Ty::list(log_record())),
            "http_error" => (
                vec![
                    param("status", Ty::Int, false),
                    param("body", Ty::Json, true),
                ],
                Ty::Never,
            ),
            "set_time" => (vec![param("at", Ty::DateTime, false)], Ty::Null),
            _ => return None,
        };
        self.define(callee.span, Def::Builtin(SmolStr::new(name)));
        if name == "run" {
            self.modules[0].run_output = Some(ret.clone());
        }
        self.arguments(&format!("`{name}`"), &params, args, call, false);
        Some(ret)
    }

    /// `calls(adaptor.op)`: a record of the op's parameters per call, in order.
    fn calls_of(&mut self, args: &'a [ast::Arg], call: crate::source::Span) -> Ty {
        let file = self.file();
        let [arg] = args else {
            for a in args {
                self.expr(&a.value, None);
            }
            self.error(Diagnostic::error(
                codes::ARGUMENT_COUNT,
                file,
                call,
                "`calls` takes one op: `calls(dhis2.create_tracked_entity)`",
            ));
            return Ty::Error;
        };
        let ty = self.expr(&arg.value, None);
        let op = match &arg.value.kind {
            ExprKind::Field { name, .. } => self.info.defs.get(&(file, name.span)).cloned(),
            _ => None,
        };
        let Some(Def::Op { adaptor, index }) = op else {
            if !ty.is_error() {
                self.error(
                    Diagnostic::error(
                        codes::TEST_ONLY,
                        file,
                        arg.value.span,
                        "`calls` takes an adaptor's op: `calls(dhis2.create_tracked_entity)`",
                    )
                    .with_label("not an op"),
                );
            }
            return Ty::Error;
        };
        self.info.call_args.insert((file, call), vec![Some(0)]);
        let fields = self.modules[adaptor].ops[index]
            .params
            .iter()
            .map(|p| Ty::field(&p.name, p.ty.clone()))
            .collect();
        Ty::list(Ty::record(fields, false))
    }

    /// What `run(…)` gives: the type of the job's `output`s (`null` when it has
    /// none), optional when the job may skip (its output is then `null`).
    fn job_output(&self) -> Ty {
        let outputs = &self.ctx.job_outputs;
        let ty = match outputs.split_first() {
            None => Ty::Null,
            Some((first, rest)) => rest
                .iter()
                .fold(first.clone(), |a, b| self.types.join(&a, b)),
        };
        if self.ctx.job_skips && !outputs.is_empty() {
            Ty::optional(ty)
        } else {
            ty
        }
    }
}

/// One line a run logged: `{ level: "info" | "warn", message: String }`.
pub(crate) fn log_record() -> Ty {
    Ty::record(
        vec![
            Ty::field(
                "level",
                Ty::union([
                    Ty::Lit(super::ty::Lit::Str("info".into())),
                    Ty::Lit(super::ty::Lit::Str("warn".into())),
                ]),
            ),
            Ty::field("message", Ty::String),
        ],
        false,
    )
}

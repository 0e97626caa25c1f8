//! The calls only a `test` block has (docs/testing-jobs.md): `run(input:, config:)`
//! typed as the job's output, with its input checked against the job's `input:`
//! type; `set_time(at)` for the test's clock.

use super::Def;
use super::items::Checker;
use super::ty::{ParamTy, Ty};
use crate::syntax::ast;
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    /// The type of a test-only call, or `None` when `name` is not one.
    pub(super) fn test_call(
        &mut self,
        name: &str,
        callee: &'a ast::Expr,
        args: &'a [ast::Arg],
        call: crate::source::Span,
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
            "set_time" => (vec![param("at", Ty::DateTime, false)], Ty::Null),
            _ => return None,
        };
        self.define(callee.span, Def::Builtin(SmolStr::new(name)));
        self.arguments(&format!("`{name}`"), &params, args, call);
        Some(ret)
    }

    /// What `run(…)` gives: the type of the job's `output`s (`Json` when it has
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

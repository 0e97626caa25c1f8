//! At-least-once: `serve` may run an accepted event more than once (a crash
//! before the run is recorded, a redelivery), so in a job with a trigger a call
//! of an op that is not idempotent may repeat its effect. The checker warns
//! (E0205) and says how to make the call safe: the adaptor's upsert op when it
//! has one, an `Idempotency-Key` header derived from the input (`http.post`),
//! or the acknowledgement `allow_duplicates: true` (docs/triggers.md).

use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, Literal};
use crate::types::items::Checker;
use crate::types::report::codes;
use crate::types::ty::Ty;

/// The call option that says a repeated effect is acceptable.
pub(super) const ALLOW_DUPLICATES: &str = "allow_duplicates";

/// Whether sending an op's request twice does no more than sending it once:
/// every method but POST and PATCH, and an op marked `idempotent`. Of the
/// native ops (the `http` adaptor's), `post`, `patch` and `request` (whose
/// method is an argument) are not.
pub(super) fn op_is_idempotent(op: &ast::OpDecl) -> bool {
    match &op.binding {
        ast::OpBinding::Http(http) => {
            http.idempotent.is_some()
                || !matches!(
                    http.method.name.to_ascii_uppercase().as_str(),
                    "POST" | "PATCH"
                )
        }
        ast::OpBinding::Native(_) => !matches!(op.name.name.as_str(), "post" | "patch" | "request"),
        ast::OpBinding::Error => true,
    }
}

impl<'a> Checker<'a> {
    /// `allow_duplicates: true` given to an op call: it must be the literal `true`.
    pub(super) fn allow_duplicates_arg(&mut self, arg: &'a ast::Arg) {
        self.expr(&arg.value, Some(&Ty::Bool));
        if !matches!(arg.value.kind, ExprKind::Literal(Literal::Bool(true))) {
            self.error(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    self.file(),
                    arg.value.span,
                    format!("`{ALLOW_DUPLICATES}` takes only the literal `true`"),
                )
                .with_label("write `true`, or leave the option out")
                .with_note("it acknowledges that a repeated run may repeat this call's effect"),
            );
        }
    }

    /// A call of the op `index` of the adaptor module `adaptor` at `call`, with
    /// `args` as written: the E0205 warning when a repeated run could repeat it.
    pub(super) fn repeated_call(
        &mut self,
        call: Span,
        callee: Span,
        adaptor: usize,
        index: usize,
        args: &[ast::Arg],
    ) {
        let job = &self.modules[0];
        if self.ctx.module != 0 || self.ctx.in_test || job.trigger.is_none() {
            return;
        }
        let Some(op) = self.op_decl(adaptor, index) else {
            return;
        };
        if op_is_idempotent(op)
            || args
                .iter()
                .any(|a| a.name.as_ref().is_some_and(|n| n.name == ALLOW_DUPLICATES))
            || has_idempotency_key(args)
        {
            return;
        }
        let module = &self.modules[adaptor];
        let alias = job.uses.iter().find(|(_, m)| *m == adaptor).map_or_else(
            || module.adaptor_name.clone().unwrap_or_default(),
            |(a, _)| a.clone(),
        );
        let name = op.name.name.clone();
        let upsert = upsert_of(&name, module.ops.iter().map(|o| o.name.as_str()))
            .filter(|u| {
                module
                    .ops
                    .iter()
                    .position(|o| o.name == *u)
                    .and_then(|i| self.op_decl(adaptor, i))
                    .is_some_and(op_is_idempotent)
            })
            .map(str::to_string);
        let how = match (&upsert, matches!(op.binding, ast::OpBinding::Native(_))) {
            (Some(u), _) => format!(
                "use `{alias}.{u}`, with IDs derived from the input (the same event gives the same IDs)"
            ),
            (None, true) => "send an `Idempotency-Key` header derived from the input: \
                 `headers: { \"Idempotency-Key\": input.id }`"
                .to_string(),
            (None, false) => {
                "give the objects IDs derived from the input and use an idempotent op".to_string()
            }
        };
        // The fix adds the acknowledgement after the last argument (before the
        // `)` of a call without any).
        let (at, ack) = match args.last() {
            Some(last) => (last.value.span.end, format!(", {ALLOW_DUPLICATES}: true")),
            None => (call.end - 1, format!("{ALLOW_DUPLICATES}: true")),
        };
        let close = Span::new(at as usize, at as usize);
        let d = Diagnostic::warning(
            codes::REPEATED_EFFECT,
            self.file(),
            callee,
            format!(
                "`{alias}.{name}` is not idempotent: a run that `serve` repeats would repeat it"
            ),
        )
        .with_label("may run more than once for one event")
        .with_note(format!(
            "to make it safe, {how}; or, if a duplicate is acceptable, say so with `{ALLOW_DUPLICATES}: true`"
        ))
        .with_fix(
            "acknowledge duplicates",
            vec![Edit {
                span: close,
                replacement: ack,
            }],
        );
        self.error(d);
    }

    fn op_decl(&self, module: usize, index: usize) -> Option<&'a ast::OpDecl> {
        self.files[module]
            .ast
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ast::ItemKind::Op(op) => Some(op),
                _ => None,
            })
            .nth(index)
    }
}

/// `headers: { "Idempotency-Key": … }` among the arguments (any case).
fn has_idempotency_key(args: &[ast::Arg]) -> bool {
    args.iter().any(|a| {
        a.name.as_ref().is_some_and(|n| n.name == "headers")
            && match &a.value.kind {
                ExprKind::Record(entries) => entries.iter().any(|e| match e {
                    ast::RecordEntry::Field { name, .. } => {
                        name.name.eq_ignore_ascii_case("idempotency-key")
                    }
                    _ => false,
                }),
                _ => false,
            }
    })
}

/// The upsert op an adaptor offers for `create_NAME`: `upsert_NAME` or its
/// plural (`upsert_NAMEs`, `upsert_entities` for `create_entity`), when it has one.
fn upsert_of<'n>(op: &str, mut names: impl Iterator<Item = &'n str>) -> Option<&'n str> {
    let thing = op.strip_prefix("create_")?;
    let mut candidates = vec![format!("upsert_{thing}"), format!("upsert_{thing}s")];
    if let Some(stem) = thing.strip_suffix('y') {
        candidates.push(format!("upsert_{stem}ies"));
    }
    names.find(|n| candidates.iter().any(|c| c == n))
}

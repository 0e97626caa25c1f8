//! `match`: patterns, bindings and exhaustiveness.

use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self};
use crate::types::items::Checker;
use crate::types::report::{self, codes};
use crate::types::scope::FrameKind;
use crate::types::ty::{Lit, Ty};
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    pub(in crate::types) fn match_expr(
        &mut self,
        m: &'a ast::MatchExpr,
        expected: Option<&Ty>,
    ) -> Ty {
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

    pub(super) fn pattern(
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
    pub(super) fn literal_members(&self, ty: &Ty) -> Vec<Lit> {
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

    pub(super) fn exhaustive(
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
}

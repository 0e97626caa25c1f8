//! Expressions other than chains and calls: literals, names, lists, records,
//! operators, lambdas, `if` and `match`.

use super::{Builder, Built};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as E, UnaryOp};
use crate::typed::{
    Arm, Else, Expr, ExprKind, Global, If, Match, Pattern, PatternKind, RecordEntry, TemplatePart,
};
use crate::types::Def;

impl<'a> Builder<'a> {
    pub(super) fn expr(&mut self, e: &'a ast::Expr) -> Built<Expr> {
        crate::stack::deep(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &'a ast::Expr) -> Built<Expr> {
        let kind = match &e.kind {
            E::Literal(lit) => ExprKind::Literal(lit.clone()),
            E::Duration(d) => ExprKind::Duration(d.millis()),
            E::Template(parts) => ExprKind::Template(
                parts
                    .iter()
                    .map(|p| {
                        Ok(match p {
                            ast::TemplatePart::Text(t) => TemplatePart::Text(t.clone()),
                            ast::TemplatePart::Expr(x) => TemplatePart::Expr(self.expr(x)?),
                        })
                    })
                    .collect::<Built<_>>()?,
            ),
            E::Name(_) => self.name(e.span)?,
            E::List(items) => ExprKind::List(self.exprs(items)?),
            E::Record(entries) => ExprKind::Record(self.record(entries)?),
            E::Field { .. } | E::Index { .. } | E::Call { .. } => return self.chain_link(e),
            E::Unary { op, operand } => {
                let operand = Box::new(self.expr(operand)?);
                match op {
                    UnaryOp::Not => ExprKind::Not(operand),
                    UnaryOp::Neg => ExprKind::Neg(operand),
                }
            }
            E::Binary { op, lhs, rhs } => ExprKind::Binary {
                op: *op,
                lhs: Box::new(self.expr(lhs)?),
                rhs: Box::new(self.expr(rhs)?),
            },
            E::As { expr, .. } => ExprKind::As(Box::new(self.expr(expr)?)),
            E::Lambda { params, body } => ExprKind::Lambda {
                params: params
                    .iter()
                    .map(|p| self.binding(&p.name))
                    .collect::<Built<_>>()?,
                body: Box::new(self.expr(body)?),
            },
            E::If(if_expr) => ExprKind::If(Box::new(self.if_expr(if_expr)?)),
            E::Match(m) => ExprKind::Match(Box::new(self.match_expr(m)?)),
            E::Error => return Err(self.missing(e.span, "expression (a syntax error)")),
        };
        Ok(Expr {
            kind,
            ty: self.ty(e.span)?,
            span: e.span,
        })
    }

    pub(super) fn exprs(&mut self, es: &'a [ast::Expr]) -> Built<Vec<Expr>> {
        es.iter().map(|e| self.expr(e)).collect()
    }

    /// What a name refers to.
    fn name(&mut self, span: Span) -> Built<ExprKind> {
        Ok(match self.def(span)? {
            Def::Local { decl, .. } => ExprKind::Local(self.local(*decl)),
            Def::Fn { module, index } => ExprKind::FnRef {
                module: *module,
                index: *index,
            },
            Def::Const { module, index } => {
                if *module == self.module
                    && let Some(reads) = &mut self.const_reads
                {
                    reads.push(*index);
                }
                ExprKind::Const {
                    module: *module,
                    index: *index,
                }
            }
            Def::Global(g) if g == "omit" => ExprKind::OmitNull(Box::new(Expr {
                kind: ExprKind::Literal(ast::Literal::Null),
                ty: crate::types::Ty::Null,
                span,
            })),
            Def::Global(g) => ExprKind::Global(match g.as_str() {
                "input" => Global::Input,
                "config" if self.module != 0 => Global::AdaptorConfig(self.module),
                "config" => Global::Config,
                "trigger" => Global::Trigger,
                _ => return Err(self.missing(span, "global")),
            }),
            _ => return Err(self.missing(span, "value for this name")),
        })
    }

    fn record(&mut self, entries: &'a [ast::RecordEntry]) -> Built<Vec<RecordEntry>> {
        entries
            .iter()
            .map(|entry| {
                Ok(match entry {
                    ast::RecordEntry::Field { name, value } => {
                        let value = self.expr(value)?;
                        RecordEntry::Field {
                            name: name.name.clone(),
                            value: self.field_value(value),
                        }
                    }
                    // `{ name }` is `{ name: name }`.
                    ast::RecordEntry::Shorthand(ident) => {
                        let value = Expr {
                            kind: self.name(ident.span)?,
                            ty: self.ty(ident.span)?,
                            span: ident.span,
                        };
                        RecordEntry::Field {
                            name: ident.name.clone(),
                            value: self.field_value(value),
                        }
                    }
                    ast::RecordEntry::Spread(value) => RecordEntry::Spread(self.expr(value)?),
                })
            })
            .collect()
    }

    /// A field's value, made to leave the field out when it is `null` where the
    /// checker says so (a field `name?: T`).
    fn field_value(&self, value: Expr) -> Expr {
        if !self
            .a
            .checked
            .info
            .omit_null
            .contains(&(self.file(), value.span))
        {
            return value;
        }
        Expr {
            ty: value.ty.clone(),
            span: value.span,
            kind: ExprKind::OmitNull(Box::new(value)),
        }
    }

    pub(super) fn if_expr(&mut self, if_expr: &'a ast::IfExpr) -> Built<If> {
        Ok(If {
            cond: self.expr(&if_expr.cond)?,
            then: self.block(&if_expr.then)?,
            else_: match &if_expr.else_ {
                None => None,
                Some(ast::Else::Block(b)) => Some(Else::Block(self.block(b)?)),
                Some(ast::Else::If(e)) => Some(Else::If(self.expr(e)?)),
            },
        })
    }

    fn match_expr(&mut self, m: &'a ast::MatchExpr) -> Built<Match> {
        let scrutinee = self.expr(&m.scrutinee)?;
        let mut arms = Vec::with_capacity(m.arms.len());
        for arm in &m.arms {
            let pattern = self.pattern(&arm.pattern)?;
            let Some(body) = self.stmt(&arm.body)? else {
                return Err(self.missing(arm.body.span, "match arm body"));
            };
            arms.push(Arm { pattern, body });
        }
        Ok(Match { scrutinee, arms })
    }

    fn pattern(&mut self, p: &'a ast::Pattern) -> Built<Pattern> {
        let kind = match &p.kind {
            ast::PatternKind::Wildcard => PatternKind::Wildcard,
            ast::PatternKind::Literal(lit) => PatternKind::Literal(lit.clone()),
            ast::PatternKind::Bind(name) => PatternKind::Bind(self.binding(name)?),
            ast::PatternKind::Or(alternatives) => PatternKind::Or(
                alternatives
                    .iter()
                    .map(|a| self.pattern(a))
                    .collect::<Built<_>>()?,
            ),
            ast::PatternKind::Error => return Err(self.missing(p.span, "pattern (a syntax error)")),
        };
        Ok(Pattern { kind, span: p.span })
    }
}

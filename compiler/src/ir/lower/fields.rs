//! Chains: `a.b?.c[0].d(x)`, the links applied in order; a `?.` makes the rest
//! of the chain run only when the value before it is not null. A field of a
//! value whose static type is a record is read by its slot in the shape.

use super::{Lowered, Lowerer};
use crate::ir::{Expr, Repr, Stmt};
use crate::typed::{self, ExprKind};
use crate::types::Ty;
use ferry_meta::{Constant, ShapeMeta};

impl<'a> Lowerer<'a> {
    pub(super) fn chain(&mut self, e: &'a typed::Expr) -> Lowered {
        let mut links = Vec::new();
        let mut root = e;
        loop {
            match &root.kind {
                ExprKind::Field { target, .. } | ExprKind::Index { target, .. } => {
                    links.push(root);
                    root = target;
                }
                ExprKind::Method { receiver, .. } => {
                    links.push(root);
                    root = receiver;
                }
                _ => break,
            }
        }
        links.reverse();
        let start = self.expr(root);
        self.links(start, &links)
    }

    fn links(&mut self, current: Lowered, links: &[&'a typed::Expr]) -> Lowered {
        let Some((&link, rest)) = links.split_first() else {
            return current;
        };
        let (optional, before) = match &link.kind {
            ExprKind::Field {
                optional, target, ..
            } => (*optional, &**target),
            ExprKind::Method {
                optional, receiver, ..
            } => (*optional, &**receiver),
            ExprKind::Index { target, .. } => (false, &**target),
            _ => return current,
        };
        if optional {
            let temp = self.new_local(Repr::Value);
            let value = self.boxed(current, before.span);
            let applied = self.link((Expr::Local(temp), Repr::Value), link);
            let tail = self.links(applied, rest);
            let tail = self.boxed(tail, link.span);
            let null = self.null();
            let guarded = Expr::If(
                Box::new(Expr::IsNull(Box::new(Expr::Local(temp)))),
                Box::new(null),
                Box::new(tail),
                Repr::Value,
            );
            return (
                Expr::Block(vec![Stmt::Set(temp, value)], Box::new(guarded)),
                Repr::Value,
            );
        }
        let applied = self.link(current, link);
        self.links(applied, rest)
    }

    /// One link applied to the value before it.
    fn link(&mut self, current: Lowered, link: &'a typed::Expr) -> Lowered {
        let loc = self.loc(link.span);
        match &link.kind {
            ExprKind::Field { target, name, .. } => {
                let target_ty = self.types.non_null(&target.ty);
                let value = self.boxed(current, target.span);
                let want = self.repr(&link.ty);
                let key = self.meta.constant(Constant::Str(name.to_string())) as i64;
                let value = match self.record_slot(&target_ty, name) {
                    Some((shape, slot)) => Expr::call(
                        "ferry_field",
                        vec![
                            value,
                            Expr::Int(shape as i64),
                            Expr::Int(slot as i64),
                            Expr::Int(key),
                        ],
                        Repr::Value,
                        Some(loc),
                    ),
                    None => Expr::call(
                        "ferry_get",
                        vec![value, Expr::Int(key)],
                        Repr::Value,
                        Some(loc),
                    ),
                };
                (self.coerce((value, Repr::Value), want, link.span), want)
            }
            ExprKind::Index { target, index } => {
                let value = self.boxed(current, target.span);
                let key = self.boxed_value(index);
                (
                    Expr::call("ferry_index", vec![value, key], Repr::Value, Some(loc)),
                    Repr::Value,
                )
            }
            ExprKind::Method {
                receiver,
                method,
                args,
                ..
            } => {
                let want = self.repr(&link.ty);
                let receiver = self.boxed(current, receiver.span);
                let args = self.boxed_args(args);
                let method = self.meta.method(method);
                let n = args.len() as i64;
                let call = Expr::call(
                    "ferry_method",
                    vec![
                        Expr::Int(method as i64),
                        receiver,
                        Expr::Int(n),
                        Expr::Array(args),
                    ],
                    Repr::Value,
                    Some(loc),
                );
                (self.coerce((call, Repr::Value), want, link.span), want)
            }
            _ => current,
        }
    }

    /// The shape and slot of a field, when the static type is a record.
    fn record_slot(&mut self, ty: &Ty, name: &str) -> Option<(u32, u32)> {
        let Ty::Record(r) = self.types.resolve(ty) else {
            return None;
        };
        let slot = r.fields.iter().position(|f| f.name == name)?;
        let shape = self.meta.shape(ShapeMeta {
            fields: r.fields.iter().map(|f| f.name.to_string()).collect(),
            open: r.open,
        });
        Some((shape, slot as u32))
    }
}

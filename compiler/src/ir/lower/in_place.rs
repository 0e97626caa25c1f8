//! Assignments that update their variable in place (docs/internals/native-code.md,
//! "In place when unique"): `x = x + tail…` of texts or lists, and
//! `x = { ..x, field: value… }`. The variable's slot is handed to the runtime,
//! which changes the value itself when nothing else holds it (`ferry_append`,
//! `ferry_update`) and copies it first otherwise, so that another variable
//! holding the same value never sees the change.

use crate::ir::{Callee, Expr, Local, Repr, Stmt, mentions};

/// The in-place form of `slot = value`, if `value` is one of the shapes above.
/// When a part reads the variable itself (`r = { ..r, n: r.n + 1 }`), every
/// part is computed into a new local (from `temp`) before the first change, so
/// that no part sees another's effect: the order of evaluation is the spread's.
pub(super) fn in_place(
    slot: Local,
    value: &Expr,
    temp: &mut impl FnMut() -> Local,
) -> Option<Vec<Stmt>> {
    let (call, parts) = appends(slot, value).or_else(|| updates(slot, value))?;
    let mut first = Vec::new();
    let mut changes = Vec::with_capacity(parts.len());
    let reads_itself = parts.iter().any(|p| mentions(&p.value, slot));
    for Part { key, value, loc } in parts {
        let value = if reads_itself {
            let t = temp();
            first.push(Stmt::Set(t, value));
            Expr::Local(t)
        } else {
            value
        };
        let mut args = vec![Expr::Local(slot)];
        args.extend(key);
        args.push(value);
        changes.push(Stmt::Expr(Expr::call(call, args, Repr::Value, loc)));
    }
    first.extend(changes);
    Some(first)
}

/// One change: a tail to append, or a field (`key`) to set.
struct Part {
    key: Option<Expr>,
    value: Expr,
    loc: Option<crate::ir::Loc>,
}

/// `concat(concat(Local(slot), a), b)…`: append `a`, then `b`.
fn appends(slot: Local, value: &Expr) -> Option<(&'static str, Vec<Part>)> {
    let mut tails = Vec::new();
    let mut e = value;
    loop {
        match e {
            Expr::Call {
                callee: Callee::Runtime("ferry_concat"),
                args,
                loc,
                ..
            } if args.len() == 2 => {
                tails.push(Part {
                    key: None,
                    value: args[1].clone(),
                    loc: *loc,
                });
                e = &args[0];
            }
            Expr::Local(l) if *l == slot && !tails.is_empty() => break,
            _ => return None,
        }
    }
    tails.reverse();
    Some(("ferry_append", tails))
}

/// A record built from `..Local(slot)` first, then fields only.
fn updates(slot: Local, value: &Expr) -> Option<(&'static str, Vec<Part>)> {
    let Expr::Block(stmts, result) = value else {
        return None;
    };
    let (
        [
            Stmt::Set(
                builder,
                Expr::Call {
                    callee: Callee::Runtime("ferry_object_new"),
                    ..
                },
            ),
            Stmt::Expr(Expr::Call {
                callee: Callee::Runtime("ferry_object_spread"),
                args: spread,
                ..
            }),
            fields @ ..,
        ],
        Expr::Local(last),
    ) = (stmts.as_slice(), &**result)
    else {
        return None;
    };
    if last != builder
        || !matches!(spread.as_slice(), [Expr::Local(b), Expr::Local(s)] if b == builder && *s == slot)
    {
        return None;
    }
    let mut out = Vec::with_capacity(fields.len());
    for field in fields {
        let Stmt::Expr(Expr::Call {
            callee: Callee::Runtime("ferry_object_set"),
            args,
            ..
        }) = field
        else {
            return None;
        };
        let [Expr::Local(b), key, v] = args.as_slice() else {
            return None;
        };
        if b != builder {
            return None;
        }
        out.push(Part {
            key: Some(key.clone()),
            value: v.clone(),
            loc: None,
        });
    }
    (!out.is_empty()).then_some(("ferry_update", out))
}

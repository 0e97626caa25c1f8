//! Signature help: the innermost call whose parentheses hold the cursor, its
//! callee's signature, and the parameter the cursor is at.

use super::Signature;
use super::cursor::Cursor;
use super::env::Env;
use super::render;
use super::walk::Node;
use crate::syntax::ast::{Expr, ExprKind};

pub(crate) fn signature(env: &Env, offset: usize) -> Option<Signature> {
    let cursor = Cursor::new(env, offset);
    if cursor.in_comment() {
        return None;
    }
    let offset = cursor.offset;
    let src = env.src;
    let path = cursor.path(offset);
    for node in path.iter().rev() {
        let Node::Expr(Expr {
            kind: ExprKind::Call { callee, args },
            span,
        }) = node
        else {
            continue;
        };
        // Between the parentheses: after the callee, and before a `)` that is
        // in the document (not one the parser was given).
        let closed = src.as_bytes().get(span.end as usize - 1) == Some(&b')')
            && (span.end as usize) <= src.len();
        if offset <= callee.span.end as usize || (closed && offset >= span.end as usize) {
            continue;
        }
        let callee = cursor.callee(callee)?;
        let (label, params) = render::signature(env, &callee);
        let active = match args.iter().position(|a| {
            let start = a.name.as_ref().map_or(a.value.span.start, |n| n.span.start);
            (start as usize) <= offset && offset <= a.value.span.end as usize
        }) {
            Some(index) => Cursor::slot(args, index, &callee),
            None => Cursor::next_slot(args, offset, &callee),
        };
        return Some(Signature {
            label,
            params,
            active,
            doc: callee.doc.clone(),
        });
    }
    None
}

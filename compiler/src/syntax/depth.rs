//! The nesting limit: how deep a syntax tree may be.
//!
//! Every pass over the tree grows its stack on demand (`crate::stack`), so no
//! file a person writes reaches a limit; a generated one could nest without
//! end, and past [`LIMIT`] levels the file is one error (E0014) and is not
//! compiled. A level is an expression, a type, a block or a pattern inside
//! another: `1 + 1 + 1` is three levels deep, `{ a: { b: 1 } }` three, `f(g(x))`
//! three.

use crate::query::walk::{Node, children};
use crate::source::Span;
use crate::syntax::ast::File;

/// The deepest nesting a file may have (see `docs/limits.md`).
pub const LIMIT: usize = 10_000;

/// The first node (in pre-order) nested deeper than `limit`, if there is one.
/// Walks with an explicit stack: it must not itself overflow.
pub fn too_deep(file: &File, limit: usize) -> Option<Span> {
    let mut stack: Vec<(Node<'_>, usize)> = file.items.iter().map(|i| (Node::Item(i), 0)).collect();
    stack.reverse();
    while let Some((node, depth)) = stack.pop() {
        let depth = depth
            + usize::from(matches!(
                node,
                Node::Expr(_) | Node::Type(_) | Node::Block(_) | Node::Pattern(_)
            ));
        if depth > limit {
            return Some(node.span());
        }
        let mut kids = children(node);
        kids.reverse();
        stack.extend(kids.into_iter().map(|child| (child, depth)));
    }
    None
}

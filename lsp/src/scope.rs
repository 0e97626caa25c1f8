//! The names in scope at an offset, from the syntax tree alone: the file's
//! declarations (hoisted), top-level `let`s before the cursor, and inside a body
//! the parameters, `let`s before the cursor in every enclosing block, `for`
//! bindings, `catch` errors, lambda parameters and `match` bindings. The type
//! checker's query API will replace this with resolved names and their types.

use crate::walk::{Node, children};
use ferry_compiler::source::Span;
use ferry_compiler::syntax::ast::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BindingKind {
    /// `let`, `var`, parameters, loop and `catch` bindings.
    Local,
    Function,
    Op,
    Const,
    Type,
    /// A `use`d adaptor (its alias if it has one).
    Adaptor,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    /// A type or signature as written, when there is one.
    pub detail: Option<String>,
    pub doc: Option<String>,
}

/// Every name visible at `offset` in `src`, innermost first, each name once.
pub fn bindings_at(src: &str, file: &File, offset: usize) -> Vec<Binding> {
    let mut scope = Scope {
        src,
        offset,
        level: Vec::new(),
        levels: Vec::new(),
    };
    for item in &file.items {
        if item.span.contains(offset) {
            scope.node(match &item.kind {
                ItemKind::Stmt(stmt) => Node::Stmt(stmt),
                _ => Node::Item(item),
            });
        }
    }
    for item in file.items.iter().rev() {
        scope.declaration(item);
    }
    let top = std::mem::take(&mut scope.level);
    let mut seen = std::collections::HashSet::new();
    scope
        .levels
        .into_iter()
        .rev()
        .flatten()
        .chain(top)
        .filter(|b| seen.insert(b.name.clone()))
        .collect()
}

struct Scope<'a> {
    src: &'a str,
    offset: usize,
    /// The names of the level being filled, nearest first.
    level: Vec<Binding>,
    /// Enclosing levels, outermost first.
    levels: Vec<Vec<Binding>>,
}

impl Scope<'_> {
    fn text(&self, span: Span) -> String {
        let text = self.src.get(span.range()).unwrap_or_default();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn local(&mut self, name: &Ident, detail: Option<String>) {
        if !name.name.is_empty() {
            self.level.push(Binding {
                name: name.name.to_string(),
                kind: BindingKind::Local,
                detail,
                doc: None,
            });
        }
    }

    fn params(&mut self, params: &[Param]) {
        for param in params {
            let detail = param.ty.as_ref().map(|ty| self.text(ty.span));
            self.local(&param.name, detail);
        }
    }

    fn let_before(&mut self, stmt: &Stmt) {
        if let StmtKind::Let { name, ty, .. } = &stmt.kind
            && (stmt.span.end as usize) < self.offset
        {
            let detail = ty.as_ref().map(|ty| self.text(ty.span));
            self.local(name, detail);
        }
    }

    /// Records what `node` brings into scope at the offset as one level, then
    /// goes into the child that holds the offset.
    fn node(&mut self, node: Node<'_>) {
        let offset = self.offset;
        let inside = move |span: Span| span.contains(offset);
        let outer = std::mem::take(&mut self.level);
        match node {
            Node::Item(Item {
                kind: ItemKind::Fn(decl),
                ..
            }) if inside(decl.body.span) => self.params(&decl.params),
            Node::Item(Item {
                kind: ItemKind::Op(op),
                ..
            }) => self.params(&op.params),
            Node::Block(block) => {
                for stmt in block.stmts.iter().rev() {
                    self.let_before(stmt);
                }
            }
            Node::Stmt(stmt) => match &stmt.kind {
                StmtKind::For { binding, body, .. } if inside(body.span) => match binding {
                    ForBinding::One(name) => self.local(name, None),
                    ForBinding::Pair(a, b) => {
                        self.local(a, None);
                        self.local(b, None);
                    }
                },
                StmtKind::Try { err, handler, .. } if inside(handler.span) => {
                    self.local(err, Some("Error".into()))
                }
                _ => {}
            },
            Node::Expr(Expr {
                kind: ExprKind::Lambda { params, body },
                ..
            }) if inside(body.span) => self.params(params),
            Node::Arm(arm) if inside(arm.body.span) => self.pattern(&arm.pattern),
            _ => {}
        }
        let level = std::mem::replace(&mut self.level, outer);
        if !level.is_empty() {
            self.levels.push(level);
        }
        if let Some(child) = children(node).into_iter().find(|c| inside(c.span())) {
            self.node(child);
        }
    }

    fn pattern(&mut self, pattern: &Pattern) {
        match &pattern.kind {
            PatternKind::Bind(name) => self.local(name, None),
            PatternKind::Or(alternatives) => alternatives.iter().for_each(|p| self.pattern(p)),
            _ => {}
        }
    }

    /// A top-level declaration (hoisted), or a top-level `let` before the offset.
    fn declaration(&mut self, item: &Item) {
        let doc = item.doc.as_ref().map(|d| d.text.clone());
        let (name, kind, detail) = match &item.kind {
            ItemKind::Fn(decl) => (&decl.name, BindingKind::Function, None),
            ItemKind::Op(op) => (&op.name, BindingKind::Op, None),
            ItemKind::Const { name, ty, .. } => (
                name,
                BindingKind::Const,
                ty.as_ref().map(|ty| self.text(ty.span)),
            ),
            ItemKind::Type { name, .. } => (name, BindingKind::Type, None),
            ItemKind::Use { adaptor, alias } => (
                alias.as_ref().unwrap_or(adaptor),
                BindingKind::Adaptor,
                None,
            ),
            ItemKind::Stmt(stmt) => {
                self.let_before(stmt);
                return;
            }
            _ => return,
        };
        if !name.name.is_empty() {
            self.level.push(Binding {
                name: name.name.to_string(),
                kind,
                detail,
                doc,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_compiler::source::SourceId;

    fn names_at(src: &str, marker: &str) -> Vec<String> {
        let offset = src.find(marker).unwrap();
        let src = src.replacen(marker, "", 1);
        let parsed = ferry_compiler::syntax::parse(&src, SourceId(0));
        bindings_at(&src, &parsed.file, offset)
            .into_iter()
            .map(|b| b.name)
            .collect()
    }

    #[test]
    fn locals_come_first_and_only_before_the_cursor() {
        let src = "use dhis2 as d
const LIMIT = 3
let early = 1
fn f(a: Int, b: Int) -> Int {
  let x = a
  for (i, y) in [1] {
    let z = y
    log <|>z
    let after = 2
  }
  x
}
let late = 2
type T = Int
";
        assert_eq!(
            names_at(src, "<|>"),
            [
                "z", "i", "y", "x", "a", "b", "T", "f", "early", "LIMIT", "d"
            ]
        );
    }

    #[test]
    fn lambda_catch_and_match_bindings() {
        let src = "let xs = [1]
try {
  log 1
} catch err {
  let m = match xs.len() { 0 => 0, n => xs.map(v => <|>v) }
}
";
        assert_eq!(names_at(src, "<|>"), ["v", "n", "err", "xs"]);
    }
}

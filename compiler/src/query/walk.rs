//! A pre-order walk over every node of a syntax tree, for the features that only
//! need spans and node kinds (folding, selection ranges).

use crate::source::Span;
use crate::syntax::ast::*;

#[derive(Clone, Copy)]
pub enum Node<'a> {
    Item(&'a Item),
    Block(&'a Block),
    Stmt(&'a Stmt),
    Expr(&'a Expr),
    Arg(&'a Arg),
    /// A record literal's entry: `name: value`, a shorthand `name`, or `..spread`.
    Entry(&'a RecordEntry),
    Arm(&'a MatchArm),
    Pattern(&'a Pattern),
    Type(&'a Type),
    Field(&'a FieldType),
    Param(&'a Param),
    /// A name, a field name, a string literal, a duration: a leaf.
    Leaf(Span),
}

impl Node<'_> {
    pub fn span(&self) -> Span {
        match self {
            Node::Item(n) => n.span,
            Node::Block(n) => n.span,
            Node::Stmt(n) => n.span,
            Node::Expr(n) => n.span,
            Node::Arg(n) => match &n.name {
                Some(name) => name.span.to(n.value.span),
                None => n.value.span,
            },
            Node::Arm(n) => n.span,
            Node::Pattern(n) => n.span,
            Node::Type(n) => n.span,
            Node::Field(n) => n.span,
            Node::Param(n) => n.span,
            Node::Entry(entry) => match entry {
                RecordEntry::Field { name, value } => name.span.to(value.span),
                RecordEntry::Shorthand(name) => name.span,
                RecordEntry::Spread(value) => value.span,
            },
            Node::Leaf(span) => *span,
        }
    }
}

/// Calls `visit` on every node, parents before children; a node's children are
/// visited only when `visit` answers `true`.
pub fn walk<'a>(file: &'a File, visit: &mut dyn FnMut(Node<'a>) -> bool) {
    if let Some(header) = &file.adaptor {
        visit(Node::Leaf(header.name.span));
    }
    for item in &file.items {
        node(Node::Item(item), visit);
    }
}

fn node<'a>(n: Node<'a>, visit: &mut dyn FnMut(Node<'a>) -> bool) {
    crate::stack::deep(|| node_inner(n, visit))
}

fn node_inner<'a>(n: Node<'a>, visit: &mut dyn FnMut(Node<'a>) -> bool) {
    if !visit(n) {
        return;
    }
    for child in children(n) {
        node(child, visit);
    }
}

/// A node's children, in source order.
pub fn children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut children = Vec::new();
    children_of(n, &mut children);
    children
}

fn ident(ident: &Ident) -> Node<'_> {
    Node::Leaf(ident.span)
}

fn children_of<'a>(n: Node<'a>, out: &mut Vec<Node<'a>>) {
    match n {
        Node::Item(item) => item_children(&item.kind, out),
        Node::Block(block) => out.extend(block.stmts.iter().map(Node::Stmt)),
        Node::Stmt(stmt) => stmt_children(&stmt.kind, out),
        Node::Expr(expr) => expr_children(&expr.kind, out),
        Node::Arg(arg) => {
            out.extend(arg.name.as_ref().map(ident));
            out.push(Node::Expr(&arg.value));
        }
        Node::Arm(arm) => {
            out.push(Node::Pattern(&arm.pattern));
            out.push(Node::Stmt(&arm.body));
        }
        Node::Pattern(pattern) => match &pattern.kind {
            PatternKind::Bind(name) => out.push(ident(name)),
            PatternKind::Or(alternatives) => out.extend(alternatives.iter().map(Node::Pattern)),
            _ => {}
        },
        Node::Type(ty) => type_children(&ty.kind, out),
        Node::Field(field) => {
            out.push(Node::Leaf(field.name.span));
            out.push(Node::Type(&field.ty));
        }
        Node::Param(param) => {
            out.push(ident(&param.name));
            out.extend(param.ty.as_ref().map(Node::Type));
            out.extend(param.default.as_ref().map(Node::Expr));
        }
        Node::Entry(entry) => match entry {
            RecordEntry::Field { name, value } => {
                out.push(Node::Leaf(name.span));
                out.push(Node::Expr(value));
            }
            RecordEntry::Shorthand(name) => out.push(ident(name)),
            RecordEntry::Spread(value) => out.push(Node::Expr(value)),
        },
        Node::Leaf(_) => {}
    }
}

fn item_children<'a>(kind: &'a ItemKind, out: &mut Vec<Node<'a>>) {
    match kind {
        ItemKind::Use { adaptor, alias } => {
            out.push(ident(adaptor));
            out.extend(alias.as_ref().map(ident));
        }
        ItemKind::Trigger(trigger) => match trigger {
            Trigger::Webhook { path, auth, .. } => {
                out.push(Node::Leaf(path.span));
                out.extend(auth.as_ref().map(Node::Expr));
            }
            Trigger::Cron { schedule, tz } => {
                out.push(Node::Leaf(schedule.span));
                out.extend(tz.as_ref().map(|tz| Node::Leaf(tz.span)));
            }
            Trigger::Every(duration) => out.push(Node::Leaf(duration.span)),
        },
        ItemKind::Input(ty) => out.push(Node::Type(ty)),
        ItemKind::Type { name, ty } => {
            out.push(ident(name));
            out.push(Node::Type(ty));
        }
        ItemKind::Const { name, ty, value } => {
            out.push(ident(name));
            out.extend(ty.as_ref().map(Node::Type));
            out.push(Node::Expr(value));
        }
        ItemKind::Fn(decl) => {
            out.push(ident(&decl.name));
            out.extend(decl.params.iter().map(Node::Param));
            out.extend(decl.ret.as_ref().map(Node::Type));
            out.push(Node::Block(&decl.body));
        }
        ItemKind::Test { name, body } => {
            out.push(Node::Leaf(name.span));
            out.push(Node::Block(body));
        }
        ItemKind::Config { fields } => out.extend(fields.iter().map(Node::Field)),
        ItemKind::Auth(expr) | ItemKind::Base(expr) => out.push(Node::Expr(expr)),
        ItemKind::Op(op) => {
            out.push(ident(&op.name));
            out.extend(op.params.iter().map(Node::Param));
            out.extend(op.ret.as_ref().map(Node::Type));
            if let OpBinding::Http(http) = &op.binding {
                out.push(ident(&http.method));
                let clauses = [&http.query, &http.headers, &http.body, &http.result];
                out.push(Node::Expr(&http.path));
                out.extend(clauses.into_iter().flatten().map(Node::Expr));
                if let Some(paged) = &http.paged {
                    out.extend(paged.exprs().map(Node::Expr));
                }
            }
        }
        ItemKind::Errors(decl) => {
            for entry in &decl.entries {
                out.push(ident(&entry.kind));
                out.extend(entry.subject.as_ref().map(|s| Node::Leaf(s.span())));
                for (word, value) in &entry.clauses {
                    out.push(ident(word));
                    out.push(Node::Leaf(value.span));
                }
            }
        }
        ItemKind::Stmt(stmt) => out.push(Node::Stmt(stmt)),
        ItemKind::Error => {}
    }
}

fn stmt_children<'a>(kind: &'a StmtKind, out: &mut Vec<Node<'a>>) {
    match kind {
        StmtKind::Let {
            name, ty, value, ..
        } => {
            out.push(ident(name));
            out.extend(ty.as_ref().map(Node::Type));
            out.push(Node::Expr(value));
        }
        StmtKind::Assign { name, value } => {
            out.push(ident(name));
            out.push(Node::Expr(value));
        }
        StmtKind::For {
            binding,
            iter,
            body,
        } => {
            match binding {
                ForBinding::One(name) => out.push(ident(name)),
                ForBinding::Pair(a, b) => out.extend([ident(a), ident(b)]),
            }
            out.push(Node::Expr(iter));
            out.push(Node::Block(body));
        }
        StmtKind::While { cond, body } => {
            out.push(Node::Expr(cond));
            out.push(Node::Block(body));
        }
        StmtKind::Return(expr) | StmtKind::Skip(expr) => out.extend(expr.as_ref().map(Node::Expr)),
        StmtKind::Fail(expr)
        | StmtKind::Log(expr)
        | StmtKind::Warn(expr)
        | StmtKind::Output(expr)
        | StmtKind::Expect(expr)
        | StmtKind::Expr(expr) => out.push(Node::Expr(expr)),
        StmtKind::Try { body, err, handler } => {
            out.push(Node::Block(body));
            out.push(ident(err));
            out.push(Node::Block(handler));
        }
        StmtKind::Mock { target, value } => {
            out.push(Node::Expr(target));
            out.push(Node::Expr(value));
        }
        StmtKind::Break | StmtKind::Continue | StmtKind::Error => {}
    }
}

fn expr_children<'a>(kind: &'a ExprKind, out: &mut Vec<Node<'a>>) {
    match kind {
        ExprKind::Template(parts) => out.extend(parts.iter().filter_map(|part| match part {
            TemplatePart::Expr(expr) => Some(Node::Expr(expr)),
            TemplatePart::Text(_) => None,
        })),
        ExprKind::List(items) => out.extend(items.iter().map(Node::Expr)),
        ExprKind::Record(entries) => out.extend(entries.iter().map(Node::Entry)),
        ExprKind::Field { target, name, .. } => {
            out.push(Node::Expr(target));
            out.push(ident(name));
        }
        ExprKind::Index { target, index } => {
            out.push(Node::Expr(target));
            out.push(Node::Expr(index));
        }
        ExprKind::Call { callee, args } => {
            out.push(Node::Expr(callee));
            out.extend(args.iter().map(Node::Arg));
        }
        ExprKind::Unary { operand, .. } => out.push(Node::Expr(operand)),
        ExprKind::Binary { lhs, rhs, .. } => {
            out.push(Node::Expr(lhs));
            out.push(Node::Expr(rhs));
        }
        ExprKind::As { expr, ty } => {
            out.push(Node::Expr(expr));
            out.push(Node::Type(ty));
        }
        ExprKind::Lambda { params, body } => {
            out.extend(params.iter().map(Node::Param));
            out.push(Node::Expr(body));
        }
        ExprKind::If(if_) => {
            out.push(Node::Expr(&if_.cond));
            out.push(Node::Block(&if_.then));
            match &if_.else_ {
                Some(Else::Block(block)) => out.push(Node::Block(block)),
                Some(Else::If(expr)) => out.push(Node::Expr(expr)),
                None => {}
            }
        }
        ExprKind::Match(m) => {
            out.push(Node::Expr(&m.scrutinee));
            out.extend(m.arms.iter().map(Node::Arm));
        }
        ExprKind::Literal(_) | ExprKind::Duration(_) | ExprKind::Name(_) | ExprKind::Error => {}
    }
}

fn type_children<'a>(kind: &'a TypeKind, out: &mut Vec<Node<'a>>) {
    match kind {
        TypeKind::Name { adaptor, name } => {
            out.extend(adaptor.as_ref().map(ident));
            out.push(ident(name));
        }
        TypeKind::Optional(inner) | TypeKind::List(inner) | TypeKind::Map(inner) => {
            out.push(Node::Type(inner))
        }
        TypeKind::Record { fields, .. } => out.extend(fields.iter().map(Node::Field)),
        TypeKind::Union(members) => out.extend(members.iter().map(Node::Type)),
        TypeKind::Fn { params, ret } => {
            out.extend(params.iter().map(Node::Type));
            out.push(Node::Type(ret));
        }
        TypeKind::Literal(_) | TypeKind::Error => {}
    }
}

//! The typed tree from the checker's facts: each module's items, statements and
//! expressions, with every type and every resolution taken from what the checker
//! recorded. Modules: `items` (functions, consts, ops, `auth`, the trigger),
//! `stmt`, `expr`, `calls` (which call is which, arguments in parameter order).

mod calls;
mod expr;
mod items;
mod stmt;

use super::{Binding, InternalError, LocalId, Program};
use crate::Analysis;
use crate::source::{SourceId, Span};
use crate::syntax::ast;
use crate::types::{Def, Ty};
use std::collections::HashMap;

type Built<T> = Result<T, InternalError>;

/// The typed tree of a checked program without errors.
pub fn build(analysis: &Analysis) -> Result<Program, InternalError> {
    let mut b = Builder {
        a: analysis,
        module: 0,
        locals: HashMap::new(),
        const_reads: None,
    };
    let mut modules = Vec::new();
    for module in 0..analysis.checked.modules.len() {
        b.module = module;
        modules.push(b.module_tree()?);
    }
    let needs_config = super::config_use::adaptors_needing_config(&modules);
    Ok(Program {
        modules,
        needs_config,
    })
}

struct Builder<'a> {
    a: &'a Analysis,
    /// The module being built.
    module: usize,
    /// The checker's declaration of a local → its id.
    locals: HashMap<(SourceId, Span), LocalId>,
    /// While a const's value is built: the consts of its module it reads.
    const_reads: Option<Vec<usize>>,
}

impl<'a> Builder<'a> {
    fn file(&self) -> SourceId {
        self.a.files[self.module].id
    }

    fn ast(&self) -> &'a ast::File {
        &self.a.files[self.module].ast
    }

    /// An internal error at a place of the module being built.
    fn missing(&self, span: Span, what: &str) -> InternalError {
        let source = self.a.sources.get(self.file());
        let at = source.line_col(span.start as usize);
        InternalError(format!(
            "the checker recorded no {what} at {}:{}:{}",
            source.name,
            at.line + 1,
            at.col + 1
        ))
    }

    fn ty(&self, span: Span) -> Built<Ty> {
        self.a
            .checked
            .info
            .expr_types
            .get(&(self.file(), span))
            .cloned()
            .ok_or_else(|| self.missing(span, "type"))
    }

    fn def(&self, span: Span) -> Built<&'a Def> {
        self.a
            .checked
            .info
            .defs
            .get(&(self.file(), span))
            .ok_or_else(|| self.missing(span, "resolution"))
    }

    fn def_if_any(&self, span: Span) -> Option<&'a Def> {
        self.a.checked.info.defs.get(&(self.file(), span))
    }

    /// The id of the local the checker declared at `decl`.
    fn local(&mut self, decl: Span) -> LocalId {
        let next = LocalId(self.locals.len() as u32);
        *self.locals.entry((self.file(), decl)).or_insert(next)
    }

    /// A local declared by `name`, with the type the checker gave it.
    fn binding(&mut self, name: &ast::Ident) -> Built<Binding> {
        Ok(Binding {
            local: self.local(name.span),
            ty: self.ty(name.span)?,
            span: name.span,
        })
    }
}

//! Local names and flow facts: which `let`s are visible, and what a local or a
//! field path is known to be at this point (`T` rather than `T?` after a check).

use super::ty::Ty;
use crate::source::Span;
use smol_str::SmolStr;
use std::collections::HashMap;

#[derive(Clone, Debug)]
pub struct Local {
    pub name: SmolStr,
    pub ty: Ty,
    pub mutable: bool,
    pub decl: Span,
    pub used: bool,
    /// Unused `let`s and `var`s are warned about; parameters and loop variables not.
    pub warn_unused: bool,
    /// How many lambdas deep it was declared: a lambda may not assign to an outer local.
    pub lambda_depth: u32,
    /// The `let` keyword of its declaration, for the fix "make it a `var`".
    pub let_keyword: Option<Span>,
}

/// What a narrowing is about: a local, or `input`/`config`/`trigger`, then fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    pub root: Root,
    pub fields: Vec<SmolStr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Root {
    Local(usize),
    Global(SmolStr),
}

#[derive(Clone, Debug)]
enum Fact {
    Narrow(Path, Ty),
    /// An assignment to the root: earlier facts about it no longer hold.
    Reset(Root),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameKind {
    Block,
    /// A function body: locals outside it are not visible.
    Function,
    Lambda,
}

#[derive(Debug)]
struct Frame {
    kind: FrameKind,
    first_local: usize,
    first_fact: usize,
    /// Where the block ends, for "visible until" in completion.
    end: u32,
}

/// A popped local, with where it was visible.
pub struct Ended {
    pub local: Local,
    pub visible_end: u32,
}

#[derive(Debug, Default)]
pub struct Scopes {
    locals: Vec<Local>,
    /// Which entries of `locals` are in scope (popped ones stay, for their indexes).
    live: Vec<usize>,
    /// The live locals by name, innermost last, each with its position in `live`:
    /// a lookup is one hash probe, not a walk over every local of a long scope.
    by_name: HashMap<SmolStr, Vec<(usize, usize)>>,
    frames: Vec<Frame>,
    facts: Vec<Fact>,
}

impl Scopes {
    pub fn push(&mut self, kind: FrameKind, end: u32) {
        self.frames.push(Frame {
            kind,
            first_local: self.live.len(),
            first_fact: self.facts.len(),
            end,
        });
    }

    /// Leaves the innermost frame. Assignments made in it stay known: the facts
    /// they reset stay reset.
    pub fn pop(&mut self) -> Vec<Ended> {
        let Some(frame) = self.frames.pop() else {
            return Vec::new();
        };
        let resets: Vec<Fact> = self.facts[frame.first_fact..]
            .iter()
            .filter(|f| matches!(f, Fact::Reset(_)))
            .cloned()
            .collect();
        self.facts.truncate(frame.first_fact);
        self.facts.extend(resets);
        let mut ended = Vec::with_capacity(self.live.len() - frame.first_local);
        for i in self.live.drain(frame.first_local..) {
            let local = self.locals[i].clone();
            if let Some(shadows) = self.by_name.get_mut(&local.name) {
                shadows.pop();
                if shadows.is_empty() {
                    self.by_name.remove(&local.name);
                }
            }
            ended.push(Ended {
                local,
                visible_end: frame.end,
            });
        }
        ended
    }

    pub fn lambda_depth(&self) -> u32 {
        self.frames
            .iter()
            .filter(|f| f.kind == FrameKind::Lambda)
            .count() as u32
    }

    pub fn declare(&mut self, mut local: Local) -> usize {
        local.lambda_depth = self.lambda_depth();
        let index = self.locals.len();
        self.by_name
            .entry(local.name.clone())
            .or_default()
            .push((self.live.len(), index));
        self.locals.push(local);
        self.live.push(index);
        index
    }

    /// The innermost visible local of that name (not across a function boundary).
    pub fn lookup(&self, name: &str) -> Option<usize> {
        let &(position, index) = self.by_name.get(name)?.last()?;
        (position >= self.boundary()).then_some(index)
    }

    /// The first position in `live` of the innermost function's locals.
    fn boundary(&self) -> usize {
        self.frames
            .iter()
            .rposition(|f| f.kind == FrameKind::Function)
            .map_or(0, |i| self.frames[i].first_local)
    }

    /// The names of the locals visible here, innermost last.
    pub fn visible_names(&self) -> Vec<SmolStr> {
        self.live[self.boundary()..]
            .iter()
            .map(|&i| self.locals[i].name.clone())
            .collect()
    }

    pub fn get(&self, index: usize) -> &Local {
        &self.locals[index]
    }

    pub fn get_mut(&mut self, index: usize) -> &mut Local {
        &mut self.locals[index]
    }

    pub fn narrow(&mut self, path: Path, ty: Ty) {
        self.facts.push(Fact::Narrow(path, ty));
    }

    pub fn reset(&mut self, root: Root) {
        self.facts.push(Fact::Reset(root));
    }

    /// What a path is known to be here, if narrowed.
    pub fn narrowed(&self, path: &Path) -> Option<&Ty> {
        for fact in self.facts.iter().rev() {
            match fact {
                Fact::Reset(root) if *root == path.root => return None,
                Fact::Narrow(p, ty) if p == path => return Some(ty),
                _ => {}
            }
        }
        None
    }
}

//! The checked program as the queries see one file of it: its module, its
//! recorded types, and the declarations it can name.

use crate::Analysis;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{self, ItemKind, TypeKind};
use crate::types::methods::{MethodSig, free_functions, methods_of};
use crate::types::{Def, Field, FnSig, Lit, Module, OpSig, ParamTy, Ty, TypeId, TypeTable};
use smol_str::SmolStr;

pub(crate) struct Env<'a> {
    pub analysis: &'a Analysis,
    pub file: SourceId,
    /// The file's index in `analysis.files` and `checked.modules`.
    pub index: usize,
    /// The file's text now: the analysed text, or an edited version of it.
    pub src: &'a str,
    /// The analysed file's tree (its spans are in the analysed text).
    pub ast: &'a ast::File,
    edit: Option<Edit>,
}

/// How the text now differs from the analysed text: one changed region, with
/// the same text before it and after it.
#[derive(Clone, Copy, Debug)]
struct Edit {
    /// The length of the common prefix.
    prefix: usize,
    /// Where the common suffix starts, in the analysed text and in the text now.
    old_suffix: usize,
    new_suffix: usize,
}

impl Edit {
    fn between(old: &str, new: &str) -> Option<Edit> {
        if old == new {
            return None;
        }
        let (a, b) = (old.as_bytes(), new.as_bytes());
        let mut prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
        while !new.is_char_boundary(prefix) || !old.is_char_boundary(prefix) {
            prefix -= 1;
        }
        let max_suffix = a.len().min(b.len()) - prefix;
        let mut suffix = a
            .iter()
            .rev()
            .zip(b.iter().rev())
            .take(max_suffix)
            .take_while(|(x, y)| x == y)
            .count();
        while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
            suffix -= 1;
        }
        Some(Edit {
            prefix,
            old_suffix: a.len() - suffix,
            new_suffix: b.len() - suffix,
        })
    }

    /// An offset of the text now in the analysed text, outside the change.
    fn to_old(self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.new_suffix {
            Some(offset - self.new_suffix + self.old_suffix)
        } else {
            None
        }
    }

    /// An offset of the analysed text in the text now, outside the change.
    fn to_new(self, offset: usize) -> Option<usize> {
        if offset <= self.prefix {
            Some(offset)
        } else if offset >= self.old_suffix {
            Some(offset - self.old_suffix + self.new_suffix)
        } else {
            None
        }
    }
}

/// A parameter as signatures show it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Param {
    pub name: Option<SmolStr>,
    pub ty: Ty,
    /// The default as written (`"IpHINAT79UW"`), when the parameter has one.
    pub default: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum CalleeKind {
    Fn,
    Op,
    Method,
    /// A standard-library free function.
    Function,
    /// A local of function type.
    Value,
}

/// Something that can be called, with its signature.
#[derive(Clone, Debug)]
pub(crate) struct Callee {
    pub kind: CalleeKind,
    pub name: String,
    pub params: Vec<Param>,
    pub ret: Ty,
    pub doc: Option<String>,
}

/// Defaults of the standard library's optional parameters, as written.
const METHOD_DEFAULTS: &[(&str, &str, &str)] = &[
    ("slice", "to", "null"),
    ("sort_by", "desc", "false"),
    ("run", "input", "null"),
    ("run", "config", "null"),
];

impl<'a> Env<'a> {
    pub fn new(analysis: &'a Analysis, file: SourceId) -> Option<Env<'a>> {
        let index = analysis.files.iter().position(|f| f.id == file)?;
        if analysis.checked.modules.get(index).map(|m| m.file) != Some(file) {
            return None;
        }
        Some(Env {
            analysis,
            file,
            index,
            src: &analysis.sources.get(file).text,
            ast: &analysis.files[index].ast,
            edit: None,
        })
    }

    /// The file as `text` is now, an edited version of the analysed text: what
    /// the analysis says about the parts that did not change still holds.
    pub fn edited(analysis: &'a Analysis, file: SourceId, text: &'a str) -> Option<Env<'a>> {
        let mut env = Env::new(analysis, file)?;
        env.edit = Edit::between(env.src, text);
        env.src = text;
        Some(env)
    }

    /// A span of the text now in the analysed text, if it is outside the change.
    pub fn old(&self, span: Span) -> Option<Span> {
        match self.edit {
            None => Some(span),
            Some(edit) => {
                let start = edit.to_old(span.start as usize)?;
                let end = edit.to_old(span.end as usize)?;
                (start <= end
                    && (span.end as usize <= edit.prefix || span.start as usize >= edit.new_suffix))
                    .then(|| Span::new(start, end))
            }
        }
    }

    /// An offset of the analysed text in the text now, if outside the change.
    pub fn new_offset(&self, offset: usize) -> Option<usize> {
        match self.edit {
            None => Some(offset),
            Some(edit) => edit.to_new(offset),
        }
    }

    pub fn types(&self) -> &'a TypeTable {
        &self.analysis.checked.types
    }

    pub fn display(&self, ty: &Ty) -> String {
        self.types().display(ty)
    }

    /// A value's type as hovers and completion show it: a literal's type as its
    /// base type (`let n = 1` is an `Int`), unions of literals kept.
    pub fn shown(&self, ty: &Ty) -> String {
        fn widen(ty: &Ty, depth: u32) -> Ty {
            if depth > 16 {
                return ty.clone();
            }
            match ty {
                Ty::Lit(lit) => lit.base(),
                Ty::List(t) => Ty::list(widen(t, depth + 1)),
                Ty::Map(t) => Ty::map(widen(t, depth + 1)),
                Ty::Union(members)
                    if !members.iter().all(|m| matches!(m, Ty::Lit(_) | Ty::Null)) =>
                {
                    Ty::union(members.iter().map(|m| widen(m, depth + 1)))
                }
                Ty::Record(r) => Ty::record(
                    r.fields
                        .iter()
                        .map(|f| Field {
                            ty: widen(&f.ty, depth + 1),
                            ..f.clone()
                        })
                        .collect(),
                    r.open,
                ),
                _ => ty.clone(),
            }
        }
        self.display(&widen(ty, 0))
    }

    pub fn modules(&self) -> &'a [Module] {
        &self.analysis.checked.modules
    }

    pub fn module(&self) -> &'a Module {
        &self.modules()[self.index]
    }

    pub fn is_adaptor(&self) -> bool {
        self.module().adaptor_name.is_some()
    }

    /// What the checker recorded for an expression of this file (a span of the
    /// text now).
    pub fn recorded(&self, span: Span) -> Option<&'a Ty> {
        self.analysis
            .checked
            .info
            .expr_types
            .get(&(self.file, self.old(span)?))
    }

    /// What the checker recorded a name of this file (a span of the text now) to be.
    pub fn def(&self, span: Span) -> Option<&'a Def> {
        self.analysis
            .checked
            .info
            .defs
            .get(&(self.file, self.old(span)?))
    }

    /// The module of the adaptor used under this name.
    pub fn adaptor(&self, alias: &str) -> Option<usize> {
        self.module()
            .uses
            .iter()
            .find(|(name, _)| name == alias)
            .map(|(_, m)| *m)
    }

    /// The source text of a span of any file of the analysis.
    pub fn text_of(&self, file: SourceId, span: Span) -> &'a str {
        let text: &'a str = &self.analysis.sources.get(file).text;
        text.get(span.range()).unwrap_or_default()
    }

    pub fn ast_of(&self, file: SourceId) -> Option<&'a ast::File> {
        self.analysis
            .files
            .iter()
            .find(|f| f.id == file)
            .map(|f| &f.ast)
    }

    /// The built-in `Error` type of `catch err`.
    pub fn error_type(&self) -> Ty {
        Ty::Named(TypeId(0))
    }

    /// `config`: in a job a section for each used adaptor, in an adaptor its fields.
    pub fn config_type(&self) -> Ty {
        let module = self.module();
        if self.is_adaptor() {
            return module
                .config
                .clone()
                .unwrap_or_else(|| Ty::record(Vec::new(), false));
        }
        let fields = module
            .uses
            .iter()
            .map(|(alias, m)| Field {
                name: alias.clone(),
                ty: self.modules()[*m]
                    .config
                    .clone()
                    .unwrap_or_else(|| Ty::record(Vec::new(), false)),
                optional: false,
                doc: None,
                origin: None,
            })
            .collect();
        Ty::record(fields, false)
    }

    /// `trigger`: what the job's trigger provides.
    pub fn trigger_type(&self) -> Ty {
        crate::types::trigger_type(self.module().trigger.as_ref())
    }

    /// `input`, `config` and `trigger` by name, where the file can read them.
    pub fn global(&self, name: &str) -> Option<Ty> {
        match name {
            "input" if !self.is_adaptor() => Some(self.module().input.clone()),
            "trigger" if !self.is_adaptor() => Some(self.trigger_type()),
            "config" => Some(self.config_type()),
            _ => None,
        }
    }

    /// A type as written, resolved as the checker resolves it in this file.
    pub fn resolve(&self, ty: &ast::Type) -> Ty {
        match &ty.kind {
            TypeKind::Name { adaptor, name } => {
                if let Some(Def::Type(id)) = self.def(name.span) {
                    return Ty::Named(*id);
                }
                match adaptor {
                    Some(adaptor) => self
                        .adaptor(&adaptor.name)
                        .and_then(|m| self.modules()[m].types.get(&name.name))
                        .map_or(Ty::Error, |id| Ty::Named(*id)),
                    None => self.named_type(&name.name),
                }
            }
            TypeKind::Literal(lit) => match lit {
                ast::Literal::Null => Ty::Null,
                ast::Literal::Bool(b) => Ty::Lit(Lit::Bool(*b)),
                ast::Literal::Int(n) => Ty::Lit(Lit::Int(*n)),
                ast::Literal::Str(s) => Ty::Lit(Lit::Str(SmolStr::new(s))),
                ast::Literal::Float(_) => Ty::Error,
            },
            TypeKind::Optional(inner) => Ty::optional(self.resolve(inner)),
            TypeKind::List(inner) => Ty::list(self.resolve(inner)),
            TypeKind::Map(inner) => Ty::map(self.resolve(inner)),
            TypeKind::Record { fields, open } => Ty::record(
                fields
                    .iter()
                    .map(|f| Field {
                        name: f.name.name.clone(),
                        ty: self.resolve(&f.ty),
                        optional: f.optional || matches!(f.ty.kind, TypeKind::Optional(_)),
                        doc: f.doc.as_ref().map(|d| d.text.clone()),
                        origin: Some((self.file, f.name.span)),
                    })
                    .collect(),
                *open,
            ),
            TypeKind::Union(members) => Ty::union(members.iter().map(|m| self.resolve(m))),
            TypeKind::Fn { params, ret } => Ty::func(
                params
                    .iter()
                    .map(|p| ParamTy {
                        name: None,
                        ty: self.resolve(p),
                        has_default: false,
                    })
                    .collect(),
                self.resolve(ret),
            ),
            TypeKind::Error => Ty::Error,
        }
    }

    /// A built-in type or a type of this file, by name.
    pub fn named_type(&self, name: &str) -> Ty {
        if let Some(ty) = Ty::builtin(name) {
            return ty;
        }
        match name {
            "Error" => self.error_type(),
            other => self
                .module()
                .types
                .get(other)
                .map_or(Ty::Error, |id| Ty::Named(*id)),
        }
    }

    /// The fields a value of this type has: a record's, or those every record
    /// of a union of records has.
    pub fn fields(&self, ty: &Ty) -> Vec<Field> {
        let types = self.types();
        match types.resolve(&types.non_null(ty)) {
            Ty::Record(r) => r.fields.clone(),
            Ty::Union(members) => {
                let records: Vec<_> = members
                    .iter()
                    .filter_map(|m| match types.resolve(m) {
                        Ty::Record(r) => Some(r.clone()),
                        _ => None,
                    })
                    .collect();
                if records.len() != members.len() {
                    return Vec::new();
                }
                let Some((first, rest)) = records.split_first() else {
                    return Vec::new();
                };
                first
                    .fields
                    .iter()
                    .filter(|f| {
                        rest.iter()
                            .all(|r| r.fields.iter().any(|g| g.name == f.name))
                    })
                    .cloned()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The type `target.name` has when `target` has type `ty`.
    pub fn field_type(&self, ty: &Ty, name: &str) -> Option<Ty> {
        let types = self.types();
        if matches!(types.resolve(&types.non_null(ty)), Ty::Json) {
            return Some(Ty::Json);
        }
        let field = self.fields(ty).into_iter().find(|f| f.name == name)?;
        Some(field_value(&field))
    }

    /// The literal values of a type: a literal union's members, `true` and
    /// `false` of a `Bool`, and `null` when it is optional.
    pub fn literals(&self, ty: &Ty) -> Vec<Ty> {
        fn collect(types: &TypeTable, ty: &Ty, out: &mut Vec<Ty>, depth: u32) {
            if depth > 16 {
                return;
            }
            match types.resolve(ty) {
                Ty::Lit(lit) => {
                    let t = Ty::Lit(lit.clone());
                    if !out.contains(&t) {
                        out.push(t);
                    }
                }
                Ty::Union(members) => {
                    for m in members.iter() {
                        collect(types, m, out, depth + 1);
                    }
                }
                _ => {}
            }
        }
        let mut out = Vec::new();
        collect(self.types(), ty, &mut out, 0);
        if !out.is_empty() && self.types().is_optional(ty) {
            out.push(Ty::Null);
        }
        out
    }

    pub fn fn_sig(&self, module: usize, name: &str) -> Option<&'a FnSig> {
        self.modules()[module].fns.iter().find(|f| f.name == name)
    }

    /// The declaration of a function or op by the span of its name.
    fn decl_params(&self, origin: (SourceId, Span)) -> Option<(&'a [ast::Param], SourceId)> {
        let file = self.ast_of(origin.0)?;
        file.items.iter().find_map(|item| match &item.kind {
            ItemKind::Fn(f) if f.name.span == origin.1 => Some((&f.params[..], origin.0)),
            ItemKind::Op(op) if op.name.span == origin.1 => Some((&op.params[..], origin.0)),
            _ => None,
        })
    }

    /// The parameters of a declared function or op, with their defaults as written.
    fn declared_params(
        &self,
        origin: (SourceId, Span),
        params: &[crate::types::ParamSig],
    ) -> Vec<Param> {
        let decl = self.decl_params(origin);
        params
            .iter()
            .enumerate()
            .map(|(i, p)| Param {
                name: Some(p.name.clone()),
                ty: p.ty.clone(),
                default: p.has_default.then(|| {
                    decl.and_then(|(params, file)| {
                        let default = params.get(i)?.default.as_ref()?;
                        Some(self.text_of(file, default.span).to_string())
                    })
                    .unwrap_or_else(|| "…".into())
                }),
            })
            .collect()
    }

    pub fn fn_callee(&self, sig: &FnSig) -> Callee {
        Callee {
            kind: CalleeKind::Fn,
            name: sig.name.to_string(),
            params: self.declared_params(sig.origin, &sig.params),
            ret: sig.ret.clone(),
            doc: sig.doc.clone(),
        }
    }

    pub fn op_callee(&self, op: &OpSig) -> Callee {
        Callee {
            kind: CalleeKind::Op,
            name: op.name.to_string(),
            params: self.declared_params(op.origin, &op.params),
            ret: op.ret.clone(),
            doc: op.doc.clone(),
        }
    }

    pub fn method_callee(&self, method: &MethodSig, kind: CalleeKind) -> Callee {
        Callee {
            kind,
            name: method.name.to_string(),
            params: method
                .params
                .iter()
                .map(|(name, ty, has_default)| Param {
                    name: Some(SmolStr::new(name)),
                    ty: ty.clone(),
                    default: has_default.then(|| {
                        METHOD_DEFAULTS
                            .iter()
                            .find(|(m, p, _)| *m == method.name && p == name)
                            .map_or("…", |(_, _, d)| d)
                            .to_string()
                    }),
                })
                .collect(),
            ret: method.ret.clone(),
            doc: Some(method.doc.to_string()),
        }
    }

    /// A standard-library method of a value of type `receiver`.
    pub fn method(&self, receiver: &Ty, name: &str) -> Option<Callee> {
        let receiver = self.types().non_null(receiver);
        methods_of(self.types(), &receiver)
            .iter()
            .find(|m| m.name == name)
            .map(|m| self.method_callee(m, CalleeKind::Method))
    }

    pub fn free_function(&self, name: &str, in_test: bool) -> Option<Callee> {
        let mut callee = free_functions(in_test)
            .iter()
            .find(|f| f.name == name)
            .map(|f| self.method_callee(f, CalleeKind::Function))?;
        if name == "run" {
            self.type_run(&mut callee);
        }
        Some(callee)
    }

    /// A test's `run(input:, config:)` as the checker types it for this job:
    /// `input` is the job's `input:` type, the result its output.
    fn type_run(&self, run: &mut Callee) {
        let job = &self.modules()[0];
        if let Some(input) = run
            .params
            .iter_mut()
            .find(|p| p.name.as_deref() == Some("input"))
        {
            input.ty = job.input.clone();
        }
        if let Some(output) = &job.run_output {
            run.ret = output.clone();
        }
    }

    /// An op or function of the adaptor used as `alias`.
    pub fn adaptor_member(&self, alias: &str, name: &str) -> Option<Callee> {
        let module = &self.modules()[self.adaptor(alias)?];
        if let Some(op) = module.ops.iter().find(|o| o.name == name) {
            return Some(self.op_callee(op));
        }
        module
            .fns
            .iter()
            .find(|f| f.name == name)
            .map(|f| self.fn_callee(f))
    }

    /// A value of function type called as a function.
    pub fn value_callee(&self, name: &str, ty: &Ty) -> Option<Callee> {
        match self.types().resolve(ty) {
            Ty::Fn(f) => Some(Callee {
                kind: CalleeKind::Value,
                name: name.to_string(),
                params: f
                    .params
                    .iter()
                    .map(|p| Param {
                        name: p.name.clone(),
                        ty: p.ty.clone(),
                        default: p.has_default.then(|| "…".to_string()),
                    })
                    .collect(),
                ret: f.ret.clone(),
                doc: None,
            }),
            _ => None,
        }
    }

    /// The doc comment of a declaration in any file, by the span of its name.
    pub fn item_doc(&self, origin: (SourceId, Span)) -> Option<String> {
        let file = self.ast_of(origin.0)?;
        file.items
            .iter()
            .find(|item| match &item.kind {
                ItemKind::Const { name, .. } | ItemKind::Type { name, .. } => name.span == origin.1,
                ItemKind::Fn(f) => f.name.span == origin.1,
                ItemKind::Op(op) => op.name.span == origin.1,
                _ => false,
            })
            .and_then(|item| item.doc.as_ref().map(|d| d.text.clone()))
    }

    /// The declared field with this origin, searched in every named type, input
    /// and config of the program.
    pub fn field_by_origin(&self, origin: (SourceId, Span)) -> Option<Field> {
        fn search(ty: &Ty, origin: (SourceId, Span), depth: u32) -> Option<Field> {
            if depth > 12 {
                return None;
            }
            match ty {
                Ty::Record(r) => r.fields.iter().find_map(|f| {
                    if f.origin == Some(origin) {
                        Some(f.clone())
                    } else {
                        search(&f.ty, origin, depth + 1)
                    }
                }),
                Ty::List(t) | Ty::Map(t) => search(t, origin, depth + 1),
                Ty::Union(members) => members.iter().find_map(|m| search(m, origin, depth + 1)),
                _ => None,
            }
        }
        let types = self.types();
        let mut roots: Vec<Ty> = Vec::new();
        for module in self.modules() {
            roots.extend(module.types.values().map(|id| types.get(*id).ty.clone()));
            roots.push(module.input.clone());
            roots.extend(module.config.clone());
        }
        roots.iter().find_map(|ty| search(ty, origin, 0))
    }
}

/// The type a field's value has: optional when the field may be absent.
pub(crate) fn field_value(field: &Field) -> Ty {
    if field.optional {
        Ty::optional(field.ty.clone())
    } else {
        field.ty.clone()
    }
}

/// `Ty::Var` bound from the results of the lambdas given.
pub(crate) fn substitute(ty: &Ty, bound: &Ty) -> Ty {
    match ty {
        Ty::Var(_) => bound.clone(),
        Ty::List(t) => Ty::list(substitute(t, bound)),
        Ty::Map(t) => Ty::map(substitute(t, bound)),
        Ty::Union(members) => Ty::union(members.iter().map(|m| substitute(m, bound))),
        Ty::Fn(f) => Ty::func(
            f.params
                .iter()
                .map(|p| ParamTy {
                    ty: substitute(&p.ty, bound),
                    ..p.clone()
                })
                .collect(),
            substitute(&f.ret, bound),
        ),
        _ => ty.clone(),
    }
}

pub(crate) fn has_vars(ty: &Ty) -> bool {
    match ty {
        Ty::Var(_) => true,
        Ty::List(t) | Ty::Map(t) => has_vars(t),
        Ty::Fn(f) => has_vars(&f.ret) || f.params.iter().any(|p| has_vars(&p.ty)),
        Ty::Union(members) => members.iter().any(has_vars),
        _ => false,
    }
}

//! Type expressions as written (`[dhis2.Event]?`) to types.

use super::items::Checker;
use super::report::{self, codes};
use super::ty::{Field, Lit, ParamTy, Ty};
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, TypeKind};
use smol_str::SmolStr;

const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Date", "DateTime", "Url", "Secret", "Json", "Null", "Error",
];

impl Checker<'_> {
    pub(super) fn resolve_type(&mut self, ty: &ast::Type) -> Ty {
        crate::stack::deep(|| self.resolve_type_inner(ty))
    }

    fn resolve_type_inner(&mut self, ty: &ast::Type) -> Ty {
        match &ty.kind {
            TypeKind::Name {
                adaptor: None,
                name,
            } => self.resolve_name(name),
            TypeKind::Name {
                adaptor: Some(adaptor),
                name,
            } => self.resolve_qualified(adaptor, name),
            TypeKind::Literal(lit) => match lit {
                ast::Literal::Null => Ty::Null,
                ast::Literal::Bool(b) => Ty::Lit(Lit::Bool(*b)),
                ast::Literal::Int(n) => Ty::Lit(Lit::Int(*n)),
                ast::Literal::Str(s) => Ty::Lit(Lit::Str(SmolStr::new(s))),
                ast::Literal::Float(_) => {
                    self.error(
                        Diagnostic::error(
                            codes::UNKNOWN_TYPE,
                            self.file(),
                            ty.span,
                            "a number type literal must be an integer",
                        )
                        .with_note("use `Float` for any number"),
                    );
                    Ty::Error
                }
            },
            TypeKind::Optional(inner) => Ty::optional(self.resolve_type(inner)),
            TypeKind::List(inner) => Ty::list(self.resolve_type(inner)),
            TypeKind::Map(inner) => Ty::map(self.resolve_type(inner)),
            TypeKind::Record { fields, open } => {
                let mut out: Vec<Field> = Vec::with_capacity(fields.len());
                for f in fields {
                    if out.iter().any(|o| o.name == f.name.name) {
                        self.error(Diagnostic::error(
                            codes::DUPLICATE_FIELD,
                            self.file(),
                            f.name.span,
                            format!("the field `{}` is declared twice", f.name.name),
                        ));
                        continue;
                    }
                    let ty = self.resolve_type(&f.ty);
                    // A field of type `T?` may also be absent (docs/language.md §4.2).
                    let optional = f.optional || matches!(&f.ty.kind, TypeKind::Optional(_));
                    out.push(Field {
                        name: f.name.name.clone(),
                        ty,
                        optional,
                        doc: f.doc.as_ref().map(|d| d.text.clone()),
                        origin: Some((self.file(), f.name.span)),
                    });
                }
                Ty::record(out, *open)
            }
            TypeKind::Union(members) => Ty::union(
                members
                    .iter()
                    .map(|m| self.resolve_type(m))
                    .collect::<Vec<_>>(),
            ),
            TypeKind::Fn { params, ret } => Ty::func(
                params
                    .iter()
                    .map(|p| ParamTy {
                        name: None,
                        ty: self.resolve_type(p),
                        has_default: false,
                    })
                    .collect(),
                self.resolve_type(ret),
            ),
            TypeKind::Error => Ty::Error,
        }
    }

    fn resolve_name(&mut self, name: &ast::Ident) -> Ty {
        if let Some(ty) = Ty::builtin(&name.name) {
            return ty;
        }
        match name.name.as_str() {
            "Error" => Ty::Named(self.error_type),
            other => match self.module().types.get(other) {
                Some(id) => {
                    let id = *id;
                    self.define(name.span, super::Def::Type(id));
                    Ty::Named(id)
                }
                None => {
                    let candidates: Vec<String> = BUILTIN_TYPES
                        .iter()
                        .map(|s| s.to_string())
                        .chain(self.module().types.keys().map(|k| k.to_string()))
                        .collect();
                    let suggestion =
                        report::did_you_mean(other, candidates.iter().map(|s| s.as_str()));
                    let d = Diagnostic::error(
                        codes::UNKNOWN_TYPE,
                        self.file(),
                        name.span,
                        format!("no type named `{other}`"),
                    )
                    .with_label("not declared");
                    let d = report::suggest(d, suggestion, report::plain);
                    self.error(d);
                    Ty::Error
                }
            },
        }
    }

    fn resolve_qualified(&mut self, adaptor: &ast::Ident, name: &ast::Ident) -> Ty {
        let Some(module) = self.adaptor_alias(&adaptor.name) else {
            let d = Diagnostic::error(
                codes::UNKNOWN_TYPE,
                self.file(),
                adaptor.span,
                format!("`{}` is not an adaptor this file uses", adaptor.name),
            )
            .with_note(format!("add `use {}` at the top of the job", adaptor.name));
            self.error(d);
            return Ty::Error;
        };
        self.define(adaptor.span, super::Def::Adaptor(module));
        match self.modules[module].types.get(name.name.as_str()) {
            Some(id) => {
                let id = *id;
                self.define(name.span, super::Def::Type(id));
                Ty::Named(id)
            }
            None => {
                let names: Vec<String> = self.modules[module]
                    .types
                    .keys()
                    .map(|k| k.to_string())
                    .collect();
                let suggestion = report::did_you_mean(&name.name, names.iter().map(|s| s.as_str()));
                let d = Diagnostic::error(
                    codes::UNKNOWN_TYPE,
                    self.file(),
                    name.span,
                    format!("the adaptor `{}` has no type `{}`", adaptor.name, name.name),
                );
                let d = report::suggest(d, suggestion, report::plain);
                self.error(d);
                Ty::Error
            }
        }
    }
}

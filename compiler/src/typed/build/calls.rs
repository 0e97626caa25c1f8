//! Fields, indexing and calls: which call is which (a method, a built-in, a
//! function, an op, a function value), with the arguments in the order the
//! checker matched them to the parameters and the defaults filled in.

use super::{Builder, Built};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind as E, ItemKind, Literal};
use crate::typed::{Arg, Expr, ExprKind, InternalError};
use crate::types::{Def, Ty};
use smol_str::SmolStr;

/// What fills a parameter left out.
enum Defaults {
    /// A method's: what the runtime method takes for it.
    Method(SmolStr),
    /// A built-in's: null.
    Null,
    /// A function's declared default, in its module.
    Fn { module: usize, index: usize },
    /// An op's declared default (null when it declares none).
    Op { adaptor: usize, index: usize },
}

impl<'a> Builder<'a> {
    /// `a.b`, `a[i]` or a call.
    pub(super) fn chain_link(&mut self, e: &'a ast::Expr) -> Built<Expr> {
        let kind = match &e.kind {
            E::Field {
                target,
                name,
                optional,
            } => {
                if self.is_adaptor(target) {
                    return Err(self.missing(e.span, "value for this adaptor member"));
                }
                ExprKind::Field {
                    target: Box::new(self.expr(target)?),
                    name: name.name.clone(),
                    optional: *optional,
                }
            }
            E::Index { target, index } => ExprKind::Index {
                target: Box::new(self.expr(target)?),
                index: Box::new(self.expr(index)?),
            },
            E::Call { callee, args } => self.call(e, callee, args)?,
            _ => return Err(self.missing(e.span, "chain")),
        };
        Ok(Expr {
            kind,
            ty: self.ty(e.span)?,
            span: e.span,
        })
    }

    fn is_adaptor(&self, target: &ast::Expr) -> bool {
        matches!(self.def_if_any(target.span), Some(Def::Adaptor(_)))
    }

    fn call(
        &mut self,
        e: &'a ast::Expr,
        callee: &'a ast::Expr,
        args: &'a [ast::Arg],
    ) -> Built<ExprKind> {
        if let E::Field {
            target,
            name,
            optional,
        } = &callee.kind
        {
            if self.is_adaptor(target) {
                // `dhis2.create(…)`: an op or a function of the adaptor.
                return match self.def(name.span)? {
                    Def::Op { adaptor, index } => {
                        let (adaptor, index) = (*adaptor, *index);
                        let args = self.ordered(e.span, args, Defaults::Op { adaptor, index })?;
                        Ok(ExprKind::CallOp {
                            adaptor,
                            index,
                            args,
                        })
                    }
                    Def::Fn { module, index } => self.fn_call(e.span, *module, *index, args),
                    _ => Err(self.missing(name.span, "op")),
                };
            }
            let Def::Builtin(method) = self.def(name.span)? else {
                return Err(self.missing(name.span, "method"));
            };
            let receiver = Box::new(self.expr(target)?);
            let args = self.ordered(e.span, args, Defaults::Method(method.clone()))?;
            return Ok(ExprKind::Method {
                receiver,
                method: method.clone(),
                args,
                optional: *optional,
            });
        }
        if let E::Name(_) = &callee.kind {
            match self.def(callee.span)? {
                Def::Fn { module, index } => return self.fn_call(e.span, *module, *index, args),
                Def::Builtin(name) if name == "calls" => {
                    let op = match args.first().map(|a| &a.value.kind) {
                        Some(E::Field { name, .. }) => self.def(name.span)?,
                        _ => return Err(self.missing(e.span, "op of this `calls`")),
                    };
                    let Def::Op { adaptor, index } = op else {
                        return Err(self.missing(e.span, "op of this `calls`"));
                    };
                    return Ok(ExprKind::TestCalls {
                        adaptor: *adaptor,
                        index: *index,
                    });
                }
                Def::Builtin(name) => {
                    let args = self.ordered(e.span, args, Defaults::Null)?;
                    return Ok(ExprKind::Builtin {
                        name: name.clone(),
                        args,
                    });
                }
                _ => {}
            }
        }
        Ok(ExprKind::CallValue {
            callee: Box::new(self.expr(callee)?),
            args: args
                .iter()
                .map(|a| self.expr(&a.value))
                .collect::<Built<_>>()?,
        })
    }

    fn fn_call(
        &mut self,
        call: Span,
        module: usize,
        index: usize,
        args: &'a [ast::Arg],
    ) -> Built<ExprKind> {
        let args = self.ordered(call, args, Defaults::Fn { module, index })?;
        Ok(ExprKind::CallFn {
            module,
            index,
            args,
        })
    }

    /// The arguments in parameter order, as the checker matched them.
    fn ordered(&mut self, call: Span, args: &'a [ast::Arg], defaults: Defaults) -> Built<Vec<Arg>> {
        let order = self
            .a
            .checked
            .info
            .call_args
            .get(&(self.file(), call))
            .cloned()
            .ok_or_else(|| self.missing(call, "argument order"))?;
        let mut out = Vec::with_capacity(order.len());
        for (i, given) in order.iter().enumerate() {
            out.push(match given {
                Some(a) => Arg::Given(self.expr(&args[*a].value)?),
                None => self.default(call, i, &defaults)?,
            });
        }
        Ok(out)
    }

    fn default(&mut self, call: Span, i: usize, defaults: &Defaults) -> Built<Arg> {
        let here = self.module;
        let literal = |lit: Literal, ty: Ty| Arg::Default {
            module: here,
            value: Expr {
                kind: ExprKind::Literal(lit),
                ty,
                span: call,
            },
        };
        Ok(match defaults {
            // `sort_by(key, descending)`: ascending unless asked; every other
            // optional method parameter is null when left out.
            Defaults::Method(m) if m == "sort_by" && i == 1 => {
                literal(Literal::Bool(false), Ty::Bool)
            }
            Defaults::Method(_) | Defaults::Null => literal(Literal::Null, Ty::Null),
            Defaults::Fn { module, index } => {
                let decl = self.item_params(*module, *index, false)?;
                match decl.get(i).and_then(|p| p.default.as_ref()) {
                    Some(d) => self.default_in(*module, d)?,
                    None => return Err(self.missing(call, "argument or default")),
                }
            }
            Defaults::Op { adaptor, index } => {
                let decl = self.item_params(*adaptor, *index, true)?;
                match decl.get(i).and_then(|p| p.default.as_ref()) {
                    Some(d) => self.default_in(*adaptor, d)?,
                    None => literal(Literal::Null, Ty::Null),
                }
            }
        })
    }

    /// The parameters of the `index`th function (or op) declared in `module`.
    fn item_params(&self, module: usize, index: usize, op: bool) -> Built<&'a [ast::Param]> {
        self.a.files[module]
            .ast
            .items
            .iter()
            .filter_map(|i| match (&i.kind, op) {
                (ItemKind::Fn(f), false) => Some(f.params.as_slice()),
                (ItemKind::Op(o), true) => Some(o.params.as_slice()),
                _ => None,
            })
            .nth(index)
            .ok_or_else(|| {
                InternalError(format!(
                    "no declaration for item {index} of module {module}"
                ))
            })
    }

    /// A parameter's default, an expression of the callee's module.
    fn default_in(&mut self, module: usize, default: &'a ast::Expr) -> Built<Arg> {
        let here = std::mem::replace(&mut self.module, module);
        let reads = self.const_reads.take();
        let value = self.expr(default);
        self.const_reads = reads;
        self.module = here;
        Ok(Arg::Default {
            module,
            value: value?,
        })
    }
}

//! A module's items: functions, consts, ops with their bindings, `base`, `auth`, `errors`,
//! the trigger, and a job's top-level statements.

use super::{Builder, Built};
use crate::syntax::ast::{self, ExprKind, ItemKind};
use crate::typed::{
    Auth, Const, Fn, Http, InternalError, Module, Op, OpBinding, Paged, Param, Trigger,
};
use crate::types::ParamSig;

impl<'a> Builder<'a> {
    pub(super) fn module_tree(&mut self) -> Built<Module> {
        let checked = &self.a.checked.modules[self.module];
        let items = &self.ast().items;
        let mut module = Module {
            file: self.file(),
            adaptor_name: checked.adaptor_name.clone(),
            config: checked.config.clone(),
            input: checked.input.clone(),
            uses: checked.uses.clone(),
            trigger: checked.trigger.as_ref().map(trigger),
            ..Module::default()
        };
        let fn_decls: Vec<&'a ast::FnDecl> = items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Fn(f) => Some(f),
                _ => None,
            })
            .collect();
        let op_decls: Vec<&'a ast::OpDecl> = items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Op(o) => Some(o),
                _ => None,
            })
            .collect();
        let const_values: Vec<&'a ast::Expr> = items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Const { value, .. } => Some(value),
                _ => None,
            })
            .collect();
        if fn_decls.len() != checked.fns.len()
            || op_decls.len() != checked.ops.len()
            || const_values.len() != checked.consts.len()
        {
            return Err(InternalError(format!(
                "the checker's items of {} do not match the file's",
                self.a.sources.get(self.file()).name
            )));
        }
        for (decl, sig) in fn_decls.iter().zip(&checked.fns) {
            let params = self.params(&decl.params, &sig.params)?;
            let body = self.block(&decl.body)?;
            module.fns.push(Fn {
                name: sig.name.clone(),
                params,
                ret: sig.ret.clone(),
                body,
            });
        }
        for value in const_values {
            self.const_reads = Some(Vec::new());
            let value = self.expr(value);
            let reads = self.const_reads.take().unwrap_or_default();
            module.consts.push(Const {
                value: value?,
                reads,
            });
        }
        for (decl, sig) in op_decls.iter().zip(&checked.ops) {
            let params = self.params(&decl.params, &sig.params)?;
            let binding = match &decl.binding {
                ast::OpBinding::Http(http) => OpBinding::Http(Box::new(self.http(http)?)),
                _ => OpBinding::Native,
            };
            module.ops.push(Op {
                name: sig.name.clone(),
                params,
                ret: sig.ret.clone(),
                binding,
            });
        }
        for item in items {
            match &item.kind {
                ItemKind::Base(e) => module.base = Some(self.expr(e)?),
                ItemKind::Auth(e) => module.auth = Some(self.auth(e)?),
                // The checker reported what is wrong; the rules that work are kept.
                ItemKind::Errors(decl) => {
                    module.errors = crate::types::errors_item::read(decl, self.file()).0
                }
                ItemKind::Stmt(stmt) => {
                    if let Some(s) = self.stmt(stmt)? {
                        module.body.push(s);
                    }
                }
                ItemKind::Test { name, body } => module.tests.push(crate::typed::Test {
                    name: name.value.clone(),
                    body: self.block(body)?,
                    span: item.span,
                }),
                _ => {}
            }
        }
        Ok(module)
    }

    fn params(&mut self, params: &'a [ast::Param], sigs: &[ParamSig]) -> Built<Vec<Param>> {
        params
            .iter()
            .zip(sigs)
            .map(|(p, sig)| {
                Ok(Param {
                    name: sig.name.clone(),
                    binding: self.binding(&p.name)?,
                    default: p.default.as_ref().map(|d| self.expr(d)).transpose()?,
                })
            })
            .collect()
    }

    fn http(&mut self, http: &'a ast::HttpBinding) -> Built<Http> {
        let method = http.method.name.clone();
        let idempotent = http.idempotent.is_some()
            || matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE");
        let response = self.local(crate::types::response_decl(http));
        let part =
            |b: &mut Self, e: &'a Option<ast::Expr>| e.as_ref().map(|e| b.expr(e)).transpose();
        Ok(Http {
            method_span: http.method.span,
            idempotent,
            path: self.expr(&http.path)?,
            query: part(self, &http.query)?,
            headers: part(self, &http.headers)?,
            body: part(self, &http.body)?,
            response,
            result: part(self, &http.result)?,
            paged: match &http.paged {
                Some(p) => Some(Paged {
                    by: p.by.as_ref().map(|b| (b.kind, b.name.value.clone())),
                    next: part(self, &p.next)?,
                    items: self.expr(&p.items)?,
                    total: part(self, &p.total)?,
                }),
                None => None,
            },
            method,
        })
    }

    /// `auth basic(a, b)`: the checker accepted only a scheme called with its
    /// arguments.
    fn auth(&mut self, e: &'a ast::Expr) -> Built<Auth> {
        if let ExprKind::Call { callee, args } = &e.kind
            && let ExprKind::Name(scheme) = &callee.kind
        {
            let args = args
                .iter()
                .map(|a| self.expr(&a.value))
                .collect::<Built<Vec<_>>>()?;
            return Ok(Auth {
                scheme: scheme.clone(),
                args,
            });
        }
        Err(self.missing(e.span, "auth scheme"))
    }
}

/// A trigger as the runtime needs it: a webhook's auth scheme and the header
/// it names (`api_key("X-Key")`), a schedule, an interval.
fn trigger(t: &ast::Trigger) -> Trigger {
    match t {
        ast::Trigger::Webhook { path, auth, reply } => {
            let (auth, header) = match auth.as_ref().map(|a| &a.kind) {
                Some(ExprKind::Name(n)) => (Some(n.clone()), None),
                Some(ExprKind::Call { callee, args }) => {
                    let scheme = match &callee.kind {
                        ExprKind::Name(n) => Some(n.clone()),
                        _ => None,
                    };
                    let header = args.first().and_then(|a| match &a.value.kind {
                        ExprKind::Literal(ast::Literal::Str(s)) => Some(s.clone()),
                        _ => None,
                    });
                    (scheme, header)
                }
                _ => (None, None),
            };
            Trigger::Webhook {
                path: path.value.clone(),
                auth,
                header,
                reply: *reply,
            }
        }
        ast::Trigger::Cron { schedule, tz } => Trigger::Cron {
            schedule: schedule.value.clone(),
            tz: tz.as_ref().map(|t| t.value.clone()),
        },
        ast::Trigger::Every(d) => Trigger::Every { millis: d.millis() },
    }
}

//! Ops: a native op through `ferry_op`; an HTTP-bound op through a function of
//! its own that builds the request from the binding, sends it, follows `paged`
//! links or parameters and checks the answer. `base` and `auth` are computed per call.

use super::{FnState, Lowerer};
use crate::ir::{Callee, Expr, FnKind, FuncId, Function, IntOp, Loc, Local, Repr, Stmt};
use crate::syntax::ast::PageKind;
use crate::typed::{self, Arg, OpBinding};
use ferry_meta::{OpMeta, ShapeMeta};

impl<'a> Lowerer<'a> {
    /// The index of an adaptor module among the job's `use`s.
    pub(super) fn adaptor_index(&mut self, module: usize) -> u32 {
        match self
            .module_tree(0)
            .uses
            .iter()
            .position(|(_, m)| *m == module)
        {
            Some(i) => i as u32,
            None => {
                self.internal(format!("module {module} is not an adaptor the job uses"));
                0
            }
        }
    }

    /// An op call, its arguments in parameter order.
    pub(super) fn op_call(
        &mut self,
        adaptor: usize,
        index: usize,
        args: &'a [Arg],
        loc: Loc,
    ) -> Expr {
        let op = self.op_id(adaptor, index);
        let args = self.boxed_args(args);
        if self.test_job.is_some() {
            // A test never sends a request: its mocks answer (`tests.rs`).
            let n = args.len() as i64;
            return Expr::call(
                "ferry_test_op",
                vec![Expr::Int(op as i64), Expr::Int(n), Expr::Array(args)],
                Repr::Value,
                Some(loc),
            );
        }
        if let OpBinding::Http(http) = &self.module_tree(adaptor).ops[index].binding {
            let function = self.op_fn(adaptor, index, op, http);
            return Expr::Call {
                callee: Callee::Function(function),
                args,
                ret: Repr::Value,
                loc: Some(loc),
            };
        }
        let n = args.len() as i64;
        Expr::call(
            "ferry_op",
            vec![Expr::Int(op as i64), Expr::Int(n), Expr::Array(args)],
            Repr::Value,
            Some(loc),
        )
    }

    /// The function that runs an HTTP-bound op: it builds the request from the
    /// binding, sends it (`ferry_http`), follows `paged` links, picks `result`,
    /// and checks the answer against the op's return type. Parameters come boxed.
    fn op_fn(&mut self, adaptor: usize, index: usize, op: u32, http: &'a typed::Http) -> FuncId {
        if let Some(&id) = self.op_fns.get(&(adaptor, index)) {
            return id;
        }
        let decl = &self.module_tree(adaptor).ops[index];
        let id = self.functions.len() as FuncId;
        let params = vec![Repr::Value; decl.params.len()];
        self.functions.push(Function {
            name: format!("op_{}", self.meta.ops[op as usize].name.replace('.', "_")),
            kind: FnKind::User,
            params: params.clone(),
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.op_fns.insert((adaptor, index), id);
        self.stack
            .push(FnState::new(adaptor, Repr::Value, params, false));
        let mut body = Vec::new();
        // Parameters the binding reads unboxed get slots of their own.
        for (i, p) in decl.params.iter().enumerate() {
            self.param_from_box(&p.binding, i as Local, &mut body);
        }
        let base = self.new_local(Repr::Value);
        let base_value = match &self.module_tree(adaptor).base {
            Some(e) => self.boxed_value(e),
            None => self.null(),
        };
        body.push(Stmt::Set(base, base_value));
        let auth = self.new_local(Repr::Value);
        let auth_value = self.adaptor_auth(adaptor);
        body.push(Stmt::Set(auth, auth_value));
        let part = |l: &mut Self, e: &'a Option<typed::Expr>| match e {
            Some(e) => l.boxed_value(e),
            None => l.null(),
        };
        let path = self.boxed_value(&http.path);
        let query = part(self, &http.query);
        let headers = part(self, &http.headers);
        let request_body = part(self, &http.body);
        let shape = self.meta.shape(ShapeMeta {
            fields: ["path", "query", "headers", "body"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            open: false,
        });
        let request_value = Expr::call(
            "ferry_record",
            vec![
                Expr::Int(shape as i64),
                Expr::Array(vec![path, query, headers, request_body]),
            ],
            Repr::Value,
            None,
        );
        let request = self.new_local(Repr::Value);
        body.push(Stmt::Set(request, request_value));
        let loc = self.loc(http.method_span);
        let response = self.declare(http.response, Repr::Value);
        let send = |kind: &'static str, what: Expr| {
            Expr::call(
                kind,
                vec![
                    Expr::Int(op as i64),
                    what,
                    Expr::Local(base),
                    Expr::Local(auth),
                ],
                Repr::Value,
                Some(loc),
            )
        };
        body.push(Stmt::Set(
            response,
            send("ferry_http", Expr::Local(request)),
        ));
        let result = match &http.paged {
            Some(paged) => {
                let acc = self.new_local(Repr::Value);
                body.push(Stmt::Set(
                    acc,
                    Expr::call(
                        "ferry_list",
                        vec![Expr::Int(0), Expr::Array(Vec::new())],
                        Repr::Value,
                        None,
                    ),
                ));
                let pages = self.new_local(Repr::Int);
                body.push(Stmt::Set(pages, Expr::Int(0)));
                let page_items = self.new_local(Repr::Value);
                let items = self.boxed_value(&paged.items);
                let next_value = match &paged.next {
                    Some(e) => self.boxed_value(e),
                    None => self.null(),
                };
                let total = match &paged.total {
                    Some(e) => self.boxed_value(e),
                    None => self.null(),
                };
                let (kind, param) = match &paged.by {
                    None => (0, self.null()),
                    Some((kind, name)) => {
                        let code = match kind {
                            PageKind::Page => 1,
                            PageKind::Offset => 2,
                            PageKind::Cursor => 3,
                        };
                        (code, self.string(name))
                    }
                };
                let next = self.new_local(Repr::Value);
                let page_loc = self.loc(paged.items.span);
                let mut round = vec![
                    Stmt::Set(page_items, items),
                    Stmt::Expr(Expr::call(
                        "ferry_append_page",
                        vec![Expr::Local(acc), Expr::Local(page_items)],
                        Repr::Value,
                        Some(page_loc),
                    )),
                    Stmt::Set(
                        pages,
                        Expr::Int2(
                            IntOp::Add,
                            Box::new(Expr::Local(pages)),
                            Box::new(Expr::Int(1)),
                            page_loc,
                        ),
                    ),
                    Stmt::Set(
                        next,
                        Expr::call(
                            "ferry_page_next",
                            vec![
                                Expr::Int(op as i64),
                                Expr::Int(kind),
                                param,
                                Expr::Local(request),
                                Expr::Local(page_items),
                                next_value,
                                total,
                                Expr::Local(acc),
                                Expr::Local(pages),
                            ],
                            Repr::Value,
                            Some(page_loc),
                        ),
                    ),
                    Stmt::If(
                        Expr::IsNull(Box::new(Expr::Local(next))),
                        vec![Stmt::Break],
                        Vec::new(),
                    ),
                ];
                if paged.by.is_none() {
                    round.push(Stmt::Set(
                        response,
                        send("ferry_http_next", Expr::Local(next)),
                    ));
                } else {
                    // The same request again, its page parameter moved on.
                    round.push(Stmt::Set(request, Expr::Local(next)));
                    round.push(Stmt::Set(
                        response,
                        send("ferry_http", Expr::Local(request)),
                    ));
                }
                body.push(Stmt::While(Expr::Bool(true), round));
                Expr::Local(acc)
            }
            None => match &http.result {
                Some(result) => self.boxed_value(result),
                None => Expr::Local(response),
            },
        };
        let checked = Expr::call(
            "ferry_op_result",
            vec![Expr::Int(op as i64), result],
            Repr::Value,
            Some(loc),
        );
        body.push(Stmt::Return(checked));
        let state = self.stack.pop().expect("op state");
        let f = &mut self.functions[id as usize];
        f.locals = state.locals;
        f.body = body;
        id
    }

    /// `auth basic(a, b)` as the record `{ scheme: "basic", args: [a, b] }`.
    fn adaptor_auth(&mut self, adaptor: usize) -> Expr {
        let Some(auth) = &self.module_tree(adaptor).auth else {
            return self.null();
        };
        let scheme = self.string(&auth.scheme);
        let values: Vec<Expr> = auth.args.iter().map(|a| self.boxed_value(a)).collect();
        let n = values.len() as i64;
        let list = Expr::call(
            "ferry_list",
            vec![Expr::Int(n), Expr::Array(values)],
            Repr::Value,
            None,
        );
        let shape = self.meta.shape(ShapeMeta {
            fields: vec!["scheme".into(), "args".into()],
            open: false,
        });
        Expr::call(
            "ferry_record",
            vec![Expr::Int(shape as i64), Expr::Array(vec![scheme, list])],
            Repr::Value,
            None,
        )
    }

    pub(super) fn op_id(&mut self, adaptor: usize, index: usize) -> u32 {
        if let Some(&id) = self.ops.get(&(adaptor, index)) {
            return id;
        }
        let module = self.module_tree(adaptor);
        let op = &module.ops[index];
        let result = self.desc(&op.ret);
        let adaptor_name = module.adaptor_name.clone().unwrap_or_default();
        let (method, idempotent) = match &op.binding {
            OpBinding::Http(http) => (http.method.to_string(), http.idempotent),
            OpBinding::Native => (String::new(), false),
        };
        let id = self.meta.ops.len() as u32;
        let adaptor_index = self.adaptor_index(adaptor);
        self.meta.ops.push(OpMeta {
            name: format!("{adaptor_name}.{}", op.name),
            params: op.params.iter().map(|p| p.name.to_string()).collect(),
            adaptor: adaptor_index,
            native: matches!(op.binding, OpBinding::Native),
            method,
            idempotent,
            result,
        });
        self.ops.insert((adaptor, index), id);
        id
    }
}

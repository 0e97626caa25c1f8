//! Streamed output: `output e` at the job's top level, when `e` maps a list
//! (`xs.map(f)`) or is a record literal with such a field, is written as JSON
//! while it is computed. Each element of the mapped list is written as soon as
//! `f` returns it, and the values made for it are released (`ferry_stream_item`),
//! so a job that maps 100,000 records never holds 100,000 results at once.
//! The text is exactly what the value would have been written as; see
//! `docs/internals/native-code.md`, "Streamed output".

use super::Lowerer;
use crate::ir::{Expr, Repr, Stmt};
use crate::typed::{self, Arg, ExprKind, RecordEntry};
use crate::types::Ty;

impl<'a> Lowerer<'a> {
    /// Whether `output e` can be streamed.
    pub(super) fn streams(&self, e: &'a typed::Expr) -> bool {
        match &e.kind {
            ExprKind::Record(entries) => {
                let mut streamed = false;
                for entry in entries {
                    match entry {
                        RecordEntry::Spread(_) => return false,
                        RecordEntry::Field { value, .. } => streamed |= self.streams(value),
                    }
                }
                streamed
            }
            _ => self.mapped_list(e).is_some(),
        }
    }

    /// `xs.map(f)` on a list (not through `?.`): `xs` and `f`.
    fn mapped_list(&self, e: &'a typed::Expr) -> Option<(&'a typed::Expr, &'a typed::Expr)> {
        let ExprKind::Method {
            receiver,
            method,
            args,
            optional: false,
        } = &e.kind
        else {
            return None;
        };
        let [Arg::Given(f)] = args.as_slice() else {
            return None;
        };
        let on_list = matches!(self.types.resolve(&receiver.ty), Ty::List(_));
        (method == "map" && on_list).then_some((&**receiver, f))
    }

    /// `output e`, written piece by piece; `e` is one that [`Lowerer::streams`].
    pub(super) fn streamed_output(&mut self, e: &'a typed::Expr, out: &mut Vec<Stmt>) {
        out.push(runtime("ferry_stream_begin", Vec::new()));
        self.stream(e, out);
        out.push(runtime("ferry_stream_end", Vec::new()));
    }

    fn stream(&mut self, e: &'a typed::Expr, out: &mut Vec<Stmt>) {
        if let Some((list, f)) = self.mapped_list(e) {
            let loc = self.loc(e.span);
            let list_value = self.boxed_value(list);
            let f_value = self.expr(f);
            let f_value = self.coerce(f_value, Repr::Closure, f.span);
            let list_slot = self.new_local(Repr::Value);
            let f_slot = self.new_local(Repr::Closure);
            let item = self.new_local(Repr::Value);
            out.push(Stmt::Set(list_slot, list_value));
            out.push(Stmt::Set(f_slot, f_value));
            // The list and the function exist before the list opens (and takes
            // its mark): only what each call makes is released.
            out.push(runtime("ferry_stream_open", vec![Expr::Int(1)]));
            let element = Expr::CallClosure {
                closure: Box::new(Expr::Local(f_slot)),
                args: vec![Expr::Local(item)],
                loc,
            };
            out.push(Stmt::ForEach {
                list: Expr::Local(list_slot),
                item,
                index: None,
                body: vec![runtime("ferry_stream_item", vec![element])],
                loc,
            });
            out.push(runtime("ferry_stream_close", Vec::new()));
            return;
        }
        let ExprKind::Record(entries) = &e.kind else {
            unreachable!("only what `streams` accepts is streamed");
        };
        out.push(runtime("ferry_stream_open", vec![Expr::Int(0)]));
        for entry in entries {
            if let RecordEntry::Field { name, value } = entry
                && self.streams(value)
            {
                let key = self.string(name);
                out.push(runtime("ferry_stream_key", vec![key]));
                self.stream(value, out);
            } else if let Some((name, value)) = self.record_field(entry) {
                let key = self.string(name);
                out.push(runtime("ferry_stream_field", vec![key, value]));
            }
        }
        out.push(runtime("ferry_stream_close", Vec::new()));
    }
}

fn runtime(name: &'static str, args: Vec<Expr>) -> Stmt {
    Stmt::Expr(Expr::call(name, args, Repr::Value, None))
}

#[cfg(test)]
mod tests {
    use crate::ir::{Callee, Expr, Stmt};

    /// The runtime functions the job's main body calls directly, in order.
    fn main_calls(source: &str) -> Vec<&'static str> {
        let analysis = crate::analyze("t.ferry", source, &Default::default());
        assert!(!analysis.has_errors(), "{:?}", analysis.diagnostics);
        let program = crate::ir::lower(&analysis).unwrap();
        fn walk(stmts: &[Stmt], calls: &mut Vec<&'static str>) {
            for stmt in stmts {
                match stmt {
                    Stmt::Expr(Expr::Call {
                        callee: Callee::Runtime(name),
                        ..
                    }) => calls.push(name),
                    Stmt::ForEach { body, .. } => walk(body, calls),
                    _ => {}
                }
            }
        }
        let mut calls = Vec::new();
        walk(&program.functions[0].body, &mut calls);
        calls
    }

    #[test]
    fn a_mapped_list_in_a_record_is_streamed() {
        assert_eq!(
            main_calls("output { n: 1, xs: { ys: [1, 2].map(x => x + 1) } }"),
            [
                "ferry_stream_begin",
                "ferry_stream_open",
                "ferry_stream_field",
                "ferry_stream_key",
                "ferry_stream_open",
                "ferry_stream_key",
                "ferry_stream_open",
                "ferry_stream_item",
                "ferry_stream_close",
                "ferry_stream_close",
                "ferry_stream_close",
                "ferry_stream_end",
            ]
        );
    }

    #[test]
    fn other_outputs_are_built_whole() {
        for source in [
            "output [1, 2]",
            "output { n: 1 }",
            "let r = { n: 1 }\noutput { ..r, xs: [1].map(x => x) }",
            "let xs: [Int]? = [1]\noutput xs?.map(x => x)",
            "if true { output [1].map(x => x) }",
        ] {
            let calls = main_calls(source);
            assert!(
                !calls.iter().any(|c| c.starts_with("ferry_stream")),
                "{source}: {calls:?}"
            );
        }
    }
}

//! Record literals: one `ferry_record` of a known shape, or, with spreads, an
//! object built field by field (later fields winning).

use super::Lowerer;
use crate::ir::{Expr, Repr, Stmt};
use crate::typed::RecordEntry;
use ferry_meta::ShapeMeta;

impl<'a> Lowerer<'a> {
    pub(super) fn record(&mut self, entries: &'a [RecordEntry]) -> Expr {
        let spread = entries.iter().any(|e| matches!(e, RecordEntry::Spread(_)));
        if !spread {
            let mut names = Vec::new();
            let mut values = Vec::new();
            for entry in entries {
                if let Some((name, value)) = self.record_field(entry) {
                    names.push(name.to_string());
                    values.push(value);
                }
            }
            let shape = self.meta.shape(ShapeMeta {
                fields: names,
                open: false,
            });
            return Expr::call(
                "ferry_record",
                vec![Expr::Int(shape as i64), Expr::Array(values)],
                Repr::Value,
                None,
            );
        }
        let builder = self.new_local(Repr::Value);
        let mut stmts = vec![Stmt::Set(
            builder,
            Expr::call("ferry_object_new", Vec::new(), Repr::Value, None),
        )];
        for entry in entries {
            let call = match entry {
                RecordEntry::Field { name, value } => {
                    let v = self.boxed_value(value);
                    let key = self.string(name);
                    Expr::call(
                        "ferry_object_set",
                        vec![Expr::Local(builder), key, v],
                        Repr::Value,
                        None,
                    )
                }
                RecordEntry::Spread(value) => {
                    let v = self.boxed_value(value);
                    Expr::call(
                        "ferry_object_spread",
                        vec![Expr::Local(builder), v],
                        Repr::Value,
                        None,
                    )
                }
            };
            stmts.push(Stmt::Expr(call));
        }
        Expr::Block(stmts, Box::new(Expr::Local(builder)))
    }

    /// A record literal's field: its name and boxed value; `None` for a spread.
    pub(super) fn record_field(&mut self, entry: &'a RecordEntry) -> Option<(&'a str, Expr)> {
        match entry {
            RecordEntry::Field { name, value } => Some((name, self.boxed_value(value))),
            RecordEntry::Spread(_) => None,
        }
    }
}

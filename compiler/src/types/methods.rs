//! The standard library's signatures: methods by receiver type (generic over a
//! list's element type), and the free functions.

use super::ty::{Lit, Ty, TypeTable};

/// One method or free function as the checker and completion see it. A parameter
/// or result may mention `Ty::Var(0)`: the result of the lambda given.
#[derive(Clone, Debug)]
pub struct MethodSig {
    pub name: &'static str,
    pub params: Vec<(&'static str, Ty, bool)>,
    pub ret: Ty,
    pub doc: &'static str,
}

fn sig(
    name: &'static str,
    params: Vec<(&'static str, Ty)>,
    ret: Ty,
    doc: &'static str,
) -> MethodSig {
    MethodSig {
        name,
        params: params.into_iter().map(|(n, t)| (n, t, false)).collect(),
        ret,
        doc,
    }
}

fn lambda(param: Ty, ret: Ty) -> Ty {
    Ty::func(
        vec![super::ty::ParamTy {
            name: None,
            ty: param,
            has_default: false,
        }],
        ret,
    )
}

/// What kind of receiver a type is, for method lookup.
enum Receiver {
    Text { date: Option<Ty> },
    Int,
    Float,
    List(Ty),
    Map(Ty),
    None,
}

fn receiver(types: &TypeTable, ty: &Ty) -> Receiver {
    match types.resolve(ty) {
        Ty::String | Ty::Url | Ty::Lit(Lit::Str(_)) => Receiver::Text { date: None },
        Ty::Date => Receiver::Text {
            date: Some(Ty::Date),
        },
        Ty::DateTime => Receiver::Text {
            date: Some(Ty::DateTime),
        },
        Ty::Int | Ty::Lit(Lit::Int(_)) => Receiver::Int,
        Ty::Float => Receiver::Float,
        Ty::List(t) => Receiver::List((**t).clone()),
        Ty::Map(t) => Receiver::Map((**t).clone()),
        Ty::Record(r) if !r.open && !r.fields.is_empty() => {
            // A closed record whose fields share a type is also a map of it.
            let joined = r
                .fields
                .iter()
                .skip(1)
                .fold(r.fields[0].ty.clone(), |acc, f| types.join(&acc, &f.ty));
            Receiver::Map(joined)
        }
        Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Lit(Lit::Str(_)))) => {
            Receiver::Text { date: None }
        }
        Ty::Union(members) if members.iter().all(|m| matches!(m, Ty::Lit(Lit::Int(_)))) => {
            Receiver::Int
        }
        _ => Receiver::None,
    }
}

/// Every method a value of this type has, in a stable order.
pub fn methods_of(types: &TypeTable, ty: &Ty) -> Vec<MethodSig> {
    match receiver(types, ty) {
        Receiver::Text { date } => text_methods(date),
        Receiver::Int => number_methods(Ty::Int),
        Receiver::Float => number_methods(Ty::Float),
        Receiver::List(t) => list_methods(types, t),
        Receiver::Map(t) => map_methods(t),
        Receiver::None => Vec::new(),
    }
}

pub fn method(types: &TypeTable, ty: &Ty, name: &str) -> Option<MethodSig> {
    methods_of(types, ty).into_iter().find(|m| m.name == name)
}

fn text_methods(date: Option<Ty>) -> Vec<MethodSig> {
    use Ty::*;
    let mut methods = vec![
        sig(
            "len",
            vec![],
            Int,
            "The number of characters (Unicode scalar values).",
        ),
        sig("upper", vec![], String, "The text in upper case."),
        sig("lower", vec![], String, "The text in lower case."),
        sig(
            "trim",
            vec![],
            String,
            "The text without leading and trailing whitespace.",
        ),
        sig(
            "split",
            vec![("sep", String)],
            Ty::list(String),
            "The parts between each `sep`.",
        ),
        sig(
            "contains",
            vec![("text", String)],
            Bool,
            "Whether `text` occurs in it.",
        ),
        sig(
            "starts_with",
            vec![("prefix", String)],
            Bool,
            "Whether it starts with `prefix`.",
        ),
        sig(
            "ends_with",
            vec![("suffix", String)],
            Bool,
            "Whether it ends with `suffix`.",
        ),
        sig(
            "replace",
            vec![("from", String), ("to", String)],
            String,
            "Every occurrence of `from` replaced by `to`.",
        ),
        MethodSig {
            name: "slice",
            params: vec![("from", Int, false), ("to", Ty::optional(Int), true)],
            ret: String,
            doc: "The characters from index `from` up to (not including) `to`, or to the end.",
        },
        sig(
            "to_int",
            vec![],
            Ty::optional(Int),
            "The integer it spells (`\"0042\"` is 42), or null.",
        ),
        sig(
            "to_float",
            vec![],
            Ty::optional(Float),
            "The number it spells in JSON syntax, or null.",
        ),
        sig(
            "to_date",
            vec![],
            Ty::optional(Date),
            "The date it spells (`YYYY-MM-DD`), or null.",
        ),
    ];
    if let Some(kind) = date {
        methods.extend([
            sig(
                "date",
                vec![],
                Date,
                "The date as written in its own offset.",
            ),
            sig("year", vec![], Int, "The year."),
            sig("month", vec![], Int, "The month, 1 to 12."),
            sig("day", vec![], Int, "The day of the month, 1 to 31."),
            sig(
                "add_days",
                vec![("days", Int)],
                kind,
                "The same moment `days` days later (or earlier, if negative).",
            ),
            sig(
                "format",
                vec![("pattern", String)],
                String,
                "Formatted with a strftime pattern, e.g. `\"%d/%m/%Y\"`.",
            ),
        ]);
    }
    methods
}

fn number_methods(kind: Ty) -> Vec<MethodSig> {
    use Ty::*;
    let mut methods = vec![
        sig(
            "to_string",
            vec![],
            String,
            "The number as text (`61.5`, `70.0`, `143`).",
        ),
        sig(
            "round",
            vec![],
            Int,
            "The nearest integer, halves away from zero.",
        ),
        sig("floor", vec![], Int, "The greatest integer not above it."),
        sig("ceil", vec![], Int, "The least integer not below it."),
        sig("abs", vec![], kind.clone(), "The absolute value."),
        sig(
            "min",
            vec![("other", kind.clone())],
            kind.clone(),
            "The smaller of the two.",
        ),
        sig(
            "max",
            vec![("other", kind.clone())],
            kind.clone(),
            "The larger of the two.",
        ),
    ];
    if kind == Int {
        methods.push(sig(
            "div",
            vec![("divisor", Int)],
            Int,
            "Integer division, truncating toward zero.",
        ));
    }
    methods
}

fn list_methods(types: &TypeTable, t: Ty) -> Vec<MethodSig> {
    use Ty::*;
    let u = Var(0);
    let mut methods = vec![
        sig("len", vec![], Int, "The number of elements."),
        sig(
            "map",
            vec![("f", lambda(t.clone(), u.clone()))],
            Ty::list(u.clone()),
            "Each element passed through `f`.",
        ),
        sig(
            "filter",
            vec![("keep", lambda(t.clone(), Bool))],
            Ty::list(t.clone()),
            "The elements for which `keep` is true.",
        ),
        sig(
            "find",
            vec![("test", lambda(t.clone(), Bool))],
            Ty::optional(t.clone()),
            "The first element for which `test` is true, or null.",
        ),
        sig(
            "any",
            vec![("test", lambda(t.clone(), Bool))],
            Bool,
            "Whether `test` is true for some element.",
        ),
        sig(
            "all",
            vec![("test", lambda(t.clone(), Bool))],
            Bool,
            "Whether `test` is true for every element.",
        ),
        sig(
            "first",
            vec![],
            Ty::optional(t.clone()),
            "The first element, or null.",
        ),
        sig(
            "last",
            vec![],
            Ty::optional(t.clone()),
            "The last element, or null.",
        ),
        sig(
            "flat_map",
            vec![("f", lambda(t.clone(), Ty::list(u.clone())))],
            Ty::list(u.clone()),
            "The lists `f` gives, joined.",
        ),
        MethodSig {
            name: "sort_by",
            params: vec![
                ("key", lambda(t.clone(), u.clone()), false),
                ("desc", Bool, true),
            ],
            ret: Ty::list(t.clone()),
            doc: "Sorted by `key` (Int, Float, String by code point, or Date); stable. `desc: true` for descending.",
        },
        sig(
            "group_by",
            vec![("key", lambda(t.clone(), String))],
            Ty::map(Ty::list(t.clone())),
            "The elements grouped by `key`, groups in order of first appearance.",
        ),
        sig(
            "enumerate",
            vec![],
            Ty::list(Ty::record(
                vec![Ty::field("index", Int), Ty::field("value", t.clone())],
                false,
            )),
            "Each element with its index: `for (i, x) in xs.enumerate()`.",
        ),
        sig(
            "take",
            vec![("n", Int)],
            Ty::list(t.clone()),
            "The first `n` elements.",
        ),
        sig(
            "skip",
            vec![("n", Int)],
            Ty::list(t.clone()),
            "All but the first `n` elements.",
        ),
        sig(
            "chunk",
            vec![("size", Int)],
            Ty::list(Ty::list(t.clone())),
            "The elements in lists of `size` (the last may be shorter).",
        ),
        sig(
            "unique_by",
            vec![("key", lambda(t.clone(), u.clone()))],
            Ty::list(t.clone()),
            "The first element of each `key`.",
        ),
    ];
    let element_is = |ty: &Ty| types.is_assignable(&t, ty) && !matches!(t, Error | Never);
    if element_is(&Int) {
        methods.push(sig("sum", vec![], Int, "The total (0 for an empty list)."));
    } else if element_is(&Float) {
        methods.push(sig(
            "sum",
            vec![],
            Float,
            "The total (0.0 for an empty list).",
        ));
    } else if element_is(&String) {
        methods.push(sig(
            "join",
            vec![("sep", String)],
            String,
            "The texts with `sep` between them.",
        ));
    }
    methods
}

fn map_methods(t: Ty) -> Vec<MethodSig> {
    use Ty::*;
    vec![
        sig("len", vec![], Int, "The number of keys."),
        sig(
            "keys",
            vec![],
            Ty::list(String),
            "The keys, in insertion order.",
        ),
        sig(
            "values",
            vec![],
            Ty::list(t.clone()),
            "The values, in insertion order.",
        ),
        sig(
            "entries",
            vec![],
            Ty::list(Ty::record(
                vec![Ty::field("key", String), Ty::field("value", t.clone())],
                false,
            )),
            "Each key with its value: `for (k, v) in m.entries()`.",
        ),
        sig(
            "get",
            vec![("key", String)],
            Ty::optional(t.clone()),
            "The value of `key`, or null.",
        ),
        sig(
            "has",
            vec![("key", String)],
            Bool,
            "Whether `key` is there.",
        ),
    ]
}

/// The free functions, always in scope; `test` ones only in `test` blocks.
pub fn free_functions(in_test: bool) -> Vec<MethodSig> {
    use Ty::*;
    let mut functions = vec![
        sig("now", vec![], DateTime, "The current time, in UTC."),
        sig("today", vec![], Date, "Today's date, in UTC."),
        sig("uuid", vec![], String, "A new random UUID (version 4)."),
        sig(
            "json_parse",
            vec![("text", String)],
            Json,
            "The JSON value `text` holds; fails with a decode error if it is not JSON.",
        ),
        sig(
            "json_string",
            vec![("value", Json)],
            String,
            "The value as compact JSON text.",
        ),
        sig(
            "csv_parse",
            vec![("text", String)],
            Ty::list(Ty::map(String)),
            "The rows of a CSV text with a header row, each a map from column name to text.",
        ),
        sig(
            "env",
            vec![("name", String)],
            Ty::optional(String),
            "The environment variable `name`, or null.",
        ),
    ];
    if in_test {
        functions.extend([
            MethodSig {
                name: "run",
                params: vec![("input", Json, true), ("config", Json, true)],
                ret: Json,
                doc: "Runs the job with `input` and `config`, its ops mocked, and answers its output (`null` when it skipped); a failure of the job is raised in the test, where `try` catches it.",
            },
            sig(
                "set_time",
                vec![("at", DateTime)],
                Null,
                "Sets the test's clock (`now()`, `today()`, `trigger.fired_at`); it starts at 2026-01-01T00:00:00Z.",
            ),
            sig(
                "fixture",
                vec![("path", String)],
                Json,
                "The JSON in a file, relative to the job, decoded against the type its place expects.",
            ),
            sig(
                "calls",
                vec![("op", Json)],
                Ty::list(Json),
                "The arguments of each call the job made to a mocked op: a record of its parameters per call.",
            ),
            sig(
                "logs",
                vec![],
                Ty::list(crate::types::test_calls::log_record()),
                "What the job logged so far in this test: `{ level, message }` per line.",
            ),
            MethodSig {
                name: "http_error",
                params: vec![("status", Int, false), ("body", Json, true)],
                ret: Never,
                doc: "In a mock: the op fails as when the server answers `status` with `body` (an `Error` of kind \"http\").",
            },
        ]);
    }
    functions
}

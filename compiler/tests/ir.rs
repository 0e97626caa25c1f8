//! The IR of every statement and expression form, as snapshots of its text
//! form (`ir::print`): what the lowerer makes of the typed tree, reviewed once
//! and kept. A change of the lowering shows here as a diff.

use ferry_compiler::{analyze, ir};

fn lowered(source: &str) -> String {
    let analysis = analyze("t.ferry", source, &Default::default());
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.message.clone())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    match ir::lower(&analysis) {
        Ok(program) => ir::print::print(&program),
        Err(e) => panic!("{e}"),
    }
}

macro_rules! ir_snapshot {
    ($name:ident, $source:expr) => {
        #[test]
        fn $name() {
            insta::with_settings!({ description => $source, omit_expression => true }, {
                insta::assert_snapshot!(stringify!($name), lowered($source));
            });
        }
    };
}

// ---------------------------------------------------------------- statements

ir_snapshot!(
    let_var_assign_in_place,
    r#"var total = 0
let name = "a"
total = total + 2
var xs: [Int] = []
xs = xs + [total]
var r = { n: 1, s: name }
r = { ..r, n: r.n + 1 }
output { total, xs, r }
"#
);

ir_snapshot!(
    for_one_pair_enumerate,
    r#"let xs = [1, 2, 3]
var sum = 0
for x in xs {
  sum = sum + x
}
for (i, x) in xs.enumerate() {
  sum = sum + i * x
}
for (k, v) in { a: 1 }.entries() {
  log "${k}=${v}"
}
output sum
"#
);

ir_snapshot!(
    while_break_continue,
    r#"var i = 0
while i < 10 {
  i = i + 1
  if i == 2 {
    continue
  }
  if i > 5 {
    break
  }
}
output i
"#
);

ir_snapshot!(
    fn_return_default_and_named_arguments,
    r#"fn scale(x: Int, by: Int = 2) -> Int {
  if x < 0 {
    return 0
  }
  x * by
}
fn inc(x: Int) -> Int {
  x + 1
}
output [scale(3), scale(by: 5, x: 1)] + [1, 2].map(inc)
"#
);

ir_snapshot!(
    skip_fail_log_warn,
    r#"input: { n: Int }
if input.n == 0 {
  skip "nothing to do"
}
if input.n < 0 {
  fail "negative: ${input.n}"
}
log input.n
warn "careful"
output input.n
"#
);

ir_snapshot!(
    try_catch,
    r#"input: Json
try {
  let n = input.value as Int
  output n
} catch err {
  output { kind: err.kind, message: err.message }
}
"#
);

ir_snapshot!(
    streamed_output,
    r#"input: { rows: [{ id: Int }] }
output { count: input.rows.len(), ids: input.rows.map((r) => r.id * 10) }
"#
);

ir_snapshot!(
    consts_in_dependency_order,
    r#"const B = A + 1
const A = 40
const NAMES = ["x", "y"]
output { b: B, names: NAMES }
"#
);

// ---------------------------------------------------------------- expressions

ir_snapshot!(
    literals_durations_templates,
    r#"let a = null
let b = true
let c = 12
let d = 1.5
let e = "text"
let f = 5m
output "${a} ${b} ${c} ${d} ${e} ${f}"
"#
);

ir_snapshot!(
    names_input_config_trigger,
    r#"use dhis2
trigger every 1h
input: { name: String }
output { name: input.name, host: config.dhis2.hostUrl, at: trigger.fired_at }
"#
);

ir_snapshot!(
    records_plain_spread_shorthand,
    r#"let id = 7
let start = { a: 1, b: "x" }
output [{ id, label: "seven" }, { ..start, b: "y", c: id }]
"#
);

ir_snapshot!(
    fields_optional_chains_index,
    r#"input: { person: { name: String, tags: [String] }?, extra: Json }
let name = input.person?.name
let first = input.person?.tags[0]?.upper()
output { name, first, deep: input.extra.a.b, n: (input.person?.tags ?? []).len() }
"#
);

ir_snapshot!(
    methods_and_builtins,
    r#"let xs = [3, 1, 2]
let sorted = xs.sort_by((x) => x)
let desc = xs.sort_by((x) => x, true)
output { sorted, desc, id: uuid(), upper: "a".upper(), joined: ["a", "b"].join(",") }
"#
);

ir_snapshot!(
    operators,
    r#"input: { a: Int, b: Float, s: String, ok: Bool, maybe: Int? }
let i = input.a + input.a * 2 - -input.a
let f = input.b / 2 + input.a
let r = input.a % 3
let cmp = input.a < 3 and input.b >= 1.0 or not input.ok
let same = input.s == "x" or input.s != "y"
let order = input.s < "m"
let text = input.s + "!"
let fallback = input.maybe ?? 0
output { i, f, r, cmp, same, order, text, fallback }
"#
);

ir_snapshot!(
    as_conversion,
    r#"input: Json
output { n: input.n as Int, rows: input.rows as [{ id: String }] }
"#
);

ir_snapshot!(
    lambdas_capture_and_closure_calls,
    r#"let k = 3
let add = (x: Int) => x + k
let twice = (f: fn(Int) -> Int, x: Int) => f(f(x))
output [add(1), twice(add, 2)]
"#
);

ir_snapshot!(
    if_and_match_values,
    r#"input: { n: Int, s: "a" | "b" | "c" }
let size = if input.n > 10 { "big" } else if input.n > 5 { "medium" } else { "small" }
let letter = match input.s {
  "a" | "b" => 1,
  other => other.len(),
}
let parity = match input.n % 2 {
  0 => "even",
  _ => "odd",
}
output { size, letter, parity }
"#
);

ir_snapshot!(
    ops_native_http_and_paged,
    r#"use http
use commcare
let r = http.get("https://example.org/x", headers: { a: "b" })
let forms = commcare.list_forms(limit: 10)
output { status: r.status, forms: forms.len() }
"#
);

#[test]
fn a_missing_fact_is_an_internal_error_not_a_guess() {
    let analysis = analyze("t.ferry", "let x = 1\noutput x\n", &Default::default());
    let mut tree = ferry_compiler::typed::build(&analysis).unwrap();
    // A read of a local no statement declares: a tree the checker never makes.
    let ferry_compiler::typed::StmtKind::Output(value) = &mut tree.modules[0].body[1].kind else {
        panic!("the second statement is the output");
    };
    value.kind = ferry_compiler::typed::ExprKind::Local(ferry_compiler::typed::LocalId(99));
    let err = ir::lower_tree(&tree, &analysis.checked.types, &analysis.sources).unwrap_err();
    assert_eq!(
        err.to_string(),
        "internal error: local 99 has no slot here; please report"
    );
}

//! The queries on small jobs with a user adaptor (`adaptors/shop.ferry`) and
//! the built-in ones. `<|>` marks the offset asked about.

use super::*;
use crate::Analysis;
use crate::adaptors::Search;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

const SHOP: &str = r#"/// A small shop's API.
adaptor shop

/// Where the shop is.
config {
  /// The API's base URL.
  baseUrl: Url,
  token: Secret,
}

base config.baseUrl
auth bearer(config.token)

/// A line of an order.
type Line = {
  /// The product code.
  sku: String,
  qty: Int,
  note?: String,
}

/// An order.
type Order = {
  id: String?,
  status: "open" | "paid",
  lines: [Line],
  customer: String,
}

/// Creates an order.
op create_order(order: Order, dry_run: Bool = false) -> { id: String, .. }
  = POST "/orders" body order

/// Lists orders.
op orders(status: String? = null) -> [Order] = GET "/orders" query { status }
"#;

struct Job {
    analysis: Analysis,
    search: Search,
    offset: usize,
    text: String,
    dir: PathBuf,
}

impl Drop for Job {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn job(src: &str) -> Job {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let dir: PathBuf = std::env::temp_dir().join(format!(
        "ferry-query-{}-{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::create_dir_all(dir.join("adaptors")).unwrap();
    std::fs::write(dir.join("adaptors/shop.ferry"), SHOP).unwrap();
    let offset = src.find("<|>").expect("a <|> marker");
    let text = src.replacen("<|>", "", 1);
    let search = Search {
        paths: Vec::new(),
        job_dir: Some(dir.clone()),
    };
    let analysis = crate::analyze(&dir.join("job.ferry").display().to_string(), &text, &search);
    Job {
        analysis,
        search,
        offset,
        text,
        dir,
    }
}

impl Job {
    fn complete(&self) -> Completions {
        completions_at(&self.analysis, &self.search, SourceId(0), self.offset)
    }

    fn labels(&self) -> Vec<String> {
        self.complete().items.into_iter().map(|i| i.label).collect()
    }

    /// `label: detail` of every item.
    fn details(&self) -> Vec<String> {
        self.complete()
            .items
            .into_iter()
            .map(|i| format!("{}: {}", i.label, i.detail.unwrap_or_default()))
            .collect()
    }

    fn item(&self, label: &str) -> Completion {
        self.complete()
            .items
            .into_iter()
            .find(|i| i.label == label)
            .unwrap_or_else(|| panic!("no item {label}"))
    }

    fn hover(&self) -> Option<(String, String, Option<String>)> {
        hover_at(&self.analysis, SourceId(0), self.offset)
            .map(|h| (self.text[h.span.range()].to_string(), h.code, h.doc))
    }

    /// The definition as `file name tail: text at the span`.
    fn definition(&self) -> Option<String> {
        let location = definition_at(&self.analysis, SourceId(0), self.offset)?;
        let source = self.analysis.sources.get(location.file);
        let name = if location.file == SourceId(0) {
            "job".to_string()
        } else {
            source
                .name
                .rsplit('/')
                .take(2)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
                .join("/")
        };
        let line = source.line_col(location.span.start as usize).line + 1;
        Some(format!(
            "{name}:{line}: {}",
            &source.text[location.span.range()]
        ))
    }

    fn signature(&self) -> Option<(String, Vec<String>, Option<usize>)> {
        let s = signature_at(&self.analysis, SourceId(0), self.offset)?;
        let params = s
            .params
            .iter()
            .map(|p| s.label[p.range()].to_string())
            .collect();
        Some((s.label, params, s.active))
    }

    fn errors(&self) -> Vec<String> {
        self.analysis
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect()
    }
}

const FORM: &str = r#"use shop

type Form = {
  name: String,
  /// Where the patient lives.
  village: String?,
  sex: "female" | "male",
  items: [{ sku: String, qty: Int }],
  ..
}

input: Form

/// The code of a sex.
fn code(s: "female" | "male", upper: Bool = false) -> String {
  match s { "female" => "F", "male" => "M" }
}
"#;

fn form(rest: &str) -> Job {
    job(&format!("{FORM}{rest}"))
}

#[test]
fn the_shop_adaptor_and_the_form_check() {
    let j = form("let n = 1\nlog n<|>\n");
    assert_eq!(j.errors(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Completion

#[test]
fn fields_after_a_dot_with_their_types_and_docs() {
    let j = form("let v = input.<|>\n");
    assert_eq!(
        j.details(),
        [
            "name: String",
            "village: String?",
            "sex: \"female\" | \"male\"",
            "items: [{ sku: String, qty: Int }]",
        ]
    );
    assert_eq!(
        j.item("village").doc.as_deref(),
        Some("Where the patient lives.")
    );
    assert_eq!(j.item("village").kind, CompletionKind::Field);
    // The word being typed is what the items replace.
    let j = form("let v = input.vi<|>\n");
    assert_eq!(j.complete().word, Span::new(j.offset - 2, j.offset));
    assert_eq!(j.labels()[1], "village");
}

#[test]
fn methods_by_the_receiver_type_through_optional_chains() {
    let j = form("let v = input.village?.<|>\n");
    let labels = j.labels();
    assert_eq!(
        labels,
        [
            "len",
            "upper",
            "lower",
            "trim",
            "split",
            "contains",
            "starts_with",
            "ends_with",
            "replace",
            "slice",
            "to_int",
            "to_float",
            "to_date",
        ]
    );
    let slice = j.item("slice");
    assert_eq!(slice.kind, CompletionKind::Method);
    assert_eq!(
        slice.detail.as_deref(),
        Some("(from: Int, to: Int? = null) -> String")
    );
    assert_eq!(slice.call, Some(true));
    assert_eq!(j.item("len").call, Some(false));
    assert!(slice.edits.is_empty());
}

#[test]
fn a_dot_on_a_value_that_may_be_null_offers_the_fix_to_question_dot() {
    let j = form("let v = input.village.<|>\n");
    let upper = j.item("upper");
    let dot = j.offset - 1;
    assert_eq!(upper.edits, [(Span::new(dot, dot + 1), "?.".to_string())]);
}

#[test]
fn lambda_parameters_in_text_that_does_not_parse() {
    // The line does not parse: the lambda is only in the cursor's tree.
    let j = form("let skus = input.items.map(i => i.<|>\nlog 1\n");
    assert!(!j.errors().is_empty());
    // A closed record also has a map's methods (docs/checking.md).
    assert_eq!(
        j.details(),
        [
            "sku: String",
            "qty: Int",
            "len: () -> Int",
            "keys: () -> [String]",
            "values: () -> [String | Int]",
            "entries: () -> [{ key: String, value: String | Int }]",
            "get: (key: String) -> (String | Int)?",
            "has: (key: String) -> Bool",
        ]
    );
    // A list's methods, on the result of a call.
    let j = form("let n = input.items.map(i => i.qty).<|>\n");
    assert_eq!(j.item("sum").detail.as_deref(), Some("() -> Int"));
    assert_eq!(
        j.item("map").detail.as_deref(),
        Some("(f: fn(Int) -> U) -> [U]")
    );
}

#[test]
fn an_adaptors_ops_after_its_name() {
    let j = form("let o = shop.<|>\n");
    assert_eq!(
        j.details(),
        [
            "create_order: (order: shop.Order, dry_run: Bool = false) -> { id: String, .. }",
            "orders: (status: String? = null) -> [shop.Order]",
        ]
    );
    assert_eq!(j.item("orders").doc.as_deref(), Some("Lists orders."));
    assert_eq!(j.item("orders").kind, CompletionKind::Op);
}

#[test]
fn record_literal_fields_of_the_expected_type_required_first() {
    let j = form("let o = shop.create_order({ customer: \"x\", <|> })\n");
    assert_eq!(
        j.details(),
        [
            "status: \"open\" | \"paid\"",
            "lines: [shop.Line]",
            "id: String?"
        ]
    );
    assert_eq!(j.item("status").insert.as_deref(), Some("status: "));
    // Nested: an element of `lines`, in text that does not parse yet.
    let j = form("let o = shop.create_order({ customer: \"x\", lines: [{ <|>\nlog 1\n");
    assert_eq!(j.details(), ["sku: String", "qty: Int", "note: String?"]);
    assert_eq!(j.item("sku").doc.as_deref(), Some("The product code."));
    // A shorthand being typed is not written yet.
    let j = form("let o = shop.create_order({ customer: \"x\", stat<|> })\n");
    assert_eq!(j.labels(), ["status", "lines", "id"]);
}

#[test]
fn literal_union_members_where_one_is_expected() {
    // An argument.
    let j = form("log code(<|>)\n");
    let labels = j.labels();
    assert_eq!(labels[..2], ["\"female\"", "\"male\""]);
    let female = j.item("\"female\"");
    assert_eq!(female.kind, CompletionKind::Literal);
    assert_eq!(female.detail.as_deref(), Some("\"female\" | \"male\""));
    assert_eq!(female.filter.as_deref(), Some("female"));
    // The other side of `==`.
    let j = form("if input.sex == <|>\n");
    assert_eq!(j.labels()[..2], ["\"female\"", "\"male\""]);
    // Inside a string there: only the members, replacing the string.
    let j = form("if input.sex == \"fe<|>\" {\n  log 1\n}\n");
    let items = j.complete().items;
    assert_eq!(items.len(), 2);
    let start = j.offset - 3;
    assert_eq!(items[0].replace, Some(Span::new(start, start + 4)));
    // A field's value in a record literal.
    let j = form("let o = shop.create_order({ customer: \"x\", status: <|> })\n");
    assert_eq!(j.labels()[..2], ["\"open\"", "\"paid\""]);
    // A match arm: the members not covered yet.
    let j = form("let c = match input.sex {\n  \"female\" => 1\n  <|>\n}\n");
    assert_eq!(j.labels(), ["\"male\"", "_"]);
}

#[test]
fn adaptor_names_after_use() {
    let j = job("use <|>\n");
    assert_eq!(
        j.labels(),
        ["commcare", "dhis2", "dhis2_pat", "http", "shop"]
    );
    let j = job("use dhis2 as <|>\n");
    assert_eq!(j.labels(), Vec::<String>::new());
}

#[test]
fn types_in_a_type_and_an_adaptors_types_after_its_name() {
    let j = form("let x: <|>\n");
    let labels = j.labels();
    assert_eq!(labels[..2], ["Form", "shop"]);
    assert_eq!(
        labels[2..],
        [
            "Bool", "Int", "Float", "String", "Date", "DateTime", "Url", "Secret", "Null", "Json",
            "Error"
        ]
    );
    let j = form("let x: shop.<|>\n");
    assert_eq!(
        j.details(),
        [
            "Line: { sku: String, qty: Int, note?: String }",
            "Order: { id?: String?, status: \"open\" | \"paid\", lines: [shop.Line], customer: String }",
        ]
    );
    assert_eq!(j.item("Order").doc.as_deref(), Some("An order."));
}

#[test]
fn names_in_scope_with_their_types_nearest_first() {
    let j = form(
        "const LIMIT = 3\nlet early = 1\nfor x in input.items {\n  let q = x.qty\n  log <|>\n}\nlet late = 2\n",
    );
    let details = j.details();
    assert_eq!(
        details[..6],
        [
            "q: Int",
            "x: { sku: String, qty: Int }",
            "early: Int",
            "LIMIT: Int",
            "code: (s: \"female\" | \"male\", upper: Bool = false) -> String",
            "shop: adaptor shop",
        ]
    );
    assert_eq!(
        details[6..],
        [
            "if: keyword",
            "match: keyword",
            "not: keyword",
            "true: keyword",
            "false: keyword",
            "null: keyword",
            "input: Form",
            "config: { shop: { baseUrl: Url, token: Secret } }",
            "trigger: { fired_at: DateTime }",
            "now: () -> DateTime",
            "today: () -> Date",
            "uuid: () -> String",
            "json_parse: (text: String) -> Json",
            "json_string: (value: Json) -> String",
            "csv_parse: (text: String) -> [{String: String}]",
            "env: (name: String) -> String?",
        ]
    );
    assert_eq!(j.item("code").doc.as_deref(), Some("The code of a sex."));
}

#[test]
fn statement_keywords_by_the_block() {
    let j = form("fn f(a: Int) -> Int {\n  <|>\n}\n");
    let labels = j.labels();
    // Statements first, then the parameter, the functions and the adaptor.
    assert_eq!(labels[15..19], ["a", "f", "code", "shop"]);
    let keywords: Vec<String> = j
        .complete()
        .items
        .into_iter()
        .filter(|i| i.detail.as_deref() == Some("statement"))
        .map(|i| i.label)
        .collect();
    assert_eq!(
        keywords,
        [
            "let", "var", "if", "match", "for", "while", "try", "log", "warn", "skip", "fail",
            "output", "break", "continue", "return"
        ]
    );
    let j = job("<|>");
    assert_eq!(
        j.labels()[..9],
        [
            "use",
            "trigger webhook",
            "trigger cron",
            "trigger every",
            "input",
            "type",
            "const",
            "fn",
            "test"
        ]
    );
}

#[test]
fn nothing_in_comments() {
    let j = form("// a comment <|>\n");
    assert_eq!(j.labels(), Vec::<String>::new());
}

// ---------------------------------------------------------------------------
// Hover

#[test]
fn hover_on_locals_functions_fields_and_types() {
    let j = form("let org = input.village ?? \"none\"\nlog or<|>g\n");
    assert_eq!(
        j.hover(),
        Some(("org".into(), "let org: String".into(), None))
    );
    let j = form("log co<|>de(input.sex)\n");
    assert_eq!(
        j.hover(),
        Some((
            "code".into(),
            "fn code(s: \"female\" | \"male\", upper: Bool = false) -> String".into(),
            Some("The code of a sex.".into())
        ))
    );
    let j = form("log input.vil<|>lage\n");
    assert_eq!(
        j.hover(),
        Some((
            "village".into(),
            "village: String?".into(),
            Some("Where the patient lives.".into())
        ))
    );
    let j = form(
        "let o = shop.create_order({ customer: \"x\", status: \"open\", lines: [{ sk<|>u: \"a\", qty: 1 }] })\n",
    );
    assert_eq!(
        j.hover(),
        Some((
            "sku".into(),
            "sku: String".into(),
            Some("The product code.".into())
        ))
    );
    let j = form("let f: Fo<|>rm = input\n");
    let (_, code, _) = j.hover().unwrap();
    assert_eq!(
        code,
        "type Form = { name: String, village?: String?, sex: \"female\" | \"male\", items: [{ sku: String, qty: Int }], .. }"
    );
}

#[test]
fn hover_on_ops_methods_and_declarations() {
    let j =
        form("let o = shop.create_or<|>der({ customer: \"x\", status: \"open\", lines: [] })\n");
    assert_eq!(
        j.hover(),
        Some((
            "create_order".into(),
            "op shop.create_order(order: shop.Order, dry_run: Bool = false) -> { id: String, .. }"
                .into(),
            Some("Creates an order.".into())
        ))
    );
    let j = form("log input.name.up<|>per()\n");
    assert_eq!(
        j.hover(),
        Some((
            "upper".into(),
            "fn upper() -> String".into(),
            Some("The text in upper case.".into())
        ))
    );
    // A declaration's own name.
    let j = job(&FORM.replace("fn code(", "fn co<|>de("));
    assert_eq!(j.hover().unwrap().0, "code");
    let j = job(&FORM.replace("  village: String?", "  vil<|>lage: String?"));
    assert_eq!(
        j.hover(),
        Some((
            "village".into(),
            "village: String?".into(),
            Some("Where the patient lives.".into())
        ))
    );
    let j = form("log inp<|>ut.name\n");
    assert_eq!(j.hover().unwrap().1, "input: Form");
}

// ---------------------------------------------------------------------------
// Definition

#[test]
fn definitions_in_the_job_and_in_the_adaptor_file() {
    let j = form("let org = 1\nlog or<|>g\n");
    assert_eq!(j.definition().as_deref(), Some("job:18: org"));
    let j = form("log co<|>de(input.sex)\n");
    assert_eq!(j.definition().as_deref(), Some("job:15: code"));
    let j =
        form("let o = shop.create_or<|>der({ customer: \"x\", status: \"open\", lines: [] })\n");
    assert_eq!(
        j.definition().as_deref(),
        Some("adaptors/shop.ferry:31: create_order")
    );
    let j = form("let x: shop.Li<|>ne = { sku: \"a\", qty: 1 }\n");
    assert_eq!(
        j.definition().as_deref(),
        Some("adaptors/shop.ferry:15: Line")
    );
    let j =
        form("let o = shop.create_order({ cust<|>omer: \"x\", status: \"open\", lines: [] })\n");
    assert_eq!(
        j.definition().as_deref(),
        Some("adaptors/shop.ferry:27: customer")
    );
    let j = form("let u = config.shop.base<|>Url\n");
    assert_eq!(
        j.definition().as_deref(),
        Some("adaptors/shop.ferry:7: baseUrl")
    );
    let j = form("let u = config.sh<|>op\n");
    assert_eq!(
        j.definition().as_deref(),
        Some("adaptors/shop.ferry:5: config")
    );
    let j = form("log input.vil<|>lage\n");
    assert_eq!(j.definition().as_deref(), Some("job:6: village"));
    let j = form("u<|>se shop\n");
    assert_eq!(j.definition(), None);
    let j = form("log input.name.up<|>per()\n");
    assert_eq!(j.definition(), None, "the standard library has no source");
}

#[test]
fn a_built_in_adaptors_types_are_in_its_file() {
    let j = job(
        "use dhis2\nlet te: dhis2.Tracked<|>Entity = { trackedEntityType: \"a\", orgUnit: \"b\" }\n",
    );
    let location = definition_at(&j.analysis, SourceId(0), j.offset).unwrap();
    assert_eq!(
        j.analysis.sources.get(location.file).name,
        "<builtin>/dhis2.ferry"
    );
    assert_eq!(
        j.definition().unwrap().rsplit(": ").next(),
        Some("TrackedEntity")
    );
}

// ---------------------------------------------------------------------------
// Signature help

#[test]
fn signatures_with_the_active_parameter() {
    let j = form("log code(input.sex, <|>)\n");
    assert_eq!(
        j.signature(),
        Some((
            "code(s: \"female\" | \"male\", upper: Bool = false) -> String".into(),
            vec![
                "s: \"female\" | \"male\"".into(),
                "upper: Bool = false".into()
            ],
            Some(1)
        ))
    );
    // By name, in text that does not parse yet.
    let j = form("let o = shop.create_order(dry_run: <|>\nlog 1\n");
    let (label, _, active) = j.signature().unwrap();
    assert_eq!(
        label,
        "create_order(order: shop.Order, dry_run: Bool = false) -> { id: String, .. }"
    );
    assert_eq!(active, Some(1));
    // A method, inside a lambda's call.
    let j = form("let s = input.name.slice(1, <|>)\n");
    assert_eq!(
        j.signature(),
        Some((
            "slice(from: Int, to: Int? = null) -> String".into(),
            vec!["from: Int".into(), "to: Int? = null".into()],
            Some(1)
        ))
    );
    // The innermost call.
    let j = form("log code(input.name.trim(<|>))\n");
    assert_eq!(j.signature().unwrap().0, "trim() -> String");
    // After the closing parenthesis: none.
    let j = form("log code(input.sex)<|>\n");
    assert_eq!(j.signature(), None);
}

// ---------------------------------------------------------------------------
// Files that do not parse or check

#[test]
fn queries_on_a_file_that_does_not_parse() {
    let j = form("let a = (\nlet b = input.name\nlog b.<|>\nfn broken( {\n");
    assert!(!j.errors().is_empty());
    assert!(j.labels().contains(&"upper".to_string()));
    let j = form("let a = (\nlet b = input.name\nlog <|>b\nfn broken( {\n");
    assert_eq!(j.hover(), Some(("b".into(), "let b: String".into(), None)));
    assert_eq!(j.definition().as_deref(), Some("job:19: b"));
}

#[test]
fn completion_and_signatures_on_a_text_edited_since_the_check() {
    let j = form(
        "let early = 1\nfor x in input.items {\n  log x\n}\nlet late = input.name\nlog late\n<|>",
    );
    // `.` typed after `x` in the loop: the analysis is of the text before.
    let text = j.text.replace("  log x\n", "  log x.\n");
    let offset = text.find("log x.").unwrap() + 6;
    let items = completions_in_edit(&j.analysis, &j.search, SourceId(0), &text, offset);
    let labels: Vec<&str> = items.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels[..2], ["sku", "qty"]);
    // After the edited part, what the analysis says still holds, shifted.
    let text = j
        .text
        .replace("log late\n", "log late.\n")
        .replace("  log x\n", "  log x + 1\n");
    let offset = text.find("log late.").unwrap() + 9;
    let items = completions_in_edit(&j.analysis, &j.search, SourceId(0), &text, offset);
    assert_eq!(items.items[0].label, "len");
    let text = j.text.replace("log late\n", "log code(late, \n");
    let offset = text.find("code(late, ").unwrap() + 11;
    let signature = signature_in_edit(&j.analysis, SourceId(0), &text, offset).unwrap();
    assert_eq!(signature.active, Some(1));
}

#[test]
fn completion_in_interpolations_config_and_aliases() {
    let j = form("let n = input.name\nlog \"name: ${n.<|>}\"\n");
    assert_eq!(j.labels()[..3], ["len", "upper", "lower"]);
    let j = form("log \"name: ${n.up<|>\"\n");
    assert_eq!(j.labels(), Vec::<String>::new(), "`n` is not declared");
    let j = form("let u = config.<|>\n");
    assert_eq!(j.details()[0], "shop: { baseUrl: Url, token: Secret }");
    let j = form("let u = config.shop.<|>\n");
    // A closed record also has a map's methods.
    assert_eq!(j.labels()[..3], ["baseUrl", "token", "len"]);
    assert_eq!(j.details()[..2], ["baseUrl: Url", "token: Secret"]);
    assert_eq!(
        j.item("baseUrl").doc.as_deref(),
        Some("The API's base URL.")
    );
    let j = form("log trigger.<|>\n");
    assert_eq!(j.details()[0], "fired_at: DateTime");
    let j = job("use shop as s\nlet o = s.<|>\n");
    assert_eq!(j.labels(), ["create_order", "orders"]);
    // A local of that name hides the adaptor.
    let j = job("use shop as s\nlet s = \"x\"\nlog s.<|>\n");
    assert_eq!(j.labels()[0], "len");
}

#[test]
fn a_match_pattern_being_typed_in_a_string() {
    let j = form("let c = match input.sex {\n  \"male\" => 1\n  \"fe<|>\n}\n");
    let items = j.complete().items;
    let labels: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels, ["\"female\""]);
}

#[test]
fn an_adaptor_file_is_queried_like_a_job() {
    let search = Search::default();
    let src = SHOP.replace("auth bearer(config.token)", "auth bearer(config.)");
    let offset = src.find("config.)").unwrap() + 7;
    let analysis = crate::analyze("shop.ferry", &src, &search);
    let items = completions_at(&analysis, &search, SourceId(0), offset);
    let labels: Vec<&str> = items.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(labels[..3], ["baseUrl", "token", "len"]);
    let offset = src.find("lines: [Line]").unwrap() + 9;
    let hover = hover_at(&analysis, SourceId(0), offset).unwrap();
    assert_eq!(
        hover.code,
        "type shop.Line = { sku: String, qty: Int, note?: String }"
    );
    assert_eq!(hover.doc.as_deref(), Some("A line of an order."));
}

/// Every query at many offsets of the examples, whole and cut short at each
/// line (as while typing), answers without a panic.
#[test]
fn no_query_panics_on_the_examples_whole_or_cut_short() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ferry"))
        .collect();
    files.sort();
    let search = Search::default();
    let mut asked = 0;
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut versions = vec![text.clone()];
        let cuts: Vec<usize> = text
            .match_indices('\n')
            .map(|(i, _)| i)
            .step_by(9)
            .collect();
        versions.extend(cuts.iter().map(|&i| format!("{}.\n", &text[..i])));
        for (n, version) in versions.iter().enumerate() {
            let analysis = crate::analyze("job.ferry", version, &search);
            let step = if n == 0 { 13 } else { 211 };
            for offset in (0..=version.len())
                .step_by(step)
                .chain([version.len().saturating_sub(2)])
            {
                if !version.is_char_boundary(offset) {
                    continue;
                }
                completions_at(&analysis, &search, SourceId(0), offset);
                hover_at(&analysis, SourceId(0), offset);
                definition_at(&analysis, SourceId(0), offset);
                signature_at(&analysis, SourceId(0), offset);
                completions_in_edit(
                    &analysis,
                    &search,
                    SourceId(0),
                    &text,
                    offset.min(text.len()),
                );
                asked += 1;
            }
        }
    }
    assert!(asked > 2000, "{asked}");
}

// ---------------------------------------------------------------------------
// Test blocks

/// A job over the form with an output, and a test of it after `rest`.
fn tested(test: &str) -> Job {
    form(&format!(
        "if input.items == [] {{\n  skip \"no items\"\n}}\noutput {{ name: input.name, n: 1 }}\n\ntest \"a form\" {{\n{test}\n}}\n"
    ))
}

#[test]
fn ops_are_completed_after_mock() {
    // `mock shop.` is not a statement until `= fn` follows: the cursor's text
    // is completed with a value after the name.
    let j = tested("  mock shop.<|>\n  expect true");
    assert_eq!(j.labels(), ["create_order", "orders"]);
    let j = tested("  mock shop.or<|>\n  expect true");
    assert_eq!(
        j.details(),
        [
            "create_order: (order: shop.Order, dry_run: Bool = false) -> { id: String, .. }",
            "orders: (status: String? = null) -> [shop.Order]",
        ]
    );
}

#[test]
fn run_takes_the_jobs_input_type_and_gives_its_output() {
    let form_input = "Form";
    let j = tested("  let out = run(<|>)\n  expect out != null");
    assert_eq!(j.errors(), Vec::<String>::new());
    let (label, params, active) = j.signature().unwrap();
    assert_eq!(
        label,
        format!(
            "run(input: {form_input} = null, config: Json = null) -> {{ name: String, n: 1 }}?"
        )
    );
    assert_eq!(
        params,
        [
            format!("input: {form_input} = null"),
            "config: Json = null".into()
        ]
    );
    assert_eq!(active, Some(0));
    let j = tested("  let out = r<|>un()\n  expect out != null");
    let (hovered, code, doc) = j.hover().unwrap();
    assert_eq!(hovered, "run");
    assert_eq!(
        code,
        format!(
            "fn run(input: {form_input} = null, config: Json = null) -> {{ name: String, n: 1 }}?"
        )
    );
    assert!(doc.unwrap().starts_with("Runs the job with `input`"));
}

#[test]
fn test_blocks_with_the_command_that_runs_each() {
    let j = tested("  expect true<|>");
    let file = &j.analysis.files[0].ast;
    let blocks = test_blocks(file);
    assert_eq!(blocks.len(), 1);
    let block = &blocks[0];
    assert_eq!(block.name, "a form");
    assert_eq!(
        &j.text[block.span.range()],
        "test \"a form\" {\n  expect true\n}"
    );
    assert_eq!(
        block.command("jobs/form.ferry"),
        ["test", "--filter", "a form", "jobs/form.ferry"]
    );
}

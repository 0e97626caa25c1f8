//! Every valid file in the repository formats idempotently and to the same tree.

mod common;

use ferry_compiler::fmt::format;
use ferry_compiler::source::SourceId;
use ferry_compiler::syntax::parse;

fn tree(src: &str) -> String {
    common::without_spans(&format!("{:#?}", parse(src, SourceId(0)).file))
}

#[test]
fn every_valid_file_formats_idempotently_to_the_same_tree() {
    let files = common::ferry_files(&["examples", "tests", "compiler/src/adaptors"]);
    assert!(
        files.len() >= 10,
        "expected the examples and adaptors, found {files:?}"
    );
    let mut formatted_count = 0;
    for path in files {
        let src = std::fs::read_to_string(&path).unwrap();
        let Ok(once) = format(&src) else {
            // Only the syntax-error cases may fail to format.
            assert!(
                path.components().any(|c| c.as_os_str() == "ui"),
                "{} does not parse",
                path.display()
            );
            continue;
        };
        formatted_count += 1;
        let twice = format(&once).unwrap_or_else(|e| {
            panic!(
                "{}: formatted text does not parse: {e:?}\n{once}",
                path.display()
            )
        });
        assert_eq!(
            once,
            twice,
            "{}: formatting is not idempotent",
            path.display()
        );
        assert_eq!(
            tree(&src),
            tree(&once),
            "{}: formatting changed the tree",
            path.display()
        );
        let comments = |s: &str| s.lines().filter(|l| l.contains("//")).count();
        assert!(
            comments(&once) >= comments(&src).min(1) || comments(&src) == 0,
            "{}: comments lost",
            path.display()
        );
    }
    assert!(formatted_count >= 10);
}

#[test]
fn comments_survive_in_every_position() {
    let src = r#"// header

/// Doc for T.
type T = {
  a: Int, // after a field
  // before b
  b: String,
  .. // open
}

fn f(x: Int) -> Int {
  // inside
  let y = x + 1 // trailing
  // before the end
  y
}
let r = {
  // first
  a: 1,
  b: [1, 2], // list
}
// the end
"#;
    let out = format(src).unwrap();
    for comment in [
        "// header",
        "/// Doc for T.",
        "// after a field",
        "// before b",
        "// open",
        "// inside",
        "// trailing",
        "// before the end",
        "// first",
        "// list",
        "// the end",
    ] {
        assert_eq!(out.matches(comment).count(), 1, "{comment} in\n{out}");
    }
    assert_eq!(format(&out).unwrap(), out);
}

#[test]
fn layout_is_canonical() {
    let src = "let   x=1+2*3\nlet xs=[1,2,\n3]\nfn f(a:Int,b:String=\"x\")->Int{a}\nlet r={a:1,\"b-c\":2,..defaults}\nif a{log \"x\"}else if b{log \"y\"}else{log \"z\"}\nlet m = match s { \"a\" => 1, _ => 2 }\n";
    let expected = "let x = 1 + 2 * 3\nlet xs = [1, 2, 3]\nfn f(a: Int, b: String = \"x\") -> Int {\n  a\n}\nlet r = { a: 1, \"b-c\": 2, ..defaults }\nif a {\n  log \"x\"\n} else if b {\n  log \"y\"\n} else {\n  log \"z\"\n}\nlet m = match s { \"a\" => 1, _ => 2 }\n";
    assert_eq!(format(src).unwrap(), expected);
}

#[test]
fn parentheses_follow_precedence() {
    let src = "let a = (1 + 2) * 3\nlet b = 1 - (2 - 3)\nlet c = (x ?? y) ?? z\nlet d = -(a + b)\nlet e = (a + b) as Float\nlet f = not (a and b)\nlet g = (x => x).len()\n";
    let out = format(src).unwrap();
    assert_eq!(
        out,
        "let a = (1 + 2) * 3\nlet b = 1 - (2 - 3)\nlet c = (x ?? y) ?? z\nlet d = -(a + b)\nlet e = (a + b) as Float\nlet f = not (a and b)\nlet g = (x => x).len()\n"
    );
}

#[test]
fn long_lines_break_at_legal_points() {
    let src = "let entity = dhis2.create_tracked_entity(first_argument_value, second_argument_value, third_argument_value)\n";
    let out = format(src).unwrap();
    assert_eq!(
        out,
        "let entity = dhis2.create_tracked_entity(\n  first_argument_value,\n  second_argument_value,\n  third_argument_value,\n)\n"
    );
    assert_eq!(tree(src), tree(&out));
}

#[test]
fn broken_files_are_not_formatted() {
    assert!(format("let x = (1 +\n").is_err());
}

/// A chain of one precedence that does not fit breaks after every operator,
/// one operand a line; operands of a higher precedence stay whole.
#[test]
fn a_long_binary_chain_breaks_after_every_operator() {
    let src = "let total = first_quantity_of_the_month + second_quantity * unit_price - third_quantity_of_the_month + 1\nlet short = a + b - c\nlet either = first_name_of_the_patient ?? second_name_of_the_patient ?? third_name_of_the_patient_xyz\n";
    let out = format(src).unwrap();
    assert_eq!(
        out,
        "let total = first_quantity_of_the_month +\n  second_quantity * unit_price -\n  third_quantity_of_the_month +\n  1\nlet short = a + b - c\nlet either = first_name_of_the_patient ??\n  second_name_of_the_patient ?? third_name_of_the_patient_xyz\n"
    );
    assert_eq!(tree(src), tree(&out));
    assert_eq!(format(&out).unwrap(), out);
}

#[test]
fn expressions_inside_a_long_string_stay_on_its_line() {
    let src = "output \"n=${n} list=${[1, \"a\"]} rec=${{ a: first_value_of_the_record ?? 0, b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }} nested=${\"in ${n}\"} ${if n > 1 { \"x\" } else { \"y\" }}\"\n";
    let out = format(src).unwrap();
    assert_eq!(out, src);
    assert_eq!(tree(src), tree(&out));
}

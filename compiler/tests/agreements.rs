//! The compiler's side of the agreements in `ferry_meta`: the checker gives a
//! signature to exactly the methods the runtime implements, and the checker's
//! format rules for literals are the runtime's (one module, `ferry_meta::formats`).

use ferry_compiler::types::{Ty, TypeTable, methods::free_functions, methods_of};
use ferry_meta::methods::Method;
use std::collections::BTreeSet;

#[test]
fn the_checker_types_exactly_the_runtime_methods() {
    let types = TypeTable::default();
    let receivers = [
        Ty::String,
        Ty::Date,
        Ty::DateTime,
        Ty::Url,
        Ty::Int,
        Ty::Float,
        Ty::list(Ty::Int),
        Ty::list(Ty::String),
        Ty::map(Ty::Int),
    ];
    let mut checked: BTreeSet<&str> = receivers
        .iter()
        .flat_map(|t| methods_of(&types, t))
        .map(|m| m.name)
        .collect();
    checked.extend(free_functions(false).iter().map(|f| f.name));
    let runtime: BTreeSet<&str> = Method::ALL.iter().map(|m| m.name()).collect();
    assert_eq!(checked, runtime);
}

/// A literal is accepted where a `Date`, `DateTime` or `Url` is expected exactly
/// when the runtime would accept the same text in decoded JSON.
#[test]
fn literal_formats_are_the_runtime_formats() {
    let cases = [
        ("let d: Date = \"2024-02-29\"", true),
        ("let d: Date = \"2023-02-29\"", false),
        ("let d: DateTime = \"2024-01-01T06:00:32.267459Z\"", true),
        ("let d: DateTime = \"2024-01-01 06:00:32Z\"", false),
        ("let d: DateTime = \"2024-01-01T06:00:32\"", false),
        ("let u: Url = \"file:///tmp/x\"", true),
        ("let u: Url = \"https://play.dhis2.org/40\"", true),
        ("let u: Url = \"localhost:8080\"", false),
        ("let u: Url = \"mailto:a@example.org\"", false),
    ];
    for (source, accepted) in cases {
        let (_, diagnostics) = ferry_compiler::check_source("job.ferry", source);
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(errors.is_empty(), accepted, "{source}: {errors:?}");
        let literal = source.split('"').nth(1).unwrap();
        let rule = if source.contains("Date =") {
            ferry_meta::formats::is_date(literal)
        } else if source.contains("DateTime") {
            ferry_meta::formats::is_datetime(literal)
        } else {
            ferry_meta::formats::is_url(literal)
        };
        assert_eq!(rule, accepted, "{source}");
    }
}

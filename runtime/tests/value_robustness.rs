//! Decoding never panics, whatever the input: truncated, corrupted, deeply
//! nested or hostile JSON gives an error, and valid JSON reads back what was
//! written. Deterministic (fixed seeds), so a failure can be replayed.

use ferry_runtime::json::{
    FieldDesc, TypeDesc, convert, decode, parse, to_json_string, to_json_string_pretty,
};
use ferry_runtime::value::Value;

const FORMS: &str = include_str!("value_fixtures/commcare40.json");

fn descriptors() -> Vec<TypeDesc> {
    let visit = TypeDesc::record(
        vec![
            ("weight_kg", FieldDesc::required(TypeDesc::Float)),
            ("height_cm", FieldDesc::required(TypeDesc::Int)),
        ],
        false,
    );
    let form = TypeDesc::record(
        vec![
            ("@name", FieldDesc::required(TypeDesc::String)),
            (
                "village",
                FieldDesc::required(TypeDesc::optional(TypeDesc::String)),
            ),
            (
                "sex",
                FieldDesc::required(TypeDesc::enumeration(&["female", "male"])),
            ),
            ("visit", FieldDesc::required(visit)),
        ],
        true,
    );
    let registration = TypeDesc::record(
        vec![
            ("id", FieldDesc::required(TypeDesc::String)),
            ("received_on", FieldDesc::required(TypeDesc::DateTime)),
            ("form", FieldDesc::required(form)),
        ],
        true,
    );
    let ambiguous = TypeDesc::Union(
        vec![
            registration.clone(),
            TypeDesc::map(TypeDesc::Json),
            TypeDesc::list(TypeDesc::Json),
            TypeDesc::Null,
        ]
        .into(),
    );
    vec![
        TypeDesc::Json,
        TypeDesc::list(registration.clone()),
        TypeDesc::list(TypeDesc::map(TypeDesc::Json)),
        TypeDesc::list(ambiguous),
        TypeDesc::optional(TypeDesc::list(TypeDesc::optional(registration))),
    ]
}

/// Decodes `input` with every descriptor: each gives a value or an error, and
/// a value writes out as JSON that reads back equal.
fn survive(input: &[u8], descs: &[TypeDesc]) -> usize {
    let mut ok = 0;
    for desc in descs {
        match decode(input, desc) {
            Ok(v) => {
                ok += 1;
                let text = to_json_string(&v);
                let again = parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
                assert_eq!(again, v);
                assert_eq!(parse(&to_json_string_pretty(&v)).unwrap(), v);
                assert!(convert(&v, desc).is_ok());
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    ok
}

#[test]
fn truncations() {
    let descs = descriptors();
    let text = &FORMS.as_bytes()[..4000];
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..300 {
        let cut = rng.usize(..text.len());
        survive(&text[..cut], &descs);
    }
}

#[test]
fn corruptions() {
    let descs = descriptors();
    let text = &FORMS.as_bytes()[..3000];
    let mut rng = fastrand::Rng::with_seed(11);
    let noise: &[u8] = b"{}[]\",:\\ 0123456789-+.eEtrufalsn\n\t\x00\x7f\xc3\xa9\xff";
    let mut decoded = 0;
    for _ in 0..1500 {
        let mut bytes = text.to_vec();
        for _ in 0..rng.usize(1..4) {
            let at = rng.usize(..bytes.len());
            match rng.u8(..3) {
                0 => bytes[at] = noise[rng.usize(..noise.len())],
                1 => bytes.insert(at, noise[rng.usize(..noise.len())]),
                _ => {
                    bytes.remove(at);
                }
            }
        }
        let end = bytes.len();
        // also as a whole document: close the cut-off list
        bytes.truncate(end.min(bytes.iter().rposition(|&b| b == b'\n').unwrap_or(end)));
        if bytes.last() == Some(&b',') {
            bytes.pop();
        }
        bytes.push(b']');
        decoded += survive(&bytes, &descs);
    }
    // some corruptions keep the document valid (inside strings, say)
    assert!(decoded > 0);
}

#[test]
fn hostile_documents() {
    let descs = descriptors();
    let deep_list = "[".repeat(10_000) + &"]".repeat(10_000);
    let deep_object = "{\"a\":".repeat(10_000) + "1" + &"}".repeat(10_000);
    let long_string = format!("[\"{}\"]", "x".repeat(1 << 20));
    let many_keys = format!(
        "{{{}}}",
        (0..5000)
            .map(|i| format!("\"k{i}\":{i}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cases: Vec<&str> = vec![
        &deep_list,
        &deep_object,
        &long_string,
        &many_keys,
        "",
        " ",
        "\u{feff}[]",
        "nul",
        "[1e999]",
        "[-1e400]",
        "[1e-400]",
        "[18446744073709551616]",
        "[-9223372036854775809]",
        "[\"\\ud800\"]",
        "[\"\\udc00\\ud800\"]",
        "[\"\\u00\"]",
        "[\"\\x\"]",
        "[\"\u{1}\"]",
        "[\"a\nb\"]",
        "[01]",
        "[.5]",
        "[+1]",
        "[1.]",
        "[1e]",
        "[true false]",
        "[,]",
        "{\"a\":1,\"a\":2}",
        "{1:2}",
        "[\"\\/\"]",
        "[]]",
        "[[]",
        "{\"id\":\"x\",\"id\":1}",
    ];
    for case in cases {
        survive(case.as_bytes(), &descs);
    }
    survive(b"[\"\xed\xa0\x80\"]", &descs); // an encoded surrogate: not UTF-8
    survive(b"[\"\xc3\"]", &descs);
    assert_eq!(
        parse("{\"a\":1,\"a\":2}")
            .unwrap()
            .get_field("a")
            .as_deref(),
        Some(&Value::Int(2))
    );
}

/// A random JSON document of at most `depth` levels.
fn random_json(rng: &mut fastrand::Rng, depth: usize, out: &mut String) {
    let pick = if depth == 0 { rng.u8(..5) } else { rng.u8(..7) };
    match pick {
        0 => out.push_str("null"),
        1 => out.push_str(if rng.bool() { "true" } else { "false" }),
        2 => out.push_str(&rng.i64(..).to_string()),
        3 => {
            let f = f64::from_bits(rng.u64(..));
            out.push_str(&if f.is_finite() {
                format!("{f:e}")
            } else {
                "0.5".into()
            });
        }
        4 => {
            let chars = [
                'a', 'é', '"', '\\', '\n', '\u{1}', '😀', ' ', '/', '\u{2028}',
            ];
            let s: String = (0..rng.usize(..8))
                .map(|_| chars[rng.usize(..chars.len())])
                .collect();
            out.push_str(&serde_json::to_string(&s).unwrap());
        }
        5 => {
            out.push('[');
            for i in 0..rng.usize(..5) {
                if i > 0 {
                    out.push(',');
                }
                random_json(rng, depth - 1, out);
            }
            out.push(']');
        }
        _ => {
            out.push('{');
            for i in 0..rng.usize(..5) {
                if i > 0 {
                    out.push_str(" , ");
                }
                out.push_str(&format!("\"k{}\" : ", rng.u8(..6)));
                random_json(rng, depth - 1, out);
            }
            out.push('}');
        }
    }
}

#[test]
fn random_documents_round_trip() {
    let mut rng = fastrand::Rng::with_seed(3);
    for _ in 0..2000 {
        let mut text = String::new();
        random_json(&mut rng, 4, &mut text);
        let ours = parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let theirs: serde_json::Value = serde_json::from_str(&text).unwrap();
        // serde_json keeps the last duplicate too, at the first position
        assert_eq!(ours.to_serde(), theirs, "{text}");
        let written = to_json_string(&ours);
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&written).unwrap(),
            theirs,
            "{text}"
        );
        assert_eq!(parse(&written).unwrap(), ours);
    }
}

//! Decoding, converting and writing JSON through the public API, on forms of the
//! benchmark workload (`value_fixtures/commcare40.json`: the first 40 forms that
//! `gen_commcare.py` writes) and on the messages docs/language.md promises.

use ferry_runtime::json::{
    DecodeErrorKind, FieldDesc, TypeDesc, convert, decode, decode_vec, parse, to_json_string,
    to_json_string_pretty, to_text, write_json,
};
use ferry_runtime::value::Value;

const FORMS: &str = include_str!("value_fixtures/commcare40.json");

#[path = "value_fixtures/registration.rs"]
mod registration;
use registration::{registration, registrations};

fn serde(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap()
}

fn err(text: &str, desc: &TypeDesc) -> String {
    decode(text.as_bytes(), desc).unwrap_err().to_string()
}

#[test]
fn forms_decode_and_write_back_unchanged() {
    let forms = decode(FORMS.as_bytes(), &registrations()).unwrap();
    let list = forms.as_list().unwrap();
    assert_eq!(list.len(), 40);
    let first = list[0].as_record().unwrap();
    assert_eq!(
        first
            .shape
            .fields
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>(),
        ["id", "received_on", "form"]
    );
    assert!(
        first
            .extra
            .as_ref()
            .unwrap()
            .text()
            .starts_with("\"app_id\":\"5b1e0c2f8a7d4e3b9c6a1f0e2d3c4b5a\"")
    );
    let form = first.slots[2].as_record().unwrap();
    assert_eq!(form.slots[1], Value::from("Odhiambo Odero"));
    assert_eq!(form.slots[3], Value::from("Bungoma"));
    let visit = form.slots[5].as_record().unwrap();
    assert!(matches!(visit.slots[0], Value::Float(w) if w == 69.25));
    assert!(matches!(visit.slots[1], Value::Int(143)));
    // every member is written back: the declared ones first, then the others
    let written = to_json_string(&forms);
    assert_eq!(serde(&written), serde(FORMS));
    assert!(written.starts_with(r#"[{"id":"fc63f0cd-0e87-4a00-a0c6-d07ef7b77e90","received_on":"2024-01-01T06:00:32.267459Z","form":{"@name":"Patient Registration","patient_name":"Odhiambo Odero","sex":"female","village":"Bungoma","phone":"+254717532741","visit":{"weight_kg":69.25,"height_cm":143,"hiv_status":"unknown"},"@uiVersion":"1","#));
    assert_eq!(serde(&to_json_string_pretty(&forms)), serde(FORMS));
    // and read the same way from an owned buffer
    assert_eq!(
        decode_vec(FORMS.as_bytes().to_vec(), &registrations()).unwrap(),
        forms
    );
}

#[test]
fn absent_and_null_fields_stay_apart() {
    let forms = decode(FORMS.as_bytes(), &registrations()).unwrap();
    let json = parse(FORMS).unwrap();
    let (mut absent, mut null) = (0, 0);
    for (typed, untyped) in forms.as_list().unwrap().iter().zip(json.as_list().unwrap()) {
        let form = typed.get_field("form").unwrap().into_owned();
        let raw_form = untyped.get_field("form").unwrap().into_owned();
        match form.as_record().unwrap().slots[3] {
            Value::Absent => {
                absent += 1;
                assert!(raw_form.get_field("village").is_none());
            }
            Value::Null => {
                null += 1;
                assert_eq!(raw_form.get_field("village").as_deref(), Some(&Value::Null));
            }
            _ => {}
        }
        // a typed record equals the untyped object it was read from
        assert_eq!(typed, untyped);
    }
    assert_eq!((absent, null), (3, 3));
}

#[test]
fn converting_json_gives_what_decoding_gives() {
    let json = parse(FORMS).unwrap();
    let converted = convert(&json, &registrations()).unwrap();
    let decoded = decode(FORMS.as_bytes(), &registrations()).unwrap();
    assert_eq!(converted, decoded);
    assert_eq!(serde(&to_json_string(&converted)), serde(FORMS));
}

/// The first form with one field replaced by `value` (raw JSON), or removed.
fn first_form_with(path: &[&str], value: Option<&str>) -> String {
    let mut doc: serde_json::Value = serde(FORMS);
    let mut target = &mut doc[0];
    for key in &path[..path.len() - 1] {
        target = &mut target[*key];
    }
    let object = target.as_object_mut().unwrap();
    match value {
        Some(v) => {
            object.insert(path[path.len() - 1].to_string(), serde(v));
        }
        None => {
            object.remove(path[path.len() - 1]);
        }
    }
    serde_json::to_string(&doc).unwrap()
}

#[test]
fn mismatches_name_the_path_the_type_and_what_was_found() {
    let desc = registrations();
    assert_eq!(
        err(
            &first_form_with(&["form", "visit", "weight_kg"], Some("\"61,5\"")),
            &desc
        ),
        "$[0].form.visit.weight_kg: expected Float, found \"61,5\""
    );
    assert_eq!(
        err(&first_form_with(&["form", "patient_name"], None), &desc),
        "$[0].form: missing field \"patient_name\""
    );
    assert_eq!(
        err(&first_form_with(&["form", "sex"], Some("\"F\"")), &desc),
        "$[0].form.sex: expected \"female\" | \"male\", found \"F\""
    );
    assert_eq!(
        err(&first_form_with(&["form", "@name"], Some("null")), &desc),
        "$[0].form[\"@name\"]: expected String, found null"
    );
    assert_eq!(
        err(
            &first_form_with(&["received_on"], Some("\"2024-01-01 06:00:32\"")),
            &desc
        ),
        "$[0].received_on: expected DateTime, found \"2024-01-01 06:00:32\""
    );
    assert_eq!(
        err(
            &first_form_with(&["form", "visit", "height_cm"], Some("143.5")),
            &desc
        ),
        "$[0].form.visit.height_cm: expected Int, found 143.5"
    );
    assert_eq!(
        err(&first_form_with(&["form"], Some("[]")), &desc),
        "$[0].form: expected { \"@name\": String, patient_name: String, sex: \"female\" | \"male\", village: String?, phone: String?, visit: { weight_kg: Float, height_cm: Int, hiv_status: \"negative\" | \"positive\" | \"unknown\" }, .. }, found a list"
    );
    assert_eq!(err("[1]", &desc), "$[0]: expected Registration, found 1");
    assert_eq!(
        err("{}", &desc),
        "$: expected [Registration], found an object"
    );
    // fields the type does not name never fail: a closed record drops them
    let extra_in_visit = first_form_with(&["form", "visit", "bmi"], Some("{\"x\":[1,2]}"));
    let forms = decode(extra_in_visit.as_bytes(), &desc).unwrap();
    assert!(!to_json_string(&forms).contains("bmi"));
    let e = decode(first_form_with(&["id"], None).as_bytes(), &desc).unwrap_err();
    assert_eq!(
        (e.path.as_str(), &e.kind),
        ("$[0]", &DecodeErrorKind::MissingField("id".into()))
    );
}

#[test]
fn the_as_example_of_language_md() {
    let form = TypeDesc::record(vec![("dob", FieldDesc::required(TypeDesc::Date))], true);
    let object = TypeDesc::record(vec![("form", FieldDesc::required(form))], true);
    let response = TypeDesc::record(
        vec![(
            "body",
            FieldDesc::required(TypeDesc::record(
                vec![("objects", FieldDesc::required(TypeDesc::list(object)))],
                true,
            )),
        )],
        true,
    );
    let mut objects: Vec<String> = (0..17)
        .map(|i| format!("{{\"form\":{{\"dob\":\"2001-01-{:02}\"}}}}", i + 1))
        .collect();
    objects.push("{\"form\":{\"dob\":null}}".into());
    let json = parse(&format!(
        "{{\"status\":200,\"body\":{{\"objects\":[{}]}}}}",
        objects.join(",")
    ))
    .unwrap();
    let e = convert(&json, &response).unwrap_err();
    assert_eq!(
        e.to_string(),
        "$.body.objects[17].form.dob: expected Date, found null"
    );
}

#[test]
fn not_json_says_where() {
    let text = "[\n  {\"id\": \"a\",\n   \"form\" {}}\n]";
    assert_eq!(
        err(text, &registrations()),
        "input is not JSON: expected ':' at line 3, column 11"
    );
    let e = decode(b"{\"a\":1,}", &TypeDesc::Json).unwrap_err();
    assert_eq!(
        e.to_string(),
        "input is not JSON: trailing comma at line 1, column 8"
    );
    assert_eq!(e.kind, DecodeErrorKind::NotJson { line: 1, column: 8 });
}

#[test]
fn escapes_read_the_same_as_raw_text() {
    let escaped = r#"{"id":"x","received_on":"2024-01-01T06:00:32.267459Z","form":{"@name":"Patient Registration","patient_name":"Wanjik\u016f \"Kip\" \ud83d\udc4d\ud83c\udffe","sex":"male","visit":{"weight_kg":57.3,"height_cm":50,"hiv_status":"positive"},"notes":"tab\there","\u0040odd":1}}"#;
    let raw = "{\"id\":\"x\",\"received_on\":\"2024-01-01T06:00:32.267459Z\",\"form\":{\"@name\":\"Patient Registration\",\"patient_name\":\"Wanjiků \\\"Kip\\\" 👍🏾\",\"sex\":\"male\",\"visit\":{\"weight_kg\":57.3,\"height_cm\":50,\"hiv_status\":\"positive\"},\"notes\":\"tab\\there\",\"@odd\":1}}";
    let a = decode(escaped.as_bytes(), &registration()).unwrap();
    let b = decode(raw.as_bytes(), &registration()).unwrap();
    assert_eq!(a, b);
    assert_eq!(to_json_string(&a), to_json_string(&b));
    assert!(to_json_string(&a).contains("\"patient_name\":\"Wanjiků \\\"Kip\\\" 👍🏾\""));
    assert!(to_json_string(&a).ends_with("\"notes\":\"tab\\there\",\"@odd\":1}}"));
}

#[test]
fn writing_and_interpolating() {
    let v = parse(r#"{"w":70.0,"x":61.5,"big":1e21,"n":-0,"s":"a\"b","l":[true,null]}"#).unwrap();
    assert_eq!(
        to_json_string(&v),
        r#"{"w":70.0,"x":61.5,"big":1e21,"n":-0.0,"s":"a\"b","l":[true,null]}"#
    );
    // floats are read exactly (serde_json's float_roundtrip), so they print back alike
    for text in [
        "[-8.574007711307449e40]",
        "[5e-324]",
        "[1.7976931348623157e308]",
        "[0.30000000000000004]",
    ] {
        assert_eq!(to_json_string(&parse(text).unwrap()), text);
    }
    let mut out = b"prefix ".to_vec();
    write_json(&Value::Float(0.1), &mut out);
    assert_eq!(out, b"prefix 0.1");
    assert_eq!(to_text(&Value::from("as is")), "as is");
    assert_eq!(to_text(&v.get_field("l").unwrap()), "[true,null]");
}

#[test]
fn serde_json_bridge() {
    let json = parse(FORMS).unwrap();
    let s = json.to_serde();
    assert_eq!(s, serde(FORMS));
    assert_eq!(Value::from_json(s), json);
    let forms = decode(FORMS.as_bytes(), &registrations()).unwrap();
    assert_eq!(forms.to_serde(), serde(FORMS));
}

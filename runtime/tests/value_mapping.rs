//! The benchmark's reference mapping (examples/mapping.ferry), done by hand with
//! the value model and the standard library, as compiled code will do it: the
//! first tracked entity must be exactly `FIRST_ENTITY`.

use std::rc::Rc;

use ferry_runtime::error::Result;
use ferry_runtime::json::{decode, parse, to_json_string};
use ferry_runtime::stdlib::{date, list, map, number};
use ferry_runtime::value::{Record, Shape, Str, Value};

const FORMS: &str = include_str!("value_fixtures/commcare40.json");

const FIRST_ENTITY: &str = r#"{"trackedEntityType":"nEenWmSyUEp","orgUnit":"Rp268JB6Ne4","attributes":[{"attribute":"w75KJ2mc4zz","value":"Odhiambo Odero"},{"attribute":"cejWyOfXge6","value":"F"}],"enrollments":[{"program":"IpHINAT79UW","orgUnit":"Rp268JB6Ne4","enrolledAt":"2024-01-01","events":[{"programStage":"A03MvHHogjR","occurredAt":"2024-01-01","dataValues":[{"dataElement":"UXz7xuGCEhU","value":"69.25"},{"dataElement":"GieVkTxp4HH","value":"143"},{"dataElement":"bx6fsa0t90x","value":"unknown"}]}]}]}"#;

#[path = "value_fixtures/registration.rs"]
mod registration;
use registration::registrations;

/// A record of a shape the "compiler" registered, from its slots.
fn rec(shape: &'static Shape, slots: Vec<Value>) -> Value {
    Value::record(Record::new(shape, slots, None))
}

fn slot(v: &Value, i: usize) -> &Value {
    &v.as_record().unwrap().slots[i]
}

struct Shapes {
    entity: &'static Shape,
    attribute: &'static Shape,
    enrollment: &'static Shape,
    event: &'static Shape,
    data_value: &'static Shape,
}

fn tracked_entity(r: &Value, villages: &Value, s: &Shapes) -> Result<Value> {
    let form = slot(r, 2);
    // VILLAGES[input.form.village ?? ""] ?? "DiszpKrYNg8"
    let village = match slot(form, 3) {
        Value::Str(v) => v.clone(),
        _ => Str::EMPTY,
    };
    let org = match map::get(villages, &village) {
        Value::Null => Value::from_static("DiszpKrYNg8"),
        found => found,
    };
    let day = Value::Str(date::date(slot(r, 1).as_string().unwrap())?);
    let sex = match slot(form, 2).as_str() {
        Some("female") => "F",
        _ => "M",
    };
    let visit = slot(form, 5);
    let weight = number::float_to_string(slot(visit, 0).as_float().unwrap());
    let height = number::int_to_string(slot(visit, 1).as_int().unwrap());
    let dv = |element: &'static str, value: Value| {
        rec(s.data_value, vec![Value::from_static(element), value])
    };
    let event = rec(
        s.event,
        vec![
            Value::from_static("A03MvHHogjR"),
            day.clone(),
            Value::list(vec![
                dv("UXz7xuGCEhU", Value::Str(weight)),
                dv("GieVkTxp4HH", Value::Str(height)),
                dv("bx6fsa0t90x", slot(visit, 2).clone()),
            ]),
        ],
    );
    let enrollment = rec(
        s.enrollment,
        vec![
            Value::from_static("IpHINAT79UW"),
            org.clone(),
            day,
            Value::list(vec![event]),
        ],
    );
    Ok(rec(
        s.entity,
        vec![
            Value::from_static("nEenWmSyUEp"),
            org,
            Value::list(vec![
                rec(
                    s.attribute,
                    vec![Value::from_static("w75KJ2mc4zz"), slot(form, 1).clone()],
                ),
                rec(
                    s.attribute,
                    vec![Value::from_static("cejWyOfXge6"), Value::from_static(sex)],
                ),
            ]),
            Value::list(vec![enrollment]),
        ],
    ))
}

#[test]
fn the_reference_mapping() {
    let shapes = Shapes {
        entity: Shape::leak(
            ["trackedEntityType", "orgUnit", "attributes", "enrollments"]
                .map(Str::from_static)
                .to_vec(),
            false,
        ),
        attribute: Shape::intern(&["attribute", "value"], false),
        enrollment: Shape::intern(&["program", "orgUnit", "enrolledAt", "events"], false),
        event: Shape::intern(&["programStage", "occurredAt", "dataValues"], false),
        data_value: Shape::intern(&["dataElement", "value"], false),
    };
    let villages = parse(r#"{ "Kakamega": "DiszpKrYNg8", "Bungoma": "Rp268JB6Ne4" }"#).unwrap();
    let input = decode(FORMS.as_bytes(), &registrations()).unwrap();
    let Value::List(forms) = &input else {
        panic!("not a list")
    };
    let kept = list::filter(forms, &mut |r| {
        Ok(Value::Bool(
            slot(slot(r, 2), 0).as_str() == Some("Patient Registration"),
        ))
    })
    .unwrap();
    let entities = list::map(kept.as_list().unwrap(), &mut |r| {
        tracked_entity(r, &villages, &shapes)
    })
    .unwrap();
    assert_eq!(list::len(entities.as_list().unwrap()), 32);
    assert_eq!(
        to_json_string(&list::first(entities.as_list().unwrap())),
        FIRST_ENTITY
    );
    let output = rec(Shape::intern(&["trackedEntities"], false), vec![entities]);
    let text = to_json_string(&output);
    assert!(text.starts_with(&format!("{{\"trackedEntities\":[{FIRST_ENTITY},")));
    // every entity's weight is written as the input wrote it
    let weights: Vec<String> = parse(&text)
        .unwrap()
        .get_field("trackedEntities")
        .unwrap()
        .as_list()
        .unwrap()
        .iter()
        .map(|e| to_json_string(&e.get_field("enrollments").unwrap().as_list().unwrap()[0]))
        .collect();
    assert!(
        weights
            .iter()
            .all(|w| w.contains("\"value\":\"") && !w.contains("e+"))
    );
    let counts = list::group_by(kept.as_list().unwrap(), &mut |r| {
        Ok(slot(slot(r, 2), 2).clone())
    })
    .unwrap();
    let total: i64 = map::values(&counts)
        .unwrap()
        .as_list()
        .unwrap()
        .iter()
        .map(|g| g.as_list().unwrap().len() as i64)
        .sum();
    assert_eq!(total, 32);
    assert!(Rc::strong_count(forms) >= 1);
}

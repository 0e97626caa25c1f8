//! `ferry adaptor infer`: a type for sample data. Fields seen in every sample
//! (every object at that place) are required, the others may be absent; a
//! field seen as `null` is optional; strings that are all dates, date-times or
//! URLs get those types; with `enums`, a small closed set of strings becomes a
//! union of literals.

use crate::names;
use crate::ty::{Field, Lit, Record, Ty};
use ferry_meta::formats;
use serde_json::Value;
use std::collections::BTreeSet;

/// At most this many distinct strings make a literal union with `--enums`.
pub const MAX_ENUM: usize = 8;

/// Everything seen at one place of the samples.
#[derive(Default)]
struct Seen {
    null: bool,
    bool: bool,
    int: bool,
    float: bool,
    strings: Option<Strings>,
    list: Option<Box<Seen>>,
    object: Option<Object>,
}

struct Strings {
    count: usize,
    dates: bool,
    datetimes: bool,
    urls: bool,
    /// The distinct values, while there are few.
    values: Option<BTreeSet<String>>,
}

#[derive(Default)]
struct Object {
    count: usize,
    /// Fields in the order first seen, with how many objects had them.
    fields: Vec<(String, Seen, usize)>,
}

impl Seen {
    fn add(&mut self, value: &Value) {
        match value {
            Value::Null => self.null = true,
            Value::Bool(_) => self.bool = true,
            Value::Number(n) if n.is_i64() || n.is_u64() => self.int = true,
            Value::Number(_) => self.float = true,
            Value::String(s) => {
                let strings = self.strings.get_or_insert(Strings {
                    count: 0,
                    dates: true,
                    datetimes: true,
                    urls: true,
                    values: Some(BTreeSet::new()),
                });
                strings.count += 1;
                strings.dates &= formats::is_date(s);
                strings.datetimes &= formats::is_datetime(s);
                strings.urls &= formats::is_url(s);
                if let Some(values) = &mut strings.values {
                    values.insert(s.clone());
                    if values.len() > MAX_ENUM {
                        strings.values = None;
                    }
                }
            }
            Value::Array(items) => {
                let list = self.list.get_or_insert_with(Box::default);
                for item in items {
                    list.add(item);
                }
            }
            Value::Object(map) => {
                let object = self.object.get_or_insert_with(Object::default);
                object.count += 1;
                for (key, v) in map {
                    match object.fields.iter_mut().find(|(k, _, _)| k == key) {
                        Some((_, seen, count)) => {
                            seen.add(v);
                            *count += 1;
                        }
                        None => {
                            let mut seen = Seen::default();
                            seen.add(v);
                            object.fields.push((key.clone(), seen, 1));
                        }
                    }
                }
            }
        }
    }

    fn ty(&self, enums: bool) -> Ty {
        let mut members = Vec::new();
        if self.bool {
            members.push(Ty::Bool);
        }
        match (self.int, self.float) {
            (_, true) => members.push(Ty::Float),
            (true, false) => members.push(Ty::Int),
            _ => {}
        }
        if let Some(s) = &self.strings {
            members.push(match &s.values {
                // Two samples of one value say little: a set needs repeats.
                Some(values) if enums && s.count > values.len() => Ty::union(
                    values
                        .iter()
                        .map(|v| Ty::Lit(Lit::Str(v.clone())))
                        .collect(),
                ),
                _ if s.dates => Ty::Date,
                _ if s.datetimes => Ty::DateTime,
                _ if s.urls => Ty::Url,
                _ => Ty::String,
            });
        }
        if let Some(list) = &self.list {
            let item = list.ty(enums);
            // Only empty lists seen: the elements could be anything.
            let item = if item == Ty::Null { Ty::Json } else { item };
            members.push(Ty::List(Box::new(item)));
        }
        if let Some(object) = &self.object {
            let fields = object
                .fields
                .iter()
                .map(|(name, seen, count)| Field {
                    name: name.clone(),
                    ty: seen.ty(enums),
                    absent: *count < object.count,
                    doc: None,
                })
                .collect();
            members.push(Ty::Record(Record { fields, open: true }));
        }
        // Only nulls (or nothing) seen: the type could be anything.
        if members.is_empty() {
            return Ty::Json;
        }
        if self.null {
            members.push(Ty::Null);
        }
        Ty::union(members)
    }
}

/// `type NAME = …` for the samples, formatted.
pub fn infer(name: &str, samples: &[Value], enums: bool) -> Result<String, String> {
    if !names::is_identifier(name)
        || names::variable(name) != name
        || name.starts_with(|c: char| c.is_ascii_lowercase())
    {
        return Err(format!(
            "`{name}` cannot name a type: use a capitalised name of letters, digits and `_` (e.g. `Registration`)"
        ));
    }
    let mut seen = Seen::default();
    for sample in samples {
        seen.add(sample);
    }
    let text = format!("type {name} = {}\n", seen.ty(enums).render());
    ferry_compiler::fmt::format(&text).map_err(|_| {
        "internal error: the type inferred does not parse; please report it with the samples"
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_in_every_sample_are_required() {
        let samples = [
            json!({ "id": 1, "name": "Amina", "born": "1990-02-28", "tags": [] }),
            json!({ "id": 2, "name": "Juma", "phone": null, "born": "1988-12-01", "tags": ["x"] }),
        ];
        assert_eq!(
            infer("Person", &samples, false).unwrap(),
            "type Person = {\n  id: Int,\n  name: String,\n  born: Date,\n  tags: [String],\n  phone: Json,\n  ..\n}\n"
        );
    }
}

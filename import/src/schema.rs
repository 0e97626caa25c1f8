//! JSON Schema (as OpenAPI and Swagger use it) to Ferry types.

use crate::context::{Ctx, description, named_schema};
use crate::load::Loc;
use crate::ty::{Field, Lit, Record, Ty};
use serde_json::{Map, Value};

/// How deep inline schemas may nest before the rest is `Json`.
const MAX_DEPTH: usize = 64;

impl<'d> Ctx<'d> {
    /// The type of the schema at `loc`.
    pub fn schema(&mut self, loc: &Loc) -> Ty {
        let Some(value) = self.get(loc) else {
            return Ty::Json;
        };
        if self.depth >= MAX_DEPTH {
            self.warn(
                loc,
                format!("schemas nested more than {MAX_DEPTH} deep: this part is `Json`"),
            );
            return Ty::Json;
        }
        self.depth += 1;
        let ty = match value {
            Value::Object(schema) => {
                let ty = self.shape(loc, schema);
                if is_true(schema, "nullable") || is_true(schema, "x-nullable") {
                    ty.optional()
                } else {
                    ty
                }
            }
            Value::Bool(true) => Ty::Json,
            _ => {
                self.warn(loc, "not a schema: this part is `Json`");
                Ty::Json
            }
        };
        self.depth -= 1;
        ty
    }

    fn shape(&mut self, loc: &Loc, s: &'d Map<String, Value>) -> Ty {
        if let Some(Value::String(reference)) = s.get("$ref") {
            return self.reference(loc, reference);
        }
        if let Some(value) = s.get("const") {
            return self.literal(&loc.join("const"), value);
        }
        if let Some(Value::Array(values)) = s.get("enum") {
            return self.enumeration(loc, s, values);
        }
        if let Some(Value::Array(parts)) = s.get("allOf") {
            return self.all_of(loc, s, parts);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(Value::Array(parts)) = s.get(key) {
                if s.get("properties").is_some() {
                    self.warn(
                        &loc.join(key),
                        format!("`{key}` beside `properties`: the alternatives are not checked, only the properties"),
                    );
                    break;
                }
                return self.one_of(loc, s, key, parts);
            }
        }
        if s.contains_key("not") {
            self.warn(
                &loc.join("not"),
                "`not` cannot be expressed: it is not checked",
            );
        }
        if s.contains_key("patternProperties") {
            self.warn(
                &loc.join("patternProperties"),
                "`patternProperties` cannot be expressed: those members are not checked",
            );
        }
        match s.get("type") {
            Some(Value::String(t)) => self.typed(loc, s, t),
            Some(Value::Array(types)) => {
                let members = types
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|t| self.typed(loc, s, t))
                    .collect();
                Ty::union(members)
            }
            _ if s.contains_key("properties") || s.contains_key("additionalProperties") => {
                self.object(loc, s)
            }
            _ if s.contains_key("items") => self.array(loc, s),
            _ => Ty::Json,
        }
    }

    fn typed(&mut self, loc: &Loc, s: &'d Map<String, Value>, t: &str) -> Ty {
        match t {
            "string" => match s.get("format").and_then(Value::as_str) {
                Some("date") => Ty::Date,
                Some("date-time") => Ty::DateTime,
                Some("uri" | "url") => Ty::Url,
                _ => Ty::String,
            },
            // Swagger 2.0's upload type: the content as text.
            "file" => Ty::String,
            "integer" => Ty::Int,
            "number" => Ty::Float,
            "boolean" => Ty::Bool,
            "null" => Ty::Null,
            "array" => self.array(loc, s),
            "object" => self.object(loc, s),
            other => {
                self.warn(
                    &loc.join("type"),
                    format!("`{other}` is not a JSON Schema type: this part is `Json`"),
                );
                Ty::Json
            }
        }
    }

    fn array(&mut self, loc: &Loc, s: &'d Map<String, Value>) -> Ty {
        if s.contains_key("prefixItems") || matches!(s.get("items"), Some(Value::Array(_))) {
            self.warn(
                loc,
                "a tuple (items by position) cannot be expressed: its elements are `Json`",
            );
            return Ty::List(Box::new(Ty::Json));
        }
        match s.get("items") {
            Some(_) => Ty::List(Box::new(self.schema(&loc.join("items")))),
            None => Ty::List(Box::new(Ty::Json)),
        }
    }

    /// A record when the schema lists properties, else a map.
    fn object(&mut self, loc: &Loc, s: &'d Map<String, Value>) -> Ty {
        let properties = s.get("properties").and_then(Value::as_object);
        let extra = s.get("additionalProperties");
        let extra_schema = extra.filter(|v| v.as_object().is_some_and(|o| !o.is_empty()));
        if properties.is_none_or(|p| p.is_empty()) {
            return match extra {
                Some(Value::Bool(false)) => Ty::Record(Record::default()),
                _ if extra_schema.is_some() => {
                    Ty::Map(Box::new(self.schema(&loc.join("additionalProperties"))))
                }
                _ => Ty::Map(Box::new(Ty::Json)),
            };
        }
        if extra_schema.is_some() {
            self.warn(
                &loc.join("additionalProperties"),
                "a record with members of a declared type beside its properties cannot be expressed: the record is open and those members are not checked",
            );
        }
        let mut record = self.record(loc, s);
        record.open =
            matches!(extra, Some(Value::Bool(true))) || extra.is_some_and(Value::is_object);
        Ty::Record(record)
    }

    /// The properties of an object schema as record fields (closed).
    fn record(&mut self, loc: &Loc, s: &'d Map<String, Value>) -> Record {
        let required: Vec<&str> = s
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut fields = Vec::new();
        if let Some(properties) = s.get("properties").and_then(Value::as_object) {
            let at = loc.join("properties");
            for (name, property) in properties {
                let ty = self.schema(&at.join(name));
                // A read-only field is left out of what a job sends, a
                // write-only one out of what the API answers.
                let one_way =
                    is_true_value(property, "readOnly") || is_true_value(property, "writeOnly");
                let mut doc = description(property);
                if is_true_value(property, "readOnly") {
                    doc = Some(match doc {
                        Some(d) => format!("{d}\n\nRead only."),
                        None => "Read only.".to_string(),
                    });
                }
                fields.push(Field {
                    name: name.clone(),
                    ty,
                    absent: !required.contains(&name.as_str()) || one_way,
                    doc,
                });
            }
        }
        Record {
            fields,
            open: false,
        }
    }

    /// A `$ref`: a named type, or the schema it points to, inlined.
    fn reference(&mut self, loc: &Loc, reference: &str) -> Ty {
        let target = match self.docs.resolve(loc.doc, reference) {
            Ok(target) => target,
            Err(why) => {
                self.warn(&loc.join("$ref"), format!("{why}: this part is `Json`"));
                return Ty::Json;
            }
        };
        if named_schema(&target.pointer).is_some() {
            return self.named(&target);
        }
        if self.inline.contains(&target) {
            self.warn(
                &loc.join("$ref"),
                "a recursive schema outside `components/schemas`: the inner part is `Json`",
            );
            return Ty::Json;
        }
        self.inline.push(target.clone());
        let ty = self.schema(&target);
        self.inline.pop();
        ty
    }

    fn literal(&mut self, loc: &Loc, value: &Value) -> Ty {
        match value {
            Value::String(s) => Ty::Lit(Lit::Str(s.clone())),
            Value::Bool(b) => Ty::Lit(Lit::Bool(*b)),
            Value::Null => Ty::Null,
            Value::Number(n) if n.as_i64().is_some() => {
                Ty::Lit(Lit::Int(n.as_i64().expect("checked")))
            }
            Value::Number(_) => {
                self.warn(
                    loc,
                    "a fractional number as a literal type cannot be expressed: it is a `Float`",
                );
                Ty::Float
            }
            _ => {
                self.warn(
                    loc,
                    "a list or object as a literal type cannot be expressed: this part is `Json`",
                );
                Ty::Json
            }
        }
    }

    /// `enum` → a union of literal types.
    fn enumeration(&mut self, loc: &Loc, s: &'d Map<String, Value>, values: &[Value]) -> Ty {
        let at = loc.join("enum");
        if values.is_empty() {
            self.warn(&at, "an empty `enum` allows nothing: this part is `Json`");
            return Ty::Json;
        }
        if values
            .iter()
            .any(|v| v.is_array() || v.is_object() || (v.is_number() && v.as_i64().is_none()))
        {
            self.warn(
                &at,
                "an `enum` of fractional numbers, lists or objects cannot be literal types: the values are not checked",
            );
            return match s.get("type") {
                Some(Value::String(t)) => self.typed(loc, s, t),
                _ => Ty::Json,
            };
        }
        let members = values
            .iter()
            .enumerate()
            .map(|(i, v)| self.literal(&at.join(&i.to_string()), v))
            .collect();
        Ty::union(members)
    }

    /// `allOf` → one record with the fields of every part.
    fn all_of(&mut self, loc: &Loc, s: &'d Map<String, Value>, parts: &[Value]) -> Ty {
        let at = loc.join("allOf");
        let mut merged: Option<Record> = None;
        let mut others = Vec::new();
        let mut records = Vec::new();
        for i in 0..parts.len() {
            let part = at.join(&i.to_string());
            match self.record_of(&part) {
                Some(record) => records.push(record),
                None => others.push((part.clone(), self.schema(&part))),
            }
        }
        if s.contains_key("properties") {
            records.push(self.record(loc, s));
        }
        for record in records {
            let into = merged.get_or_insert_with(Record::default);
            into.open |= record.open;
            for field in record.fields {
                match into.fields.iter_mut().find(|f| f.name == field.name) {
                    Some(old) => {
                        let absent = old.absent && field.absent;
                        *old = Field { absent, ..field };
                    }
                    None => into.fields.push(field),
                }
            }
        }
        let Some(mut record) = merged else {
            // `allOf: [{ $ref: X }]`, often used to give a reference a description.
            if others.len() == 1 {
                return others.pop().expect("one").1;
            }
            self.warn(
                &at,
                "`allOf` of parts that are not objects cannot be expressed: the first part is used",
            );
            return others.into_iter().next().map_or(Ty::Json, |(_, t)| t);
        };
        for (part, ty) in others {
            if ty != Ty::Json {
                self.warn(
                    &part,
                    "a part of `allOf` that is not an object is left out of the merged record",
                );
            }
        }
        if let Some(required) = s.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if let Some(f) = record.fields.iter_mut().find(|f| f.name == name) {
                    f.absent = false;
                }
            }
        }
        if matches!(s.get("additionalProperties"), Some(Value::Bool(true))) {
            record.open = true;
        }
        Ty::Record(record)
    }

    /// The record a schema stands for, following `$ref`s and `allOf`: for
    /// merging records and for the variants of a discriminated union.
    fn record_of(&mut self, loc: &Loc) -> Option<Record> {
        let (target, value) = self.deref(loc)?;
        let schema = value.as_object()?;
        if self.inline.contains(&target) {
            return None;
        }
        self.inline.push(target.clone());
        let record = match self.schema(&target) {
            Ty::Record(record) if !schema.contains_key("$ref") => Some(record),
            _ => None,
        };
        self.inline.pop();
        record
    }

    /// `oneOf` / `anyOf` → a union; with a `discriminator`, each variant's
    /// discriminating property is its literal value.
    fn one_of(&mut self, loc: &Loc, s: &'d Map<String, Value>, key: &str, parts: &[Value]) -> Ty {
        let at = loc.join(key);
        let discriminator = s.get("discriminator");
        let property = discriminator
            .and_then(|d| d.get("propertyName"))
            .and_then(Value::as_str);
        let mapping = discriminator
            .and_then(|d| d.get("mapping"))
            .and_then(Value::as_object);
        let mut members = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let part_loc = at.join(&i.to_string());
            let reference = part.get("$ref").and_then(Value::as_str);
            if let (Some(property), Some(reference)) = (property, reference)
                && let Ok(target) = self.docs.resolve(loc.doc, reference)
                && let Some(mut record) = self.record_of(&part_loc)
            {
                let value = mapping
                    .and_then(|m| {
                        m.iter().find_map(|(value, to)| {
                            let to = to.as_str()?;
                            let same = self.docs.resolve(loc.doc, to).is_ok_and(|t| t == target)
                                || named_schema(&target.pointer).as_deref() == Some(to);
                            same.then(|| value.clone())
                        })
                    })
                    .or_else(|| named_schema(&target.pointer));
                if let Some(value) = value {
                    let lit = Ty::Lit(Lit::Str(value));
                    match record.fields.iter_mut().find(|f| f.name == property) {
                        Some(f) => {
                            f.ty = lit;
                            f.absent = false;
                        }
                        None => record.fields.insert(
                            0,
                            Field {
                                name: property.to_string(),
                                ty: lit,
                                absent: false,
                                doc: None,
                            },
                        ),
                    }
                    members.push(Ty::Record(record));
                    continue;
                }
            }
            members.push(self.schema(&part_loc));
        }
        if members.is_empty() {
            self.warn(
                &at,
                format!("an empty `{key}` allows nothing: this part is `Json`"),
            );
            return Ty::Json;
        }
        Ty::union(members)
    }
}

fn is_true(s: &Map<String, Value>, key: &str) -> bool {
    s.get(key) == Some(&Value::Bool(true))
}

fn is_true_value(v: &Value, key: &str) -> bool {
    v.get(key) == Some(&Value::Bool(true))
}

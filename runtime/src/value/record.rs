//! [`Shape`] and [`Record`]: records whose fields the compiler knows, stored by
//! slot instead of by name.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;
use std::sync::{Mutex, OnceLock, PoisonError};

use super::{Str, Value};

/// From this many fields on, a shape answers [`Shape::slot`] through a hash map.
const INDEX_MIN: usize = 9;

/// The field names of a record type, in declaration order (= output order).
///
/// Shapes live for the whole process: make them with [`Shape::leak`] or
/// [`Shape::intern`]. Their field names are static text, so the strings of a
/// shape are never reference-counted.
pub struct Shape {
    pub fields: Box<[Str]>,
    /// Whether the type is open (`{ a: T, .. }`): records of it keep the members
    /// the type does not name, in [`Record::extra`].
    pub open: bool,
    /// The field names as plain `&str`s, for [`Shape::slot`]'s scan.
    names: Box<[&'static str]>,
    /// `"name":` for each field, escaped once for the JSON writer.
    keys_json: Box<[Box<str>]>,
    /// Field name -> slot, for shapes with many fields.
    index: Option<HashMap<&'static str, usize>>,
}

impl Shape {
    /// A new shape, leaked so that it lives as long as the process. A program
    /// registers each of its record types once; for shapes built while running,
    /// prefer [`Shape::intern`], which does not leak the same shape twice.
    pub fn leak(fields: Vec<Str>, open: bool) -> &'static Shape {
        let fields: Box<[Str]> = fields.into_iter().map(Str::into_static).collect();
        let keys_json = fields
            .iter()
            .map(|f| {
                let mut key = Vec::with_capacity(f.len() + 3);
                crate::json::write_str(f, &mut key);
                key.push(b':');
                String::from_utf8(key).unwrap_or_default().into_boxed_str()
            })
            .collect();
        let names: Box<[&'static str]> = fields
            .iter()
            .map(|f| {
                f.as_static()
                    .unwrap_or_else(|| Box::leak(f.as_str().into()))
            })
            .collect();
        let index = (fields.len() >= INDEX_MIN).then(|| {
            let mut index = HashMap::with_capacity(fields.len());
            for (i, name) in names.iter().enumerate().rev() {
                index.insert(*name, i);
            }
            index
        });
        Box::leak(Box::new(Shape {
            fields,
            open,
            names,
            keys_json,
            index,
        }))
    }

    /// The shape with these fields and openness: made (and leaked) the first time
    /// it is asked for in the process, the same `&'static Shape` afterwards.
    pub fn intern(fields: &[&str], open: bool) -> &'static Shape {
        type Shapes = Mutex<HashMap<(Vec<String>, bool), &'static Shape>>;
        static SHAPES: OnceLock<Shapes> = OnceLock::new();
        let mut shapes = SHAPES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let key = (fields.iter().map(|f| f.to_string()).collect(), open);
        shapes
            .entry(key)
            .or_insert_with(|| Shape::leak(fields.iter().map(|f| Str::from(*f)).collect(), open))
    }

    /// The slot of the field `name` (the first, should a name repeat).
    pub fn slot(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.names.iter().position(|f| *f == name),
        }
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether the shape has no fields.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// `"name":` of the field at `slot`, JSON-escaped.
    pub(crate) fn key_json(&self, slot: usize) -> &str {
        &self.keys_json[slot]
    }
}

// SAFETY: a `Shape` is only ever made by `Shape::leak` (its private fields rule
// out any other constructor, and no function hands out an owned or mutable
// `Shape`), which turns every field name into a static `Str`
// (`Str::into_static`). A shape is therefore immutable and holds no reference
// count or other per-thread state: sharing `&Shape` between threads is sound,
// and cloning its field names only copies a `&'static str`.
unsafe impl Sync for Shape {}

impl fmt::Debug for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{ ")?;
        for (i, field) in self.fields.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(field)?;
        }
        f.write_str(if self.open { ", .. }" } else { " }" })
    }
}

/// A record of a known shape.
#[derive(Clone, Debug)]
pub struct Record {
    pub shape: &'static Shape,
    /// `slots[i]` is the value of `shape.fields[i]`, or [`Value::Absent`].
    pub slots: Box<[Value]>,
    /// An open record's other members as raw JSON text, written back verbatim
    /// when the record is output; `None` when there are none. None of them is
    /// named like a field of `shape` (see [`Record::extra_outside`]).
    pub extra: Option<Extra>,
}

/// An open record's members that its type does not name, as raw JSON text in
/// runs of whole members (`"app_id":"x","archived":false`). Each run is usually a
/// slice of the decoded input, so keeping the members copies nothing even when
/// the named fields come between them.
#[derive(Clone, Debug)]
pub enum Extra {
    One(Str),
    Runs(Rc<[Str]>),
}

impl Extra {
    /// The runs, in order; members are separated by commas within and between them.
    pub fn runs(&self) -> &[Str] {
        match self {
            Extra::One(run) => std::slice::from_ref(run),
            Extra::Runs(runs) => runs,
        }
    }

    /// The members as one text.
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Extra::One(run) => Cow::Borrowed(run.as_str()),
            Extra::Runs(runs) => Cow::Owned(
                runs.iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        }
    }

    /// The members, parsed (none from a run that is not a list of JSON members).
    pub fn members(&self) -> Vec<(Str, Value)> {
        self.runs()
            .iter()
            .flat_map(|run| crate::json::parse_members(run).unwrap_or_default())
            .collect()
    }

    /// The value of the member `name`.
    pub fn member(&self, name: &str) -> Option<Value> {
        self.runs()
            .iter()
            .find_map(|run| crate::json::find_member(run, name))
    }
}

impl From<Str> for Extra {
    fn from(run: Str) -> Extra {
        Extra::One(run)
    }
}

impl Record {
    /// A record of `shape`. `slots` must have one value per field of the shape.
    pub fn new(shape: &'static Shape, slots: Vec<Value>, extra: Option<Extra>) -> Record {
        debug_assert_eq!(
            slots.len(),
            shape.fields.len(),
            "slots do not fit {shape:?}"
        );
        Record {
            shape,
            slots: slots.into_boxed_slice(),
            extra,
        }
    }

    /// The value of the declared field `name`, unless it is absent. (Members kept
    /// in [`Record::extra`] are not searched: see [`Value::get_field`].)
    pub fn get(&self, name: &str) -> Option<&Value> {
        let slot = self.shape.slot(name)?;
        match self.slots.get(slot) {
            Some(Value::Absent) | None => None,
            Some(value) => Some(value),
        }
    }

    /// The members kept in [`Record::extra`], parsed (empty if there are none, or
    /// if the text is not a list of JSON members).
    pub fn extra_members(&self) -> Vec<(Str, Value)> {
        self.extra.as_ref().map_or_else(Vec::new, Extra::members)
    }

    /// Every present member, in output order: the present slots, then the extra
    /// members (an extra member whose name is also a field is left out).
    pub fn members(&self) -> Vec<(Str, Value)> {
        let mut members: Vec<(Str, Value)> = self
            .shape
            .fields
            .iter()
            .zip(self.slots.iter())
            .filter(|(_, v)| !matches!(v, Value::Absent))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in self.extra_members() {
            if self.shape.slot(&k).is_none() {
                members.push((k, v));
            }
        }
        members
    }

    /// The extra members to carry into a record of `target` made from this one
    /// (`{ ..r, status: "done" }`): those whose names `target` does not declare, so
    /// that no member is written twice. The same text, uncopied, when none is
    /// dropped.
    pub fn extra_outside(&self, target: &Shape) -> Option<Extra> {
        let extra = self.extra.as_ref()?;
        let members = self.extra_members();
        if members.iter().all(|(k, _)| target.slot(k).is_none()) {
            return Some(extra.clone());
        }
        let mut text = Vec::new();
        for (k, v) in members.iter().filter(|(k, _)| target.slot(k).is_none()) {
            if !text.is_empty() {
                text.push(b',');
            }
            crate::json::write_str(k, &mut text);
            text.push(b':');
            crate::json::write_json(v, &mut text);
        }
        (!text.is_empty()).then(|| Str::from(String::from_utf8(text).unwrap_or_default()).into())
    }

    /// The number of present members (declared and extra).
    pub fn member_count(&self) -> usize {
        let present = self
            .slots
            .iter()
            .filter(|v| !matches!(v, Value::Absent))
            .count();
        present
            + self
                .extra
                .as_ref()
                .map_or(0, |_| self.extra_members().len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_lookup_small_and_large() {
        let small = Shape::leak(vec![Str::from("a"), Str::from("b")], false);
        assert_eq!(small.slot("b"), Some(1));
        assert_eq!(small.slot("c"), None);
        assert_eq!(small.len(), 2);
        assert!(!small.is_empty());
        let names: Vec<String> = (0..20).map(|i| format!("f{i}")).collect();
        let large = Shape::leak(names.iter().map(Str::from).collect(), true);
        assert_eq!(large.slot("f0"), Some(0));
        assert_eq!(large.slot("f19"), Some(19));
        assert_eq!(large.slot("f20"), None);
        assert!(large.fields.iter().all(Str::is_static));
    }

    #[test]
    fn repeated_names_answer_the_first() {
        let names: Vec<Str> = (0..12)
            .map(|i| Str::from(if i % 2 == 0 { "x" } else { "y" }))
            .collect();
        let shape = Shape::leak(names, false);
        assert_eq!(shape.slot("x"), Some(0));
        assert_eq!(shape.slot("y"), Some(1));
    }

    #[test]
    fn shapes_are_shared_between_threads() {
        fn sync<T: Sync>(_: &T) {}
        let here = Shape::intern(&["shared", "between", "threads"], false);
        sync(here);
        let there = std::thread::spawn(|| Shape::intern(&["shared", "between", "threads"], false))
            .join()
            .unwrap();
        assert!(std::ptr::eq(here, there));
        assert!(here.fields.iter().all(Str::is_static));
        static GLOBAL: OnceLock<&'static Shape> = OnceLock::new();
        assert!(std::ptr::eq(*GLOBAL.get_or_init(|| here), here));
    }

    #[test]
    fn intern_returns_the_same_shape() {
        let a = Shape::intern(&["key", "value"], false);
        let b = Shape::intern(&["key", "value"], false);
        let c = Shape::intern(&["key", "value"], true);
        assert!(std::ptr::eq(a, b));
        assert!(!std::ptr::eq(a, c));
        assert_eq!(format!("{c:?}"), "{ key, value, .. }");
        assert_eq!(format!("{a:?}"), "{ key, value }");
    }

    #[test]
    fn escaped_keys() {
        let shape = Shape::leak(vec![Str::from("@name"), Str::from("say \"hi\"")], false);
        assert_eq!(shape.key_json(0), "\"@name\":");
        assert_eq!(shape.key_json(1), "\"say \\\"hi\\\"\":");
    }

    #[test]
    fn record_access_and_members() {
        let shape = Shape::intern(&["id", "phone"], true);
        let r = Record::new(
            shape,
            vec![Value::from("x1"), Value::Absent],
            Some(Str::from("\"app\":\"a\",\"n\":[1,2]").into()),
        );
        assert_eq!(r.get("id"), Some(&Value::from("x1")));
        assert_eq!(r.get("phone"), None);
        assert_eq!(r.get("app"), None);
        let members = r.members();
        let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["id", "app", "n"]);
        assert_eq!(r.member_count(), 3);
        assert_eq!(r.extra_members()[0].1, Value::from("a"));
    }

    #[test]
    fn spreading_drops_members_the_new_shape_declares() {
        let shape = Shape::intern(&["id"], true);
        let r = Record::new(
            shape,
            vec![Value::Null],
            Some(Str::from("\"status\":\"x\",\"n\": [1]").into()),
        );
        let text = |extra: Option<Extra>| extra.map(|e| e.text().into_owned());
        let same = r.extra_outside(Shape::intern(&["id", "other"], true));
        assert_eq!(text(same).as_deref(), Some("\"status\":\"x\",\"n\": [1]"));
        let target = Shape::intern(&["id", "status"], true);
        assert_eq!(text(r.extra_outside(target)).as_deref(), Some("\"n\":[1]"));
        let both = Shape::intern(&["status", "n"], true);
        assert_eq!(text(r.extra_outside(both)), None);
        assert_eq!(
            text(Record::new(shape, vec![Value::Null], None).extra_outside(target)),
            None
        );
    }

    #[test]
    fn bad_extra_text_has_no_members() {
        let shape = Shape::intern(&["id"], true);
        let r = Record::new(shape, vec![Value::Null], Some(Str::from("not json").into()));
        assert!(r.extra_members().is_empty());
        assert_eq!(r.member_count(), 1);
    }
}

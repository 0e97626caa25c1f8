//! [`Object`]: a map `{String: T}` or a JSON object of unknown shape.
//!
//! Members keep the order they were first inserted in. Small objects (the common
//! case) are searched linearly; from [`INDEX_MIN`] members on, lookups go through a
//! hash index built on first use.

use std::cell::OnceCell;
use std::collections::HashMap;

use foldhash::fast::RandomState;

use super::{Str, Value};

/// From this many members on, an object keeps a hash index of its keys.
pub const INDEX_MIN: usize = 9;

/// Insertion-ordered `(key, value)` members with unique keys.
#[derive(Clone, Default)]
pub struct Object {
    entries: Vec<(Str, Value)>,
    index: OnceCell<HashMap<Str, usize, RandomState>>,
}

impl Object {
    /// An empty object.
    pub fn new() -> Object {
        Object::default()
    }

    /// An empty object with room for `n` members.
    pub fn with_capacity(n: usize) -> Object {
        Object {
            entries: Vec::with_capacity(n),
            index: OnceCell::new(),
        }
    }

    /// The object of `pairs`; of two members with the same key the last value
    /// wins, at the position of the first (as when decoding JSON).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (Str, Value)>) -> Object {
        let pairs = pairs.into_iter();
        let mut object = Object::with_capacity(pairs.size_hint().0);
        for (key, value) in pairs {
            object.insert(key, value);
        }
        object
    }

    /// Sets `key` to `value`: a new key goes last, an existing one keeps its
    /// position. Returns the value it replaces.
    pub fn insert(&mut self, key: Str, value: Value) -> Option<Value> {
        if let Some(i) = self.position(&key) {
            return Some(std::mem::replace(&mut self.entries[i].1, value));
        }
        if let Some(index) = self.index.get_mut() {
            index.insert(key.clone(), self.entries.len());
        }
        self.entries.push((key, value));
        None
    }

    /// Removes `key`, keeping the order of the others; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.position(key)?;
        self.index.take();
        Some(self.entries.remove(i).1)
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|i| &self.entries[i].1)
    }

    /// Whether `key` is a member.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// The position of `key` in insertion order.
    pub fn position(&self, key: &str) -> Option<usize> {
        if self.entries.len() < INDEX_MIN {
            return self.entries.iter().position(|(k, _)| k.as_str() == key);
        }
        let index = self.index.get_or_init(|| {
            let mut index =
                HashMap::with_capacity_and_hasher(self.entries.len(), RandomState::default());
            for (i, (k, _)) in self.entries.iter().enumerate() {
                index.insert(k.clone(), i);
            }
            index
        });
        index.get(key).copied()
    }

    /// The member at `position` in insertion order.
    pub fn get_index(&self, position: usize) -> Option<(&Str, &Value)> {
        self.entries.get(position).map(|(k, v)| (k, v))
    }

    /// The number of members.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no members.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The members in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Str, &Value)> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &Str> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in insertion order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The members, in insertion order.
    pub fn into_pairs(self) -> Vec<(Str, Value)> {
        self.entries
    }
}

impl FromIterator<(Str, Value)> for Object {
    fn from_iter<I: IntoIterator<Item = (Str, Value)>>(iter: I) -> Object {
        Object::from_pairs(iter)
    }
}

impl std::fmt::Debug for Object {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(o: &Object) -> Vec<&str> {
        o.keys().map(|k| k.as_str()).collect()
    }

    #[test]
    fn duplicate_keys_last_value_first_position() {
        let o = Object::from_pairs([
            (Str::from("a"), Value::Int(1)),
            (Str::from("b"), Value::Int(2)),
            (Str::from("a"), Value::Int(3)),
        ]);
        assert_eq!(keys(&o), ["a", "b"]);
        assert_eq!(o.get("a"), Some(&Value::Int(3)));
        assert_eq!(o.len(), 2);
    }

    #[test]
    fn insert_returns_replaced() {
        let mut o = Object::new();
        assert!(o.is_empty());
        assert_eq!(o.insert(Str::from("k"), Value::Null), None);
        assert_eq!(
            o.insert(Str::from("k"), Value::Bool(true)),
            Some(Value::Null)
        );
        assert_eq!(o.get("k"), Some(&Value::Bool(true)));
        assert!(o.contains_key("k"));
        assert!(!o.contains_key("K"));
    }

    #[test]
    fn large_objects_use_the_index_and_keep_order() {
        let mut o = Object::with_capacity(4);
        for i in 0..100 {
            o.insert(Str::from(format!("k{i}")), Value::Int(i));
        }
        // the index is built by the lookups above; later inserts keep it right
        o.insert(Str::from("k5"), Value::Int(-5));
        o.insert(Str::from("new"), Value::Int(1000));
        assert_eq!(o.len(), 101);
        assert_eq!(o.get("k5"), Some(&Value::Int(-5)));
        assert_eq!(o.get("new"), Some(&Value::Int(1000)));
        assert_eq!(o.position("k99"), Some(99));
        assert_eq!(o.get_index(100).map(|(k, _)| k.as_str()), Some("new"));
        assert_eq!(o.get("k100"), None);
        let cloned = o.clone();
        assert_eq!(cloned.get("k42"), Some(&Value::Int(42)));
    }

    #[test]
    fn iteration_and_conversion() {
        let o: Object = [
            (Str::from("x"), Value::Int(1)),
            (Str::from("y"), Value::Int(2)),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            o.values().cloned().collect::<Vec<_>>(),
            [Value::Int(1), Value::Int(2)]
        );
        assert_eq!(o.iter().count(), 2);
        assert_eq!(format!("{o:?}"), "{\"x\": Int(1), \"y\": Int(2)}");
        assert_eq!(o.into_pairs().len(), 2);
    }
}

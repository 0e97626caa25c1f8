//! List methods (docs/language.md §8.4), and `+` on lists.
//!
//! The higher-order methods take the lambda as a [`Callback`]; an error it
//! returns stops the method and is passed on.

use std::collections::HashSet;
use std::rc::Rc;

use crate::error::{Result, RuntimeError};
use crate::value::{Object, Record, Shape, Str, Value, total_cmp};

/// A lambda of the program, called on one element.
pub type Callback<'a> = &'a mut dyn FnMut(&Value) -> Result<Value>;

fn truth(method: &str, v: Value) -> Result<bool> {
    v.as_bool().ok_or_else(|| {
        RuntimeError::runtime(format!(
            "{method}: the function must give a Bool, not {}",
            v.kind_name()
        ))
    })
}

/// `xs.len()`.
pub fn len(xs: &[Value]) -> i64 {
    xs.len() as i64
}

/// `xs[i]`: `null` past either end.
pub fn get(xs: &[Value], i: i64) -> Value {
    usize::try_from(i)
        .ok()
        .and_then(|i| xs.get(i))
        .cloned()
        .unwrap_or(Value::Null)
}

/// `xs.map(f)`.
pub fn map(xs: &[Value], f: Callback<'_>) -> Result<Value> {
    xs.iter()
        .map(f)
        .collect::<Result<Vec<_>>>()
        .map(Value::list)
}

/// `xs.filter(f)`: the elements for which `f` gives `true`.
pub fn filter(xs: &[Value], f: Callback<'_>) -> Result<Value> {
    let mut kept = Vec::new();
    for x in xs {
        if truth("filter", f(x)?)? {
            kept.push(x.clone());
        }
    }
    Ok(Value::list(kept))
}

/// `xs.find(f)`: the first element for which `f` gives `true`, or `null`.
pub fn find(xs: &[Value], f: Callback<'_>) -> Result<Value> {
    for x in xs {
        if truth("find", f(x)?)? {
            return Ok(x.clone());
        }
    }
    Ok(Value::Null)
}

/// `xs.any(f)`: whether `f` gives `true` for some element (`false` for `[]`).
pub fn any(xs: &[Value], f: Callback<'_>) -> Result<bool> {
    for x in xs {
        if truth("any", f(x)?)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `xs.all(f)`: whether `f` gives `true` for every element (`true` for `[]`).
pub fn all(xs: &[Value], f: Callback<'_>) -> Result<bool> {
    for x in xs {
        if !truth("all", f(x)?)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// `xs.first()`, or `null`.
pub fn first(xs: &[Value]) -> Value {
    xs.first().cloned().unwrap_or(Value::Null)
}

/// `xs.last()`, or `null`.
pub fn last(xs: &[Value]) -> Value {
    xs.last().cloned().unwrap_or(Value::Null)
}

/// `xs.flat_map(f)`: the lists `f` gives, joined.
pub fn flat_map(xs: &[Value], f: Callback<'_>) -> Result<Value> {
    let mut out = Vec::new();
    for x in xs {
        match f(x)? {
            Value::List(items) => out.extend(items.iter().cloned()),
            other => {
                return Err(RuntimeError::runtime(format!(
                    "flat_map: the function must give a list, not {}",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(Value::list(out))
}

/// The keys of `xs` by `key`, each checked to be sortable.
fn sort_keys(method: &str, xs: &[Value], key: Callback<'_>) -> Result<Vec<Value>> {
    xs.iter()
        .map(|x| match key(x)? {
            k @ (Value::Int(_) | Value::Float(_) | Value::Str(_)) => Ok(k),
            other => Err(RuntimeError::runtime(format!(
                "{method}: a key must be an Int, a Float, a String or a Date, not {}",
                other.kind_name()
            ))),
        })
        .collect()
}

/// `xs.sort_by(key, desc)`: stable (equal keys keep their order, ascending or
/// descending); keys are numbers (Int and Float together), or strings by code
/// point (so `Date`s in order). Numbers sort before strings, NaN after numbers.
pub fn sort_by(xs: &[Value], key: Callback<'_>, desc: bool) -> Result<Value> {
    let keys = sort_keys("sort_by", xs, key)?;
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| {
        let ord = total_cmp(&keys[a], &keys[b]);
        if desc { ord.reverse() } else { ord }
    });
    Ok(Value::list(
        order.into_iter().map(|i| xs[i].clone()).collect(),
    ))
}

/// `xs.group_by(key)`: a map from each key (a `String`) to the elements with that
/// key, groups in order of first appearance, elements in list order.
pub fn group_by(xs: &[Value], key: Callback<'_>) -> Result<Value> {
    let mut groups: Vec<(Str, Vec<Value>)> = Vec::new();
    let mut index: std::collections::HashMap<Str, usize> = std::collections::HashMap::new();
    for x in xs {
        let k = match key(x)? {
            Value::Str(s) => s,
            other => {
                return Err(RuntimeError::runtime(format!(
                    "group_by: a key must be a String, not {}",
                    other.kind_name()
                )));
            }
        };
        match index.get(&k) {
            Some(&i) => groups[i].1.push(x.clone()),
            None => {
                index.insert(k.clone(), groups.len());
                groups.push((k, vec![x.clone()]));
            }
        }
    }
    Ok(Value::object(Object::from_pairs(
        groups.into_iter().map(|(k, items)| (k, Value::list(items))),
    )))
}

/// A value as a hash key (JSON equality; NaN equals nothing, as with `==`).
#[derive(Hash, PartialEq)]
struct Key(Value);

impl Eq for Key {}

/// `xs.unique_by(key)`: the first element of each key (keys compared with `==`).
// An `Object`'s lazily built index is a cache that hashing and `==` never read.
#[allow(clippy::mutable_key_type)]
pub fn unique_by(xs: &[Value], key: Callback<'_>) -> Result<Value> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for x in xs {
        if seen.insert(Key(key(x)?)) {
            out.push(x.clone());
        }
    }
    Ok(Value::list(out))
}

/// `xs.sum()`: of `Int`s an `Int` (checked), with any `Float` a `Float`; `0` for `[]`.
pub fn sum(xs: &[Value]) -> Result<Value> {
    let mut int: i64 = 0;
    let mut float: Option<f64> = None;
    for x in xs {
        match (x, float.as_mut()) {
            (Value::Int(i), None) => int = super::number::add(int, *i)?,
            (Value::Int(i), Some(f)) => *f += *i as f64,
            (Value::Float(x), None) => float = Some(int as f64 + x),
            (Value::Float(x), Some(f)) => *f += x,
            (other, _) => {
                return Err(RuntimeError::runtime(format!(
                    "sum: the list holds {}, not only numbers",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(float.map_or(Value::Int(int), Value::Float))
}

/// `xs.join(sep)` of strings.
pub fn join(xs: &[Value], sep: &str) -> Result<Str> {
    let mut out = String::new();
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match x {
            Value::Str(s) => out.push_str(s),
            other => {
                return Err(RuntimeError::runtime(format!(
                    "join: the list holds {}, not only strings",
                    other.kind_name()
                )));
            }
        }
    }
    Ok(Str::from(out))
}

/// The shape of `enumerate`'s pairs: `{ index: Int, value: T }`.
pub fn enumerate_shape() -> &'static Shape {
    static SHAPE: std::sync::OnceLock<&'static Shape> = std::sync::OnceLock::new();
    SHAPE.get_or_init(|| Shape::intern(&["index", "value"], false))
}

/// `xs.enumerate()`: records `{ index, value }`, from index 0.
pub fn enumerate(xs: &[Value]) -> Value {
    let shape = enumerate_shape();
    Value::list(
        xs.iter()
            .enumerate()
            .map(|(i, x)| {
                Value::record(Record::new(
                    shape,
                    vec![Value::Int(i as i64), x.clone()],
                    None,
                ))
            })
            .collect(),
    )
}

/// `n` as a count: negative counts as 0.
fn count(n: i64) -> usize {
    usize::try_from(n).unwrap_or(0)
}

/// `xs.take(n)`: the first `n` elements (all of them if there are fewer; none
/// for a negative `n`).
pub fn take(xs: &Rc<Vec<Value>>, n: i64) -> Value {
    let n = count(n);
    if n >= xs.len() {
        return Value::List(xs.clone());
    }
    Value::list(xs[..n].to_vec())
}

/// `xs.skip(n)`: all but the first `n` elements (all of them for a negative `n`).
pub fn skip(xs: &Rc<Vec<Value>>, n: i64) -> Value {
    let n = count(n);
    if n == 0 {
        return Value::List(xs.clone());
    }
    Value::list(xs.get(n..).unwrap_or_default().to_vec())
}

/// `xs.chunk(n)`: consecutive lists of `n` elements, the last maybe shorter.
pub fn chunk(xs: &[Value], n: i64) -> Result<Value> {
    let size = usize::try_from(n)
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| RuntimeError::runtime(format!("chunk({n}): the size must be at least 1")))?;
    Ok(Value::list(
        xs.chunks(size).map(|c| Value::list(c.to_vec())).collect(),
    ))
}

/// `a + b` of two lists.
pub fn concat(a: &Rc<Vec<Value>>, b: &Rc<Vec<Value>>) -> Value {
    if b.is_empty() {
        return Value::List(a.clone());
    }
    if a.is_empty() {
        return Value::List(b.clone());
    }
    let mut joined = Vec::with_capacity(a.len() + b.len());
    joined.extend(a.iter().cloned());
    joined.extend(b.iter().cloned());
    Value::list(joined)
}

/// `head = head + tail` in place: `tail`'s elements pushed onto `head`'s vector,
/// which is copied first only when something else holds it.
pub fn extend_unique(head: &mut Rc<Vec<Value>>, tail: &[Value]) {
    if tail.is_empty() {
        return;
    }
    Rc::make_mut(head).extend(tail.iter().cloned());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, to_json_string};

    fn xs(text: &str) -> Rc<Vec<Value>> {
        match parse(text).unwrap() {
            Value::List(items) => items,
            other => panic!("not a list: {other:?}"),
        }
    }

    fn json(v: &Value) -> String {
        to_json_string(v)
    }

    fn field<'a>(name: &'a str) -> impl FnMut(&Value) -> Result<Value> + 'a {
        move |v: &Value| {
            Ok(v.get_field(name)
                .map(|c| c.into_owned())
                .unwrap_or(Value::Null))
        }
    }

    fn message<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.unwrap_err().message
    }

    #[test]
    fn basics() {
        let l = xs("[1,2,3]");
        assert_eq!(len(&l), 3);
        assert_eq!(len(&[]), 0);
        assert_eq!(first(&l), Value::Int(1));
        assert_eq!(last(&l), Value::Int(3));
        assert_eq!(first(&[]), Value::Null);
        assert_eq!(last(&[]), Value::Null);
        assert_eq!(get(&l, 2), Value::Int(3));
        assert_eq!(get(&l, 3), Value::Null);
        assert_eq!(get(&l, -1), Value::Null);
    }

    #[test]
    fn map_filter_find() {
        let l = xs("[1,2,3,4]");
        let doubled = map(&l, &mut |v| {
            super::super::number::mul_values(v, &Value::Int(2))
        })
        .unwrap();
        assert_eq!(json(&doubled), "[2,4,6,8]");
        let even = filter(&l, &mut |v| Ok(Value::Bool(v.as_int().unwrap() % 2 == 0))).unwrap();
        assert_eq!(json(&even), "[2,4]");
        assert_eq!(
            find(&l, &mut |v| Ok(Value::Bool(v.as_int() > Some(2)))).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            find(&l, &mut |_| Ok(Value::Bool(false))).unwrap(),
            Value::Null
        );
        assert_eq!(
            message(filter(&l, &mut |_| Ok(Value::Int(1)))),
            "filter: the function must give a Bool, not a number"
        );
        let mut calls = 0;
        let failing = map(&l, &mut |v| {
            calls += 1;
            if v.as_int() == Some(2) {
                Err(RuntimeError::runtime("boom"))
            } else {
                Ok(v.clone())
            }
        });
        assert_eq!(message(failing), "boom");
        assert_eq!(calls, 2);
    }

    #[test]
    fn any_all() {
        let l = xs("[1,2,3]");
        assert!(any(&l, &mut |v| Ok(Value::Bool(v.as_int() == Some(3)))).unwrap());
        assert!(!any(&[], &mut |_| Ok(Value::Bool(true))).unwrap());
        assert!(all(&l, &mut |v| Ok(Value::Bool(v.as_int() > Some(0)))).unwrap());
        assert!(!all(&l, &mut |v| Ok(Value::Bool(v.as_int() > Some(1)))).unwrap());
        assert!(all(&[], &mut |_| Ok(Value::Bool(false))).unwrap());
        assert_eq!(
            message(any(&l, &mut |_| Ok(Value::Null))),
            "any: the function must give a Bool, not null"
        );
        assert!(all(&l, &mut |_| Ok(Value::Null)).is_err());
    }

    #[test]
    fn flat_mapping() {
        let l = xs("[[1],[],[2,3]]");
        assert_eq!(
            json(&flat_map(&l, &mut |v| Ok(v.clone())).unwrap()),
            "[1,2,3]"
        );
        assert_eq!(
            message(flat_map(&l, &mut |_| Ok(Value::Int(1)))),
            "flat_map: the function must give a list, not a number"
        );
    }

    #[test]
    fn sorting_is_stable_both_ways() {
        let l = xs(
            r#"[{"k":2,"n":"a"},{"k":1,"n":"b"},{"k":2,"n":"c"},{"k":1.5,"n":"d"},{"k":1,"n":"e"}]"#,
        );
        let names = |v: Value| -> String {
            v.as_list()
                .unwrap()
                .iter()
                .map(|x| x.get_field("n").unwrap().as_str().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(sort_by(&l, &mut field("k"), false).unwrap()), "bedac");
        assert_eq!(names(sort_by(&l, &mut field("k"), true).unwrap()), "acdbe");
        let words = xs(r#"["é","z","Z","a",""]"#);
        assert_eq!(
            json(&sort_by(&words, &mut |v| Ok(v.clone()), false).unwrap()),
            r#"["","Z","a","z","é"]"#
        );
        let dates = xs(r#"["2024-01-10","2023-12-31","2024-01-09"]"#);
        assert_eq!(
            json(&sort_by(&dates, &mut |v| Ok(v.clone()), true).unwrap()),
            r#"["2024-01-10","2024-01-09","2023-12-31"]"#
        );
        assert_eq!(
            message(sort_by(&l, &mut |_| Ok(Value::Null), false)),
            "sort_by: a key must be an Int, a Float, a String or a Date, not null"
        );
        let with_nan = Rc::new(vec![
            Value::Float(f64::NAN),
            Value::Int(1),
            Value::Float(-1.0),
        ]);
        assert_eq!(
            json(&sort_by(&with_nan, &mut |v| Ok(v.clone()), false).unwrap()),
            "[-1.0,1,null]"
        );
        assert_eq!(
            json(&sort_by(&[], &mut |v| Ok(v.clone()), false).unwrap()),
            "[]"
        );
    }

    #[test]
    fn grouping() {
        let l = xs(r#"[{"v":"b","i":1},{"v":"a","i":2},{"v":"b","i":3}]"#);
        let groups = group_by(&l, &mut field("v")).unwrap();
        assert_eq!(
            json(&groups),
            r#"{"b":[{"v":"b","i":1},{"v":"b","i":3}],"a":[{"v":"a","i":2}]}"#
        );
        assert_eq!(
            message(group_by(&l, &mut field("i"))),
            "group_by: a key must be a String, not a number"
        );
        assert_eq!(json(&group_by(&[], &mut field("v")).unwrap()), "{}");
    }

    #[test]
    fn unique() {
        let l = xs(
            r#"[{"k":1,"i":0},{"k":1.0,"i":1},{"k":"1","i":2},{"k":{"a":[1]},"i":3},{"k":{"a":[1.0]},"i":4}]"#,
        );
        let kept = unique_by(&l, &mut field("k")).unwrap();
        let idx: Vec<i64> = kept
            .as_list()
            .unwrap()
            .iter()
            .map(|x| x.get_field("i").unwrap().as_int().unwrap())
            .collect();
        assert_eq!(idx, [0, 2, 3]);
    }

    #[test]
    fn sums() {
        assert_eq!(sum(&xs("[1,2,3]")).unwrap(), Value::Int(6));
        assert!(matches!(sum(&xs("[1,2.5]")).unwrap(), Value::Float(f) if f == 3.5));
        assert!(matches!(sum(&xs("[0.1,0.2]")).unwrap(), Value::Float(f) if f == 0.1 + 0.2));
        assert!(matches!(sum(&[]).unwrap(), Value::Int(0)));
        assert_eq!(
            message(sum(&xs("[9223372036854775807,1]"))),
            "integer overflow: 9223372036854775807 + 1"
        );
        assert_eq!(
            message(sum(&xs("[1,\"2\"]"))),
            "sum: the list holds a string, not only numbers"
        );
    }

    #[test]
    fn joining() {
        assert_eq!(join(&xs(r#"["a","b","c"]"#), ", ").unwrap(), "a, b, c");
        assert_eq!(join(&[], ",").unwrap(), "");
        assert_eq!(join(&xs(r#"["x"]"#), ",").unwrap(), "x");
        assert_eq!(
            message(join(&xs("[1]"), ",")),
            "join: the list holds a number, not only strings"
        );
    }

    #[test]
    fn enumerating() {
        let e = enumerate(&xs(r#"["a","b"]"#));
        assert_eq!(
            json(&e),
            r#"[{"index":0,"value":"a"},{"index":1,"value":"b"}]"#
        );
        let first = e.as_list().unwrap()[0].as_record().unwrap().shape;
        assert!(std::ptr::eq(first, enumerate_shape()));
    }

    #[test]
    fn take_skip_chunk() {
        let l = xs("[1,2,3,4,5]");
        assert_eq!(json(&take(&l, 2)), "[1,2]");
        assert_eq!(json(&take(&l, 9)), "[1,2,3,4,5]");
        assert_eq!(json(&take(&l, -1)), "[]");
        assert_eq!(json(&skip(&l, 2)), "[3,4,5]");
        assert_eq!(json(&skip(&l, 9)), "[]");
        assert_eq!(json(&skip(&l, -3)), "[1,2,3,4,5]");
        assert_eq!(json(&chunk(&l, 2).unwrap()), "[[1,2],[3,4],[5]]");
        assert_eq!(json(&chunk(&l, 5).unwrap()), "[[1,2,3,4,5]]");
        assert_eq!(json(&chunk(&[], 3).unwrap()), "[]");
        assert_eq!(
            message(chunk(&l, 0)),
            "chunk(0): the size must be at least 1"
        );
        assert!(chunk(&l, -1).is_err());
    }

    #[test]
    fn concatenation() {
        let a = xs("[1]");
        let b = xs("[2,3]");
        let empty = xs("[]");
        assert_eq!(json(&concat(&a, &b)), "[1,2,3]");
        assert!(matches!(concat(&a, &empty), Value::List(l) if Rc::ptr_eq(&l, &a)));
        assert!(matches!(concat(&empty, &b), Value::List(l) if Rc::ptr_eq(&l, &b)));
    }
}

//! The structural difference of two values, as `expect a == b` reports it: each
//! JSON path where they differ, from the left side to the right one — `added`
//! (only the right has it), `removed` (only the left has it), `changed` (both,
//! with different values). Lists are compared item by item.

use serde_json::Value as Json;

/// One difference at a JSON path (`$.attributes[0].value`).
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    Added {
        path: String,
        right: Json,
    },
    Removed {
        path: String,
        left: Json,
    },
    Changed {
        path: String,
        left: Json,
        right: Json,
    },
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::Added { path, right } => write!(f, "added   {path}: {right}"),
            Change::Removed { path, left } => write!(f, "removed {path}: {left}"),
            Change::Changed { path, left, right } => {
                write!(f, "changed {path}: {left} → {right}")
            }
        }
    }
}

/// Every difference between `left` and `right`, in document order.
pub fn diff(left: &Json, right: &Json) -> Vec<Change> {
    let mut changes = Vec::new();
    walk("$".to_string(), left, right, &mut changes);
    changes
}

fn walk(path: String, left: &Json, right: &Json, out: &mut Vec<Change>) {
    match (left, right) {
        (Json::Object(l), Json::Object(r)) => {
            for (key, lv) in l {
                let at = format!("{path}{}", key_path(key));
                match r.get(key) {
                    Some(rv) => walk(at, lv, rv, out),
                    None => out.push(Change::Removed {
                        path: at,
                        left: lv.clone(),
                    }),
                }
            }
            for (key, rv) in r {
                if !l.contains_key(key) {
                    out.push(Change::Added {
                        path: format!("{path}{}", key_path(key)),
                        right: rv.clone(),
                    });
                }
            }
        }
        (Json::Array(l), Json::Array(r)) => {
            for (i, lv) in l.iter().enumerate() {
                let at = format!("{path}[{i}]");
                match r.get(i) {
                    Some(rv) => walk(at, lv, rv, out),
                    None => out.push(Change::Removed {
                        path: at,
                        left: lv.clone(),
                    }),
                }
            }
            for (i, rv) in r.iter().enumerate().skip(l.len()) {
                out.push(Change::Added {
                    path: format!("{path}[{i}]"),
                    right: rv.clone(),
                });
            }
        }
        _ if same(left, right) => {}
        _ => out.push(Change::Changed {
            path,
            left: left.clone(),
            right: right.clone(),
        }),
    }
}

/// Numbers compare by value (`1` and `1.0` are the same number), as `==` does.
fn same(left: &Json, right: &Json) -> bool {
    match (left.as_f64(), right.as_f64()) {
        (Some(a), Some(b)) if left.is_number() && right.is_number() => a == b,
        _ => left == right,
    }
}

/// `.name`, or `["odd key"]` for a key that is not a plain name.
fn key_path(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_alphanumeric() || c == '_');
    if plain {
        format!(".{key}")
    } else {
        format!("[{}]", Json::String(key.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(l: Json, r: Json) -> Vec<String> {
        diff(&l, &r).iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn equal_values_have_no_difference() {
        assert!(
            lines(
                json!({"a": [1, {"b": null}]}),
                json!({"a": [1.0, {"b": null}]})
            )
            .is_empty()
        );
    }

    #[test]
    fn added_removed_and_changed_paths() {
        assert_eq!(
            lines(
                json!({"uid": "abc", "old": 1, "list": [1, 2], "x y": true}),
                json!({"uid": "abd", "list": [1, 2, 3], "new": {"n": 1}, "x y": false})
            ),
            [
                "changed $.uid: \"abc\" → \"abd\"",
                "removed $.old: 1",
                "added   $.list[2]: 3",
                "changed $[\"x y\"]: true → false",
                "added   $.new: {\"n\":1}",
            ]
        );
    }

    #[test]
    fn a_different_kind_is_a_change_of_the_whole() {
        assert_eq!(
            lines(json!([1]), json!({"a": 1})),
            ["changed $: [1] → {\"a\":1}"]
        );
    }
}

//! Paged ops between pages: whether there is another page, and how to ask for
//! it. Generated code reads a page's `items` (and `next`, `total`) from the
//! body, joins the items, and asks here what to send next: the `next` link, or
//! the last request again with its page, offset or cursor parameter moved on.

use crate::error::{Result, RuntimeError};
use crate::value::{Str, Value, update_field};

/// The most pages one call of a paged op reads: a server that never stops
/// (a `next` link to itself, a `page` parameter it ignores) is cut off here.
pub const MAX_PAGES: i64 = 10_000;

/// How a paged op moves from page to page (`kind` in generated code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageBy {
    /// `paged next E`: the link the body gives.
    Link = 0,
    /// `paged page "P"`: the page number, one more each page (the first is 1
    /// unless the op's query says otherwise).
    Page = 1,
    /// `paged offset "P"`: the offset, advanced by the items each page gave.
    Offset = 2,
    /// `paged cursor "P" next E`: the cursor the body gives.
    Cursor = 3,
}

impl PageBy {
    pub fn from_code(code: i64) -> Option<PageBy> {
        Some(match code {
            0 => PageBy::Link,
            1 => PageBy::Page,
            2 => PageBy::Offset,
            3 => PageBy::Cursor,
            _ => return None,
        })
    }
}

/// One page, read: what the op's binding gave for it.
pub struct Page<'a> {
    /// The op's name, for messages.
    pub op: &'a str,
    pub by: PageBy,
    /// The query parameter that moves (unused for `Link`).
    pub param: &'a str,
    /// The request this page answered: `{ path, query, headers, body }`.
    pub request: &'a Value,
    /// This page's items.
    pub items: &'a Value,
    /// The `next` expression's value (a link or a cursor), if any.
    pub next: &'a Value,
    /// The `total` expression's value, if any.
    pub total: &'a Value,
    /// How many items the pages so far gave.
    pub read: usize,
    /// How many pages have been read, this one included.
    pub pages: i64,
}

/// What to send for the next page: the link (`Link`) or the next request
/// (the others), or `null` when this page was the last.
pub fn next(page: &Page<'_>) -> Result<Value> {
    if reached_total(page)? {
        return Ok(Value::Null);
    }
    let value = match page.by {
        PageBy::Link => {
            if page.next.is_missing() {
                return Ok(Value::Null);
            }
            page.next.clone()
        }
        PageBy::Page | PageBy::Offset => {
            let count = match page.items {
                Value::List(items) => items.len(),
                _ => 0,
            };
            if count == 0 {
                return Ok(Value::Null);
            }
            let (start, step) = match page.by {
                PageBy::Page => (1, 1),
                _ => (0, count as i64),
            };
            let current = match current(page) {
                None => start,
                Some(value) => number_of(&value).ok_or_else(|| {
                    RuntimeError::runtime(format!(
                        "{}: the `{}` parameter is {}, not a whole number to count pages by",
                        page.op,
                        page.param,
                        crate::json::to_text(&value)
                    ))
                })?,
            };
            Value::Int(current.saturating_add(step))
        }
        PageBy::Cursor => {
            let cursor = match page.next {
                Value::Null | Value::Absent => return Ok(Value::Null),
                Value::Str(s) if s.as_str().is_empty() => return Ok(Value::Null),
                Value::Str(_) | Value::Int(_) | Value::Float(_) => page.next.clone(),
                other => {
                    return Err(RuntimeError::runtime(format!(
                        "{}: the next cursor must be a string or a number, not {}",
                        page.op,
                        other.kind_name()
                    )));
                }
            };
            // A server that hands back the cursor it was sent has no more.
            if current(page).is_some_and(|c| same_text(&c, &cursor)) {
                return Ok(Value::Null);
            }
            cursor
        }
    };
    if page.pages >= MAX_PAGES {
        return Err(RuntimeError::runtime(format!(
            "{}: stopped after {MAX_PAGES} pages, the most a paged op reads (does the server move on to the next page?)",
            page.op
        )));
    }
    Ok(match page.by {
        PageBy::Link => value,
        _ => with_param(page.request, page.param, value),
    })
}

/// Whether the items read so far reach `total` (when the body gives one).
fn reached_total(page: &Page<'_>) -> Result<bool> {
    if page.total.is_missing() {
        return Ok(false);
    }
    let total = number_of(page.total).ok_or_else(|| {
        RuntimeError::runtime(format!(
            "{}: `paged total` must be a whole number, not {}",
            page.op,
            crate::json::to_text(page.total)
        ))
    })?;
    Ok(page.read as i64 >= total)
}

/// The paging parameter's value in the request this page answered.
fn current(page: &Page<'_>) -> Option<Value> {
    let query = page.request.get_field("query")?;
    let value = query.get_field(page.param)?.into_owned();
    (!value.is_null()).then_some(value)
}

/// A whole number, written as one or as its text (query values often are).
fn number_of(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(*n),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i64),
        Value::Str(s) => s.as_str().trim().parse().ok(),
        _ => None,
    }
}

fn same_text(a: &Value, b: &Value) -> bool {
    crate::json::to_text(a) == crate::json::to_text(b)
}

/// The request again, its query parameter `param` set to `value` (in its
/// place when the query has it, last otherwise).
fn with_param(request: &Value, param: &str, value: Value) -> Value {
    let mut query = request
        .get_field("query")
        .map_or(Value::Null, |q| q.into_owned());
    update_field(&mut query, Str::from(param), value);
    let mut request = request.clone();
    update_field(&mut request, Str::from("query"), query);
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, to_json_string};

    fn page<'a>(by: PageBy, request: &'a Value, items: &'a Value, next: &'a Value) -> Page<'a> {
        Page {
            op: "api.list",
            by,
            param: "p",
            request,
            items,
            next,
            total: &Value::Null,
            read: 0,
            pages: 1,
        }
    }

    fn json(text: &str) -> Value {
        parse(text).unwrap()
    }

    fn next_text(page: &Page<'_>) -> String {
        to_json_string(&next(page).unwrap())
    }

    #[test]
    fn a_page_number_counts_from_the_query_or_from_one() {
        let items = json("[1]");
        let first = json(r#"{"path":"/x","query":{"a":"b"},"headers":null,"body":null}"#);
        assert_eq!(
            next_text(&page(PageBy::Page, &first, &items, &Value::Null)),
            r#"{"path":"/x","query":{"a":"b","p":2},"headers":null,"body":null}"#
        );
        let third = json(r#"{"path":"/x","query":{"p":"3","a":"b"}}"#);
        assert_eq!(
            next_text(&page(PageBy::Page, &third, &items, &Value::Null)),
            r#"{"path":"/x","query":{"p":4,"a":"b"}}"#
        );
    }

    #[test]
    fn an_offset_moves_by_the_items_the_page_gave() {
        let items = json("[1, 2, 3]");
        let request = json(r#"{"query":{"p":10}}"#);
        assert_eq!(
            next_text(&page(PageBy::Offset, &request, &items, &Value::Null)),
            r#"{"query":{"p":13}}"#
        );
    }

    #[test]
    fn an_empty_page_is_the_last() {
        let request = json(r#"{"query":null}"#);
        for items in ["[]", "null"] {
            let items = json(items);
            for by in [PageBy::Page, PageBy::Offset] {
                assert_eq!(next_text(&page(by, &request, &items, &Value::Null)), "null");
            }
        }
    }

    #[test]
    fn a_cursor_stops_when_missing_empty_or_the_same() {
        let items = json("[1]");
        let request = json(r#"{"query":{"p":"c1"}}"#);
        for (cursor, answer) in [
            ("\"c2\"", r#"{"query":{"p":"c2"}}"#),
            ("7", r#"{"query":{"p":7}}"#),
            ("null", "null"),
            ("\"\"", "null"),
            ("\"c1\"", "null"),
        ] {
            let cursor = json(cursor);
            assert_eq!(
                next_text(&page(PageBy::Cursor, &request, &items, &cursor)),
                answer
            );
        }
        let bad = json("{}");
        let error = next(&page(PageBy::Cursor, &request, &items, &bad)).unwrap_err();
        assert_eq!(
            error.message,
            "api.list: the next cursor must be a string or a number, not an object"
        );
    }

    #[test]
    fn the_total_stops_paging_once_reached() {
        let items = json("[1]");
        let request = json(r#"{"query":null}"#);
        let link = json("\"/next\"");
        for (total, read, answer) in [
            ("5", 4, "\"/next\""),
            ("5", 5, "null"),
            ("\"5\"", 6, "null"),
        ] {
            let total = json(total);
            let mut p = page(PageBy::Link, &request, &items, &link);
            p.total = &total;
            p.read = read;
            assert_eq!(next_text(&p), answer);
        }
        let total = json("true");
        let mut p = page(PageBy::Link, &request, &items, &link);
        p.total = &total;
        assert_eq!(
            next(&p).unwrap_err().message,
            "api.list: `paged total` must be a whole number, not true"
        );
    }

    #[test]
    fn paging_stops_with_an_error_past_the_cap() {
        let items = json("[1]");
        let request = json(r#"{"query":null}"#);
        let mut p = page(PageBy::Page, &request, &items, &Value::Null);
        p.pages = MAX_PAGES - 1;
        assert!(next(&p).is_ok());
        p.pages = MAX_PAGES;
        assert_eq!(
            next(&p).unwrap_err().message,
            "api.list: stopped after 10000 pages, the most a paged op reads (does the server move on to the next page?)"
        );
    }
}

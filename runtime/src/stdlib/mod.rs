//! The standard library (docs/language.md §7.2, §8): every method
//! and free function as a plain Rust function over the value model, for the
//! compiler's runtime calls (`abi.rs`) to wrap.
//!
//! - `string`: `len upper lower trim split contains starts_with ends_with replace
//!   slice to_int to_float to_date`, and `+` of strings;
//! - `number`: checked `Int` arithmetic, `/`, `div`, `%`, `round floor ceil abs
//!   min max to_string`, and the operators over any two values;
//! - `date`: `date year month day add_days format`, `now`, `today`;
//! - `list`: `len map filter find any all first last flat_map sort_by group_by sum
//!   join enumerate take skip chunk unique_by`, `xs[i]` and `+` of lists;
//! - `map`: `keys values entries get has len`;
//! - `free`: `uuid json_parse json_string csv_parse env`.
//!
//! Functions that can fail return [`Result`](crate::error::Result), with a
//! [`RuntimeError`](crate::error::RuntimeError) of kind `"runtime"` (or
//! `"decode"` for `json_parse`) whose message says what went wrong.

pub mod date;
pub mod free;
pub mod list;
pub mod map;
pub mod number;
pub mod string;

//! Standard-library methods and free functions by name: how a compiled call
//! (`ferry_method(ctx, index, receiver, args)`) reaches `stdlib`.

use crate::error::{Result, RuntimeError};
use crate::stdlib::{date, free, list, map, number, string};
use crate::value::{Str, Value};

/// Calls a function value (a compiled lambda) with one or two arguments.
pub type Call<'a> = &'a mut dyn FnMut(u64, &[&Value]) -> Result<Value>;

pub use ferry_meta::methods::Method;

fn wrong(method: Method, receiver: &Value) -> RuntimeError {
    RuntimeError::runtime(format!(
        "`{}` does not apply to {}",
        method.name(),
        receiver.kind_name()
    ))
}

fn text(v: &Value) -> Result<&Str> {
    v.as_string()
        .ok_or_else(|| RuntimeError::runtime(format!("expected a String, found {}", v.kind_name())))
}

fn int(v: &Value) -> Result<i64> {
    v.as_int()
        .ok_or_else(|| RuntimeError::runtime(format!("expected an Int, found {}", v.kind_name())))
}

fn items(v: &Value) -> Result<&[Value]> {
    v.as_list()
        .ok_or_else(|| RuntimeError::runtime(format!("expected a list, found {}", v.kind_name())))
}

/// A closure argument as a key or test function of one element.
fn unary<'a>(
    call: &'a mut dyn FnMut(u64, &[&Value]) -> Result<Value>,
    word: u64,
) -> impl FnMut(&Value) -> Result<Value> + 'a {
    move |x| call(word, &[x])
}

/// Runs `method` on `receiver` (null for a free function). `args` are the
/// argument words: values as `&Value`, functions as closure words that `call`
/// runs.
pub fn call(
    method: Method,
    receiver: &Value,
    args: &[&Value],
    words: &[u64],
    call: Call<'_>,
) -> Result<Value> {
    use Method::*;
    let arg = |i: usize| args.get(i).copied().unwrap_or(&Value::Null);
    let word = |i: usize| words.get(i).copied().unwrap_or(0);
    Ok(match method {
        Len => match receiver {
            Value::Str(s) => Value::Int(string::len(s)),
            Value::List(xs) => Value::Int(list::len(xs)),
            other => Value::Int(map::len(other)?),
        },
        Upper => Value::Str(string::upper(text(receiver)?)),
        Lower => Value::Str(string::lower(text(receiver)?)),
        Trim => Value::Str(string::trim(text(receiver)?)),
        Split => string::split(text(receiver)?, text(arg(0))?),
        Contains => Value::Bool(string::contains(text(receiver)?, text(arg(0))?)),
        StartsWith => Value::Bool(string::starts_with(text(receiver)?, text(arg(0))?)),
        EndsWith => Value::Bool(string::ends_with(text(receiver)?, text(arg(0))?)),
        Replace => Value::Str(string::replace(
            text(receiver)?,
            text(arg(0))?,
            text(arg(1))?,
        )),
        Slice => {
            let to = match arg(1) {
                Value::Null | Value::Absent => None,
                v => Some(int(v)?),
            };
            Value::Str(string::slice(text(receiver)?, int(arg(0))?, to))
        }
        ToInt => string::to_int(text(receiver)?),
        ToFloat => string::to_float(text(receiver)?),
        ToDate => string::to_date(text(receiver)?),
        Date => Value::Str(date::date(text(receiver)?)?),
        Year => Value::Int(date::year(text(receiver)?)?),
        Month => Value::Int(date::month(text(receiver)?)?),
        Day => Value::Int(date::day(text(receiver)?)?),
        AddDays => Value::Str(date::add_days(text(receiver)?, int(arg(0))?)?),
        Format => Value::Str(date::format(text(receiver)?, text(arg(0))?)?),
        ToString => number::to_string_value(receiver)?,
        Round => number::round_value(receiver)?,
        Floor => number::floor_value(receiver)?,
        Ceil => number::ceil_value(receiver)?,
        Abs => number::abs_value(receiver)?,
        Min => number::min(receiver, arg(0))?,
        Max => number::max(receiver, arg(0))?,
        Div => Value::Int(number::div(int(receiver)?, int(arg(0))?)?),
        Map => list::map(items(receiver)?, &mut unary(call, word(0)))?,
        Filter => list::filter(items(receiver)?, &mut unary(call, word(0)))?,
        Find => list::find(items(receiver)?, &mut unary(call, word(0)))?,
        Any => Value::Bool(list::any(items(receiver)?, &mut unary(call, word(0)))?),
        All => Value::Bool(list::all(items(receiver)?, &mut unary(call, word(0)))?),
        First => list::first(items(receiver)?),
        Last => list::last(items(receiver)?),
        FlatMap => list::flat_map(items(receiver)?, &mut unary(call, word(0)))?,
        SortBy => {
            let desc = matches!(arg(1), Value::Bool(true));
            list::sort_by(items(receiver)?, &mut unary(call, word(0)), desc)?
        }
        GroupBy => list::group_by(items(receiver)?, &mut unary(call, word(0)))?,
        UniqueBy => list::unique_by(items(receiver)?, &mut unary(call, word(0)))?,
        Enumerate => list::enumerate(items(receiver)?),
        Take => match receiver {
            Value::List(xs) => list::take(xs, int(arg(0))?),
            other => return Err(wrong(method, other)),
        },
        Skip => match receiver {
            Value::List(xs) => list::skip(xs, int(arg(0))?),
            other => return Err(wrong(method, other)),
        },
        Chunk => list::chunk(items(receiver)?, int(arg(0))?)?,
        Sum => list::sum(items(receiver)?)?,
        Join => Value::Str(list::join(items(receiver)?, text(arg(0))?)?),
        Keys => map::keys(receiver)?,
        Values => map::values(receiver)?,
        Entries => map::entries(receiver)?,
        Get => map::get(receiver, text(arg(0))?),
        Has => Value::Bool(map::has(receiver, text(arg(0))?)),
        Now => Value::Str(date::now()),
        Today => Value::Str(date::today()),
        Uuid => Value::Str(free::uuid()),
        JsonParse => free::json_parse(text(arg(0))?)?,
        JsonString => Value::Str(free::json_string(arg(0))),
        CsvParse => free::csv_parse(text(arg(0))?)?,
        Env => free::env(text(arg(0))?),
    })
}

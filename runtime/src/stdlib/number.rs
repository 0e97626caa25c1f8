//! Arithmetic and the methods of `Int` and `Float`
//! (docs/language.md §7.2, §8.2).
//!
//! `Int` arithmetic is checked: overflow and division by zero are runtime
//! errors, never a wrong number. `div` and `%` truncate toward zero; `/` always
//! gives a `Float`; `round` rounds halves away from zero; a `Float` that does
//! not fit an `Int` is an error when rounded.

use crate::error::{Result, RuntimeError};
use crate::json::float_text;
use crate::value::{Str, Value};

fn overflow(expression: String) -> RuntimeError {
    RuntimeError::runtime(format!("integer overflow: {expression}"))
}

fn division_by_zero() -> RuntimeError {
    RuntimeError::runtime("division by zero")
}

/// `a + b` of two `Int`s.
pub fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| overflow(format!("{a} + {b}")))
}

/// `a - b` of two `Int`s.
pub fn sub(a: i64, b: i64) -> Result<i64> {
    a.checked_sub(b)
        .ok_or_else(|| overflow(format!("{a} - {b}")))
}

/// `a * b` of two `Int`s.
pub fn mul(a: i64, b: i64) -> Result<i64> {
    a.checked_mul(b)
        .ok_or_else(|| overflow(format!("{a} * {b}")))
}

/// `a % b`: the remainder of truncating division (`-7 % 2` is `-1`; its sign is
/// the sign of `a`).
pub fn rem(a: i64, b: i64) -> Result<i64> {
    if b == 0 {
        return Err(division_by_zero());
    }
    // i64::MIN % -1 is 0 (only the quotient overflows).
    Ok(a.wrapping_rem(b))
}

/// `-a` of an `Int`.
pub fn neg(a: i64) -> Result<i64> {
    a.checked_neg().ok_or_else(|| overflow(format!("-({a})")))
}

/// `a.div(b)`: integer division, truncating toward zero (`-7.div(2)` is `-3`).
pub fn div(a: i64, b: i64) -> Result<i64> {
    if b == 0 {
        return Err(division_by_zero());
    }
    a.checked_div(b)
        .ok_or_else(|| overflow(format!("{a}.div({b})")))
}

/// `a / b`: always a `Float` (`7 / 2` is `3.5`); dividing by zero is an error.
pub fn divide(a: f64, b: f64) -> Result<f64> {
    if b == 0.0 {
        return Err(division_by_zero());
    }
    Ok(a / b)
}

/// `n.abs()` of an `Int`.
pub fn int_abs(a: i64) -> Result<i64> {
    a.checked_abs()
        .ok_or_else(|| overflow(format!("({a}).abs()")))
}

/// `x.abs()` of a `Float`.
pub fn float_abs(x: f64) -> f64 {
    x.abs()
}

/// A whole float as an `Int`, or the error for `method` of `x`.
fn to_int(whole: f64, x: f64, method: &str) -> Result<i64> {
    // Every float in [-2^63, 2^63) is in range; 2^63 itself is not.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if (-TWO_63..TWO_63).contains(&whole) {
        Ok(whole as i64)
    } else {
        let shown = if x.is_nan() {
            "NaN".to_string()
        } else if x.is_infinite() {
            if x > 0.0 { "infinity" } else { "-infinity" }.to_string()
        } else {
            float_text(x)
        };
        Err(RuntimeError::runtime(format!(
            "{method} of {shown} does not fit in an Int"
        )))
    }
}

/// `x.round()`: the nearest `Int`, halves away from zero (`2.5` is 3, `-2.5` is -3).
pub fn round(x: f64) -> Result<i64> {
    to_int(x.round(), x, "round")
}

/// `x.floor()`: the greatest `Int` not above `x`.
pub fn floor(x: f64) -> Result<i64> {
    to_int(x.floor(), x, "floor")
}

/// `x.ceil()`: the least `Int` not below `x`.
pub fn ceil(x: f64) -> Result<i64> {
    to_int(x.ceil(), x, "ceil")
}

/// `n.to_string()` of an `Int`.
pub fn int_to_string(n: i64) -> Str {
    Str::from(itoa::Buffer::new().format(n))
}

/// `x.to_string()` of a `Float`: as it prints in JSON, in the shortest text
/// that reads back (`"61.5"`, `"70.0"`; `"null"` for a non-finite float).
pub fn float_to_string(x: f64) -> Str {
    if x.is_finite() {
        Str::from(ryu::Buffer::new().format_finite(x))
    } else {
        Str::from_static("null")
    }
}

/// A number of either kind.
enum Num {
    Int(i64),
    Float(f64),
}

fn num(v: &Value, op: &str) -> Result<Num> {
    match v {
        Value::Int(i) => Ok(Num::Int(*i)),
        Value::Float(f) => Ok(Num::Float(*f)),
        other => Err(RuntimeError::runtime(format!(
            "{op} needs numbers, not {}",
            other.kind_name()
        ))),
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::Int(i) => i as f64,
        Num::Float(f) => f,
    }
}

/// `x.min(y)`: the smaller; an `Int` if both are, else a `Float`.
pub fn min(a: &Value, b: &Value) -> Result<Value> {
    pick(a, b, "min", |x, y| x <= y)
}

/// `x.max(y)`: the larger; an `Int` if both are, else a `Float`.
pub fn max(a: &Value, b: &Value) -> Result<Value> {
    pick(a, b, "max", |x, y| x >= y)
}

fn pick(a: &Value, b: &Value, op: &str, first: fn(f64, f64) -> bool) -> Result<Value> {
    Ok(match (num(a, op)?, num(b, op)?) {
        (Num::Int(x), Num::Int(y)) => {
            let first = if op == "min" { x <= y } else { x >= y };
            Value::Int(if first { x } else { y })
        }
        (x, y) => {
            let (x, y) = (as_f64(x), as_f64(y));
            // NaN wins, so that it is not hidden
            Value::Float(if x.is_nan() || (!y.is_nan() && first(x, y)) {
                x
            } else {
                y
            })
        }
    })
}

/// `a + b` of any two values of the language: numbers (checked for two `Int`s,
/// else a `Float`), strings and lists joined.
pub fn add_values(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Value::Str(super::string::concat(x, y))),
        (Value::List(x), Value::List(y)) => Ok(super::list::concat(x, y)),
        _ => arith(a, b, "+", add, |x, y| x + y),
    }
}

/// `a - b` of two numbers.
pub fn sub_values(a: &Value, b: &Value) -> Result<Value> {
    arith(a, b, "-", sub, |x, y| x - y)
}

/// `a * b` of two numbers.
pub fn mul_values(a: &Value, b: &Value) -> Result<Value> {
    arith(a, b, "*", mul, |x, y| x * y)
}

/// `a / b` of two numbers: always a `Float`.
pub fn div_values(a: &Value, b: &Value) -> Result<Value> {
    let (x, y) = (as_f64(num(a, "/")?), as_f64(num(b, "/")?));
    divide(x, y).map(Value::Float)
}

/// `a % b` of two `Int`s.
pub fn rem_values(a: &Value, b: &Value) -> Result<Value> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => rem(*x, *y).map(Value::Int),
        _ => Err(RuntimeError::runtime("% needs two Ints")),
    }
}

/// `-a` of a number.
pub fn neg_value(a: &Value) -> Result<Value> {
    match num(a, "-")? {
        Num::Int(i) => neg(i).map(Value::Int),
        Num::Float(f) => Ok(Value::Float(-f)),
    }
}

/// `x.round()` of an `Int` (itself) or a `Float`.
pub fn round_value(x: &Value) -> Result<Value> {
    whole(x, "round", round)
}

/// `x.floor()` of an `Int` (itself) or a `Float`.
pub fn floor_value(x: &Value) -> Result<Value> {
    whole(x, "floor", floor)
}

/// `x.ceil()` of an `Int` (itself) or a `Float`.
pub fn ceil_value(x: &Value) -> Result<Value> {
    whole(x, "ceil", ceil)
}

fn whole(x: &Value, method: &str, f: fn(f64) -> Result<i64>) -> Result<Value> {
    match num(x, method)? {
        Num::Int(i) => Ok(Value::Int(i)),
        Num::Float(x) => f(x).map(Value::Int),
    }
}

/// `x.abs()` of an `Int` (checked) or a `Float`, of the same type.
pub fn abs_value(x: &Value) -> Result<Value> {
    match num(x, "abs")? {
        Num::Int(i) => int_abs(i).map(Value::Int),
        Num::Float(f) => Ok(Value::Float(float_abs(f))),
    }
}

/// `x.to_string()` of an `Int` or a `Float`.
pub fn to_string_value(x: &Value) -> Result<Value> {
    match num(x, "to_string")? {
        Num::Int(i) => Ok(Value::Str(int_to_string(i))),
        Num::Float(f) => Ok(Value::Str(float_to_string(f))),
    }
}

fn arith(
    a: &Value,
    b: &Value,
    op: &str,
    ints: fn(i64, i64) -> Result<i64>,
    floats: fn(f64, f64) -> f64,
) -> Result<Value> {
    match (num(a, op)?, num(b, op)?) {
        (Num::Int(x), Num::Int(y)) => ints(x, y).map(Value::Int),
        (x, y) => Ok(Value::Float(floats(as_f64(x), as_f64(y)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.unwrap_err().message
    }

    #[test]
    fn checked_int_arithmetic() {
        assert_eq!(add(2, 3).unwrap(), 5);
        assert_eq!(
            message(add(i64::MAX, 1)),
            "integer overflow: 9223372036854775807 + 1"
        );
        assert_eq!(sub(-2, 3).unwrap(), -5);
        assert_eq!(
            message(sub(i64::MIN, 1)),
            "integer overflow: -9223372036854775808 - 1"
        );
        assert_eq!(mul(-4, 5).unwrap(), -20);
        assert_eq!(
            message(mul(i64::MAX, 2)),
            "integer overflow: 9223372036854775807 * 2"
        );
        assert_eq!(neg(5).unwrap(), -5);
        assert_eq!(
            message(neg(i64::MIN)),
            "integer overflow: -(-9223372036854775808)"
        );
        assert_eq!(int_abs(-5).unwrap(), 5);
        assert_eq!(
            message(int_abs(i64::MIN)),
            "integer overflow: (-9223372036854775808).abs()"
        );
    }

    #[test]
    fn division_truncates_toward_zero() {
        assert_eq!(div(7, 2).unwrap(), 3);
        assert_eq!(div(-7, 2).unwrap(), -3);
        assert_eq!(div(7, -2).unwrap(), -3);
        assert_eq!(rem(7, 2).unwrap(), 1);
        assert_eq!(rem(-7, 2).unwrap(), -1);
        assert_eq!(rem(7, -2).unwrap(), 1);
        assert_eq!(rem(i64::MIN, -1).unwrap(), 0);
        assert_eq!(message(div(1, 0)), "division by zero");
        assert_eq!(message(rem(1, 0)), "division by zero");
        assert_eq!(
            message(div(i64::MIN, -1)),
            "integer overflow: -9223372036854775808.div(-1)"
        );
        assert_eq!(divide(7.0, 2.0).unwrap(), 3.5);
        assert_eq!(divide(6.0, 3.0).unwrap(), 2.0);
        assert_eq!(message(divide(1.0, 0.0)), "division by zero");
        assert_eq!(message(divide(1.0, -0.0)), "division by zero");
    }

    #[test]
    fn rounding() {
        assert_eq!(round(2.5).unwrap(), 3);
        assert_eq!(round(-2.5).unwrap(), -3);
        assert_eq!(round(2.4999).unwrap(), 2);
        assert_eq!(round(-0.4).unwrap(), 0);
        assert_eq!(floor(-1.5).unwrap(), -2);
        assert_eq!(floor(1.9).unwrap(), 1);
        assert_eq!(ceil(-1.5).unwrap(), -1);
        assert_eq!(ceil(1.1).unwrap(), 2);
        assert_eq!(floor(-9.223_372_036_854_776e18).unwrap(), i64::MIN);
        assert_eq!(
            message(round(9.223_372_036_854_776e18)),
            "round of 9.223372036854776e18 does not fit in an Int"
        );
        assert_eq!(message(ceil(1e300)), "ceil of 1e300 does not fit in an Int");
        assert_eq!(
            message(floor(f64::NAN)),
            "floor of NaN does not fit in an Int"
        );
        assert_eq!(
            message(round(f64::NEG_INFINITY)),
            "round of -infinity does not fit in an Int"
        );
        assert_eq!(
            message(round(f64::INFINITY)),
            "round of infinity does not fit in an Int"
        );
        assert_eq!(float_abs(-2.5), 2.5);
    }

    #[test]
    fn to_strings() {
        assert_eq!(int_to_string(143), "143");
        assert_eq!(int_to_string(i64::MIN), "-9223372036854775808");
        assert_eq!(float_to_string(61.5), "61.5");
        assert_eq!(float_to_string(70.0), "70.0");
        assert_eq!(float_to_string(69.25), "69.25");
        assert_eq!(float_to_string(57.3), "57.3");
        assert_eq!(float_to_string(1e21), "1e21");
        assert_eq!(float_to_string(f64::NAN), "null");
    }

    #[test]
    fn min_max() {
        assert_eq!(
            min(&Value::Int(2), &Value::Int(-3)).unwrap(),
            Value::Int(-3)
        );
        assert!(matches!(
            max(&Value::Int(2), &Value::Int(-3)).unwrap(),
            Value::Int(2)
        ));
        assert!(
            matches!(min(&Value::Int(2), &Value::Float(2.5)).unwrap(), Value::Float(f) if f == 2.0)
        );
        assert!(
            matches!(max(&Value::Int(2), &Value::Float(2.5)).unwrap(), Value::Float(f) if f == 2.5)
        );
        assert!(
            matches!(min(&Value::Float(f64::NAN), &Value::Int(1)).unwrap(), Value::Float(f) if f.is_nan())
        );
        assert!(
            matches!(max(&Value::Int(1), &Value::Float(f64::NAN)).unwrap(), Value::Float(f) if f.is_nan())
        );
        assert_eq!(
            message(min(&Value::Int(1), &Value::from("2"))),
            "min needs numbers, not a string"
        );
    }

    #[test]
    fn value_methods() {
        assert_eq!(round_value(&Value::Int(7)).unwrap(), Value::Int(7));
        assert!(matches!(
            round_value(&Value::Float(-2.5)).unwrap(),
            Value::Int(-3)
        ));
        assert!(matches!(
            floor_value(&Value::Float(-2.5)).unwrap(),
            Value::Int(-3)
        ));
        assert!(matches!(
            ceil_value(&Value::Float(-2.5)).unwrap(),
            Value::Int(-2)
        ));
        assert!(matches!(
            ceil_value(&Value::Int(-2)).unwrap(),
            Value::Int(-2)
        ));
        assert_eq!(
            message(floor_value(&Value::Float(1e19))),
            "floor of 1e19 does not fit in an Int"
        );
        assert_eq!(
            message(round_value(&Value::Null)),
            "round needs numbers, not null"
        );
        assert!(matches!(abs_value(&Value::Int(-4)).unwrap(), Value::Int(4)));
        assert!(matches!(abs_value(&Value::Float(-0.5)).unwrap(), Value::Float(f) if f == 0.5));
        assert!(abs_value(&Value::Int(i64::MIN)).is_err());
        assert_eq!(
            to_string_value(&Value::Float(70.0)).unwrap(),
            Value::from("70.0")
        );
        assert_eq!(to_string_value(&Value::Int(-1)).unwrap(), Value::from("-1"));
        assert!(to_string_value(&Value::from("1")).is_err());
    }

    #[test]
    fn value_operators() {
        assert_eq!(
            add_values(&Value::Int(1), &Value::Int(2)).unwrap(),
            Value::Int(3)
        );
        assert!(
            matches!(add_values(&Value::Int(1), &Value::Float(0.5)).unwrap(), Value::Float(f) if f == 1.5)
        );
        assert_eq!(
            add_values(&Value::from("a"), &Value::from("b")).unwrap(),
            Value::from("ab")
        );
        assert_eq!(
            add_values(
                &Value::list(vec![Value::Int(1)]),
                &Value::list(vec![Value::Int(2)])
            )
            .unwrap(),
            Value::list(vec![Value::Int(1), Value::Int(2)])
        );
        assert_eq!(
            message(add_values(&Value::Int(i64::MAX), &Value::Int(1))),
            "integer overflow: 9223372036854775807 + 1"
        );
        assert_eq!(
            message(add_values(&Value::from("a"), &Value::Int(1))),
            "+ needs numbers, not a string"
        );
        assert_eq!(
            sub_values(&Value::Float(1.5), &Value::Int(1)).unwrap(),
            Value::Float(0.5)
        );
        assert_eq!(
            mul_values(&Value::Int(6), &Value::Int(7)).unwrap(),
            Value::Int(42)
        );
        assert!(
            matches!(div_values(&Value::Int(6), &Value::Int(3)).unwrap(), Value::Float(f) if f == 2.0)
        );
        assert_eq!(
            message(div_values(&Value::Int(6), &Value::Int(0))),
            "division by zero"
        );
        assert_eq!(
            rem_values(&Value::Int(-7), &Value::Int(2)).unwrap(),
            Value::Int(-1)
        );
        assert_eq!(
            message(rem_values(&Value::Float(1.0), &Value::Int(2))),
            "% needs two Ints"
        );
        assert_eq!(neg_value(&Value::Float(2.0)).unwrap(), Value::Float(-2.0));
        assert_eq!(neg_value(&Value::Int(2)).unwrap(), Value::Int(-2));
        assert_eq!(
            message(neg_value(&Value::Null)),
            "- needs numbers, not null"
        );
    }
}

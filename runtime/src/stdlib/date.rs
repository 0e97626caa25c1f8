//! `Date` and `DateTime` methods, and `now()`, `today()`
//! (docs/language.md §8.3, §8.6).
//!
//! Both are strings at run time (`"2024-03-17"`, `"2024-03-17T23:59:59+03:00"`),
//! read as written: a date-time's date is the date in its own offset, and
//! `add_days` moves the date and keeps the time and the offset as written. All
//! arithmetic is on the proleptic Gregorian calendar, without time zones (UTC
//! and fixed offsets have no daylight saving), for years 0000 to 9999.

use std::cmp::Ordering;
use std::fmt::Write as _;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime};

use crate::error::{Result, RuntimeError};
use crate::json::excerpt_str as quoted;
use crate::json::formats::{DateParts, DateTimeParts, parse_date, parse_datetime};
use crate::value::Str;

/// A `Date` or a `DateTime`, parsed.
enum Moment {
    Date(DateParts),
    DateTime(DateTimeParts),
}

fn parse(s: &str) -> Result<Moment> {
    if let Some(date) = parse_date(s) {
        return Ok(Moment::Date(date));
    }
    parse_datetime(s)
        .map(Moment::DateTime)
        .ok_or_else(|| RuntimeError::runtime(format!("{} is not a Date or a DateTime", quoted(s))))
}

impl Moment {
    fn date(&self) -> DateParts {
        match self {
            Moment::Date(d) => *d,
            Moment::DateTime(dt) => dt.date,
        }
    }
}

fn naive_date(d: DateParts) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or_else(|| {
        RuntimeError::runtime(format!(
            "{:04}-{:02}-{:02} is not a date",
            d.year, d.month, d.day
        ))
    })
}

fn naive_datetime(dt: &DateTimeParts) -> Result<DateTime<FixedOffset>> {
    let date = naive_date(dt.date)?;
    // chrono writes a leap second as second 59 with a nanosecond of 1e9 or more
    let (second, nano) = match dt.second {
        60 => (59, dt.nanosecond + 1_000_000_000),
        s => (s, dt.nanosecond),
    };
    let time = NaiveTime::from_hms_nano_opt(dt.hour, dt.minute, second, nano);
    let offset = FixedOffset::east_opt(dt.offset_seconds);
    match (time, offset) {
        (Some(time), Some(offset)) => NaiveDateTime::new(date, time)
            .and_local_timezone(offset)
            .single()
            .ok_or_else(|| RuntimeError::runtime("date-time out of range")),
        _ => Err(RuntimeError::runtime("date-time out of range")),
    }
}

/// `d.date()`: a `Date` as it is; a `DateTime`'s date as written in its own
/// offset (`2024-03-17T23:59:59+03:00` gives `2024-03-17`).
pub fn date(s: &Str) -> Result<Str> {
    match parse(s)? {
        Moment::Date(_) => Ok(s.clone()),
        Moment::DateTime(_) => Ok(Str::from(&s[..10])),
    }
}

/// `d.year()`.
pub fn year(s: &str) -> Result<i64> {
    Ok(i64::from(parse(s)?.date().year))
}

/// `d.month()`, from 1 to 12.
pub fn month(s: &str) -> Result<i64> {
    Ok(i64::from(parse(s)?.date().month))
}

/// `d.day()`, from 1 to 31.
pub fn day(s: &str) -> Result<i64> {
    Ok(i64::from(parse(s)?.date().day))
}

/// `d.add_days(n)`: `n` days later (earlier if negative), of the same type; a
/// `DateTime` keeps its time and offset as written.
pub fn add_days(s: &Str, n: i64) -> Result<Str> {
    let moment = parse(s)?;
    let start = naive_date(moment.date())?;
    let moved = match u64::try_from(n) {
        Ok(n) => start.checked_add_days(Days::new(n)),
        Err(_) => start.checked_sub_days(Days::new(n.unsigned_abs())),
    };
    let out_of_range = || {
        RuntimeError::runtime(format!(
            "{}.add_days({n}) is out of range (years 0000 to 9999)",
            quoted(s)
        ))
    };
    let moved = moved
        .filter(|d| (0..=9999).contains(&chrono::Datelike::year(d)))
        .ok_or_else(out_of_range)?;
    let mut text = moved.format("%Y-%m-%d").to_string();
    text.push_str(&s[10..]);
    Ok(Str::from(text))
}

/// `d.format(fmt)`: formatted with strftime fields (`%Y %m %d %H %M %S %j %A
/// %B %z %.3f` ...; see chrono's `format::strftime`). Time fields on a `Date` and
/// unknown fields are errors.
pub fn format(s: &str, fmt: &str) -> Result<Str> {
    let items: Vec<Item<'_>> = StrftimeItems::new(fmt).collect();
    if items.iter().any(|item| matches!(item, Item::Error)) {
        return Err(RuntimeError::runtime(format!(
            "format: {} is not a valid pattern",
            quoted(fmt)
        )));
    }
    let mut out = String::new();
    let written = match parse(s)? {
        Moment::Date(d) => write!(
            out,
            "{}",
            naive_date(d)?.format_with_items(items.into_iter())
        ),
        Moment::DateTime(dt) => write!(
            out,
            "{}",
            naive_datetime(&dt)?.format_with_items(items.into_iter())
        ),
    };
    written.map_err(|_| {
        RuntimeError::runtime(format!(
            "format: {} needs a time, and {} is a Date",
            quoted(fmt),
            quoted(s)
        ))
    })?;
    Ok(Str::from(out))
}

/// `now()`: the current time, UTC, with microseconds (`2024-01-01T06:00:32.267459Z`).
pub fn now() -> Str {
    Str::from(
        crate::testing::clock::now()
            .format("%Y-%m-%dT%H:%M:%S%.6fZ")
            .to_string(),
    )
}

/// `today()`: the current date, UTC.
pub fn today() -> Str {
    Str::from(
        crate::testing::clock::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string(),
    )
}

/// Two date-times compared as instants (`2024-03-17T23:00:00+03:00` is before
/// `2024-03-17T21:00:00Z`), where `<` on their text compares as written. Two dates
/// compare by day.
pub fn compare_instants(a: &str, b: &str) -> Result<Ordering> {
    match (parse(a)?, parse(b)?) {
        (Moment::DateTime(x), Moment::DateTime(y)) => {
            Ok(naive_datetime(&x)?.cmp(&naive_datetime(&y)?))
        }
        (Moment::Date(x), Moment::Date(y)) => Ok(naive_date(x)?.cmp(&naive_date(y)?)),
        _ => Err(RuntimeError::runtime(format!(
            "cannot compare {} with {}",
            quoted(a),
            quoted(b)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Str::from(text)
    }

    fn message<T: std::fmt::Debug>(r: Result<T>) -> String {
        r.unwrap_err().message
    }

    #[test]
    fn date_of_a_datetime_is_as_written() {
        assert_eq!(date(&s("2024-03-17T23:59:59+03:00")).unwrap(), "2024-03-17");
        assert_eq!(
            date(&s("2024-01-01T06:00:32.267459Z")).unwrap(),
            "2024-01-01"
        );
        assert_eq!(date(&s("2024-03-17")).unwrap(), "2024-03-17");
        assert_eq!(
            message(date(&s("17/03/2024"))),
            "\"17/03/2024\" is not a Date or a DateTime"
        );
    }

    #[test]
    fn fields() {
        assert_eq!(year("2024-03-17T23:59:59-05:00").unwrap(), 2024);
        assert_eq!(month("2024-03-17").unwrap(), 3);
        assert_eq!(day("2024-02-29").unwrap(), 29);
        assert!(year("2023-02-29").is_err());
        assert!(month("").is_err());
        assert!(day("2024-03-17T25:00:00Z").is_err());
    }

    #[test]
    fn adding_days() {
        assert_eq!(add_days(&s("2024-02-28"), 1).unwrap(), "2024-02-29");
        assert_eq!(add_days(&s("2023-02-28"), 1).unwrap(), "2023-03-01");
        assert_eq!(add_days(&s("2024-03-01"), -1).unwrap(), "2024-02-29");
        assert_eq!(add_days(&s("2024-12-31"), 1).unwrap(), "2025-01-01");
        assert_eq!(add_days(&s("2024-01-01"), 366).unwrap(), "2025-01-01");
        assert_eq!(add_days(&s("2024-01-01"), 0).unwrap(), "2024-01-01");
        assert_eq!(
            add_days(&s("2024-03-30T01:30:00.5+01:00"), 1).unwrap(),
            "2024-03-31T01:30:00.5+01:00"
        );
        assert_eq!(
            add_days(&s("2024-01-01T06:00:32.267459Z"), -14).unwrap(),
            "2023-12-18T06:00:32.267459Z"
        );
        assert_eq!(
            message(add_days(&s("9999-12-31"), 1)),
            "\"9999-12-31\".add_days(1) is out of range (years 0000 to 9999)"
        );
        assert!(add_days(&s("0000-01-01"), -1).is_err());
        assert!(add_days(&s("2024-01-01"), i64::MAX).is_err());
        assert!(add_days(&s("2024-01-01"), i64::MIN).is_err());
        assert!(add_days(&s("x"), 1).is_err());
    }

    #[test]
    fn formatting() {
        assert_eq!(format("2024-03-07", "%d/%m/%Y").unwrap(), "07/03/2024");
        assert_eq!(
            format("2024-03-07", "%A %e %B %Y, day %j").unwrap(),
            "Thursday  7 March 2024, day 067"
        );
        assert_eq!(
            format("2024-03-17T09:41:58.284117+03:00", "%Y-%m-%d %H:%M:%S %z").unwrap(),
            "2024-03-17 09:41:58 +0300"
        );
        assert_eq!(
            format("2024-03-17T09:41:58.284117Z", "%H:%M:%S%.3f").unwrap(),
            "09:41:58.284"
        );
        assert_eq!(
            format("2016-12-31T23:59:60Z", "%H:%M:%S").unwrap(),
            "23:59:60"
        );
        assert_eq!(format("2024-03-17", "").unwrap(), "");
        assert_eq!(
            message(format("2024-03-17", "%H:%M")),
            "format: \"%H:%M\" needs a time, and \"2024-03-17\" is a Date"
        );
        assert_eq!(
            message(format("2024-03-17", "%Q")),
            "format: \"%Q\" is not a valid pattern"
        );
        assert_eq!(
            message(format("2024-03-17", "100%")),
            "format: \"100%\" is not a valid pattern"
        );
    }

    #[test]
    fn now_and_today_are_utc() {
        let n = now();
        assert!(crate::json::formats::is_datetime(&n), "{n}");
        assert!(n.ends_with('Z') && n.len() == 27, "{n}");
        let t = today();
        assert!(crate::json::formats::is_date(&t), "{t}");
        // today() is the date of now() (unless midnight passed in between)
        let again = now();
        assert!(t.as_str() == &n[..10] || t.as_str() == &again[..10]);
    }

    #[test]
    fn instants() {
        use Ordering::*;
        assert_eq!(
            compare_instants("2024-03-17T23:00:00+03:00", "2024-03-17T21:00:00Z").unwrap(),
            Less
        );
        assert_eq!(
            compare_instants("2024-03-17T20:00:00Z", "2024-03-17T23:00:00+03:00").unwrap(),
            Equal
        );
        assert_eq!(
            compare_instants("2024-03-17T20:00:00.1Z", "2024-03-17T20:00:00Z").unwrap(),
            Greater
        );
        assert_eq!(compare_instants("2024-03-17", "2024-03-18").unwrap(), Less);
        assert!(compare_instants("2024-03-17", "2024-03-17T00:00:00Z").is_err());
    }
}

//! The text formats of the string subtypes: `Date` (`YYYY-MM-DD`), `DateTime`
//! (RFC 3339) and `Url` (absolute). One set of rules for the checker (a literal
//! given where a `Date` is expected) and the runtime (decoding, `as`, and the
//! date functions of the standard library), so the two cannot disagree.

/// A calendar date, checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateParts {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// An RFC 3339 date-time, checked. The date and time are as written, in the
/// date-time's own offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTimeParts {
    pub date: DateParts,
    pub hour: u32,
    pub minute: u32,
    /// 0 to 60 (60 only for a leap second).
    pub second: u32,
    pub nanosecond: u32,
    /// The offset from UTC in seconds (`Z` is 0).
    pub offset_seconds: i32,
}

/// Whether `year` is a leap year of the Gregorian calendar.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of `month` (1 to 12) in `year`.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// `digits` decimal digits of `b` starting at `at`.
fn number(b: &[u8], at: usize, digits: usize) -> Option<u32> {
    let part = b.get(at..at + digits)?;
    part.iter().try_fold(0u32, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
    })
}

/// A `YYYY-MM-DD` date that exists (`2024-02-29` does, `2023-02-29` does not).
pub fn parse_date(s: &str) -> Option<DateParts> {
    let b = s.as_bytes();
    if b.len() != 10 {
        return None;
    }
    parse_date_prefix(b)
}

fn parse_date_prefix(b: &[u8]) -> Option<DateParts> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    let year = number(b, 0, 4)? as i32;
    let month = number(b, 5, 2)?;
    let day = number(b, 8, 2)?;
    (1..=12)
        .contains(&month)
        .then_some(())
        .filter(|_| day >= 1 && day <= days_in_month(year, month))
        .map(|_| DateParts { year, month, day })
}

/// An RFC 3339 date-time: `2024-03-17T09:41:58Z`, `2024-03-17T23:59:59.284117+03:00`
/// (`T` and `Z` in either case; seconds up to 60 for a leap second; any number of
/// fractional digits, of which nanoseconds are kept).
pub fn parse_datetime(s: &str) -> Option<DateTimeParts> {
    let b = s.as_bytes();
    let date = parse_date_prefix(b)?;
    if !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let hour = number(b, 11, 2).filter(|h| *h < 24)?;
    let minute = number(b, 14, 2).filter(|m| *m < 60)?;
    let second = number(b, 17, 2).filter(|s| *s <= 60)?;
    let mut at = 19;
    let mut nanosecond = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanosecond = nanosecond * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start)..9 {
            nanosecond *= 10;
        }
    }
    let offset_seconds = match b.get(at) {
        Some(b'Z' | b'z') if b.len() == at + 1 => 0,
        Some(sign @ (b'+' | b'-')) if b.len() == at + 6 && b[at + 3] == b':' => {
            let h = number(b, at + 1, 2).filter(|h| *h < 24)?;
            let m = number(b, at + 4, 2).filter(|m| *m < 60)?;
            let seconds = (h * 3600 + m * 60) as i32;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    Some(DateTimeParts {
        date,
        hour,
        minute,
        second,
        nanosecond,
        offset_seconds,
    })
}

/// Whether `s` is a valid `Date`.
pub fn is_date(s: &str) -> bool {
    parse_date(s).is_some()
}

/// Whether `s` is a valid `DateTime`.
pub fn is_datetime(s: &str) -> bool {
    parse_datetime(s).is_some()
}

/// Whether `s` is an absolute URL that other URLs can be joined to
/// (`https://play.dhis2.org/40`, `file:///tmp/x`): one that parses, with a
/// scheme, and is not of the cannot-be-a-base kind (`mailto:x`, or `localhost:8080`,
/// which would parse as the scheme `localhost`).
pub fn is_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| !u.cannot_be_a_base())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2024-02-29"),
            Some(DateParts {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        assert!(is_date("2000-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(is_date("2023-12-31"));
        assert!(!is_date("2023-12-32"));
        assert!(!is_date("2023-13-01"));
        assert!(!is_date("2023-00-01"));
        assert!(!is_date("2023-01-00"));
        assert!(!is_date("2023-1-01"));
        assert!(!is_date("2023-01-01T00:00:00Z"));
        assert!(!is_date("2023/01/01"));
        assert!(!is_date("２０２３-01-01"));
        assert!(!is_date(""));
        assert!(is_date("0000-01-01"));
        assert_eq!(days_in_month(2024, 13), 0);
        assert!(is_leap_year(2400) && !is_leap_year(2100));
    }

    #[test]
    fn datetimes() {
        let p = parse_datetime("2024-01-01T06:00:32.267459Z").unwrap();
        assert_eq!(
            (p.hour, p.minute, p.second, p.nanosecond, p.offset_seconds),
            (6, 0, 32, 267_459_000, 0)
        );
        let p = parse_datetime("2024-03-17T23:59:59+03:00").unwrap();
        assert_eq!(
            p.date,
            DateParts {
                year: 2024,
                month: 3,
                day: 17
            }
        );
        assert_eq!(p.offset_seconds, 3 * 3600);
        assert_eq!(parse_datetime("2024-03-17t23:59:59-05:30z"), None);
        assert_eq!(
            parse_datetime("2024-03-17t23:59:59-05:30")
                .unwrap()
                .offset_seconds,
            -19800
        );
        assert_eq!(parse_datetime("2016-12-31T23:59:60z").unwrap().second, 60);
        assert_eq!(
            parse_datetime("2024-01-01T00:00:00.123456789123Z")
                .unwrap()
                .nanosecond,
            123_456_789
        );
        assert!(!is_datetime("2024-01-01T00:00:00"));
        assert!(!is_datetime("2024-01-01 00:00:00Z"));
        assert!(!is_datetime("2024-01-01T24:00:00Z"));
        assert!(!is_datetime("2024-01-01T00:60:00Z"));
        assert!(!is_datetime("2024-01-01T00:00:61Z"));
        assert!(!is_datetime("2024-01-01T00:00:00.Z"));
        assert!(!is_datetime("2024-01-01T00:00:00+0300"));
        assert!(!is_datetime("2024-01-01T00:00:00+24:00"));
        assert!(!is_datetime("2024-02-30T00:00:00Z"));
        assert!(!is_datetime("2024-01-01"));
        assert!(!is_datetime("2024-01-01T00:00:00ZZ"));
    }

    #[test]
    fn urls() {
        assert!(is_url("https://play.dhis2.org/40"));
        assert!(is_url("http://127.0.0.1:8080/api?x=1"));
        assert!(is_url("file:///tmp/x"));
        assert!(!is_url("/api/tracker"));
        assert!(!is_url("localhost:8080"));
        assert!(!is_url("mailto:a@example.org"));
        assert!(!is_url("https://"));
        assert!(!is_url(""));
    }
}

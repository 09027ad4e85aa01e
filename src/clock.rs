//! The user's day: the time zone that decides "today", where a cycle starts and
//! ends, and which day a measurement falls on.
//!
//! Instants are stored as instants (UTC timestamps); only days depend on a zone. A
//! process reads its zone once, from `--tz` or `GROUNDED_TZ`, else the machine's.
//! A command relayed to the process that owns the database brings its own zone,
//! which holds on that command's thread ([`with_zone`]), so a terminal in Tokyo
//! and a server in Frankfurt each count their own "today".

use std::cell::RefCell;
use std::sync::OnceLock;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::validate;

static PROCESS_ZONE: OnceLock<TimeZone> = OnceLock::new();

thread_local! {
    static THREAD_ZONE: RefCell<Option<TimeZone>> = const { RefCell::new(None) };
}

/// Reads a zone name: an IANA name (Europe/Berlin, America/Los_Angeles) or UTC.
pub fn parse_zone(field: &str, name: &str) -> Result<TimeZone> {
    let name = name.trim();
    TimeZone::get(name).map_err(|_| {
        Error::invalid(
            field,
            format!(
                "{:?} is not a time zone; give an IANA name such as Europe/Berlin, America/New_York or UTC",
                validate::truncate(name, 40)
            ),
        )
    })
}

/// Sets this process's zone (at start-up, from `--tz`). Later calls change nothing.
pub fn set_process_zone(zone: TimeZone) {
    let _ = PROCESS_ZONE.set(zone);
}

/// Runs `work` with `zone` as this thread's zone: a relayed command's own.
pub fn with_zone<R>(zone: TimeZone, work: impl FnOnce() -> R) -> R {
    let previous = THREAD_ZONE.with_borrow_mut(|z| z.replace(zone));
    let result = work();
    THREAD_ZONE.with_borrow_mut(|z| *z = previous);
    result
}

/// The zone in force: the thread's, else the process's, else `GROUNDED_TZ`, else
/// the machine's (UTC when the machine has none).
pub fn zone() -> TimeZone {
    if let Some(zone) = THREAD_ZONE.with_borrow(Clone::clone) {
        return zone;
    }
    PROCESS_ZONE
        .get_or_init(|| {
            std::env::var("GROUNDED_TZ")
                .ok()
                .and_then(|name| TimeZone::get(name.trim()).ok())
                .unwrap_or_else(TimeZone::system)
        })
        .clone()
}

/// The zone's name as a person reads it (Europe/Berlin), for answers and relays.
pub fn zone_name(zone: &TimeZone) -> String {
    zone.iana_name().map(str::to_string).unwrap_or_else(|| format!("{:?}", zone))
}

/// The user's today.
pub fn today() -> Date {
    day_of(Timestamp::now())
}

/// The day an instant falls on in the user's zone.
pub fn day_of(at: Timestamp) -> Date {
    at.to_zoned(zone()).date()
}

/// The first instant of a day in the user's zone.
pub fn start_of(date: Date) -> Timestamp {
    date.to_zoned(zone()).map(|z| z.timestamp()).unwrap_or(Timestamp::MIN)
}

/// The last instant of a day in the user's zone.
pub fn end_of(date: Date) -> Timestamp {
    date.tomorrow()
        .ok()
        .and_then(|next| next.to_zoned(zone()).ok())
        .and_then(|z| z.timestamp().checked_sub(jiff::SignedDuration::from_micros(1)).ok())
        .unwrap_or(Timestamp::MAX)
}

// How a file writes dates with slashes or dots: 10/03/2026 is 10 March day-first and
// October 3 month-first. Stated by the caller, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateOrder {
    DayFirst,
    MonthFirst,
}

/// Reads a day: YYYY-MM-DD, an RFC 3339 time (its day in the user's zone), or
/// with a stated order, 10/03/2026 or 10.03.2026.
pub fn parse_day(field: &str, text: &str, order: Option<DateOrder>) -> Result<Date> {
    let text = text.trim();
    if let Ok(date) = text.parse::<Date>() {
        return validate::date_in_range(field, date);
    }
    if let Ok(at) = text.parse::<Timestamp>() {
        return validate::date_in_range(field, at.to_zoned(zone()).date());
    }
    if let Some(date) = ordered(field, text, order)? {
        return validate::date_in_range(field, date);
    }
    Err(Error::invalid(
        field,
        format!(
            "{:?} is not a date; write YYYY-MM-DD (2026-12-31) or an RFC 3339 time (2026-10-02T14:33:00Z)",
            validate::truncate(text, 40)
        ),
    ))
}

/// Reads a time: an RFC 3339 time keeps its instant; a day alone (in any form
/// [`parse_day`] reads) is its first instant in the user's zone.
pub fn parse_time(field: &str, text: &str, order: Option<DateOrder>) -> Result<Timestamp> {
    let text = text.trim();
    if let Ok(at) = text.parse::<Timestamp>() {
        validate::date_in_range(field, at.to_zoned(zone()).date())?;
        return Ok(at);
    }
    let day = parse_day(field, text, order).map_err(|_| {
        Error::invalid(
            field,
            format!(
                "{:?} is not a time; write YYYY-MM-DD (the day's start in {}) or an RFC 3339 time such as 2026-10-05T09:00:00Z",
                validate::truncate(text, 40),
                zone_name(&zone())
            ),
        )
    })?;
    Ok(start_of(day))
}

/// 10/03/2026 or 10.03.2026 read in the stated order; an error when the text has
/// that shape but no order was stated; None when it has another shape.
fn ordered(field: &str, text: &str, order: Option<DateOrder>) -> Result<Option<Date>> {
    let parts: Vec<&str> = text.split(['/', '.']).collect();
    let [a, b, year] = parts.as_slice() else { return Ok(None) };
    let (Ok(a), Ok(b), Ok(year)) = (a.parse::<i8>(), b.parse::<i8>(), year.parse::<i16>()) else { return Ok(None) };
    if year < 1000 {
        return Ok(None);
    }
    let Some(order) = order else {
        return Err(Error::invalid(
            field,
            crate::words![
                format!("{text:?} could be day-first or month-first; state the file's date format ("),
                crate::error::setting("date_format", "day_first or month_first"),
                "), or write YYYY-MM-DD"
            ],
        ));
    };
    let (day, month) = match order {
        DateOrder::DayFirst => (a, b),
        DateOrder::MonthFirst => (b, a),
    };
    Date::new(year, month, day)
        .map(Some)
        .map_err(|_| Error::invalid(field, format!("{text:?} is not a date when read {}", order_name(order))))
}

fn order_name(order: DateOrder) -> &'static str {
    match order {
        DateOrder::DayFirst => "day-first",
        DateOrder::MonthFirst => "month-first",
    }
}

/// The days from `from` to `to`, with their fraction.
pub fn days_between(from: jiff::Timestamp, to: jiff::Timestamp) -> f64 {
    (to.as_second() - from.as_second()) as f64 / 86_400.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn in_zone<R>(name: &str, work: impl FnOnce() -> R) -> R {
        with_zone(TimeZone::get(name).unwrap(), work)
    }

    #[test]
    fn a_day_starts_at_midnight_in_the_users_zone() {
        let date = Date::constant(2026, 11, 20);
        let start = in_zone("America/Los_Angeles", || start_of(date));
        assert_eq!(start.to_string(), "2026-11-20T08:00:00Z");
        let end = in_zone("Asia/Tokyo", || end_of(date));
        assert_eq!(end.to_string(), "2026-11-20T14:59:59.999999Z");
    }

    #[test]
    fn an_instant_with_an_offset_keeps_it_and_falls_on_the_users_day() {
        let at = parse_time("at", "2026-11-20T23:30:00-08:00", None).unwrap();
        assert_eq!(at.to_string(), "2026-11-21T07:30:00Z");
        assert_eq!(in_zone("America/Los_Angeles", || day_of(at)), Date::constant(2026, 11, 20));
        assert_eq!(in_zone("Europe/Berlin", || day_of(at)), Date::constant(2026, 11, 21));
    }

    #[test]
    fn a_day_alone_is_the_start_of_that_day_in_the_zone() {
        let at = in_zone("Pacific/Kiritimati", || parse_time("at", "2026-11-30", None).unwrap());
        assert_eq!(at.to_string(), "2026-11-29T10:00:00Z");
    }

    #[test]
    fn slash_dates_need_a_stated_order() {
        let error = parse_day("observed_at", "10/03/2026", None).unwrap_err().to_string();
        assert!(error.contains("day_first or month_first"), "{error}");
        assert_eq!(parse_day("d", "10/03/2026", Some(DateOrder::DayFirst)).unwrap(), Date::constant(2026, 3, 10));
        assert_eq!(parse_day("d", "10/03/2026", Some(DateOrder::MonthFirst)).unwrap(), Date::constant(2026, 10, 3));
        assert_eq!(parse_day("d", "31.12.2026", Some(DateOrder::DayFirst)).unwrap(), Date::constant(2026, 12, 31));
        let error = parse_day("d", "31/12/2026", Some(DateOrder::MonthFirst)).unwrap_err().to_string();
        assert!(error.contains("month-first"), "{error}");
        let day = in_zone("UTC", || parse_day("d", "2026-10-02T14:33:00Z", None).unwrap());
        assert_eq!(day, Date::constant(2026, 10, 2));
        assert!(parse_day("d", "yesterday", None).unwrap_err().to_string().contains("YYYY-MM-DD"));
    }

    #[test]
    fn a_bad_zone_name_says_what_is_accepted() {
        assert!(parse_zone("tz", "Mars/Olympus").unwrap_err().to_string().contains("IANA name"));
        assert!(parse_zone("tz", "Asia/Kolkata").is_ok());
    }
}

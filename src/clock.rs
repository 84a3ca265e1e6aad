//! The clock of one command: the moment it runs at, and the date and time of day where the
//! user is. The caller reads the system clock or an override and hands it in; nothing here
//! reads the environment.

use crate::record::Date;

/// The clock of one command.
///
/// A fixed time ([`Clock::parse`]) has one meaning: the moment the command runs at, where the
/// user is.
/// - An RFC 3339 time (`2026-11-28T09:00:00-06:00`) is that moment; the date and time of day
///   are as written, in its offset.
/// - A plain date (`2026-11-28`) is that day with no time of day known: all of it is still
///   ahead (the time of day is its start), and commits are stamped noon UTC, which is the
///   same date in every US time zone.
#[derive(Debug, PartialEq)]
pub struct Clock {
    /// The instant: commit times.
    pub now: jiff::Timestamp,
    /// The date and time of day where the user is; `None` when the system time zone says
    /// (read only when asked: it costs about a millisecond).
    pub local: Option<jiff::civil::DateTime>,
}

/// A fixed time that is neither an RFC 3339 time nor a date.
#[derive(Debug, thiserror::Error)]
#[error("`{text}` is neither an RFC 3339 time nor a date")]
pub struct ClockError {
    pub text: String,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock {
            now: jiff::Timestamp::now(),
            local: None,
        }
    }

    /// A fixed clock: `text` is an RFC 3339 time or a plain date.
    pub fn parse(text: &str) -> Result<Clock, ClockError> {
        let bad = || ClockError {
            text: text.to_owned(),
        };
        if let Ok(date) = text.trim().parse::<Date>() {
            let noon = date
                .0
                .at(12, 0, 0, 0)
                .to_zoned_datetime(jiff::tz::TimeZone::UTC)
                .map_err(|_| bad())?;
            return Ok(Clock {
                now: noon.timestamp(),
                local: Some(date.0.at(0, 0, 0, 0)),
            });
        }
        let now: jiff::Timestamp = text.parse().map_err(|_| bad())?;
        let pieces = jiff::fmt::temporal::Pieces::parse(text).map_err(|_| bad())?;
        let local = pieces.date().to_datetime(pieces.time().unwrap_or_default());
        Ok(Clock {
            now,
            local: Some(local),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> jiff::civil::DateTime {
        text.parse().unwrap()
    }

    #[test]
    fn a_plain_date_is_that_whole_day_and_commits_at_noon_utc() {
        let clock = Clock::parse("2026-11-28").unwrap();
        assert_eq!(clock.now, "2026-11-28T12:00:00Z".parse().unwrap());
        assert_eq!(clock.local, Some(at("2026-11-28T00:00")));
    }

    #[test]
    fn a_time_keeps_the_date_and_time_of_day_as_written() {
        // Late evening in Chicago is already the next day in UTC: today is still the 28th.
        let clock = Clock::parse("2026-11-28T23:30:00-06:00").unwrap();
        assert_eq!(clock.now, "2026-11-29T05:30:00Z".parse().unwrap());
        assert_eq!(clock.local, Some(at("2026-11-28T23:30")));
    }

    #[test]
    fn anything_else_is_refused_naming_what_was_given() {
        for text in ["tomorrow", "  ", "2026-11-28T09:00:00", "2026-02-30"] {
            let e = Clock::parse(text).unwrap_err();
            assert_eq!(e.text, text);
            assert!(
                e.to_string()
                    .contains("neither an RFC 3339 time nor a date"),
                "{text}"
            );
        }
    }
}

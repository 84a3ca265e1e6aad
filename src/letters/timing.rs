//! How much notice a recording notice gives: the time from the letter to the meeting, against
//! the notice period of the case's rules (the `recording-notice` rule, 24 hours in Mississippi).
//!
//! A letter has a date but rarely a time: unless the time of writing is known, it counts from
//! the end of its day, so a letter never claims more notice than it may give.

use jiff::civil;

use super::LetterError;
use crate::record::{Date, Time};
use crate::rules::RuleSet;
use crate::rules::rule::Offset;

/// The rule whose offset is the notice period.
const RULE: &str = "recording-notice";

/// The notice a recording notice gives before its meeting.
#[derive(Clone, Debug, PartialEq)]
pub struct NoticeTiming {
    /// The letter's date.
    pub letter: Date,
    /// The meeting's date and time.
    pub meeting_date: Date,
    pub meeting_time: Option<Time>,
    /// Whole hours from the letter to the meeting.
    pub hours_left: i64,
    /// The notice period the case's rules ask for, in hours, and the rule set's name
    /// (`Mississippi`); `None` when the rules have no period.
    pub required: Option<(i64, String)>,
}

impl NoticeTiming {
    /// Whether less than the required period remains.
    pub fn short(&self) -> bool {
        self.required
            .as_ref()
            .is_some_and(|(hours, _)| self.hours_left < *hours)
    }

    /// Whether the required period is met; `None` when the rules have no period.
    pub fn met(&self) -> Option<bool> {
        self.required.as_ref().map(|_| !self.short())
    }

    /// The latest time the letter can go out and still give the required notice.
    pub fn send_by(&self) -> Option<(Date, Time)> {
        let (hours, _) = self.required.as_ref()?;
        let meeting = self
            .meeting_date
            .0
            .to_datetime(self.meeting_time.map_or(civil::Time::midnight(), |t| t.0));
        let by = meeting
            .checked_sub(jiff::SignedDuration::from_hours(*hours))
            .ok()?;
        Some((Date(by.date()), Time(by.time())))
    }
}

/// The notice period of `rules`, in hours.
pub fn notice_hours(rules: &RuleSet) -> Option<i64> {
    match rules.rule(RULE)?.offset {
        Some(Offset::Hours(h)) => Some(-h),
        Some(Offset::Days(d)) => Some(-d * 24),
        _ => None,
    }
}

/// The notice a letter dated `letter` (written at `written`, when known) gives before a
/// meeting on `meeting_date` (at `meeting_time`); an error when the meeting is not after the
/// letter's day.
pub fn timing(
    letter: Date,
    written: Option<Time>,
    meeting_date: Date,
    meeting_time: Option<Time>,
    rules: Option<&RuleSet>,
) -> Result<NoticeTiming, LetterError> {
    if meeting_date <= letter {
        return Err(LetterError::NoticeAfterMeeting {
            letter,
            meeting: meeting_date,
        });
    }
    // Unknown times count against the notice: written at the end of the letter's day, a
    // meeting at the start of its own.
    let sent = letter
        .0
        .to_datetime(written.map_or(civil::Time::MAX, |t| t.0));
    let held = meeting_date
        .0
        .to_datetime(meeting_time.map_or(civil::Time::midnight(), |t| t.0));
    let hours_left = sent.duration_until(held).as_secs() / 3600;
    let required = rules.and_then(|r| notice_hours(r).map(|h| (h, r.title.clone())));
    Ok(NoticeTiming {
        letter,
        meeting_date,
        meeting_time,
        hours_left,
        required,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::book::Rulebook;

    fn date(text: &str) -> Date {
        text.parse().unwrap()
    }

    fn time(text: &str) -> Option<Time> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn the_notice_period_comes_from_the_state_rules() {
        let book = Rulebook::builtin().unwrap();
        let ms = book.select(Some("MS")).set;
        assert_eq!(notice_hours(ms), Some(24));
        assert_eq!(notice_hours(book.select(None).set), None);
        let two_days = timing(
            date("2026-11-28"),
            None,
            date("2026-12-01"),
            time("09:00"),
            Some(ms),
        )
        .unwrap();
        assert_eq!(two_days.met(), Some(true));
        let day_before = timing(
            date("2026-11-30"),
            None,
            date("2026-12-01"),
            time("09:00"),
            Some(ms),
        )
        .unwrap();
        assert_eq!(
            (day_before.hours_left, day_before.short()),
            (9, true),
            "counted from the end of the letter's day"
        );
        assert_eq!(
            day_before.send_by(),
            Some((date("2026-11-30"), time("09:00").unwrap()))
        );
        let early = timing(
            date("2026-11-30"),
            time("08:00"),
            date("2026-12-01"),
            time("09:00"),
            Some(ms),
        )
        .unwrap();
        assert_eq!((early.hours_left, early.met()), (25, Some(true)));
        let federal = timing(date("2026-11-30"), None, date("2026-12-01"), None, None).unwrap();
        assert_eq!(federal.met(), None);
    }

    #[test]
    fn a_notice_on_or_after_the_meeting_is_an_error() {
        for letter in ["2026-12-01", "2026-12-05"] {
            let err = timing(date(letter), None, date("2026-12-01"), time("09:00"), None);
            assert!(
                matches!(err, Err(LetterError::NoticeAfterMeeting { .. })),
                "{letter}: {err:?}"
            );
        }
    }
}

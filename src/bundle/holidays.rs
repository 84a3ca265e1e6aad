//! US federal holidays and business-day counting, just enough for the cover note's
//! disclosure date (34 CFR 300.512(b)).
//!
//! Kept private to the bundle and behind two functions on purpose: the deadline rules own the
//! full calendar (federal and state holidays, school days), and this module is meant to be
//! replaced by a call into that calendar once it exists. Nothing else in `bundle` knows how
//! holidays are found.

use jiff::civil::{Date, Weekday};

/// Whether `date` is a Saturday or Sunday.
fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The `nth` (1-based) `weekday` of `month` in `year`.
fn nth_weekday(year: i16, month: i8, weekday: Weekday, nth: i8) -> Option<Date> {
    Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(nth, weekday)
        .ok()
}

/// The day a fixed-date holiday is observed: Saturday moves to Friday, Sunday to Monday
/// (5 U.S.C. 6103(b)).
fn observed(year: i16, month: i8, day: i8) -> Option<Date> {
    let date = Date::new(year, month, day).ok()?;
    match date.weekday() {
        Weekday::Saturday => date.yesterday().ok(),
        Weekday::Sunday => date.tomorrow().ok(),
        _ => Some(date),
    }
}

/// The observed federal holidays of `year` (5 U.S.C. 6103(a)).
fn federal_holidays(year: i16) -> Vec<Date> {
    let mut days = vec![
        observed(year, 1, 1),                        // New Year's Day
        nth_weekday(year, 1, Weekday::Monday, 3),    // Birthday of Martin Luther King, Jr.
        nth_weekday(year, 2, Weekday::Monday, 3),    // Washington's Birthday
        nth_weekday(year, 5, Weekday::Monday, -1),   // Memorial Day
        observed(year, 7, 4),                        // Independence Day
        nth_weekday(year, 9, Weekday::Monday, 1),    // Labor Day
        nth_weekday(year, 10, Weekday::Monday, 2),   // Columbus Day
        observed(year, 11, 11),                      // Veterans Day
        nth_weekday(year, 11, Weekday::Thursday, 4), // Thanksgiving Day
        observed(year, 12, 25),                      // Christmas Day
        observed(year + 1, 1, 1),                    // next New Year's, observed on Dec 31
    ];
    if year >= 2021 {
        days.push(observed(year, 6, 19)); // Juneteenth National Independence Day
    }
    days.into_iter().flatten().collect()
}

/// Whether `date` is a business day: a weekday that is not a federal holiday.
pub(super) fn is_business_day(date: Date) -> bool {
    !is_weekend(date) && !federal_holidays(date.year()).contains(&date)
}

/// The date `count` business days before `date`.
pub(super) fn business_days_before(date: Date, count: u32) -> Date {
    let mut day = date;
    let mut left = count;
    while left > 0 {
        match day.yesterday() {
            Ok(previous) => day = previous,
            Err(_) => return day,
        }
        if is_business_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn holidays_of_2027_are_observed_correctly() {
        let days = federal_holidays(2027);
        for day in [
            "2027-01-01", // a Friday
            "2027-01-18", // MLK Day
            "2027-02-15",
            "2027-05-31",
            "2027-06-18", // Juneteenth falls on a Saturday
            "2027-07-05", // the Fourth falls on a Sunday
            "2027-09-06",
            "2027-10-11",
            "2027-11-11",
            "2027-11-25",
            "2027-12-24", // Christmas falls on a Saturday
            "2027-12-31", // New Year's Day 2028 falls on a Saturday
        ] {
            assert!(days.contains(&d(day)), "{day} is a holiday");
        }
        assert!(!is_business_day(d("2027-01-18")));
        assert!(is_business_day(d("2027-01-19")));
        assert!(!is_business_day(d("2027-01-23")), "Saturday");
    }

    #[test]
    fn disclosure_is_five_business_days_before_the_hearing() {
        // The example case: hearing Tuesday 2027-01-26; MLK Day 2027-01-18 is not reached.
        assert_eq!(business_days_before(d("2027-01-26"), 5), d("2027-01-19"));
        // A hearing on Monday 2027-01-25 skips the weekend and MLK Day.
        assert_eq!(business_days_before(d("2027-01-25"), 5), d("2027-01-15"));
        // Thanksgiving week 2026: hearing Tuesday Dec 1; Nov 26 is a holiday.
        assert_eq!(business_days_before(d("2026-12-01"), 5), d("2026-11-23"));
    }
}

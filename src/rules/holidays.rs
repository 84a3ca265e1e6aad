//! Holidays: the US federal holidays of 5 U.S.C. 6103 for any year, and the state holidays a
//! rule file lists (`[[holiday]]`).
//!
//! A federal holiday that falls on a Saturday is observed on the Friday before, one on a Sunday
//! on the Monday after (5 U.S.C. 6103(b); Executive Order 11582). New Year's Day on a Saturday
//! is therefore observed on December 31 of the year before, which the per-year lists account
//! for.

use jiff::civil::{self, Weekday};

use crate::record::Date;

/// How a holiday that falls on a weekend is observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observance {
    /// Not moved: a weekend holiday is simply a weekend day.
    None,
    /// Saturday to the Friday before, Sunday to the Monday after (the federal rule).
    Federal,
    /// Sunday to the Monday after; Saturday not moved.
    Sunday,
}

/// Which day of the year a holiday falls on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HolidayDate {
    /// A fixed month and day, such as March 2.
    Fixed { month: i8, day: i8 },
    /// The `week`-th `weekday` of `month` (`-1` = the last), moved by `shift` days: the day
    /// after Thanksgiving is the fourth Thursday of November shifted by 1.
    Nth {
        month: i8,
        weekday: Weekday,
        week: i8,
        shift: i8,
    },
    /// One date only, such as a closure by executive order.
    Once(Date),
}

/// A holiday from a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HolidaySpec {
    pub name: String,
    pub date: HolidayDate,
    pub observed: Observance,
}

impl HolidaySpec {
    /// The day the holiday is observed on, in the calendar year it is observed in (which for
    /// a Saturday January 1 is the year before).
    fn observed_for(&self, year: i16) -> Option<civil::Date> {
        let actual = match self.date {
            HolidayDate::Fixed { month, day } => civil::Date::new(year, month, day).ok()?,
            HolidayDate::Nth {
                month,
                weekday,
                week,
                shift,
            } => nth_weekday(year, month, week, weekday)?
                .checked_add(jiff::Span::new().days(i64::from(shift)))
                .ok()?,
            HolidayDate::Once(date) if date.0.year() == year => date.0,
            HolidayDate::Once(_) => return None,
        };
        Some(observe(actual, self.observed))
    }

    /// The observed dates of this holiday that fall in calendar year `year`.
    pub fn dates_in(&self, year: i16) -> Vec<civil::Date> {
        [year.checked_sub(1), Some(year), year.checked_add(1)]
            .into_iter()
            .flatten()
            .filter_map(|y| self.observed_for(y))
            .filter(|d| d.year() == year)
            .collect()
    }
}

/// `date` moved off a weekend according to `observance`.
fn observe(date: civil::Date, observance: Observance) -> civil::Date {
    let moved = match (observance, date.weekday()) {
        (Observance::Federal, Weekday::Saturday) => date.yesterday(),
        (Observance::Federal | Observance::Sunday, Weekday::Sunday) => date.tomorrow(),
        _ => Ok(date),
    };
    moved.unwrap_or(date)
}

/// The `week`-th `weekday` of `month` in `year`; `week = -1` is the last.
fn nth_weekday(year: i16, month: i8, week: i8, weekday: Weekday) -> Option<civil::Date> {
    civil::Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(week, weekday)
        .ok()
}

/// The federal holidays of 5 U.S.C. 6103(a), as specs. Martin Luther King Jr. Day exists from
/// 1986 and Juneteenth from 2021; [`federal_holidays`] leaves them out of earlier years.
fn federal_specs() -> [(HolidaySpec, i16); 11] {
    let fixed = |name: &str, month, day| HolidaySpec {
        name: name.to_owned(),
        date: HolidayDate::Fixed { month, day },
        observed: Observance::Federal,
    };
    let nth = |name: &str, month, week, weekday| HolidaySpec {
        name: name.to_owned(),
        date: HolidayDate::Nth {
            month,
            weekday,
            week,
            shift: 0,
        },
        observed: Observance::Federal,
    };
    [
        (fixed("New Year's Day", 1, 1), i16::MIN),
        (
            nth("Martin Luther King Jr. Day", 1, 3, Weekday::Monday),
            1986,
        ),
        (
            nth(
                "Washington's Birthday (Presidents' Day)",
                2,
                3,
                Weekday::Monday,
            ),
            i16::MIN,
        ),
        (nth("Memorial Day", 5, -1, Weekday::Monday), i16::MIN),
        (fixed("Juneteenth National Independence Day", 6, 19), 2021),
        (fixed("Independence Day", 7, 4), i16::MIN),
        (nth("Labor Day", 9, 1, Weekday::Monday), i16::MIN),
        (nth("Columbus Day", 10, 2, Weekday::Monday), i16::MIN),
        (fixed("Veterans Day", 11, 11), i16::MIN),
        (nth("Thanksgiving Day", 11, 4, Weekday::Thursday), i16::MIN),
        (fixed("Christmas Day", 12, 25), i16::MIN),
    ]
}

/// The federal holidays observed in `year`, in date order, with their names.
pub fn federal_holidays(year: i16) -> Vec<(Date, String)> {
    let mut days: Vec<(Date, String)> = federal_specs()
        .into_iter()
        .flat_map(|(spec, since)| {
            [year.checked_sub(1), Some(year), year.checked_add(1)]
                .into_iter()
                .flatten()
                .filter(move |&y| y >= since)
                .filter_map(move |y| spec.observed_for(y).map(|d| (d, spec.name.clone())))
                .collect::<Vec<_>>()
        })
        .filter(|(d, _)| d.year() == year)
        .map(|(d, name)| (Date(d), name))
        .collect();
    days.sort();
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn dates(year: i16) -> Vec<Date> {
        federal_holidays(year).into_iter().map(|(d, _)| d).collect()
    }

    #[test]
    fn federal_holidays_of_2026_by_hand() {
        // July 4, 2026 is a Saturday: observed Friday July 3. Every other date checked
        // against a printed 2026 calendar.
        assert_eq!(
            dates(2026),
            vec![
                d(2026, 1, 1),
                d(2026, 1, 19),
                d(2026, 2, 16),
                d(2026, 5, 25),
                d(2026, 6, 19),
                d(2026, 7, 3),
                d(2026, 9, 7),
                d(2026, 10, 12),
                d(2026, 11, 11),
                d(2026, 11, 26),
                d(2026, 12, 25),
            ]
        );
    }

    #[test]
    fn sunday_holidays_move_to_monday_and_saturday_new_year_to_december() {
        // 2027: Juneteenth, July 4 and Christmas fall on weekends.
        let y2027 = dates(2027);
        assert!(y2027.contains(&d(2027, 6, 18)), "Juneteenth Sat → Fri");
        assert!(y2027.contains(&d(2027, 7, 5)), "July 4 Sun → Mon");
        assert!(y2027.contains(&d(2027, 12, 24)), "Christmas Sat → Fri");
        assert!(y2027.contains(&d(2027, 1, 18)), "MLK Day");
        // January 1, 2028 is a Saturday: observed on Friday, December 31, 2027.
        assert!(y2027.contains(&d(2027, 12, 31)));
        assert!(!dates(2028).contains(&d(2028, 1, 1)));
        assert_eq!(y2027.len(), 12, "2027 observes two New Year's Days");
        assert_eq!(dates(2028).len(), 10, "and 2028 none");
    }

    #[test]
    fn holidays_that_did_not_exist_yet_are_left_out() {
        assert!(!dates(2020).contains(&d(2020, 6, 19)));
        assert!(
            dates(2021).contains(&d(2021, 6, 18)),
            "Sat 2021-06-19 → Fri"
        );
        assert_eq!(dates(1985).len(), 9, "no MLK Day, no Juneteenth");
    }

    #[test]
    fn state_holiday_forms() {
        let last_monday_april = HolidaySpec {
            name: "Confederate Memorial Day".into(),
            date: HolidayDate::Nth {
                month: 4,
                weekday: Weekday::Monday,
                week: -1,
                shift: 0,
            },
            observed: Observance::None,
        };
        assert_eq!(last_monday_april.dates_in(2026), vec![d(2026, 4, 27).0]);
        let day_after_thanksgiving = HolidaySpec {
            name: "Day after Thanksgiving".into(),
            date: HolidayDate::Nth {
                month: 11,
                weekday: Weekday::Thursday,
                week: 4,
                shift: 1,
            },
            observed: Observance::None,
        };
        // November 2024 starts on a Friday: Thanksgiving is the 28th, the day after the 29th.
        assert_eq!(
            day_after_thanksgiving.dates_in(2024),
            vec![d(2024, 11, 29).0]
        );
        let fixed = HolidaySpec {
            name: "San Jacinto Day".into(),
            date: HolidayDate::Fixed { month: 4, day: 21 },
            observed: Observance::Sunday,
        };
        // April 21, 2024 is a Sunday.
        assert_eq!(fixed.dates_in(2024), vec![d(2024, 4, 22).0]);
        let once = HolidaySpec {
            name: "Closure".into(),
            date: HolidayDate::Once(d(2025, 12, 24)),
            observed: Observance::None,
        };
        assert_eq!(once.dates_in(2025), vec![d(2025, 12, 24).0]);
        assert!(once.dates_in(2026).is_empty());
    }
}

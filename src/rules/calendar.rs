//! Counting days: calendar, business and school days, forwards and backwards, with the
//! `day_one` convention, exclusion windows and the summer break.
//!
//! - A *business day* is Monday to Friday except federal holidays (observed) and the state's
//!   holidays (34 CFR 300.11(b)).
//! - A *school day* comes from the case's `[calendar]`: a weekday from `first_day` to
//!   `last_day` that is not `closed`. Outside that school year, or without a calendar, a school
//!   day is a business day outside the summer break, and the count says it is `approximate`.
//! - With `day_one = same` the trigger day is day 1 (when it counts); with `next` the first
//!   counting day after it is. Negative counts go backwards the same way.
//!
//! Everything here is pure: no clock, no files.

use std::collections::HashMap;
use std::sync::Mutex;

use jiff::civil::{self, Weekday};

use super::holidays::{HolidaySpec, federal_holidays};
use super::{DayOne, DayType};
use crate::record::{Date, SchoolCalendar};

/// How far a count may search before giving up (a rule whose windows exclude every day).
const MAX_STEPS: usize = 366 * 30;

/// A month and day that recur every year, such as `06-01`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct MonthDay {
    pub month: i8,
    pub day: i8,
}

impl MonthDay {
    /// The month and day of `date`.
    pub fn of(date: civil::Date) -> MonthDay {
        MonthDay {
            month: date.month(),
            day: date.day(),
        }
    }

    /// This month-day in `year` (February 29 becomes the 28th in common years).
    pub fn in_year(self, year: i16) -> Option<civil::Date> {
        let first = civil::Date::new(year, self.month, 1).ok()?;
        civil::Date::new(year, self.month, self.day.min(first.days_in_month())).ok()
    }
}

impl std::str::FromStr for MonthDay {
    type Err = String;
    fn from_str(s: &str) -> Result<MonthDay, String> {
        let bad = || format!("`{s}` is not a month and day: write it as MM-DD, e.g. 06-01");
        let (m, d) = s.split_once('-').ok_or_else(bad)?;
        if m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let month: i8 = m.parse().map_err(|_| bad())?;
        let day: i8 = d.parse().map_err(|_| bad())?;
        // 2024 is a leap year, so 02-29 is accepted.
        civil::Date::new(2024, month, day).map_err(|_| bad())?;
        Ok(MonthDay { month, day })
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A stretch of days that recurs every year, from one month-day to another (inclusive; it may
/// wrap past December 31).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearlyWindow {
    pub from: MonthDay,
    pub to: MonthDay,
}

impl YearlyWindow {
    fn contains(&self, date: civil::Date) -> bool {
        let md = MonthDay::of(date);
        if self.from <= self.to {
            self.from <= md && md <= self.to
        } else {
            md >= self.from || md <= self.to
        }
    }

    /// The last day of the window that holds `date`.
    fn end_after(&self, date: civil::Date) -> Option<civil::Date> {
        let this_year = self.to.in_year(date.year())?;
        if this_year >= date {
            Some(this_year)
        } else {
            self.to.in_year(date.year().checked_add(1)?)
        }
    }
}

/// Days a rule does not count (`exclude`) or on which nothing falls due (`defer_out_of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// The summer break: from the case calendar's school year, else the state's `summer`.
    Summer,
    /// The same month-days every year.
    Yearly(YearlyWindow),
}

/// A day found in a window: the window's last day, and whether that is a guess.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Hit {
    end: civil::Date,
    approximate: bool,
}

/// How a rule counts.
#[derive(Clone, Copy, Debug)]
pub struct Counting<'r> {
    pub day_type: DayType,
    pub day_one: DayOne,
    /// Business days that count holidays too (34 CFR 300.148(d)(1)(ii)).
    pub include_holidays: bool,
    pub exclude: &'r [Window],
}

/// The result of a count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counted {
    pub date: Date,
    /// Some day on the way was judged without the case's school calendar.
    pub approximate: bool,
}

/// The days of one case: holidays of its state and its school calendar.
pub struct Calendar<'a> {
    state_holidays: &'a [HolidaySpec],
    school: Option<&'a SchoolCalendar>,
    summer: Option<YearlyWindow>,
    /// The holidays of each year asked about, worked out once (shared by checks that run
    /// side by side).
    holidays: Mutex<HashMap<i16, Vec<(civil::Date, String)>>>,
}

impl<'a> Calendar<'a> {
    /// A calendar from the state's holidays and summer break and the case's school year.
    pub fn new(
        state_holidays: &'a [HolidaySpec],
        summer: Option<YearlyWindow>,
        school: Option<&'a SchoolCalendar>,
    ) -> Calendar<'a> {
        Calendar {
            state_holidays,
            school,
            summer,
            holidays: Mutex::new(HashMap::new()),
        }
    }

    /// The name of the federal or state holiday observed on `date`, if any.
    pub fn holiday(&self, date: Date) -> Option<String> {
        let year = date.0.year();
        let mut cache = self
            .holidays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let days = cache.entry(year).or_insert_with(|| {
            let mut days: Vec<(civil::Date, String)> = federal_holidays(year)
                .into_iter()
                .map(|(d, name)| (d.0, name))
                .collect();
            for spec in self.state_holidays {
                days.extend(
                    spec.dates_in(year)
                        .into_iter()
                        .map(|d| (d, spec.name.clone())),
                );
            }
            days
        });
        days.iter()
            .find(|(d, _)| *d == date.0)
            .map(|(_, name)| name.clone())
    }

    /// Monday to Friday, not a federal or state holiday.
    pub fn is_business_day(&self, date: Date) -> bool {
        is_weekday(date.0) && self.holiday(date).is_none()
    }

    /// Whether children attend on `date`, and whether that is a guess.
    pub fn school_day(&self, date: Date) -> (bool, bool) {
        if let Some(cal) = self.school
            && cal.first_day <= date
            && date <= cal.last_day
        {
            let closed = cal.closed.iter().any(|c| c.contains(date));
            return (is_weekday(date.0) && !closed, false);
        }
        let summer = self.summer_hit(date.0).is_some();
        (self.is_business_day(date) && !summer, true)
    }

    /// The last day of the summer break `date` falls in, if it falls in one.
    pub fn summer_end(&self, date: Date) -> Option<Date> {
        self.summer_hit(date.0).map(|hit| Date(hit.end))
    }

    /// The first and last day of the school year `date` belongs to, and whether they are a
    /// guess: the case calendar's year when `date` is in it; else from the day after the
    /// summer break before `date` to the day before the next one begins (a day in the
    /// break belongs to the year before it), or July 1 to June 30 without any summer break.
    pub fn school_year(&self, date: Date) -> Option<(Date, Date, bool)> {
        if let Some(cal) = self.school
            && cal.first_day <= date
            && date <= cal.last_day
        {
            return Some((cal.first_day, cal.last_day, false));
        }
        let window = match self.school {
            Some(cal) => YearlyWindow {
                from: MonthDay::of(cal.last_day.0.tomorrow().ok()?),
                to: MonthDay::of(cal.first_day.0.yesterday().ok()?),
            },
            None => match self.summer {
                Some(window) => window,
                None => {
                    let july = |year: i16| civil::Date::new(year, 7, 1).ok();
                    let mut start = july(date.0.year())?;
                    if start > date.0 {
                        start = july(date.0.year().checked_sub(1)?)?;
                    }
                    let end = july(start.year().checked_add(1)?)?.yesterday().ok()?;
                    return Some((Date(start), Date(end), true));
                }
            },
        };
        // The school year starts the day after the last summer break that ended before `date`.
        let year = date.0.year();
        let mut summer_end = window.to.in_year(year)?;
        for back in 1..=2 {
            if summer_end < date.0 {
                break;
            }
            summer_end = window.to.in_year(year.checked_sub(back)?)?;
        }
        let start = summer_end.tomorrow().ok()?;
        let mut next_summer = window.from.in_year(start.year())?;
        if next_summer <= start {
            next_summer = window.from.in_year(start.year().checked_add(1)?)?;
        }
        Some((Date(start), Date(next_summer.yesterday().ok()?), true))
    }

    /// The school days after `after` up to and including `through`, and whether any of them
    /// was judged without the case's school calendar.
    pub fn school_days_between(&self, after: Date, through: Date) -> (i64, bool) {
        let mut count = 0;
        let mut approximate = false;
        let mut day = after.0;
        for _ in 0..MAX_STEPS {
            match day.tomorrow() {
                Ok(next) if next <= through.0 => day = next,
                _ => break,
            }
            let (school, guess) = self.school_day(Date(day));
            approximate |= guess;
            count += i64::from(school);
        }
        (count, approximate)
    }

    /// The summer break `date` falls in, if any.
    fn summer_hit(&self, date: civil::Date) -> Option<Hit> {
        let window = match self.school {
            Some(cal) if cal.first_day.0 <= date && date <= cal.last_day.0 => return None,
            Some(cal) => YearlyWindow {
                from: MonthDay::of(cal.last_day.0.tomorrow().ok()?),
                to: MonthDay::of(cal.first_day.0.yesterday().ok()?),
            },
            None => self.summer?,
        };
        if window.contains(date) {
            Some(Hit {
                end: window.end_after(date)?,
                approximate: true,
            })
        } else {
            None
        }
    }

    fn window_hit(&self, window: &Window, date: civil::Date) -> Option<Hit> {
        match window {
            Window::Summer => self.summer_hit(date),
            Window::Yearly(w) if w.contains(date) => Some(Hit {
                end: w.end_after(date)?,
                approximate: false,
            }),
            Window::Yearly(_) => None,
        }
    }

    /// Whether `date` counts, and whether that is a guess.
    fn counts(&self, date: civil::Date, counting: &Counting<'_>) -> (bool, bool) {
        for window in counting.exclude {
            if let Some(hit) = self.window_hit(window, date) {
                return (false, hit.approximate);
            }
        }
        match counting.day_type {
            DayType::Calendar => (true, false),
            DayType::Business if counting.include_holidays => (is_weekday(date), false),
            DayType::Business => (self.is_business_day(Date(date)), false),
            DayType::School => self.school_day(Date(date)),
        }
    }

    /// The `n`-th counting day from `start` (backwards when `n` is negative); `None` when no
    /// such day is found or the date leaves the supported range.
    pub fn add(&self, start: Date, n: i64, counting: &Counting<'_>) -> Option<Counted> {
        if n == 0 {
            return Some(Counted {
                date: start,
                approximate: false,
            });
        }
        if counting.day_type == DayType::Calendar && counting.exclude.is_empty() {
            let shift = match counting.day_one {
                DayOne::Next => n,
                DayOne::Same => n - n.signum(),
            };
            let date = start.0.checked_add(jiff::Span::new().try_days(shift).ok()?);
            return Some(Counted {
                date: Date(date.ok()?),
                approximate: false,
            });
        }
        let target = n.unsigned_abs();
        let mut counted = 0;
        let mut approximate = false;
        let mut day = start.0;
        if counting.day_one == DayOne::Same {
            let (counts, guess) = self.counts(day, counting);
            approximate |= guess;
            if counts {
                counted += 1;
                if counted == target {
                    return Some(Counted {
                        date: start,
                        approximate,
                    });
                }
            }
        }
        for _ in 0..MAX_STEPS {
            day = if n > 0 {
                day.tomorrow()
            } else {
                day.yesterday()
            }
            .ok()?;
            let (counts, guess) = self.counts(day, counting);
            approximate |= guess;
            if counts {
                counted += 1;
                if counted == target {
                    return Some(Counted {
                        date: Date(day),
                        approximate,
                    });
                }
            }
        }
        None
    }

    /// `start` moved by whole months (the day is clamped to the month's length); with
    /// `day_one = same` the period ends the day before (12 months from December 9 ends on
    /// December 8).
    pub fn add_months(&self, start: Date, months: i64, day_one: DayOne) -> Option<Date> {
        let moved = start
            .0
            .checked_add(jiff::Span::new().try_months(months).ok()?)
            .ok()?;
        let date = match (day_one, months.signum()) {
            (DayOne::Same, 1) => moved.yesterday().ok()?,
            (DayOne::Same, -1) => moved.tomorrow().ok()?,
            _ => moved,
        };
        Some(Date(date))
    }

    /// `due` moved past any window it falls in, to the day after the window ends.
    pub fn defer(&self, due: Date, windows: &[Window]) -> Option<Counted> {
        let mut date = due.0;
        let mut approximate = false;
        for window in windows {
            if let Some(hit) = self.window_hit(window, date) {
                date = hit.end.tomorrow().ok()?;
                approximate |= hit.approximate;
            }
        }
        Some(Counted {
            date: Date(date),
            approximate,
        })
    }
}

fn is_weekday(date: civil::Date) -> bool {
    !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    from.0.duration_until(to.0).as_hours() / 24
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Closed;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn counting(day_type: DayType, day_one: DayOne) -> Counting<'static> {
        Counting {
            day_type,
            day_one,
            include_holidays: false,
            exclude: &[],
        }
    }

    fn add(cal: &Calendar<'_>, start: Date, n: i64, day_type: DayType, day_one: DayOne) -> Date {
        cal.add(start, n, &counting(day_type, day_one))
            .unwrap()
            .date
    }

    const BUSINESS: DayType = DayType::Business;

    #[test]
    fn business_days_skip_a_holiday_observed_on_friday() {
        // July 4, 2026 is a Saturday, observed on Friday July 3. From Thursday July 2, the
        // next business day is Monday July 6.
        let cal = Calendar::new(&[], None, None);
        assert!(!cal.is_business_day(d(2026, 7, 3)));
        assert_eq!(
            cal.holiday(d(2026, 7, 3)).as_deref(),
            Some("Independence Day")
        );
        assert_eq!(
            add(&cal, d(2026, 7, 2), 1, BUSINESS, DayOne::Next),
            d(2026, 7, 6)
        );
        // Three business days from Wednesday July 1: Thu 2, Mon 6, Tue 7.
        assert_eq!(
            add(&cal, d(2026, 7, 1), 3, BUSINESS, DayOne::Next),
            d(2026, 7, 7)
        );
        // And back: three business days before Tuesday July 7 is Wednesday July 1.
        assert_eq!(
            add(&cal, d(2026, 7, 7), -3, BUSINESS, DayOne::Next),
            d(2026, 7, 1)
        );
    }

    #[test]
    fn business_days_across_a_weekend_a_month_end_and_a_leap_day() {
        let cal = Calendar::new(&[], None, None);
        // Friday January 30, 2026 + 1 business day = Monday February 2.
        assert_eq!(
            add(&cal, d(2026, 1, 30), 1, BUSINESS, DayOne::Next),
            d(2026, 2, 2)
        );
        // Friday February 25, 2028 + 2 = Monday 28, Tuesday 29 (leap day).
        assert_eq!(
            add(&cal, d(2028, 2, 25), 2, BUSINESS, DayOne::Next),
            d(2028, 2, 29)
        );
        assert_eq!(
            add(&cal, d(2028, 2, 25), 3, BUSINESS, DayOne::Next),
            d(2028, 3, 1)
        );
        // Friday February 18, 2028 + 5: Monday 21 is Presidents' Day, so Tue 22, Wed 23,
        // Thu 24, Fri 25, Mon 28.
        assert_eq!(
            add(&cal, d(2028, 2, 18), 5, BUSINESS, DayOne::Next),
            d(2028, 2, 28)
        );
        // Calendar days over the leap day: February 28 + 2 = March 1.
        assert_eq!(
            add(&cal, d(2028, 2, 28), 2, DayType::Calendar, DayOne::Next),
            d(2028, 3, 1)
        );
    }

    #[test]
    fn day_one_same_and_next() {
        let cal = Calendar::new(&[], None, None);
        // 14 days with the request day as day one: March 4 → March 17.
        let cal_same = add(&cal, d(2026, 3, 4), 14, DayType::Calendar, DayOne::Same);
        assert_eq!(cal_same, d(2026, 3, 17));
        // With the day after as day one: March 18.
        let cal_next = add(&cal, d(2026, 3, 4), 14, DayType::Calendar, DayOne::Next);
        assert_eq!(cal_next, d(2026, 3, 18));
        // Business days: Wednesday March 4 counts as day 1, so day 3 is Friday March 6; with
        // `next`, day 3 is Monday March 9.
        assert_eq!(
            add(&cal, d(2026, 3, 4), 3, BUSINESS, DayOne::Same),
            d(2026, 3, 6)
        );
        assert_eq!(
            add(&cal, d(2026, 3, 4), 3, BUSINESS, DayOne::Next),
            d(2026, 3, 9)
        );
        // A Saturday trigger with `same` does not count: day 1 is Monday.
        assert_eq!(
            add(&cal, d(2026, 3, 7), 1, BUSINESS, DayOne::Same),
            d(2026, 3, 9)
        );
        // Backwards with `same`: the trigger is day 1.
        assert_eq!(
            add(&cal, d(2026, 3, 17), -14, DayType::Calendar, DayOne::Same),
            d(2026, 3, 4)
        );
    }

    #[test]
    fn months_and_years() {
        let cal = Calendar::new(&[], None, None);
        assert_eq!(
            cal.add_months(d(2025, 12, 9), 12, DayOne::Same),
            Some(d(2026, 12, 8))
        );
        assert_eq!(
            cal.add_months(d(2025, 12, 9), 12, DayOne::Next),
            Some(d(2026, 12, 9))
        );
        assert_eq!(
            cal.add_months(d(2026, 8, 26), -12, DayOne::Next),
            Some(d(2025, 8, 26))
        );
        // A leap day plus a year is clamped to February 28.
        assert_eq!(
            cal.add_months(d(2028, 2, 29), 12, DayOne::Next),
            Some(d(2029, 2, 28))
        );
    }

    fn school_year() -> SchoolCalendar {
        SchoolCalendar {
            first_day: d(2026, 8, 6),
            last_day: d(2027, 5, 21),
            closed: vec![
                Closed::Day(d(2026, 9, 7)),
                Closed::Range {
                    from: d(2026, 11, 23),
                    to: d(2026, 11, 27),
                },
                Closed::Range {
                    from: d(2026, 12, 21),
                    to: d(2027, 1, 1),
                },
            ],
        }
    }

    #[test]
    fn school_days_use_the_case_calendar() {
        let year = school_year();
        let cal = Calendar::new(&[], None, Some(&year));
        let school = |start, n| cal.add(start, n, &counting(DayType::School, DayOne::Next));
        // From Friday November 20, 2026: the Thanksgiving week is closed, so school day 1 is
        // Monday November 30 and day 3 is Wednesday December 2.
        assert_eq!(
            school(d(2026, 11, 20), 3),
            Some(Counted {
                date: d(2026, 12, 2),
                approximate: false
            })
        );
        // Veterans Day is a federal holiday but this school is open: it counts.
        assert_eq!(school(d(2026, 11, 10), 1).unwrap().date, d(2026, 11, 11));
        // Ten school days from Friday December 11: 14-18 (5), winter break, then
        // January 4-8 (5): day 10 is January 8, 2027.
        assert_eq!(school(d(2026, 12, 11), 10).unwrap().date, d(2027, 1, 8));
        // Near the end of the year the count leaves the calendar and becomes a guess.
        let late = school(d(2027, 5, 19), 5).unwrap();
        assert!(late.approximate);
        // Days after May 21 are the summer break (to August 5, from the calendar): the count
        // resumes on Friday August 6, 2027 (May 20, 21, then Aug 6, 9, 10).
        assert_eq!(late.date, d(2027, 8, 10));
    }

    #[test]
    fn school_days_without_a_calendar_are_business_days_outside_summer() {
        let summer = YearlyWindow {
            from: "06-01".parse().unwrap(),
            to: "08-14".parse().unwrap(),
        };
        let cal = Calendar::new(&[], Some(summer), None);
        let counted = cal
            .add(d(2026, 5, 28), 3, &counting(DayType::School, DayOne::Next))
            .unwrap();
        // Friday May 29 (1), then summer to August 14, then Monday August 17 (2), 18 (3).
        assert_eq!(counted.date, d(2026, 8, 18));
        assert!(counted.approximate);
    }

    #[test]
    fn exclusion_and_defer_windows() {
        let cal = Calendar::new(&[], None, None);
        let winter = [Window::Yearly(YearlyWindow {
            from: "12-20".parse().unwrap(),
            to: "01-02".parse().unwrap(),
        })];
        let c = Counting {
            day_type: DayType::Calendar,
            day_one: DayOne::Next,
            include_holidays: false,
            exclude: &winter,
        };
        // 15 days from December 10, 2026 without December 20 to January 2: December 11-19
        // is 9 days, then January 3-8 is 6 more.
        assert_eq!(
            cal.add(d(2026, 12, 10), 15, &c).unwrap().date,
            d(2027, 1, 8)
        );
        let deferred = cal.defer(d(2026, 12, 25), &winter).unwrap();
        assert_eq!(deferred.date, d(2027, 1, 3));
        assert!(!deferred.approximate);
        let year = school_year();
        let cal = Calendar::new(&[], None, Some(&year));
        // Falling in the summer after the school year moves to the next first day.
        let fall = cal.defer(d(2027, 6, 20), &[Window::Summer]).unwrap();
        assert_eq!(fall.date, d(2027, 8, 6));
        assert!(fall.approximate);
        assert_eq!(
            cal.defer(d(2027, 5, 20), &[Window::Summer]).unwrap().date,
            d(2027, 5, 20)
        );
    }

    #[test]
    fn holidays_counting_as_business_days() {
        let cal = Calendar::new(&[], None, None);
        let c = Counting {
            day_type: DayType::Business,
            day_one: DayOne::Next,
            include_holidays: true,
            exclude: &[],
        };
        // Ten business days before Monday July 13, 2026, counting Friday July 3 (a holiday):
        // July 10, 9, 8, 7, 6, 3, 2, 1, June 30, 29.
        assert_eq!(
            cal.add(d(2026, 7, 13), -10, &c).unwrap().date,
            d(2026, 6, 29)
        );
        let c = Counting {
            include_holidays: false,
            ..c
        };
        assert_eq!(
            cal.add(d(2026, 7, 13), -10, &c).unwrap().date,
            d(2026, 6, 26)
        );
    }

    #[test]
    fn a_window_that_excludes_every_day_gives_up() {
        let cal = Calendar::new(&[], None, None);
        let all = [Window::Yearly(YearlyWindow {
            from: "01-01".parse().unwrap(),
            to: "12-31".parse().unwrap(),
        })];
        let c = Counting {
            day_type: DayType::Calendar,
            day_one: DayOne::Next,
            include_holidays: false,
            exclude: &all,
        };
        assert_eq!(cal.add(d(2026, 1, 1), 5, &c), None);
    }

    #[test]
    fn dates_at_the_edge_of_the_range_do_not_panic() {
        let cal = Calendar::new(&[], None, None);
        let last = Date(civil::Date::MAX);
        assert_eq!(cal.add(last, 5, &counting(BUSINESS, DayOne::Next)), None);
        assert_eq!(
            cal.add(last, 5, &counting(DayType::Calendar, DayOne::Next)),
            None
        );
        assert_eq!(cal.add_months(last, 1, DayOne::Next), None);
        assert!(cal.holiday(last).is_none());
    }

    #[test]
    fn month_days_parse_strictly() {
        assert!("02-29".parse::<MonthDay>().is_ok());
        for bad in ["2-1", "13-01", "06-31", "june", "06/01"] {
            assert!(bad.parse::<MonthDay>().is_err(), "{bad}");
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Adding n business days then subtracting n lands on a business day at or before
            /// the start, and exactly on the start when the start is a business day.
            #[test]
            fn business_days_add_then_subtract(offset in 0i64..3650, n in 1i64..120) {
                let cal = Calendar::new(&[], None, None);
                let start = Date(d(2024, 1, 1).0.checked_add(jiff::Span::new().days(offset)).unwrap());
                let c = counting(BUSINESS, DayOne::Next);
                let forward = cal.add(start, n, &c).unwrap().date;
                prop_assert!(forward > start);
                prop_assert!(cal.is_business_day(forward));
                let back = cal.add(forward, -n, &c).unwrap().date;
                prop_assert!(cal.is_business_day(back));
                prop_assert!(back <= start);
                if cal.is_business_day(start) {
                    prop_assert_eq!(back, start);
                }
            }

            /// With the trigger as day one, a business-day start comes back to itself.
            #[test]
            fn business_days_same_day_round_trip(offset in 0i64..3650, n in 1i64..120) {
                let cal = Calendar::new(&[], None, None);
                let start = Date(d(2024, 1, 1).0.checked_add(jiff::Span::new().days(offset)).unwrap());
                let c = counting(BUSINESS, DayOne::Same);
                let forward = cal.add(start, n, &c).unwrap().date;
                prop_assert!(forward >= start);
                let back = cal.add(forward, -n, &c).unwrap().date;
                prop_assert!(back >= start);
                if cal.is_business_day(start) {
                    prop_assert_eq!(back, start);
                }
            }

            /// Counting n business days visits exactly n business days.
            #[test]
            fn business_day_counts_match_a_day_by_day_walk(offset in 0i64..3650, n in 1i64..60) {
                let cal = Calendar::new(&[], None, None);
                let start = Date(d(2024, 1, 1).0.checked_add(jiff::Span::new().days(offset)).unwrap());
                let due = cal.add(start, n, &counting(BUSINESS, DayOne::Next)).unwrap().date;
                let walked = (1..=days_between(start, due))
                    .map(|k| Date(start.0.checked_add(jiff::Span::new().days(k)).unwrap()))
                    .filter(|&day| cal.is_business_day(day))
                    .count() as i64;
                prop_assert_eq!(walked, n);
            }
        }
    }
}

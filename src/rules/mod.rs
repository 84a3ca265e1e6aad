//! Deadline rules and calendars: rules as data, and the deadlines they give for one case.
//!
//! Rules live in TOML files (SPEC section 7): `rules/us.toml` (federal IDEA), one file per
//! state that `extends = "us"` (`rules/ms.toml`, `rules/tx.toml`), all embedded in the binary,
//! plus any `<workspace>/rules/*.toml`, which add to or override the built-in sets by rule id.
//!
//! | module | owns |
//! |---|---|
//! | [`file`] | one rule file: strict parsing and validation, errors with file, line and field |
//! | [`book`] | the built-in and workspace files, `extends`, overrides: a [`RuleSet`] per state |
//! | [`rule`] | a validated [`Rule`] and how it matches records |
//! | [`calendar`] | calendar, business and school-day counting, windows, `day_one` |
//! | [`holidays`] | federal holidays (5 U.S.C. 6103) and state holidays |
//! | `engine` | records + rules + today → [`Deadline`]s ([`deadlines`]) |
//! | [`ics`] | deadlines as an iCalendar file |
//!
//! Pure: nothing here prints, and "today" is always an argument. Only [`Rulebook::load`]
//! reads files (the workspace's `rules/` folder).
//!
//! One case's deadlines, as `deadlines` and `timeline` compute them:
//!
//! ```no_run
//! # fn example(
//! #     ws: &iepcase::workspace::Workspace,
//! #     case: &iepcase::store::Case,
//! #     today: iepcase::record::Date,
//! # ) -> Result<(), Box<dyn std::error::Error>> {
//! let book = iepcase::rules::Rulebook::load(&ws.root.join("rules"))?;
//! let (_, meta) = case.meta()?;
//! let state = meta.state.as_deref().or(ws.config.state.as_deref());
//! let rules = book.select(state).set;
//! let loaded = case.records()?;
//! for deadline in iepcase::rules::deadlines(&loaded.records, &meta, rules, today) {
//!     println!("{} {} ({})", deadline.due, deadline.label, deadline.cite);
//! }
//! # Ok(())
//! # }
//! ```

pub mod book;
pub mod calendar;
mod engine;
pub mod file;
pub mod holidays;
pub mod ics;
pub mod rule;

use std::path::PathBuf;

use crate::record::enums::string_enum;
use crate::record::{Date, RecordError, RecordId, Time};

pub use book::{RuleSet, Rulebook, Selection};
pub use engine::{deadlines, deadlines_of, lookback_limit};
pub use rule::{Role, Rule};

string_enum! {
    /// How sure iepcase is of a rule: read in the law itself, taken from a reliable secondary
    /// source, or not yet checked.
    Confidence {
        Confirmed = "confirmed",
        Secondary = "secondary",
        Unconfirmed = "unconfirmed",
        /// Not the law's: a period iepcase suggests where the law sets none (how long before a
        /// meeting to ask for drafts).
        Default = "iepcase-default",
    }
}

string_enum! {
    /// Which days a rule counts (34 CFR 300.11).
    DayType { Calendar = "calendar", Business = "business", School = "school" }
}

string_enum! {
    /// Whether the trigger day is day 1 (`same`) or the day after is (`next`).
    DayOne { Same = "same", Next = "next" }
}

/// Where a deadline stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Past its due date and not met.
    Overdue,
    /// Not met, not yet due.
    Open,
    /// A duty with no fixed number of days, not yet met.
    Obligation,
    /// A record meets it (perhaps late: see [`Met::late`]).
    Met,
    /// A window or waiting period that has run out: nothing was owed.
    Ended,
}

impl Status {
    /// The status in the vocabulary of SPEC sections 5 and 11: `open`, `overdue`, `met`,
    /// `obligation`, or `ended` for a window that ran out with nothing owed.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::Open => "open",
            Status::Obligation => "obligation",
            Status::Met => "met",
            Status::Ended => "ended",
        }
    }
}

/// The record that met a deadline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Met {
    pub by: RecordId,
    pub on: Date,
    /// It came after the due date (or time).
    pub late: bool,
}

/// One computed deadline of one case.
#[derive(Clone, Debug, PartialEq)]
pub struct Deadline {
    pub rule: String,
    pub label: String,
    pub cite: String,
    pub confidence: Confidence,
    /// The record that started the clock.
    pub trigger: RecordId,
    /// The day the clock started from.
    pub start: Date,
    pub due: Date,
    /// For deadlines counted in hours.
    pub due_time: Option<Time>,
    pub day_type: DayType,
    pub status: Status,
    /// Calendar days from today to `due` (negative when past); `None` once met or ended.
    pub days_left: Option<i64>,
    /// School days were counted without the case's school calendar.
    pub approximate: bool,
    pub met: Option<Met>,
    /// The event (`or_before`) that brought the due date forward.
    pub before: Option<RecordId>,
}

#[cfg(test)]
impl Deadline {
    /// An open annual review of a sample record, due 2026-12-08, for tests to adjust.
    pub(crate) fn sample(status: Status, days_left: Option<i64>) -> Deadline {
        Deadline {
            rule: "annual-review".into(),
            label: "Annual IEP review".into(),
            cite: "34 CFR 300.324(b)(1)(i)".into(),
            confidence: Confidence::Confirmed,
            trigger: RecordId::parse("x760srq3ep").expect("a valid id"),
            start: Date::new(2025, 12, 9).expect("a valid date"),
            due: Date::new(2026, 12, 8).expect("a valid date"),
            due_time: None,
            day_type: DayType::Calendar,
            status,
            days_left,
            approximate: false,
            met: None,
            before: None,
        }
    }
}

/// A problem with the rule files.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A rule file that does not parse or validate; its diagnostics name line and field.
    #[error(transparent)]
    Invalid(#[from] RecordError),
    #[error("cannot read the rule files in {}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

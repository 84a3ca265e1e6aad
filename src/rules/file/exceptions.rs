//! The exceptions to a rule's plain count (`or_from`, `hold`, `running_total`, `extend_by`,
//! `year_end`, `summer_school_day`): their raw form and their validation.

use serde::Deserialize;

use super::{Checker, Step, month_day, patterns};
use crate::record::Kind;
use crate::rules::rule::{Exceptions, ExtendBy, Hold, RunningTotal, YearEnd};

/// The exception fields of a `[[rule]]` table, as written.
#[derive(Default, Deserialize)]
pub(super) struct RawExceptions {
    or_from: Option<Vec<toml::Table>>,
    hold: Option<RawHold>,
    running_total: Option<RawTotal>,
    extend_by: Option<RawTotal>,
    year_end: Option<RawYearEnd>,
    summer_school_day: Option<i64>,
}

#[derive(Deserialize)]
struct RawHold {
    paused_by: Vec<toml::Table>,
    resumed_by: Vec<toml::Table>,
}

#[derive(Deserialize)]
struct RawTotal {
    field: String,
    min: i64,
}

#[derive(Deserialize)]
struct RawYearEnd {
    min: i64,
    max: i64,
    due: String,
}

/// Validates the exceptions of rule `i`, whose records are of `kind`.
pub(super) fn exceptions(
    checker: &mut Checker<'_>,
    raw: &RawExceptions,
    i: usize,
    kind: Option<Kind>,
) -> Exceptions {
    let path = |field: &'static str| [Step::Key("rule"), Step::Index(i), Step::Key(field)];
    let or_from = patterns::satisfiers(checker, raw.or_from.as_deref(), &path("or_from"), kind);
    let hold = raw.hold.as_ref().map(|h| {
        let at = |part| {
            [
                Step::Key("rule"),
                Step::Index(i),
                Step::Key("hold"),
                Step::Key(part),
            ]
        };
        Hold {
            paused_by: patterns::satisfiers(checker, Some(&h.paused_by), &at("paused_by"), kind),
            resumed_by: patterns::satisfiers(checker, Some(&h.resumed_by), &at("resumed_by"), kind),
        }
    });
    let running_total = raw
        .running_total
        .as_ref()
        .and_then(|t| total(checker, t, &path("running_total"), kind));
    let extend_by = raw
        .extend_by
        .as_ref()
        .and_then(|t| total(checker, t, &path("extend_by"), kind))
        .map(|t| ExtendBy {
            field: t.field,
            min: t.min,
        });
    let year_end = raw
        .year_end
        .as_ref()
        .and_then(|y| year_end(checker, y, &path("year_end")));
    if let Some(n) = raw.summer_school_day
        && !(1..=200).contains(&n)
    {
        checker.at(
            &path("summer_school_day"),
            "`summer_school_day` must be 1 to 200",
            None,
        );
    }
    Exceptions {
        or_from,
        hold,
        running_total,
        extend_by,
        year_end,
        summer_school_day: raw.summer_school_day,
    }
}

/// `running_total` or `extend_by`: a number field of the trigger's kind and a minimum.
fn total(
    checker: &mut Checker<'_>,
    raw: &RawTotal,
    path: &[Step<'_>],
    kind: Option<crate::record::Kind>,
) -> Option<RunningTotal> {
    let before = checker.problems.len();
    if !patterns::is_number_field(kind, &raw.field) {
        let mut at = path.to_vec();
        at.push(Step::Key("field"));
        checker.at(
            &at,
            format!(
                "`{}` is not a number field of the records this rule matches",
                raw.field
            ),
            Some("use a number field such as school_days, or extra.<name>".into()),
        );
    }
    if !(0..=10_000).contains(&raw.min) {
        let mut at = path.to_vec();
        at.push(Step::Key("min"));
        checker.at(&at, "`min` must be 0 to 10000", None);
    }
    (checker.problems.len() == before).then(|| RunningTotal {
        field: raw.field.clone(),
        min: raw.min,
    })
}

/// `year_end = { min = 35, max = 44, due = "06-30" }`.
fn year_end(checker: &mut Checker<'_>, raw: &RawYearEnd, path: &[Step<'_>]) -> Option<YearEnd> {
    let mut at = path.to_vec();
    at.push(Step::Key("due"));
    let due = month_day(checker, &raw.due, &at);
    if !(0..=200).contains(&raw.min) || raw.max < raw.min || raw.max > 200 {
        checker.at(
            path,
            "`year_end` needs 0 <= min <= max <= 200 school days",
            Some("e.g. year_end = { min = 35, max = 44, due = \"06-30\" }".into()),
        );
        return None;
    }
    Some(YearEnd {
        min: raw.min,
        max: raw.max,
        due: due?,
    })
}

//! One rule file: strict parsing and validation.
//!
//! ```toml
//! name = "Mississippi"
//! extends = "us"
//! summer = { from = "05-25", to = "08-05" }
//!
//! [[holiday]]
//! name = "Confederate Memorial Day"
//! month = 4
//! weekday = "monday"
//! week = "last"
//!
//! [[rule]]
//! id = "evaluation-request-meeting"
//! label = "Team meets on a request for evaluation"
//! cite = "7 Miss. Admin. Code 34-D-300.301(b)(1)"
//! confidence = "confirmed"
//! when = { kind = "request", type = "evaluation" }
//! from = "date"
//! days = 14
//! day_one = "same"
//! satisfied_by = [{ kind = "meeting", relation = "linked" }]
//! ```
//!
//! Unknown fields, bad values and impossible combinations are errors naming the file, the
//! line and the field, with a "did you mean" where one is close (the machinery of
//! [`crate::record::parse`]). `docs/deadlines.md` documents every field.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use jiff::civil::Weekday;
use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::calendar::{MonthDay, YearlyWindow};
use super::holidays::{HolidayDate, HolidaySpec, Observance};
use super::rule::{Offset, Role, Rule, Start};
use super::{Confidence, DayOne, DayType};
use crate::record::parse::parse_with_shape;
use crate::record::schema::Shape;
use crate::record::{Date, Diagnostic, RecordError};

mod exceptions;
mod patterns;

/// A rule file, validated; `extends` and `from_rule` are resolved by [`super::book`].
#[derive(Clone, Debug)]
pub struct RuleFile {
    /// Where the text came from, for errors (`rules/ms.toml (built in)`, a path).
    pub origin: String,
    pub text: String,
    /// The set this file defines or adds to: its file stem, lowercase (`ms`).
    pub name: String,
    /// A display name (`Mississippi`).
    pub title: Option<String>,
    pub extends: Option<(String, Range<usize>)>,
    pub summer: Option<YearlyWindow>,
    pub holidays: Vec<HolidaySpec>,
    pub entries: Vec<Entry>,
}

/// One `[[rule]]` of a file.
#[derive(Clone, Debug)]
pub enum Entry {
    /// A rule, with where its `from_rule` is written (checked once every file is read).
    Define {
        rule: Box<Rule>,
        from_rule_span: Range<usize>,
    },
    /// `enabled = false`: switch off an inherited rule.
    Disable { id: String, span: Range<usize> },
}

#[derive(Deserialize)]
struct RawFile {
    schema: Option<i64>,
    name: Option<String>,
    extends: Option<String>,
    summer: Option<RawWindow>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Deserialize)]
struct RawWindow {
    from: String,
    to: String,
}

#[derive(Deserialize)]
struct RawHoliday {
    name: String,
    month: Option<i64>,
    day: Option<i64>,
    weekday: Option<String>,
    week: Option<toml::Value>,
    shift: Option<i64>,
    date: Option<Date>,
    observed: Option<String>,
}

#[derive(Deserialize)]
struct RawRule {
    id: String,
    label: Option<String>,
    cite: Option<String>,
    confidence: Option<Confidence>,
    when: Option<toml::Table>,
    from: Option<toml::Value>,
    from_rule: Option<String>,
    days: Option<i64>,
    months: Option<i64>,
    years: Option<i64>,
    hours: Option<i64>,
    count: Option<DayType>,
    day_one: Option<DayOne>,
    include_holidays: Option<bool>,
    exclude: Option<Vec<toml::Value>>,
    defer_out_of: Option<Vec<toml::Value>>,
    or_before: Option<Vec<toml::Table>>,
    satisfied_by: Option<Vec<toml::Table>>,
    unless_earlier: Option<Vec<toml::Table>>,
    if_earlier: Option<Vec<toml::Table>>,
    unless_about: Option<Vec<toml::Table>>,
    #[serde(flatten)]
    exceptions: exceptions::RawExceptions,
    obligation: Option<bool>,
    warn_after_days: Option<i64>,
    lookback: Option<bool>,
    prep: Option<bool>,
    enabled: Option<bool>,
    note: Option<String>,
}

/// The fields of a rule, in the order docs list them.
pub const RULE_FIELDS: &[&str] = &[
    "id",
    "label",
    "cite",
    "confidence",
    "when",
    "from",
    "from_rule",
    "days",
    "months",
    "years",
    "hours",
    "count",
    "day_one",
    "include_holidays",
    "exclude",
    "defer_out_of",
    "or_before",
    "satisfied_by",
    "unless_earlier",
    "if_earlier",
    "unless_about",
    "or_from",
    "hold",
    "running_total",
    "extend_by",
    "year_end",
    "summer_school_day",
    "obligation",
    "warn_after_days",
    "lookback",
    "prep",
    "enabled",
    "note",
];

fn enum_shape(values: &[&str]) -> Shape {
    Shape::Enum(values.iter().map(|v| (*v).to_owned()).collect())
}

fn table_shape(fields: Vec<(&str, Shape)>) -> Shape {
    Shape::Table {
        fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        open: false,
    }
}

fn open_table() -> Shape {
    Shape::Table {
        fields: BTreeMap::new(),
        open: true,
    }
}

/// The shape of a rule file, for the strict first pass.
fn file_shape() -> &'static Shape {
    static SHAPE: OnceLock<Shape> = OnceLock::new();
    SHAPE.get_or_init(|| {
        let names = |all: &[Confidence]| all.iter().map(|c| c.as_str()).collect::<Vec<_>>();
        let rule_fields: Vec<(&str, Shape)> = RULE_FIELDS
            .iter()
            .map(|&f| {
                let shape = match f {
                    "id" | "label" | "cite" | "note" | "from_rule" => Shape::Text,
                    "confidence" => enum_shape(&names(Confidence::ALL)),
                    "count" => {
                        enum_shape(&DayType::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>())
                    }
                    "day_one" => {
                        enum_shape(&DayOne::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>())
                    }
                    "when" => open_table(),
                    "or_before" | "satisfied_by" | "unless_earlier" | "if_earlier"
                    | "unless_about" | "or_from" => Shape::Array(Box::new(open_table())),
                    "hold" => table_shape(vec![
                        ("paused_by", Shape::Array(Box::new(open_table()))),
                        ("resumed_by", Shape::Array(Box::new(open_table()))),
                    ]),
                    "running_total" | "extend_by" => {
                        table_shape(vec![("field", Shape::Text), ("min", Shape::Any)])
                    }
                    "year_end" => table_shape(vec![
                        ("min", Shape::Any),
                        ("max", Shape::Any),
                        ("due", Shape::Text),
                    ]),
                    _ => Shape::Any,
                };
                (f, shape)
            })
            .collect();
        let window = table_shape(vec![("from", Shape::Text), ("to", Shape::Text)]);
        let holiday = table_shape(vec![
            ("name", Shape::Text),
            ("month", Shape::Any),
            ("day", Shape::Any),
            ("weekday", enum_shape(&WEEKDAYS.map(|(n, _)| n))),
            ("week", Shape::Any),
            ("shift", Shape::Any),
            ("date", Shape::Any),
            ("observed", enum_shape(&["none", "federal", "sunday"])),
            ("cite", Shape::Text),
        ]);
        table_shape(vec![
            ("schema", Shape::Any),
            ("name", Shape::Text),
            ("extends", Shape::Text),
            ("summer", window),
            ("holiday", Shape::Array(Box::new(holiday))),
            ("rule", Shape::Array(Box::new(table_shape(rule_fields)))),
        ])
    })
}

const WEEKDAYS: [(&str, Weekday); 7] = [
    ("monday", Weekday::Monday),
    ("tuesday", Weekday::Tuesday),
    ("wednesday", Weekday::Wednesday),
    ("thursday", Weekday::Thursday),
    ("friday", Weekday::Friday),
    ("saturday", Weekday::Saturday),
    ("sunday", Weekday::Sunday),
];

/// One step of a path into the document.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Collects located problems while validating.
struct Checker<'t> {
    text: &'t str,
    root: &'t DeTable<'t>,
    problems: Vec<Diagnostic>,
}

impl<'t> Checker<'t> {
    /// The span of the value at `path` (or of the nearest part of it that exists); with
    /// `key`, the span of the last key instead.
    fn span(&self, path: &[Step<'_>], key: bool) -> Range<usize> {
        let mut span = 0..0;
        let mut current: Option<&DeValue<'_>> = None;
        for (i, step) in path.iter().enumerate() {
            let last = i + 1 == path.len();
            let found = match (step, current) {
                (Step::Key(name), None) => self.root.get_key_value(*name),
                (Step::Key(name), Some(DeValue::Table(t))) => t.get_key_value(*name),
                (Step::Index(n), Some(DeValue::Array(items))) => match items.get(*n) {
                    Some(item) => {
                        span = item.span();
                        current = Some(item.get_ref());
                        continue;
                    }
                    None => break,
                },
                _ => break,
            };
            let Some((k, v)) = found else { break };
            span = if key && last { k.span() } else { v.span() };
            current = Some(v.get_ref());
        }
        span
    }

    fn at(&mut self, path: &[Step<'_>], message: impl Into<String>, help: Option<String>) {
        let mut diagnostic = Diagnostic::at(self.text, self.span(path, false), message);
        diagnostic.help = help;
        self.problems.push(diagnostic);
    }

    fn at_key(&mut self, path: &[Step<'_>], message: impl Into<String>, help: Option<String>) {
        let mut diagnostic = Diagnostic::at(self.text, self.span(path, true), message);
        diagnostic.help = help;
        self.problems.push(diagnostic);
    }
}

/// Parses and validates rule file `text`; `name` is its file stem.
pub fn parse_rule_file(text: &str, origin: &str, name: &str) -> Result<RuleFile, RecordError> {
    let raw: RawFile = parse_with_shape(text, origin, "rule file", file_shape())?;
    let root = DeTable::parse(text).map_err(|_| invalid(origin, Vec::new()))?;
    let mut checker = Checker {
        text,
        root: root.get_ref(),
        problems: Vec::new(),
    };
    if raw.schema.is_some_and(|s| s != 1) {
        checker.at(
            &[Step::Key("schema")],
            "rule file format versions other than 1 are not supported",
            Some("remove the `schema` line, or write schema = 1".into()),
        );
    }
    let summer = raw.summer.as_ref().and_then(|w| {
        let from = month_day(
            &mut checker,
            &w.from,
            &[Step::Key("summer"), Step::Key("from")],
        );
        let to = month_day(&mut checker, &w.to, &[Step::Key("summer"), Step::Key("to")]);
        Some(YearlyWindow {
            from: from?,
            to: to?,
        })
    });
    let holidays = raw
        .holiday
        .iter()
        .enumerate()
        .filter_map(|(i, h)| holiday(&mut checker, h, i))
        .collect();
    let mut seen = HashSet::new();
    let mut entries = Vec::new();
    for (i, rule) in raw.rule.into_iter().enumerate() {
        let at = [Step::Key("rule"), Step::Index(i), Step::Key("id")];
        if !valid_id(&rule.id) {
            checker.at(
                &at,
                format!("`{}` is not a valid rule id", rule.id),
                Some("use lowercase letters, digits and dashes, e.g. records-access".into()),
            );
        } else if !seen.insert(rule.id.clone()) {
            checker.at(
                &at,
                format!("rule `{}` is defined twice in this file", rule.id),
                None,
            );
        }
        if let Some(entry) = rule_entry(&mut checker, rule, i, origin) {
            entries.push(entry);
        }
    }
    let extends = raw.extends.map(|e| {
        let span = checker.span(&[Step::Key("extends")], false);
        (e.to_ascii_lowercase(), span)
    });
    if !checker.problems.is_empty() {
        return Err(invalid(origin, checker.problems));
    }
    Ok(RuleFile {
        origin: origin.to_owned(),
        text: text.to_owned(),
        name: name.to_ascii_lowercase(),
        title: raw.name,
        extends,
        summer,
        holidays,
        entries,
    })
}

pub(super) fn invalid(origin: &str, diagnostics: Vec<Diagnostic>) -> RecordError {
    RecordError::Invalid {
        origin: origin.to_owned(),
        what: "rule file",
        diagnostics,
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
}

fn month_day(checker: &mut Checker<'_>, text: &str, path: &[Step<'_>]) -> Option<MonthDay> {
    match text.parse() {
        Ok(md) => Some(md),
        Err(message) => {
            checker.at(path, message, None);
            None
        }
    }
}

fn holiday(checker: &mut Checker<'_>, raw: &RawHoliday, i: usize) -> Option<HolidaySpec> {
    let path = |field| [Step::Key("holiday"), Step::Index(i), Step::Key(field)];
    let observed = match raw.observed.as_deref() {
        Some("federal") => Observance::Federal,
        Some("sunday") => Observance::Sunday,
        _ => Observance::None,
    };
    let month = match raw.month {
        Some(m) if (1..=12).contains(&m) => Some(m as i8),
        Some(_) => {
            checker.at(&path("month"), "`month` must be 1 to 12", None);
            return None;
        }
        None => None,
    };
    let date = match (raw.date, month, raw.day, raw.weekday.as_deref()) {
        (Some(date), None, None, None) => HolidayDate::Once(date),
        (None, Some(month), Some(day), None) => {
            let day = i8::try_from(day)
                .ok()
                .filter(|d| jiff::civil::Date::new(2024, month, *d).is_ok());
            let Some(day) = day else {
                checker.at(&path("day"), "no such day in that month", None);
                return None;
            };
            HolidayDate::Fixed { month, day }
        }
        (None, Some(month), None, Some(weekday)) => {
            let weekday = WEEKDAYS.iter().find(|(n, _)| *n == weekday)?.1;
            let week = match &raw.week {
                Some(toml::Value::Integer(n @ 1..=5)) => *n as i8,
                Some(toml::Value::Integer(-1)) => -1,
                Some(toml::Value::String(s)) if s == "last" => -1,
                _ => {
                    checker.at(
                        &path("week"),
                        "`week` must be 1 to 5, or \"last\"",
                        Some("the third Monday is weekday = \"monday\", week = 3".into()),
                    );
                    return None;
                }
            };
            let shift = match raw.shift.unwrap_or(0) {
                s @ -7..=7 => s as i8,
                _ => {
                    checker.at(&path("shift"), "`shift` must be -7 to 7 days", None);
                    return None;
                }
            };
            HolidayDate::Nth {
                month,
                weekday,
                week,
                shift,
            }
        }
        _ => {
            checker.at(
                &[Step::Key("holiday"), Step::Index(i)],
                format!("holiday `{}` needs a date", raw.name),
                Some(
                    "give `month` and `day` (March 2), `month`, `weekday` and `week` (the last \
                     Monday of April), or one `date`"
                        .into(),
                ),
            );
            return None;
        }
    };
    Some(HolidaySpec {
        name: raw.name.clone(),
        date,
        observed,
    })
}

/// Validates one `[[rule]]` table.
fn rule_entry(checker: &mut Checker<'_>, raw: RawRule, i: usize, origin: &str) -> Option<Entry> {
    let header = [Step::Key("rule"), Step::Index(i)];
    if raw.enabled == Some(false) {
        return Some(Entry::Disable {
            id: raw.id,
            span: checker.span(&header, false),
        });
    }
    let before = checker.problems.len();
    let required = |checker: &mut Checker<'_>, field: &str, present: bool| {
        if !present {
            checker.at(
                &header,
                format!("rule `{}` is missing required field `{field}`", raw.id),
                Some(format!("add a line `{field} = ...` to this rule")),
            );
        }
    };
    for (field, present) in [
        ("label", raw.label.is_some()),
        ("cite", raw.cite.is_some()),
        ("confidence", raw.confidence.is_some()),
        ("when", raw.when.is_some()),
    ] {
        required(checker, field, present);
    }
    let path = |field: &'static str| [Step::Key("rule"), Step::Index(i), Step::Key(field)];
    let when = raw
        .when
        .as_ref()
        .and_then(|w| patterns::matcher(checker, w, &path("when"), None, false));
    let kind = when.as_ref().and_then(|m| m.kind);
    let role = role(checker, &raw, &path, &header, kind)?;
    let offset = offset(checker, &raw, &path, role);
    let count = raw.count.unwrap_or(DayType::Calendar);
    if matches!(
        offset,
        Some(Offset::Months(_) | Offset::Years(_) | Offset::Hours(_))
    ) && (count != DayType::Calendar || raw.exclude.is_some())
    {
        checker.at(
            &path("count"),
            "`months`, `years` and `hours` count calendar time only",
            Some("use `days` for business or school days, or drop `count` and `exclude`".into()),
        );
    }
    if raw.include_holidays == Some(true) && count != DayType::Business {
        checker.at(
            &path("include_holidays"),
            "`include_holidays` only applies to count = \"business\"",
            None,
        );
    }
    let start = match (&raw.from, &raw.from_rule) {
        (Some(_), Some(_)) => {
            checker.at(
                &path("from_rule"),
                "a rule starts either `from` a field or `from_rule`, not both",
                None,
            );
            Start::Fields(Vec::new())
        }
        (_, Some(other)) => Start::AfterRule(other.clone()),
        (Some(from), None) => {
            Start::Fields(patterns::from_fields(checker, from, &path("from"), kind))
        }
        (None, None) => Start::Fields(vec!["date".into()]),
    };
    let windows = |checker: &mut Checker<'_>, list: &Option<Vec<toml::Value>>, field| {
        patterns::windows(checker, list.as_deref().unwrap_or_default(), &path(field))
    };
    let exclude = windows(checker, &raw.exclude, "exclude");
    let defer_out_of = windows(checker, &raw.defer_out_of, "defer_out_of");
    let or_before =
        patterns::matchers(checker, raw.or_before.as_deref(), &path("or_before"), false);
    let unless_earlier = patterns::earlier(
        checker,
        raw.unless_earlier.as_deref(),
        &path("unless_earlier"),
    );
    let if_earlier = patterns::earlier(checker, raw.if_earlier.as_deref(), &path("if_earlier"));
    let unless_about = patterns::matchers(
        checker,
        raw.unless_about.as_deref(),
        &path("unless_about"),
        false,
    );
    let exceptions = exceptions::exceptions(checker, &raw.exceptions, i, kind);
    let mut satisfied_by = patterns::satisfiers(
        checker,
        raw.satisfied_by.as_deref(),
        &path("satisfied_by"),
        kind,
    );
    for s in &mut satisfied_by {
        if s.relation == crate::rules::rule::Relation::Ahead {
            s.since = when.clone();
        }
    }
    if role == Role::Lookback && !satisfied_by.is_empty() {
        checker.at(
            &path("satisfied_by"),
            "a `lookback` rule is a limit, not something to satisfy",
            None,
        );
    }
    if checker.problems.len() > before {
        return None;
    }
    let role = match role {
        Role::Deadline if satisfied_by.is_empty() => Role::Window,
        other => other,
    };
    let from_rule_span = checker.span(&path("from_rule"), false);
    Some(Entry::Define {
        rule: Box::new(Rule {
            id: raw.id,
            label: raw.label.unwrap_or_default(),
            cite: raw.cite.unwrap_or_default(),
            confidence: raw.confidence.unwrap_or(Confidence::Unconfirmed),
            when: when.unwrap_or_default(),
            start,
            offset,
            count,
            day_one: raw.day_one.unwrap_or(DayOne::Next),
            include_holidays: raw.include_holidays.unwrap_or(false),
            exclude,
            defer_out_of,
            or_before,
            satisfied_by,
            unless_earlier,
            if_earlier,
            unless_about,
            exceptions,
            role,
            prep: raw.prep == Some(true),
            note: raw.note,
            source: origin.to_owned(),
        }),
        from_rule_span,
    })
}

/// The rule's role from `obligation` and `lookback`, with their constraints.
fn role(
    checker: &mut Checker<'_>,
    raw: &RawRule,
    path: &dyn Fn(&'static str) -> [Step<'static>; 3],
    header: &[Step<'_>],
    kind: Option<crate::record::Kind>,
) -> Option<Role> {
    let obligation = raw.obligation == Some(true);
    let lookback = raw.lookback == Some(true);
    if obligation && lookback {
        checker.at(
            &path("lookback"),
            "a rule cannot be both an obligation and a lookback",
            None,
        );
        return None;
    }
    if raw.warn_after_days.is_some() && !obligation {
        checker.at(
            &path("warn_after_days"),
            "`warn_after_days` is for obligations",
            Some("add `obligation = true`, or give the deadline in `days`".into()),
        );
    }
    if obligation {
        return match raw.warn_after_days {
            Some(n @ 0..=3660) => Some(Role::Obligation { warn_after_days: n }),
            Some(_) => {
                checker.at(
                    &path("warn_after_days"),
                    "`warn_after_days` must be 0 to 3660",
                    None,
                );
                None
            }
            None => {
                checker.at(
                    header,
                    format!("obligation `{}` needs `warn_after_days`", raw.id),
                    Some("say after how many days iepcase should remind you, e.g. warn_after_days = 30".into()),
                );
                None
            }
        };
    }
    if lookback && kind.is_some_and(|k| k != crate::record::Kind::Complaint) {
        checker.at(
            &path("lookback"),
            "a `lookback` rule limits the issues of a complaint",
            Some("use when = { kind = \"complaint\", ... }".into()),
        );
    }
    Some(if lookback {
        Role::Lookback
    } else {
        Role::Deadline
    })
}

/// The offset (`days`, `months`, `years` or `hours`): exactly one, within bounds.
fn offset(
    checker: &mut Checker<'_>,
    raw: &RawRule,
    path: &dyn Fn(&'static str) -> [Step<'static>; 3],
    role: Role,
) -> Option<Offset> {
    let given: Vec<(&'static str, i64)> = [
        ("days", raw.days),
        ("months", raw.months),
        ("years", raw.years),
        ("hours", raw.hours),
    ]
    .into_iter()
    .filter_map(|(f, v)| v.map(|v| (f, v)))
    .collect();
    match (given.as_slice(), role) {
        ([], Role::Obligation { .. }) => None,
        ([(field, _), ..], Role::Obligation { .. }) => {
            checker.at(
                &path(field),
                "an obligation has no fixed number of days",
                Some("remove it, or remove `obligation = true`".into()),
            );
            None
        }
        ([], _) => {
            checker.at(
                &path("id"),
                format!("rule `{}` needs an offset: `days`, `months`, `years` or `hours`", raw.id),
                Some("for a duty with no number of days, write obligation = true and warn_after_days".into()),
            );
            None
        }
        ([(field, n)], _) => {
            let limit = match *field {
                "days" if raw.count.unwrap_or(DayType::Calendar) == DayType::Calendar => 3660,
                "days" => 1000,
                "months" => 1200,
                "years" => 100,
                _ => 24 * 366,
            };
            if n.abs() > limit {
                checker.at(
                    &path(field),
                    format!("`{field}` must be between -{limit} and {limit}"),
                    None,
                );
                return None;
            }
            if role == Role::Lookback && *n >= 0 {
                checker.at(
                    &path(field),
                    "a `lookback` reaches back: its offset must be negative",
                    Some(format!("e.g. {field} = -1")),
                );
            }
            Some(match *field {
                "days" => Offset::Days(*n),
                "months" => Offset::Months(*n),
                "years" => Offset::Years(*n),
                _ => Offset::Hours(*n),
            })
        }
        ([_, (second, _), ..], _) => {
            checker.at_key(
                &path(second),
                "give only one of `days`, `months`, `years` and `hours`",
                None,
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;

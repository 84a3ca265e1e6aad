//! One rule, validated, and how it matches records: `when`, `satisfied_by`, `or_before` and
//! `unless_earlier` patterns, and the relations that tie a satisfying record to its trigger.
//!
//! Field values are read from the record itself (common fields, the kind's fields, and
//! `extra.<name>`), so a rule can match any field a record has.

use std::sync::OnceLock;

use super::calendar::Window;
use super::{Confidence, DayOne, DayType};
use crate::record::{Body, Date, Kind, Record, RecordId, Time};

/// A deadline rule, as a rule file defines it (SPEC section 7).
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub id: String,
    pub label: String,
    pub cite: String,
    pub confidence: Confidence,
    /// Which records start the clock.
    pub when: Matcher,
    /// Where the clock starts.
    pub start: Start,
    pub offset: Option<Offset>,
    pub count: DayType,
    pub day_one: DayOne,
    /// Business days that count holidays too.
    pub include_holidays: bool,
    /// Days not counted.
    pub exclude: Vec<Window>,
    /// Windows a due date may not fall in: it moves to the day after.
    pub defer_out_of: Vec<Window>,
    /// Due at the earlier of the offset and the next record matching one of these.
    pub or_before: Vec<Matcher>,
    /// Records that meet the deadline.
    pub satisfied_by: Vec<Satisfier>,
    /// The rule does not apply when a record matching one of these (with its relation to
    /// the trigger) is dated before the trigger.
    pub unless_earlier: Vec<Satisfier>,
    /// The rule applies only when a record matching one of these (with its relation to the
    /// trigger) is dated before the trigger.
    pub if_earlier: Vec<Satisfier>,
    /// The rule does not apply when the trigger answers (refuses, responds to) a record
    /// matching one of these: a refusal of a records request needs no prior written notice.
    pub unless_about: Vec<Matcher>,
    /// How the law bends the plain count for this rule.
    pub exceptions: Exceptions,
    pub role: Role,
    /// A step to take before the trigger (asking for drafts before a meeting): the rule gives
    /// a deadline only while the trigger is today or ahead; once it has passed, the step
    /// no longer matters.
    pub prep: bool,
    /// A longer explanation, for docs and `--json` consumers.
    pub note: Option<String>,
    /// The file the rule comes from (`rules/us.toml`, or a workspace file).
    pub source: String,
}

/// What a rule's date means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A deadline someone must meet: overdue when it passes unmet.
    Deadline,
    /// A period that simply runs out (a window to act in, a waiting period): nobody is late
    /// when it ends. A rule without `satisfied_by` is one.
    Window,
    /// A duty with no number of days ("without unnecessary delay"): `warn_after_days` says
    /// when iepcase starts to remind you.
    Obligation { warn_after_days: i64 },
    /// How far back a complaint may reach: `check` reports issues older than the limit.
    Lookback,
}

/// Where a rule's clock starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Start {
    /// The first of these date fields the trigger has (`received`, then `date`).
    Fields(Vec<String>),
    /// The due date of another rule for the same trigger.
    AfterRule(String),
}

/// The ways a rule's clock departs from "the offset from the start": most rules have none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Exceptions {
    /// Records that start the clock early: the first one tied to the trigger, when it comes
    /// before the usual start (34 CFR 300.510(c): a waiver starts the hearing clock).
    pub or_from: Vec<Satisfier>,
    /// Records that put the clock on hold until a later record resumes it.
    pub hold: Option<Hold>,
    /// The rule applies to a record whose field, added to that of the earlier matching
    /// records of the same school year, reaches a total (a series of removals).
    pub running_total: Option<RunningTotal>,
    /// A field of the trigger that lengthens the count when it reaches a minimum (days the
    /// child was absent).
    pub extend_by: Option<ExtendBy>,
    /// A fixed due date for a start close to the end of the school year.
    pub year_end: Option<YearEnd>,
    /// A trigger dated in the summer break is due on this school day after the break.
    pub summer_school_day: Option<i64>,
}

/// A clock put on hold: when a record matching `paused_by` is tied to the trigger, the
/// start moves later by the days from it to the first later record matching `resumed_by`;
/// until there is one, the deadline has no date.
#[derive(Clone, Debug, PartialEq)]
pub struct Hold {
    pub paused_by: Vec<Satisfier>,
    pub resumed_by: Vec<Satisfier>,
}

/// A running total that decides whether a rule applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunningTotal {
    /// A number field (`school_days`).
    pub field: String,
    /// The total, this record included, from which the rule applies.
    pub min: i64,
}

/// A trigger field that lengthens the count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtendBy {
    /// A number field of the trigger (`extra.school_days_absent`).
    pub field: String,
    /// The value from which it counts; below it, nothing is added.
    pub min: i64,
}

/// A start `min` to `max` school days before the last school day of the year is due on
/// `due` of that year instead (Tex. Educ. Code 29.004(a-1)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearEnd {
    pub min: i64,
    pub max: i64,
    pub due: super::calendar::MonthDay,
}

/// How far the due date is from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offset {
    Days(i64),
    Months(i64),
    Years(i64),
    Hours(i64),
}

/// A record pattern: a kind and field values, all of which must match.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Matcher {
    pub kind: Option<Kind>,
    pub fields: Vec<(String, Pattern)>,
}

/// What a field must hold.
#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    /// One of these values (for list fields such as `tags`: the list contains one of them).
    AnyOf(Vec<Scalar>),
    /// A number within bounds.
    Range { min: Option<i64>, max: Option<i64> },
}

/// A plain value in a record or a pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scalar {
    Text(String),
    Bool(bool),
    Int(i64),
}

/// A kind of record that meets a deadline, and how it must be tied to the trigger.
#[derive(Clone, Debug, PartialEq)]
pub struct Satisfier {
    pub matcher: Matcher,
    pub relation: Relation,
    /// For relation `ahead`: the rule's `when`. A satisfying record must come after the last
    /// earlier record this matches (the meeting before), so that what was done for one
    /// meeting is not taken as done for the next.
    pub since: Option<Matcher>,
}

crate::record::enums::string_enum! {
    /// How a satisfying record is tied to the trigger.
    Relation {
        /// Its `responds_to` names the trigger.
        RespondsTo = "responds_to",
        /// Its `refuses` names the trigger.
        Refuses = "refuses",
        /// Its `meeting` (a notice) names the trigger.
        Meeting = "meeting",
        /// One lists the other in `related`.
        Related = "related",
        /// Any link either way: `related`, `responds_to`, `refuses` or `meeting`.
        Linked = "linked",
        /// It answers the same request the trigger answers or refuses, directly or through a
        /// refusal of it or a request for prior written notice about it.
        SameRequest = "same_request",
        /// Any matching record dated on or after the trigger.
        After = "after",
        /// Any matching record dated on or before the trigger (a request made ahead of the
        /// meeting it asks for).
        Before = "before",
        /// A matching record dated on or before the trigger and after the previous record
        /// the rule's `when` matches (a request for drafts made for this meeting, not for the
        /// one before it).
        Ahead = "ahead",
        /// It is about a matter the trigger is about: its request is one the trigger (a
        /// complaint) names, or shares the subject of.
        SameMatter = "same_matter",
        /// The trigger itself, when it matches (a notice given on time).
        SelfRecord = "self",
    }
}

/// A record with lazily built field values, as the engine sees it.
pub struct View<'r> {
    pub id: &'r RecordId,
    pub record: &'r Record,
    /// The request this record is ultimately about (see [`crate::links`]), when known.
    root: Option<&'r RecordId>,
    /// For a complaint: the requests it is about ([`crate::links::Linked::matters`]).
    matters: &'r [RecordId],
    table: OnceLock<toml::Table>,
}

impl<'r> View<'r> {
    pub fn new(id: &'r RecordId, record: &'r Record) -> View<'r> {
        View {
            id,
            record,
            root: None,
            matters: &[],
            table: OnceLock::new(),
        }
    }

    /// The same view, knowing the request the record is about and, for a complaint, the
    /// requests it is about: `same_request` then follows a refusal, a response or a request
    /// for prior written notice to its request, and `same_matter` works.
    pub fn with_links(mut self, root: Option<&'r RecordId>, matters: &'r [RecordId]) -> View<'r> {
        self.root = root;
        self.matters = matters;
        self
    }

    pub fn date(&self) -> Date {
        self.record.common.date
    }

    pub fn time(&self) -> Option<Time> {
        self.record.common.time
    }

    /// All fields as one TOML table, built the first time a field needs it.
    fn table(&self) -> &toml::Table {
        self.table.get_or_init(|| {
            let mut table = toml::Table::try_from(&self.record.common).unwrap_or_default();
            if let Ok(body) = self.record.body.to_table() {
                table.extend(body);
            }
            table
                .into_iter()
                .map(|(k, v)| (k, native_datetimes(v)))
                .collect()
        })
    }

    fn value(&self, field: &str) -> Option<&toml::Value> {
        if let Some(name) = field.strip_prefix("extra.") {
            return self.record.common.extra.as_ref()?.get(name);
        }
        self.table().get(field)
    }

    /// Whether any plain value of `field` (as [`View::scalars`] lists them) passes `test`,
    /// read in place: patterns are tested against every record of their kind, so this
    /// copies nothing.
    fn any_scalar(&self, field: &str, test: &dyn Fn(&Scalar) -> bool) -> bool {
        match field {
            "kind" | "type" => self.scalars(field).iter().any(test),
            _ => match self.value(field) {
                Some(value) => any_in(value, test),
                None => default_scalar(&self.record.body, field).is_some_and(|s| test(&s)),
            },
        }
    }

    /// The plain values of `field` (several for list fields).
    pub fn scalars(&self, field: &str) -> Vec<Scalar> {
        match field {
            "kind" => vec![Scalar::Text(self.record.kind().as_str().into())],
            "type" => self
                .record
                .type_name()
                .map(|t| vec![Scalar::Text(t.into())])
                .unwrap_or_default(),
            _ => match self.value(field) {
                Some(value) => flatten(value.clone()),
                None => default_scalar(&self.record.body, field)
                    .into_iter()
                    .collect(),
            },
        }
    }

    /// The date (and time, when the record has one for it) in date field `field`.
    pub fn date_field(&self, field: &str) -> Option<(Date, Option<Time>)> {
        let common = &self.record.common;
        match (field, &self.record.body) {
            ("date", _) => Some((common.date, common.time)),
            ("received", _) => common.received.map(|d| (d, None)),
            ("meeting_date", Body::Notice(n)) => n.meeting_date.map(|d| (d, n.meeting_time)),
            _ => {
                let text = match self.value(field)? {
                    toml::Value::Datetime(dt) if dt.time.is_none() => dt.to_string(),
                    toml::Value::String(s) => s.clone(),
                    _ => return None,
                };
                text.parse().ok().map(|d| (d, None))
            }
        }
    }

    /// The request this record is ultimately about, when known ([`View::with_links`]).
    pub(crate) fn root(&self) -> Option<&'r RecordId> {
        self.root
    }

    /// For a complaint: the requests it is about.
    pub(crate) fn matters(&self) -> &'r [RecordId] {
        self.matters
    }

    /// The record this one answers or refuses, if any.
    pub fn answers(&self) -> Option<&str> {
        match &self.record.body {
            Body::Refusal(r) => r.refuses.as_ref().map(|r| r.0.as_str()),
            Body::Response(r) => r.responds_to.as_ref().map(|r| r.0.as_str()),
            Body::Pwn(p) => p.responds_to.as_ref().map(|r| r.0.as_str()),
            Body::Decision(d) => d.responds_to.as_ref().map(|r| r.0.as_str()),
            _ => None,
        }
    }

    fn lists_related(&self, id: &RecordId) -> bool {
        self.record
            .common
            .related
            .iter()
            .any(|r| r.0 == id.as_str())
    }

    fn references(&self, id: &RecordId) -> bool {
        self.record.references().iter().any(|r| r.0 == id.as_str())
    }
}

/// The value a field left out stands for, where records document one: a complaint is the
/// parent's unless it says otherwise, and the parent attended a meeting unless it says not.
fn default_scalar(body: &Body, field: &str) -> Option<Scalar> {
    match (body, field) {
        (Body::Complaint(_), "filed_by") => Some(Scalar::Text("parent".into())),
        (Body::Meeting(_), "parent_attended") => Some(Scalar::Bool(true)),
        _ => None,
    }
}

/// Turns the tables serde uses to carry TOML dates (`{ "$__toml_private_datetime" = "…" }`)
/// back into dates.
fn native_datetimes(value: toml::Value) -> toml::Value {
    match value {
        toml::Value::Table(table) => {
            if table.len() == 1
                && let Some(toml::Value::String(text)) = table.get("$__toml_private_datetime")
                && let Ok(datetime) = text.parse::<toml::value::Datetime>()
            {
                return toml::Value::Datetime(datetime);
            }
            toml::Value::Table(
                table
                    .into_iter()
                    .map(|(k, v)| (k, native_datetimes(v)))
                    .collect(),
            )
        }
        toml::Value::Array(items) => {
            toml::Value::Array(items.into_iter().map(native_datetimes).collect())
        }
        other => other,
    }
}

fn flatten(value: toml::Value) -> Vec<Scalar> {
    match value {
        toml::Value::String(s) => vec![Scalar::Text(s)],
        toml::Value::Boolean(b) => vec![Scalar::Bool(b)],
        toml::Value::Integer(i) => vec![Scalar::Int(i)],
        toml::Value::Datetime(d) => vec![Scalar::Text(d.to_string())],
        toml::Value::Array(items) => items.into_iter().flat_map(flatten).collect(),
        toml::Value::Float(_) | toml::Value::Table(_) => Vec::new(),
    }
}

/// Whether any plain value in `value` passes `test` (as [`flatten`] would list them).
fn any_in(value: &toml::Value, test: &dyn Fn(&Scalar) -> bool) -> bool {
    match value {
        toml::Value::Array(items) => items.iter().any(|item| any_in(item, test)),
        toml::Value::Boolean(b) => test(&Scalar::Bool(*b)),
        toml::Value::Integer(i) => test(&Scalar::Int(*i)),
        toml::Value::String(_) | toml::Value::Datetime(_) => {
            flatten(value.clone()).iter().any(test)
        }
        toml::Value::Float(_) | toml::Value::Table(_) => false,
    }
}

impl Matcher {
    /// Whether `view` is of the kind and has every field value this pattern asks for.
    pub fn matches(&self, view: &View<'_>) -> bool {
        if self.kind.is_some_and(|k| k != view.record.kind()) {
            return false;
        }
        self.fields.iter().all(|(field, pattern)| match pattern {
            Pattern::AnyOf(wanted) => view.any_scalar(field, &|v| wanted.contains(v)),
            Pattern::Range { min, max } => view.any_scalar(field, &|v| match v {
                Scalar::Int(i) => min.is_none_or(|m| *i >= m) && max.is_none_or(|m| *i <= m),
                _ => false,
            }),
        })
    }
}

impl Satisfier {
    /// Whether `candidate` meets the deadline started by `trigger`.
    pub fn satisfies(&self, candidate: &View<'_>, trigger: &View<'_>) -> bool {
        let same = candidate.id == trigger.id;
        if same != (self.relation == Relation::SelfRecord) {
            return false;
        }
        // The relation is cheap to test and rarely holds; the field patterns read the record
        // through its table, so they come second.
        self.related(candidate, trigger) && self.matcher.matches(candidate)
    }

    fn related(&self, candidate: &View<'_>, trigger: &View<'_>) -> bool {
        let trigger_id = trigger.id;
        match self.relation {
            Relation::SelfRecord => true,
            Relation::RespondsTo => match &candidate.record.body {
                Body::Response(r) => r.responds_to.as_ref(),
                Body::Pwn(p) => p.responds_to.as_ref(),
                Body::Decision(d) => d.responds_to.as_ref(),
                _ => None,
            }
            .is_some_and(|r| r.0 == trigger_id.as_str()),
            Relation::Refuses => match &candidate.record.body {
                Body::Refusal(r) => r
                    .refuses
                    .as_ref()
                    .is_some_and(|r| r.0 == trigger_id.as_str()),
                _ => false,
            },
            Relation::Meeting => match &candidate.record.body {
                Body::Notice(n) => n
                    .meeting
                    .as_ref()
                    .is_some_and(|m| m.0 == trigger_id.as_str()),
                _ => false,
            },
            Relation::Related => {
                candidate.lists_related(trigger_id) || trigger.lists_related(candidate.id)
            }
            Relation::Linked => {
                candidate.references(trigger_id) || trigger.references(candidate.id)
            }
            Relation::SameRequest => {
                // A notice answers the decisions before it, not a refusal made after it.
                let same_root = candidate.root.is_some()
                    && candidate.root == trigger.root
                    && candidate.date() >= trigger.date();
                let stated = match (candidate.answers(), trigger.answers()) {
                    (Some(a), Some(b)) => a == b,
                    (Some(a), None) => a == trigger_id.as_str(),
                    _ => false,
                };
                same_root || stated
            }
            Relation::SameMatter => {
                let about = |view: &View<'_>, other: &View<'_>| {
                    other.root.is_some_and(|r| view.matters.contains(r))
                };
                about(trigger, candidate)
                    || about(candidate, trigger)
                    || (candidate.root.is_some() && candidate.root == trigger.root)
            }
            Relation::After => candidate.date() >= trigger.date(),
            Relation::Before => candidate.date() <= trigger.date(),
            // The engine also bounds it by the previous such trigger (`Views::tied`).
            Relation::Ahead => candidate.date() <= trigger.date(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    fn record(text: &str) -> Record {
        parse_record(text, "test").unwrap()
    }

    fn id(s: &str) -> RecordId {
        RecordId::parse(s).unwrap()
    }

    #[test]
    fn patterns_match_fields_lists_and_numbers() {
        let r = record(
            "kind = \"discipline\"\ndate = 2026-09-10\ntitle = \"x\"\nremoval = \"oss\"\n\
             school_days = 12\ntags = [\"a\", \"b\"]\n[extra]\nremoval_date = 2026-09-20\n",
        );
        let rid = id("aaaaaaaaaa");
        let view = View::new(&rid, &r);
        let m = |fields: Vec<(&str, Pattern)>| Matcher {
            kind: Some(Kind::Discipline),
            fields: fields.into_iter().map(|(f, p)| (f.to_owned(), p)).collect(),
        };
        let text = |s: &str| Pattern::AnyOf(vec![Scalar::Text(s.into())]);
        assert!(m(vec![("removal", text("oss"))]).matches(&view));
        assert!(!m(vec![("removal", text("iss"))]).matches(&view));
        assert!(m(vec![("tags", text("b"))]).matches(&view));
        let at_least = |n| Pattern::Range {
            min: Some(n),
            max: None,
        };
        assert!(m(vec![("school_days", at_least(11))]).matches(&view));
        assert!(!m(vec![("school_days", at_least(13))]).matches(&view));
        assert!(!m(vec![("special_circumstances", at_least(0))]).matches(&view));
        assert_eq!(
            view.date_field("extra.removal_date"),
            Some((Date::new(2026, 9, 20).unwrap(), None))
        );
        assert_eq!(view.date_field("received"), None);
        let iep =
            record("kind = \"iep\"\ndate = 2025-12-10\ntitle = \"t\"\nmeeting = 2025-12-09\n");
        let view = View::new(&rid, &iep);
        assert_eq!(
            view.date_field("meeting"),
            Some((Date::new(2025, 12, 9).unwrap(), None))
        );
    }

    #[test]
    fn relations() {
        let request =
            record("kind = \"request\"\ndate = 2026-01-08\ntitle = \"r\"\ntype = \"iee\"\n");
        let refusal = record(
            "kind = \"refusal\"\ndate = 2026-01-12\ntitle = \"no\"\nrefuses = \"rrrrrrrrrr\"\n",
        );
        let pwn = record(
            "kind = \"pwn\"\ndate = 2026-03-27\ntitle = \"pwn\"\naction = \"refuse\"\n\
             responds_to = \"rrrrrrrrrr\"\n",
        );
        let (req_id, ref_id, pwn_id) = (id("rrrrrrrrrr"), id("ffffffffff"), id("pppppppppp"));
        let (req, refu, p) = (
            View::new(&req_id, &request),
            View::new(&ref_id, &refusal),
            View::new(&pwn_id, &pwn),
        );
        let sat = |kind, relation| Satisfier {
            matcher: Matcher {
                kind: Some(kind),
                fields: vec![],
            },
            relation,
            since: None,
        };
        assert!(sat(Kind::Refusal, Relation::Refuses).satisfies(&refu, &req));
        assert!(sat(Kind::Refusal, Relation::Linked).satisfies(&refu, &req));
        assert!(!sat(Kind::Refusal, Relation::Related).satisfies(&refu, &req));
        assert!(sat(Kind::Pwn, Relation::RespondsTo).satisfies(&p, &req));
        // The PWN answers the request the refusal refused.
        assert!(sat(Kind::Pwn, Relation::SameRequest).satisfies(&p, &refu));
        assert!(sat(Kind::Pwn, Relation::After).satisfies(&p, &refu));
        assert!(!sat(Kind::Refusal, Relation::After).satisfies(&refu, &p));
        assert!(sat(Kind::Request, Relation::SelfRecord).satisfies(&req, &req));
        assert!(!sat(Kind::Request, Relation::After).satisfies(&req, &req));
    }
}

//! Records + rules + today → deadlines.
//!
//! The records' links are resolved first ([`crate::links`]). For every rule and every record
//! its `when` matches (and `unless_earlier`, `if_earlier`, `unless_about` and `running_total`
//! allow), the clock starts at the trigger's `from` field (or another rule's due date), earlier
//! at an `or_from` record, later by a `hold`; it runs the offset in the rule's day type
//! (lengthened by `extend_by`, replaced by `year_end` or `summer_school_day` where they
//! apply), stops early at an `or_before` event, and is met by the earliest record that
//! `satisfied_by` accepts.

use foldhash::{HashMap, HashMapExt};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use jiff::civil;

use super::calendar::{Calendar, Counting, days_between};
use super::rule::{Matcher, Offset, Relation, Role, Rule, Satisfier, Scalar, Start, View};
use super::{Deadline, Met, RuleSet, Status};
use crate::record::StoredRecord;
use crate::record::{Body, CaseMeta, Date, Kind, Record, Time};

/// A case's views indexed by kind and id, so that a rule looks only at the records that can
/// match a pattern (those of its kind) instead of at every record for every trigger: a case
/// of thousands of service logs costs a rule about requests nothing.
struct Views<'v> {
    all: &'v [View<'v>],
    every: Vec<usize>,
    by_kind: HashMap<Kind, Vec<usize>>,
    by_id: HashMap<&'v str, usize>,
    /// The views in date order, so a kind's views dated after a day are a slice of its list.
    dated: bool,
    /// Whether relations use the indexes below (tests compare with a plain scan).
    indexed: bool,
    /// Indexes by what a view points at, so a relation looks up the views it can tie to a
    /// trigger instead of testing every view of the kind: the record a view answers or
    /// refuses, the meeting it notices, the records it lists in `related`, every record it
    /// references, its root request, and (complaints) its matters.
    by_answers: HashMap<&'v str, Vec<usize>>,
    by_meeting: HashMap<&'v str, Vec<usize>>,
    by_related: HashMap<&'v str, Vec<usize>>,
    by_reference: HashMap<&'v str, Vec<usize>>,
    by_root: HashMap<&'v str, Vec<usize>>,
    by_matter: HashMap<&'v str, Vec<usize>>,
    /// The positions of the views each satisfier's pattern matches, worked out the first
    /// time it is asked for ([`Views::matched`]): a pattern does not depend on the trigger,
    /// so a relation by date (`after`, `before`) is then a search in this list, not a test
    /// of every record of the kind for every trigger.
    matched: Mutex<Vec<(Matcher, Arc<[usize]>)>>,
}

/// A view with its position.
type Found<'v> = (usize, &'v View<'v>);

/// Positions of views, in case order: borrowed from an index, a range of a shared list, or
/// gathered for one trigger.
enum Positions<'a> {
    Slice(&'a [usize]),
    Shared(Arc<[usize]>, std::ops::Range<usize>),
    Owned(Vec<usize>),
}

impl Positions<'_> {
    fn as_slice(&self) -> &[usize] {
        match self {
            Positions::Slice(s) => s,
            Positions::Shared(list, range) => &list[range.clone()],
            Positions::Owned(v) => v,
        }
    }
}

impl<'v> Views<'v> {
    fn new(all: &'v [View<'v>]) -> Views<'v> {
        let mut by_kind: HashMap<Kind, Vec<usize>> = HashMap::new();
        let mut by_answers: HashMap<&'v str, Vec<usize>> = HashMap::new();
        let mut by_meeting: HashMap<&'v str, Vec<usize>> = HashMap::new();
        let mut by_related: HashMap<&'v str, Vec<usize>> = HashMap::new();
        let mut by_reference: HashMap<&'v str, Vec<usize>> = HashMap::new();
        let mut by_root: HashMap<&'v str, Vec<usize>> = HashMap::new();
        let mut by_matter: HashMap<&'v str, Vec<usize>> = HashMap::new();
        for (i, view) in all.iter().enumerate() {
            let record: &'v Record = view.record;
            by_kind.entry(record.kind()).or_default().push(i);
            if let Some(target) = answered(record) {
                by_answers.entry(target).or_default().push(i);
            }
            if let Body::Notice(n) = &record.body
                && let Some(meeting) = &n.meeting
            {
                by_meeting.entry(meeting.0.as_str()).or_default().push(i);
            }
            for r in &record.common.related {
                by_related.entry(r.0.as_str()).or_default().push(i);
            }
            for r in record.references() {
                by_reference.entry(r.0.as_str()).or_default().push(i);
            }
            if let Some(root) = view.root() {
                by_root.entry(root.as_str()).or_default().push(i);
            }
            for m in view.matters() {
                by_matter.entry(m.as_str()).or_default().push(i);
            }
        }
        Views {
            all,
            every: (0..all.len()).collect(),
            by_kind,
            by_id: all
                .iter()
                .enumerate()
                .map(|(i, v)| (v.id.as_str(), i))
                .collect(),
            dated: all.is_sorted_by_key(View::date),
            indexed: true,
            by_answers,
            by_meeting,
            by_related,
            by_reference,
            by_root,
            by_matter,
            matched: Mutex::new(Vec::new()),
        }
    }

    /// The positions (in case order) of the views `matcher` matches.
    fn matched(&self, matcher: &Matcher) -> Arc<[usize]> {
        let known = |known: &[(Matcher, Arc<[usize]>)]| {
            known
                .iter()
                .find(|(m, _)| m == matcher)
                .map(|(_, list)| Arc::clone(list))
        };
        if let Some(list) = known(&self.matched.lock().unwrap_or_else(|e| e.into_inner())) {
            return list;
        }
        let list: Arc<[usize]> = self
            .of_kind(matcher)
            .iter()
            .copied()
            .filter(|&i| matcher.matches(&self.all[i]))
            .collect();
        let mut matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        // Another rule may have worked the same pattern out meanwhile: keep one copy.
        if let Some(list) = known(&matched) {
            return list;
        }
        matched.push((matcher.clone(), Arc::clone(&list)));
        list
    }

    /// The part of `list` (positions in case order) dated on or after `from` and on or
    /// before `until`; all of it when the views are not in date order.
    fn dated_range(
        &self,
        list: &[usize],
        from: Option<Date>,
        until: Option<Date>,
    ) -> std::ops::Range<usize> {
        if !(self.dated && self.indexed) {
            return 0..list.len();
        }
        let start = from.map_or(0, |day| list.partition_point(|&i| self.all[i].date() < day));
        let end = until.map_or(list.len(), |day| {
            list.partition_point(|&i| self.all[i].date() <= day)
        });
        start..end.max(start)
    }

    /// The positions of the views `satisfier` may tie to `trigger`, in case order: every view
    /// its relation can hold for (of any kind), or `None` when the relation is not one an
    /// index answers. [`Satisfier::satisfies`] still decides; this only leaves out views it
    /// would reject.
    fn related_to(&self, satisfier: &Satisfier, trigger: &View<'_>) -> Option<Vec<usize>> {
        if !self.indexed {
            return None;
        }
        let look = |index: &HashMap<&'v str, Vec<usize>>, key: &str| -> Vec<usize> {
            index.get(key).cloned().unwrap_or_default()
        };
        let id = trigger.id.as_str();
        let ids = |refs: &mut dyn Iterator<Item = &str>| -> Vec<usize> {
            refs.filter_map(|r| self.by_id.get(r).copied()).collect()
        };
        let mut out = match satisfier.relation {
            Relation::RespondsTo | Relation::Refuses => look(&self.by_answers, id),
            Relation::Meeting => look(&self.by_meeting, id),
            Relation::Related => {
                let mut out = look(&self.by_related, id);
                out.extend(ids(&mut trigger
                    .record
                    .common
                    .related
                    .iter()
                    .map(|r| r.0.as_str())));
                out
            }
            Relation::Linked => {
                let mut out = look(&self.by_reference, id);
                out.extend(ids(&mut trigger
                    .record
                    .references()
                    .into_iter()
                    .map(|r| r.0.as_str())));
                out
            }
            Relation::SameRequest => {
                let mut out = look(&self.by_answers, id);
                if let Some(target) = trigger.answers() {
                    out.extend(look(&self.by_answers, target));
                }
                if let Some(root) = trigger.root() {
                    out.extend(look(&self.by_root, root.as_str()));
                }
                out
            }
            Relation::SameMatter => {
                let mut out = Vec::new();
                for m in trigger.matters() {
                    out.extend(look(&self.by_root, m.as_str()));
                }
                if let Some(root) = trigger.root() {
                    out.extend(look(&self.by_matter, root.as_str()));
                    out.extend(look(&self.by_root, root.as_str()));
                }
                out
            }
            Relation::SelfRecord | Relation::After | Relation::Before | Relation::Ahead => {
                return None;
            }
        };
        out.sort_unstable();
        out.dedup();
        Some(out)
    }

    /// The positions of the views `matcher` may match: those of its kind (in case order).
    fn of_kind(&self, matcher: &Matcher) -> &[usize] {
        match matcher.kind {
            Some(kind) => self.by_kind.get(&kind).map_or(&[], Vec::as_slice),
            None => &self.every,
        }
    }

    /// The views `matcher` matches, with their positions.
    fn matching<'a>(
        &'a self,
        matcher: &'a Matcher,
    ) -> impl Iterator<Item = (usize, &'v View<'v>)> + 'a {
        self.of_kind(matcher)
            .iter()
            .map(|&i| (i, &self.all[i]))
            .filter(|(_, v)| matcher.matches(v))
    }

    /// The views `satisfier` ties to `trigger`, with their positions.
    fn tied<'a>(
        &'a self,
        satisfier: &'a Satisfier,
        trigger: &'a View<'_>,
    ) -> impl Iterator<Item = (usize, &'v View<'v>)> + 'a {
        let positions = match self.related_to(satisfier, trigger) {
            Some(related) => Positions::Owned(related),
            None => match satisfier.relation {
                Relation::SelfRecord => Positions::Slice(
                    self.by_id
                        .get(trigger.id.as_str())
                        .map_or(&[], std::slice::from_ref),
                ),
                Relation::After | Relation::Before | Relation::Ahead if self.indexed => {
                    let list = self.matched(&satisfier.matcher);
                    let day = Some(trigger.date());
                    let range = match satisfier.relation {
                        Relation::After => self.dated_range(&list, day, None),
                        _ => self.dated_range(&list, None, day),
                    };
                    Positions::Shared(list, range)
                }
                _ => Positions::Slice(self.of_kind(&satisfier.matcher)),
            },
        };
        let since = match (&satisfier.relation, &satisfier.since) {
            (Relation::Ahead, Some(when)) => self.previous(trigger, when),
            _ => None,
        };
        (0..positions.as_slice().len())
            .map(move |k| positions.as_slice()[k])
            .map(|i| (i, &self.all[i]))
            .filter(|(_, v)| satisfier.matcher.kind.is_none_or(|k| v.record.kind() == k))
            .filter(move |(_, v)| since.is_none_or(|d| v.date() > d))
            .filter(move |(_, v)| satisfier.satisfies(v, trigger))
    }

    /// The views of `matcher`'s kind dated on or after `day`, in case order.
    fn dated_from(&self, matcher: &Matcher, day: Date) -> &[usize] {
        let of_kind = self.of_kind(matcher);
        &of_kind[self.dated_range(of_kind, Some(day), None)]
    }

    /// The date of the last record `when` matches dated before `trigger`: the meeting before
    /// this one.
    fn previous(&self, trigger: &View<'_>, when: &Matcher) -> Option<Date> {
        self.matched(when)
            .iter()
            .map(|&i| self.all[i].date())
            .filter(|&d| d < trigger.date())
            .max()
    }

    /// The least of `found` by `key` (whose first part is the view's date). `found` must
    /// come in case order, as every search of [`Views`] gives them: when the views are in
    /// date order too, nothing dated after the best so far can beat it, so the search stops
    /// there instead of reading every later record.
    fn first<'a, K: Ord>(
        &self,
        found: impl Iterator<Item = (usize, &'v View<'v>)>,
        key: impl Fn(usize, &'v View<'v>) -> (Date, K),
    ) -> Option<(usize, &'v View<'v>)> {
        let mut best: Option<((Date, K), Found<'v>)> = None;
        for (i, v) in found {
            if self.dated
                && let Some(((day, _), _)) = &best
                && v.date() > *day
            {
                break;
            }
            let k = key(i, v);
            if best.as_ref().is_none_or(|(b, _)| k < *b) {
                best = Some((k, (i, v)));
            }
        }
        best.map(|(_, found)| found)
    }

    /// The least by `key` of the views any of `satisfiers` ties to `trigger`.
    fn first_tied_by<K: Ord>(
        &self,
        satisfiers: &[Satisfier],
        trigger: &View<'_>,
        key: impl Fn(usize, &'v View<'v>) -> (Date, K) + Copy,
    ) -> Option<(usize, &'v View<'v>)> {
        satisfiers
            .iter()
            .filter_map(|s| self.first(self.tied(s, trigger), key))
            .min_by_key(|&(i, v)| key(i, v))
    }

    /// The views any of `satisfiers` ties to `trigger` (one may come more than once).
    fn tied_any<'a>(
        &'a self,
        satisfiers: &'a [Satisfier],
        trigger: &'a View<'_>,
    ) -> impl Iterator<Item = (usize, &'v View<'v>)> + 'a {
        satisfiers.iter().flat_map(move |s| self.tied(s, trigger))
    }
}

/// The deadlines of one case on `today`, ordered by due date, then rule, then trigger.
///
/// Conflict copies (`<id>.conflict-<n>`) are left out: they duplicate a record. Rules whose
/// role is [`Role::Lookback`] give no deadline; see [`lookback_limit`]. Links the records do
/// not state are inferred first ([`crate::links`]), so a refusal written without `refuses`
/// is judged like one that has it.
pub fn deadlines(
    records: &[StoredRecord],
    meta: &CaseMeta,
    rules: &RuleSet,
    today: Date,
) -> Vec<Deadline> {
    deadlines_of(&crate::links::link(records), meta, rules, today)
}

/// [`deadlines`] of records whose links are already resolved.
pub fn deadlines_of(
    linked: &crate::links::Linked,
    meta: &CaseMeta,
    rules: &RuleSet,
    today: Date,
) -> Vec<Deadline> {
    deadlines_with(linked, meta, rules, today, true)
}

/// [`deadlines_of`], with the relation indexes or (`indexed` false, for tests) without.
fn deadlines_with(
    linked: &crate::links::Linked,
    meta: &CaseMeta,
    rules: &RuleSet,
    today: Date,
    indexed: bool,
) -> Vec<Deadline> {
    let views: Vec<View<'_>> = linked
        .records
        .iter()
        .filter(|r| !r.id.is_conflict())
        .map(|r| View::new(&r.id, &r.record).with_links(linked.root(&r.id), linked.matters(&r.id)))
        .collect();
    let new_calendar = || Calendar::new(&rules.holidays, rules.summer, meta.calendar.as_ref());
    let mut views = Views::new(&views);
    views.indexed = indexed;
    // A rule that starts from another's due dates waits for that rule; the rest are worked
    // out side by side. The deadlines come out in the order of the rules either way.
    let levels = levels(&rules.rules);
    let mut due_dates: DueDates<'_> = HashMap::new();
    let mut found: Vec<Vec<(usize, Deadline)>> = vec![Vec::new(); rules.rules.len()];
    for level in 0..=levels.iter().copied().max().unwrap_or(0) {
        let done: Vec<(usize, Vec<(usize, Deadline)>)> = rules
            .rules
            .par_iter()
            .enumerate()
            .filter(|(i, rule)| levels[*i] == level && rule.role != Role::Lookback)
            // Each thread keeps a calendar of its own (it caches holidays as it goes).
            .map_init(new_calendar, |calendar, (i, rule)| {
                (i, rule_deadlines(rule, &views, calendar, &due_dates, today))
            })
            .collect();
        for (i, deadlines) in done {
            let id = rules.rules[i].id.as_str();
            for (t, deadline) in &deadlines {
                due_dates.insert((id, *t), (deadline.due, deadline.due_time));
            }
            found[i] = deadlines;
        }
    }
    let mut out: Vec<Deadline> = found.into_iter().flatten().map(|(_, d)| d).collect();
    out.sort_by(|a, b| (a.due, &a.rule, &a.trigger).cmp(&(b.due, &b.rule, &b.trigger)));
    out
}

/// The due date (and time) of each deadline found so far, by rule id and trigger position.
type DueDates<'r> = HashMap<(&'r str, usize), (Date, Option<Time>)>;

/// When each rule may be worked out: a rule that starts from the due dates of a rule before
/// it in the list comes one step after that rule; every other rule at step 0. (A rule names
/// only rules before it; one naming a later rule finds no due dates, as in a single pass.)
/// With two rules of one id, each rule takes a step of its own, in order.
fn levels(rules: &[Rule]) -> Vec<usize> {
    let ids: std::collections::HashSet<&str> = rules.iter().map(|r| r.id.as_str()).collect();
    if ids.len() != rules.len() {
        return (0..rules.len()).collect();
    }
    let mut levels: Vec<usize> = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        let level = match &rule.start {
            Start::AfterRule(other) => rules[..i]
                .iter()
                .position(|r| r.id == *other)
                .map_or(0, |j| levels[j] + 1),
            Start::Fields(_) => 0,
        };
        levels.push(level);
    }
    levels
}

/// The deadlines of one rule, each with the position of its trigger; `due_dates` holds those
/// of the rules it may start from.
fn rule_deadlines(
    rule: &Rule,
    views: &Views<'_>,
    calendar: &Calendar<'_>,
    due_dates: &DueDates<'_>,
    today: Date,
) -> Vec<(usize, Deadline)> {
    let mut out = Vec::new();
    let mut totals = RunningTotals::default();
    for (t, trigger) in views.matching(&rule.when) {
        if (rule.prep && trigger.date() < today)
            || ruled_out(rule, trigger, views)
            || about_excluded(rule, trigger, views)
            || !totals.reached(rule, trigger, views, calendar)
        {
            continue;
        }
        let start = match &rule.start {
            Start::Fields(fields) => fields.iter().find_map(|f| trigger.date_field(f)),
            Start::AfterRule(other) => due_dates.get(&(other.as_str(), t)).copied(),
        };
        let Some(start) = start.map(|s| earlier_start(rule, trigger, views, s)) else {
            continue;
        };
        let Some(start) = held(rule, trigger, views, start) else {
            continue;
        };
        let Some(deadline) = compute(rule, t, start, views, calendar, today) else {
            continue;
        };
        out.push((t, deadline));
    }
    out
}

/// The first record (by date and time) among `views` that one of `satisfiers` ties to
/// `trigger`.
fn first_tied<'v>(
    satisfiers: &[Satisfier],
    trigger: &View<'_>,
    views: &Views<'v>,
) -> Option<&'v View<'v>> {
    views
        .first_tied_by(satisfiers, trigger, |_, v| {
            (v.date(), (v.time().is_none(), v.time(), v.id))
        })
        .map(|(_, v)| v)
}

/// `or_from`: the start moved to the first tied record on or after the trigger, when that
/// comes first.
fn earlier_start(
    rule: &Rule,
    trigger: &View<'_>,
    views: &Views<'_>,
    start: (Date, Option<Time>),
) -> (Date, Option<Time>) {
    match first_tied(&rule.exceptions.or_from, trigger, views) {
        Some(event) if event.date() >= trigger.date() && event.date() < start.0 => {
            (event.date(), None)
        }
        _ => start,
    }
}

/// `hold`: the start moved later by the days the clock was on hold; `None` while it still is.
fn held(
    rule: &Rule,
    trigger: &View<'_>,
    views: &Views<'_>,
    start: (Date, Option<Time>),
) -> Option<(Date, Option<Time>)> {
    let Some(hold) = &rule.exceptions.hold else {
        return Some(start);
    };
    let Some(paused) = first_tied(&hold.paused_by, trigger, views) else {
        return Some(start);
    };
    let resumed = hold
        .resumed_by
        .iter()
        .filter_map(|s| {
            let after = views
                .tied(s, trigger)
                .filter(|(_, v)| v.date() > paused.date());
            views.first(after, |_, v| (v.date(), v.id))
        })
        .map(|(_, v)| v)
        .min_by_key(|v| (v.date(), v.id))?;
    let delay = days_between(paused.date(), resumed.date());
    let moved = start
        .0
        .0
        .checked_add(jiff::Span::new().try_days(delay).ok()?)
        .ok()?;
    Some((Date(moved), start.1))
}

/// A record's place in case order: date, then time (untimed last), then id.
type OrderKey<'a> = (Date, bool, Option<Time>, &'a str);

fn order_key<'a>(v: &'a View<'_>) -> OrderKey<'a> {
    (v.date(), v.time().is_none(), v.time(), v.id.as_str())
}

/// For one `running_total` rule: the records of each kind, by school year, in case order,
/// each with the total of the rule's field over it and the records before it that year.
/// Built the first time a trigger of the kind asks, so a year of removals is summed once,
/// not once per removal.
#[derive(Default)]
struct RunningTotals<'v> {
    by_kind: HashMap<Kind, TotalsByYear<'v>>,
}

/// Records in case order with their running totals, by the first day of their school year.
type TotalsByYear<'v> = HashMap<Option<Date>, Vec<(OrderKey<'v>, i64)>>;

impl<'v> RunningTotals<'v> {
    /// `running_total`: whether the trigger's field, with that of the earlier records of its
    /// kind in the same school year, reaches the minimum.
    fn reached(
        &mut self,
        rule: &Rule,
        trigger: &View<'_>,
        views: &Views<'v>,
        calendar: &Calendar<'_>,
    ) -> bool {
        let Some(total) = &rule.exceptions.running_total else {
            return true;
        };
        let year_of = |date: Date| calendar.school_year(date).map(|(start, _, _)| start);
        let kind = trigger.record.kind();
        let years = self.by_kind.entry(kind).or_insert_with(|| {
            let of_kind = Matcher {
                kind: Some(kind),
                fields: Vec::new(),
            };
            let mut years = TotalsByYear::new();
            for &i in views.of_kind(&of_kind) {
                let v = &views.all[i];
                years
                    .entry(year_of(v.date()))
                    .or_default()
                    .push((order_key(v), number(v, &total.field).unwrap_or(0)));
            }
            for records in years.values_mut() {
                records.sort_by(|a, b| a.0.cmp(&b.0));
                let mut sum = 0i64;
                for (_, n) in records.iter_mut() {
                    sum = sum.saturating_add(*n);
                    *n = sum;
                }
            }
            years
        });
        let key = order_key(trigger);
        let sum = years.get(&year_of(trigger.date())).map_or(0, |records| {
            match records.partition_point(|(k, _)| *k <= key) {
                0 => 0,
                n => records[n - 1].1,
            }
        });
        sum >= total.min
    }
}

/// The first number in `field` of `view`.
fn number(view: &View<'_>, field: &str) -> Option<i64> {
    view.scalars(field).into_iter().find_map(|s| match s {
        Scalar::Int(i) => Some(i),
        _ => None,
    })
}

/// The earliest date a complaint issue may start under lookback rule `rule`, for `record`
/// (`None` when the rule does not apply to it).
pub fn lookback_limit(rule: &Rule, record: &StoredRecord, calendar: &Calendar<'_>) -> Option<Date> {
    let view = View::new(&record.id, &record.record);
    if rule.role != Role::Lookback || !rule.when.matches(&view) {
        return None;
    }
    let Start::Fields(fields) = &rule.start else {
        return None;
    };
    let (start, _) = fields.iter().find_map(|f| view.date_field(f))?;
    due_date(rule, start, None, 0, calendar).map(|(d, _, _)| d)
}

/// `unless_about`: whether the trigger answers a record of a kind the rule leaves out.
fn about_excluded(rule: &Rule, trigger: &View<'_>, views: &Views<'_>) -> bool {
    if rule.unless_about.is_empty() {
        return false;
    }
    let Some(target) = trigger.answers() else {
        return false;
    };
    views
        .by_id
        .get(target)
        .is_some_and(|&i| rule.unless_about.iter().any(|m| m.matches(&views.all[i])))
}

/// Whether earlier records rule the trigger out: one matches `unless_earlier`, or none
/// matches `if_earlier`.
fn ruled_out(rule: &Rule, trigger: &View<'_>, views: &Views<'_>) -> bool {
    let earlier = |patterns: &[Satisfier]| {
        views
            .tied_any(patterns, trigger)
            .any(|(_, v)| v.date() < trigger.date() && v.id != trigger.id)
    };
    (!rule.unless_earlier.is_empty() && earlier(&rule.unless_earlier))
        || (!rule.if_earlier.is_empty() && !earlier(&rule.if_earlier))
}

/// The due date (and time, for hours) of `rule` from `start`, and whether it is approximate.
/// `extra_days` lengthens a count in days (`extend_by`).
fn due_date(
    rule: &Rule,
    start: Date,
    start_time: Option<Time>,
    extra_days: i64,
    calendar: &Calendar<'_>,
) -> Option<(Date, Option<Time>, bool)> {
    let counting = Counting {
        day_type: rule.count,
        day_one: rule.day_one,
        include_holidays: rule.include_holidays,
        exclude: &rule.exclude,
    };
    let (due, time, approximate) = match (rule.role, rule.offset) {
        (Role::Obligation { warn_after_days }, _) => {
            let date = start
                .0
                .checked_add(jiff::Span::new().try_days(warn_after_days).ok()?);
            (Date(date.ok()?), None, false)
        }
        (_, Some(Offset::Days(n))) => {
            let counted = calendar.add(start, n.checked_add(extra_days)?, &counting)?;
            (counted.date, None, counted.approximate)
        }
        (_, Some(Offset::Months(n))) => (calendar.add_months(start, n, rule.day_one)?, None, false),
        (_, Some(Offset::Years(n))) => (
            calendar.add_months(start, n.checked_mul(12)?, rule.day_one)?,
            None,
            false,
        ),
        (_, Some(Offset::Hours(n))) => {
            let at = start_time.map_or(civil::Time::midnight(), |t| t.0);
            let moved = start
                .0
                .to_datetime(at)
                .checked_add(jiff::Span::new().try_hours(n).ok()?)
                .ok()?;
            (Date(moved.date()), Some(Time(moved.time())), false)
        }
        (_, None) => return None,
    };
    let deferred = calendar.defer(due, &rule.defer_out_of)?;
    let time = if deferred.date == due { time } else { None };
    Some((deferred.date, time, approximate || deferred.approximate))
}

/// `extend_by`: the days the trigger's field adds to the count, when it reaches the minimum.
fn extension(rule: &Rule, trigger: &View<'_>) -> i64 {
    rule.exceptions
        .extend_by
        .as_ref()
        .and_then(|e| number(trigger, &e.field).filter(|n| *n >= e.min))
        .unwrap_or(0)
}

/// A due date that replaces the count: `year_end` for a start close to the end of the school
/// year (unless `extend_by` applies), `summer_school_day` for a trigger in the summer break.
fn special_due(
    rule: &Rule,
    trigger: &View<'_>,
    start: Date,
    calendar: &Calendar<'_>,
) -> Option<(Date, Option<Time>, bool)> {
    if let Some(year_end) = rule.exceptions.year_end
        && extension(rule, trigger) == 0
        && let Some((_, last_day, guessed)) = calendar.school_year(start)
        && start <= last_day
    {
        let (left, approximate) = calendar.school_days_between(start, last_day);
        if (year_end.min..=year_end.max).contains(&left) {
            let mut due = year_end.due.in_year(last_day.0.year())?;
            if due < last_day.0 {
                due = year_end.due.in_year(last_day.0.year().checked_add(1)?)?;
            }
            return Some((Date(due), None, approximate || guessed));
        }
    }
    let nth = rule.exceptions.summer_school_day?;
    let summer_end = calendar.summer_end(start)?;
    let counting = Counting {
        day_type: super::DayType::School,
        day_one: super::DayOne::Next,
        include_holidays: false,
        exclude: &[],
    };
    let counted = calendar.add(summer_end, nth, &counting)?;
    Some((counted.date, None, counted.approximate))
}

/// One deadline of `rule` for trigger `views[t]`.
fn compute(
    rule: &Rule,
    t: usize,
    (start, start_time): (Date, Option<Time>),
    views: &Views<'_>,
    calendar: &Calendar<'_>,
    today: Date,
) -> Option<Deadline> {
    let trigger = &views.all[t];
    let (mut due, mut due_time, approximate) = special_due(rule, trigger, start, calendar)
        .or_else(|| {
            let extra = extension(rule, trigger);
            due_date(rule, start, start_time, extra, calendar)
        })?;
    let mut before = None;
    // On a tie, the record first in the case wins, whatever pattern found it.
    let in_time = |i: usize, v: &View<'_>| (v.date(), (v.time().is_none(), v.time(), i));
    let next_event = rule
        .or_before
        .iter()
        .filter_map(|m| {
            let later = views
                .dated_from(m, trigger.date())
                .iter()
                .map(|&i| (i, &views.all[i]))
                .filter(|(_, v)| v.id != trigger.id && v.date() >= trigger.date())
                .filter(|(_, v)| m.matches(v));
            views.first(later, in_time)
        })
        .min_by_key(|&(i, v)| in_time(i, v))
        .map(|(_, v)| v);
    if let Some(event) = next_event
        && event.date() < due
    {
        due = event.date();
        due_time = event.time();
        before = Some(event.id.clone());
    }
    let met = views
        .first_tied_by(&rule.satisfied_by, trigger, in_time)
        .map(|(_, v)| Met {
            by: v.id.clone(),
            on: v.date(),
            late: (v.date(), v.time().unwrap_or(Time(civil::Time::midnight())))
                > (due, due_time.unwrap_or(Time(civil::Time::MAX))),
        });
    let status = match (&met, rule.role) {
        (Some(_), _) => Status::Met,
        (None, Role::Obligation { .. }) => Status::Obligation,
        (None, Role::Window) if due < today => Status::Ended,
        (None, _) if due < today => Status::Overdue,
        (None, _) => Status::Open,
    };
    let days_left = matches!(status, Status::Open | Status::Overdue | Status::Obligation)
        .then(|| days_between(today, due));
    Some(Deadline {
        rule: rule.id.clone(),
        label: rule.label.clone(),
        cite: rule.cite.clone(),
        confidence: rule.confidence,
        trigger: trigger.id.clone(),
        start,
        due,
        due_time,
        day_type: rule.count,
        status,
        days_left,
        approximate,
        met,
        before,
    })
}

/// The record `record` answers or refuses (as [`View::answers`]).
fn answered(record: &Record) -> Option<&str> {
    match &record.body {
        Body::Refusal(r) => r.refuses.as_ref(),
        Body::Response(r) => r.responds_to.as_ref(),
        Body::Pwn(p) => p.responds_to.as_ref(),
        Body::Decision(d) => d.responds_to.as_ref(),
        _ => None,
    }
    .map(|r| r.0.as_str())
}

#[cfg(test)]
mod tests;

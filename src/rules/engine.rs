//! Records + rules + today → deadlines.
//!
//! For every rule and every record its `when` matches (and `unless_earlier` does not rule
//! out), the clock starts at the trigger's `from` field (or another rule's due date), runs the
//! offset in the rule's day type, stops early at an `or_before` event, and is met by the
//! earliest record that `satisfied_by` accepts.

use std::collections::HashMap;

use jiff::civil;

use super::calendar::{Calendar, Counting, days_between};
use super::rule::{Offset, Role, Rule, Start, View};
use super::{Deadline, Met, RuleSet, Status};
use crate::record::{CaseMeta, Date, Time};
use crate::store::StoredRecord;

/// The deadlines of one case on `today`, ordered by due date, then rule, then trigger.
///
/// Conflict copies (`<id>.conflict-<n>`) are left out: they duplicate a record. Rules whose
/// role is [`Role::Lookback`] give no deadline; see [`lookback_limit`].
pub fn deadlines(
    records: &[StoredRecord],
    meta: &CaseMeta,
    rules: &RuleSet,
    today: Date,
) -> Vec<Deadline> {
    let views: Vec<View<'_>> = records
        .iter()
        .filter(|r| !r.id.is_conflict())
        .map(|r| View::new(&r.id, &r.record))
        .collect();
    let calendar = Calendar::new(&rules.holidays, rules.summer, meta.calendar.as_ref());
    let mut due_dates: HashMap<(&str, usize), (Date, Option<Time>)> = HashMap::new();
    let mut out = Vec::new();
    for rule in &rules.rules {
        if rule.role == Role::Lookback {
            continue;
        }
        for (t, trigger) in views.iter().enumerate() {
            if !rule.when.matches(trigger) || ruled_out(rule, trigger, &views) {
                continue;
            }
            let start = match &rule.start {
                Start::Fields(fields) => fields.iter().find_map(|f| trigger.date_field(f)),
                Start::AfterRule(other) => due_dates.get(&(other.as_str(), t)).copied(),
            };
            let Some(start) = start else { continue };
            let Some(deadline) = compute(rule, t, start, &views, &calendar, today) else {
                continue;
            };
            due_dates.insert((rule.id.as_str(), t), (deadline.due, deadline.due_time));
            out.push(deadline);
        }
    }
    out.sort_by(|a, b| (a.due, &a.rule, &a.trigger).cmp(&(b.due, &b.rule, &b.trigger)));
    out
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
    due_date(rule, start, None, calendar).map(|(d, _, _)| d)
}

/// Whether an earlier record rules the trigger out (`unless_earlier`).
fn ruled_out(rule: &Rule, trigger: &View<'_>, views: &[View<'_>]) -> bool {
    !rule.unless_earlier.is_empty()
        && views
            .iter()
            .any(|v| v.date() < trigger.date() && rule.unless_earlier.iter().any(|m| m.matches(v)))
}

/// The due date (and time, for hours) of `rule` from `start`, and whether it is approximate.
fn due_date(
    rule: &Rule,
    start: Date,
    start_time: Option<Time>,
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
            let counted = calendar.add(start, n, &counting)?;
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

/// One deadline of `rule` for trigger `views[t]`.
fn compute(
    rule: &Rule,
    t: usize,
    (start, start_time): (Date, Option<Time>),
    views: &[View<'_>],
    calendar: &Calendar<'_>,
    today: Date,
) -> Option<Deadline> {
    let trigger = &views[t];
    let (mut due, mut due_time, approximate) = due_date(rule, start, start_time, calendar)?;
    let mut before = None;
    let next_event = views
        .iter()
        .filter(|v| v.id != trigger.id && v.date() >= trigger.date())
        .filter(|v| rule.or_before.iter().any(|m| m.matches(v)))
        .min_by_key(|v| (v.date(), v.time().is_none(), v.time()));
    if let Some(event) = next_event
        && event.date() < due
    {
        due = event.date();
        due_time = event.time();
        before = Some(event.id.clone());
    }
    let met = views
        .iter()
        .filter(|v| rule.satisfied_by.iter().any(|s| s.satisfies(v, trigger)))
        .min_by_key(|v| (v.date(), v.time().is_none(), v.time()))
        .map(|v| Met {
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

#[cfg(test)]
mod tests;

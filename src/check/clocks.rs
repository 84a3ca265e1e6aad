//! Checks on clocks and numbers: unanswered requests, missed deadlines, service minutes,
//! annual reviews and reevaluations, complaint look-back limits and hearing disclosure.

use std::collections::BTreeMap;

use super::ladder::{self, Matter};
use super::{Code, Facts, Finding, Severity, days, letter};
use crate::record::StoredRecord;
use crate::record::{Body, Date, Kind, RecordId, RequestType};
use crate::rules::calendar::{Calendar, days_between};
use crate::rules::{Deadline, Role, Status, lookback_limit};

/// Deadlines the hearing officer keeps: a letter to the district does not move them.
const HEARING_OFFICER: &[&str] = &["sufficiency-ruling", "expedited-hearing-decision"];

/// Rules with checks of their own, left out of `deadline-overdue`.
const OWN_CHECKS: &[&str] = &[
    "annual-review",
    "reevaluation",
    "prior-written-notice",
    "recording-notice",
    "facilitation-request",
    "draft-documents",
    "parent-concerns",
];

fn finding(code: Code, severity: Severity, record: &RecordId, message: String) -> Finding {
    Finding {
        code,
        severity,
        record: Some(record.clone()),
        message,
        cite: None,
        confidence: None,
        next_step: None,
        inferred: Vec::new(),
    }
}

fn cited(mut finding: Finding, deadline: &Deadline) -> Finding {
    finding.cite = Some(deadline.cite.clone());
    finding.confidence = Some(deadline.confidence);
    finding
}

/// `request-unanswered`: a request's rule deadline passed, its obligation is past the
/// reminder, or its own `response_due` passed with no answer; or it was answered in a way
/// that does not discharge its obligation (an IEE refused rather than funded or taken to
/// due process).
pub(super) fn requests(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let today = facts.today();
    for record in facts.records() {
        let Body::Request(request) = &record.record.body else {
            continue;
        };
        let answers = [Kind::Response, Kind::Refusal, Kind::Pwn];
        if facts.maybe_answered_by_unlinked(&record.id, &answers) {
            continue;
        }
        let mine = || facts.deadlines_of(record.id.as_str());
        let overdue = mine().find(|d| d.status == Status::Overdue);
        let waiting =
            mine().find(|d| d.status == Status::Obligation && d.days_left.is_some_and(|n| n < 0));
        let what = format!(
            "Your request for {} of {}",
            request_words(record.record.type_name().unwrap_or("other")),
            record.record.date()
        );
        let mut f = match facts.answered(record.id.as_str()) {
            // A refusal or response answers the request; it need not meet an obligation
            // the law discharges only one way.
            Some(answer) => {
                let Some(d) = waiting else { continue };
                let how = answer_words(answer);
                let mut message = format!(
                    "{what} was answered on {} ({how}), but that does not meet it: {}.",
                    answer.record.date(),
                    lower_first(&d.label)
                );
                if d.rule == "iee-public-expense" {
                    message = format!(
                        "{what} was answered on {} ({how}), but the district neither agreed to \
                         fund the evaluation nor filed for due process to defend its own, as it \
                         must without unnecessary delay.",
                        answer.record.date()
                    );
                }
                cited(
                    finding(
                        Code::RequestUnanswered,
                        Severity::Warning,
                        &record.id,
                        message,
                    ),
                    d,
                )
            }
            None => {
                let asked_by = request.response_due.filter(|due| *due < today);
                let mut f = if let Some(d) = overdue {
                    cited(
                        finding(
                            Code::RequestUnanswered,
                            Severity::Error,
                            &record.id,
                            format!(
                                "{what} has no answer on file. {} was due {} ({} ago).",
                                d.label,
                                d.due,
                                days(d.days_left.unwrap_or(0))
                            ),
                        ),
                        d,
                    )
                } else if let Some(d) = waiting {
                    cited(
                        finding(
                            Code::RequestUnanswered,
                            Severity::Warning,
                            &record.id,
                            format!(
                                "{what} has no answer on file after {}. {}.",
                                days(days_between(d.start, today)),
                                d.label
                            ),
                        ),
                        d,
                    )
                } else if let Some(due) = asked_by {
                    finding(
                        Code::RequestUnanswered,
                        Severity::Warning,
                        &record.id,
                        format!(
                            "{what} asked for an answer by {due}; none is on file ({} late).",
                            days(days_between(due, today))
                        ),
                    )
                } else {
                    continue;
                };
                if let (Some(due), false) = (asked_by, f.message.contains("asked for an answer")) {
                    f.message
                        .push_str(&format!(" You asked for an answer by {due}."));
                }
                f
            }
        };
        let matter = Matter::of(facts, record, record.record.date());
        let next = ladder::next(
            facts,
            &matter,
            request_ladder(request.request_type),
            &record.id,
        );
        f.message.push_str(&next.on_file);
        f.next_step = next.step;
        out.push(f);
    }
}

/// The steps after an unanswered request of `kind`.
fn request_ladder(kind: RequestType) -> &'static [ladder::Step] {
    match kind {
        RequestType::Records => ladder::RECORDS,
        RequestType::Iee | RequestType::Pwn => ladder::COMPLAINT,
        RequestType::Facilitation | RequestType::Mediation => ladder::VOLUNTARY,
        _ => ladder::NONCOMPLIANCE,
    }
}

/// How a request was answered, in words: "a refusal", "a prior written notice".
fn answer_words(answer: &StoredRecord) -> &'static str {
    match &answer.record.body {
        Body::Refusal(_) => "a refusal",
        Body::Pwn(_) => "a prior written notice",
        Body::Response(r) => match r.decision {
            Some(crate::record::ResponseDecision::Granted) => "a response granting it",
            Some(crate::record::ResponseDecision::Partial) => "a response granting part of it",
            Some(crate::record::ResponseDecision::Scheduled) => "a response scheduling it",
            _ => "a response",
        },
        _ => "a record",
    }
}

/// `label` with its first letter lowercased.
fn lower_first(label: &str) -> String {
    lower(label)
}

/// A request type in words: "an IEE", "records".
fn request_words(request_type: &str) -> &'static str {
    match request_type {
        "evaluation" => "an evaluation",
        "reevaluation" => "a reevaluation",
        "iee" => "an independent educational evaluation",
        "records" => "records",
        "iep-meeting" => "an IEP meeting",
        "pwn" => "prior written notice",
        "accommodation" => "an accommodation",
        "service" => "a service",
        "placement" => "a placement",
        "facilitation" => "facilitation",
        "mediation" => "mediation",
        "records-amendment" => "a records amendment",
        "draft-documents" => "draft documents",
        _ => "something",
    }
}

/// `deadline-overdue`: any other rule deadline that passed unmet.
pub(super) fn overdue(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for d in facts.input.deadlines {
        if d.status != Status::Overdue || OWN_CHECKS.contains(&d.rule.as_str()) {
            continue;
        }
        let Some(trigger) = facts.get(d.trigger.as_str()) else {
            continue;
        };
        if trigger.record.kind() == Kind::Request {
            continue;
        }
        let mut f = cited(
            finding(
                Code::DeadlineOverdue,
                Severity::Error,
                &d.trigger,
                format!(
                    "{}: due {} ({} ago), counted from {} ({} of {}); nothing meeting it is on file.",
                    d.label,
                    d.due,
                    days(d.days_left.unwrap_or(0)),
                    d.start,
                    trigger.record.kind(),
                    trigger.record.date()
                ),
            ),
            d,
        );
        if d.rule == "resolution-meeting" || d.rule == "expedited-resolution-meeting" {
            f.message.push_str(
                " When the district holds no resolution meeting in time, you may ask the hearing \
                 officer to start the hearing timeline now (34 CFR 300.510(b)(5)).",
            );
        } else if trigger.record.kind() != Kind::Complaint
            && !HEARING_OFFICER.contains(&d.rule.as_str())
        {
            let matter = Matter::of(facts, trigger, trigger.record.date());
            let next = ladder::next(facts, &matter, ladder::COMPLAINT, &d.trigger);
            f.message.push_str(&next.on_file);
            f.next_step = next.step;
        }
        out.push(f);
    }
}

/// `deadline-overdue` for the orders of a decision whose due date has passed.
pub(super) fn orders(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let today = facts.today();
    for record in facts.records() {
        let Body::Decision(decision) = &record.record.body else {
            continue;
        };
        for (i, order) in decision.orders.iter().enumerate() {
            let Some(due) = order.due.filter(|due| *due < today) else {
                continue;
            };
            let kind = record
                .record
                .type_name()
                .unwrap_or("decision")
                .replace('-', " ");
            let matter = Matter::of(facts, record, due);
            let next = ladder::next(facts, &matter, ladder::COMPLAINT, &record.id);
            out.push(Finding {
                code: Code::DeadlineOverdue,
                severity: Severity::Warning,
                record: Some(record.id.clone()),
                message: format!(
                    "Order {} of the {kind} of {} was due {due} ({} ago): \"{}\". If it has \
                     not been done, tell the agency that issued it.{}",
                    i + 1,
                    record.record.date(),
                    days(days_between(due, today)),
                    order.text.trim().trim_end_matches('.'),
                    next.on_file
                ),
                cite: None,
                confidence: None,
                next_step: next.step,
                inferred: Vec::new(),
            });
        }
    }
}

/// `service-minutes-short`: minutes delivered below scheduled, summed per service and period.
pub(super) fn services(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    type Key = (String, crate::record::Date, crate::record::Date);
    let mut periods: BTreeMap<Key, (u64, u64, Vec<&StoredRecord>, String)> = BTreeMap::new();
    for record in facts.records() {
        let Body::ServiceLog(log) = &record.record.body else {
            continue;
        };
        let (Some(scheduled), Some(delivered)) = (log.scheduled_minutes, log.delivered_minutes)
        else {
            continue;
        };
        let key = (
            log.service.trim().to_lowercase(),
            log.period_start,
            log.period_end,
        );
        let entry = periods
            .entry(key)
            .or_insert((0, 0, Vec::new(), log.service.trim().to_owned()));
        entry.0 += u64::from(scheduled);
        entry.1 += u64::from(delivered);
        entry.2.push(record);
    }
    // Every log of a service is one matter: a request for compensatory services about any of
    // them is on file for all. Built once per service, not once per period.
    let mut matters: BTreeMap<&str, (Matter<'_>, ladder::Taken)> = BTreeMap::new();
    let mut missed_so_far: BTreeMap<String, (u64, usize)> = BTreeMap::new();
    for ((service, start, end), (scheduled, delivered, logs, name)) in &periods {
        if delivered >= scheduled {
            continue;
        }
        let missed = scheduled - delivered;
        let total = missed_so_far.entry(service.clone()).or_default();
        total.0 += missed;
        total.1 += 1;
        let first = logs[0];
        let mut message = format!(
            "{name}, {start} to {end}: {delivered} of {scheduled} scheduled minutes delivered \
             ({missed} missed, {}%). Missed minutes are the basis for compensatory services.",
            missed * 100 / scheduled.max(&1)
        );
        if total.1 > 1 {
            message.push_str(&format!(
                " Missed so far: {} minutes over {} periods.",
                total.0, total.1
            ));
        }
        let (_, taken) = matters.entry(service.as_str()).or_insert_with(|| {
            let all_logs: Vec<&StoredRecord> = periods
                .iter()
                .filter(|((s, _, _), _)| s == service)
                .flat_map(|(_, (_, _, logs, _))| logs.iter().copied())
                .collect();
            let since = all_logs
                .iter()
                .map(|l| l.record.date())
                .min()
                .unwrap_or(first.record.date());
            let matter = Matter::of_all(facts, &all_logs, first, since);
            let taken = ladder::Taken::of(facts, &matter, ladder::SERVICES);
            (matter, taken)
        });
        let next = taken.next(ladder::SERVICES, &first.id);
        message.push_str(&next.on_file);
        out.push(Finding {
            code: Code::ServiceMinutesShort,
            severity: Severity::Error,
            record: Some(first.id.clone()),
            message,
            cite: Some("34 CFR 300.323(c)(2); 300.101".into()),
            confidence: Some(crate::rules::Confidence::Confirmed),
            next_step: next.step,
            inferred: Vec::new(),
        });
    }
}

/// `annual-review-due` (within 30 days) and `reevaluation-due` (within 90 days).
pub(super) fn reviews(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    /// A review: its rule, code, warning window in days, name, letter, and the requests
    /// that already ask for it.
    type Review = (
        &'static str,
        Code,
        i64,
        &'static str,
        &'static str,
        &'static [RequestType],
    );
    const CHECKS: [Review; 2] = [
        (
            "annual-review",
            Code::AnnualReviewDue,
            30,
            "The annual IEP review",
            "iep-meeting-request",
            &[RequestType::IepMeeting],
        ),
        (
            "reevaluation",
            Code::ReevaluationDue,
            90,
            "The three-year reevaluation",
            "evaluation-request",
            &[RequestType::Reevaluation, RequestType::Evaluation],
        ),
    ];
    for (rule, code, window, what, template, asks) in CHECKS {
        for d in facts.deadlines(rule) {
            let Some(left) = d.days_left else { continue };
            let (severity, when) = match d.status {
                Status::Overdue => (
                    Severity::Error,
                    format!("was due {} ({} ago)", d.due, days(left)),
                ),
                Status::Open if left <= window => (
                    Severity::Warning,
                    format!("is due by {} (in {})", d.due, days(left)),
                ),
                _ => continue,
            };
            // A request made in the window already asks for it.
            let since = Date(
                d.due
                    .0
                    .checked_sub(jiff::Span::new().days(window * 2))
                    .unwrap_or(d.due.0),
            );
            // An IEP meeting already scheduled, still ahead.
            let scheduled = (rule == "annual-review")
                .then(|| {
                    facts
                        .records()
                        .filter(|r| match &r.record.body {
                            Body::Meeting(m) => matches!(
                                m.meeting_type,
                                crate::record::MeetingType::Iep
                                    | crate::record::MeetingType::FacilitatedIep
                            ),
                            _ => false,
                        })
                        .filter(|r| r.record.date() >= facts.today())
                        .min_by_key(|r| r.order_key())
                })
                .flatten();
            if let Some(meeting) = scheduled
                && meeting.record.date() <= d.due
            {
                let mut f = cited(
                    finding(
                        code,
                        Severity::Info,
                        &d.trigger,
                        format!(
                            "{what} {when}, counted from {}. The IEP meeting is scheduled for \
                             {}: prepare for it.",
                            d.start,
                            meeting.record.date()
                        ),
                    ),
                    d,
                );
                f.next_step = Some(format!("iepcase prep {}", meeting.id));
                out.push(f);
                continue;
            }
            let asked = ladder::asked_since(facts, asks, since);
            let mut advice = match asked {
                Some(request) => {
                    format!("You asked for it in writing on {}.", request.record.date())
                }
                None => "Ask for it in writing now.".to_owned(),
            };
            if let Some(meeting) = scheduled {
                advice = format!(
                    "The IEP meeting is scheduled for {}, after the due date: ask for an earlier \
                     date in writing.",
                    meeting.record.date()
                );
            }
            let mut f = cited(
                finding(
                    code,
                    severity,
                    &d.trigger,
                    format!("{what} {when}, counted from {}. {advice}", d.start),
                ),
                d,
            );
            f.next_step =
                (asked.is_none() || scheduled.is_some()).then(|| letter(template, &d.trigger));
            out.push(f);
        }
    }
}

/// `iep-status-missing`: an IEP without `status`. The annual review and other IEP clocks
/// start from a final IEP only, so such an IEP silently starts none.
pub(super) fn unstated_ieps(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for r in facts.records() {
        let Body::Iep(iep) = &r.record.body else {
            continue;
        };
        if iep.status.is_some() {
            continue;
        }
        let mut f = finding(
            Code::IepStatusMissing,
            Severity::Warning,
            &r.id,
            format!(
                "The IEP of {} has no status, so iepcase starts no deadline from it (the annual \
                 review is counted from a final IEP). Say which version it is: draft, proposed, \
                 final or amendment.",
                r.record.date()
            ),
        );
        f.next_step = Some(format!("iepcase edit {} --set status=final", r.id));
        out.push(f);
    }
}

/// `complaint-issue-too-old`: issues that start before a lookback rule's limit.
pub(super) fn complaint_issues(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let rules = &facts.input.rules;
    let calendar = &facts.calendar;
    let due_process = rules.rule("due-process-limitation");
    for rule in rules.rules.iter().filter(|r| r.role == Role::Lookback) {
        for record in facts.records() {
            let Body::Complaint(complaint) = &record.record.body else {
                continue;
            };
            let Some(limit) = lookback_limit(rule, record, calendar) else {
                continue;
            };
            for (i, issue) in complaint.issues.iter().enumerate() {
                let Some(since) = issue.since.filter(|s| *s < limit) else {
                    continue;
                };
                let mut kind = record
                    .record
                    .type_name()
                    .unwrap_or("complaint")
                    .replace('-', " ");
                if !kind.ends_with("complaint") {
                    kind.push_str(" complaint");
                }
                // A state investigator leaves the part out; a hearing officer may bar it.
                let consequence = if kind == "state complaint" {
                    "That part may not be investigated."
                } else {
                    "That part may be barred unless an exception of 34 CFR 300.511(f) applies."
                };
                let still_in_due_process = due_process
                    .filter(|r| r.id != rule.id)
                    .and_then(|r| due_process_reach(r, facts.today(), calendar))
                    .is_some_and(|dp| since >= dp);
                let mut message = format!(
                    "Issue {} of the {kind} of {} goes back to {since}, before {limit}: {}. \
                     {consequence}",
                    i + 1,
                    record.record.date(),
                    lower(&rule.label)
                );
                let filed = due_process_on_file(facts, record.record.date());
                if let (true, Some(dp)) = (still_in_due_process, filed) {
                    message.push_str(&format!(
                        " A due process complaint, which can reach back two years, is on file ({}).",
                        dp.record.date()
                    ));
                } else if still_in_due_process {
                    message.push_str(" A due process complaint can still reach it (two years).");
                }
                out.push(Finding {
                    code: Code::ComplaintIssueTooOld,
                    severity: Severity::Warning,
                    record: Some(record.id.clone()),
                    message,
                    cite: Some(rule.cite.clone()),
                    confidence: Some(rule.confidence),
                    next_step: (still_in_due_process && filed.is_none())
                        .then(|| letter("due-process-complaint", &record.id)),
                    inferred: Vec::new(),
                });
            }
        }
    }
}

/// A parent's due process complaint filed on or after `since`.
fn due_process_on_file<'a>(facts: &Facts<'a>, since: Date) -> Option<&'a StoredRecord> {
    facts.records().find(|r| {
        matches!(&r.record.body, Body::Complaint(c)
            if c.complaint_type != crate::record::ComplaintType::StateComplaint
                && c.filed_by != Some(crate::record::FiledBy::District))
            && r.record.date() >= since
    })
}

/// How far back a due process complaint filed today could reach.
fn due_process_reach(
    rule: &crate::rules::Rule,
    today: crate::record::Date,
    calendar: &Calendar<'_>,
) -> Option<crate::record::Date> {
    let Some(crate::rules::rule::Offset::Years(years)) = rule.offset else {
        return None;
    };
    calendar.add_months(today, years.checked_mul(12)?, rule.day_one)
}

fn lower(label: &str) -> String {
    let mut chars = label.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_lowercase().chain(chars).collect())
}

/// `hearing-disclosure`: the evidence disclosure date before each hearing still ahead.
pub(super) fn disclosure(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for d in facts.deadlines("evidence-disclosure") {
        if d.status != Status::Open {
            continue;
        }
        let left = d.days_left.unwrap_or(0);
        let holiday = |k: i64| {
            let day = crate::record::Date(d.due.0.checked_add(jiff::Span::new().days(k)).ok()?);
            facts
                .calendar
                .holiday(day)
                .map(|name| format!("{day} is {name}"))
        };
        let skipped: Vec<String> = (1..days_between(d.due, d.start))
            .filter_map(holiday)
            .collect();
        // Holidays just before the due date leave less time to prepare.
        let before: Vec<String> = (1..=3).map(|k| -k).filter_map(holiday).collect();
        let mut note = String::new();
        if !skipped.is_empty() {
            note.push_str(&format!(" ({}, which does not count)", skipped.join("; ")));
        }
        if !before.is_empty() {
            note.push_str(&format!("; plan ahead: {}", before.join("; ")));
        }
        let mut f = cited(
            finding(
                Code::HearingDisclosure,
                if left <= 14 {
                    Severity::Warning
                } else {
                    Severity::Info
                },
                &d.trigger,
                format!(
                    "The due process hearing on {} means both sides must disclose their evidence \
                     and evaluations by {}, 5 business days before, in {}{note}.",
                    d.start,
                    d.due,
                    days(left)
                ),
            ),
            d,
        );
        // A folder outside the case folders: a relative one fails where users stand in a case.
        f.next_step = Some(ladder::bundle_step(d.trigger.as_str()));
        out.push(f);
    }
}

/// `resolution-meeting-missed`: the parent who filed did not take part in the resolution
/// meeting, and none with the parent has been held since.
pub(super) fn resolution_missed(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(rule) = facts.input.rules.rule("resolution-period") else {
        return;
    };
    for complaint in facts.records() {
        let Body::Complaint(c) = &complaint.record.body else {
            continue;
        };
        if c.complaint_type == crate::record::ComplaintType::StateComplaint
            || c.filed_by == Some(crate::record::FiledBy::District)
        {
            continue;
        }
        let after = |attended: bool| {
            facts.records().filter(move |r| {
                matches!(&r.record.body, Body::Meeting(m)
                    if m.meeting_type == crate::record::MeetingType::Resolution
                        && m.parent_attended.unwrap_or(true) == attended)
                    && r.record.date() >= complaint.record.date()
            })
        };
        let Some(missed) = after(false).min_by_key(|r| r.order_key()) else {
            continue;
        };
        if after(true).any(|r| r.record.date() > missed.record.date()) {
            continue;
        }
        out.push(Finding {
            code: Code::ResolutionMeetingMissed,
            severity: Severity::Warning,
            record: Some(missed.id.clone()),
            message: format!(
                "The resolution meeting on {} on your due process complaint of {} was held \
                 without you. Until a resolution meeting is held with you, the resolution \
                 period and the hearing timeline wait (34 CFR 300.510(b)(3)), and at the end \
                 of the 30 days the district may ask the hearing officer to dismiss your \
                 complaint if it documented its efforts to include you (300.510(b)(4)). Agree \
                 on a new date in writing.",
                missed.record.date(),
                complaint.record.date()
            ),
            cite: Some(rule.cite.clone()),
            confidence: Some(rule.confidence),
            next_step: None,
            inferred: Vec::new(),
        });
    }
}

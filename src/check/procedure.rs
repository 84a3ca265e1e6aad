//! Checks on how the district did things: refusals and prior written notice, the content of
//! notices, recording notices, and refusals repeated until it is time to climb the ladder.

use std::collections::BTreeMap;

use jiff::civil;

use super::ladder::{self, Matter};
use super::{Code, Facts, Finding, Severity, days, letter};
use crate::record::StoredRecord;
use crate::record::kinds::{Pwn, Refusal};
use crate::record::{Body, Kind, Method, NoticeType, RefusalVia};
use crate::rules::calendar::days_between;
use crate::rules::rule::Offset;
use crate::rules::{Confidence, Status};

const PWN_CITE: &str = "34 CFR 300.503";

/// How a refusal reached the family, for messages ("by phone").
fn how(refusal: &Refusal, method: Option<Method>) -> &'static str {
    match (refusal.via, method) {
        (Some(RefusalVia::Pwn), _) => "with a prior written notice",
        (Some(RefusalVia::Letter), _) => "by letter",
        (Some(RefusalVia::Email), _) => "by e-mail",
        (Some(RefusalVia::Meeting), _) => "at a meeting",
        (Some(RefusalVia::NoResponse), _) => "by not answering",
        (_, Some(Method::Phone)) => "by phone",
        (_, Some(Method::InPerson)) => "in person",
        (Some(RefusalVia::Verbal), _) => "out loud",
        (None, _) => "",
    }
}

/// What was refused, in words: the refusal's `what`, else the request's title.
fn what(facts: &Facts<'_>, refusal: &Refusal) -> String {
    if let Some(what) = &refusal.what {
        return lower_first(what.trim());
    }
    refusal
        .refuses
        .as_ref()
        .and_then(|r| facts.get(&r.0))
        .map_or("a request".to_owned(), |r| {
            format!("\"{}\"", r.record.title())
        })
}

/// `text` with its first letter lowercased, unless it starts an acronym ("IEE").
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

/// `refusal-without-pwn`: from the `prior-written-notice` rule's deadlines.
pub(super) fn refusals_without_pwn(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(rule) = facts.input.rules.rule("prior-written-notice") else {
        return;
    };
    for deadline in facts.deadlines("prior-written-notice") {
        let Some(record) = facts.get(deadline.trigger.as_str()) else {
            continue;
        };
        let Body::Refusal(refusal) = &record.record.body else {
            continue;
        };
        if refusal.via == Some(RefusalVia::Pwn) {
            continue;
        }
        let mut message = format!(
            "The district refused {} on {} {}",
            what(facts, refusal),
            record.record.date(),
            how(refusal, record.record.common.method)
        )
        .replace("  ", " ")
        .trim_end()
        .to_owned();
        if refusal.in_writing == Some(false) {
            message.push_str(", not in writing");
        }
        if facts.maybe_answered_by_unlinked(&record.id, &[Kind::Pwn])
            || facts.unlinked_maybe_answered(&record.id, Kind::Pwn)
        {
            // Which refusal a notice on file answers is for the user to say (record-unlinked).
            continue;
        }
        let matter = Matter::of(facts, record, record.record.date());
        let (severity, next) = match (&deadline.met, deadline.status) {
            (Some(met), _) if met.late => {
                let gap = days_between(record.record.date(), met.on);
                message.push_str(&format!(
                    ". Prior written notice ({}) came only on {}, {} later: it must come with \
                     the refusal, explaining it in writing.",
                    met.by,
                    met.on,
                    days(gap)
                ));
                let next = ladder::next(facts, &matter, ladder::COMPLAINT, &record.id);
                message.push_str(&next.on_file);
                (Severity::Error, next.step)
            }
            (Some(_), _) => continue,
            (None, _) if deadline.days_left.is_some_and(|d| d >= 0) => {
                message.push_str(". No prior written notice yet: it should come with the refusal.");
                let next = ladder::next(facts, &matter, ladder::NONCOMPLIANCE, &record.id);
                message.push_str(&next.on_file);
                // Early on, asking is enough; once asked, wait for the notice.
                let step = next
                    .step
                    .filter(|s| s.starts_with("iepcase letter pwn-request"));
                (Severity::Info, step)
            }
            (None, _) => {
                message.push_str(
                    ", and no prior written notice is on file. A refusal must come with a written \
                     notice explaining it: ask for one.",
                );
                let next = ladder::next(facts, &matter, ladder::NONCOMPLIANCE, &record.id);
                if !next.on_file.is_empty() {
                    message = message.replace(": ask for one.", ".");
                }
                message.push_str(&next.on_file);
                (Severity::Error, next.step)
            }
        };
        out.push(Finding {
            code: Code::RefusalWithoutPwn,
            severity,
            record: Some(record.id.clone()),
            message,
            cite: Some(rule.cite.clone()),
            confidence: Some(rule.confidence),
            next_step: next,
            inferred: Vec::new(),
        });
    }
}

/// The seven elements of 34 CFR 300.503(b), as findings name them to the family.
const PWN_ELEMENTS: [&str; 7] = [
    "(1) a description of the action",
    "(2) why the district proposes or refuses it",
    "(3) each evaluation, record or report it relied on",
    "(4) a statement of your procedural safeguards",
    "(5) sources you can contact for help",
    "(6) other options considered and why they were rejected",
    "(7) other factors relevant to the decision",
];

/// The numbers (1 to 7) of the elements of 34 CFR 300.503(b) a notice lacks.
pub fn missing_element_numbers(pwn: &Pwn) -> Vec<usize> {
    let text = |field: &Option<String>| field.as_deref().is_some_and(|t| !t.trim().is_empty());
    [
        text(&pwn.description),
        text(&pwn.explanation),
        text(&pwn.evaluations_used),
        pwn.safeguards_statement == Some(true),
        text(&pwn.help_sources),
        text(&pwn.options_considered),
        text(&pwn.other_factors),
    ]
    .into_iter()
    .zip(1..)
    .filter(|(present, _)| !present)
    .map(|(_, number)| number)
    .collect()
}

/// The seven elements of 34 CFR 300.503(b) a notice lacks.
pub fn missing_elements(pwn: &Pwn) -> Vec<&'static str> {
    missing_element_numbers(pwn)
        .into_iter()
        .map(|n| PWN_ELEMENTS[n - 1])
        .collect()
}

/// `pwn-missing-elements`.
pub(super) fn pwn_elements(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    for record in facts.records() {
        let Body::Pwn(pwn) = &record.record.body else {
            continue;
        };
        let missing = missing_elements(pwn);
        if missing.is_empty() {
            continue;
        }
        // Steps taken after the notice arrived: asking for a complete one, or climbing on.
        let matter = Matter::of(facts, record, record.record.date());
        let next = ladder::next(facts, &matter, ladder::NONCOMPLIANCE, &record.id);
        out.push(Finding {
            code: Code::PwnMissingElements,
            severity: Severity::Error,
            record: Some(record.id.clone()),
            message: format!(
                "The prior written notice of {} leaves out {} of the 7 things it must contain: {}.{}",
                record.record.date(),
                missing.len(),
                missing.join("; "),
                next.on_file
            ),
            cite: Some(format!("{PWN_CITE}(b)")),
            confidence: Some(Confidence::Confirmed),
            next_step: next.step,
            inferred: Vec::new(),
        });
    }
}

/// Minutes from `(date, time)` to `(date, time)`.
fn minutes_between(from: (civil::Date, civil::Time), to: (civil::Date, civil::Time)) -> i64 {
    from.0
        .to_datetime(from.1)
        .duration_until(to.0.to_datetime(to.1))
        .as_mins()
}

/// `recording-notice-late`: notices given less than the rule's notice period before the
/// meeting, and recorded meetings with no notice at all.
pub(super) fn recording_notices(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let Some(rule) = facts.input.rules.rule("recording-notice") else {
        return;
    };
    let hours = match rule.offset {
        Some(Offset::Hours(h)) => -h,
        Some(Offset::Days(d)) => -d * 24,
        _ => return,
    };
    let upcoming = facts
        .deadlines("recording-notice")
        .filter(|d| d.status == Status::Open)
        .min_by_key(|d| d.due)
        .map(|d| d.trigger.clone());
    // A notice for the next recorded meeting still ahead; with none, there is nothing to send.
    let next = upcoming
        .as_ref()
        .map(|meeting| letter("recording-notice", meeting));
    let mut finding = |record: &StoredRecord, message: String| {
        out.push(Finding {
            code: Code::RecordingNoticeLate,
            severity: Severity::Warning,
            record: Some(record.id.clone()),
            message,
            cite: Some(rule.cite.clone()),
            confidence: Some(rule.confidence),
            next_step: next.clone(),
            inferred: Vec::new(),
        });
    };
    let state = &facts.input.rules.title;
    for record in facts.records() {
        let Body::Notice(notice) = &record.record.body else {
            continue;
        };
        if notice.notice_type != NoticeType::Recording {
            continue;
        }
        let linked = notice.meeting.as_ref().and_then(|m| facts.get(&m.0));
        let meeting = match linked {
            Some(m) => Some((m.record.date(), m.record.common.time)),
            None => notice.meeting_date.map(|d| (d, notice.meeting_time)),
        };
        let Some((meeting_date, meeting_time)) = meeting else {
            continue;
        };
        // Without times, assume the kindest: sent at midnight, meeting at the end of the day.
        let sent = (
            record.record.date().0,
            record
                .record
                .common
                .time
                .map_or(civil::Time::midnight(), |t| t.0),
        );
        let held = (
            meeting_date.0,
            meeting_time.map_or(civil::Time::MAX, |t| t.0),
        );
        let minutes = minutes_between(sent, held);
        if minutes >= hours * 60 {
            continue;
        }
        let at =
            |time: Option<crate::record::Time>| time.map_or(String::new(), |t| format!(" at {t}"));
        // Hours are only worth stating when both times are on record.
        let how_long = if record.record.common.time.is_some() && meeting_time.is_some() {
            format!("about {} hours", (minutes / 60).max(0))
        } else {
            format!("less than {hours} hours")
        };
        finding(
            record,
            format!(
                "Your notice of intent to record was sent on {}{}, {how_long} before the \
                 meeting on {meeting_date}{}; {state} expects {hours} hours' notice. Send it \
                 earlier next time.",
                record.record.date(),
                at(record.record.common.time),
                at(meeting_time),
            ),
        );
    }
    for deadline in facts.deadlines("recording-notice") {
        if deadline.status != Status::Overdue {
            continue;
        }
        let Some(meeting) = facts.get(deadline.trigger.as_str()) else {
            continue;
        };
        // A meeting still ahead is not yet recorded without notice (`recording-notice-missing`).
        if meeting.record.date() >= facts.today() {
            continue;
        }
        if facts.maybe_answered_by_unlinked(&meeting.id, &[Kind::Notice]) {
            continue;
        }
        finding(
            meeting,
            format!(
                "The meeting on {} was recorded, but no notice of intent to record is on file; \
                 {state} expects {hours} hours' notice.",
                meeting.record.date()
            ),
        );
    }
}

/// `repeated-refusals`: three or more refusals of requests of one type, with the next rung of
/// the escalation ladder.
pub(super) fn repeated_refusals(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let mut groups: BTreeMap<&'static str, Vec<(&StoredRecord, &StoredRecord)>> = BTreeMap::new();
    for record in facts.records() {
        let Body::Refusal(refusal) = &record.record.body else {
            continue;
        };
        let Some(request) = refusal.refuses.as_ref().and_then(|r| facts.get(&r.0)) else {
            continue;
        };
        if let Some(kind) = request.record.type_name() {
            groups.entry(kind).or_default().push((record, request));
        }
    }
    for (request_type, refusals) in groups {
        if refusals.len() < 3 {
            continue;
        }
        let requests: Vec<&StoredRecord> = {
            let mut r: Vec<&StoredRecord> = refusals.iter().map(|(_, q)| *q).collect();
            r.sort_by_key(|q| q.order_key());
            r.dedup_by_key(|q| q.id.clone());
            r
        };
        let latest = refusals
            .iter()
            .map(|(r, _)| *r)
            .max_by_key(|r| r.order_key())
            .expect("three or more");
        let about = if requests.len() == 1 {
            &requests[0].id
        } else {
            &latest.id
        };
        let list: Vec<String> = refusals
            .iter()
            .map(|(r, _)| {
                let how = match &r.record.body {
                    Body::Refusal(x) => how(x, r.record.common.method),
                    _ => "",
                };
                format!("{} {how}", r.record.date()).trim_end().to_owned()
            })
            .collect();
        let noncompliance = refusals.iter().any(|(r, _)| {
            facts
                .deadlines("prior-written-notice")
                .any(|d| d.trigger == r.id && d.met.as_ref().is_none_or(|m| m.late))
        }) || facts.records().any(|r| {
            matches!(&r.record.body, Body::ServiceLog(l)
                if l.delivered_minutes.zip(l.scheduled_minutes).is_some_and(|(d, s)| d < s))
        });
        let involved: Vec<&StoredRecord> = refusals
            .iter()
            .map(|(r, _)| *r)
            .chain(requests.iter().copied())
            .collect();
        let first = refusals
            .iter()
            .map(|(r, _)| r.record.date())
            .min()
            .expect("three or more");
        let on = facts.get(about.as_str()).unwrap_or(latest);
        let matter = Matter::of_all(facts, &involved, on, first);
        let (diagnosis, steps) = if noncompliance {
            (
                "Refusals without timely prior written notice (or missed services) are \
                 non-compliance, not a communication problem.",
                ladder::NONCOMPLIANCE,
            )
        } else {
            (
                "The refusals came with proper notice: this looks like a communication problem.",
                ladder::COMMUNICATION,
            )
        };
        let next = ladder::next(facts, &matter, steps, about);
        let what = request_type.replace('-', " ");
        out.push(Finding {
            code: Code::RepeatedRefusals,
            severity: Severity::Warning,
            record: Some(about.clone()),
            message: format!(
                "The district has refused requests for {} {} times ({}). {diagnosis}{} The \
                 escalation ladder: a facilitated IEP meeting when the problem is \
                 communication; a request for prior written notice, then a state complaint, \
                 when the district is not following the rules; then mediation or due process.",
                an(&what),
                refusals.len(),
                list.join(", "),
                next.on_file,
            ),
            cite: Some("34 CFR 300.503; 300.151-300.153; 300.506; 300.507".into()),
            confidence: Some(Confidence::Confirmed),
            next_step: next.step,
            inferred: Vec::new(),
        });
    }
}

/// "an accommodation", "a service".
fn an(word: &str) -> String {
    format!("{} {word}", crate::record::article(word))
}

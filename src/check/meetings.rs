//! The preparation of a meeting still ahead: drafts asked for, a parent concern statement, the
//! notice of intent to record. Each appears only inside the two weeks before the meeting, when
//! there is still time to act, and names the letter that does it; `iepcase prep` shows the
//! whole checklist.

use super::{Code, Facts, Finding, Severity, letter};
use crate::record::StoredRecord;
use crate::record::{Body, Kind};
use crate::rules::{Deadline, Status};

/// How many days before a meeting its preparation is checked.
pub const WINDOW_DAYS: i64 = 14;

/// `drafts-not-requested`, `parent-concerns-missing`, `recording-notice-missing`.
pub(super) fn upcoming(facts: &Facts<'_>, out: &mut Vec<Finding>) {
    let today = facts.today();
    for meeting in facts.records() {
        let Body::Meeting(body) = &meeting.record.body else {
            continue;
        };
        let date = meeting.record.date();
        let days = crate::rules::calendar::days_between(today, date);
        if !(0..=WINDOW_DAYS).contains(&days) {
            continue;
        }
        let when = match days {
            0 => "today".to_owned(),
            1 => "tomorrow".to_owned(),
            n => format!("in {n} days"),
        };
        let open = |rule: &str| -> Option<&Deadline> {
            facts
                .deadlines_of(meeting.id.as_str())
                .find(|d| d.rule == rule && matches!(d.status, Status::Open | Status::Overdue))
        };
        let what = format!("The {} on {date} is {when}", body.meeting_type.words());
        if let Some(d) = open("draft-documents") {
            out.push(prep_finding(
                Code::DraftsNotRequested,
                Severity::Info,
                meeting,
                d,
                format!(
                    "{what} and no request for drafts of the proposed IEP changes is on file. \
                     Ask for them now; iepcase suggests asking by {} (its default, not the \
                     law's).",
                    d.due
                ),
                letter("draft-documents-request", &meeting.id),
            ));
        }
        if let Some(d) = open("parent-concerns") {
            out.push(prep_finding(
                Code::ParentConcernsMissing,
                Severity::Info,
                meeting,
                d,
                format!(
                    "{what} and no written parent concern statement is on file. The team must \
                     consider the parents' concerns; write them down and bring copies."
                ),
                letter("parent-concerns", &meeting.id),
            ));
        }
        if body.recorded == Some(true)
            && let Some(d) = open("recording-notice")
        {
            if facts.maybe_answered_by_unlinked(&meeting.id, &[Kind::Notice]) {
                continue;
            }
            let due = match d.due_time {
                Some(t) => format!("{} {t}", d.due),
                None => d.due.to_string(),
            };
            let message = if d.status == Status::Overdue {
                format!(
                    "{what}, the family will record it, and no notice of intent to record is on \
                     file; {} expects it by {due}. Send it now and bring a copy.",
                    facts.input.rules.title
                )
            } else {
                format!(
                    "{what}, the family will record it, and no notice of intent to record is on \
                     file; {} expects it by {due}.",
                    facts.input.rules.title
                )
            };
            out.push(prep_finding(
                Code::RecordingNoticeMissing,
                Severity::Warning,
                meeting,
                d,
                message,
                letter("recording-notice", &meeting.id),
            ));
        }
    }
}

fn prep_finding(
    code: Code,
    severity: Severity,
    meeting: &StoredRecord,
    deadline: &Deadline,
    message: String,
    next_step: String,
) -> Finding {
    Finding {
        code,
        severity,
        record: Some(meeting.id.clone()),
        message,
        cite: Some(deadline.cite.clone()),
        confidence: Some(deadline.confidence),
        next_step: Some(next_step),
        inferred: Vec::new(),
    }
}

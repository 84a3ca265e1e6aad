//! Deadlines as an iCalendar file (RFC 5545): one all-day event per open deadline, with a
//! reminder, that calendar apps can import again and again without duplicates.
//!
//! - The UID is derived from the case, the rule and the trigger record, so the same deadline
//!   keeps its UID: a re-import updates the event. The case slug enters only as a hash, and
//!   no event names the child.
//! - DTSTAMP is the start of the day the deadlines were computed for, never the wall clock, so
//!   the same records and day give the same bytes.
//! - DTEND is the day after the due date (all-day events end exclusively).
//! - SEQUENCE is the number of days from 2000-01-01 to the day computed for, so a file made
//!   later always supersedes an earlier import of the same event.
//! - A deadline that was met (or a window that ended) stays in the file as a cancelled event
//!   without a reminder: importing the file again removes or silences the old event instead
//!   of leaving a stale "OVERDUE" in the calendar.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::{Deadline, Status};
use crate::record::Date;

/// One case's deadlines, for the calendar.
pub struct CaseDeadlines<'a> {
    pub case: &'a str,
    pub deadlines: &'a [Deadline],
}

/// How many days before the due date the reminder fires.
pub const REMINDER_DAYS: u32 = 3;

/// The iCalendar text: the deadlines still to act on (open, overdue and obligations) as
/// events with a reminder, and the met or ended ones as cancelled events.
pub fn render(cases: &[CaseDeadlines<'_>], today: Date) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//iepcase//deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:iepcase deadlines",
    ] {
        push(&mut out, line);
    }
    let stamp = format!("{}T000000Z", compact(today));
    let sequence = Date::new(2000, 1, 1).map_or(0, |epoch| {
        super::calendar::days_between(epoch, today).max(0)
    });
    for case in cases {
        for d in case.deadlines {
            event(&mut out, case.case, d, &stamp, sequence);
        }
    }
    push(&mut out, "END:VCALENDAR");
    out
}

/// The stable UID of a deadline: the same for the same case, rule and trigger.
pub fn uid(case: &str, rule: &str, trigger: &str) -> String {
    let digest = Sha256::digest(format!("iepcase\0{case}").as_bytes());
    format!("{trigger}.{rule}.{}@iepcase", &hex::encode(digest)[..16])
}

fn event(out: &mut String, case: &str, d: &Deadline, stamp: &str, sequence: i64) {
    let due = compact(d.due);
    let end = d.due.0.tomorrow().map_or(due.clone(), |t| compact(Date(t)));
    let summary = match d.status {
        Status::Obligation => format!("{case}: follow up: {}", d.label),
        Status::Overdue => format!("{case}: OVERDUE: {}", d.label),
        Status::Met => format!("{case}: met: {}", d.label),
        Status::Ended => format!("{case}: ended: {}", d.label),
        Status::Open => format!("{case}: {}", d.label),
    };
    let done = matches!(d.status, Status::Met | Status::Ended);
    let mut description = format!(
        "{}\nRule: {} ({} confidence)\nCitation: {}\nStarted: {} by record {}\n",
        d.label, d.rule, d.confidence, d.cite, d.start, d.trigger
    );
    if let Some(time) = d.due_time {
        let _ = writeln!(description, "Due by {time} on {}", d.due);
    }
    if d.approximate {
        description.push_str("Approximate: counted without the school calendar.\n");
    }
    description.push_str("Not legal advice: check the rule against the law of your state.");
    push(out, "BEGIN:VEVENT");
    push(
        out,
        &format!("UID:{}", uid(case, &d.rule, d.trigger.as_str())),
    );
    push(out, &format!("DTSTAMP:{stamp}"));
    push(out, &format!("SEQUENCE:{sequence}"));
    if done {
        push(out, "STATUS:CANCELLED");
    }
    push(out, &format!("DTSTART;VALUE=DATE:{due}"));
    push(out, &format!("DTEND;VALUE=DATE:{end}"));
    push(out, &format!("SUMMARY:{}", escape(&summary)));
    push(out, &format!("DESCRIPTION:{}", escape(&description)));
    push(out, &format!("CATEGORIES:{}", escape(&d.rule)));
    push(out, "TRANSP:TRANSPARENT");
    if !done {
        push(out, "BEGIN:VALARM");
        push(out, "ACTION:DISPLAY");
        push(out, &format!("DESCRIPTION:{}", escape(&summary)));
        push(out, &format!("TRIGGER:-P{REMINDER_DAYS}D"));
        push(out, "END:VALARM");
    }
    push(out, "END:VEVENT");
}

fn compact(date: Date) -> String {
    date.to_string().replace('-', "")
}

/// Escapes text values (RFC 5545 3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets without splitting a character, with CRLF.
fn push(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deadline(status: Status) -> Deadline {
        Deadline {
            label: "Annual IEP review; with, commas".into(),
            ..Deadline::sample(status, Some(10))
        }
    }

    #[test]
    fn events_are_all_day_stable_and_reproducible() {
        let list = [deadline(Status::Open), deadline(Status::Met)];
        let cases = [CaseDeadlines {
            case: "eq-2025",
            deadlines: &list,
        }];
        let today = Date::new(2026, 11, 28).unwrap();
        let text = render(&cases, today);
        assert_eq!(text, render(&cases, today), "same input, same bytes");
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert_eq!(
            text.matches("STATUS:CANCELLED").count(),
            1,
            "a met deadline is a cancelled event"
        );
        assert_eq!(
            text.matches("BEGIN:VALARM").count(),
            1,
            "and has no reminder"
        );
        assert!(text.contains("SUMMARY:eq-2025: met: Annual"));
        // 2000-01-01 to 2026-11-28: a later day gives a higher sequence.
        assert!(text.contains("SEQUENCE:9828\r\n"), "{text}");
        let later = render(&cases, Date::new(2026, 12, 1).unwrap());
        assert!(later.contains("SEQUENCE:9831\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261208\r\n"));
        assert!(
            text.contains("DTEND;VALUE=DATE:20261209\r\n"),
            "exclusive end"
        );
        assert!(text.contains("DTSTAMP:20261128T000000Z\r\n"));
        assert!(text.contains("BEGIN:VALARM\r\nACTION:DISPLAY\r\n"));
        assert!(text.contains("TRIGGER:-P3D\r\n"));
        assert!(text.contains("review\\; with\\, commas"));
        let uid_line = text.lines().find(|l| l.starts_with("UID:")).unwrap();
        assert!(
            uid_line.starts_with("UID:x760srq3ep.annual-review."),
            "{uid_line}"
        );
        assert!(!uid_line.contains("eq-2025"), "the slug is hashed");
        assert_eq!(uid("eq-2025", "a", "b"), uid("eq-2025", "a", "b"));
        assert_ne!(uid("eq-2025", "a", "b"), uid("other", "a", "b"));
        for line in text.split("\r\n") {
            assert!(line.len() <= 75, "folded: {line}");
        }
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn long_lines_fold_on_character_boundaries() {
        let mut out = String::new();
        push(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        let lines: Vec<&str> = out.split("\r\n").collect();
        assert!(lines.len() > 2);
        assert!(lines[1].starts_with(' '));
        assert_eq!(
            out.replace("\r\n ", ""),
            format!("SUMMARY:{}\r\n", "é".repeat(60))
        );
    }
}

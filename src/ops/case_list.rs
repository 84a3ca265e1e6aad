//! What `case list` says of each case: the words of its row (the current case marked, the
//! next deadline and meeting), why a case could not be opened, and the failure to end with.

use crate::crypto::Identities;
use crate::json::{CaseRowJson, NextMeetingJson};
use crate::record::Date;
use crate::rules::{Deadline, Rulebook, Status};
use crate::text::{Paint, Table};
use crate::workspace::Workspace;

use super::cases::Overview;
use super::diagnosis::Diagnosis;
use super::{Notice, OpsError};

/// Why a case could not be opened.
#[derive(Debug, PartialEq, Eq)]
pub struct Unopened {
    pub message: String,
    /// The identity opens other cases, but its key is not a member of this one.
    pub no_access: bool,
}

impl Unopened {
    fn of(e: OpsError) -> Unopened {
        let no_access = e.is_not_a_member();
        Unopened {
            message: Diagnosis::from(e).message,
            no_access,
        }
    }
}

/// A case and its overview, or why it could not be opened.
pub type Row = (String, Result<Overview, Unopened>);

/// Every case of `slugs` at a glance (see [`super::cases::overviews`]); without the
/// identities no case opens, and each row says so, as each case would.
pub fn rows(
    ws: &Workspace,
    slugs: &[String],
    identities: Result<&Identities, Diagnosis>,
    book: Option<&Rulebook>,
    today: Date,
    now: jiff::civil::DateTime,
) -> Vec<Row> {
    match identities {
        Ok(ids) => super::cases::overviews(ws, slugs, ids, book, today, now)
            .into_iter()
            .map(|(slug, o)| (slug, o.map_err(Unopened::of)))
            .collect(),
        Err(e) => slugs
            .iter()
            .map(|slug| {
                let unopened = Unopened {
                    message: e.message.clone(),
                    no_access: false,
                };
                (slug.clone(), Err(unopened))
            })
            .collect(),
    }
}

/// The cells of a case's row: CASE, CHILD, STATE, STATUS, RECORDS, NEXT DEADLINE and NEXT
/// MEETING; the `current` case is marked.
pub fn cells(
    slug: &str,
    current: Option<&str>,
    overview: &Result<Overview, Unopened>,
) -> Vec<String> {
    let o = match overview {
        Ok(o) => o,
        Err(unopened) => {
            let why = if unopened.no_access {
                "(no access)"
            } else {
                "(unreadable)"
            };
            let mut row = vec![mark(slug, current), why.into()];
            row.extend(["-", "-", "-", "-", "-"].map(String::from));
            return row;
        }
    };
    let meeting = o.next_meeting.as_ref().map(|m| {
        let when = match m.record.common.time {
            Some(t) => format!("{} {t}", m.record.date()),
            None => m.record.date().to_string(),
        };
        format!("{when}  {}", m.record.title())
    });
    vec![
        mark(slug, current),
        o.meta.child.clone(),
        o.meta
            .state
            .clone()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "-".into()),
        o.meta.status.to_string(),
        o.records.to_string(),
        o.next_deadline
            .as_ref()
            .map_or("-".into(), |(d, more)| next_deadline(d, *more)),
        meeting.unwrap_or_else(|| "-".into()),
    ]
}

/// The CASE cell: the current case marked with `*` (the others indented to match) when there
/// is one.
fn mark(slug: &str, current: Option<&str>) -> String {
    match current {
        Some(c) if c == slug => format!("* {slug}"),
        Some(_) => format!("  {slug}"),
        None => slug.to_owned(),
    }
}

/// The NEXT DEADLINE cell: due date and label, marked when overdue.
fn next_deadline(d: &Deadline, more_overdue: usize) -> String {
    let mut text = format!("{}  {}", d.due, d.label);
    if d.status == Status::Overdue {
        text.push_str(" (OVERDUE");
        if more_overdue > 0 {
            text.push_str(&format!(", and {more_overdue} more"));
        }
        text.push(')');
    }
    text
}

/// What to warn of before the table: each case whose state has no rules of its own, and
/// each case that could not be opened.
pub fn warnings(rows: &[Row]) -> Vec<Notice> {
    let mut notices = Vec::new();
    for (slug, overview) in rows {
        match overview {
            Ok(o) => {
                if let Some(state) = &o.fallback_state {
                    notices.extend(super::tally::fallback(slug, state));
                }
            }
            Err(unopened) => {
                notices.push(Notice::Warning(format!(
                    "case `{slug}`: {}",
                    unopened.message
                )));
            }
        }
    }
    notices
}

/// The table of cases fitting `width`, the `current` one marked; with no case, nothing.
pub fn render(rows: &[Row], current: Option<&str>, width: Option<usize>, paint: Paint) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut table = Table::new(&[
        "CASE",
        "CHILD",
        "STATE",
        "STATUS",
        "RECORDS",
        "NEXT DEADLINE",
        "NEXT MEETING",
    ])
    .flexible(&[5, 6, 1]);
    for (slug, overview) in rows {
        table.row(cells(slug, current, overview));
    }
    table.render(width, paint)
}

/// What to tell when the workspace has no case yet.
pub fn no_case_notices() -> Vec<Notice> {
    vec![
        Notice::Status("No cases yet".into()),
        Notice::Hint("create one with `iepcase case new SLUG --child NAME`".into()),
    ]
}

/// Each case's next meeting, for [`json_rows`] to point at.
pub fn next_meetings(rows: &[Row]) -> Vec<Option<NextMeetingJson>> {
    rows.iter()
        .map(|(_, o)| {
            o.as_ref()
                .ok()?
                .next_meeting
                .as_ref()
                .map(NextMeetingJson::of)
        })
        .collect()
}

/// The rows of `case list --json`, with the `meetings` of [`next_meetings`].
pub fn json_rows<'a>(
    rows: &'a [Row],
    meetings: &'a [Option<NextMeetingJson>],
    current: Option<&'a str>,
) -> Vec<CaseRowJson<'a>> {
    rows.iter()
        .zip(meetings)
        .map(|((slug, o), meeting)| CaseRowJson::of(slug, o, meeting.as_ref(), current))
        .collect()
}

/// The failure to end with when some cases could not be opened (after the table shows them).
pub fn failure(rows: &[Row]) -> Option<Diagnosis> {
    let failed: Vec<&str> = rows
        .iter()
        .filter(|(_, o)| o.is_err())
        .map(|(slug, _)| slug.as_str())
        .collect();
    let first = failed.first()?;
    let mut d = Diagnosis::fixable(format!(
        "{} case(s) could not be opened: {}",
        failed.len(),
        failed.join(", ")
    ));
    d.hints.push(format!(
        "run `iepcase -c {first} fsck`; a case you are not a member of needs `iepcase share` from a member"
    ));
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unopened(no_access: bool) -> Result<Overview, Unopened> {
        Err(Unopened {
            message: "cannot open".into(),
            no_access,
        })
    }

    #[test]
    fn a_case_that_does_not_open_says_whether_it_is_shared_with_you() {
        assert_eq!(
            cells("eq", Some("eq"), &unopened(true)),
            ["* eq", "(no access)", "-", "-", "-", "-", "-"]
        );
        assert_eq!(
            cells("mq", Some("eq"), &unopened(false))[..2],
            ["  mq", "(unreadable)"]
        );
        assert_eq!(cells("mq", None, &unopened(false))[0], "mq");
    }

    #[test]
    fn the_cases_that_did_not_open_are_named_with_the_first_to_check() {
        let open = |slug: &str| (slug.to_owned(), unopened(false));
        assert_eq!(failure(&[]), None);
        let d = failure(&[open("a"), open("b")]).unwrap();
        assert_eq!(d.message, "2 case(s) could not be opened: a, b");
        assert!(d.hints[0].starts_with("run `iepcase -c a fsck`"), "{d:?}");
    }

    #[test]
    fn without_identities_every_row_tells_why() {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::create(dir.path(), &Default::default()).unwrap();
        let slugs = vec!["a".to_owned(), "b".to_owned()];
        let today = Date::new(2026, 11, 28).unwrap();
        let rows = rows(
            &ws,
            &slugs,
            Err(Diagnosis::fixable("no identity file")),
            None,
            today,
            today.0.at(9, 0, 0, 0),
        );
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|(_, r)| matches!(
            r,
            Err(Unopened { message, no_access: false }) if message == "no identity file"
        )));
    }

    #[test]
    fn an_overdue_deadline_says_how_many_more_are_overdue() {
        let mut d = Deadline {
            rule: "pwn".into(),
            label: "Prior written notice".into(),
            cite: "34 CFR 300.503".into(),
            start: Date::new(2026, 10, 1).unwrap(),
            due: Date::new(2026, 11, 1).unwrap(),
            ..Deadline::sample(Status::Overdue, Some(-27))
        };
        assert_eq!(
            next_deadline(&d, 2),
            "2026-11-01  Prior written notice (OVERDUE, and 2 more)"
        );
        assert_eq!(
            next_deadline(&d, 0),
            "2026-11-01  Prior written notice (OVERDUE)"
        );
        d.status = Status::Open;
        assert_eq!(next_deadline(&d, 0), "2026-11-01  Prior written notice");
    }

    #[test]
    fn the_table_marks_the_current_case_and_tells_why_a_case_did_not_open() {
        let rows = vec![
            ("eq".to_owned(), unopened(true)),
            ("mq".to_owned(), unopened(false)),
        ];
        let text = render(&rows, Some("mq"), None, Paint::plain());
        assert_eq!(
            text,
            "CASE  CHILD         STATE  STATUS  RECORDS  NEXT DEADLINE  NEXT MEETING\n\
             \x20 eq  (no access)   -      -       -        -              -\n\
             * mq  (unreadable)  -      -       -        -              -\n"
        );
        assert_eq!(render(&rows, Some("mq"), None, Paint::new(true)), text);
        assert_eq!(render(&[], None, Some(80), Paint::plain()), "");
        assert_eq!(
            warnings(&rows)[0],
            Notice::Warning("case `eq`: cannot open".into())
        );
        assert_eq!(json_rows(&rows, &next_meetings(&rows), None).len(), 2);
        assert_eq!(no_case_notices()[0], Notice::Status("No cases yet".into()));
    }
}

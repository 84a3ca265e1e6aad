//! `list`: a case's records in date order, filtered by kind and date, as a table with the
//! next meeting and what could not be read told beside it.

use crate::record::{Date, Kind};
use crate::store::{Broken, Case, RecordSummary, StoreError};
use crate::text::{Paint, Table};

use super::Notice;
use super::diagnosis::Diagnosis;

/// Which records to list; empty or `None` lets every record through.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only records of these kinds.
    pub kinds: Vec<Kind>,
    /// Only records on or after this date.
    pub from: Option<Date>,
    /// Only records on or before this date.
    pub to: Option<Date>,
}

impl Filter {
    /// Whether `r` is listed.
    pub fn keeps(&self, r: &RecordSummary) -> bool {
        (self.kinds.is_empty() || self.kinds.contains(&r.kind))
            && self.from.is_none_or(|from| r.date >= from)
            && self.to.is_none_or(|to| r.date <= to)
    }
}

/// What `list` found.
#[derive(Debug)]
pub struct Listing {
    /// The records the filter keeps, in date order.
    pub records: Vec<RecordSummary>,
    /// The records that could not be read.
    pub broken: Vec<Broken>,
    /// The case's next meeting or hearing, whatever the filter.
    pub next: Option<RecordSummary>,
    /// Which records are still to come.
    upcoming: Vec<bool>,
    /// How many sync conflict copies the case holds.
    conflicts: usize,
}

/// The records of `case` that `filter` keeps, as of `now`.
pub fn list(
    case: &Case,
    filter: &Filter,
    now: jiff::civil::DateTime,
) -> Result<Listing, StoreError> {
    let loaded = case.summaries()?;
    let next = loaded
        .records
        .iter()
        .filter(|r| r.is_upcoming(now))
        .min_by_key(|r| r.order_key())
        .cloned();
    let conflicts = loaded.records.iter().filter(|r| r.id.is_conflict()).count();
    let records: Vec<RecordSummary> = loaded
        .records
        .into_iter()
        .filter(|r| filter.keeps(r))
        .collect();
    let upcoming = records.iter().map(|r| r.is_upcoming(now)).collect();
    Ok(Listing {
        records,
        broken: loaded.broken,
        next,
        upcoming,
        conflicts,
    })
}

impl Listing {
    /// Whether there is nothing to show: no record kept and none broken.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty() && self.broken.is_empty()
    }

    /// The table of records, fitting `width`.
    pub fn text(&self, width: Option<usize>, paint: Paint) -> String {
        let mut table = Table::new(&["ID", "DATE", "KIND", "TYPE", "TITLE"]).flexible(&[4, 1, 3]);
        table.rows(
            (self.records.iter().zip(&self.upcoming))
                .map(|(r, &upcoming)| row(r, upcoming))
                .collect(),
        );
        table.render(width, paint)
    }

    /// What to tell besides the records: for the `text` table, that there are none or when
    /// the next meeting is; then each record that cannot be read, or else the sync conflict
    /// copies left to settle.
    pub fn notices(&self, text: bool) -> Vec<Notice> {
        let mut notices = Vec::new();
        if text && self.is_empty() {
            notices.push(Notice::Status("No records".into()));
        } else if text && let Some(next) = &self.next {
            notices.push(next_meeting(next));
        }
        for broken in &self.broken {
            notices.push(Notice::Warning(format!(
                "record {} cannot be read: {}",
                broken.id,
                describe(&broken.error)
            )));
        }
        if self.broken.is_empty() && self.conflicts > 0 {
            notices.push(Notice::Warning(format!(
                "{} sync conflict copies; settle them with `iepcase resolve ID --keep …`",
                self.conflicts
            )));
        }
        notices
    }

    /// The error to end with when records of case `slug` could not be read.
    pub fn failure(&self, slug: &str) -> Option<Diagnosis> {
        if self.broken.is_empty() {
            return None;
        }
        let ids: Vec<String> = self.broken.iter().map(|b| b.id.to_string()).collect();
        Some(super::tally::unreadable(slug, &ids))
    }
}

/// "Next meeting: …; prepare with `iepcase prep`", for `list` and `timeline`.
pub fn next_meeting(m: &RecordSummary) -> Notice {
    let when = match m.time {
        Some(t) => format!("{} {t}", m.date),
        None => m.date.to_string(),
    };
    Notice::Status(format!(
        "Next meeting: {when}, {} ({}); prepare with `iepcase prep`",
        m.title, m.id
    ))
}

/// The innermost reason of a store error, for one-line warnings.
pub fn describe(error: &StoreError) -> String {
    if let StoreError::CorruptObject { source, .. } = error {
        return format!("git's copy of it is damaged ({})", source.message());
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text = e.to_string();
        source = e.source();
    }
    text
}

/// One line of the table: the title marked when the record is privileged, confidential, a
/// sync conflict copy or still to come.
fn row(r: &RecordSummary, upcoming: bool) -> Vec<String> {
    let date = match r.time {
        Some(time) => format!("{} {time}", r.date),
        None => r.date.to_string(),
    };
    let mut marks = Vec::new();
    if r.privileged {
        marks.push("[privileged]".to_owned());
    }
    if let Some(confidential) = &r.confidential {
        marks.push(format!("[{confidential}-confidential]"));
    }
    if r.id.is_conflict() {
        marks.push("[sync conflict]".to_owned());
    }
    if upcoming {
        marks.push("[upcoming]".to_owned());
    }
    marks.push(r.title.clone());
    vec![
        r.id.to_string(),
        date,
        r.kind.to_string(),
        r.list_type.clone().unwrap_or_else(|| "-".into()),
        marks.join(" "),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;

    fn summary(id: &str, kind: Kind, date: &str, time: Option<&str>, title: &str) -> RecordSummary {
        RecordSummary {
            id: RecordId::parse(id).unwrap(),
            kind,
            type_name: None,
            list_type: None,
            date: date.parse().unwrap(),
            time: time.map(|t| t.parse().unwrap()),
            title: title.into(),
            privileged: false,
            confidential: None,
            content: String::new(),
        }
    }

    fn listing(records: Vec<RecordSummary>, now: &str) -> Listing {
        let now: jiff::civil::DateTime = now.parse().unwrap();
        let next = records.iter().find(|r| r.is_upcoming(now)).cloned();
        let upcoming = records.iter().map(|r| r.is_upcoming(now)).collect();
        Listing {
            records,
            broken: Vec::new(),
            next,
            upcoming,
            conflicts: 0,
        }
    }

    #[test]
    fn records_are_rows_with_their_marks_and_the_next_meeting_is_told() {
        let mut note = summary("k3f9a2bq7x", Kind::Note, "2026-01-05", None, "Strategy");
        note.privileged = true;
        let meeting = summary(
            "m3f9a2bq7x",
            Kind::Meeting,
            "2026-02-01",
            Some("09:00"),
            "Annual review",
        );
        let shown = listing(vec![note, meeting], "2026-01-10T12:00");
        assert_eq!(
            shown.text(None, Paint::plain()),
            "ID          DATE              KIND     TYPE  TITLE\n\
             k3f9a2bq7x  2026-01-05        note     -     [privileged] Strategy\n\
             m3f9a2bq7x  2026-02-01 09:00  meeting  -     [upcoming] Annual review\n"
        );
        assert_eq!(
            shown.notices(true),
            vec![Notice::Status(
                "Next meeting: 2026-02-01 09:00, Annual review (m3f9a2bq7x); prepare with \
                 `iepcase prep`"
                    .into()
            )]
        );
        assert!(shown.notices(false).is_empty());
        assert!(shown.failure("case").is_none());
    }

    #[test]
    fn an_empty_listing_says_so_and_conflict_copies_are_warned_of() {
        let mut empty = listing(Vec::new(), "2026-01-10T12:00");
        empty.conflicts = 2;
        assert_eq!(
            empty.notices(true),
            vec![
                Notice::Status("No records".into()),
                Notice::Warning(
                    "2 sync conflict copies; settle them with `iepcase resolve ID --keep …`".into()
                )
            ]
        );
    }

    #[test]
    fn the_filter_keeps_kinds_and_dates() {
        let r = summary("k3f9a2bq7x", Kind::Note, "2026-01-05", None, "x");
        let date = |d: &str| Some(d.parse().unwrap());
        assert!(Filter::default().keeps(&r));
        assert!(
            !Filter {
                kinds: vec![Kind::Iep],
                ..Filter::default()
            }
            .keeps(&r)
        );
        assert!(
            Filter {
                from: date("2026-01-05"),
                to: date("2026-01-05"),
                ..Filter::default()
            }
            .keeps(&r)
        );
        assert!(
            !Filter {
                from: date("2026-01-06"),
                ..Filter::default()
            }
            .keeps(&r)
        );
    }
}

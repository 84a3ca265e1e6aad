//! `timeline`: a case's records in date order with its deadlines interleaved, and the next
//! meeting still ahead.

use crate::record::{Date, RecordId};
use crate::rules::Rulebook;
use crate::store::{Case, RecordSummary};
use crate::text::{Paint, Table};
use crate::timeline::{DeadlineEntry, Entry, Filter};
use crate::workspace::Workspace;

use super::diagnosis::Diagnosis;
use super::{Notice, OpsError};

/// A case's timeline.
#[derive(Debug)]
pub struct Timeline {
    /// The records and deadlines `filter` keeps, in date order.
    pub entries: Vec<Entry>,
    /// Records that cannot be read; they are left out.
    pub unreadable: Vec<RecordId>,
    /// The next meeting still ahead, whatever the filter keeps.
    pub next_meeting: Option<RecordSummary>,
}

/// The timeline of `case` under the rules `book` holds for it, its deadlines' status as of
/// `today`, and the next meeting after `now`.
pub fn timeline(
    ws: &Workspace,
    case: &Case,
    book: &Rulebook,
    filter: &Filter,
    today: Date,
    now: jiff::civil::DateTime,
) -> Result<Timeline, OpsError> {
    let (loaded, links) = case.records_and_links()?;
    let (_, meta) = case.meta()?;
    let set = ws.rules_for(&meta, book).set;
    let unreadable = loaded.broken.into_iter().map(|b| b.id).collect();
    let linked = crate::links::link_into(loaded.records, links);
    let deadlines: Vec<DeadlineEntry> = crate::rules::deadlines_of(&linked, &meta, set, today)
        .into_iter()
        .map(|d| DeadlineEntry {
            due: d.due,
            rule: d.rule,
            label: d.label,
            trigger: d.trigger.to_string(),
            status: d.status.as_str().to_owned(),
        })
        .collect();
    Ok(Timeline {
        entries: crate::timeline::build(&linked.records, &deadlines, filter),
        unreadable,
        next_meeting: crate::prep::next_meeting(&linked.records, now).map(RecordSummary::of),
    })
}

impl Timeline {
    /// The entries as a table fitting `width`: date, kind, title (with a deadline's
    /// status) and id.
    pub fn text(&self, width: Option<usize>, paint: Paint) -> String {
        let mut table = Table::new(&["DATE", "KIND", "TITLE", "ID"]).flexible(&[2, 1, 0]);
        table.rows(crate::timeline::rows(&self.entries));
        table.render(width, paint)
    }

    /// A warning for each record left out because it cannot be read.
    pub fn warnings(&self) -> Vec<Notice> {
        let warn =
            |id: &RecordId| Notice::Warning(format!("record {id} cannot be read and is left out"));
        self.unreadable.iter().map(warn).collect()
    }

    /// What the text table is told with: that nothing is in range, and the next meeting.
    pub fn text_notices(&self) -> Vec<Notice> {
        let mut notices = Vec::new();
        if self.entries.is_empty() {
            notices.push(Notice::Status("Nothing in that range".into()));
        }
        notices.extend(self.next_meeting.as_ref().map(super::list::next_meeting));
        notices
    }

    /// The error to end with when records of case `slug` could not be read.
    pub fn failure(&self, slug: &str) -> Option<Diagnosis> {
        if self.unreadable.is_empty() {
            return None;
        }
        let ids: Vec<String> = self.unreadable.iter().map(ToString::to_string).collect();
        Some(super::tally::unreadable(slug, &ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn deadlines_interleave_with_records_and_the_filter_does_not_hide_the_next_meeting() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let request = "kind = \"request\"\ndate = 2026-09-01\ntitle = \"Records request\"\n\
                       type = \"records\"\n";
        let meeting =
            "kind = \"meeting\"\ndate = 2026-10-20\ntitle = \"IEP meeting\"\ntype = \"iep\"\n";
        let meeting_id = RecordId::generate();
        fixture::put(
            &case,
            &lock,
            &[(&RecordId::generate(), request), (&meeting_id, meeting)],
        );
        let ws = Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: Default::default(),
        };
        let book = Rulebook::builtin().unwrap();
        let today: Date = "2026-10-01".parse().unwrap();
        let now = today.0.at(9, 0, 0, 0);
        let all = timeline(&ws, &case, &book, &Filter::default(), today, now).unwrap();
        assert!(all.unreadable.is_empty());
        assert!(all.entries.iter().any(|e| e.kind == "deadline"));
        assert!(all.entries.windows(2).all(|w| w[0].date <= w[1].date));
        let only_deadlines = Filter {
            kinds: vec!["deadline".into()],
            ..Filter::default()
        };
        let shown = timeline(&ws, &case, &book, &only_deadlines, today, now).unwrap();
        assert!(shown.entries.iter().all(|e| e.kind == "deadline"));
        assert_eq!(
            shown.next_meeting.as_ref().map(|m| m.id.clone()),
            Some(meeting_id.clone())
        );
        assert!(shown.warnings().is_empty());
        assert!(shown.failure("case").is_none());
        assert_eq!(
            shown.text_notices(),
            vec![Notice::Status(format!(
                "Next meeting: 2026-10-20, IEP meeting ({meeting_id}); prepare with `iepcase prep`"
            ))]
        );
        let text = shown.text(None, Paint::plain());
        assert!(text.starts_with("DATE        KIND"), "{text}");
        assert_eq!(text.lines().count(), shown.entries.len() + 1);
        let later = Filter {
            from: Some("2030-01-01".parse().unwrap()),
            ..Filter::default()
        };
        let none = timeline(&ws, &case, &book, &later, today, now).unwrap();
        assert_eq!(
            none.text_notices()[0],
            Notice::Status("Nothing in that range".into())
        );
    }
}

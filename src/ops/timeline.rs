//! `timeline`: a case's records in date order with its deadlines interleaved, and the next
//! meeting still ahead.

use crate::record::{Date, RecordId};
use crate::rules::Rulebook;
use crate::store::{Case, RecordSummary};
use crate::timeline::{DeadlineEntry, Entry, Filter};
use crate::workspace::Workspace;

use super::OpsError;

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
    let linked = crate::links::link_with(&loaded.records, links);
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
        entries: crate::timeline::build(&loaded.records, &deadlines, filter),
        unreadable: loaded.broken.into_iter().map(|b| b.id).collect(),
        next_meeting: crate::prep::next_meeting(&loaded.records, now).map(RecordSummary::of),
    })
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
        assert_eq!(shown.next_meeting.map(|m| m.id), Some(meeting_id));
    }
}

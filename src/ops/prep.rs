//! `prep`: the checklists for the days before a meeting, of one case or of every open case
//! with a meeting soon, and the calendar and printable copy made of them.

use crate::prep::{self, Checklist, PrepError};
use crate::record::Date;
use crate::rules::Rulebook;
use crate::rules::ics::CaseDeadlines;
use crate::text::Paint;
use crate::workspace::Workspace;

use super::cases::CaseFacts;

/// Which meetings to prepare for.
#[derive(Clone, Copy, Debug)]
pub enum Meetings<'a> {
    /// The meeting a unique prefix of its id names, else the case's next upcoming one.
    One(Option<&'a str>),
    /// Every meeting within so many days.
    Within(u32),
}

/// One case's checklists.
#[derive(Debug)]
pub struct CaseChecklists {
    pub slug: String,
    /// The child's name, for the printable copy.
    pub child: String,
    /// The checklists, soonest meeting first; or why the one meeting asked for has none.
    pub checklists: Result<Vec<Checklist>, PrepError>,
    /// The state whose rules the case lacks (the federal rules stood in).
    pub fallback_state: Option<String>,
}

/// The checklists of each case of `cases` as of `now`, under the rules `book` holds for it.
pub fn prepare(
    ws: &Workspace,
    cases: &[CaseFacts],
    book: &Rulebook,
    meetings: Meetings<'_>,
    now: jiff::civil::DateTime,
) -> Vec<CaseChecklists> {
    cases
        .iter()
        .map(|case| {
            let rules = ws.rules_for(&case.meta, book);
            let input = prep::Case {
                records: case.records(),
                inference: Some(case.linked.inference()),
                meta: &case.meta,
                rules: rules.set,
                now,
            };
            let checklists = match meetings {
                Meetings::Within(days) => Ok(prep::prepare_within(&input, i64::from(days))),
                Meetings::One(meeting) => prep::prepare(&input, meeting).map(|one| vec![one]),
            };
            CaseChecklists {
                slug: case.slug.clone(),
                child: case.meta.child.clone(),
                checklists,
                fallback_state: super::check::fallback(&rules),
            }
        })
        .collect()
}

/// The preparation dates of every checklist as an iCalendar file, with reminders; it names
/// case slugs, never children.
pub fn calendar(lists: &[CaseChecklists], today: Date) -> String {
    let calendars: Vec<CaseDeadlines<'_>> = ready(lists)
        .flat_map(|(case, list)| {
            list.iter().map(move |l| CaseDeadlines {
                case: &case.slug,
                deadlines: &l.clocks,
            })
        })
        .collect();
    crate::rules::ics::render(&calendars, today)
}

/// Every checklist as one printable PDF, set like a letter from the workspace's advocate.
pub fn pdf(
    ws: &Workspace,
    lists: &[CaseChecklists],
    today: Date,
) -> Result<Vec<u8>, crate::typeset::TypesetError> {
    let markdown = ready(lists)
        .flat_map(|(case, list)| {
            list.iter()
                .map(move |l| prep::to_markdown(&case.child, l, false))
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    let author = ws
        .config
        .advocate
        .as_ref()
        .and_then(|a| a.name.clone())
        .unwrap_or_default();
    prep::to_pdf(&markdown, &author, today)
}

/// The cases that have checklists, with them.
pub fn ready(lists: &[CaseChecklists]) -> impl Iterator<Item = (&CaseChecklists, &[Checklist])> {
    lists.iter().filter_map(|case| match &case.checklists {
        Ok(found) if !found.is_empty() => Some((case, found.as_slice())),
        _ => None,
    })
}

/// The text of `prep`: each checklist as text, or as Markdown when `markdown`, with a
/// `Case SLUG` line before each when `all` cases are shown; empty when there is none.
pub fn render(lists: &[CaseChecklists], all: bool, markdown: bool, paint: Paint) -> String {
    let mut out = String::new();
    for (case, lists) in ready(lists) {
        for list in lists {
            if all {
                out.push_str(&format!("Case {}\n\n", case.slug));
            }
            match markdown {
                true => out.push_str(&prep::to_markdown(&case.child, list, true)),
                false => out.push_str(&prep::to_text(list, paint)),
            }
            out.push('\n');
        }
    }
    let mut out = out.trim_end_matches('\n').to_owned();
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// What to do when a case has no checklist, with the exact command; a meeting to add when
/// none is ahead is dated the day after `today`.
pub fn hint(error: &PrepError, today: Date) -> String {
    match error {
        PrepError::NoneUpcoming => format!(
            "add the meeting when it is scheduled: `iepcase add meeting --date {} --time 09:00 \
             --title \"Annual IEP meeting\" --set type=iep`",
            today.0.tomorrow().map_or(today, Date)
        ),
        PrepError::NoSuch(_) => "list the meetings with `iepcase list --kind meeting`".into(),
        PrepError::Ambiguous { .. } => "give more of the id".into(),
        PrepError::NotAMeeting { .. } => {
            "give a meeting's id: `iepcase list --kind meeting` lists them".into()
        }
        PrepError::Passed { .. } => {
            "prep is for meetings still ahead; `iepcase prep` takes the next one".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;
    use crate::store::fixture::{self, Fixture};

    fn now() -> jiff::civil::DateTime {
        jiff::civil::date(2026, 10, 1).at(9, 0, 0, 0)
    }

    fn workspace() -> Workspace {
        Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            config: Default::default(),
        }
    }

    /// A case in Mississippi with a meeting on `date`, read as `prep` reads it.
    fn case_with_meeting(fx: &Fixture, date: &str) -> CaseFacts {
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let meeting =
            format!("kind = \"meeting\"\ndate = {date}\ntitle = \"IEP meeting\"\ntype = \"iep\"\n");
        fixture::put(&case, &lock, &[(&RecordId::generate(), &meeting)]);
        CaseFacts::read(&case, false).unwrap()
    }

    #[test]
    fn with_no_meeting_ahead_the_hint_adds_one_dated_tomorrow() {
        let today: Date = "2026-12-31".parse().unwrap();
        let hint = hint(&PrepError::NoneUpcoming, today);
        assert!(
            hint.contains("`iepcase add meeting --date 2027-01-01 --time 09:00"),
            "{hint}"
        );
        let passed = PrepError::Passed {
            id: "k3f9a2bq7x".into(),
            date: today,
        };
        assert!(super::hint(&passed, today).contains("`iepcase prep`"));
    }

    #[test]
    fn one_meeting_is_prepared_or_refused_and_a_window_may_find_none() {
        let fx = Fixture::new();
        let case = case_with_meeting(&fx, "2026-10-20");
        let book = Rulebook::builtin().unwrap();
        let ws = workspace();
        let cases = std::slice::from_ref(&case);

        let next = prepare(&ws, cases, &book, Meetings::One(None), now());
        assert_eq!(next.len(), 1);
        assert_eq!(next[0].child, "Test Child");
        assert_eq!(next[0].fallback_state, None);
        assert_eq!(next[0].checklists.as_ref().unwrap().len(), 1);

        let unknown = prepare(&ws, cases, &book, Meetings::One(Some("zzzz")), now());
        assert!(matches!(unknown[0].checklists, Err(PrepError::NoSuch(_))));
        assert_eq!(ready(&unknown).count(), 0);

        let soon = prepare(&ws, cases, &book, Meetings::Within(7), now());
        assert!(soon[0].checklists.as_ref().unwrap().is_empty());
        assert_eq!(ready(&soon).count(), 0);
        let within = prepare(&ws, cases, &book, Meetings::Within(30), now());
        assert_eq!(ready(&within).count(), 1);
    }

    #[test]
    fn a_state_without_rules_is_named_and_the_calendar_names_only_slugs() {
        let fx = Fixture::new();
        let mut case = case_with_meeting(&fx, "2026-10-20");
        case.meta.state = Some("WY".into());
        let book = Rulebook::builtin().unwrap();
        let lists = prepare(
            &workspace(),
            std::slice::from_ref(&case),
            &book,
            Meetings::One(None),
            now(),
        );
        assert_eq!(lists[0].fallback_state.as_deref(), Some("WY"));
        let ics = calendar(&lists, Date(now().date()));
        assert!(ics.contains(fixture::SLUG));
        assert!(!ics.contains("Test Child"));
    }

    #[test]
    fn the_text_names_each_case_when_all_are_shown_and_is_empty_without_checklists() {
        let fx = Fixture::new();
        let case = case_with_meeting(&fx, "2026-10-20");
        let book = Rulebook::builtin().unwrap();
        let cases = std::slice::from_ref(&case);
        let lists = prepare(&workspace(), cases, &book, Meetings::Within(30), now());

        let text = render(&lists, true, false, Paint::plain());
        let case_line = format!(
            "Case {}\n\nBefore the IEP meeting on 2026-10-20 (in 19 days)\n",
            fixture::SLUG
        );
        assert!(text.starts_with(&case_line), "{text}");
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text}");
        let markdown = render(&lists, false, true, Paint::plain());
        assert!(
            markdown.starts_with("# Before the meeting: IEP meeting\n"),
            "{markdown}"
        );
        let colored = render(&lists, false, false, Paint::new(true));
        assert!(
            colored.starts_with("\u{1b}[1mBefore the IEP meeting\u{1b}[0m"),
            "{colored}"
        );

        let none = prepare(&workspace(), cases, &book, Meetings::Within(7), now());
        assert_eq!(render(&none, true, false, Paint::plain()), "");
    }
}

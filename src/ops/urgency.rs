//! How urgent a deadline is, and when it falls as said from a day: the groups `deadlines`
//! shows, most urgent first, the words of its WHEN column, and its text.

use crate::ops::check::Computed;
use crate::record::Date;
use crate::rules::{Deadline, Status};
use crate::text::{Paint, Table, Tone};

/// How soon "due soon" is, in days.
const SOON_DAYS: i64 = 14;

/// A deadline's urgency group, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    Overdue,
    /// Open, and due within [`SOON_DAYS`].
    DueSoon,
    Later,
    MetOrEnded,
    /// An obligation with no fixed deadline.
    Obligation,
}

impl Urgency {
    /// Every group, most urgent first.
    pub const ALL: [Urgency; 5] = [
        Urgency::Overdue,
        Urgency::DueSoon,
        Urgency::Later,
        Urgency::MetOrEnded,
        Urgency::Obligation,
    ];

    /// The group of deadline `d`.
    pub fn of(d: &Deadline) -> Urgency {
        match d.status {
            Status::Overdue => Urgency::Overdue,
            Status::Open if d.days_left.is_some_and(|n| n <= SOON_DAYS) => Urgency::DueSoon,
            Status::Open => Urgency::Later,
            Status::Met | Status::Ended => Urgency::MetOrEnded,
            Status::Obligation => Urgency::Obligation,
        }
    }

    /// The group's heading.
    pub fn title(self) -> &'static str {
        match self {
            Urgency::Overdue => "Overdue",
            Urgency::DueSoon => "Due within 14 days",
            Urgency::Later => "Later",
            Urgency::MetOrEnded => "Met or ended",
            Urgency::Obligation => {
                "Obligations with no fixed deadline (DUE is when iepcase starts reminding)"
            }
        }
    }
}

/// When a deadline falls, as seen from `today`: `in 6d`, `3d ago`, `met 2026-03-17`.
pub fn when(d: &Deadline, today: Date) -> String {
    let n = d.days_left.unwrap_or(0);
    match (&d.status, &d.met) {
        (Status::Met, Some(m)) if m.late => format!("met late {}", m.on),
        (Status::Met, Some(m)) => format!("met {}", m.on),
        (Status::Ended, _) => "ended".into(),
        (Status::Obligation, _) => {
            let waited = crate::rules::calendar::days_between(d.start, today);
            format!("waiting {waited}d")
        }
        _ if n < 0 => format!("{}d ago", -n),
        _ if n == 0 => "today".into(),
        _ => format!("in {n}d"),
    }
}

/// The column names; the `wide` table has the confidence and citation in columns of
/// their own.
fn header(all: bool, wide: bool) -> Vec<&'static str> {
    let mut header = vec!["DUE", "WHEN", "RECORD"];
    if wide {
        header.extend(["CONFIDENCE", "CITATION"]);
    }
    header.push("DEADLINE");
    if all {
        header.insert(0, "CASE");
    }
    header
}

/// The colour of a group: overdue as `check` shows an error, due soon as a warning.
fn group_tone(urgency: Urgency) -> Option<Tone> {
    match urgency {
        Urgency::Overdue => Some(Tone::Alarm),
        Urgency::DueSoon => Some(Tone::Alert),
        _ => None,
    }
}

/// The text of `deadlines`: every case's deadlines, grouped, most urgent first, as
/// `check` colours its findings (overdue red like an error, due soon yellow like a
/// warning); `all` adds a CASE column. Tables fit in `width` columns when there is one.
pub fn render(
    computed: &[Computed],
    all: bool,
    today: Date,
    width: Option<usize>,
    paint: Paint,
) -> String {
    let all_deadlines = || {
        computed
            .iter()
            .flat_map(|c| c.deadlines.iter().map(move |d| (&c.slug, d)))
    };
    let mut out = format!("Deadlines as of {today}\n");
    let mut approximate = false;
    for urgency in Urgency::ALL {
        let style = group_tone(urgency);
        let mut wide = Table::new(&header(all, true))
            .flexible(&[5 + usize::from(all), 4 + usize::from(all)])
            .indent(2);
        let mut narrow = Table::new(&header(all, false))
            .flexible(&[3 + usize::from(all), 1 + usize::from(all), usize::from(all)])
            .indent(2);
        let mut count = 0;
        for (case, d) in all_deadlines().filter(|(_, d)| Urgency::of(d) == urgency) {
            count += 1;
            approximate |= d.approximate;
            let case_cell = all.then_some(case.as_str());
            add_row([&mut wide, &mut narrow], case_cell, d, style, today);
        }
        if count == 0 {
            continue;
        }
        let heading = format!("{} ({count})", urgency.title());
        let heading = match style {
            Some(tone) => paint.paint(tone, &heading),
            None => heading,
        };
        out.push_str(&format!("\n{heading}\n"));
        let fits = width.is_none_or(|w| wide.natural_width() <= w);
        out.push_str(&(if fits { &wide } else { &narrow }).render(width, paint));
    }
    if all_deadlines().next().is_none() {
        out.push_str("\nNo deadlines: no record starts a clock yet.\n");
    }
    if approximate {
        out.push_str("\n~ counted without the case's school calendar (business days, summer skipped): approximate\n");
    }
    out
}

/// A deadline's row in the `wide` table and in the `narrow` one, where the citation goes
/// under the deadline's name; the WHEN cell in the group's colour.
fn add_row(
    [wide, narrow]: [&mut Table; 2],
    case: Option<&str>,
    d: &Deadline,
    style: Option<Tone>,
    today: Date,
) {
    let mut due = d.due.to_string();
    if let Some(t) = d.due_time {
        due.push_str(&format!(" {t}"));
    }
    if d.approximate {
        due.push('~');
    }
    let first = [due, when(d, today), d.trigger.to_string()];
    let case_cell: Vec<String> = case.map(str::to_owned).into_iter().collect();
    let mut styles: Vec<Option<Tone>> = case_cell.iter().map(|_| None).collect();
    styles.extend([None, style, None, None, None, None]);
    let mut row = case_cell.clone();
    row.extend(first.iter().cloned());
    row.extend([d.confidence.to_string(), d.cite.clone(), d.label.clone()]);
    wide.styled_row(row, styles.clone());
    let mut row = case_cell;
    row.extend(first);
    row.push(format!("{}\n{} ({})", d.label, d.cite, d.confidence));
    styles.truncate(styles.len() - 2);
    narrow.styled_row(row, styles);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;
    use crate::rules::Met;

    fn deadline(status: Status, days_left: Option<i64>) -> Deadline {
        Deadline::sample(status, days_left)
    }

    #[test]
    fn open_deadlines_are_due_soon_up_to_two_weeks_ahead() {
        let of = |status, days| Urgency::of(&deadline(status, days));
        assert_eq!(of(Status::Overdue, Some(-3)), Urgency::Overdue);
        assert_eq!(of(Status::Open, Some(0)), Urgency::DueSoon);
        assert_eq!(of(Status::Open, Some(14)), Urgency::DueSoon);
        assert_eq!(of(Status::Open, Some(15)), Urgency::Later);
        assert_eq!(of(Status::Ended, None), Urgency::MetOrEnded);
        assert_eq!(of(Status::Obligation, None), Urgency::Obligation);
        assert!(Urgency::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn when_counts_days_from_today_or_says_how_it_ended() {
        let today = Date::new(2026, 11, 28).unwrap();
        let when_ = |status, days| when(&deadline(status, days), today);
        assert_eq!(when_(Status::Open, Some(6)), "in 6d");
        assert_eq!(when_(Status::Open, Some(0)), "today");
        assert_eq!(when_(Status::Overdue, Some(-3)), "3d ago");
        assert_eq!(when_(Status::Ended, None), "ended");
        let mut met = deadline(Status::Met, None);
        met.met = Some(Met {
            by: RecordId::parse("0sahk8ww6n").unwrap(),
            on: Date::new(2026, 3, 17).unwrap(),
            late: true,
        });
        assert_eq!(when(&met, today), "met late 2026-03-17");
        // An obligation has waited since its clock started.
        assert_eq!(when_(Status::Obligation, None), "waiting 354d");
    }
}

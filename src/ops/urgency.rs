//! How urgent a deadline is, and when it falls as said from a day: the groups `deadlines`
//! shows, most urgent first, and the words of its WHEN column.

use crate::record::Date;
use crate::rules::{Deadline, Status};

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

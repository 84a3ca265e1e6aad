//! The text output of `deadlines`: one table per urgency group, most urgent first.

use iepcase::record::Date;
use iepcase::rules::{Deadline, Status};

use crate::cli::ui::table;

/// How soon "due soon" is.
const SOON_DAYS: i64 = 14;

/// The text output's groups, most urgent first.
const GROUPS: [&str; 5] = [
    "Overdue",
    "Due within 14 days",
    "Later",
    "Met or ended",
    "Obligations with no fixed deadline (DUE is when iepcase starts reminding)",
];

/// The index in [`GROUPS`] of a deadline: 0 overdue, 1 due soon, then later, met, obligations.
pub fn group(d: &Deadline) -> usize {
    match d.status {
        Status::Overdue => 0,
        Status::Open if d.days_left.is_some_and(|n| n <= SOON_DAYS) => 1,
        Status::Open => 2,
        Status::Met | Status::Ended => 3,
        Status::Obligation => 4,
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
            let waited = iepcase::rules::calendar::days_between(d.start, today);
            format!("waiting {waited}d")
        }
        _ if n < 0 => format!("{}d ago", -n),
        _ if n == 0 => "today".into(),
        _ => format!("in {n}d"),
    }
}

/// Every case's deadlines, grouped; `all` adds a CASE column.
pub fn render(computed: &[(String, Vec<Deadline>)], all: bool, today: Date) -> String {
    let all_deadlines = || {
        computed
            .iter()
            .flat_map(|(c, l)| l.iter().map(move |d| (c, d)))
    };
    let mut out = format!("Deadlines as of {today}\n");
    let mut approximate = false;
    for (index, title) in GROUPS.iter().enumerate() {
        let rows: Vec<Vec<String>> = all_deadlines()
            .filter(|(_, d)| group(d) == index)
            .map(|(case, d)| {
                approximate |= d.approximate;
                let mut due = d.due.to_string();
                if let Some(t) = d.due_time {
                    due.push_str(&format!(" {t}"));
                }
                if d.approximate {
                    due.push('~');
                }
                let mut row = vec![
                    due,
                    when(d, today),
                    d.trigger.to_string(),
                    d.confidence.to_string(),
                    d.cite.clone(),
                    d.label.clone(),
                ];
                if all {
                    row.insert(0, case.clone());
                }
                row
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title} ({})\n", rows.len()));
        let mut header = vec![
            "DUE",
            "WHEN",
            "RECORD",
            "CONFIDENCE",
            "CITATION",
            "DEADLINE",
        ];
        if all {
            header.insert(0, "CASE");
        }
        for line in table(&header, &rows).lines() {
            out.push_str(&format!("  {line}\n"));
        }
    }
    if all_deadlines().next().is_none() {
        out.push_str("\nNo deadlines: no record starts a clock yet.\n");
    }
    if approximate {
        out.push_str("\n~ counted without the case's school calendar (business days, summer skipped): approximate\n");
    }
    out
}

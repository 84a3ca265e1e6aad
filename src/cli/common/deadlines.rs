//! The text output of `deadlines`: one table per urgency group, most urgent first, coloured
//! as `check` colours its findings (overdue red like an error, due soon yellow like a
//! warning).

use anstyle::{AnsiColor, Style};
use iepcase::ops::check::Computed;
use iepcase::ops::urgency::{Urgency, when};
use iepcase::record::Date;
use iepcase::rules::Deadline;

use crate::cli::ui::{Table, Ui};

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
fn group_style(urgency: Urgency) -> Option<Style> {
    match urgency {
        Urgency::Overdue => Some(AnsiColor::Red.on_default().bold()),
        Urgency::DueSoon => Some(AnsiColor::Yellow.on_default().bold()),
        _ => None,
    }
}

/// Every case's deadlines, grouped; `all` adds a CASE column. Tables fit `ui`'s width and
/// are coloured when its stdout is.
pub fn render(ui: &Ui, computed: &[Computed], all: bool, today: Date) -> String {
    let all_deadlines = || {
        computed
            .iter()
            .flat_map(|c| c.deadlines.iter().map(move |d| (&c.slug, d)))
    };
    let mut out = format!("Deadlines as of {today}\n");
    let mut approximate = false;
    for urgency in Urgency::ALL {
        let style = group_style(urgency);
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
            Some(style) => ui.paint(style, &heading),
            None => heading,
        };
        out.push_str(&format!("\n{heading}\n"));
        let fits = ui.width().is_none_or(|w| wide.natural_width() <= w);
        out.push_str(&ui.table(if fits { &wide } else { &narrow }));
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
    style: Option<Style>,
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
    let mut styles: Vec<Option<Style>> = case_cell.iter().map(|_| None).collect();
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

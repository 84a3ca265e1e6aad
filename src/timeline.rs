//! The chronological view of a case: one entry per record, with deadlines interleaved, in
//! the order of SPEC section 5 (date, then time with untimed entries after timed ones that
//! day, then id), rendered as text rows, Markdown, CSV or JSON.

use crate::record::StoredRecord;
use crate::record::{Date, Kind, Time};

/// A deadline to show on the timeline, as the deadline engine computes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadlineEntry {
    pub due: Date,
    /// The rule id, such as `records-access`.
    pub rule: String,
    /// What is due, such as "District must give access to records".
    pub label: String,
    /// The record that started the clock.
    pub trigger: String,
    /// `open`, `overdue`, `met` or `obligation`.
    pub status: String,
}

/// One line of the timeline; serialized, the JSON shape of SPEC section 5 (`timeline
/// --json`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// The record's id; for a deadline, the id of the record that started it.
    pub id: String,
    /// A record's kind, or `deadline`.
    pub kind: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    #[serde(serialize_with = "crate::json::display")]
    pub date: Date,
    #[serde(
        serialize_with = "crate::json::time_hms",
        skip_serializing_if = "Option::is_none"
    )]
    pub time: Option<Time>,
    pub title: String,
    /// For a deadline, its rule id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// Which entries to keep.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Kinds to keep (`deadline` keeps deadlines); empty keeps all.
    pub kinds: Vec<String>,
}

impl Filter {
    fn keeps(&self, entry: &Entry) -> bool {
        self.from.is_none_or(|d| entry.date >= d)
            && self.to.is_none_or(|d| entry.date <= d)
            && (self.kinds.is_empty() || self.kinds.contains(&entry.kind))
    }
}

/// The timeline of `records` and `deadlines`, filtered and in order.
pub fn build(records: &[StoredRecord], deadlines: &[DeadlineEntry], filter: &Filter) -> Vec<Entry> {
    let mut entries: Vec<Entry> = records
        .iter()
        .map(|r| Entry {
            date: r.record.date(),
            time: r.record.common.time,
            kind: r.record.kind().as_str().to_owned(),
            type_name: r.record.type_name().map(String::from),
            title: r.record.title().to_owned(),
            id: r.id.to_string(),
            rule: None,
            status: None,
        })
        .chain(deadlines.iter().map(|d| Entry {
            date: d.due,
            time: None,
            kind: "deadline".into(),
            type_name: None,
            title: d.label.clone(),
            id: d.trigger.clone(),
            rule: Some(d.rule.clone()),
            status: Some(d.status.clone()),
        }))
        .filter(|e| filter.keeps(e))
        .collect();
    entries.sort_by(|a, b| {
        (
            a.date,
            a.time.is_none(),
            a.time,
            &a.id,
            a.rule.is_some(),
            &a.rule,
        )
            .cmp(&(
                b.date,
                b.time.is_none(),
                b.time,
                &b.id,
                b.rule.is_some(),
                &b.rule,
            ))
    });
    entries
}

/// Every kind name a timeline filter accepts.
pub fn kind_names() -> Vec<&'static str> {
    Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .chain(["deadline"])
        .collect()
}

impl Entry {
    /// `request/evaluation`, `deadline/records-access`, or just the kind.
    pub fn kind_label(&self) -> String {
        match (&self.type_name, &self.rule) {
            (Some(t), _) => format!("{}/{t}", self.kind),
            (None, Some(rule)) => format!("deadline/{rule}"),
            _ => self.kind.clone(),
        }
    }
}

/// `HH:MM:SS`, as JSON output spells times.
pub fn time_text(time: Time) -> String {
    format!(
        "{:02}:{:02}:{:02}",
        time.0.hour(),
        time.0.minute(),
        time.0.second()
    )
}

/// Rows for a text table: date (with time), kind, title, id.
pub fn rows(entries: &[Entry]) -> Vec<Vec<String>> {
    entries
        .iter()
        .map(|e| {
            let when = match e.time {
                Some(t) => format!("{} {t}", e.date),
                None => e.date.to_string(),
            };
            let title = match &e.status {
                Some(status) => format!("{} ({status})", e.title),
                None => e.title.clone(),
            };
            vec![when, e.kind_label(), title, e.id.clone()]
        })
        .collect()
}

/// A Markdown table.
pub fn to_markdown(entries: &[Entry]) -> String {
    let cell = crate::markdown::escape_inline;
    let mut out = String::from("| Date | Time | Kind | Title | Id |\n|---|---|---|---|---|\n");
    for e in entries {
        let time = e.time.map(|t| t.to_string()).unwrap_or_default();
        let title = match &e.status {
            Some(status) => format!("{} ({status})", e.title),
            None => e.title.clone(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            e.date,
            time,
            cell(&e.kind_label()),
            cell(&title),
            cell(&e.id)
        ));
    }
    out
}

/// CSV (RFC 4180) with a header row.
pub fn to_csv(entries: &[Entry]) -> String {
    let field = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = String::from("date,time,kind,type,title,id,rule,status\r\n");
    for e in entries {
        let time = e.time.map(time_text).unwrap_or_default();
        let cells = [
            e.date.to_string(),
            time,
            e.kind.clone(),
            e.type_name.clone().unwrap_or_default(),
            e.title.clone(),
            e.id.clone(),
            e.rule.clone().unwrap_or_default(),
            e.status.clone().unwrap_or_default(),
        ];
        out.push_str(&cells.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RecordId, parse_record};

    fn stored(id: &str, text: &str) -> StoredRecord {
        StoredRecord {
            id: RecordId::parse(id).unwrap(),
            text: text.into(),
            record: parse_record(text, id).unwrap(),
        }
    }

    fn note(id: &str, date: &str, time: Option<&str>, title: &str) -> StoredRecord {
        let time = time.map(|t| format!("time = {t}\n")).unwrap_or_default();
        stored(
            id,
            &format!("kind = \"note\"\ndate = {date}\n{time}title = \"{title}\"\n"),
        )
    }

    #[test]
    fn same_day_timed_before_untimed_then_by_id() {
        let records = vec![
            note("zzzz000000", "2026-03-05", None, "untimed z"),
            note("aaaa000000", "2026-03-05", None, "untimed a"),
            note("mmmm000000", "2026-03-05", Some("16:00:00"), "late"),
            note("nnnn000000", "2026-03-05", Some("08:30:00"), "early"),
            note("bbbb000000", "2026-03-04", None, "day before"),
        ];
        let deadline = DeadlineEntry {
            due: Date::new(2026, 3, 5).unwrap(),
            rule: "records-access".into(),
            label: "Records due".into(),
            trigger: "aaaa000000".into(),
            status: "open".into(),
        };
        let titles: Vec<String> = build(&records, &[deadline], &Filter::default())
            .into_iter()
            .map(|e| e.title)
            .collect();
        assert_eq!(
            titles,
            [
                "day before",
                "early",
                "late",
                "untimed a",
                "Records due",
                "untimed z"
            ]
        );
    }

    #[test]
    fn filters_and_renderings() {
        let records = vec![
            note("aaaa000000", "2026-01-01", None, "New year, \\\"quoted\\\""),
            stored(
                "bbbb000000",
                "kind = \"request\"\ndate = 2026-02-01\ntitle = \"Asked | twice\"\ntype = \"records\"\n",
            ),
        ];
        let filter = Filter {
            from: Some(Date::new(2026, 1, 15).unwrap()),
            ..Filter::default()
        };
        let entries = build(&records, &[], &filter);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].kind_label(), "request/records");
        let all = build(&records, &[], &Filter::default());
        assert_eq!(
            to_csv(&all),
            "date,time,kind,type,title,id,rule,status\r\n\
             2026-01-01,,note,,\"New year, \"\"quoted\"\"\",aaaa000000,,\r\n\
             2026-02-01,,request,records,Asked | twice,bbbb000000,,\r\n"
        );
        assert!(
            to_markdown(&all).contains("| Asked \\| twice |"),
            "{}",
            to_markdown(&all)
        );
        assert_eq!(serde_json::to_value(&all[1]).unwrap()["type"], "records");
        let kinds = Filter {
            kinds: vec!["note".into()],
            ..Filter::default()
        };
        assert_eq!(build(&records, &[], &kinds).len(), 1);
    }
}

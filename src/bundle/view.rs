//! A record as the blocks of its exhibit page: labelled fields, prose sections, lists and
//! tables (an IEP's goals and services, a complaint's issues, a decision's orders).
//!
//! Pure data: the PDF template lays the blocks out; nothing here knows about pages.

use std::collections::HashMap;

use serde::Serialize;

use super::text::{humanize, paragraphs, size, yes_no};
use crate::links::LinkField;
use crate::record::StoredRecord;
use crate::record::kinds::*;
use crate::record::{Body, Date, Record, RecordRef};

/// One piece of an exhibit page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    /// Label and value pairs.
    Fields { rows: Vec<(String, String)> },
    /// A titled section of prose, as paragraphs of lines.
    Prose {
        title: String,
        paragraphs: Vec<Vec<String>>,
    },
    /// A titled bulleted list.
    List { title: String, items: Vec<String> },
    /// A titled table; `widths` are the columns' relative widths, 0 for a column of short
    /// identifiers that is as wide as its widest entry.
    Table {
        title: String,
        columns: Vec<String>,
        widths: Vec<f64>,
        rows: Vec<Vec<String>>,
    },
}

/// A recorded letter's copies of itself: `letter` keeps the letter's text in the record and
/// attaches it as Markdown (`records-request-2026-03-02.md`) and, with `--pdf`, as the PDF it
/// typeset from it (and any other format, under the same name). In a bundle one letter is
/// one exhibit: its PDF where there is one, else its text, once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LetterCopies {
    /// Indexes (0-based) of the attachments not bound: the same letter again.
    pub skipped: Vec<usize>,
    /// Whether the record's own copy of the text is left off its page (the PDF follows).
    pub hide_text: bool,
    /// The attachment that is the letter as bound, if one is.
    pub bound: Option<usize>,
}

/// The record's letter text, for the kinds `letter` records it in.
fn letter_text(body: &Body) -> Option<&str> {
    match body {
        Body::Request(r) => r.body.as_deref(),
        Body::Notice(n) => n.body.as_deref(),
        Body::Response(r) => r.body.as_deref(),
        Body::Communication(c) => c.body.as_deref(),
        _ => None,
    }
    .filter(|t| !t.trim().is_empty())
}

/// Which copies of a recorded letter a bundle leaves out (none for any other record).
pub fn letter_copies(record: &Record) -> LetterCopies {
    let common = &record.common;
    if !common.tags.iter().any(|t| t == "letter") {
        return LetterCopies::default();
    }
    let stem = |name: &str| {
        name.rsplit_once('.')
            .map(|(s, e)| (s.to_owned(), e.to_ascii_lowercase()))
    };
    // The letter's own copies share the stem of its Markdown attachment.
    let Some(letter_stem) = common
        .attachments
        .iter()
        .filter_map(|a| stem(&a.name))
        .find(|(_, ext)| ext == "md")
        .map(|(s, _)| s)
    else {
        return LetterCopies::default();
    };
    let copies: Vec<(usize, String)> = common
        .attachments
        .iter()
        .enumerate()
        .filter_map(|(i, a)| stem(&a.name).map(|(s, e)| (i, s, e)))
        .filter(|(_, s, _)| *s == letter_stem)
        .map(|(i, _, e)| (i, e))
        .collect();
    let pdf = copies.iter().find(|(_, e)| e == "pdf").map(|(i, _)| *i);
    let has_text = letter_text(&record.body).is_some();
    let bound = match pdf {
        Some(i) => Some(i),
        None if has_text => None,
        None => copies.iter().find(|(_, e)| e == "md").map(|(i, _)| *i),
    };
    LetterCopies {
        skipped: copies
            .iter()
            .map(|(i, _)| *i)
            .filter(|i| Some(*i) != bound)
            .collect(),
        hide_text: pdf.is_some() && has_text,
        bound,
    }
}

/// How the index and page headings name a record's kind: `Request (IEE)`.
pub fn kind_label(record: &Record) -> String {
    let kind = humanize(record.kind().as_str());
    match record.type_name() {
        Some(t) => format!("{kind} ({})", humanize(t)),
        None => match &record.body {
            Body::Iep(iep) => iep
                .status
                .map_or(kind.clone(), |s| format!("{kind} ({})", s.as_str())),
            _ => kind,
        },
    }
}

/// Builds the blocks of a record's page. `labels` maps record ids to exhibit labels, so
/// references read `6zcyhq27et (P-2)`.
struct Builder<'a> {
    labels: &'a HashMap<String, String>,
    /// Link fields iepcase inferred: their values say so.
    inferred: &'a [LinkField],
    fields: Vec<(String, String)>,
    blocks: Vec<Block>,
}

impl Builder<'_> {
    fn field(&mut self, label: &str, value: impl Into<String>) {
        let value = super::text::clean(&value.into());
        if !value.trim().is_empty() {
            self.fields.push((label.to_owned(), value));
        }
    }

    fn opt<T: ToString>(&mut self, label: &str, value: Option<T>) {
        if let Some(v) = value {
            self.field(label, v.to_string());
        }
    }

    fn flag(&mut self, label: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.field(label, yes_no(v));
        }
    }

    fn reference(&mut self, label: &str, value: Option<&RecordRef>, field: LinkField) {
        if let Some(r) = value {
            let mut text = self.describe_ref(r);
            if self.inferred.contains(&field) {
                text.push_str(" (inferred by iepcase, not stated in the record)");
            }
            self.field(label, text);
        }
    }

    fn describe_ref(&self, r: &RecordRef) -> String {
        match self.labels.get(&r.0) {
            Some(label) => format!("{label} (record {r})"),
            None => format!("record {r}"),
        }
    }

    /// Ends the current run of fields, so blocks keep the order they were added in.
    fn flush(&mut self) {
        if !self.fields.is_empty() {
            let rows = std::mem::take(&mut self.fields);
            self.blocks.push(Block::Fields { rows });
        }
    }

    fn prose(&mut self, title: &str, text: Option<&str>) {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            self.flush();
            self.blocks.push(Block::Prose {
                title: title.to_owned(),
                paragraphs: paragraphs(text),
            });
        }
    }

    fn list(&mut self, title: &str, items: &[String]) {
        if !items.is_empty() {
            self.flush();
            self.blocks.push(Block::List {
                title: title.to_owned(),
                items: items.iter().map(|i| super::text::clean(i)).collect(),
            });
        }
    }

    fn table(&mut self, title: &str, columns: &[(&str, f64)], rows: Vec<Vec<String>>) {
        if !rows.is_empty() {
            self.flush();
            self.blocks.push(Block::Table {
                title: title.to_owned(),
                columns: columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
                widths: columns.iter().map(|(_, w)| *w).collect(),
                rows: rows
                    .into_iter()
                    .map(|r| r.iter().map(|c| super::text::clean(c)).collect())
                    .collect(),
            });
        }
    }
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date(value: Option<Date>) -> String {
    value.map(|d| d.to_string()).unwrap_or_default()
}

/// A value of the record's `[extra]` table as the page prints every other field: dates as
/// `2026-01-12` (with the time as `2026-01-12 15:20`), yes or no, lists joined by commas; never
/// in TOML or JSON quotes and brackets.
fn extra_value(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(v) => yes_no(*v),
        toml::Value::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(day), time, None) => {
                let day = format!("{:04}-{:02}-{:02}", day.year, day.month, day.day);
                match time {
                    Some(t) => format!("{day} {}", clock(t)),
                    None => day,
                }
            }
            (None, Some(t), None) => clock(t),
            _ => d.to_string(),
        },
        toml::Value::Array(items) => items.iter().map(extra_value).collect::<Vec<_>>().join(", "),
        toml::Value::Table(table) => table
            .iter()
            .map(|(k, v)| format!("{}: {}", humanize(&k.replace('_', "-")), extra_value(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A TOML time as the page prints times: `15:20`, with seconds only when there are some.
fn clock(t: toml::value::Time) -> String {
    match t.second {
        Some(s) if s > 0 => format!("{:02}:{:02}:{s:02}", t.hour, t.minute),
        _ => format!("{:02}:{:02}", t.hour, t.minute),
    }
}

fn span(start: Option<Date>, end: Option<Date>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("{s} to {e}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(e)) => format!("until {e}"),
        (None, None) => String::new(),
    }
}

/// The blocks of `stored`'s exhibit page.
pub fn blocks(
    stored: &StoredRecord,
    labels: &HashMap<String, String>,
    inferred: &[LinkField],
) -> Vec<Block> {
    let record = &stored.record;
    let common = &record.common;
    let mut b = Builder {
        labels,
        inferred,
        fields: Vec::new(),
        blocks: Vec::new(),
    };
    let when = match common.time {
        Some(time) => format!("{} {time}", common.date),
        None => common.date.to_string(),
    };
    b.field("Date", when);
    b.field("Kind", kind_label(record));
    b.opt("From", common.from.as_ref());
    b.opt("To", common.to.as_ref());
    b.opt("Method", common.method.map(|m| humanize(m.as_str())));
    b.opt("Received", common.received);
    body_fields(&mut b, &record.body);
    if !common.related.is_empty() {
        let related: Vec<String> = common.related.iter().map(|r| b.describe_ref(r)).collect();
        b.field("Related", related.join("; "));
    }
    if !common.tags.is_empty() {
        b.field("Tags", common.tags.join(", "));
    }
    if record.is_privileged() {
        b.field(
            "Privileged",
            "yes: advocate work product, included on request",
        );
    }
    if let Some(c) = common.confidential {
        b.field("Confidential", humanize(c.as_str()));
    }
    if !common.confidential_fields.is_empty() {
        let fields: Vec<String> = common
            .confidential_fields
            .iter()
            .map(|f| humanize(&f.replace('_', "-")).to_lowercase())
            .collect();
        b.field(
            "Withheld",
            format!(
                "{} {}",
                fields.join(", "),
                super::redact::withheld_marker(stored)
            ),
        );
    }
    b.field("Record", stored.id.to_string());
    if let Some(extra) = &common.extra {
        for (key, value) in extra {
            b.field(&humanize(&key.replace('_', "-")), extra_value(value));
        }
    }
    let letter = letter_copies(record);
    if !letter.skipped.is_empty() {
        let names: Vec<String> = letter
            .skipped
            .iter()
            .map(|&i| format!("`{}`", common.attachments[i].name))
            .collect();
        let shown = match letter.bound {
            Some(i) => format!(
                "the letter as sent, `{}`, follows",
                common.attachments[i].name
            ),
            None => "its text is on this page".to_owned(),
        };
        b.field(
            "Letter",
            format!(
                "{shown}; {} {} the same letter, not repeated",
                names.join(", "),
                if names.len() == 1 { "holds" } else { "hold" }
            ),
        );
    }
    b.prose("Summary", common.summary.as_deref());
    body_sections(&mut b, &record.body, letter.hide_text);
    let attachments: Vec<Vec<String>> = common
        .attachments
        .iter()
        .enumerate()
        .filter(|(i, _)| !letter.skipped.contains(i))
        .enumerate()
        .map(|(n, (_, a))| {
            vec![
                (n + 1).to_string(),
                a.name.clone(),
                a.media_type.clone().unwrap_or_default(),
                a.size.map(size).unwrap_or_default(),
                a.sha256.clone(),
            ]
        })
        .collect();
    b.table(
        "Attachments (following this page)",
        &[
            ("No.", 0.0),
            ("File", 2.0),
            ("Type", 1.2),
            ("Size", 0.0),
            ("SHA-256", 3.2),
        ],
        attachments,
    );
    b.flush();
    b.blocks
}

/// The kind's short fields, shown with the common ones.
fn body_fields(b: &mut Builder<'_>, body: &Body) {
    match body {
        Body::Iep(iep) => {
            b.opt("Status", iep.status.map(|s| humanize(s.as_str())));
            b.opt("IEP meeting", iep.meeting);
            b.field("In effect", span(iep.start, iep.end));
            b.opt("Annual review by", iep.review_by);
            if !iep.eligibility.is_empty() {
                b.field("Eligibility", iep.eligibility.join("; "));
            }
            b.opt("Placement", iep.placement.as_ref());
            b.opt(
                "LRE",
                iep.lre_percent
                    .map(|p| format!("{p}% of the day in general education")),
            );
            b.flag("Extended school year", iep.esy);
            b.opt("Progress reporting", iep.progress_reporting.as_ref());
        }
        Body::Request(r) => {
            b.field("Request for", humanize(r.request_type.as_str()));
            b.opt("Response due", r.response_due);
            b.opt("Certified mail no.", r.tracking.as_ref());
        }
        Body::Refusal(r) => {
            b.reference("Refuses", r.refuses.as_ref(), LinkField::Refuses);
            b.opt("What", r.what.as_ref());
            b.flag("In writing", r.in_writing);
            b.opt("Communicated by", r.via.map(|v| humanize(v.as_str())));
        }
        Body::Response(r) => {
            b.reference("Responds to", r.responds_to.as_ref(), LinkField::RespondsTo);
            b.opt("Decision", r.decision.map(|d| humanize(d.as_str())));
        }
        Body::Pwn(p) => {
            b.field("Action", humanize(p.action.as_str()));
            b.reference("Responds to", p.responds_to.as_ref(), LinkField::RespondsTo);
        }
        Body::Notice(n) => {
            b.field("Notice of", humanize(n.notice_type.as_str()));
            b.reference("Meeting", n.meeting.as_ref(), LinkField::Meeting);
            b.opt("Meeting date", n.meeting_date);
            b.opt("Meeting time", n.meeting_time);
        }
        Body::Consent(c) => {
            b.field("Scope", humanize(c.scope.as_str()));
            b.field("Decision", humanize(c.decision.as_str()));
        }
        Body::Meeting(m) => {
            b.field("Meeting type", humanize(m.meeting_type.as_str()));
            b.opt("Facilitator", m.facilitator.as_ref());
            b.flag("Recorded", m.recorded);
            b.flag("Ended early", m.ended_early);
        }
        Body::Evaluation(e) => {
            b.field("Evaluation type", humanize(e.evaluation_type.as_str()));
            b.opt("Evaluator", e.evaluator.as_ref());
            b.flag("Independent", e.independent);
            if !e.areas.is_empty() {
                b.field("Areas", e.areas.join("; "));
            }
        }
        Body::Eligibility(e) => {
            b.field("Eligible", yes_no(e.eligible));
            if !e.categories.is_empty() {
                b.field("Categories", e.categories.join("; "));
            }
        }
        Body::ProgressReport(p) => b.opt("Period", p.period.as_ref()),
        Body::ServiceLog(s) => service_log_fields(b, s),
        Body::Communication(c) => {
            b.field("Direction", humanize(c.direction.as_str()));
            b.opt("Channel", c.channel.as_ref());
            b.opt("With", c.with.as_ref());
            b.opt("Subject", c.subject.as_ref());
            b.opt("Follow up by", c.follow_up);
        }
        Body::Complaint(c) => {
            b.field("Complaint", humanize(c.complaint_type.as_str()));
            b.opt("Against", c.against.as_ref());
        }
        Body::Decision(d) => {
            b.field("Decision", humanize(d.decision_type.as_str()));
            b.reference("Responds to", d.responds_to.as_ref(), LinkField::RespondsTo);
        }
        Body::Discipline(d) => {
            b.field("Removal", humanize(d.removal.as_str()));
            b.opt("School days", d.school_days);
            b.flag("Special circumstances", d.special_circumstances);
        }
        Body::Note(_) => {}
    }
}

fn service_log_fields(b: &mut Builder<'_>, s: &ServiceLog) {
    b.field("Service", s.service.clone());
    b.field("Period", span(Some(s.period_start), Some(s.period_end)));
    b.opt("Scheduled minutes", s.scheduled_minutes);
    b.opt("Delivered minutes", s.delivered_minutes);
    if let (Some(scheduled), Some(delivered)) = (s.scheduled_minutes, s.delivered_minutes)
        && delivered < scheduled
        && scheduled > 0
    {
        let missed = scheduled - delivered;
        let percent = f64::from(missed) * 100.0 / f64::from(scheduled);
        b.field(
            "Missed minutes",
            format!("{missed} ({percent:.0}% of scheduled)"),
        );
    }
    b.opt("Why missed", s.missed_reason.as_ref());
}

/// The kind's prose, lists and tables, after the fields; without the letter's text when
/// `hide_letter` (its PDF follows).
fn body_sections(b: &mut Builder<'_>, body: &Body, hide_letter: bool) {
    // Every kind with a letter text shows nothing else here.
    if hide_letter && letter_text(body).is_some() {
        return;
    }
    match body {
        Body::Iep(iep) => iep_sections(b, iep),
        Body::Request(r) => b.prose("Request", r.body.as_deref()),
        Body::Refusal(r) => b.prose("Reason given", r.reason.as_deref()),
        Body::Response(r) => b.prose("Response", r.body.as_deref()),
        Body::Pwn(p) => pwn_sections(b, p),
        Body::Notice(n) => b.prose("Notice", n.body.as_deref()),
        Body::Meeting(m) => {
            b.list("Attendees", &m.attendees);
            b.prose("Outcome", m.outcome.as_deref());
            b.prose("Notes", m.notes.as_deref());
        }
        Body::Evaluation(e) => b.prose("Findings", e.findings.as_deref()),
        Body::ProgressReport(p) => {
            let rows = p
                .goals
                .iter()
                .map(|g| vec![g.goal.clone(), text(&g.status), text(&g.data)])
                .collect();
            b.table(
                "Progress on goals",
                &[("Goal", 0.0), ("Status", 1.4), ("Data", 4.0)],
                rows,
            );
        }
        Body::Communication(c) => b.prose("Message", c.body.as_deref()),
        Body::Complaint(c) => {
            let rows = c
                .issues
                .iter()
                .enumerate()
                .map(|(i, issue)| vec![(i + 1).to_string(), issue.text.clone(), date(issue.since)])
                .collect();
            b.table(
                "Issues",
                &[("No.", 0.0), ("Issue", 5.0), ("Since", 1.1)],
                rows,
            );
            b.prose("Proposed resolution", c.proposed_resolution.as_deref());
        }
        Body::Decision(d) => {
            let rows = d
                .orders
                .iter()
                .enumerate()
                .map(|(i, o)| vec![(i + 1).to_string(), o.text.clone(), date(o.due)])
                .collect();
            b.table(
                "Orders",
                &[("No.", 0.0), ("Order", 5.0), ("Due", 1.1)],
                rows,
            );
        }
        Body::Discipline(d) => b.prose("Description", d.description.as_deref()),
        Body::Note(n) => b.prose("Note", n.body.as_deref()),
        Body::Consent(_) | Body::Eligibility(_) | Body::ServiceLog(_) => {}
    }
}

fn iep_sections(b: &mut Builder<'_>, iep: &Iep) {
    b.prose("Present levels", iep.present_levels.as_deref());
    b.prose("Parent concerns", iep.parent_concerns.as_deref());
    let goals = iep
        .goals
        .iter()
        .map(|g| {
            vec![
                text(&g.key),
                text(&g.area),
                g.text.clone(),
                text(&g.baseline),
                text(&g.target),
                text(&g.measurement),
            ]
        })
        .collect();
    b.table(
        "Annual goals",
        &[
            ("Key", 0.0),
            ("Area", 1.25),
            ("Goal", 2.6),
            ("Baseline", 1.5),
            ("Target", 1.2),
            ("Measurement", 1.5),
        ],
        goals,
    );
    let services = iep
        .services
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                s.minutes.to_string(),
                s.per.as_str().to_owned(),
                text(&s.setting),
                text(&s.provider),
                span(s.start, s.end),
            ]
        })
        .collect();
    b.table(
        "Services",
        &[
            ("Service", 1.9),
            ("Minutes", 0.0),
            ("Per", 0.0),
            ("Setting", 1.7),
            ("Provider", 1.35),
            ("Dates", 1.25),
        ],
        services,
    );
    let accommodations = iep
        .accommodations
        .iter()
        .enumerate()
        .map(|(i, a)| vec![(i + 1).to_string(), a.clone()])
        .collect();
    b.table(
        "Accommodations",
        &[("No.", 0.0), ("Accommodation", 6.0)],
        accommodations,
    );
    let modifications = iep
        .modifications
        .iter()
        .enumerate()
        .map(|(i, m)| vec![(i + 1).to_string(), m.clone()])
        .collect();
    b.table(
        "Modifications",
        &[("No.", 0.0), ("Modification", 6.0)],
        modifications,
    );
    b.prose("Transition", iep.transition.as_deref());
}

/// The seven elements of 34 CFR 300.503(b), each shown even when missing: a missing element
/// is evidence too.
fn pwn_sections(b: &mut Builder<'_>, p: &Pwn) {
    let missing = "(not given in this notice)".to_owned();
    let element = |value: &Option<String>| value.clone().unwrap_or_else(|| missing.clone());
    let safeguards = match p.safeguards_statement {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => missing.clone(),
    };
    let rows = vec![
        vec![
            "1".into(),
            "Description of the action".into(),
            element(&p.description),
        ],
        vec![
            "2".into(),
            "Why the district proposes or refuses it".into(),
            element(&p.explanation),
        ],
        vec![
            "3".into(),
            "Evaluations, records and reports used".into(),
            element(&p.evaluations_used),
        ],
        vec![
            "4".into(),
            "Procedural safeguards statement".into(),
            safeguards,
        ],
        vec![
            "5".into(),
            "Sources of help for parents".into(),
            element(&p.help_sources),
        ],
        vec![
            "6".into(),
            "Other options considered and why rejected".into(),
            element(&p.options_considered),
        ],
        vec![
            "7".into(),
            "Other relevant factors".into(),
            element(&p.other_factors),
        ],
    ];
    b.table(
        "Required elements (34 CFR 300.503(b))",
        &[("No.", 0.0), ("Element", 1.8), ("In the notice", 4.5)],
        rows,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RecordId, parse_record};

    fn stored(text: &str) -> StoredRecord {
        StoredRecord {
            id: RecordId::parse("k3f9a2bq7x").unwrap(),
            text: text.into(),
            record: parse_record(text, "test").unwrap(),
        }
    }

    #[test]
    fn an_iep_shows_goals_services_and_accommodations_as_tables() {
        let record = stored(
            "kind = \"iep\"\ndate = 2026-05-04\ntitle = \"Amended IEP\"\nstatus = \"amendment\"\n\
             accommodations = [\"Extended time\"]\nrelated = [\"x760srq3ep\"]\n\
             [[goals]]\nkey = \"R1\"\ntext = \"Read 90 wcpm\"\n\
             [[services]]\nname = \"Speech\"\nminutes = 60\nper = \"week\"\n",
        );
        let labels = HashMap::from([("x760srq3ep".to_owned(), "P-1".to_owned())]);
        let blocks = blocks(&record, &labels, &[]);
        let Block::Fields { rows } = &blocks[0] else {
            panic!("fields first: {blocks:?}")
        };
        assert!(rows.contains(&("Kind".into(), "IEP (amendment)".into())));
        assert!(rows.contains(&("Related".into(), "P-1 (record x760srq3ep)".into())));
        let tables: Vec<(&str, &Vec<Vec<String>>)> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { title, rows, .. } => Some((title.as_str(), rows)),
                _ => None,
            })
            .collect();
        assert_eq!(tables[0].0, "Annual goals");
        assert_eq!(tables[1].1[0][..3], ["Speech", "60", "week"]);
        assert_eq!(tables[2].1[0], ["1", "Extended time"]);
    }

    #[test]
    fn extra_fields_print_like_every_other_field() {
        let record = stored(
            "kind = \"note\"\ndate = 2026-01-12\ntitle = \"Call\"\n[extra]\n\
             notes_written = 2026-01-12\ndays = [2026-09-10, 2026-09-11]\ncalled_at = 2026-01-12T15:20:00\n\
             starts = 08:30:00\nagreed = false\nminutes = 6\nroom = \"B-4\"\n\
             [extra.hearing]\non = 2027-01-26\nofficer = \"T. Morrow\"\n",
        );
        let blocks = blocks(&record, &HashMap::new(), &[]);
        let Block::Fields { rows } = &blocks[0] else {
            panic!("fields first: {blocks:?}")
        };
        let field = |label: &str| {
            rows.iter()
                .find(|(l, _)| l == label)
                .map(|(_, v)| v.as_str())
                .unwrap_or_else(|| panic!("no {label}: {rows:?}"))
        };
        assert_eq!(field("Date"), "2026-01-12");
        assert_eq!(field("Notes written"), "2026-01-12");
        assert_eq!(field("Days"), "2026-09-10, 2026-09-11");
        assert_eq!(field("Called at"), "2026-01-12 15:20");
        assert_eq!(field("Starts"), "08:30");
        assert_eq!(field("Agreed"), "no");
        assert_eq!(field("Minutes"), "6");
        assert_eq!(field("Room"), "B-4");
        assert_eq!(field("Hearing"), "On: 2027-01-26; Officer: T. Morrow");
        for (_, value) in rows {
            assert!(!value.contains('"') && !value.contains('['), "{value}");
        }
    }

    #[test]
    fn a_pwn_names_its_missing_elements() {
        let record = stored(
            "kind = \"pwn\"\ndate = 2026-03-27\ntitle = \"PWN\"\naction = \"refuse\"\n\
             description = \"Refuses text-to-speech\"\nsafeguards_statement = true\n",
        );
        let blocks = blocks(&record, &HashMap::new(), &[]);
        let rows = blocks
            .iter()
            .find_map(|b| match b {
                Block::Table { rows, .. } => Some(rows),
                _ => None,
            })
            .unwrap();
        assert_eq!(rows[0][2], "Refuses text-to-speech");
        assert_eq!(rows[3][2], "yes");
        assert_eq!(rows[4][2], "(not given in this notice)");
    }
}

//! The cover: the case caption, what the bundle is for and where it comes from, and the note
//! each purpose needs (for a due-process hearing, the five-business-day disclosure date).

use jiff::civil;

use super::plan::BundlePlan;
use super::text::paragraphs;
use super::{Options, Purpose, Source};
use crate::record::StoredRecord;
use crate::record::{Body, CaseMeta, ComplaintType, Date, MeetingType, RecordId};
use crate::rules::calendar::{Calendar, Counting};
use crate::rules::{DayOne, DayType, RuleSet};

/// A boxed note on the cover.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverNote {
    pub title: String,
    pub paragraphs: Vec<Vec<String>>,
}

/// The hearing a due-process bundle is disclosed for, and the last day to disclose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disclosure {
    pub hearing: Date,
    pub record: RecordId,
    pub due: Date,
}

/// Everything the cover and the index pages say besides the exhibits.
#[derive(Clone, Debug)]
pub struct Cover {
    pub heading: String,
    pub purpose: String,
    /// The forum the case is before, above the caption.
    pub forum: Option<String>,
    /// `In the matter of`, the child, the school and district: never an empty line.
    pub caption: Vec<String>,
    /// `Docket no. …`, below the caption.
    pub docket: Option<String>,
    pub rows: Vec<(String, String)>,
    pub notes: Vec<CoverNote>,
    pub footer: Vec<Vec<String>>,
    pub index_intro: String,
    pub disclosure: Option<Disclosure>,
}

/// The UTC date of a commit time.
pub fn commit_date(time: i64) -> Date {
    jiff::Timestamp::from_second(time)
        .map(|t| Date(t.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()))
        .unwrap_or(Date(civil::date(1970, 1, 1)))
}

/// `Tuesday, January 19, 2027`.
fn long_date(date: Date) -> String {
    date.0.strftime("%A, %B %-d, %Y").to_string()
}

/// The hearing to disclose for (the first on or after `today`, else the last one) and its
/// disclosure date, from the case's rules: the `evidence-disclosure` deadline, counted with
/// the same calendar (federal and state holidays) as `iepcase deadlines`.
pub fn disclosure(
    records: &[StoredRecord],
    meta: &CaseMeta,
    rules: &RuleSet,
    today: Date,
) -> Option<Disclosure> {
    let mut hearings: Vec<&StoredRecord> = records
        .iter()
        .filter(|r| matches!(&r.record.body, Body::Meeting(m) if m.meeting_type == MeetingType::Hearing))
        .filter(|r| !r.id.is_conflict())
        .collect();
    hearings.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
    let hearing = hearings
        .iter()
        .find(|r| r.record.date() >= today)
        .or(hearings.last())?;
    let date = hearing.record.date();
    let from_rule = crate::rules::deadlines(records, meta, rules, today)
        .into_iter()
        .find(|d| d.rule == "evidence-disclosure" && d.trigger == hearing.id)
        .map(|d| d.due);
    // A workspace that switched the rule off still gets the five business days of
    // 34 CFR 300.512(b), on the same calendar.
    let due = from_rule.or_else(|| {
        let calendar = Calendar::new(&rules.holidays, rules.summer, meta.calendar.as_ref());
        let counting = Counting {
            day_type: DayType::Business,
            day_one: DayOne::Next,
            include_holidays: false,
            exclude: &[],
        };
        calendar.add(date, -5, &counting).map(|c| c.date)
    })?;
    Some(Disclosure {
        hearing: date,
        record: hearing.id.clone(),
        due,
    })
}

fn purpose_notes(
    purpose: Purpose,
    records: &[StoredRecord],
    rules: &RuleSet,
    date: Date,
    disclosure: Option<&Disclosure>,
) -> Vec<CoverNote> {
    let note = |title: &str, text: String| CoverNote {
        title: title.to_owned(),
        paragraphs: paragraphs(&text),
    };
    let mediation = note(
        "Mediation discussions are not included",
        "Discussions that occur during mediation are confidential and may not be used as \
         evidence in any subsequent due process hearing or civil proceeding (34 CFR \
         300.506(b)(6)-(8)). No record marked mediation-confidential is in this bundle."
            .into(),
    );
    match purpose {
        Purpose::DueProcess => {
            let disclosure_note = match disclosure {
                Some(d) => format!(
                    "The hearing on record begins {}. Each party must disclose the evidence it \
                     intends to use at least five business days before the hearing (34 CFR \
                     300.512(a)(3) and (b)(1)): this bundle must reach the other party by {}. \
                     Business days exclude weekends, federal holidays and the state holidays \
                     of the rules used ({}).",
                    long_date(d.hearing),
                    long_date(d.due),
                    rules.title
                ),
                None => "No hearing date is on record. Each party must disclose the evidence \
                         it intends to use at least five business days before the hearing \
                         (34 CFR 300.512(a)(3) and (b)(1))."
                    .into(),
            };
            vec![
                note("Five-business-day disclosure", disclosure_note),
                mediation,
            ]
        }
        Purpose::StateComplaint => {
            let complaint = records
                .iter()
                .filter(|r| {
                    matches!(&r.record.body, Body::Complaint(c)
                        if c.complaint_type == ComplaintType::StateComplaint)
                })
                .max_by_key(|r| r.record.common.received.unwrap_or(r.record.date()));
            let received = complaint
                .map(|r| r.record.common.received.unwrap_or(r.record.date()))
                .unwrap_or(date);
            // The look-back rule `check` uses, when the complaint and the rule are there.
            let calendar = Calendar::new(&rules.holidays, rules.summer, None);
            let limit = rules
                .rule("state-complaint-lookback")
                .zip(complaint)
                .and_then(|(rule, c)| crate::rules::lookback_limit(rule, c, &calendar))
                .or_else(|| {
                    received
                        .0
                        .checked_sub(jiff::Span::new().years(1))
                        .ok()
                        .map(Date)
                })
                .unwrap_or(received);
            vec![
                note(
                    "One-year limit",
                    format!(
                        "A state complaint must allege a violation that occurred not more than \
                         one year before the complaint is received (34 CFR 300.153(c)). For a \
                         complaint received {received}, that is on or after {limit}; earlier \
                         exhibits are background."
                    ),
                ),
                mediation,
            ]
        }
        Purpose::Mediation => vec![note(
            "Confidential: for mediation only",
            "Prepared for mediation. Discussions that occur during mediation are confidential \
             and may not be used as evidence in any subsequent due process hearing or civil \
             proceeding (34 CFR 300.506(b)(6)-(8))."
                .into(),
        )],
        Purpose::Facilitation => vec![note(
            "Facilitated IEP meeting",
            "A neutral facilitator guides the meeting process; the IEP team, parents included, \
             makes the decisions. This bundle gives every member the same record of requests, \
             answers and the IEP in dispute."
                .into(),
        )],
        Purpose::IepMeeting => vec![note(
            "IEP meeting",
            "The IEP team must consider the concerns of the parents for enhancing the \
             education of their child (34 CFR 300.324(a)(1)(ii)). This bundle is the \
             record those concerns rest on."
                .into(),
        )],
    }
}

fn caption(meta: &CaseMeta) -> Vec<String> {
    let mut place: Vec<String> = Vec::new();
    if let Some(school) = &meta.school {
        place.push(school.clone());
    }
    if let Some(district) = &meta.district {
        place.push(district.clone());
    }
    if let Some(state) = &meta.state {
        place.push(state.clone());
    }
    let mut lines = vec!["In the matter of".to_owned(), meta.child.clone()];
    match (
        meta.school.is_some() || meta.district.is_some(),
        &meta.state,
    ) {
        (true, _) => lines.push(format!("a student of {}", place.join(", "))),
        // A state alone is where the child lives, not a school.
        (false, Some(state)) => lines.push(format!(
            "a student in {}",
            crate::record::state_name(state).unwrap_or(state)
        )),
        (false, None) => {}
    }
    lines
}

/// The cover of a bundle of `plan` (all the case's `records` are needed for the hearing
/// date, which may lie outside the selection).
pub fn cover(
    meta: &CaseMeta,
    rules: &RuleSet,
    plan: &BundlePlan<'_>,
    records: &[StoredRecord],
    options: &Options,
    source: &Source,
) -> Cover {
    let date = commit_date(source.time);
    let dates: Vec<Date> = plan
        .exhibits
        .iter()
        .map(|e| e.record.record.date())
        .collect();
    let first = options.from.or_else(|| dates.iter().min().copied());
    let last = options.to.or_else(|| dates.iter().max().copied());
    let range = match (first, last) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        _ => String::new(),
    };
    let count = plan.exhibits.len();
    let labels = match (plan.exhibits.first(), plan.exhibits.last()) {
        (Some(a), Some(b)) if count > 1 => format!("{count}: {} to {}", a.label, b.label),
        (Some(a), _) => format!("1: {}", a.label),
        _ => "none".into(),
    };
    let disclosure = (options.purpose == Purpose::DueProcess)
        .then(|| disclosure(records, meta, rules, date))
        .flatten();
    let mut rows = vec![
        ("Purpose".to_owned(), options.purpose.describe().to_owned()),
        ("Case".into(), source.slug.clone()),
        ("Records dated".into(), range),
        ("Exhibits".into(), labels),
    ];
    if let Some(by) = &source.prepared_by {
        rows.push(("Prepared by".into(), by.clone()));
    }
    rows.push((
        "Prepared".into(),
        format!("{date}, from the case as of that day"),
    ));
    rows.push(("Source commit".into(), source.commit.clone()));
    // Meetings still to come are no evidence yet; the reader should know of them.
    for meeting in &plan.upcoming {
        rows.push((
            "Upcoming".into(),
            format!(
                "{} {}",
                meeting.record.date(),
                super::text::clean(meeting.record.title())
            ),
        ));
    }
    let side = match options.exhibit_prefix.as_str() {
        "P" => "Parent's exhibits",
        "D" | "B" => "District's exhibits",
        _ => "Exhibits",
    };
    let mut index_intro = "Exhibits are in date order (then by time; untimed records after \
                           timed ones that day). Page numbers are the PDF's own page numbers. \
                           Each entry links to its exhibit."
        .to_owned();
    if options.sections {
        index_intro = "Exhibits are grouped by kind, each section behind a divider page, and \
                       in date order within a section; the chronology lists them all in date \
                       order. Page numbers are the PDF's own page numbers. Each entry links to \
                       its exhibit."
            .to_owned();
    } else if options.first.is_some() && count > 0 {
        index_intro = format!(
            "{} is placed first as the central document; the other exhibits follow in date \
             order (then by time; untimed records after timed ones that day). Page numbers are \
             the PDF's own page numbers. Each entry links to its exhibit.",
            plan.exhibits[0].label
        );
    }
    let footer = paragraphs(&format!(
        "Prepared with iepcase {} from commit {} of case {}. The file manifest.json beside \
         this PDF lists the SHA-256 of every file of the bundle; `iepcase bundle verify \
         <folder>` checks them. Exhibits are copies; the originals are kept unaltered.",
        env!("CARGO_PKG_VERSION"),
        &source.commit[..source.commit.len().min(12)],
        source.slug
    ));
    Cover {
        heading: "Evidence bundle".into(),
        purpose: format!("{} · {side}", options.purpose.describe()),
        forum: meta.forum.clone(),
        caption: caption(meta),
        docket: meta.docket.as_ref().map(|d| format!("Docket no. {d}")),
        rows,
        notes: purpose_notes(options.purpose, records, rules, date, disclosure.as_ref()),
        footer,
        index_intro,
        disclosure,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::parse_record;

    fn hearing(id: &str, date: &str) -> StoredRecord {
        let text =
            format!("kind = \"meeting\"\ndate = {date}\ntitle = \"Hearing\"\ntype = \"hearing\"\n");
        StoredRecord {
            id: RecordId::parse(id).unwrap(),
            record: parse_record(&text, "t").unwrap(),
            text,
        }
    }

    fn rules(state: &str) -> RuleSet {
        crate::rules::Rulebook::builtin()
            .unwrap()
            .select(Some(state))
            .set
            .clone()
    }

    fn meta() -> CaseMeta {
        crate::record::parse_case_meta("child = \"A\"\n", "meta").unwrap()
    }

    #[test]
    fn disclosure_is_for_the_next_hearing() {
        let records = vec![
            hearing("aaaaaaaaaa", "2026-06-02"),
            hearing("bbbbbbbbbb", "2027-01-26"),
        ];
        let today = Date::new(2026, 11, 25).unwrap();
        let us = rules("US");
        let d = disclosure(&records, &meta(), &us, today).unwrap();
        assert_eq!(d.hearing.to_string(), "2027-01-26");
        assert_eq!(d.due.to_string(), "2027-01-19");
        assert_eq!(d.record.as_str(), "bbbbbbbbbb");
        let later = Date::new(2027, 6, 1).unwrap();
        assert_eq!(
            disclosure(&records, &meta(), &us, later)
                .unwrap()
                .record
                .as_str(),
            "bbbbbbbbbb"
        );
        assert!(disclosure(&[], &meta(), &us, today).is_none());
    }

    #[test]
    fn disclosure_skips_the_states_holidays_like_deadlines_do() {
        // A Mississippi hearing on Monday May 4, 2026: back May 1, April 30, 29, 28, then
        // April 27 is Confederate Memorial Day (Miss. Code Ann. 3-3-7), so the fifth business
        // day is Friday April 24. Federal holidays alone would give April 27.
        let records = vec![hearing("aaaaaaaaaa", "2026-05-04")];
        let today = Date::new(2026, 4, 1).unwrap();
        let ms = rules("MS");
        let d = disclosure(&records, &meta(), &ms, today).unwrap();
        assert_eq!(d.due.to_string(), "2026-04-24");
        let deadline = crate::rules::deadlines(&records, &meta(), &ms, today)
            .into_iter()
            .find(|d| d.rule == "evidence-disclosure")
            .unwrap();
        assert_eq!(
            deadline.due, d.due,
            "one calendar for the cover and `deadlines`"
        );
        let us = rules("US");
        assert_eq!(
            disclosure(&records, &meta(), &us, today)
                .unwrap()
                .due
                .to_string(),
            "2026-04-27"
        );
    }

    #[test]
    fn a_sparse_caption_has_no_empty_line() {
        let meta = |text: &str| crate::record::parse_case_meta(text, "meta").unwrap();
        assert_eq!(
            caption(&meta("child = \"A B\"\n")),
            ["In the matter of", "A B"]
        );
        assert_eq!(
            caption(&meta("child = \"A B\"\nstate = \"MS\"\n")),
            ["In the matter of", "A B", "a student in Mississippi"]
        );
        assert_eq!(
            caption(&meta(
                "child = \"A B\"\nstate = \"MS\"\ndistrict = \"Tallowmere\"\n"
            ))[2],
            "a student of Tallowmere, MS"
        );
    }

    #[test]
    fn dates_read_in_full() {
        assert_eq!(
            long_date(Date::new(2027, 1, 19).unwrap()),
            "Tuesday, January 19, 2027"
        );
        assert_eq!(commit_date(1_764_090_000).to_string(), "2025-11-25");
    }
}

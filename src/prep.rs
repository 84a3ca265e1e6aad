//! Before a meeting: the checklist of the days before an IEP meeting, computed from the case.
//!
//! A `meeting` dated in the future is *upcoming* ([`Record::is_upcoming`]). For one upcoming
//! meeting, [`checklist`] says what is done, what is still to do and what is late:
//!
//! 1. drafts of proposed changes asked for in advance (rule `draft-documents`);
//! 2. a written parent concern statement (rule `parent-concerns`);
//! 3. the notice of intent to record, when the meeting is to be recorded (the state's
//!    `recording-notice` rule, where it has one);
//! 4. concrete asks drafted from the case: open refusals, missed service minutes, goals
//!    without a baseline, and what a proposed IEP changes;
//! 5. where the case stands on the dispute-resolution ladder, from `check`'s findings;
//! 6. what to bring: a bundle for the meeting.
//!
//! Each item names its evidence (the records that did it) and the command that does the rest.
//! The periods of items 1 and 2 are iepcase's defaults, not the law's, and say so.
//!
//! Pure: records, rules, deadlines, findings and the time come in; the checklist goes out.

use std::collections::BTreeMap;

use jiff::civil;
use serde::Serialize;

use crate::check::{Code, Finding, Severity};
use crate::diff::{Change, Op};
use crate::links::Linked;
use crate::record::StoredRecord;
use crate::record::{
    Body, CaseMeta, Date, IepStatus, Kind, MeetingType, NoticeType, RequestType, Time,
};
use crate::rules::{Confidence, Deadline, RuleSet, Status};

mod text;
pub use text::to_text;

/// How many asks of one sort the checklist lists before it says how many more there are.
const MAX_ASKS: usize = 8;

/// Everything the checklist looks at, for one case.
pub struct Input<'a> {
    /// The records, links resolved ([`crate::links::link`]).
    pub linked: &'a Linked,
    pub meta: &'a CaseMeta,
    pub rules: &'a RuleSet,
    /// The case's deadlines today ([`crate::rules::deadlines_of`]).
    pub deadlines: &'a [Deadline],
    /// The case's findings today ([`crate::check::check_linked`]).
    pub findings: &'a [Finding],
    /// The time now, where the user is.
    pub now: civil::DateTime,
}

/// One case, as the checklist reads it.
pub struct Case<'a> {
    pub records: &'a [StoredRecord],
    /// The links found between `records` when already known ([`crate::links::infer`]).
    pub inference: Option<&'a std::sync::Arc<crate::links::Inference>>,
    pub meta: &'a CaseMeta,
    pub rules: &'a RuleSet,
    /// The time now, where the user is.
    pub now: civil::DateTime,
}

/// Why there is no checklist.
#[derive(Debug, thiserror::Error)]
pub enum PrepError {
    #[error("no record matches `{0}`")]
    NoSuch(String),
    #[error("`{prefix}` matches more than one record: {}", ids.join(", "))]
    Ambiguous { prefix: String, ids: Vec<String> },
    #[error("{id} is {} {kind}, not a meeting", crate::record::article(kind))]
    NotAMeeting { id: String, kind: String },
    #[error("the meeting {id} on {date} has already taken place")]
    Passed { id: String, date: Date },
    #[error("the case has no upcoming meeting")]
    NoneUpcoming,
}

/// The checklist for `meeting` (a unique prefix of its id), or for the next upcoming meeting.
/// Links, deadlines and findings are computed once, as `deadlines` and `check` compute them.
pub fn prepare(case: &Case<'_>, meeting: Option<&str>) -> Result<Checklist, PrepError> {
    let chosen = match meeting {
        Some(prefix) => {
            let found: Vec<&StoredRecord> = case
                .records
                .iter()
                .filter(|r| r.id.as_str().starts_with(prefix))
                .collect();
            let record = match found.as_slice() {
                [] => return Err(PrepError::NoSuch(prefix.to_owned())),
                [one] => *one,
                many => match many.iter().find(|r| r.id.as_str() == prefix) {
                    Some(exact) => *exact,
                    None => {
                        return Err(PrepError::Ambiguous {
                            prefix: prefix.to_owned(),
                            ids: many.iter().map(|r| r.id.to_string()).collect(),
                        });
                    }
                },
            };
            if record.record.kind() != Kind::Meeting {
                return Err(PrepError::NotAMeeting {
                    id: record.id.to_string(),
                    kind: record.record.kind().as_str().to_owned(),
                });
            }
            if !record.record.is_upcoming(case.now) {
                return Err(PrepError::Passed {
                    id: record.id.to_string(),
                    date: record.record.date(),
                });
            }
            record.id.clone()
        }
        None => next_meeting(case.records, case.now)
            .ok_or(PrepError::NoneUpcoming)?
            .id
            .clone(),
    };
    Ok(prepare_many(case, |r| r.id == chosen).remove(0))
}

/// The checklists of every meeting within `days` days of now, soonest first.
pub fn prepare_within(case: &Case<'_>, days: i64) -> Vec<Checklist> {
    let today = case.now.date();
    prepare_many(case, |r| {
        crate::rules::calendar::days_between(Date(today), r.record.date()) <= days
    })
}

/// The checklists of the upcoming meetings `wanted` picks.
fn prepare_many(case: &Case<'_>, wanted: impl Fn(&StoredRecord) -> bool) -> Vec<Checklist> {
    let meetings: Vec<RecordIdOwned> = upcoming(case.records, case.now)
        .into_iter()
        .filter(|r| wanted(r))
        .map(|r| r.id.clone())
        .collect();
    if meetings.is_empty() {
        return Vec::new();
    }
    let today = Date(case.now.date());
    let linked = match case.inference {
        Some(found) => crate::links::link_with(case.records, std::sync::Arc::clone(found)),
        None => crate::links::link(case.records),
    };
    let deadlines = crate::rules::deadlines_of(&linked, case.meta, case.rules, today);
    let findings = crate::check::check_linked(
        &crate::check::Input {
            records: case.records,
            meta: case.meta,
            rules: case.rules,
            deadlines: &deadlines,
            today,
        },
        &linked,
    );
    let input = Input {
        linked: &linked,
        meta: case.meta,
        rules: case.rules,
        deadlines: &deadlines,
        findings: &findings,
        now: case.now,
    };
    meetings
        .iter()
        .filter_map(|id| linked.records.iter().find(|r| &r.id == id))
        .map(|m| checklist(&input, m))
        .collect()
}

type RecordIdOwned = crate::record::RecordId;

/// The meetings still ahead at `now`, soonest first.
pub fn upcoming(records: &[StoredRecord], now: civil::DateTime) -> Vec<&StoredRecord> {
    let mut meetings: Vec<&StoredRecord> = records
        .iter()
        .filter(|r| !r.id.is_conflict() && r.record.is_upcoming(now))
        .collect();
    meetings.sort_by_key(|r| r.order_key());
    meetings
}

/// The next meeting still ahead at `now`.
pub fn next_meeting(records: &[StoredRecord], now: civil::DateTime) -> Option<&StoredRecord> {
    upcoming(records, now).into_iter().next()
}

crate::record::enums::string_enum! {
    /// Where an item of the checklist stands.
    ItemStatus {
        Done = "done",
        Todo = "todo",
        Late = "late",
        NotNeeded = "not-needed",
    }
}

crate::record::enums::string_enum! {
    /// Which item of the checklist. These names are stable: scripts may rely on them.
    ItemKey {
        Drafts = "drafts",
        ParentConcerns = "parent-concerns",
        RecordingNotice = "recording-notice",
        Asks = "asks",
        Ladder = "ladder",
        Bring = "bring",
    }
}

crate::record::enums::string_enum! {
    /// Where a concrete ask comes from.
    AskSource {
        Refusal = "refusal",
        MissedServices = "missed-services",
        GoalBaseline = "goal-baseline",
        DraftChange = "draft-change",
    }
}

crate::record::enums::string_enum! {
    /// The rung of the dispute-resolution ladder a case is on.
    Rung {
        /// Nothing unresolved on file.
        Clear = "none",
        /// The problem is communication: facilitation, then mediation.
        Communication = "communication",
        /// The district does not do what the law or the IEP requires: prior written notice,
        /// then a state complaint.
        Noncompliance = "noncompliance",
        /// Eligibility or placement is disputed: an independent evaluation, or due process.
        EligibilityPlacement = "eligibility-placement",
    }
}

/// One sentence the family can edit and take to the meeting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ask {
    pub source: AskSource,
    pub text: String,
    /// The records it is drawn from.
    pub records: Vec<String>,
}

/// One item of the checklist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Item {
    pub key: ItemKey,
    pub status: ItemStatus,
    /// What the item is, in a few words.
    pub title: String,
    /// Where it stands, in a sentence or two.
    pub detail: String,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_display"
    )]
    pub due: Option<Date>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_display"
    )]
    pub due_time: Option<Time>,
    /// The records that did it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// The command that does the rest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_step: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cite: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// The concrete asks (item `asks`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub asks: Vec<Ask>,
    /// The rung of the ladder (item `ladder`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rung: Option<Rung>,
}

impl Item {
    fn new(key: ItemKey, status: ItemStatus, title: &str, detail: String) -> Item {
        Item {
            key,
            status,
            title: title.to_owned(),
            detail,
            due: None,
            due_time: None,
            evidence: Vec::new(),
            next_step: None,
            cite: None,
            confidence: None,
            asks: Vec::new(),
            rung: None,
        }
    }

    fn step(mut self, step: String) -> Item {
        self.next_step = Some(step);
        self
    }
}

fn opt_display<T: std::fmt::Display, S: serde::Serializer>(
    value: &Option<T>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => s.collect_str(v),
        None => s.serialize_none(),
    }
}

/// The meeting a checklist is for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MeetingInfo {
    pub id: String,
    #[serde(serialize_with = "display")]
    pub date: Date,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_display"
    )]
    pub time: Option<Time>,
    #[serde(rename = "type")]
    pub meeting_type: String,
    pub title: String,
    pub recorded: bool,
    /// Calendar days from today to the meeting.
    pub days_left: i64,
}

fn display<T: std::fmt::Display, S: serde::Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(value)
}

/// The checklist for one upcoming meeting.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Checklist {
    pub meeting: MeetingInfo,
    pub items: Vec<Item>,
    /// The meeting's preparation clocks (drafts, concern statement, recording notice), for a
    /// calendar.
    #[serde(skip)]
    pub clocks: Vec<Deadline>,
}

impl Checklist {
    /// The item `key`.
    pub fn item(&self, key: ItemKey) -> Option<&Item> {
        self.items.iter().find(|i| i.key == key)
    }
}

/// The checklist for `meeting` (an upcoming meeting of the case).
pub fn checklist(input: &Input<'_>, meeting: &StoredRecord) -> Checklist {
    let today = Date(input.now.date());
    let Body::Meeting(body) = &meeting.record.body else {
        unreachable!("checklists are for meetings");
    };
    let info = MeetingInfo {
        id: meeting.id.to_string(),
        date: meeting.record.date(),
        time: meeting.record.common.time,
        meeting_type: body.meeting_type.as_str().to_owned(),
        title: meeting.record.title().to_owned(),
        recorded: body.recorded == Some(true),
        days_left: crate::rules::calendar::days_between(today, meeting.record.date()),
    };
    let ctx = Ctx {
        input,
        meeting,
        body,
        since: previous_meeting(input.linked, meeting),
        today,
        by_id: input
            .linked
            .records
            .iter()
            .map(|r| (r.id.as_str(), r))
            .collect(),
    };
    let asks = ctx.asks();
    let items = vec![
        ctx.drafts(),
        ctx.parent_concerns(&asks),
        ctx.recording_notice(),
        ctx.asks_item(asks),
        ctx.ladder(),
        ctx.bring(),
    ];
    let clocks = input
        .deadlines
        .iter()
        .filter(|d| d.trigger == meeting.id && CLOCKS.contains(&d.rule.as_str()))
        .cloned()
        .collect();
    Checklist {
        meeting: info,
        items,
        clocks,
    }
}

/// The date of the last meeting of the same team before `meeting`: what was done for that
/// one is not done for this one.
fn previous_meeting(linked: &Linked, meeting: &StoredRecord) -> Option<Date> {
    // An IEP meeting and a facilitated one are meetings of the same team.
    let family = |r: &StoredRecord| match &r.record.body {
        Body::Meeting(m) => Some(match m.meeting_type {
            MeetingType::Iep | MeetingType::FacilitatedIep => MeetingType::Iep,
            other => other,
        }),
        _ => None,
    };
    let this = family(meeting);
    linked
        .records
        .iter()
        .filter(|r| !r.id.is_conflict() && family(r) == this)
        .filter(|r| r.record.date() < meeting.record.date())
        .map(|r| r.record.date())
        .max()
}

struct Ctx<'a> {
    input: &'a Input<'a>,
    meeting: &'a StoredRecord,
    body: &'a crate::record::kinds::Meeting,
    /// The previous meeting of the same type.
    since: Option<Date>,
    today: Date,
    /// The records by id: lookups stay constant-time in a case of thousands of records.
    by_id: foldhash::HashMap<&'a str, &'a StoredRecord>,
}

impl<'a> Ctx<'a> {
    fn get(&self, id: &str) -> Option<&'a StoredRecord> {
        self.by_id.get(id).copied()
    }

    fn records(&self) -> impl Iterator<Item = &'a StoredRecord> + 'a {
        self.input
            .linked
            .records
            .iter()
            .filter(|r| !r.id.is_conflict())
    }

    /// Whether `record` is for this meeting: it names the meeting, or it was made after the
    /// previous meeting of the same type and on or before this one.
    fn for_meeting(&self, record: &StoredRecord) -> bool {
        let id = &self.meeting.id;
        let names = record
            .record
            .references()
            .iter()
            .any(|r| r.0 == id.as_str())
            || self
                .meeting
                .record
                .references()
                .iter()
                .any(|r| r.0 == record.id.as_str());
        let date = record.record.date();
        names || (date <= self.meeting.record.date() && self.since.is_none_or(|since| date > since))
    }

    fn deadline(&self, rule: &str) -> Option<&'a Deadline> {
        self.input
            .deadlines
            .iter()
            .find(|d| d.rule == rule && d.trigger == self.meeting.id)
    }

    fn letter(&self, template: &str) -> String {
        format!("iepcase letter {template} --for {}", self.meeting.id)
    }

    /// An item from the deadline of `rule` for this meeting, or from records found without one.
    fn rule_item(
        &self,
        key: ItemKey,
        title: &str,
        rule: &str,
        found: Option<&'a StoredRecord>,
        what: &str,
    ) -> Item {
        let deadline = self.deadline(rule);
        let met_by = deadline
            .and_then(|d| d.met.as_ref())
            .and_then(|m| self.get(m.by.as_str()))
            .or(found);
        let mut item = match (met_by, deadline) {
            (Some(record), d) => {
                let late = d.and_then(|d| d.met.as_ref()).is_some_and(|m| m.late);
                let mut detail = format!(
                    "Done: {} on {} ({}).",
                    what,
                    record.record.date(),
                    record.record.title()
                );
                if late && let Some(d) = d {
                    detail.push_str(&format!(
                        " That was after {}, the date iepcase suggests.",
                        d.due
                    ));
                }
                let mut item = Item::new(key, ItemStatus::Done, title, detail);
                item.evidence.push(record.id.to_string());
                item
            }
            (None, Some(d)) if d.status == Status::Overdue => Item::new(
                key,
                ItemStatus::Late,
                title,
                format!(
                    "Late: iepcase suggests this by {}, and nothing on file does it. It is \
                     still worth doing now.",
                    when(d.due, d.due_time)
                ),
            ),
            (None, Some(d)) => Item::new(
                key,
                ItemStatus::Todo,
                title,
                format!(
                    "To do by {} ({}).",
                    when(d.due, d.due_time),
                    in_days(d.days_left.unwrap_or(0))
                ),
            ),
            (None, None) => Item::new(
                key,
                ItemStatus::Todo,
                title,
                "To do before the meeting.".to_owned(),
            ),
        };
        if let Some(d) = deadline {
            item.due = Some(d.due);
            item.due_time = d.due_time;
            item.cite = Some(d.cite.clone());
            item.confidence = Some(d.confidence);
        } else if let Some(r) = self.input.rules.rule(rule) {
            item.cite = Some(r.cite.clone());
            item.confidence = Some(r.confidence);
        }
        item
    }

    fn is_iep_meeting(&self) -> bool {
        matches!(
            self.body.meeting_type,
            MeetingType::Iep | MeetingType::FacilitatedIep
        )
    }

    fn drafts(&self) -> Item {
        let title = "Drafts requested in advance";
        if !self.is_iep_meeting() {
            return Item::new(
                ItemKey::Drafts,
                ItemStatus::NotNeeded,
                title,
                format!(
                    "Not an IEP meeting ({}): there is no draft IEP to ask for.",
                    self.body.meeting_type.as_str()
                ),
            );
        }
        let found = self.records().find(|r| {
            matches!(&r.record.body, Body::Request(q) if q.request_type == RequestType::DraftDocuments)
                && self.for_meeting(r)
        });
        let item = self.rule_item(
            ItemKey::Drafts,
            title,
            "draft-documents",
            found,
            "drafts asked for",
        );
        match item.status {
            ItemStatus::Done => item,
            _ => item.step(self.letter("draft-documents-request")),
        }
    }

    fn parent_concerns(&self, asks: &[Ask]) -> Item {
        let title = "Written parent concern statement";
        if !self.is_iep_meeting() {
            return Item::new(
                ItemKey::ParentConcerns,
                ItemStatus::NotNeeded,
                title,
                format!(
                    "Not an IEP meeting ({}): the IEP team's duty to consider the parents' \
                     concerns is for IEP meetings.",
                    self.body.meeting_type.as_str()
                ),
            );
        }
        let found = self.records().find(|r| {
            r.record.common.tags.iter().any(|t| t == "parent-concerns") && self.for_meeting(r)
        });
        let item = self.rule_item(
            ItemKey::ParentConcerns,
            title,
            "parent-concerns",
            found,
            "statement written",
        );
        if item.status == ItemStatus::Done {
            return item;
        }
        let step = format!(
            "{} --set concern=\"what worries you most\"",
            self.letter("parent-concerns")
        );
        let mut item = item.step(step);
        item.detail.push_str(
            " Repeat --set concern=… for each concern; your asks below can go in with \
             --set request=…. Bring a copy for everyone at the meeting.",
        );
        if asks.is_empty() {
            item.detail = item.detail.replace(
                "; your asks below can go in with --set request=…",
                "; add what you ask for with --set request=…",
            );
        }
        item
    }

    fn recording_notice(&self) -> Item {
        let title = "Notice of intent to record";
        if self.body.recorded != Some(true) {
            return Item::new(
                ItemKey::RecordingNotice,
                ItemStatus::NotNeeded,
                title,
                format!(
                    "The meeting is not marked as recorded. To record it, run `iepcase edit {} \
                     --set recorded=true` and give notice.",
                    self.meeting.id
                ),
            );
        }
        let found = self.records().find(|r| match &r.record.body {
            Body::Notice(n) if n.notice_type == NoticeType::Recording => {
                n.meeting
                    .as_ref()
                    .is_some_and(|m| m.0 == self.meeting.id.as_str())
                    || n.meeting_date == Some(self.meeting.record.date())
                    || (n.meeting.is_none() && self.for_meeting(r))
            }
            _ => false,
        });
        let mut item = self.rule_item(
            ItemKey::RecordingNotice,
            title,
            "recording-notice",
            found,
            "notice given",
        );
        if item.status == ItemStatus::Done {
            return item;
        }
        if self.deadline("recording-notice").is_none() {
            item.detail = format!(
                "To do before the meeting. {} has no notice period in iepcase's rules; give \
                 written notice anyway, and ask whether the district has a policy on recording.",
                self.input.rules.title
            );
        }
        if self.meeting.record.common.time.is_none() {
            item.detail.push_str(&format!(
                " The notice names the meeting's time: add it first with `iepcase edit {} \
                 --set time=HH:MM`.",
                self.meeting.id
            ));
        }
        item.step(self.letter("recording-notice"))
    }

    fn asks_item(&self, asks: Vec<Ask>) -> Item {
        let title = "Concrete asks";
        let mut item = if asks.is_empty() {
            Item::new(
                ItemKey::Asks,
                ItemStatus::Todo,
                title,
                "Nothing in the case suggests an ask: write down the outcomes you want, as \
                 concrete asks (\"a new reading goal with a baseline data point\"), not \"a \
                 better IEP\"."
                    .to_owned(),
            )
        } else {
            Item::new(
                ItemKey::Asks,
                ItemStatus::Todo,
                title,
                format!(
                    "{} drafted from the case: edit them into the outcomes you want, concrete \
                     and measurable.",
                    plural(asks.len(), "ask", "asks")
                ),
            )
        };
        item.asks = asks;
        item
    }

    /// Every concrete ask, by source.
    fn asks(&self) -> Vec<Ask> {
        let mut out = Vec::new();
        self.refusal_asks(&mut out);
        self.service_asks(&mut out);
        let (in_effect, draft) = self.ieps();
        if let Some(iep) = in_effect {
            self.baseline_asks(iep, &mut out);
        }
        if let (Some(old), Some(new)) = (in_effect, draft) {
            self.draft_asks(old, new, &mut out);
        }
        out
    }

    /// Refusals no later answer granted: one ask per request refused.
    fn refusal_asks(&self, out: &mut Vec<Ask>) {
        let linked = self.input.linked;
        // Matter (the request refused, else the refusal) → its refusals, in case order.
        let mut matters: BTreeMap<String, Vec<&StoredRecord>> = BTreeMap::new();
        for r in self.records() {
            if r.record.kind() != Kind::Refusal {
                continue;
            }
            let matter = linked.root(&r.id).unwrap_or(&r.id);
            matters.entry(matter.to_string()).or_default().push(r);
        }
        // The responses that granted something, read once for every matter.
        let granted: Vec<&StoredRecord> = self
            .records()
            .filter(|r| {
                matches!(&r.record.body, Body::Response(x)
                    if x.decision == Some(crate::record::ResponseDecision::Granted))
            })
            .collect();
        let mut asks: Vec<(Date, Ask)> = Vec::new();
        for (matter, refusals) in matters {
            let last = refusals[refusals.len() - 1];
            let granted = granted.iter().any(|r| {
                r.record.date() >= last.record.date()
                    && (linked.root(&r.id).map(|x| x.as_str()) == Some(matter.as_str())
                        || r.record.references().iter().any(|x| x.0 == matter))
            });
            if granted {
                continue;
            }
            let what = refusals
                .iter()
                .rev()
                .find_map(|r| match &r.record.body {
                    Body::Refusal(x) => x.what.as_deref().map(str::trim).filter(|w| !w.is_empty()),
                    _ => None,
                })
                .map(str::to_owned)
                .or_else(|| {
                    self.get(&matter)
                        .filter(|m| m.record.kind() == Kind::Request)
                        .map(|m| m.record.title().to_owned())
                })
                .unwrap_or_else(|| last.record.title().to_owned());
            let times = match refusals.len() {
                1 => format!("refused on {}", last.record.date()),
                n => format!("refused {n} times, last on {}", last.record.date()),
            };
            asks.push((
                last.record.date(),
                Ask {
                    source: AskSource::Refusal,
                    text: format!(
                        "Ask the team again for {} ({times}), and for prior written notice if \
                         it refuses.",
                        lower_first(&one_line(&what))
                    ),
                    records: refusals.iter().map(|r| r.id.to_string()).collect(),
                },
            ));
        }
        asks.sort_by_key(|a| std::cmp::Reverse(a.0));
        out.extend(asks.into_iter().map(|(_, a)| a).take(MAX_ASKS));
    }

    /// Missed minutes per service: the compensatory minutes to ask for.
    fn service_asks(&self, out: &mut Vec<Ask>) {
        // Service (folded) → (its name as written, missed minutes, periods, first, last, logs).
        type Entry<'r> = (String, u64, usize, Date, Date, Vec<&'r StoredRecord>);
        let mut by_service: BTreeMap<String, Entry<'_>> = BTreeMap::new();
        for r in self.records() {
            let Body::ServiceLog(log) = &r.record.body else {
                continue;
            };
            let (Some(scheduled), Some(delivered)) = (log.scheduled_minutes, log.delivered_minutes)
            else {
                continue;
            };
            if delivered >= scheduled {
                continue;
            }
            let name = log.service.trim();
            let e = by_service.entry(name.to_lowercase()).or_insert_with(|| {
                (
                    name.to_owned(),
                    0,
                    0,
                    log.period_start,
                    log.period_end,
                    Vec::new(),
                )
            });
            e.1 += u64::from(scheduled - delivered);
            e.2 += 1;
            e.3 = e.3.min(log.period_start);
            e.4 = e.4.max(log.period_end);
            e.5.push(r);
        }
        for (_, (name, missed, periods, first, last, logs)) in by_service {
            let compensated = self.compensatory_on_file(&logs);
            let mut text = format!(
                "Ask for {missed} minutes of compensatory {}: {missed} scheduled minutes \
                 were not delivered over {} from {first} to {last}.",
                lower_first(&name),
                plural(periods, "period", "periods")
            );
            if let Some(request) = compensated {
                text.push_str(&format!(
                    " (Asked for on {}; ask the team to schedule them.)",
                    request.record.date()
                ));
            }
            out.push(Ask {
                source: AskSource::MissedServices,
                text,
                records: logs
                    .iter()
                    .take(MAX_ASKS)
                    .map(|r| r.id.to_string())
                    .collect(),
            });
        }
    }

    /// A request for compensatory services that names one of `logs`.
    fn compensatory_on_file(&self, logs: &[&StoredRecord]) -> Option<&'a StoredRecord> {
        self.records().find(|r| {
            r.record
                .common
                .tags
                .iter()
                .any(|t| t == "compensatory-services-request")
                && r.record
                    .references()
                    .iter()
                    .any(|x| logs.iter().any(|l| l.id.as_str() == x.0))
        })
    }

    /// The IEP in effect today and the latest proposed draft after it.
    fn ieps(&self) -> (Option<&'a StoredRecord>, Option<&'a StoredRecord>) {
        let ieps: Vec<&'a StoredRecord> = self
            .records()
            .filter(|r| r.record.kind() == Kind::Iep)
            .collect();
        let status = |r: &StoredRecord| match &r.record.body {
            Body::Iep(i) => i.status,
            _ => None,
        };
        let start = |r: &StoredRecord| match &r.record.body {
            Body::Iep(i) => i.start.unwrap_or(r.record.date()),
            _ => r.record.date(),
        };
        let in_effect = ieps
            .iter()
            .filter(|r| {
                matches!(status(r), Some(IepStatus::Final | IepStatus::Amendment))
                    && start(r) <= self.today
            })
            .max_by_key(|r| (start(r), r.order_key()))
            .copied();
        let draft = ieps
            .iter()
            .filter(|r| matches!(status(r), Some(IepStatus::Draft | IepStatus::Proposed)))
            .filter(|r| in_effect.is_none_or(|e| r.order_key() > e.order_key()))
            .max_by_key(|r| r.order_key())
            .copied();
        (in_effect, draft)
    }

    fn baseline_asks(&self, iep: &StoredRecord, out: &mut Vec<Ask>) {
        let Body::Iep(body) = &iep.record.body else {
            return;
        };
        let id = Some(iep.id.to_string());
        for goal in &body.goals {
            if goal
                .baseline
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty())
            {
                continue;
            }
            out.push(Ask {
                source: AskSource::GoalBaseline,
                text: format!(
                    "Ask for a baseline data point for the {} goal, so progress on it can be \
                     measured.",
                    crate::diff::goal_label(goal)
                ),
                records: id.iter().cloned().collect(),
            });
        }
    }

    fn draft_asks(&self, old: &StoredRecord, new: &StoredRecord, out: &mut Vec<Ask>) {
        let ids = vec![old.id.to_string(), new.id.to_string()];
        let changes = crate::diff::diff_records((&old.text, &old.record), (&new.text, &new.record));
        let mut sentences: Vec<String> = changes.iter().filter_map(change_sentence).collect();
        sentences.dedup();
        out.extend(sentences.into_iter().map(|text| Ask {
            source: AskSource::DraftChange,
            text,
            records: ids.clone(),
        }));
    }

    fn ladder(&self) -> Item {
        let title = "Where the case is on the ladder";
        let problems: Vec<&Finding> = self
            .input
            .findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning && !f.code.is_preparation())
            .filter(|f| f.code != Code::RecordUnlinked)
            .collect();
        let about = |f: &Finding| f.record.as_ref().and_then(|id| self.get(id.as_str()));
        let eligibility = problems.iter().copied().find(|f| {
            about(f).is_some_and(|r| {
                let request = self
                    .input
                    .linked
                    .root(&r.id)
                    .and_then(|root| self.get(root.as_str()))
                    .unwrap_or(r);
                match &request.record.body {
                    Body::Request(q) => matches!(
                        q.request_type,
                        RequestType::Evaluation
                            | RequestType::Reevaluation
                            | RequestType::Iee
                            | RequestType::Placement
                    ),
                    Body::Eligibility(_) | Body::Evaluation(_) => true,
                    _ => false,
                }
            })
        });
        let ended_early = self.records().any(|r| {
            matches!(&r.record.body, Body::Meeting(m) if m.ended_early == Some(true))
                && r.record.date() < self.meeting.record.date()
        });
        let (rung, finding) = if let Some(f) = eligibility {
            (Rung::EligibilityPlacement, Some(f))
        } else if let Some(f) = problems.first() {
            (Rung::Noncompliance, Some(*f))
        } else if ended_early {
            (Rung::Communication, None)
        } else {
            (Rung::Clear, None)
        };
        let count = plural(problems.len(), "finding", "findings");
        let mut item = match rung {
            Rung::Clear => Item::new(
                ItemKey::Ladder,
                ItemStatus::NotNeeded,
                title,
                "No unresolved problem on file: `iepcase check` finds nothing to escalate."
                    .to_owned(),
            ),
            Rung::Communication => {
                // The letter needs the issue; a placeholder keeps the command runnable.
                let template = if self.body.meeting_type == MeetingType::FacilitatedIep {
                    "mediation-request"
                } else {
                    "facilitation-request"
                };
                let step = format!(
                    "iepcase letter {template} --set issue=\"what the team cannot agree on\""
                );
                Item::new(
                    ItemKey::Ladder,
                    ItemStatus::Todo,
                    title,
                    "Communication breakdown: an earlier meeting ended early, and `iepcase \
                     check` finds no violation. Facilitation, then mediation, is the right \
                     tool for that, not a complaint."
                        .to_owned(),
                )
                .step(step)
            }
            Rung::Noncompliance => Item::new(
                ItemKey::Ladder,
                ItemStatus::Todo,
                title,
                format!(
                    "Non-compliance: `iepcase check` has {count}, the first: {} Ask for prior \
                     written notice, then file a state complaint; facilitation is the wrong tool \
                     for this.",
                    finding.map_or(String::new(), |f| f.message.clone())
                ),
            ),
            Rung::EligibilityPlacement => Item::new(
                ItemKey::Ladder,
                ItemStatus::Todo,
                title,
                format!(
                    "Eligibility or placement dispute: {} An independent educational \
                     evaluation, or due process, decides these.",
                    finding.map_or(String::new(), |f| f.message.clone())
                ),
            ),
        };
        if rung == Rung::EligibilityPlacement && item.next_step.is_none() {
            item.next_step = finding
                .and_then(|f| f.next_step.clone())
                .or_else(|| Some("iepcase letter iee-request".to_owned()));
        } else if rung == Rung::Noncompliance {
            item.next_step = finding.and_then(|f| f.next_step.clone());
        }
        if let Some(f) = finding
            && let Some(id) = &f.record
        {
            item.evidence.push(id.to_string());
        }
        item.rung = Some(rung);
        item
    }

    fn bring(&self) -> Item {
        let purpose = match self.body.meeting_type {
            MeetingType::FacilitatedIep => "facilitation",
            MeetingType::Mediation => "mediation",
            MeetingType::Hearing | MeetingType::Resolution => "due-process",
            _ => "iep-meeting",
        };
        Item::new(
            ItemKey::Bring,
            ItemStatus::Todo,
            "What to bring",
            format!(
                "A bundle of the records for the meeting, copies of your concern statement, and \
                 your asks. The bundle leaves out privileged notes{}.",
                if purpose == "iep-meeting" {
                    ""
                } else {
                    " and mediation discussions"
                }
            ),
        )
        .step(format!(
            "iepcase bundle --purpose {purpose} --out ~/bundles/{purpose}-{}",
            self.meeting.record.date()
        ))
    }
}

/// The rules whose deadlines are the meeting's preparation.
const CLOCKS: &[&str] = &["draft-documents", "parent-concerns", "recording-notice"];

/// A sentence for one change between the IEP in effect and a draft, for the asks.
fn change_sentence(change: &Change) -> Option<String> {
    let value = |v: &Option<serde_json::Value>| -> String {
        match v {
            Some(serde_json::Value::String(s)) => short(s),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => short(&other.to_string()),
        }
    };
    let item = change.item.as_deref().map(one_line).unwrap_or_default();
    let field = change.field.as_deref().unwrap_or("");
    let section = match (change.section.as_str(), field) {
        (_, "accommodations" | "modifications") => field,
        (section, _) => section,
    };
    let (before, after) = (value(&change.before), value(&change.after));
    Some(match (section, change.op, field) {
        ("services", Op::Changed, "minutes" | "per") => format!(
            "The draft changes {item} from {before} to {after}: ask the team for the data behind \
             the change, or to keep {before}."
        ),
        ("services", Op::Changed, "setting") => format!(
            "The draft changes where {item} is given, from {before} to {after}: ask the team why."
        ),
        ("services", Op::Removed, "") => {
            format!(
                "The draft drops {item}: ask the team to keep it, or for the data behind ending it."
            )
        }
        ("services", Op::Added, "") => {
            format!("The draft adds {item}: ask how and when it starts.")
        }
        ("goals", Op::Removed, "") => format!(
            "The draft drops the {item} goal: ask for the progress data that supports ending it."
        ),
        ("goals", Op::Added, "") => format!(
            "The draft adds the {item} goal: ask for its baseline data point and how progress \
             will be measured."
        ),
        ("goals", Op::Changed, "baseline" | "target") => format!(
            "The draft changes the {field} of the {item} goal from \u{201c}{before}\u{201d} to \
             \u{201c}{after}\u{201d}: ask the team to explain the change."
        ),
        ("goals", Op::Removed, "baseline") => format!(
            "The draft removes the baseline of the {item} goal: ask for a baseline data point."
        ),
        ("goals", _, _) => {
            format!("The draft rewrites the {item} goal: read both versions side by side.")
        }
        ("accommodations" | "modifications", Op::Removed, _) => {
            let what = if section == "accommodations" {
                "accommodation"
            } else {
                "modification"
            };
            let text = if before.is_empty() {
                item.clone()
            } else {
                before
            };
            format!("The draft removes the {what} \u{201c}{text}\u{201d}: ask the team to keep it.")
        }
        ("accommodations" | "modifications", Op::Added, _) => {
            let what = if section == "accommodations" {
                "accommodation"
            } else {
                "modification"
            };
            let text = if after.is_empty() {
                item.clone()
            } else {
                after
            };
            format!("The draft adds the {what} \u{201c}{text}\u{201d}.")
        }
        ("fields", Op::Changed, "placement" | "lre_percent" | "esy") => format!(
            "The draft changes {} from {before} to {after}: ask the team why.",
            field.replace('_', " ")
        ),
        _ => return None,
    })
}

fn when(date: Date, time: Option<Time>) -> String {
    match time {
        Some(t) => format!("{date} {t}"),
        None => date.to_string(),
    }
}

/// "today", "tomorrow", "in 3 days", "2 days ago".
pub fn in_days(days: i64) -> String {
    match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        n if n < 0 => format!("{} ago", plural(n.unsigned_abs() as usize, "day", "days")),
        n => format!("in {}", plural(n as usize, "day", "days")),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most 80 characters of `text`, on one line.
fn short(text: &str) -> String {
    let line = one_line(text);
    if line.chars().count() <= 80 {
        return line;
    }
    let cut: String = line.chars().take(77).collect();
    format!("{}…", cut.trim_end())
}

/// "Speech therapy" → "speech therapy", but "IEE" stays.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            first.to_lowercase().chain(text.chars().skip(1)).collect()
        }
        _ => text.to_owned(),
    }
}

/// The checklist as Markdown (for `--format md` and the printable PDF).
pub fn to_markdown(case_child: &str, list: &Checklist, code: bool) -> String {
    let tick = if code { "`" } else { "" };
    let m = &list.meeting;
    let mut out = format!(
        "# Before the meeting: {}\n\nThe {} on {}{}, for {}{}.\n\n",
        m.title,
        meeting_words(&m.meeting_type),
        crate::letters::long_date(&m.date.to_string()).unwrap_or_else(|| m.date.to_string()),
        m.time.map_or(String::new(), |t| format!(" at {t}")),
        case_child,
        if m.recorded { " (to be recorded)" } else { "" },
    );
    for (n, item) in list.items.iter().enumerate() {
        out.push_str(&format!(
            "## {}. {} ({})\n\n{}\n\n",
            n + 1,
            item.title,
            status_words(item.status),
            item.detail
        ));
        for ask in &item.asks {
            out.push_str(&format!("- {}\n", ask.text));
        }
        if !item.asks.is_empty() {
            out.push('\n');
        }
        if !item.evidence.is_empty() {
            out.push_str(&format!("Evidence: {}\n\n", item.evidence.join(", ")));
        }
        if let Some(step) = &item.next_step {
            out.push_str(&format!("Next: {tick}{step}{tick}\n\n"));
        }
        if let (Some(cite), Some(confidence)) = (&item.cite, item.confidence) {
            out.push_str(&format!(
                "Source: {cite} ({})\n\n",
                confidence_words(confidence)
            ));
        }
    }
    out.push_str(
        "Not legal advice: periods marked as iepcase's default are suggestions, not the law.\n",
    );
    out
}

/// Checklists' Markdown ([`to_markdown`] without code marks) as a printable PDF, set like a
/// letter.
pub fn to_pdf(
    markdown: &str,
    author: &str,
    date: Date,
) -> Result<Vec<u8>, crate::typeset::TypesetError> {
    let letter = crate::letters::Letter {
        markdown: markdown.to_owned(),
        frame: crate::letters::Frame::default(),
        title: "Before the meeting".to_owned(),
        author: author.to_owned(),
        date,
    };
    letter.pdf()
}

/// "IEP meeting", "facilitated IEP meeting", "mediation meeting".
pub fn meeting_words(meeting_type: &str) -> String {
    meeting_type.parse::<MeetingType>().map_or_else(
        |_| format!("{meeting_type} meeting"),
        |t| t.words().to_owned(),
    )
}

/// "done", "to do", "late", "not needed".
pub fn status_words(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Done => "done",
        ItemStatus::Todo => "to do",
        ItemStatus::Late => "late",
        ItemStatus::NotNeeded => "not needed",
    }
}

/// How a confidence reads in prose.
pub fn confidence_words(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Confirmed => "confirmed",
        Confidence::Secondary => "secondary source",
        Confidence::Unconfirmed => "unconfirmed",
        Confidence::Default => "iepcase's default, not the law's",
    }
}

#[cfg(test)]
mod tests;

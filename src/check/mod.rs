//! Procedural checks: what the school (or the family) failed to do, found in the records.
//!
//! Each [`Finding`] has a stable [`Code`], a [`Severity`], the record it is about, a message a
//! parent understands, the citation, and a next step naming the `iepcase` command to run
//! (letters use the templates of SPEC section 10). Checks that rest on a deadline rule use the
//! case's [`RuleSet`]: a rule switched off in the workspace switches its check off too.
//!
//! Links the records leave out are inferred first ([`crate::links`]), as for the deadlines;
//! what cannot be linked is reported (`record-unlinked`) and never taken as unanswered. Next
//! steps climb the escalation ladder past every step already on file (`ladder`).
//!
//! Pure: records, rules, deadlines and today come in, findings go out.

mod clocks;
mod ladder;
mod meetings;
mod procedure;
mod unlinked;

pub use procedure::{missing_element_numbers, missing_elements};

use foldhash::{HashMap, HashMapExt};

use crate::links::Linked;
use crate::record::StoredRecord;
use crate::record::enums::string_enum;
use crate::record::{Body, CaseMeta, Date, Kind, RecordId};
use crate::rules::calendar::Calendar;
use crate::rules::{Confidence, Deadline, RuleSet};

string_enum! {
    /// What a finding is about. These names are stable: scripts may rely on them.
    Code {
        RefusalWithoutPwn = "refusal-without-pwn",
        PwnMissingElements = "pwn-missing-elements",
        RecordingNoticeLate = "recording-notice-late",
        RequestUnanswered = "request-unanswered",
        DeadlineOverdue = "deadline-overdue",
        ServiceMinutesShort = "service-minutes-short",
        AnnualReviewDue = "annual-review-due",
        ReevaluationDue = "reevaluation-due",
        ComplaintIssueTooOld = "complaint-issue-too-old",
        HearingDisclosure = "hearing-disclosure",
        RepeatedRefusals = "repeated-refusals",
        IepStatusMissing = "iep-status-missing",
        RecordUnlinked = "record-unlinked",
        ResolutionMeetingMissed = "resolution-meeting-missed",
        DraftsNotRequested = "drafts-not-requested",
        ParentConcernsMissing = "parent-concerns-missing",
        RecordingNoticeMissing = "recording-notice-missing",
    }
}

impl Code {
    /// Whether the finding is about the family's own preparation for a meeting (drafts, a
    /// concern statement, a recording notice), not about something the district did.
    pub fn is_preparation(self) -> bool {
        matches!(
            self,
            Code::DraftsNotRequested | Code::ParentConcernsMissing | Code::RecordingNoticeMissing
        )
    }

    /// One line saying when the finding appears.
    pub fn describe(self) -> &'static str {
        match self {
            Code::RefusalWithoutPwn => {
                "the district refused without prior written notice, or sent it late"
            }
            Code::PwnMissingElements => {
                "a prior written notice lacks some of the seven elements of 34 CFR 300.503(b)"
            }
            Code::RecordingNoticeLate => {
                "a notice of intent to record came less than the state's notice period before the meeting"
            }
            Code::RequestUnanswered => {
                "a request is unanswered past its deadline, its response_due, or its obligation's warn_after_days, or answered in a way its rule does not accept (an IEE refused instead of funded or taken to due process)"
            }
            Code::DeadlineOverdue => {
                "another deadline (evaluation, complaint, hearing, an order of a decision) passed unmet"
            }
            Code::ServiceMinutesShort => {
                "fewer service minutes delivered than scheduled, per service and period"
            }
            Code::AnnualReviewDue => "the annual IEP review is due within 30 days, or overdue",
            Code::ReevaluationDue => {
                "the three-year reevaluation is due within 90 days, or overdue"
            }
            Code::ComplaintIssueTooOld => "a complaint issue starts before the look-back limit",
            Code::HearingDisclosure => {
                "the five-business-day evidence disclosure date before a hearing"
            }
            Code::RepeatedRefusals => {
                "three or more refusals of the same kind of request: the escalation ladder"
            }
            Code::IepStatusMissing => {
                "an IEP with no status starts no clock: iepcase cannot tell a draft from the final IEP"
            }
            Code::RecordUnlinked => {
                "a refusal, response, prior written notice, decision or recording notice whose counterpart iepcase cannot determine (two fit, or none fits by subject)"
            }
            Code::ResolutionMeetingMissed => {
                "the parent who filed for due process missed the resolution meeting: the timelines wait, and the complaint may be dismissed"
            }
            Code::DraftsNotRequested => {
                "an IEP meeting is coming within two weeks and no request for drafts of the proposed changes is on file (iepcase's suggestion, not the law's)"
            }
            Code::ParentConcernsMissing => {
                "an IEP meeting is coming within two weeks and no written parent concern statement is on file"
            }
            Code::RecordingNoticeMissing => {
                "a meeting the family will record is coming within two weeks and no notice of intent to record is on file"
            }
        }
    }
}

string_enum! {
    /// How much a finding matters: `error` is a likely violation, `warning` needs action,
    /// `info` is worth knowing.
    Severity { Info = "info", Warning = "warning", Error = "error" }
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The record the finding is about.
    pub record: Option<RecordId>,
    pub message: String,
    pub cite: Option<String>,
    pub confidence: Option<Confidence>,
    /// The command to run next, such as `iepcase letter pwn-request --for k3f9a2bq7x`.
    pub next_step: Option<String>,
    /// The link fields of the record that iepcase inferred ([`crate::links`]).
    pub inferred: Vec<crate::links::LinkField>,
}

/// Everything the checks look at, for one case.
pub struct Input<'a> {
    pub records: &'a [StoredRecord],
    pub meta: &'a CaseMeta,
    pub rules: &'a RuleSet,
    /// The case's deadlines on `today`, from [`crate::rules::deadlines`].
    pub deadlines: &'a [Deadline],
    pub today: Date,
}

/// Every finding for one case: errors first, then warnings, then notes; each group in the
/// order of the records they are about.
pub fn check(input: &Input<'_>) -> Vec<Finding> {
    check_linked(input, &crate::links::link(input.records))
}

/// [`check`] with the records' links already resolved ([`crate::links::link`] of
/// `input.records`), as when the deadlines were computed from them too.
pub fn check_linked(input: &Input<'_>, linked: &Linked) -> Vec<Finding> {
    use rayon::prelude::*;
    type Check = fn(&Facts<'_>, &mut Vec<Finding>);
    const CHECKS: &[Check] = &[
        procedure::refusals_without_pwn,
        procedure::pwn_elements,
        procedure::recording_notices,
        procedure::repeated_refusals,
        clocks::requests,
        clocks::overdue,
        clocks::orders,
        clocks::services,
        clocks::reviews,
        clocks::unstated_ieps,
        clocks::complaint_issues,
        clocks::disclosure,
        clocks::resolution_missed,
        meetings::upcoming,
        unlinked::unlinked,
    ];
    let facts = Facts::new(input, linked);
    // The checks only read the facts: they run side by side, and their findings are put
    // together in the order above, as if they had run one after another.
    let mut findings: Vec<Finding> = CHECKS
        .par_iter()
        .map(|check| {
            let mut found = Vec::new();
            check(&facts, &mut found);
            found
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect();
    for f in &mut findings {
        if let Some(id) = &f.record {
            f.inferred = linked.inferred(id).iter().map(|l| l.field).collect();
        }
    }
    findings.sort_by_cached_key(|f| {
        let date = f
            .record
            .as_ref()
            .and_then(|id| facts.get(id.as_str()))
            .map(|r| r.record.date());
        (
            std::cmp::Reverse(f.severity),
            date,
            f.code,
            f.record.clone(),
        )
    });
    findings
}

/// The records (with their links resolved) and deadlines of a case, indexed for the checks:
/// a check looks up a record's answers, its matter or its deadlines instead of scanning the
/// case for each record, so a case of thousands of records stays fast.
struct Facts<'a> {
    input: &'a Input<'a>,
    linked: &'a Linked,
    by_id: HashMap<&'a str, &'a StoredRecord>,
    /// Record id → the responses and notices that respond to it and the refusals of it.
    answers: HashMap<&'a str, Vec<&'a StoredRecord>>,
    /// Root request → every record about it ([`Linked::root`]).
    by_root: HashMap<&'a RecordId, Vec<&'a StoredRecord>>,
    /// Trigger → its deadlines; rule → its deadlines.
    by_trigger: HashMap<&'a str, Vec<&'a Deadline>>,
    by_rule: HashMap<&'a str, Vec<&'a Deadline>>,
    /// The records that take a step up the ladder, in case order, and how a finding lists
    /// each ("a request for mediation (2026-03-02)").
    steps: Vec<(ladder::Step, &'a StoredRecord)>,
    /// Whether `steps` are in date order (as a case reads them).
    steps_by_date: bool,
    step_words: Vec<String>,
    /// Records iepcase could not link ([`Linked::unlinked`]) by the record, by each candidate
    /// and by each candidate's root request.
    unlinked_of: HashMap<&'a str, Vec<&'a crate::links::Unlinked>>,
    unlinked_by_candidate: HashMap<&'a str, Vec<&'a crate::links::Unlinked>>,
    unlinked_by_root: HashMap<&'a RecordId, Vec<&'a crate::links::Unlinked>>,
    calendar: Calendar<'a>,
}

impl<'a> Facts<'a> {
    fn new(input: &'a Input<'a>, linked: &'a Linked) -> Facts<'a> {
        let records = || linked.records.iter().filter(|r| !r.id.is_conflict());
        let mut answers: HashMap<&'a str, Vec<&'a StoredRecord>> = HashMap::new();
        let mut by_root: HashMap<&'a RecordId, Vec<&'a StoredRecord>> = HashMap::new();
        for r in records() {
            let target = match &r.record.body {
                Body::Response(x) => x.responds_to.as_ref(),
                Body::Pwn(x) => x.responds_to.as_ref(),
                Body::Refusal(x) => x.refuses.as_ref(),
                _ => None,
            };
            if let Some(target) = target {
                answers.entry(target.0.as_str()).or_default().push(r);
            }
            if let Some(root) = linked.root(&r.id) {
                by_root.entry(root).or_default().push(r);
            }
        }
        let mut by_trigger: HashMap<&'a str, Vec<&'a Deadline>> = HashMap::new();
        let mut by_rule: HashMap<&'a str, Vec<&'a Deadline>> = HashMap::new();
        for d in input.deadlines {
            by_trigger.entry(d.trigger.as_str()).or_default().push(d);
            by_rule.entry(d.rule.as_str()).or_default().push(d);
        }
        let steps: Vec<(ladder::Step, &'a StoredRecord)> = records()
            .filter_map(|r| Some((ladder::Step::of(r)?, r)))
            .collect();
        let mut unlinked_of: HashMap<&'a str, Vec<&'a crate::links::Unlinked>> = HashMap::new();
        let mut unlinked_by_candidate: HashMap<&'a str, Vec<&'a crate::links::Unlinked>> =
            HashMap::new();
        let mut unlinked_by_root: HashMap<&'a RecordId, Vec<&'a crate::links::Unlinked>> =
            HashMap::new();
        for u in &linked.unlinked {
            unlinked_of.entry(u.record.as_str()).or_default().push(u);
            for c in &u.candidates {
                unlinked_by_candidate.entry(c.as_str()).or_default().push(u);
                if let Some(root) = linked.root(c) {
                    unlinked_by_root.entry(root).or_default().push(u);
                }
            }
        }
        Facts {
            input,
            linked,
            by_id: records().map(|r| (r.id.as_str(), r)).collect(),
            answers,
            by_root,
            by_trigger,
            by_rule,
            step_words: steps
                .iter()
                .map(|(s, r)| format!("{} ({})", s.words(), r.record.date()))
                .collect(),
            steps_by_date: steps.is_sorted_by_key(|(_, r)| r.record.date()),
            steps,
            unlinked_of,
            unlinked_by_candidate,
            unlinked_by_root,
            calendar: Calendar::new(
                &input.rules.holidays,
                input.rules.summer,
                input.meta.calendar.as_ref(),
            ),
        }
    }

    fn today(&self) -> Date {
        self.input.today
    }

    /// The records, links resolved, without conflict copies.
    fn records(&self) -> impl Iterator<Item = &'a StoredRecord> + 'a {
        self.linked.records.iter().filter(|r| !r.id.is_conflict())
    }

    fn get(&self, id: &str) -> Option<&'a StoredRecord> {
        self.by_id.get(id).copied()
    }

    /// The position in `steps` of the first step dated on or after `since`; 0 when the steps
    /// are not in date order (then none is skipped).
    fn steps_from(&self, since: Date) -> usize {
        if self.steps_by_date {
            self.steps.partition_point(|(_, r)| r.record.date() < since)
        } else {
            0
        }
    }

    /// The request `id` is ultimately about ([`crate::links::Linked::root`]).
    fn root(&self, id: &RecordId) -> Option<&'a RecordId> {
        self.linked.root(id)
    }

    /// The deadlines of rule `rule`.
    fn deadlines(&self, rule: &str) -> impl Iterator<Item = &'a Deadline> + use<'a, '_> {
        self.by_rule.get(rule).into_iter().flatten().copied()
    }

    /// The deadlines record `id` started.
    fn deadlines_of(&self, id: &str) -> impl Iterator<Item = &'a Deadline> + use<'a, '_> {
        self.by_trigger.get(id).into_iter().flatten().copied()
    }

    /// The records about root request `root`, in case order.
    fn about_root(&self, root: &RecordId) -> &[&'a StoredRecord] {
        self.by_root.get(root).map_or(&[], Vec::as_slice)
    }

    /// The first record that answers `id`: a response or PWN responding to it, a refusal of
    /// it; for a request for prior written notice, also a notice on the same matter after it.
    fn answered(&self, id: &str) -> Option<&'a StoredRecord> {
        let target = self.get(id);
        let about = target.and_then(|t| match &t.record.body {
            Body::Request(r) if r.request_type == crate::record::RequestType::Pwn => {
                self.root(&t.id)
            }
            _ => None,
        });
        let direct = self.answers.get(id).into_iter().flatten().copied();
        // For a request for notice: a notice on its matter, on or after it.
        let on_matter = about
            .map_or(&[][..], |a| self.about_root(a))
            .iter()
            .copied()
            .filter(|r| r.record.kind() == Kind::Pwn)
            .filter(|r| target.is_some_and(|t| r.record.date() >= t.record.date()));
        direct.chain(on_matter).min_by_key(|r| r.order_key())
    }

    /// Whether a record of one of `kinds` that iepcase could not link may answer `id`: then
    /// whether `id` is answered is for the user to say (`record-unlinked`), and no finding
    /// may claim it is not.
    fn maybe_answered_by_unlinked(&self, id: &RecordId, kinds: &[Kind]) -> bool {
        let by_root = self
            .root(id)
            .and_then(|root| self.unlinked_by_root.get(root))
            .into_iter()
            .flatten();
        self.unlinked_by_candidate
            .get(id.as_str())
            .into_iter()
            .flatten()
            .chain(by_root)
            .any(|u| {
                self.get(u.record.as_str())
                    .is_some_and(|r| kinds.contains(&r.record.kind()))
            })
    }

    /// Whether record `id`, which iepcase could not link, may be answered by a record of
    /// `kind` on or after it that is about one of the records it may be linked to: a refusal
    /// of one of two requests, with a notice on file about one of them. Whether it is answered
    /// is then for the user to say (`record-unlinked`), and no finding may claim it is not.
    fn unlinked_maybe_answered(&self, id: &RecordId, kind: Kind) -> bool {
        let Some(record) = self.get(id.as_str()) else {
            return false;
        };
        self.unlinked_of
            .get(id.as_str())
            .into_iter()
            .flatten()
            .flat_map(|u| &u.candidates)
            .filter_map(|c| self.root(c).or(Some(c)))
            .flat_map(|root| self.about_root(root))
            .any(|r| r.record.kind() == kind && r.record.date() >= record.record.date())
    }
}

/// `iepcase letter TEMPLATE --for ID`.
fn letter(template: &str, id: &RecordId) -> String {
    format!("iepcase letter {template} --for {id}")
}

/// "1 day" or "3 days".
fn days(n: i64) -> String {
    if n.abs() == 1 {
        format!("{} day", n.abs())
    } else {
        format!("{} days", n.abs())
    }
}

#[cfg(test)]
mod tests;

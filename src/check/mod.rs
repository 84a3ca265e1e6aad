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
mod procedure;
mod unlinked;

pub use procedure::{missing_element_numbers, missing_elements};

use std::collections::HashMap;

use crate::links::Linked;
use crate::record::enums::string_enum;
use crate::record::{Body, CaseMeta, Date, Kind, RecordId};
use crate::rules::calendar::Calendar;
use crate::rules::{Confidence, Deadline, RuleSet};
use crate::store::StoredRecord;

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
    }
}

impl Code {
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
    let linked = crate::links::link(input.records);
    let facts = Facts::new(input, &linked);
    let mut findings = Vec::new();
    procedure::refusals_without_pwn(&facts, &mut findings);
    procedure::pwn_elements(&facts, &mut findings);
    procedure::recording_notices(&facts, &mut findings);
    procedure::repeated_refusals(&facts, &mut findings);
    clocks::requests(&facts, &mut findings);
    clocks::overdue(&facts, &mut findings);
    clocks::orders(&facts, &mut findings);
    clocks::services(&facts, &mut findings);
    clocks::reviews(&facts, &mut findings);
    clocks::unstated_ieps(&facts, &mut findings);
    clocks::complaint_issues(&facts, &mut findings);
    clocks::disclosure(&facts, &mut findings);
    clocks::resolution_missed(&facts, &mut findings);
    unlinked::unlinked(&facts, &mut findings);
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

/// The records (with their links resolved) and deadlines of a case, indexed for the checks.
struct Facts<'a> {
    input: &'a Input<'a>,
    linked: &'a Linked,
    by_id: HashMap<&'a str, &'a StoredRecord>,
    calendar: Calendar<'a>,
}

impl<'a> Facts<'a> {
    fn new(input: &'a Input<'a>, linked: &'a Linked) -> Facts<'a> {
        Facts {
            input,
            linked,
            by_id: linked
                .records
                .iter()
                .filter(|r| !r.id.is_conflict())
                .map(|r| (r.id.as_str(), r))
                .collect(),
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

    /// The request `id` is ultimately about ([`crate::links::Linked::root`]).
    fn root(&self, id: &RecordId) -> Option<&'a RecordId> {
        self.linked.root(id)
    }

    /// The deadlines of rule `rule`.
    fn deadlines(&self, rule: &'a str) -> impl Iterator<Item = &'a Deadline> + 'a {
        self.input.deadlines.iter().filter(move |d| d.rule == rule)
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
        self.records()
            .filter(|r| match &r.record.body {
                Body::Response(x) => x.responds_to.as_ref().is_some_and(|t| t.0 == id),
                Body::Pwn(x) => {
                    x.responds_to.as_ref().is_some_and(|t| t.0 == id)
                        || about.is_some_and(|a| {
                            self.root(&r.id) == Some(a)
                                && target.is_some_and(|t| r.record.date() >= t.record.date())
                        })
                }
                Body::Refusal(x) => x.refuses.as_ref().is_some_and(|t| t.0 == id),
                _ => false,
            })
            .min_by_key(|r| r.order_key())
    }

    /// Whether a record of one of `kinds` that iepcase could not link may answer `id`: then
    /// whether `id` is answered is for the user to say (`record-unlinked`), and no finding
    /// may claim it is not.
    fn maybe_answered_by_unlinked(&self, id: &RecordId, kinds: &[Kind]) -> bool {
        let root = self.root(id);
        self.linked
            .unlinked
            .iter()
            .filter(|u| {
                self.get(u.record.as_str())
                    .is_some_and(|r| kinds.contains(&r.record.kind()))
            })
            .any(|u| {
                u.candidates
                    .iter()
                    .any(|c| c == id || root.is_some_and(|root| self.root(c) == Some(root)))
            })
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

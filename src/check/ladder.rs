//! Which step comes next for a problem, given the steps already on file.
//!
//! A problem belongs to a *matter*: the request at its root and every record about it (a
//! refusal's request and the other refusals, responses and notices of it), or for missed
//! services every log of that service. A step is on file for the matter when a request or
//! complaint of that step names one of its records (`related`, or a letter recorded with
//! `--for`), or, for a request for prior written notice, is about its request by subject.
//! A complaint, a facilitation or a mediation request that names no record at all is taken to
//! cover every matter that began before it.
//!
//! Steps climb: the next step is the first rung of the problem's ladder above every step
//! already on file, so a state complaint on file is never followed by a request for prior
//! written notice; with every rung taken, what helps is the hearing's evidence (the bundle).

use foldhash::{HashSet, HashSetExt};

use super::Facts;
use crate::record::StoredRecord;
use crate::record::{Body, Date, Kind, RecordId, RequestType};

/// A step up the ladder: a letter that becomes a request or a complaint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Step {
    PwnRequest,
    FacilitationRequest,
    MediationRequest,
    RecordsRequest,
    CompensatoryRequest,
    StateComplaint,
    DueProcess,
}

/// Ask for prior written notice, then complain to the state, then due process.
pub(super) const NONCOMPLIANCE: &[Step] =
    &[Step::PwnRequest, Step::StateComplaint, Step::DueProcess];
/// Facilitation, then mediation, then due process (the problem is communication).
pub(super) const COMMUNICATION: &[Step] = &[
    Step::FacilitationRequest,
    Step::MediationRequest,
    Step::DueProcess,
];
/// Ask again for the records citing 34 CFR 300.613, then complain to the state.
pub(super) const RECORDS: &[Step] = &[Step::RecordsRequest, Step::StateComplaint, Step::DueProcess];
/// Ask for compensatory services and an IEP meeting, then complain.
pub(super) const SERVICES: &[Step] = &[
    Step::CompensatoryRequest,
    Step::StateComplaint,
    Step::DueProcess,
];
/// A state complaint, then due process.
pub(super) const COMPLAINT: &[Step] = &[Step::StateComplaint, Step::DueProcess];
/// Mediation, then due process (a voluntary process the district ignored).
pub(super) const VOLUNTARY: &[Step] = &[Step::MediationRequest, Step::DueProcess];

/// The step when every rung is taken: the hearing's evidence bundle, in a folder named after
/// the record it is about, so that a bundle built (and perhaps disclosed) for another matter
/// is never in the way (`bundle` replaces one only with `--force`).
pub(super) fn bundle_step(about: &str) -> String {
    format!("iepcase bundle --purpose due-process --out ~/bundles/due-process-{about}")
}

impl Step {
    /// How high the step is: a step on file makes every step at or below its height taken.
    fn height(self) -> u8 {
        match self {
            Step::PwnRequest
            | Step::FacilitationRequest
            | Step::RecordsRequest
            | Step::CompensatoryRequest => 1,
            Step::MediationRequest => 2,
            Step::StateComplaint => 3,
            Step::DueProcess => 4,
        }
    }

    /// The letter template that takes the step.
    pub(super) fn template(self) -> &'static str {
        match self {
            Step::PwnRequest => "pwn-request",
            Step::FacilitationRequest => "facilitation-request",
            Step::MediationRequest => "mediation-request",
            Step::RecordsRequest => "records-request",
            Step::CompensatoryRequest => "compensatory-services-request",
            Step::StateComplaint => "state-complaint",
            Step::DueProcess => "due-process-complaint",
        }
    }

    /// The step in words, for "already on file".
    pub(super) fn words(self) -> &'static str {
        match self {
            Step::PwnRequest => "a request for prior written notice",
            Step::FacilitationRequest => "a request for facilitation",
            Step::MediationRequest => "a request for mediation",
            Step::RecordsRequest => "a follow-up request for the records",
            Step::CompensatoryRequest => "a request for compensatory services",
            Step::StateComplaint => "a state complaint",
            Step::DueProcess => "a due process complaint",
        }
    }

    /// The step a record takes, if it takes one.
    pub(super) fn of(record: &StoredRecord) -> Option<Step> {
        match &record.record.body {
            Body::Request(r) => match r.request_type {
                RequestType::Pwn => Some(Step::PwnRequest),
                RequestType::Facilitation => Some(Step::FacilitationRequest),
                RequestType::Mediation => Some(Step::MediationRequest),
                RequestType::Records => Some(Step::RecordsRequest),
                RequestType::Service
                    if record
                        .record
                        .common
                        .tags
                        .iter()
                        .any(|t| t == Step::CompensatoryRequest.template()) =>
                {
                    Some(Step::CompensatoryRequest)
                }
                _ => None,
            },
            Body::Complaint(c) if c.filed_by != Some(crate::record::FiledBy::District) => {
                match c.complaint_type {
                    crate::record::ComplaintType::StateComplaint => Some(Step::StateComplaint),
                    _ => Some(Step::DueProcess),
                }
            }
            _ => None,
        }
    }

    /// Whether the step counts on any ladder (a complaint, facilitation, mediation), not
    /// only on one that has it.
    fn general(self) -> bool {
        matches!(
            self,
            Step::FacilitationRequest
                | Step::MediationRequest
                | Step::StateComplaint
                | Step::DueProcess
        )
    }

    /// Whether a step that names no record covers every matter.
    fn case_wide(self) -> bool {
        matches!(
            self,
            Step::FacilitationRequest
                | Step::MediationRequest
                | Step::StateComplaint
                | Step::DueProcess
                | Step::RecordsRequest
        )
    }
}

/// The records a problem is about.
pub(super) struct Matter<'a> {
    /// Its records.
    members: HashSet<&'a str>,
    /// The requests at its root.
    roots: HashSet<&'a RecordId>,
    /// Steps dated before this do not count.
    since: Date,
    /// The record the problem is found on (never its own next step).
    on: &'a RecordId,
}

impl<'a> Matter<'a> {
    /// The matter of `record`: its root request and everything about it.
    pub(super) fn of(facts: &Facts<'a>, record: &'a StoredRecord, since: Date) -> Matter<'a> {
        let root = facts.root(&record.id);
        let mut members: HashSet<&'a str> = [record.id.as_str()].into_iter().collect();
        let mut roots = HashSet::new();
        if let Some(root) = root {
            roots.insert(root);
            members.insert(root.as_str());
            members.extend(facts.about_root(root).iter().map(|r| r.id.as_str()));
        }
        Matter {
            members,
            roots,
            since,
            on: &record.id,
        }
    }

    /// The matter of several records (the logs of one service, the refusals of one kind of
    /// request): each one's matter, together.
    pub(super) fn of_all(
        facts: &Facts<'a>,
        records: &[&'a StoredRecord],
        on: &'a StoredRecord,
        since: Date,
    ) -> Matter<'a> {
        let mut matter = Matter::of(facts, on, since);
        for record in records {
            let other = Matter::of(facts, record, since);
            matter.members.extend(other.members);
            matter.roots.extend(other.roots);
        }
        matter
    }

    /// Whether `record` (a request or complaint) is about this matter.
    fn covers(&self, facts: &Facts<'a>, record: &StoredRecord, step: Step) -> bool {
        if &record.id == self.on {
            // A request that names an earlier request of its own type is itself a follow-up.
            return record.record.references().iter().any(|r| {
                facts.get(&r.0).is_some_and(|earlier| {
                    earlier.record.kind() == record.record.kind()
                        && earlier.record.type_name() == record.record.type_name()
                        && earlier.record.date() <= record.record.date()
                })
            });
        }
        if record.record.date() < self.since {
            return false;
        }
        let mut references = record.record.each_reference().peekable();
        let names_none = references.peek().is_none();
        if references.any(|r| {
            self.members.contains(r.0.as_str())
                || facts
                    .get(&r.0)
                    .and_then(|t| facts.root(&t.id))
                    .is_some_and(|root| self.roots.contains(root))
        }) {
            return true;
        }
        if facts
            .root(&record.id)
            .is_some_and(|root| root != &record.id && self.roots.contains(root))
        {
            return true;
        }
        names_none && step.case_wide()
    }
}

/// The next step for a problem: a command, and what is already on file.
pub(super) struct Next {
    pub step: Option<String>,
    /// "Already on file: a state complaint (2026-08-24)." or empty.
    pub on_file: String,
}

/// The next step on `ladder` for the problem on `about`, in `matter`.
pub(super) fn next(
    facts: &Facts<'_>,
    matter: &Matter<'_>,
    ladder: &[Step],
    about: &RecordId,
) -> Next {
    Taken::of(facts, matter, ladder).next(ladder, about)
}

/// How many steps already taken a finding lists by name; beyond that it gives their number
/// and the latest, so a case of years does not repeat hundreds of requests in every finding.
const ON_FILE_LISTED: usize = 8;

/// The steps of a ladder already taken on a matter: what [`next`] needs before it knows which
/// record the finding is about, so findings on one matter can share it.
pub(super) struct Taken {
    height: u8,
    on_file: String,
}

impl Taken {
    pub(super) fn of(facts: &Facts<'_>, matter: &Matter<'_>, ladder: &[Step]) -> Taken {
        // Steps dated before the matter began count only when they are the matter's own
        // record: in a case of years, most steps are skipped by their date alone.
        let start = facts.steps_from(matter.since);
        let mut taken: Vec<usize> = facts
            .steps
            .iter()
            .enumerate()
            .filter(|(i, (_, r))| *i >= start || &r.id == matter.on)
            .filter(|(_, (step, _))| ladder.contains(step) || step.general())
            .filter(|(_, (step, r))| matter.covers(facts, r, *step))
            .map(|(i, _)| i)
            .collect();
        taken.sort_by_key(|&i| facts.steps[i].1.order_key());
        let height = taken
            .iter()
            .map(|&i| facts.steps[i].0.height())
            .max()
            .unwrap_or(0);
        let list: Vec<&str> = taken
            .iter()
            .filter(|&&i| &facts.steps[i].1.id != matter.on)
            .map(|&i| facts.step_words[i].as_str())
            .collect();
        let on_file = match list.len() {
            0 => String::new(),
            n if n <= ON_FILE_LISTED => format!(" Already on file: {}.", list.join(", ")),
            n => format!(
                " Already on file: {n} steps; the latest: {}.",
                list[n - ON_FILE_LISTED..].join(", ")
            ),
        };
        Taken { height, on_file }
    }

    /// The next step up `ladder` for a finding about `about`.
    pub(super) fn next(&self, ladder: &[Step], about: &RecordId) -> Next {
        let step = match ladder.iter().find(|s| s.height() > self.height) {
            Some(step) => format!("iepcase letter {} --for {about}", step.template()),
            None => bundle_step(about.as_str()),
        };
        Next {
            step: Some(step),
            on_file: self.on_file.clone(),
        }
    }
}

/// The first request of `kind` (a type) on file on or after `since`, for "you asked on".
pub(super) fn asked_since<'a>(
    facts: &Facts<'a>,
    types: &[RequestType],
    since: Date,
) -> Option<&'a StoredRecord> {
    facts.records().find(|r| {
        r.record.kind() == Kind::Request
            && r.record.date() >= since
            && matches!(&r.record.body, Body::Request(q) if types.contains(&q.request_type))
    })
}

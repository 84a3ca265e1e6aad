//! The fields each record kind adds to the common ones (SPEC section 4).
//!
//! Field names are snake_case and enum values kebab-case, exactly as records spell them.
//! Unknown fields are rejected by [`crate::record::parse`] before these types see them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::enums::*;
use super::value::{Date, RecordRef, Time};

/// An IEP version: goals, services, accommodations and placement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Iep {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<IepStatus>,
    /// The date of the IEP meeting that produced this version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// When the annual review is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<Date>,
    /// Eligibility categories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub eligibility: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present_levels: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_concerns: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<String>,
    /// Percent of the day in the general education setting, 0 to 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(max = 100))]
    pub lre_percent: Option<u8>,
    /// Extended school year services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub esy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_reporting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<Goal>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accommodations: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub modifications: Vec<String>,
}

/// One annual goal of an IEP.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    /// A short stable key such as `R1`, used to match goals across versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<String>,
}

/// One service of an IEP, with its minutes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub name: String,
    pub minutes: u32,
    pub per: Per,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

/// A parent's request to the district.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Request {
    #[serde(rename = "type")]
    pub request_type: RequestType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// When an answer is due, if the request or a rule set one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_due: Option<Date>,
    /// The certified-mail (or other carrier) tracking number it was sent with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<String>,
}

/// The district saying no.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Refusal {
    /// The request refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refuses: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_writing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<RefusalVia>,
}

/// The district answering a request.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Response {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responds_to: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<ResponseDecision>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A prior written notice with the seven elements of 34 CFR 300.503(b).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pwn {
    pub action: PwnAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responds_to: Option<RecordRef>,
    /// 1. A description of the action proposed or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// 2. Why the district proposes or refuses the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// 3. Each evaluation, assessment, record or report used as a basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluations_used: Option<String>,
    /// 4. A statement that the parents have procedural safeguards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safeguards_statement: Option<bool>,
    /// 5. Sources the parents can contact for help.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_sources: Option<String>,
    /// 6. Other options considered and why they were rejected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options_considered: Option<String>,
    /// 7. Other factors relevant to the proposal or refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_factors: Option<String>,
}

/// A notice given to the team: of recording, of a meeting, of safeguards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Notice {
    #[serde(rename = "type")]
    pub notice_type: NoticeType,
    /// The meeting record this notice is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting_time: Option<Time>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

/// A parent's consent, refusal of consent, or revocation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Consent {
    pub scope: ConsentScope,
    pub decision: ConsentDecision,
}

/// A meeting that took place (or is scheduled).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Meeting {
    #[serde(rename = "type")]
    pub meeting_type: MeetingType,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attendees: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facilitator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_early: Option<bool>,
    /// Whether the parent took part; `false` for a meeting held without the parent (a
    /// resolution meeting the parent missed delays the hearing clock, 34 CFR 300.510(b)(3)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_attended: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// An evaluation of the child.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Evaluation {
    #[serde(rename = "type")]
    pub evaluation_type: EvaluationType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub independent: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<String>,
}

/// An eligibility determination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Eligibility {
    pub eligible: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
}

/// A progress report on IEP goals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProgressReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<GoalProgress>,
}

/// Progress on one IEP goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalProgress {
    /// The IEP goal's `key`.
    pub goal: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// Minutes of one service scheduled and delivered over a period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ServiceLog {
    /// The IEP service's `name`.
    pub service: String,
    pub period_start: Date,
    pub period_end: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_minutes: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed_reason: Option<String>,
}

/// A message or call with the school or anyone else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Communication {
    pub direction: Direction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<Date>,
}

/// A state complaint or due-process complaint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Complaint {
    #[serde(rename = "type")]
    pub complaint_type: ComplaintType,
    /// Who filed it: `parent` (the default) or `district`. Clocks that only run on a
    /// parent's complaint (the resolution meeting) depend on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_by: Option<FiledBy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<ComplaintIssue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_resolution: Option<String>,
}

/// One issue raised in a complaint.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintIssue {
    pub text: String,
    /// When the violation began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
}

/// Findings, a hearing decision or an agreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Decision {
    #[serde(rename = "type")]
    pub decision_type: DecisionType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responds_to: Option<RecordRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orders: Vec<Order>,
}

/// One order or term of a decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Order {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
}

/// A disciplinary removal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Discipline {
    pub removal: Removal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_circumstances: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A free-form note; advocate work product unless marked otherwise.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Note {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

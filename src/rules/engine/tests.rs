//! A worked example, computed by hand, for every shipped rule; and the example case.

use std::collections::BTreeSet;

use super::*;
use crate::record::{Date, RecordId, parse_case_meta, parse_record};
use crate::rules::{DayType, Rulebook};

fn d(y: i16, m: i8, day: i8) -> Date {
    Date::new(y, m, day).unwrap()
}

/// A record with id `id` (10 characters) from TOML lines, with `title` filled in.
fn rec(id: &str, toml: &str) -> StoredRecord {
    let text = format!("title = \"t\"\n{toml}\n");
    StoredRecord {
        id: RecordId::parse(id).expect("test ids are valid"),
        record: parse_record(&text, id).unwrap_or_else(|e| panic!("{}", e.render())),
        text,
    }
}

/// The example case's school calendar (`examples/case/case.toml`).
fn example_meta(state: &str) -> CaseMeta {
    let mut meta = parse_case_meta(crate::example::meta(), "example").unwrap();
    meta.state = Some(state.into());
    meta
}

/// A case with no calendar in `state`; `US` is a case with no state (federal rules only).
fn plain_meta(state: &str) -> CaseMeta {
    let text = match state {
        "US" => "child = \"A\"\n".to_owned(),
        state => format!("child = \"A\"\nstate = \"{state}\"\n"),
    };
    parse_case_meta(&text, "meta").unwrap()
}

struct Run {
    deadlines: Vec<Deadline>,
}

impl Run {
    fn new(state: &str, meta: &CaseMeta, records: &[StoredRecord], today: Date) -> Run {
        let book = Rulebook::builtin().unwrap();
        let set = book.select(Some(state)).set;
        Run {
            deadlines: deadlines(records, meta, set, today),
        }
    }

    fn get(&self, rule: &str) -> &Deadline {
        let found: Vec<&Deadline> = self.deadlines.iter().filter(|d| d.rule == rule).collect();
        assert_eq!(
            found.len(),
            1,
            "one `{rule}` deadline: {:#?}",
            self.deadlines
        );
        found[0]
    }

    fn all(&self, rule: &str) -> Vec<&Deadline> {
        self.deadlines.iter().filter(|d| d.rule == rule).collect()
    }
}

const TODAY: Date = Date(jiff::civil::date(2026, 11, 28));

fn run(state: &str, records: &[StoredRecord]) -> Run {
    Run::new(state, &plain_meta(state), records, TODAY)
}

/// Every rule the worked examples below cover; a shipped rule missing here fails the test
/// `every_shipped_rule_has_a_worked_example`.
const WORKED: &[&str] = &[
    "initial-evaluation",
    "iep-after-eligibility",
    "annual-review",
    "reevaluation",
    "records-access",
    "iee-public-expense",
    "prior-written-notice",
    "state-complaint-decision",
    "state-complaint-lookback",
    "due-process-limitation",
    "sufficiency-challenge",
    "due-process-response",
    "resolution-meeting",
    "resolution-period",
    "hearing-decision",
    "resolution-agreement-review",
    "evidence-disclosure",
    "civil-action",
    "manifestation-determination",
    "private-placement-notice",
    "evaluation-request-meeting",
    "reevaluation-request-meeting",
    "evaluation-decision-pwn",
    "state-complaint-forwarded",
    "recording-notice",
    "facilitation-request",
    "draft-documents",
    "parent-concerns",
    "evaluation-request-response",
    "ard-after-evaluation",
    "sufficiency-ruling",
    "due-process-response-issues",
    "due-process-response-parent",
    "hearing-decision-district",
    "expedited-resolution-meeting",
    "expedited-resolution-period",
    "expedited-hearing",
    "expedited-hearing-decision",
    "manifestation-determination-pattern",
    "discipline-notice",
    "interim-alternative-setting",
    "referral-meeting",
    "ard-meeting-request",
];

#[test]
fn every_shipped_rule_has_a_worked_example() {
    let book = Rulebook::builtin().unwrap();
    let ids: BTreeSet<&str> = book
        .names()
        .into_iter()
        .flat_map(|n| book.select(Some(n)).set.rules.iter().map(|r| r.id.as_str()))
        .collect();
    for id in ids {
        assert!(WORKED.contains(&id), "rule `{id}` has no worked example");
    }
}

#[test]
fn initial_evaluation_60_days_from_consent() {
    // Consent received Tuesday September 1, 2026; day one is September 2: September has 29
    // more days, October 31 is day 60.
    let consent = rec(
        "c000000001",
        "kind = \"consent\"\ndate = 2026-08-31\nreceived = 2026-09-01\n\
         scope = \"initial-evaluation\"\ndecision = \"given\"",
    );
    let r = run("US", std::slice::from_ref(&consent));
    let dl = r.get("initial-evaluation");
    assert_eq!((dl.start, dl.due), (d(2026, 9, 1), d(2026, 10, 31)));
    assert_eq!((dl.status, dl.days_left), (Status::Overdue, Some(-28)));
    let eval = rec(
        "e000000001",
        "kind = \"evaluation\"\ndate = 2026-10-20\ntype = \"initial\"",
    );
    let r = run("US", &[consent.clone(), eval]);
    let dl = r.get("initial-evaluation");
    assert_eq!(dl.status, Status::Met);
    let met = dl.met.as_ref().unwrap();
    assert_eq!(
        (met.by.as_str(), met.on, met.late),
        ("e000000001", d(2026, 10, 20), false)
    );
    assert_eq!(dl.days_left, None);
    // Mississippi overrides the rule by id with its own source, same count.
    let ms = run("MS", std::slice::from_ref(&consent));
    let dl = ms.get("initial-evaluation");
    assert_eq!(dl.due, d(2026, 10, 31));
    assert!(dl.cite.starts_with("Mississippi"), "{}", dl.cite);
    assert_eq!(dl.confidence, Confidence::Secondary);
}

use crate::rules::Confidence;

#[test]
fn iep_meeting_30_days_after_a_first_eligibility() {
    let elig = rec(
        "f000000001",
        "kind = \"eligibility\"\ndate = 2026-05-19\neligible = true",
    );
    // May 19 + 30 days: May has 12 more days, June 18 is day 30.
    let r = run("US", std::slice::from_ref(&elig));
    assert_eq!(r.get("iep-after-eligibility").due, d(2026, 6, 18));
    // With an earlier IEP the child is not newly eligible: no deadline.
    let iep = rec(
        "a000000001",
        "kind = \"iep\"\ndate = 2025-12-09\nstatus = \"final\"",
    );
    let r = run("US", &[iep, elig.clone()]);
    assert!(r.all("iep-after-eligibility").is_empty());
    // Not eligible: no deadline.
    let no = rec(
        "f000000002",
        "kind = \"eligibility\"\ndate = 2026-05-19\neligible = false",
    );
    assert!(run("US", &[no]).all("iep-after-eligibility").is_empty());
}

#[test]
fn annual_review_12_months_with_the_meeting_as_day_one() {
    // IEP developed at the meeting of December 9, 2025: reviewed by December 8, 2026.
    let iep = rec(
        "x760srq3ep",
        "kind = \"iep\"\ndate = 2025-12-10\nstatus = \"final\"\nmeeting = 2025-12-09",
    );
    let amendment = rec(
        "0sahk8ww6n",
        "kind = \"iep\"\ndate = 2026-05-04\nstatus = \"amendment\"",
    );
    let r = run("US", &[iep.clone(), amendment]);
    let dl = r.get("annual-review");
    assert_eq!((dl.start, dl.due), (d(2025, 12, 9), d(2026, 12, 8)));
    assert_eq!(
        (dl.status, dl.days_left),
        (Status::Open, Some(10)),
        "an amendment is not a review"
    );
    let next = rec(
        "a000000002",
        "kind = \"iep\"\ndate = 2026-12-01\nstatus = \"final\"",
    );
    let r = run("US", &[iep, next]);
    let reviews = r.all("annual-review");
    assert_eq!(reviews.len(), 2);
    assert_eq!(
        reviews[0].status,
        Status::Met,
        "the new IEP meets the old one's review"
    );
    assert_eq!(reviews[1].due, d(2027, 11, 30));
}

#[test]
fn reevaluation_every_3_years() {
    let eval = rec(
        "3ym7ad0h9c",
        "kind = \"evaluation\"\ndate = 2026-05-14\ntype = \"reevaluation\"",
    );
    let dl = &run("US", &[eval]).deadlines[0];
    assert_eq!((dl.rule.as_str(), dl.due), ("reevaluation", d(2029, 5, 13)));
    let iee = rec(
        "e000000002",
        "kind = \"evaluation\"\ndate = 2026-05-14\ntype = \"iee\"",
    );
    assert!(
        run("US", &[iee]).all("reevaluation").is_empty(),
        "an IEE does not start it"
    );
}

#[test]
fn records_access_45_days_or_before_the_meeting() {
    let request = rec(
        "9a1nn3majz",
        "kind = \"request\"\ndate = 2026-11-08\nreceived = 2026-11-09\ntype = \"records\"",
    );
    // November 9 + 45: November has 21 more days, December 24 is day 45.
    let dl = run("US", std::slice::from_ref(&request))
        .get("records-access")
        .clone();
    assert_eq!((dl.due, dl.before.as_ref()), (d(2026, 12, 24), None));
    // An IEP meeting on December 1 comes first: due then (or_before chooses the meeting).
    let meeting = rec(
        "m000000001",
        "kind = \"meeting\"\ndate = 2026-12-01\ntime = 09:00:00\ntype = \"iep\"",
    );
    let late_hearing = rec(
        "m000000002",
        "kind = \"meeting\"\ndate = 2027-01-26\ntype = \"hearing\"",
    );
    let r = run("US", &[request.clone(), meeting, late_hearing.clone()]);
    let dl = r.get("records-access");
    assert_eq!(dl.due, d(2026, 12, 1));
    assert_eq!(dl.due_time.map(|t| t.to_string()), Some("09:00".into()));
    assert_eq!(dl.before.as_ref().map(RecordId::as_str), Some("m000000001"));
    // A hearing after day 45 changes nothing.
    let r = run("US", &[request.clone(), late_hearing]);
    assert_eq!(r.get("records-access").due, d(2026, 12, 24));
    let answer = rec(
        "r000000001",
        "kind = \"response\"\ndate = 2026-12-02\nresponds_to = \"9a1nn3majz\"",
    );
    assert_eq!(
        run("US", &[request, answer]).get("records-access").status,
        Status::Met
    );
}

#[test]
fn iee_is_an_obligation_with_a_reminder_after_30_days() {
    let request = rec(
        "9gpqec30et",
        "kind = \"request\"\ndate = 2026-05-22\nreceived = 2026-05-26\ntype = \"iee\"",
    );
    let dl = run("US", std::slice::from_ref(&request))
        .get("iee-public-expense")
        .clone();
    // Received May 26; reminder from June 25; June 25 to November 28 is 5 + 31 + 31 + 30 + 31
    // + 28 = 156 days.
    assert_eq!(
        (dl.status, dl.due, dl.days_left),
        (Status::Obligation, d(2026, 6, 25), Some(-156))
    );
    // A prior written notice refusing the IEE does not meet the rule: the district must fund
    // it or file for due process (34 CFR 300.502(b)(2)).
    let pwn = rec(
        "p000000001",
        "kind = \"pwn\"\ndate = 2026-06-01\naction = \"refuse\"\nresponds_to = \"9gpqec30et\"",
    );
    assert_eq!(
        run("US", &[request.clone(), pwn.clone()])
            .get("iee-public-expense")
            .status,
        Status::Obligation
    );
    // Agreeing to fund it does, and so does the district filing for due process.
    let funded = rec(
        "s000000001",
        "kind = \"response\"\ndate = 2026-06-05\ndecision = \"granted\"\n\
         responds_to = \"9gpqec30et\"",
    );
    let dl = run("US", &[request.clone(), pwn.clone(), funded])
        .get("iee-public-expense")
        .clone();
    assert_eq!(
        (dl.status, dl.met.unwrap().by.as_str()),
        (Status::Met, "s000000001")
    );
    let filed = rec(
        "c000000009",
        "kind = \"complaint\"\ndate = 2026-06-10\ntype = \"due-process\"\nfiled_by = \"district\"",
    );
    let dl = run("US", &[request.clone(), pwn, filed])
        .get("iee-public-expense")
        .clone();
    assert_eq!(
        (dl.status, dl.met.unwrap().by.as_str()),
        (Status::Met, "c000000009")
    );
    let parents = rec(
        "c000000008",
        "kind = \"complaint\"\ndate = 2026-06-10\ntype = \"due-process\"",
    );
    assert_eq!(
        run("US", &[request, parents])
            .get("iee-public-expense")
            .status,
        Status::Obligation,
        "the parent's own complaint is not the district's answer"
    );
}

#[test]
fn prior_written_notice_of_a_refusal() {
    let refusal = rec(
        "ttna5necv1",
        "kind = \"refusal\"\ndate = 2026-01-12\nvia = \"verbal\"\nin_writing = false",
    );
    let dl = run("US", std::slice::from_ref(&refusal))
        .get("prior-written-notice")
        .clone();
    assert_eq!((dl.status, dl.due), (Status::Obligation, d(2026, 1, 22)));
    let pwn = rec(
        "dh41vwehjt",
        "kind = \"pwn\"\ndate = 2026-03-27\naction = \"refuse\"\nrelated = [\"ttna5necv1\"]",
    );
    let dl = run("US", &[refusal, pwn])
        .get("prior-written-notice")
        .clone();
    let met = dl.met.unwrap();
    assert_eq!((met.by.as_str(), met.late), ("dh41vwehjt", true));
    // A refusal that is itself a prior written notice meets the rule on the spot.
    let by_pwn = rec(
        "r000000002",
        "kind = \"refusal\"\ndate = 2026-02-02\nvia = \"pwn\"",
    );
    let dl = run("US", &[by_pwn]).get("prior-written-notice").clone();
    assert_eq!((dl.status, dl.met.unwrap().late), (Status::Met, false));
    // A PWN answering the same request as the refusal also counts.
    let refusal = rec(
        "r000000003",
        "kind = \"refusal\"\ndate = 2026-02-02\nrefuses = \"q000000001\"",
    );
    let pwn = rec(
        "p000000002",
        "kind = \"pwn\"\ndate = 2026-02-03\naction = \"refuse\"\nresponds_to = \"q000000001\"",
    );
    assert_eq!(
        run("US", &[refusal, pwn])
            .get("prior-written-notice")
            .status,
        Status::Met
    );
}

#[test]
fn state_complaint_clocks() {
    let complaint = rec(
        "d8e0kv4ezp",
        "kind = \"complaint\"\ndate = 2026-08-24\nreceived = 2026-08-26\ntype = \"state-complaint\"\n\
         [[issues]]\ntext = \"old\"\nsince = 2025-03-14",
    );
    let findings = rec(
        "vfr7t24z7v",
        "kind = \"decision\"\ndate = 2026-10-20\ntype = \"complaint-findings\"\nresponds_to = \"d8e0kv4ezp\"",
    );
    let r = run("MS", &[complaint.clone(), findings]);
    // Filed August 24: August has 7 more days, September 30, October 23 is day 60.
    let dl = r.get("state-complaint-decision");
    assert_eq!((dl.due, dl.status), (d(2026, 10, 23), Status::Met));
    // Received Wednesday August 26: Thursday 27, Friday 28, Monday 31.
    let dl = r.get("state-complaint-forwarded");
    assert_eq!(
        (dl.due, dl.day_type, dl.status),
        (d(2026, 8, 31), DayType::Business, Status::Ended)
    );
    assert!(
        r.all("state-complaint-lookback").is_empty(),
        "a limit, not a deadline"
    );
    let book = Rulebook::builtin().unwrap();
    let set = book.select(Some("MS")).set;
    let cal = Calendar::new(&set.holidays, set.summer, None);
    let rule = set.rule("state-complaint-lookback").unwrap();
    assert_eq!(lookback_limit(rule, &complaint, &cal), Some(d(2025, 8, 26)));
    let dp_rule = set.rule("due-process-limitation").unwrap();
    assert_eq!(
        lookback_limit(dp_rule, &complaint, &cal),
        None,
        "not a due-process complaint"
    );
}

#[test]
fn due_process_clocks() {
    let complaint = rec(
        "hh3kfzk7jk",
        "kind = \"complaint\"\ndate = 2026-11-18\nreceived = 2026-11-19\ntype = \"due-process\"",
    );
    let r = run("US", std::slice::from_ref(&complaint));
    // From receipt on November 19 (day one is the 20th).
    assert_eq!(r.get("due-process-response").due, d(2026, 11, 29));
    assert_eq!(r.get("due-process-response").days_left, Some(1));
    assert_eq!(r.get("sufficiency-challenge").due, d(2026, 12, 4));
    assert_eq!(r.get("resolution-meeting").due, d(2026, 12, 4));
    assert_eq!(r.get("resolution-period").due, d(2026, 12, 19));
    // 45 days from December 19: 12 in December, 31 in January, February 2.
    let decision = r.get("hearing-decision");
    assert_eq!(
        (decision.start, decision.due),
        (d(2026, 12, 19), d(2027, 2, 2))
    );
    // Windows end without being anyone's failure.
    let later = Run::new(
        "US",
        &plain_meta("US"),
        std::slice::from_ref(&complaint),
        d(2026, 12, 10),
    );
    assert_eq!(later.get("sufficiency-challenge").status, Status::Ended);
    assert_eq!(later.get("resolution-meeting").status, Status::Overdue);
    let limit_rule = Rulebook::builtin().unwrap();
    let set = limit_rule.select(Some("US")).set;
    let cal = Calendar::new(&[], None, None);
    let rule = set.rule("due-process-limitation").unwrap();
    assert_eq!(
        lookback_limit(rule, &complaint, &cal),
        Some(d(2024, 11, 18))
    );
}

#[test]
fn resolution_agreement_review_3_business_days() {
    // Signed Wednesday November 25, 2026; Thursday 26 is Thanksgiving: Friday 27 (1),
    // Monday 30 (2), Tuesday December 1 (3).
    let agreement = rec(
        "g000000001",
        "kind = \"decision\"\ndate = 2026-11-25\ntype = \"resolution-agreement\"",
    );
    let dl = run("US", &[agreement])
        .get("resolution-agreement-review")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 12, 1), Status::Open));
}

#[test]
fn evidence_disclosure_5_business_days_before_the_hearing() {
    // Hearing Tuesday January 26, 2027. Back: Monday 25 (1), Friday 22 (2), Thursday 21 (3),
    // Wednesday 20 (4), Tuesday 19 (5); Monday 18 is Martin Luther King Jr. Day, not reached.
    let hearing = rec(
        "c66af4k3q3",
        "kind = \"meeting\"\ndate = 2027-01-26\ntime = 09:00:00\ntype = \"hearing\"",
    );
    let dl = run("MS", &[hearing]).get("evidence-disclosure").clone();
    assert_eq!(
        (dl.start, dl.due, dl.days_left),
        (d(2027, 1, 26), d(2027, 1, 19), Some(52))
    );
    // A hearing on Monday February 1, 2027: back over the weekend to Monday January 25.
    let hearing = rec(
        "c000000002",
        "kind = \"meeting\"\ndate = 2027-02-01\ntype = \"hearing\"",
    );
    assert_eq!(
        run("US", &[hearing]).get("evidence-disclosure").due,
        d(2027, 1, 25)
    );
}

#[test]
fn civil_action_90_days() {
    // February 1, 2027 + 90: 27 in February, 31 in March, 30 in April, May 2.
    let decision = rec(
        "h000000001",
        "kind = \"decision\"\ndate = 2027-02-01\ntype = \"hearing-decision\"",
    );
    assert_eq!(
        run("US", &[decision]).get("civil-action").due,
        d(2027, 5, 2)
    );
}

#[test]
fn manifestation_determination_10_school_days() {
    // A 15-day removal decided Monday November 16, 2026. With the example calendar
    // (Thanksgiving week closed): 17, 18, 19, 20 (4), 30 (5), December 1-4 (9), 7 (10).
    let removal = rec(
        "k000000001",
        "kind = \"discipline\"\ndate = 2026-11-16\nremoval = \"oss\"\nschool_days = 15",
    );
    let r = Run::new(
        "MS",
        &example_meta("MS"),
        std::slice::from_ref(&removal),
        TODAY,
    );
    let dl = r.get("manifestation-determination");
    assert_eq!((dl.due, dl.approximate), (d(2026, 12, 7), false));
    let short = rec(
        "k000000002",
        "kind = \"discipline\"\ndate = 2026-11-16\nremoval = \"iss\"\nschool_days = 2",
    );
    assert!(
        run("MS", &[short])
            .all("manifestation-determination")
            .is_empty()
    );
}

#[test]
fn a_series_of_removals_counts_only_this_school_years_removals_up_to_each_one() {
    let removal = |id: &str, date: &str, days: u32| {
        rec(
            id,
            &format!(
                "kind = \"discipline\"\ndate = {date}\nremoval = \"iss\"\nschool_days = {days}"
            ),
        )
    };
    let records = [
        // Last school year: 8 days, which must not count towards this year's total.
        removal("k000000001", "2026-03-02", 8),
        removal("k000000002", "2026-09-08", 4),
        removal("k000000003", "2026-09-22", 4),
        // 4 + 4 + 3 = 11: the series passes 10 school days here…
        removal("k000000004", "2026-10-06", 3),
        // …and again with a second removal the same day (12).
        removal("k000000005", "2026-10-06", 1),
    ];
    let r = run("MS", &records);
    let triggers: Vec<&str> = r
        .all("manifestation-determination-pattern")
        .iter()
        .map(|d| d.trigger.as_str())
        .collect();
    assert_eq!(triggers, ["k000000004", "k000000005"]);
    // Listed in another order, the records add up the same.
    let mut reversed = records.to_vec();
    reversed.reverse();
    let again: Vec<String> = run("MS", &reversed)
        .all("manifestation-determination-pattern")
        .iter()
        .map(|d| d.trigger.to_string())
        .collect();
    assert_eq!(again, ["k000000004", "k000000005"]);
}

#[test]
fn private_placement_notice_10_business_days_counting_holidays() {
    // Removal Monday July 13, 2026: back July 10, 9, 8, 7, 6, 3 (a holiday, counted), 2, 1,
    // June 30, June 29 (10).
    let notice = rec(
        "n000000001",
        "kind = \"notice\"\ndate = 2026-06-15\ntype = \"private-placement\"\n\
         [extra]\nremoval_date = 2026-07-13",
    );
    let dl = run("US", &[notice]).get("private-placement-notice").clone();
    assert_eq!(dl.due, d(2026, 6, 29));
    let met = dl.met.unwrap();
    assert_eq!((met.by.as_str(), met.late), ("n000000001", false));
}

#[test]
fn mississippi_14_day_meeting_on_evaluation_requests() {
    // The request day is day one: March 4 → March 17.
    let request = rec(
        "q000000002",
        "kind = \"request\"\ndate = 2026-03-04\ntype = \"evaluation\"",
    );
    let dl = run("MS", &[request])
        .get("evaluation-request-meeting")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 3, 17), Status::Overdue));
    let reeval = rec(
        "m3svx32vyb",
        "kind = \"request\"\ndate = 2026-03-04\ntype = \"reevaluation\"",
    );
    let consent = rec(
        "04waz4n4b4",
        "kind = \"consent\"\ndate = 2026-03-17\nscope = \"reevaluation\"\ndecision = \"given\"\n\
         related = [\"m3svx32vyb\"]",
    );
    let dl = run("MS", &[reeval.clone(), consent])
        .get("reevaluation-request-meeting")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 3, 17), Status::Met));
    assert!(!dl.met.unwrap().late, "met on day 14");
    assert!(
        run("US", &[reeval])
            .all("reevaluation-request-meeting")
            .is_empty(),
        "Mississippi only"
    );
}

#[test]
fn mississippi_pwn_7_days_after_the_evaluation_meeting() {
    let meeting = rec(
        "m000000003",
        "kind = \"meeting\"\ndate = 2026-03-17\ntype = \"evaluation-planning\"",
    );
    let dl = run("MS", &[meeting]).get("evaluation-decision-pwn").clone();
    assert_eq!(dl.due, d(2026, 3, 24));
}

#[test]
fn mississippi_recording_notice_24_hours_before() {
    let meeting = rec(
        "d8fvew8njd",
        "kind = \"meeting\"\ndate = 2026-03-24\ntime = 08:30:00\ntype = \"iep\"\nrecorded = true",
    );
    let notice = rec(
        "34xzsxz6r9",
        "kind = \"notice\"\ndate = 2026-03-23\ntime = 12:30:00\ntype = \"recording\"\n\
         meeting = \"d8fvew8njd\"",
    );
    let r = run("MS", &[meeting.clone(), notice]);
    let dl = r.get("recording-notice");
    assert_eq!(
        (dl.due, dl.due_time.map(|t| t.to_string())),
        (d(2026, 3, 23), Some("08:30".into()))
    );
    let met = dl.met.as_ref().unwrap();
    assert_eq!(
        (met.by.as_str(), met.late),
        ("34xzsxz6r9", true),
        "12:30 is after 08:30"
    );
    let early = rec(
        "n000000002",
        "kind = \"notice\"\ndate = 2026-03-23\ntime = 08:00:00\ntype = \"recording\"\n\
         meeting = \"d8fvew8njd\"",
    );
    assert!(
        !run("MS", &[meeting.clone(), early])
            .get("recording-notice")
            .met
            .as_ref()
            .unwrap()
            .late
    );
    let unrecorded = rec(
        "m000000004",
        "kind = \"meeting\"\ndate = 2026-03-24\ntype = \"iep\"",
    );
    assert!(run("MS", &[unrecorded]).all("recording-notice").is_empty());
}

#[test]
fn mississippi_facilitation_request_10_days_before() {
    let request = rec(
        "magp6cte8k",
        "kind = \"request\"\ndate = 2026-03-31\ntype = \"facilitation\"",
    );
    let meeting = rec(
        "7f30w1y9gm",
        "kind = \"meeting\"\ndate = 2026-04-29\ntype = \"facilitated-iep\"\nrelated = [\"magp6cte8k\"]",
    );
    let dl = run("MS", &[request, meeting])
        .get("facilitation-request")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 4, 19), Status::Met));
}

#[test]
fn drafts_a_week_before_an_iep_meeting_asked_for_this_meeting() {
    // The meeting is Tuesday December 8, 2026; seven days before is December 1. A request for
    // drafts before the previous IEP team meeting (a facilitated one in October) was for that
    // meeting, not this one.
    let old_request = rec(
        "r000000001",
        "kind = \"request\"\ndate = 2026-10-01\ntype = \"draft-documents\"",
    );
    let facilitated = rec(
        "m000000001",
        "kind = \"meeting\"\ndate = 2026-10-20\ntype = \"facilitated-iep\"",
    );
    let meeting = rec(
        "m000000002",
        "kind = \"meeting\"\ndate = 2026-12-08\ntype = \"iep\"",
    );
    let records = [old_request, facilitated.clone(), meeting.clone()];
    let r = run("US", &records);
    // Only the meeting still ahead has a date: the October one is past (`prep = true`).
    let dl = r.get("draft-documents");
    assert_eq!(dl.trigger.as_str(), "m000000002");
    assert_eq!((dl.due, dl.status), (d(2026, 12, 1), Status::Open));
    assert_eq!(dl.confidence, crate::rules::Confidence::Default);
    // On December 2 it is overdue; a request made then meets it, late.
    let late = Run::new("US", &plain_meta("US"), &records, d(2026, 12, 2));
    assert_eq!(late.get("draft-documents").status, Status::Overdue);
    let asked = rec(
        "r000000002",
        "kind = \"request\"\ndate = 2026-11-24\ntype = \"draft-documents\"",
    );
    let r = run("US", &[facilitated, meeting, asked]);
    let dl = r.get("draft-documents");
    assert_eq!(dl.status, Status::Met);
    assert_eq!(dl.met.as_ref().unwrap().by.as_str(), "r000000002");
}

#[test]
fn parent_concerns_the_day_before_tagged_and_for_this_meeting() {
    let meeting = rec(
        "m000000002",
        "kind = \"meeting\"\ndate = 2026-12-08\ntype = \"iep\"",
    );
    let dl = run("US", std::slice::from_ref(&meeting))
        .get("parent-concerns")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 12, 7), Status::Open));
    // An e-mail tagged parent-concerns, sent before the meeting, meets it; an untagged one
    // does not.
    let untagged = rec(
        "c000000001",
        "kind = \"communication\"\ndate = 2026-11-20\ndirection = \"sent\"",
    );
    let tagged = rec(
        "c000000002",
        "kind = \"communication\"\ndate = 2026-11-25\ndirection = \"sent\"\ntags = [\"parent-concerns\"]",
    );
    let r = run("US", &[meeting.clone(), untagged.clone()]);
    assert_eq!(r.get("parent-concerns").status, Status::Open);
    let r = run("US", &[meeting, untagged, tagged]);
    let dl = r.get("parent-concerns");
    assert_eq!(dl.status, Status::Met);
    assert_eq!(dl.met.as_ref().unwrap().by.as_str(), "c000000002");
}

#[test]
fn texas_15_school_days_after_an_evaluation_request() {
    // Received Monday November 16, 2026. With the school calendar: 17-20 (4), Thanksgiving
    // week closed, November 30 - December 4 (9), 7-11 (14), Monday December 14 (15).
    let request = rec(
        "q000000003",
        "kind = \"request\"\ndate = 2026-11-16\nreceived = 2026-11-16\ntype = \"evaluation\"",
    );
    let r = Run::new(
        "TX",
        &example_meta("TX"),
        std::slice::from_ref(&request),
        TODAY,
    );
    let dl = r.get("evaluation-request-response");
    assert_eq!(
        (dl.due, dl.day_type, dl.approximate),
        (d(2026, 12, 14), DayType::School, false)
    );
    // Without a calendar: business days with Texas holidays, marked approximate. 17-20 (4),
    // 23-25 (7), Thanksgiving and the day after, 30 (8), December 1-4 (12), 7, 8, 9 (15).
    let dl = run("TX", &[request])
        .get("evaluation-request-response")
        .clone();
    assert_eq!((dl.due, dl.approximate), (d(2026, 12, 9), true));
}

#[test]
fn texas_45_school_days_for_an_initial_evaluation_skip_the_summer() {
    // Consent Monday April 12, 2027. School days: April 13-16 (4), 19-23 (9), 26-30 (14),
    // May 3-7 (19), 10-14 (24), 17-21 (29, the last day). Summer to August 5 (from the
    // calendar), then August 6 (30), 9-13 (35), 16-20 (40), 23-26 (44); August 27 is
    // Lyndon Baines Johnson Day; Monday August 30 is day 45, a guess past the calendar.
    let consent = rec(
        "c000000002",
        "kind = \"consent\"\ndate = 2027-04-12\nscope = \"initial-evaluation\"\ndecision = \"given\"",
    );
    let r = Run::new("TX", &example_meta("TX"), &[consent], TODAY);
    let dl = r.get("initial-evaluation");
    assert_eq!((dl.due, dl.approximate), (d(2027, 8, 30), true));
    assert!(dl.cite.contains("29.004"));
}

#[test]
fn texas_ard_meeting_30_days_out_of_summer() {
    // Report May 10, 2027 + 30 days = June 9, in the summer break: moved to the first day of
    // the next school year (August 6, by the calendar's dates).
    let eval = rec(
        "e000000003",
        "kind = \"evaluation\"\ndate = 2027-05-10\ntype = \"initial\"",
    );
    let r = Run::new(
        "TX",
        &example_meta("TX"),
        std::slice::from_ref(&eval),
        TODAY,
    );
    let dl = r.get("ard-after-evaluation");
    assert_eq!((dl.due, dl.approximate), (d(2027, 8, 6), true));
    let fall = rec(
        "e000000004",
        "kind = \"evaluation\"\ndate = 2026-10-01\ntype = \"initial\"",
    );
    let r = Run::new("TX", &example_meta("TX"), &[fall], TODAY);
    assert_eq!(r.get("ard-after-evaluation").due, d(2026, 10, 31));
}

#[test]
fn sufficiency_ruling_5_days_after_the_challenge() {
    // The hearing officer received the challenge Tuesday December 1, 2026: December 2 is
    // day one, December 6 day five.
    let challenge = rec(
        "n000000004",
        "kind = \"notice\"\ndate = 2026-11-30\nreceived = 2026-12-01\ntype = \"sufficiency-challenge\"",
    );
    let dl = run("US", std::slice::from_ref(&challenge))
        .get("sufficiency-ruling")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 12, 6), Status::Open));
    let ruling = rec(
        "g000000002",
        "kind = \"decision\"\ndate = 2026-12-04\ntype = \"sufficiency-ruling\"",
    );
    let dl = run("US", &[challenge, ruling])
        .get("sufficiency-ruling")
        .clone();
    assert_eq!((dl.status, dl.met.unwrap().late), (Status::Met, false));
}

#[test]
fn the_response_to_a_due_process_complaint_depends_on_who_filed_and_on_earlier_notice() {
    // The parent names the evaluation request in the complaint; the district's notice on it
    // came before: its response must address the issues (300.508(f)), not 300.508(e).
    let request = rec(
        "q000000005",
        "kind = \"request\"\ndate = 2026-09-01\ntype = \"evaluation\"",
    );
    let pwn = rec(
        "p000000005",
        "kind = \"pwn\"\ndate = 2026-09-20\naction = \"refuse\"\nresponds_to = \"q000000005\"",
    );
    let complaint = rec(
        "c000000005",
        "kind = \"complaint\"\ndate = 2026-11-18\nreceived = 2026-11-19\ntype = \"due-process\"\n\
         related = [\"q000000005\"]",
    );
    let r = run("US", &[request.clone(), pwn, complaint.clone()]);
    assert!(r.all("due-process-response").is_empty());
    let dl = r.get("due-process-response-issues");
    assert_eq!(
        (dl.due, dl.cite.as_str()),
        (d(2026, 11, 29), "34 CFR 300.508(f)")
    );
    // A notice on another subject does not count: 300.508(e) applies.
    let other = rec(
        "p000000006",
        "kind = \"pwn\"\ndate = 2026-09-20\naction = \"refuse\"\nresponds_to = \"q000000099\"",
    );
    let r = run("US", &[request, other, complaint]);
    assert!(r.all("due-process-response-issues").is_empty());
    assert_eq!(r.get("due-process-response").cite, "34 CFR 300.508(e)(1)");
    // The district files: the parent answers under 300.508(f) within 10 days of receipt; no
    // resolution meeting or period (300.510 is for a parent's complaint); the decision is due
    // 45 days from receipt: November 20-30 (11), December (42), January 3.
    let district = rec(
        "c000000006",
        "kind = \"complaint\"\ndate = 2026-11-18\nreceived = 2026-11-19\ntype = \"due-process\"\n\
         filed_by = \"district\"",
    );
    let r = run("US", std::slice::from_ref(&district));
    assert_eq!(r.get("due-process-response-parent").due, d(2026, 11, 29));
    for rule in [
        "resolution-meeting",
        "resolution-period",
        "hearing-decision",
        "due-process-response",
    ] {
        assert!(
            r.all(rule).is_empty(),
            "{rule} is not for a district's complaint"
        );
    }
    let dl = r.get("hearing-decision-district");
    assert_eq!(
        (dl.due, dl.confidence),
        (d(2027, 1, 3), Confidence::Secondary)
    );
    assert_eq!(
        r.get("sufficiency-challenge").due,
        d(2026, 12, 4),
        "either party may challenge"
    );
}

#[test]
fn waivers_start_the_hearing_clock_early_and_a_missed_meeting_holds_it() {
    let complaint = rec(
        "c000000007",
        "kind = \"complaint\"\ndate = 2026-11-18\nreceived = 2026-11-19\ntype = \"due-process\"",
    );
    let decision = |kind: &str| {
        rec(
            "g000000003",
            &format!("kind = \"decision\"\ndate = 2026-11-25\ntype = \"{kind}\""),
        )
    };
    // A written waiver on November 25 meets the resolution meeting rule and starts the 45
    // days the day after: November 26-30 (5), December (36), January 9 (45).
    let r = run("US", &[complaint.clone(), decision("resolution-waiver")]);
    assert_eq!(r.get("resolution-meeting").status, Status::Met);
    let dl = r.get("hearing-decision");
    assert_eq!((dl.start, dl.due), (d(2026, 11, 25), d(2027, 1, 9)));
    // An agreement to mediate ends the need for the meeting, not the resolution period.
    let r = run("US", &[complaint.clone(), decision("agreement-to-mediate")]);
    assert_eq!(r.get("resolution-meeting").status, Status::Met);
    assert_eq!(r.get("hearing-decision").due, d(2027, 2, 2));
    // The parent misses the December 1 meeting; the meeting is held with the parent on
    // December 11: ten days later, so the period ends December 29 instead of December 19 and
    // the decision is due 45 days after: December 30-31 (2), January (33), February 12.
    let missed = rec(
        "m000000005",
        "kind = \"meeting\"\ndate = 2026-12-01\ntype = \"resolution\"\nparent_attended = false",
    );
    let held = rec(
        "m000000006",
        "kind = \"meeting\"\ndate = 2026-12-11\ntype = \"resolution\"",
    );
    let r = run("US", &[complaint.clone(), missed.clone(), held]);
    assert_eq!(r.get("resolution-meeting").status, Status::Met);
    assert_eq!(r.get("resolution-period").due, d(2026, 12, 29));
    assert_eq!(r.get("hearing-decision").due, d(2027, 2, 12));
    // Until the meeting is held, the period and the hearing clock have no date.
    let r = run("US", &[complaint, missed]);
    assert!(r.all("resolution-period").is_empty());
    assert!(r.all("hearing-decision").is_empty());
}

#[test]
fn expedited_due_process_clocks() {
    // Filed and received Monday November 2, 2026: resolution meeting by November 9, 15 days
    // to resolve by November 17, hearing within 20 school days (no calendar: business days,
    // approximate): November 3-6 (4), 9, 10 (6), Veterans Day, 12, 13 (8), 16-20 (13), 23-25
    // (16), Thanksgiving, 27 (17), 30 (18), December 1 (19), December 2 (20).
    let complaint = rec(
        "c000000010",
        "kind = \"complaint\"\ndate = 2026-11-02\nreceived = 2026-11-02\ntype = \"expedited-due-process\"",
    );
    let r = run("US", std::slice::from_ref(&complaint));
    assert_eq!(r.get("expedited-resolution-meeting").due, d(2026, 11, 9));
    assert_eq!(r.get("expedited-resolution-period").due, d(2026, 11, 17));
    let hearing = r.get("expedited-hearing");
    assert_eq!((hearing.due, hearing.approximate), (d(2026, 12, 2), true));
    assert!(
        r.all("resolution-meeting").is_empty(),
        "not the regular 15 days"
    );
    // The hearing on Tuesday December 1 meets it; the decision is due 10 school days after:
    // December 2-4 (3), 7-11 (8), 14, 15 (10).
    let held = rec(
        "m000000007",
        "kind = \"meeting\"\ndate = 2026-12-01\ntype = \"hearing\"",
    );
    let decided = rec(
        "g000000004",
        "kind = \"decision\"\ndate = 2026-12-14\ntype = \"hearing-decision\"",
    );
    let r = run("US", &[complaint, held.clone(), decided]);
    assert_eq!(r.get("expedited-hearing").status, Status::Met);
    let dl = r.get("expedited-hearing-decision");
    assert_eq!((dl.due, dl.status), (d(2026, 12, 15), Status::Met));
    assert!(
        run("US", &[held])
            .all("expedited-hearing-decision")
            .is_empty(),
        "a hearing on a regular complaint"
    );
}

#[test]
fn a_series_of_removals_over_10_school_days_and_the_same_day_notice() {
    // 4 + 4 + 3 school days: the third removal, Monday November 2, 2026, brings the year to
    // 11. With the example calendar: November 3-6 (4), 9-13 (9), 16 (10).
    let removal = |id: &str, date: &str, n: u32| {
        rec(
            id,
            &format!("kind = \"discipline\"\ndate = {date}\nremoval = \"oss\"\nschool_days = {n}"),
        )
    };
    let records = [
        removal("k000000003", "2026-09-08", 4),
        removal("k000000004", "2026-10-05", 4),
        removal("k000000005", "2026-11-02", 3),
    ];
    let r = Run::new("MS", &example_meta("MS"), &records, TODAY);
    let dl = r.get("manifestation-determination-pattern");
    assert_eq!(
        (dl.trigger.as_str(), dl.due, dl.approximate),
        ("k000000005", d(2026, 11, 16), false)
    );
    assert!(r.all("manifestation-determination").is_empty());
    // Notice of the change of placement and the safeguards is due that same day.
    let notice = r.get("discipline-notice");
    assert_eq!(
        (notice.trigger.as_str(), notice.due),
        ("k000000005", d(2026, 11, 2))
    );
    let safeguards = rec(
        "n000000005",
        "kind = \"notice\"\ndate = 2026-11-02\ntype = \"procedural-safeguards\"",
    );
    let with = [&records[..], &[safeguards]].concat();
    let r = Run::new("MS", &example_meta("MS"), &with, TODAY);
    let dl = r.get("discipline-notice");
    assert_eq!(
        (dl.status, dl.met.as_ref().unwrap().late),
        (Status::Met, false)
    );
    // Removals in another school year are not added up.
    let apart = [
        removal("k000000006", "2026-05-01", 8),
        removal("k000000007", "2026-09-10", 5),
    ];
    let r = Run::new("MS", &example_meta("MS"), &apart, TODAY);
    assert!(r.all("manifestation-determination-pattern").is_empty());
    assert!(r.all("discipline-notice").is_empty());
    // A single long removal needs the notice too.
    let long = [removal("k000000008", "2026-11-16", 15)];
    let r = Run::new("MS", &example_meta("MS"), &long, TODAY);
    assert_eq!(r.get("discipline-notice").due, d(2026, 11, 16));
}

#[test]
fn an_interim_alternative_setting_ends_after_45_school_days() {
    // From Monday November 2, 2026, with the example calendar: November 3-6 (4), 9-13 (9),
    // 16-20 (14), Thanksgiving week closed, November 30 - December 4 (19), 7-11 (24), 14-18
    // (29), winter break and January 4 closed, January 5-8 (33), 11-15 (38), January 18
    // closed, 19-22 (42), 25 (43), 26 (44), Wednesday January 27 (45).
    let removal = rec(
        "k000000009",
        "kind = \"discipline\"\ndate = 2026-11-02\nremoval = \"iaes\"\nschool_days = 45",
    );
    let r = Run::new(
        "MS",
        &example_meta("MS"),
        std::slice::from_ref(&removal),
        TODAY,
    );
    let dl = r.get("interim-alternative-setting");
    assert_eq!((dl.due, dl.status), (d(2027, 1, 27), Status::Open));
    let later = Run::new("MS", &example_meta("MS"), &[removal], d(2027, 2, 1));
    assert_eq!(
        later.get("interim-alternative-setting").status,
        Status::Ended
    );
}

#[test]
fn mississippi_referral_by_the_district_14_days() {
    // Referred Monday September 14, 2026, day one: September 27 is day 14.
    let referral = rec(
        "n000000006",
        "kind = \"notice\"\ndate = 2026-09-14\ntype = \"referral\"",
    );
    let dl = run("MS", std::slice::from_ref(&referral))
        .get("referral-meeting")
        .clone();
    assert_eq!((dl.due, dl.status), (d(2026, 9, 27), Status::Overdue));
    let meeting = rec(
        "m000000008",
        "kind = \"meeting\"\ndate = 2026-09-25\ntype = \"evaluation-planning\"",
    );
    assert_eq!(
        run("MS", &[referral.clone(), meeting])
            .get("referral-meeting")
            .status,
        Status::Met
    );
    assert!(run("US", &[referral]).all("referral-meeting").is_empty());
}

#[test]
fn texas_answer_to_an_ard_meeting_request_within_5_school_days() {
    // Received Monday November 2, 2026 (no calendar: business days): 3-6 (4), Monday
    // November 9 (5).
    let request = rec(
        "q000000006",
        "kind = \"request\"\ndate = 2026-11-02\nreceived = 2026-11-02\ntype = \"iep-meeting\"",
    );
    let dl = run("TX", std::slice::from_ref(&request))
        .get("ard-meeting-request")
        .clone();
    assert_eq!(
        (dl.due, dl.approximate, dl.status),
        (d(2026, 11, 9), true, Status::Overdue)
    );
    let written = rec(
        "r000000005",
        "kind = \"refusal\"\ndate = 2026-11-06\nrefuses = \"q000000006\"\nin_writing = true",
    );
    assert_eq!(
        run("TX", &[request.clone(), written])
            .get("ard-meeting-request")
            .status,
        Status::Met
    );
    let spoken = rec(
        "r000000006",
        "kind = \"refusal\"\ndate = 2026-11-06\nrefuses = \"q000000006\"\nvia = \"verbal\"",
    );
    assert_eq!(
        run("TX", &[request.clone(), spoken])
            .get("ard-meeting-request")
            .status,
        Status::Overdue,
        "a refusal said aloud is not the written notice 89.1050(e) requires"
    );
    assert!(run("US", &[request]).all("ard-meeting-request").is_empty());
}

#[test]
fn texas_late_consent_report_by_june_30_unless_absent() {
    // The example calendar ends Friday May 21, 2027. Consent Friday April 2: April 5-9 (5),
    // 12-16 (10), 19-23 (15), 26-30 (20), May 3-7 (25), 10-14 (30), 17-21 (35) school days
    // left: 35 to 44, so the report is due June 30 (Tex. Educ. Code 29.004(a-1)).
    let consent = |date: &str, extra: &str| {
        rec(
            "c000000011",
            &format!(
                "kind = \"consent\"\ndate = {date}\nscope = \"initial-evaluation\"\n\
                 decision = \"given\"{extra}"
            ),
        )
    };
    let due = |record: StoredRecord| {
        Run::new("TX", &example_meta("TX"), &[record], TODAY)
            .get("initial-evaluation")
            .due
    };
    assert_eq!(due(consent("2027-04-02", "")), d(2027, 6, 30));
    // Friday March 12 leaves 44 (spring break March 15-19 and Good Friday March 26 are
    // closed): March 22-25 (4), 29 - April 2 (9), then the 35 above: still June 30.
    assert_eq!(due(consent("2027-03-12", "")), d(2027, 6, 30));
    // Thursday March 11 leaves 45: the ordinary count, ending on the last day, May 21.
    assert_eq!(due(consent("2027-03-11", "")), d(2027, 5, 21));
    // Absent 4 school days: no June 30, and 45 + 4 = 49 school days: 35 to May 21, then from
    // August 6 (after the summer, a guess): 6 (36), 9-13 (41), 16-20 (46), 23-25 (49).
    let absent = consent("2027-04-02", "\n[extra]\nschool_days_absent = 4");
    assert_eq!(due(absent), d(2027, 8, 25));
    // Absent 2 days: not extended, so June 30 stands.
    let two = consent("2027-04-02", "\n[extra]\nschool_days_absent = 2");
    assert_eq!(due(two), d(2027, 6, 30));
}

#[test]
fn texas_ard_on_a_summer_report_by_the_15th_school_day() {
    // A report dated June 15, 2027, in the summer break (to August 5 by the calendar): the
    // 15th school day after it is August 6 (1), 9-13 (6), 16-20 (11), 23-26 (15).
    let eval = rec(
        "e000000005",
        "kind = \"evaluation\"\ndate = 2027-06-15\ntype = \"initial\"",
    );
    let r = Run::new("TX", &example_meta("TX"), &[eval], TODAY);
    let dl = r.get("ard-after-evaluation");
    assert_eq!((dl.due, dl.approximate), (d(2027, 8, 26), true));
}

#[test]
fn conflict_copies_and_missing_start_fields_are_skipped() {
    let mut copy = rec(
        "q000000004",
        "kind = \"request\"\ndate = 2026-03-04\ntype = \"evaluation\"",
    );
    copy.id = RecordId::parse("q000000004.conflict-1").unwrap();
    assert!(run("MS", &[copy]).deadlines.is_empty());
    let notice = rec(
        "n000000003",
        "kind = \"notice\"\ndate = 2026-06-15\ntype = \"private-placement\"",
    );
    assert!(
        run("US", &[notice]).deadlines.is_empty(),
        "no removal_date, no clock"
    );
}

/// The example case's clocks as of November 28, 2026, as its README tells them.
#[test]
fn the_example_case() {
    let records: Vec<StoredRecord> = crate::example::stored_records();
    let r = Run::new("MS", &example_meta("MS"), &records, TODAY);
    let due = |rule: &str| {
        let dl = r.get(rule);
        (dl.due, dl.status)
    };
    assert_eq!(due("annual-review"), (d(2026, 12, 8), Status::Open));
    // 45 days from the request, or before the next meeting: the IEP meeting of December 8.
    assert_eq!(due("records-access"), (d(2026, 12, 8), Status::Open));
    assert_eq!(due("due-process-response"), (d(2026, 11, 29), Status::Open));
    assert_eq!(due("resolution-meeting"), (d(2026, 12, 4), Status::Open));
    assert_eq!(due("resolution-period"), (d(2026, 12, 19), Status::Open));
    assert_eq!(due("hearing-decision"), (d(2027, 2, 2), Status::Open));
    assert_eq!(due("evidence-disclosure"), (d(2027, 1, 19), Status::Open));
    assert_eq!(
        due("iee-public-expense"),
        (d(2026, 6, 25), Status::Obligation)
    );
    assert_eq!(
        due("state-complaint-decision"),
        (d(2026, 10, 23), Status::Met)
    );
    assert_eq!(
        due("reevaluation-request-meeting"),
        (d(2026, 3, 17), Status::Met)
    );
    assert_eq!(due("facilitation-request"), (d(2026, 4, 19), Status::Met));
    let notices = r.all("recording-notice");
    let notice = notices
        .iter()
        .find(|d| d.trigger.as_str() == "d8fvew8njd")
        .expect("the March meeting's notice");
    assert!(
        notice.met.as_ref().is_some_and(|m| m.late),
        "the 20-hour notice"
    );
    // The annual review of December 8 is recorded too: its notice is due the day before.
    let december = notices
        .iter()
        .find(|d| d.trigger.as_str() == "m8ptc2wq4e")
        .expect("the December meeting's notice");
    assert_eq!(
        (december.due, december.status),
        (d(2026, 12, 7), Status::Open)
    );
    let pwn = r.all("prior-written-notice");
    assert_eq!(pwn.len(), 3, "three refusals");
    assert!(pwn.iter().all(|d| {
        d.met
            .as_ref()
            .is_some_and(|m| m.late && m.by.as_str() == "dh41vwehjt")
    }));
}

#[test]
fn indexed_relations_find_what_a_scan_of_every_record_finds() {
    // The example case, and a synthetic case of every kind of record with links stated and
    // left out, under every state's rules.
    let mut records: Vec<StoredRecord> = crate::example::stored_records();
    records.extend(
        crate::synth::Synth::new(7)
            .records(1500)
            .into_iter()
            .map(|(id, text)| StoredRecord {
                record: parse_record(&text, id.as_str()).unwrap(),
                text,
                id,
            }),
    );
    records.sort_by(|a, b| {
        let key = |r: &StoredRecord| (r.record.date(), r.record.common.time, r.id.clone());
        key(a).cmp(&key(b))
    });
    let linked = crate::links::link(&records);
    let book = Rulebook::builtin().unwrap();
    for state in ["MS", "TX", "US"] {
        let rules = book.select(Some(state)).set;
        let meta = example_meta(state);
        let today = d(2026, 11, 28);
        let indexed = deadlines_with(&linked, &meta, rules, today, true);
        let scanned = deadlines_with(&linked, &meta, rules, today, false);
        assert!(indexed.len() > 100, "{state}: {} deadlines", indexed.len());
        assert_eq!(
            format!("{indexed:?}"),
            format!("{scanned:?}"),
            "{state}: the indexes change a deadline"
        );
    }
}

#[test]
fn a_rule_that_starts_from_another_is_worked_out_after_it_and_the_rest_side_by_side() {
    let book = Rulebook::builtin().unwrap();
    for state in [None, Some("MS"), Some("TX")] {
        let rules = &book.select(state).set.rules;
        let levels = levels(rules);
        let mut dependent = 0;
        for (i, rule) in rules.iter().enumerate() {
            match &rule.start {
                Start::AfterRule(other) => {
                    let j = rules.iter().position(|r| r.id == *other).unwrap();
                    assert!(j < i, "{} comes after {other}", rule.id);
                    assert!(levels[i] > levels[j], "{} waits for {other}", rule.id);
                    dependent += 1;
                }
                Start::Fields(_) => assert_eq!(levels[i], 0, "{}", rule.id),
            }
        }
        assert!(
            dependent > 0,
            "the built-in rules start some rules from others"
        );
    }
    // Two rules of one id: nothing is worked out beside anything else.
    let rules = &book.select(None).set.rules;
    let twice = vec![rules[0].clone(), rules[1].clone(), rules[0].clone()];
    assert_eq!(levels(&twice), [0, 1, 2]);
}

//! The findings of the example case, and each check on small hand-made cases.

use super::*;
use crate::record::{parse_case_meta, parse_record};
use crate::rules::{Rulebook, deadlines};

const TODAY: Date = Date(jiff::civil::date(2026, 11, 28));

fn rec(id: &str, toml: &str) -> StoredRecord {
    let text = format!("title = \"t\"\n{toml}\n");
    StoredRecord {
        id: RecordId::parse(id).unwrap(),
        record: parse_record(&text, id).unwrap_or_else(|e| panic!("{}", e.render())),
        text,
    }
}

fn run_with(state: &str, meta: &CaseMeta, records: &[StoredRecord], today: Date) -> Vec<Finding> {
    let book = Rulebook::builtin().unwrap();
    let rules = book.select(Some(state)).set;
    let found = deadlines(records, meta, rules, today);
    check(&Input {
        records,
        meta,
        rules,
        deadlines: &found,
        today,
    })
}

fn run(state: &str, records: &[StoredRecord]) -> Vec<Finding> {
    let meta = parse_case_meta("child = \"A\"\n", "meta").unwrap();
    run_with(state, &meta, records, TODAY)
}

fn codes(findings: &[Finding]) -> Vec<(Code, Severity, String)> {
    findings
        .iter()
        .map(|f| {
            (
                f.code,
                f.severity,
                f.record.as_ref().map_or(String::new(), |r| r.to_string()),
            )
        })
        .collect()
}

fn example() -> Vec<Finding> {
    let records: Vec<StoredRecord> = crate::example::stored_records();
    let meta = parse_case_meta(crate::example::meta(), "example").unwrap();
    run_with("MS", &meta, &records, TODAY)
}

fn one<'a>(findings: &'a [Finding], code: Code, record: &str) -> &'a Finding {
    let found: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.code == code && f.record.as_ref().is_some_and(|r| r.as_str() == record))
        .collect();
    assert_eq!(found.len(), 1, "{code} on {record}: {:#?}", codes(findings));
    found[0]
}

#[test]
fn the_example_case_has_the_findings_its_story_was_built_for() {
    let f = example();
    // The verbal refusal: no prior written notice for 74 days.
    let verbal = one(&f, Code::RefusalWithoutPwn, "ttna5necv1");
    assert_eq!(
        verbal.severity,
        Severity::Error,
        "notice 74 days later is not notice before"
    );
    assert!(
        verbal.message.contains("by phone, not in writing"),
        "{}",
        verbal.message
    );
    assert!(
        verbal.message.contains("74 days later"),
        "{}",
        verbal.message
    );
    assert_eq!(verbal.cite.as_deref(), Some("34 CFR 300.503(a)"));
    one(&f, Code::RefusalWithoutPwn, "9brrgkeehy");
    one(&f, Code::RefusalWithoutPwn, "3sz3kgt8mz");
    // The PWN missing two elements.
    let pwn = one(&f, Code::PwnMissingElements, "dh41vwehjt");
    assert!(
        pwn.message.contains("leaves out 2 of the 7"),
        "{}",
        pwn.message
    );
    assert!(pwn.message.contains("(5) sources") && pwn.message.contains("(6) other options"));
    // A facilitation request and a state complaint about this notice came after it: the
    // next step is the rung above them, not another request for notice.
    assert_eq!(
        pwn.next_step.as_deref(),
        Some("iepcase letter due-process-complaint --for dh41vwehjt")
    );
    assert!(
        pwn.message
            .contains("Already on file: a request for facilitation (2026-03-31), a state complaint (2026-08-24)."),
        "{}",
        pwn.message
    );
    // The recording notice sent 20 hours before the meeting.
    let notice = one(&f, Code::RecordingNoticeLate, "34xzsxz6r9");
    assert!(
        notice.message.contains("about 20 hours"),
        "{}",
        notice.message
    );
    assert_eq!(notice.confidence, Some(Confidence::Secondary));
    // Three refusals of the accommodation request, with the ladder.
    let ladder = one(&f, Code::RepeatedRefusals, "6zcyhq27et");
    assert!(
        ladder.message.contains("an accommodation 3 times"),
        "{}",
        ladder.message
    );
    assert!(ladder.message.contains("facilitated IEP meeting"));
    // Missed speech minutes, each period.
    for log in ["70s0jsqma2", "5cb97ge6zj", "rb6aa57m7b"] {
        assert_eq!(
            one(&f, Code::ServiceMinutesShort, log).severity,
            Severity::Error
        );
    }
    let last = one(&f, Code::ServiceMinutesShort, "rb6aa57m7b");
    assert!(
        last.message
            .contains("Missed so far: 360 minutes over 3 periods"),
        "{}",
        last.message
    );
    // The annual review due December 8, within 30 days, with the meeting scheduled that day.
    let review = one(&f, Code::AnnualReviewDue, "x760srq3ep");
    assert_eq!(review.severity, Severity::Info);
    assert!(
        review.message.contains("2026-12-08 (in 10 days)"),
        "{}",
        review.message
    );
    assert_eq!(review.next_step.as_deref(), Some("iepcase prep m8ptc2wq4e"));
    // A complaint issue older than one year.
    let old = one(&f, Code::ComplaintIssueTooOld, "d8e0kv4ezp");
    assert!(
        old.message.starts_with("Issue 3 of the state complaint"),
        "{}",
        old.message
    );
    assert!(old.message.contains("2025-03-14, before 2025-08-26"));
    // The hearing disclosure date.
    let disclosure = one(&f, Code::HearingDisclosure, "c66af4k3q3");
    assert!(
        disclosure.message.contains("by 2027-01-19"),
        "{}",
        disclosure.message
    );
    assert!(
        disclosure
            .message
            .contains("plan ahead: 2027-01-18 is Martin Luther King Jr. Day"),
        "{}",
        disclosure.message
    );
    assert_eq!(disclosure.severity, Severity::Info);
    // The IEE request, unanswered for six months.
    let iee = one(&f, Code::RequestUnanswered, "9gpqec30et");
    assert_eq!(iee.cite.as_deref(), Some("34 CFR 300.502(b)(2)"));
    // Errors first.
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(f.last().unwrap().severity, Severity::Info);
}

#[test]
fn a_refusal_with_no_notice_at_all_is_an_error() {
    let request = rec(
        "q000000001",
        "kind = \"request\"\ndate = 2026-01-08\ntype = \"service\"",
    );
    let refusal = rec(
        "r000000001",
        "kind = \"refusal\"\ndate = 2026-01-12\nrefuses = \"q000000001\"\nvia = \"email\"\n\
         what = \"Speech twice a week\"",
    );
    let f = run("US", &[request.clone(), refusal.clone()]);
    let finding = one(&f, Code::RefusalWithoutPwn, "r000000001");
    assert_eq!(finding.severity, Severity::Error);
    assert!(finding.message.starts_with(
        "The district refused speech twice a week on 2026-01-12 by e-mail, and no prior"
    ));
    assert_eq!(
        finding.next_step.as_deref(),
        Some("iepcase letter pwn-request --for r000000001")
    );
    // A refusal made by prior written notice, with every element, gives nothing.
    let proper = rec(
        "r000000002",
        "kind = \"refusal\"\ndate = 2026-01-12\nrefuses = \"q000000001\"\nvia = \"pwn\"",
    );
    let full_pwn = rec(
        "p000000001",
        "kind = \"pwn\"\ndate = 2026-01-12\naction = \"refuse\"\ndescription = \"d\"\n\
         explanation = \"e\"\nevaluations_used = \"x\"\nsafeguards_statement = true\n\
         help_sources = \"h\"\noptions_considered = \"o\"\nother_factors = \"f\"",
    );
    assert!(run("US", &[request, proper, full_pwn]).is_empty());
    // Within the first days it is only a note.
    let recent = Date::new(2026, 1, 14).unwrap();
    let meta = parse_case_meta("child = \"A\"\n", "m").unwrap();
    let f = run_with("US", &meta, &[refusal], recent);
    assert_eq!(
        one(&f, Code::RefusalWithoutPwn, "r000000001").severity,
        Severity::Info
    );
}

#[test]
fn repeated_refusals_with_notice_point_to_facilitation() {
    let mut records = vec![rec(
        "q000000002",
        "kind = \"request\"\ndate = 2026-01-08\ntype = \"placement\"",
    )];
    for (i, date) in ["2026-01-12", "2026-02-12", "2026-03-12"]
        .iter()
        .enumerate()
    {
        records.push(rec(
            &format!("r00000001{i}"),
            &format!("kind = \"refusal\"\ndate = {date}\nrefuses = \"q000000002\"\nvia = \"pwn\""),
        ));
    }
    let f = run("US", &records);
    let ladder = one(&f, Code::RepeatedRefusals, "q000000002");
    assert!(
        ladder.message.contains("a placement 3 times"),
        "{}",
        ladder.message
    );
    assert_eq!(
        ladder.next_step.as_deref(),
        Some("iepcase letter facilitation-request --for q000000002")
    );
    records.pop();
    assert!(
        run("US", &records)
            .iter()
            .all(|f| f.code != Code::RepeatedRefusals),
        "two is not yet a pattern"
    );
}

#[test]
fn repeated_refusals_without_notice_climb_the_ladder_to_the_bundle() {
    let mut records = vec![rec(
        "q000000002",
        "kind = \"request\"\ndate = 2026-01-08\ntype = \"placement\"",
    )];
    for (i, date) in ["2026-01-12", "2026-02-12", "2026-03-12"]
        .iter()
        .enumerate()
    {
        records.push(rec(
            &format!("r00000001{i}"),
            &format!(
                "kind = \"refusal\"\ndate = {date}\nrefuses = \"q000000002\"\nvia = \"verbal\""
            ),
        ));
    }
    let next = |records: &[crate::record::StoredRecord]| {
        one(&run("US", records), Code::RepeatedRefusals, "q000000002")
            .next_step
            .clone()
    };
    assert_eq!(
        next(&records).as_deref(),
        Some("iepcase letter pwn-request --for q000000002")
    );
    records.push(rec(
        "q000000009",
        "kind = \"request\"\ndate = 2026-03-20\ntype = \"pwn\"\nrelated = [\"q000000002\"]",
    ));
    assert_eq!(
        next(&records).as_deref(),
        Some("iepcase letter state-complaint --for q000000002")
    );
    records.push(rec(
        "c000000001",
        "kind = \"complaint\"\ndate = 2026-04-20\ntype = \"state-complaint\"",
    ));
    assert_eq!(
        next(&records).as_deref(),
        Some("iepcase letter due-process-complaint --for q000000002")
    );
    // Every rung taken: the next step is the hearing's evidence, not a list of deadlines.
    records.push(rec(
        "c000000002",
        "kind = \"complaint\"\ndate = 2026-06-20\ntype = \"due-process\"",
    ));
    assert_eq!(
        next(&records).as_deref(),
        Some("iepcase bundle --purpose due-process --out ~/bundles/due-process-q000000002")
    );
}

#[test]
fn requests_past_their_due_date() {
    let asked = rec(
        "q000000003",
        "kind = \"request\"\ndate = 2026-10-01\ntype = \"iep-meeting\"\nresponse_due = 2026-10-15",
    );
    let f = run("US", std::slice::from_ref(&asked));
    let finding = one(&f, Code::RequestUnanswered, "q000000003");
    assert_eq!(finding.severity, Severity::Warning);
    assert!(
        finding
            .message
            .contains("asked for an answer by 2026-10-15; none is on file (44 days late)"),
        "{}",
        finding.message
    );
    let answer = rec(
        "s000000001",
        "kind = \"response\"\ndate = 2026-10-10\nresponds_to = \"q000000003\"",
    );
    assert!(run("US", &[asked, answer]).is_empty());
    // A records request past 45 days is an error, from its rule.
    let records = rec(
        "q000000004",
        "kind = \"request\"\ndate = 2026-09-01\ntype = \"records\"",
    );
    let f = run("US", &[records]);
    let finding = one(&f, Code::RequestUnanswered, "q000000004");
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding.message.contains("was due 2026-10-16 (43 days ago)"),
        "{}",
        finding.message
    );
}

#[test]
fn a_request_answered_by_a_refusal_is_not_unanswered() {
    // A regression: the refusal, in writing with notice, answers the request.
    let records = [
        rec(
            "q000000001",
            "kind = \"request\"\ndate = 2026-09-01\ntype = \"evaluation\"",
        ),
        rec(
            "r000000001",
            "kind = \"refusal\"\ndate = 2026-09-05\nrefuses = \"q000000001\"\nvia = \"pwn\"\nin_writing = true",
        ),
    ];
    let findings = run("MS", &records);
    assert!(
        !findings.iter().any(|f| f.code == Code::RequestUnanswered),
        "{:?}",
        codes(&findings)
    );
}

#[test]
fn other_overdue_deadlines() {
    let consent = rec(
        "c000000001",
        "kind = \"consent\"\ndate = 2026-08-01\nscope = \"initial-evaluation\"\ndecision = \"given\"",
    );
    let f = run("US", &[consent]);
    let finding = one(&f, Code::DeadlineOverdue, "c000000001");
    assert!(
        finding
            .message
            .starts_with("Initial evaluation completed (60 days from consent): due 2026-09-30"),
        "{}",
        finding.message
    );
    assert_eq!(
        finding.next_step.as_deref(),
        Some("iepcase letter state-complaint --for c000000001")
    );
}

#[test]
fn service_minutes_are_summed_per_service_and_period() {
    let log = |id: &str, service: &str, scheduled: u32, delivered: u32| {
        rec(
            id,
            &format!(
                "kind = \"service-log\"\ndate = 2026-10-30\nservice = \"{service}\"\n\
                 period_start = 2026-10-01\nperiod_end = 2026-10-30\n\
                 scheduled_minutes = {scheduled}\ndelivered_minutes = {delivered}"
            ),
        )
    };
    // Two providers' logs for one period: 120 + 120 scheduled, 120 + 60 delivered.
    let f = run(
        "US",
        &[
            log("g000000001", "OT", 120, 120),
            log("g000000002", "ot ", 120, 60),
        ],
    );
    let finding = one(&f, Code::ServiceMinutesShort, "g000000001");
    assert!(
        finding
            .message
            .contains("180 of 240 scheduled minutes delivered (60 missed, 25%)"),
        "{}",
        finding.message
    );
    assert!(run("US", &[log("g000000003", "OT", 120, 120)]).is_empty());
}

#[test]
fn a_scheduled_meeting_answers_the_annual_review_only_if_in_time() {
    let iep = rec(
        "a000000001",
        "kind = \"iep\"\ndate = 2025-12-20\nstatus = \"final\"",
    );
    let meeting = |date: &str| {
        rec(
            "m000000001",
            &format!("kind = \"meeting\"\ndate = {date}\ntype = \"iep\""),
        )
    };
    // Due December 20; a meeting on December 15 is in time: a note, and prepare for it.
    let f = run("US", &[iep.clone(), meeting("2026-12-15")]);
    let review = one(&f, Code::AnnualReviewDue, "a000000001");
    assert_eq!(review.severity, Severity::Info);
    assert_eq!(review.next_step.as_deref(), Some("iepcase prep m000000001"));
    // One on January 10 is too late: still a warning, asking for an earlier date.
    let f = run("US", &[iep, meeting("2027-01-10")]);
    let review = one(&f, Code::AnnualReviewDue, "a000000001");
    assert_eq!(review.severity, Severity::Warning);
    assert!(
        review
            .message
            .contains("scheduled for 2027-01-10, after the due date"),
        "{}",
        review.message
    );
    assert_eq!(
        review.next_step.as_deref(),
        Some("iepcase letter iep-meeting-request --for a000000001")
    );
}

#[test]
fn reviews_due_soon_or_overdue() {
    let iep = rec(
        "a000000001",
        "kind = \"iep\"\ndate = 2025-11-01\nstatus = \"final\"",
    );
    let f = run("US", &[iep]);
    let review = one(&f, Code::AnnualReviewDue, "a000000001");
    assert_eq!(review.severity, Severity::Error);
    assert!(
        review.message.contains("was due 2026-10-31 (28 days ago)"),
        "{}",
        review.message
    );
    let eval = rec(
        "e000000001",
        "kind = \"evaluation\"\ndate = 2024-01-15\ntype = \"reevaluation\"",
    );
    let f = run("US", &[eval]);
    let reeval = one(&f, Code::ReevaluationDue, "e000000001");
    assert_eq!(reeval.severity, Severity::Warning);
    assert!(
        reeval.message.contains("is due by 2027-01-14 (in 47 days)"),
        "{}",
        reeval.message
    );
    let far = rec(
        "e000000002",
        "kind = \"evaluation\"\ndate = 2026-01-15\ntype = \"reevaluation\"",
    );
    assert!(run("US", &[far]).is_empty());
}

#[test]
fn recording_notices_without_times_and_recorded_meetings_without_notice() {
    let notice = rec(
        "n000000001",
        "kind = \"notice\"\ndate = 2026-03-24\ntype = \"recording\"\nmeeting_date = 2026-03-24",
    );
    let f = run("MS", &[notice]);
    let message = &one(&f, Code::RecordingNoticeLate, "n000000001").message;
    assert!(message.contains("sent on 2026-03-24"), "{message}");
    assert!(
        message.contains("less than 24 hours before") && !message.contains("about"),
        "no made-up hours without times: {message}"
    );
    let day_before = rec(
        "n000000002",
        "kind = \"notice\"\ndate = 2026-03-23\ntype = \"recording\"\nmeeting_date = 2026-03-24",
    );
    assert!(
        run("MS", std::slice::from_ref(&day_before)).is_empty(),
        "a day ahead without times is given the benefit of the doubt"
    );
    assert!(
        run("TX", &[day_before]).is_empty(),
        "Texas has no recording rule"
    );
    let meeting = rec(
        "m000000001",
        "kind = \"meeting\"\ndate = 2026-03-24\ntype = \"iep\"\nrecorded = true",
    );
    let f = run("MS", &[meeting]);
    assert!(
        one(&f, Code::RecordingNoticeLate, "m000000001")
            .message
            .contains("no notice of intent to record")
    );
}

#[test]
fn disclosure_within_two_weeks_is_a_warning() {
    let hearing = rec(
        "h000000001",
        "kind = \"meeting\"\ndate = 2026-12-10\ntype = \"hearing\"",
    );
    let f = run("US", &[hearing]);
    let finding = one(&f, Code::HearingDisclosure, "h000000001");
    // December 10 (Thursday) back: 9, 8, 7, 4, 3.
    assert!(
        finding.message.contains("by 2026-12-03"),
        "{}",
        finding.message
    );
    assert_eq!(finding.severity, Severity::Warning);
    // Not a relative folder: run inside a case folder, where users select their case,
    // `--out hearing-bundle` is refused (bundles never go into cases/).
    assert_eq!(
        finding.next_step.as_deref(),
        Some("iepcase bundle --purpose due-process --out ~/bundles/due-process-h000000001")
    );
}

#[test]
fn every_code_has_a_description() {
    for code in Code::ALL {
        assert!(!code.describe().is_empty());
    }
}

#[test]
fn synthetic_cases_run_through_every_rule_set_without_panicking() {
    for seed in 1..6u64 {
        let records: Vec<StoredRecord> = crate::synth::Synth::new(seed)
            .records(120)
            .into_iter()
            .map(|(id, text)| StoredRecord {
                record: parse_record(&text, "synthetic").unwrap(),
                text,
                id,
            })
            .collect();
        let meta = parse_case_meta(crate::example::meta(), "example").unwrap();
        for state in ["US", "MS", "TX"] {
            let findings = run_with(state, &meta, &records, TODAY);
            assert!(findings.iter().all(|f| !f.message.is_empty()));
        }
    }
}

#[test]
fn an_iep_without_a_status_is_flagged_because_it_starts_no_clock() {
    let ieps = [
        rec("aaaaaaaaaa", "kind = \"iep\"\ndate = 2025-10-01"),
        rec(
            "bbbbbbbbbb",
            "kind = \"iep\"\ndate = 2025-10-01\nstatus = \"final\"",
        ),
    ];
    let f = run("MS", &ieps);
    let missing = one(&f, Code::IepStatusMissing, "aaaaaaaaaa");
    assert_eq!(missing.severity, Severity::Warning);
    assert!(
        missing.message.contains("2025-10-01"),
        "{}",
        missing.message
    );
    assert_eq!(
        missing.next_step.as_deref(),
        Some("iepcase edit aaaaaaaaaa --set status=final")
    );
    assert!(
        !f.iter().any(|x| x.code == Code::IepStatusMissing
            && x.record.as_ref().unwrap().as_str() == "bbbbbbbbbb"),
        "a final IEP is not flagged"
    );
}

#[test]
fn an_answer_iepcase_cannot_link_keeps_any_request_from_being_called_unanswered() {
    // The response names no request and shares no words with it: iepcase cannot say it
    // answers the request, nor claim that nothing does.
    let request = rec(
        "q000000007",
        "kind = \"request\"\ndate = 2026-10-01\ntype = \"iep-meeting\"\nresponse_due = 2026-10-15",
    );
    let answer = rec("s000000007", "kind = \"response\"\ndate = 2026-10-10");
    let f = run("US", &[request.clone(), answer]);
    assert!(
        !f.iter().any(|x| x.code == Code::RequestUnanswered),
        "{:?}",
        codes(&f)
    );
    let unlinked = one(&f, Code::RecordUnlinked, "s000000007");
    assert_eq!(unlinked.severity, Severity::Warning);
    assert!(
        unlinked.message.contains("q000000007")
            && unlinked.message.contains("calls none of them unanswered"),
        "{}",
        unlinked.message
    );
    assert_eq!(
        unlinked.next_step.as_deref(),
        Some("iepcase edit s000000007 --set responds_to=q000000007")
    );
    // Without the response, the request is unanswered.
    let f = run("US", &[request]);
    one(&f, Code::RequestUnanswered, "q000000007");
}

#[test]
fn a_finding_names_only_the_latest_steps_of_a_long_case() {
    let mut records = vec![
        rec(
            "q000000001",
            "kind = \"request\"\ndate = 2025-01-08\ntype = \"service\"",
        ),
        rec(
            "r000000001",
            "kind = \"refusal\"\ndate = 2025-01-12\nrefuses = \"q000000001\"\nvia = \"email\"\n\
             what = \"Speech twice a week\"",
        ),
    ];
    // Twelve requests for facilitation over the following months, each on file for every
    // matter of the case.
    for n in 1..=12 {
        records.push(rec(
            &format!("f0000000{n:02}"),
            &format!("kind = \"request\"\ndate = 2025-{n:02}-20\ntype = \"facilitation\""),
        ));
    }
    let f = run("US", &records);
    let message = &one(&f, Code::RefusalWithoutPwn, "r000000001").message;
    assert!(
        message.contains(
            "Already on file: 12 steps; the latest: a request for facilitation (2025-05-20), "
        ),
        "{message}"
    );
    assert!(
        message.ends_with("a request for facilitation (2025-12-20)."),
        "{message}"
    );
    assert_eq!(message.matches("a request for facilitation").count(), 8);
}

#[test]
fn an_unlinked_record_names_the_five_likeliest_records_and_counts_the_rest() {
    let mut records: Vec<StoredRecord> = (1..=7)
        .map(|n| {
            rec(
                &format!("c00000000{n}"),
                &format!(
                    "kind = \"complaint\"\ndate = 2026-0{n}-02\ntype = \"state-complaint\"\n\
                     [[issues]]\ntext = \"Issue {n}\""
                ),
            )
        })
        .collect();
    records.push(rec(
        "d000000001",
        "kind = \"decision\"\ndate = 2026-09-01\ntype = \"complaint-findings\"",
    ));
    let f = run("US", &records);
    let message = &one(&f, Code::RecordUnlinked, "d000000001").message;
    assert_eq!(
        message.matches("(complaint of 2026-").count(),
        5,
        "{message}"
    );
    assert!(
        message.contains("c000000007 (complaint of 2026-07-02"),
        "the latest first: {message}"
    );
    assert!(
        message.contains("or one of 2 more records of the same kind on file."),
        "{message}"
    );
}

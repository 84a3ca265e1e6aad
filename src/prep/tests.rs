use super::*;
use crate::record::{RecordId, parse_case_meta, parse_record};
use crate::rules::Rulebook;

fn stored(id: &str, text: &str) -> StoredRecord {
    StoredRecord {
        id: RecordId::parse(id).unwrap(),
        record: parse_record(text, id).unwrap(),
        text: text.to_owned(),
    }
}

fn meeting(id: &str, date: &str, extra: &str) -> StoredRecord {
    stored(
        id,
        &format!(
            "kind = \"meeting\"\ndate = {date}\ntitle = \"IEP meeting\"\ntype = \"iep\"\n{extra}"
        ),
    )
}

fn with_case<T>(
    records: &[StoredRecord],
    state: Option<&str>,
    f: impl FnOnce(&Case<'_>) -> T,
) -> T {
    let book = Rulebook::builtin().unwrap();
    let meta_text = match state {
        Some(s) => format!("child = \"Sam Doe\"\nstate = \"{s}\"\n"),
        None => "child = \"Sam Doe\"\n".to_owned(),
    };
    let meta = parse_case_meta(&meta_text, "case").unwrap();
    let rules = book.select(state).set;
    let case = Case {
        records,
        inference: None,
        meta: &meta,
        rules,
        now: jiff::civil::date(2026, 11, 30).at(10, 0, 0, 0),
    };
    f(&case)
}

#[test]
fn the_next_meeting_is_the_soonest_still_ahead() {
    let records = vec![
        meeting("aaaaaaaaaa", "2026-12-20", ""),
        meeting("bbbbbbbbbb", "2026-11-30\ntime = 09:00:00", ""),
        meeting("cccccccccc", "2026-12-08", ""),
        meeting("dddddddddd", "2026-11-01", ""),
    ];
    with_case(&records, None, |case| {
        // The meeting this morning has started; the one of December 8 is next.
        let list = prepare(case, None).unwrap();
        assert_eq!(list.meeting.id, "cccccccccc");
        assert_eq!(list.meeting.days_left, 8);
        assert_eq!(list.items.len(), 6);
        let keys: Vec<&str> = list.items.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "drafts",
                "parent-concerns",
                "recording-notice",
                "asks",
                "ladder",
                "bring"
            ]
        );
        // Within three weeks: both meetings still ahead.
        let within: Vec<String> = prepare_within(case, 21)
            .into_iter()
            .map(|l| l.meeting.id)
            .collect();
        assert_eq!(within, ["cccccccccc", "aaaaaaaaaa"]);
    });
}

#[test]
fn a_meeting_is_named_by_a_unique_prefix_and_must_be_ahead() {
    let records = vec![
        meeting("ab00000000", "2026-12-08", ""),
        meeting("ab11111111", "2026-11-02", ""),
        stored(
            "cd00000000",
            "kind = \"note\"\ndate = 2026-11-01\ntitle = \"n\"\n",
        ),
    ];
    with_case(&records, None, |case| {
        assert!(matches!(
            prepare(case, Some("ab")),
            Err(PrepError::Ambiguous { .. })
        ));
        assert!(matches!(
            prepare(case, Some("zz")),
            Err(PrepError::NoSuch(_))
        ));
        let err = prepare(case, Some("cd")).unwrap_err();
        assert_eq!(err.to_string(), "cd00000000 is a note, not a meeting");
        let err = prepare(case, Some("ab1")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the meeting ab11111111 on 2026-11-02 has already taken place"
        );
        assert_eq!(prepare(case, Some("ab0")).unwrap().meeting.id, "ab00000000");
    });
    with_case(&records[1..], None, |case| {
        assert!(matches!(prepare(case, None), Err(PrepError::NoneUpcoming)));
        assert!(prepare_within(case, 14).is_empty());
    });
}

#[test]
fn a_step_taken_for_the_previous_meeting_is_not_taken_for_this_one() {
    // A request for drafts before a facilitated meeting in October does not count for the
    // December meeting of the same team; one linked to the December meeting does, whenever
    // it was sent.
    let old_request = stored(
        "r000000000",
        "kind = \"request\"\ndate = 2026-10-01\ntitle = \"drafts please\"\ntype = \"draft-documents\"\n",
    );
    let facilitated = stored(
        "f000000000",
        "kind = \"meeting\"\ndate = 2026-10-20\ntitle = \"Facilitated\"\ntype = \"facilitated-iep\"\n",
    );
    let next = meeting("m000000000", "2026-12-08", "");
    let records = vec![old_request.clone(), facilitated.clone(), next.clone()];
    with_case(&records, None, |case| {
        let list = prepare(case, None).unwrap();
        let drafts = list.item(ItemKey::Drafts).unwrap();
        assert_eq!(drafts.status, ItemStatus::Todo, "{drafts:?}");
        assert_eq!(drafts.due.unwrap().to_string(), "2026-12-01");
        assert_eq!(
            drafts.next_step.as_deref(),
            Some("iepcase letter draft-documents-request --for m000000000")
        );
        assert_eq!(drafts.confidence, Some(Confidence::Default));
    });
    let linked = stored(
        "r000000000",
        "kind = \"request\"\ndate = 2026-10-01\ntitle = \"drafts please\"\ntype = \"draft-documents\"\nrelated = [\"m000000000\"]\n",
    );
    let records = vec![linked, facilitated, next];
    with_case(&records, None, |case| {
        let list = prepare(case, None).unwrap();
        let drafts = list.item(ItemKey::Drafts).unwrap();
        assert_eq!(drafts.status, ItemStatus::Done, "{drafts:?}");
        assert_eq!(drafts.evidence, ["r000000000"]);
        assert!(drafts.next_step.is_none());
    });
}

#[test]
fn the_recording_notice_follows_the_state_rule_or_has_no_date() {
    let records = vec![meeting(
        "m000000000",
        "2026-12-08\ntime = 09:00:00",
        "recorded = true\n",
    )];
    with_case(&records, Some("MS"), |case| {
        let item = prepare(case, None).unwrap().items[2].clone();
        assert_eq!(item.key, ItemKey::RecordingNotice);
        assert_eq!(item.status, ItemStatus::Todo);
        assert_eq!(item.due.unwrap().to_string(), "2026-12-07");
        assert_eq!(item.due_time.unwrap().to_string(), "09:00");
        assert_eq!(item.confidence, Some(Confidence::Secondary));
    });
    with_case(&records, None, |case| {
        let item = prepare(case, None).unwrap().items[2].clone();
        assert_eq!(item.status, ItemStatus::Todo);
        assert!(item.due.is_none());
        assert!(item.detail.contains("no notice period"), "{}", item.detail);
        assert_eq!(
            item.next_step.as_deref(),
            Some("iepcase letter recording-notice --for m000000000")
        );
    });
    let unrecorded = vec![meeting("m000000000", "2026-12-08", "")];
    with_case(&unrecorded, Some("MS"), |case| {
        let item = prepare(case, None).unwrap().items[2].clone();
        assert_eq!(item.status, ItemStatus::NotNeeded);
        assert!(
            item.detail.contains("--set recorded=true"),
            "{}",
            item.detail
        );
    });
}

#[test]
fn changes_in_a_draft_become_sentences_a_family_can_edit() {
    let change = |section: &str, op: Op, item: &str, field: Option<&str>, b: &str, a: &str| {
        let value = |s: &str| (!s.is_empty()).then(|| serde_json::Value::String(s.into()));
        let mut c = Change::new(section, op)
            .item(item)
            .values(value(b), value(a));
        if let Some(f) = field {
            c = c.field(f);
        }
        change_sentence(&c)
    };
    assert_eq!(
        change(
            "services",
            Op::Changed,
            "Speech",
            Some("minutes"),
            "60 min/week",
            "30 min/week"
        )
        .unwrap(),
        "The draft changes Speech from 60 min/week to 30 min/week: ask the team for the data \
         behind the change, or to keep 60 min/week."
    );
    assert_eq!(
        change("goals", Op::Added, "R3", None, "", "").unwrap(),
        "The draft adds the R3 goal: ask for its baseline data point and how progress will be \
         measured."
    );
    assert_eq!(
        change("services", Op::Removed, "OT consult", None, "", "").unwrap(),
        "The draft drops OT consult: ask the team to keep it, or for the data behind ending it."
    );
    assert_eq!(
        change(
            "fields",
            Op::Removed,
            "",
            Some("accommodations"),
            "Guided notes",
            ""
        )
        .unwrap(),
        "The draft removes the accommodation \u{201c}Guided notes\u{201d}: ask the team to keep it."
    );
    // Dates a new IEP always changes say nothing worth asking.
    assert!(
        change(
            "services",
            Op::Changed,
            "Speech",
            Some("start"),
            "2025-12-01",
            "2026-12-09"
        )
        .is_none()
    );
    assert!(change("fields", Op::Changed, "", Some("review_by"), "a", "b").is_none());
}

#[test]
fn words_read_naturally() {
    assert_eq!(
        lower_first("Speech-language therapy"),
        "speech-language therapy"
    );
    assert_eq!(
        lower_first("IEE at public expense"),
        "IEE at public expense"
    );
    assert_eq!(in_days(1), "tomorrow");
    assert_eq!(in_days(-2), "2 days ago");
    assert_eq!(short(&"word ".repeat(40)).chars().count(), 78);
}

#[test]
fn the_checklist_typesets_with_its_headings() {
    // Headings once failed to typeset in the letter template (its loop variable hid Typst's
    // `block` function).
    let date = Date::new(2026, 11, 28).unwrap();
    let pdf = to_pdf(
        "# Before the meeting\n\n## 1. Drafts (done)\n\nDone.\n",
        "A",
        date,
    );
    assert!(pdf.is_ok_and(|bytes| bytes.starts_with(b"%PDF")));
}

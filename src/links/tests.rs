//! Links inferred on the example case written without any, and the cases where nothing may
//! be guessed.

use super::*;
use crate::record::parse_record;

fn rec(id: &str, toml: &str) -> StoredRecord {
    let text = format!("title = \"t\"\n{toml}\n");
    StoredRecord {
        id: RecordId::parse(id).unwrap(),
        record: parse_record(&text, id).unwrap_or_else(|e| panic!("{}", e.render())),
        text,
    }
}

/// A record with its own title.
fn titled(id: &str, title: &str, toml: &str) -> StoredRecord {
    let text = format!("title = \"{title}\"\n{toml}\n");
    StoredRecord {
        id: RecordId::parse(id).unwrap(),
        record: parse_record(&text, id).unwrap_or_else(|e| panic!("{}", e.render())),
        text,
    }
}

/// The example case as a family would write it: no `refuses`, `responds_to`, `meeting` or
/// `related`.
fn example_without_links() -> Vec<StoredRecord> {
    crate::example::records()
        .into_iter()
        .map(|r| {
            let text: String = r
                .text
                .lines()
                .filter(|line| {
                    !["refuses =", "responds_to =", "meeting = \"", "related ="]
                        .iter()
                        .any(|p| line.starts_with(p))
                })
                .map(|line| format!("{line}\n"))
                .collect();
            StoredRecord {
                record: parse_record(&text, r.id.as_str()).unwrap(),
                text,
                id: r.id,
            }
        })
        .collect()
}

fn inferred(linked: &Linked, id: &str) -> Vec<(LinkField, String)> {
    linked
        .inferred(&RecordId::parse(id).unwrap())
        .iter()
        .map(|l| (l.field, l.target.to_string()))
        .collect()
}

fn root(linked: &Linked, id: &str) -> Option<String> {
    linked
        .root(&RecordId::parse(id).unwrap())
        .map(|r| r.to_string())
}

#[test]
fn the_example_without_links_gets_the_links_its_author_wrote() {
    let linked = link(&example_without_links());
    let refuses = |id| inferred(&linked, id);
    // All three refusals of text-to-speech refuse the one written request.
    for refusal in ["ttna5necv1", "9brrgkeehy", "3sz3kgt8mz"] {
        assert_eq!(
            refuses(refusal),
            [(LinkField::Refuses, "6zcyhq27et".to_owned())],
            "{refusal}"
        );
    }
    // The district's answers find the requests they answer.
    assert_eq!(
        inferred(&linked, "bk6hdw5ap0"),
        [(LinkField::RespondsTo, "magp6cte8k".to_owned())]
    );
    assert_eq!(
        inferred(&linked, "pzp95psfws"),
        [(LinkField::RespondsTo, "m3svx32vyb".to_owned())]
    );
    // The findings answer the state complaint; the recording notice names its meeting.
    assert_eq!(
        inferred(&linked, "vfr7t24z7v"),
        [(LinkField::RespondsTo, "d8e0kv4ezp".to_owned())]
    );
    assert_eq!(
        inferred(&linked, "34xzsxz6r9"),
        [(LinkField::Meeting, "d8fvew8njd".to_owned())]
    );
    // The prior written notice answers the request for notice about text-to-speech, so it is
    // about the same request as the three refusals.
    assert_eq!(
        inferred(&linked, "dh41vwehjt"),
        [(LinkField::RespondsTo, "e6ddrtsy3q".to_owned())]
    );
    // The request for notice asks about the refusals so far: the latest of them.
    assert_eq!(
        linked
            .about(&RecordId::parse("e6ddrtsy3q").unwrap())
            .map(|r| r.as_str()),
        Some("9brrgkeehy")
    );
    for id in ["dh41vwehjt", "e6ddrtsy3q", "3sz3kgt8mz", "6zcyhq27et"] {
        assert_eq!(root(&linked, id).as_deref(), Some("6zcyhq27et"), "{id}");
    }
    assert!(linked.unlinked.is_empty(), "{:#?}", linked.unlinked);
    // The records carry the links; the stored text does not change.
    let refusal = linked.get("ttna5necv1").unwrap();
    assert!(matches!(&refusal.record.body, Body::Refusal(r)
        if r.refuses.as_ref().is_some_and(|t| t.0 == "6zcyhq27et")));
    assert!(!refusal.text.contains("refuses"));
}

#[test]
fn explicit_links_win_and_are_not_reported_as_inferred() {
    let linked = link(
        &crate::example::records()
            .into_iter()
            .map(|r| StoredRecord {
                record: parse_record(r.text, r.id.as_str()).unwrap(),
                text: r.text.to_owned(),
                id: r.id,
            })
            .collect::<Vec<_>>(),
    );
    assert!(inferred(&linked, "ttna5necv1").is_empty());
    assert!(inferred(&linked, "dh41vwehjt").is_empty());
    assert_eq!(root(&linked, "dh41vwehjt").as_deref(), Some("6zcyhq27et"));
}

#[test]
fn a_refusal_refuses_the_latest_request_no_refusal_answers_yet() {
    let records = [
        titled(
            "q000000001",
            "Request for text-to-speech",
            "kind = \"request\"\ndate = 2026-01-08\ntype = \"accommodation\"",
        ),
        titled(
            "r000000001",
            "No text-to-speech",
            "kind = \"refusal\"\ndate = 2026-01-12",
        ),
        titled(
            "q000000002",
            "Asking again for text-to-speech",
            "kind = \"request\"\ndate = 2026-02-01\ntype = \"accommodation\"",
        ),
        titled(
            "r000000002",
            "Text-to-speech refused again",
            "kind = \"refusal\"\ndate = 2026-02-05",
        ),
        titled(
            "r000000003",
            "Third no to text-to-speech",
            "kind = \"refusal\"\ndate = 2026-03-05",
        ),
    ];
    let linked = link(&records);
    assert_eq!(
        inferred(&linked, "r000000001"),
        [(LinkField::Refuses, "q000000001".to_owned())]
    );
    assert_eq!(
        inferred(&linked, "r000000002"),
        [(LinkField::Refuses, "q000000002".to_owned())],
        "the request not yet refused"
    );
    assert_eq!(
        inferred(&linked, "r000000003"),
        [(LinkField::Refuses, "q000000002".to_owned())],
        "every request refused: the latest"
    );
}

#[test]
fn two_subjects_matching_alike_are_never_guessed() {
    let records = [
        titled(
            "q000000001",
            "Request for an evaluation",
            "kind = \"request\"\ndate = 2026-01-08\ntype = \"evaluation\"",
        ),
        titled(
            "q000000002",
            "Request for an independent evaluation",
            "kind = \"request\"\ndate = 2026-01-10\ntype = \"iee\"",
        ),
        titled(
            "r000000001",
            "The evaluation is refused",
            "kind = \"refusal\"\ndate = 2026-01-20",
        ),
    ];
    let linked = link(&records);
    assert!(inferred(&linked, "r000000001").is_empty());
    let unlinked = &linked.unlinked;
    assert_eq!(unlinked.len(), 1, "{unlinked:#?}");
    assert!(unlinked[0].ambiguous);
    assert_eq!(unlinked[0].field, LinkField::Refuses);
    let mut candidates: Vec<&str> = unlinked[0].candidates.iter().map(|c| c.as_str()).collect();
    candidates.sort();
    assert_eq!(candidates, ["q000000001", "q000000002"]);
}

#[test]
fn a_recording_notice_finds_its_meeting_by_date_and_time() {
    let notice = |time: &str| {
        rec(
            "n000000001",
            &format!(
                "kind = \"notice\"\ndate = 2026-03-20\ntype = \"recording\"\n\
                 meeting_date = 2026-03-24{time}"
            ),
        )
    };
    let morning = rec(
        "m000000001",
        "kind = \"meeting\"\ndate = 2026-03-24\ntime = 08:30:00\ntype = \"iep\"\nrecorded = true",
    );
    let afternoon = rec(
        "m000000002",
        "kind = \"meeting\"\ndate = 2026-03-24\ntime = 14:00:00\ntype = \"iep\"\nrecorded = true",
    );
    let both = [morning.clone(), afternoon.clone()];
    let timed = link(&[&both[..], &[notice("\nmeeting_time = 14:00:00")]].concat());
    assert_eq!(
        inferred(&timed, "n000000001"),
        [(LinkField::Meeting, "m000000002".to_owned())]
    );
    // Two recorded meetings that day and no time: a warning, no guess.
    let untimed = link(&[&both[..], &[notice("")]].concat());
    assert!(inferred(&untimed, "n000000001").is_empty());
    assert!(untimed.unlinked[0].ambiguous);
    // One meeting that day: it.
    let one = link(&[morning, notice("")]);
    assert_eq!(
        inferred(&one, "n000000001"),
        [(LinkField::Meeting, "m000000001".to_owned())]
    );
}

#[test]
fn a_decision_answers_the_one_open_complaint_of_its_kind() {
    let complaint = |id: &str, date: &str| {
        rec(
            id,
            &format!("kind = \"complaint\"\ndate = {date}\ntype = \"state-complaint\""),
        )
    };
    let findings = |id: &str, date: &str| {
        rec(
            id,
            &format!("kind = \"decision\"\ndate = {date}\ntype = \"complaint-findings\""),
        )
    };
    let linked = link(&[
        complaint("c000000001", "2026-01-05"),
        findings("d000000001", "2026-03-01"),
        complaint("c000000002", "2026-04-05"),
        findings("d000000002", "2026-06-01"),
    ]);
    assert_eq!(
        inferred(&linked, "d000000002"),
        [(LinkField::RespondsTo, "c000000002".to_owned())]
    );
    let two_open = link(&[
        complaint("c000000001", "2026-01-05"),
        complaint("c000000002", "2026-01-06"),
        findings("d000000001", "2026-03-01"),
    ]);
    assert!(two_open.unlinked[0].ambiguous);
}

#[test]
fn what_inference_found_reads_back_exactly_as_written() {
    let records = example_without_links();
    let found = infer(&records);
    assert!(!found.inferred.is_empty() && !found.roots.is_empty());
    let again = Inference::decode(&found.encode()).expect("reads back");
    assert_eq!(again, found);
    let linked = link_with(&records, again);
    let fresh = link(&records);
    for r in &records {
        assert_eq!(linked.inferred(&r.id), fresh.inferred(&r.id), "{}", r.id);
        assert_eq!(linked.root(&r.id), fresh.root(&r.id), "{}", r.id);
    }
    assert_eq!(linked.unlinked, fresh.unlinked);
}

#[test]
fn anything_but_encoded_inference_is_refused() {
    for text in [
        "x abcdefghjk\n",
        "i abcdefghjk refuses\n",
        "i abcdefghjk nonsense abcdefghjk\n",
        "r abcdefghjk not-an-id\n",
        "u abcdefghjk refuses 2 abcdefghjk\n",
        "r abcdefghjk abcdefghjk extra\n",
    ] {
        assert_eq!(Inference::decode(text), None, "{text:?}");
    }
}

#[test]
fn links_set_in_place_are_the_links_set_on_a_copy() {
    let records = example_without_links();
    let found = std::sync::Arc::new(infer(&records));
    let copied = link_with(&records, std::sync::Arc::clone(&found));
    let in_place = link_into(records.clone(), found);
    assert!(
        copied
            .records
            .iter()
            .zip(&records)
            .any(|(l, r)| l.record != r.record),
        "the example without links gets some links filled in"
    );
    assert_eq!(in_place.records.len(), copied.records.len());
    for (a, b) in in_place.records.iter().zip(&copied.records) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.record, b.record, "{}", a.id);
        assert_eq!(a.text, b.text, "the text as written is kept");
        assert_eq!(in_place.inferred(&a.id), copied.inferred(&b.id));
    }
    assert_eq!(in_place.unlinked, copied.unlinked);
}

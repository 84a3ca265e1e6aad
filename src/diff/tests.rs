use super::*;
use crate::record::parse_record;
use serde_json::json;

fn diff_texts(a: &str, b: &str) -> RecordDiff {
    let (ra, rb) = (parse_record(a, "a").unwrap(), parse_record(b, "b").unwrap());
    RecordDiff {
        from: "a".into(),
        to: "b".into(),
        changes: diff_records((a, &ra), (b, &rb)),
    }
}

fn iep(body: &str) -> String {
    format!("kind = \"iep\"\ndate = 2026-01-10\ntitle = \"IEP\"\n{body}")
}

fn ops(diff: &RecordDiff) -> Vec<(String, Option<String>, Option<String>, &'static str)> {
    diff.changes
        .iter()
        .map(|c| {
            (
                c.section.clone(),
                c.item.clone(),
                c.field.clone(),
                c.op.as_str(),
            )
        })
        .collect()
}

#[test]
fn identical_records_have_no_changes() {
    let text = iep("accommodations = [\"Extended time\"]\n");
    assert!(diff_texts(&text, &text).changes.is_empty());
}

#[test]
fn reordered_lists_and_goals_are_not_changes() {
    let a = iep(
        "accommodations = [\"A\", \"B\"]\n[[goals]]\nkey = \"R1\"\ntext = \"Read\"\n[[goals]]\nkey = \"M1\"\ntext = \"Add\"\n",
    );
    let b = iep(
        "accommodations = [\"B\", \"A\"]\n[[goals]]\nkey = \"M1\"\ntext = \"Add\"\n[[goals]]\nkey = \"R1\"\ntext = \"Read\"\n",
    );
    assert_eq!(ops(&diff_texts(&a, &b)), vec![]);
}

#[test]
fn accommodations_differing_only_in_case_or_spacing_are_the_same() {
    let a = iep("accommodations = [\"Graphic organizer for writing tasks\", \"Read-aloud\"]\n");
    let b =
        iep("accommodations = [\"Graphic  Organizer for Writing Tasks\", \"Text-to-speech\"]\n");
    assert_eq!(
        ops(&diff_texts(&a, &b)),
        vec![
            (
                "accommodations".into(),
                Some("Read-aloud".into()),
                None,
                "removed"
            ),
            (
                "accommodations".into(),
                Some("Text-to-speech".into()),
                None,
                "added"
            ),
        ]
    );
}

#[test]
fn goals_without_keys_match_by_area_then_text() {
    let a = iep(
        "[[goals]]\narea = \"Reading\"\ntext = \"Read 70 words correct per minute\"\n\
         [[goals]]\ntext = \"Write a five sentence paragraph with a topic sentence\"\n",
    );
    let b = iep(
        "[[goals]]\ntext = \"Write a six sentence paragraph with a topic sentence\"\n\
         [[goals]]\narea = \"Reading\"\ntext = \"Read 90 words correct per minute\"\n",
    );
    let diff = diff_texts(&a, &b);
    assert_eq!(
        ops(&diff),
        vec![
            (
                "goals".into(),
                Some("Reading".into()),
                Some("text".into()),
                "changed"
            ),
            (
                "goals".into(),
                Some("Write a five sentence paragraph with a topic sentence".into()),
                Some("text".into()),
                "changed"
            ),
        ]
    );
    let words = diff.changes[0].words.as_ref().unwrap();
    assert!(
        words
            .iter()
            .any(|s| s.kind == SegmentKind::Removed && s.text == "70")
    );
    assert!(
        words
            .iter()
            .any(|s| s.kind == SegmentKind::Added && s.text == "90")
    );
}

#[test]
fn a_renamed_goal_key_is_one_change_not_a_removal_and_an_addition() {
    let a = iep("[[goals]]\nkey = \"W1\"\narea = \"Writing\"\ntext = \"Write a paragraph\"\n");
    let b = iep("[[goals]]\nkey = \"W2\"\narea = \"Writing\"\ntext = \"Write a paragraph\"\n");
    let diff = diff_texts(&a, &b);
    assert_eq!(
        ops(&diff),
        vec![(
            "goals".into(),
            Some("W1".into()),
            Some("key".into()),
            "changed"
        )]
    );
}

#[test]
fn two_goals_in_one_area_pair_by_text() {
    let a = iep(
        "[[goals]]\narea = \"Math\"\ntext = \"Add fractions with like denominators\"\n\
         [[goals]]\narea = \"Math\"\ntext = \"Solve two-step word problems\"\n",
    );
    let b = iep(
        "[[goals]]\narea = \"Math\"\ntext = \"Solve two-step word problems with visuals\"\n\
         [[goals]]\narea = \"Math\"\ntext = \"Add fractions with unlike denominators\"\n",
    );
    let diff = diff_texts(&a, &b);
    let changes: Vec<(String, String)> = diff
        .changes
        .iter()
        .map(|c| {
            (
                c.before.clone().unwrap().as_str().unwrap().to_owned(),
                c.after.clone().unwrap().as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            (
                "Add fractions with like denominators".into(),
                "Add fractions with unlike denominators".into()
            ),
            (
                "Solve two-step word problems".into(),
                "Solve two-step word problems with visuals".into()
            ),
        ]
    );
}

#[test]
fn unrelated_goals_are_added_and_removed() {
    let a = iep("[[goals]]\nkey = \"R1\"\ntext = \"Read grade-level text fluently\"\n");
    let b = iep("[[goals]]\nkey = \"S1\"\ntext = \"Produce the /r/ sound in conversation\"\n");
    assert_eq!(
        ops(&diff_texts(&a, &b)),
        vec![
            ("goals".into(), Some("R1".into()), None, "removed"),
            ("goals".into(), Some("S1".into()), None, "added")
        ]
    );
}

#[test]
fn services_normalise_minutes_per_day_month_and_year() {
    assert_eq!(
        iep::describe_minutes(30, crate::record::Per::Week),
        "30 min/week"
    );
    assert_eq!(
        iep::describe_minutes(120, crate::record::Per::Month),
        "120 min/month (27.7 min/week)"
    );
    assert_eq!(
        iep::describe_minutes(20, crate::record::Per::Day),
        "20 min/day (100 min/week)"
    );
    assert_eq!(
        iep::describe_minutes(720, crate::record::Per::Year),
        "720 min/year (20 min/week)"
    );
    let a = iep(
        "[[services]]\nname = \"Speech-language therapy\"\nminutes = 30\nper = \"week\"\n\
         [[services]]\nname = \"OT consult\"\nminutes = 60\nper = \"month\"\n",
    );
    let b = iep(
        "[[services]]\nname = \"speech-language  therapy\"\nminutes = 60\nper = \"week\"\n\
         [[services]]\nname = \"OT consult\"\nminutes = 60\nper = \"month\"\n\
         [[services]]\nname = \"Counseling\"\nminutes = 20\nper = \"day\"\n",
    );
    let diff = diff_texts(&a, &b);
    assert_eq!(diff.changes.len(), 2, "{:?}", diff.changes);
    assert_eq!(diff.changes[0].before, Some(json!("30 min/week")));
    assert_eq!(diff.changes[0].after, Some(json!("60 min/week")));
    assert_eq!(
        diff.changes[1].after.as_ref().unwrap()["minutes_per_week"],
        json!(100.0)
    );
    let text = render::to_text(&diff);
    assert!(
        text.contains("services: Speech-language therapy: minutes: 30 min/week → 60 min/week"),
        "{text}"
    );
    assert!(
        text.contains("+ services: Counseling: 20 min/day (100 min/week)"),
        "{text}"
    );
}

#[test]
fn other_kinds_diff_field_by_field() {
    let a = "kind = \"request\"\ndate = 2026-03-04\ntitle = \"Asked\"\ntype = \"evaluation\"\ntags = [\"a\"]\n\
             [extra]\nnumber = 1\n";
    let b = "kind = \"request\"\ndate = 2026-03-05\ntitle = \"Asked\"\ntype = \"reevaluation\"\ntags = [\"a\", \"b\"]\n\
             body = \"Please evaluate.\"\n[extra]\nnumber = 2\n";
    assert_eq!(
        ops(&diff_texts(a, b)),
        vec![
            ("fields".into(), None, Some("date".into()), "changed"),
            ("fields".into(), None, Some("type".into()), "changed"),
            ("tags".into(), Some("b".into()), None, "added"),
            (
                "fields".into(),
                None,
                Some("extra.number".into()),
                "changed"
            ),
            ("fields".into(), None, Some("body".into()), "added"),
        ]
    );
}

#[test]
fn the_example_ieps_diff_as_a_parent_would_read_it() {
    let records = crate::example::records();
    let find = |id: &str| records.iter().find(|r| r.id.as_str() == id).unwrap().text;
    let (a, b) = (find("x760srq3ep"), find("0sahk8ww6n"));
    let diff = {
        let (ra, rb) = (parse_record(a, "a").unwrap(), parse_record(b, "b").unwrap());
        RecordDiff {
            from: "x760srq3ep".into(),
            to: "0sahk8ww6n".into(),
            changes: diff_records((a, &ra), (b, &rb)),
        }
    };
    let text = render::to_text(&diff);
    assert!(
        text.contains("services: Speech-language therapy: minutes: 30 min/week → 60 min/week"),
        "{text}"
    );
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("+ accommodations")
                && l.to_lowercase().contains("graphic organizer")),
        "an accommodation differing only in case is not a change: {text}"
    );
    insta::assert_snapshot!("example_iep_text", text);
    insta::assert_snapshot!("example_iep_markdown", render::to_markdown(&diff));
    insta::assert_json_snapshot!("example_iep_json", diff);
}

#[test]
fn markdown_escapes_record_text() {
    let a = "kind = \"note\"\ndate = 2026-01-01\ntitle = \"plain\"\n";
    let b = "kind = \"note\"\ndate = 2026-01-01\ntitle = \"*bold* [link](http://x)\"\n";
    let md = render::to_markdown(&diff_texts(a, b));
    assert!(md.contains(r"\*bold\* \[link\](http://x)"), "{md}");
}

#[test]
fn a_value_written_twice_in_a_set_is_one_item() {
    let a = iep("accommodations = [\"A\", \"a\", \"  A  \", \"B\"]\n");
    let b = iep("accommodations = [\"B\"]\n");
    assert_eq!(
        ops(&diff_texts(&a, &b)),
        vec![("accommodations".into(), Some("A".into()), None, "removed")]
    );
}

#[test]
fn two_services_of_one_name_pair_with_their_twins_not_by_order() {
    let a = iep(
        "[[services]]\nname = \"Speech\"\nminutes = 30\nper = \"week\"\nsetting = \"pull-out\"\n\
         [[services]]\nname = \"Speech\"\nminutes = 30\nper = \"week\"\nsetting = \"push-in\"\n",
    );
    // The pull-out session is dropped; the push-in one is unchanged but listed first.
    let b = iep(
        "[[services]]\nname = \"Speech\"\nminutes = 30\nper = \"week\"\nsetting = \"push-in\"\n",
    );
    let diff = diff_texts(&a, &b);
    assert_eq!(
        ops(&diff),
        vec![("services".into(), Some("Speech".into()), None, "removed")]
    );
    assert_eq!(
        diff.changes[0].before.as_ref().unwrap()["setting"],
        json!("pull-out")
    );
    // Same setting, new minutes: a change of that service, not a removal and an addition.
    let c = iep(
        "[[services]]\nname = \"Speech\"\nminutes = 60\nper = \"week\"\nsetting = \"push-in\"\n\
         [[services]]\nname = \"Speech\"\nminutes = 30\nper = \"week\"\nsetting = \"pull-out\"\n",
    );
    let diff = diff_texts(&a, &c);
    assert_eq!(
        ops(&diff),
        vec![(
            "services".into(),
            Some("Speech".into()),
            Some("minutes".into()),
            "changed"
        )]
    );
}

#[test]
fn a_goal_with_no_key_area_or_text_still_has_a_name() {
    let a = iep("[[goals]]\ntext = \"\"\n");
    let b = iep("");
    let text = render::to_text(&diff_texts(&a, &b));
    assert!(text.contains("goals: a goal with no text"), "{text}");
    assert!(!text.contains("goals: :"), "{text}");
}

#[test]
fn a_terminal_diff_is_plain_text_or_painted_pieces() {
    use crate::text::Paint;
    let a = "kind = \"note\"\ndate = 2026-01-01\ntitle = \"Call\"\n";
    let b = "kind = \"note\"\ndate = 2026-01-02\ntitle = \"Call\"\n";
    let diff = diff_texts(a, b);
    assert_eq!(
        render::for_terminal(&diff, Paint::plain()),
        "--- a\n+++ b\ndate: 2026-01-01 → 2026-01-02\n"
    );
    assert_eq!(
        render::for_terminal(&diff, Paint::new(true)),
        "\u{1b}[1m--- a\u{1b}[0m\n\u{1b}[1m+++ b\u{1b}[0m\n\u{1b}[36mdate: \u{1b}[0m\
         \u{1b}[9m\u{1b}[31m2026-01-01\u{1b}[0m → \u{1b}[32m2026-01-02\u{1b}[0m\n"
    );
}

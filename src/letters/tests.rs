use std::collections::BTreeMap;

use super::*;
use crate::record::{Date, RecordId, parse_case_meta, parse_record};
use crate::store::StoredRecord;
use crate::workspace::Advocate;

fn example_record(id: &str) -> StoredRecord {
    let found = crate::example::records()
        .into_iter()
        .find(|r| r.id.as_str() == id)
        .expect("example record");
    StoredRecord {
        id: RecordId::parse(id).unwrap(),
        text: found.text.to_owned(),
        record: parse_record(found.text, id).unwrap(),
    }
}

fn sender() -> Advocate {
    Advocate {
        name: Some("Delphine Akerwood".into()),
        role: Some("Parent advocate".into()),
        organization: Some("Gulf Coast Family Advocacy".into()),
        email: Some("advocate@example.org".into()),
        phone: Some("(601) 555-0142".into()),
        address: None,
    }
}

/// The facts each template needs that the example case does not hold, and its `--for`.
fn inputs(name: &str) -> (Vec<(&'static str, &'static str)>, Option<&'static str>) {
    match name {
        "pwn-request" => (vec![], Some("ttna5necv1")),
        "recording-notice" => (
            vec![("place", "the school conference room")],
            Some("d8fvew8njd"),
        ),
        "iee-request" => (
            vec![
                ("areas", "phonological processing"),
                ("areas", "written expression"),
            ],
            Some("3ym7ad0h9c"),
        ),
        "iep-meeting-request" => (
            vec![(
                "reason",
                "speech-language sessions have been missed since January",
            )],
            None,
        ),
        "parent-concerns" => (
            vec![
                ("concern", "text-to-speech is refused"),
                ("concern", "speech minutes are missed"),
            ],
            Some("7f30w1y9gm"),
        ),
        "facilitation-request" | "mediation-request" => (
            vec![("issue", "text-to-speech and missed speech minutes")],
            None,
        ),
        "state-complaint" | "due-process-complaint" => (
            vec![
                (
                    "issue",
                    "speech-language minutes were not delivered from January to May 2026",
                ),
                ("address", "12 Oak Street, Tallowmere, MS 39000"),
                ("resolution", "compensatory speech-language services"),
            ],
            None,
        ),
        "records-request" => (vec![("meeting", "2026-12-08")], None),
        "evaluation-request" => (
            vec![
                ("type", "reevaluation"),
                ("concerns", "reading comprehension"),
            ],
            None,
        ),
        _ => (vec![], None),
    }
}

fn input<'a>(
    meta: &'a crate::record::CaseMeta,
    about: Option<&'a StoredRecord>,
    facts: &[(&str, &str)],
) -> LetterInput<'a> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in facts {
        map.entry((*k).to_owned())
            .or_default()
            .push((*v).to_owned());
    }
    LetterInput {
        date: Date::new(2026, 11, 28).unwrap(),
        to: Some("Dr. Marguerite Oyelaran, Director of Special Education".into()),
        facts: map,
        for_record: about,
        meta,
        sender: sender(),
    }
}

#[test]
fn every_template_renders_for_the_example_case() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let all = templates(None).unwrap();
    assert_eq!(all.len(), 11);
    for template in &all {
        let (facts, about) = inputs(&template.name);
        let about = about.map(example_record);
        let mut letter_input = input(&meta, about.as_ref(), &facts);
        // Letters to the state go to its agency by default; the district's go to the district.
        if [
            "facilitation-request",
            "mediation-request",
            "state-complaint",
            "due-process-complaint",
        ]
        .contains(&template.name.as_str())
        {
            letter_input.to = None;
        }
        let letter = template
            .render(&letter_input)
            .unwrap_or_else(|e| panic!("{}: {e}", template.name));
        assert!(
            letter.contains("Ezrabel"),
            "{}: fills in the child",
            template.name
        );
        assert!(
            letter.contains("Delphine Akerwood"),
            "{}: signed",
            template.name
        );
        assert!(
            !letter.contains("{{") && !letter.contains("{%"),
            "{}: no template code left",
            template.name
        );
        assert!(
            !letter.contains("none"),
            "{}: no missing value printed as `none`:\n{letter}",
            template.name
        );
        let text = record_text(template, &input(&meta, about.as_ref(), &facts), &letter).unwrap();
        let record = parse_record(&text, "letter record").unwrap();
        assert_eq!(record.kind(), template.spec.record, "{}", template.name);
        insta::assert_snapshot!(template.name.clone(), letter);
    }
}

#[test]
fn every_template_renders_with_only_what_it_needs() {
    // The plainest use: no --for, no optional facts; only the facts a template declares.
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    for template in templates(None).unwrap() {
        let needs: Vec<(String, String)> = template
            .spec
            .needs
            .iter()
            .map(|n| {
                (
                    n.name.clone(),
                    n.example.clone().unwrap_or_else(|| "2026-03-24".into()),
                )
            })
            .collect();
        let facts: Vec<(&str, &str)> = needs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let mut letter_input = input(&meta, None, &facts);
        letter_input.to = None;
        let letter = template
            .render(&letter_input)
            .unwrap_or_else(|e| panic!("{}: {e}", template.name));
        assert!(letter.contains("Ezrabel"), "{}", template.name);
    }
}

#[test]
fn required_elements_are_present() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let render = |name: &str| {
        let t = template(name, None).unwrap();
        let (facts, about) = inputs(name);
        let about = about.map(example_record);
        t.render(&input(&meta, about.as_ref(), &facts)).unwrap()
    };
    let pwn = render("pwn-request");
    for element in [
        "description of the action",
        "explanation of why",
        "evaluation procedure",
        "procedural safeguards",
        "sources the parents can contact",
        "other options",
        "other factors",
    ] {
        assert!(pwn.contains(element), "pwn-request lacks `{element}`");
    }
    let state = render("state-complaint");
    for element in [
        "300.153(b)(1)",
        "300.153(b)(2)",
        "300.153(b)(3)",
        "300.153(b)(4)",
        "Address of residence",
        "School:",
        "Proposed resolution",
    ] {
        assert!(state.contains(element), "state-complaint lacks `{element}`");
    }
    let due = render("due-process-complaint");
    for element in [
        "300.508(b)(1)",
        "300.508(b)(2)",
        "300.508(b)(3)",
        "300.508(b)(5)",
        "300.508(b)(6)",
    ] {
        assert!(
            due.contains(element),
            "due-process-complaint lacks `{element}`"
        );
    }
    let notice = render("recording-notice");
    assert!(
        notice.contains("March 24, 2026 at 08:30") && notice.contains("24 hours"),
        "{notice}"
    );
}

#[test]
fn a_missing_fact_names_it() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("recording-notice", None).unwrap();
    match t.render(&input(&meta, None, &[])) {
        Err(LetterError::MissingFacts { missing, .. }) => {
            let names: Vec<&str> = missing.iter().map(|n| n.name.as_str()).collect();
            assert_eq!(
                names,
                ["meeting_date", "meeting_time"],
                "every missing fact at once"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn template_errors_name_file_and_line() {
    let text = "+++\ntitle = \"T\"\ndescription = \"d\"\nrecord = \"request\"\ntype = \"other\"\ncite = \"c\"\n+++\nline one\n{{ nosuch }}\n";
    let t = Template::parse("mine", "templates/mine.md", text, false).unwrap();
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    match t.render(&input(&meta, None, &[])) {
        Err(LetterError::Template { origin, line, .. }) => {
            assert_eq!((origin.as_str(), line), ("templates/mine.md", 9))
        }
        other => panic!("{other:?}"),
    }
    let bad = "+++\ntitle = \"T\"\ndescripton = \"d\"\n+++\nbody\n";
    let err = Template::parse("mine", "templates/mine.md", bad, false).unwrap_err();
    assert!(err.to_string().contains("templates/mine.md"), "{err}");
}

#[test]
fn record_text_is_never_template_code() {
    let meta_text = crate::example::meta().replace("Ezrabel Quinnimore", "{{ 7 * 7 }} {% raw %}");
    let meta = parse_case_meta(&meta_text, "case").unwrap();
    let t = template("records-request", None).unwrap();
    let letter = t.render(&input(&meta, None, &[])).unwrap();
    assert!(letter.contains("{{ 7 * 7 }} {% raw %}"), "{letter}");
    assert!(!letter.contains("49"));
}

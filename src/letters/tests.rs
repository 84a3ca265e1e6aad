use std::collections::BTreeMap;

use super::*;
use crate::record::StoredRecord;
use crate::record::{Date, RecordId, parse_case_meta, parse_record};
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
        "draft-documents-request" => (vec![], Some("m8ptc2wq4e")),
        "compensatory-services-request" => (vec![], Some("70s0jsqma2")),
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

/// The built-in rules, for notice periods.
fn rulebook() -> &'static crate::rules::book::Rulebook {
    static BOOK: std::sync::OnceLock<crate::rules::book::Rulebook> = std::sync::OnceLock::new();
    BOOK.get_or_init(|| crate::rules::book::Rulebook::builtin().unwrap())
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
        time: None,
        to: None,
        facts: map,
        for_record: about,
        meta,
        signing: signing(
            Some(Signer::Advocate),
            Some(&sender()),
            Advocate::default(),
            meta,
            vec![],
        )
        .unwrap(),
        rules: Some(rulebook().select(meta.state.as_deref()).set),
    }
}

/// The input, dated as the example letters are: November 28, 2026, except a recording notice,
/// which must come before its meeting (the example's of March 24, 2026).
fn dated<'a>(name: &str, mut input: LetterInput<'a>) -> LetterInput<'a> {
    if name == "recording-notice" {
        input.date = Date::new(2026, 3, 20).unwrap();
    }
    input
}

#[test]
fn every_template_renders_for_the_example_case() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let all = templates(None).unwrap();
    assert_eq!(all.len(), 13);
    for template in &all {
        let (facts, about) = inputs(&template.name);
        let about = about.map(example_record);
        // Without --to, each letter goes to the case contact that fits it.
        let letter_input = dated(&template.name, input(&meta, about.as_ref(), &facts));
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
        let text = record_text(
            template,
            &dated(&template.name, input(&meta, about.as_ref(), &facts)),
            &letter,
        )
        .unwrap();
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
        let letter_input = dated(&template.name, input(&meta, None, &facts));
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
        t.render(&dated(name, input(&meta, about.as_ref(), &facts)))
            .unwrap()
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
        notice.contains("8:30 a.m. on March 24, 2026") && notice.contains("24 hours"),
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

#[test]
fn every_letter_shows_the_rule_it_invokes() {
    let example = parse_case_meta(crate::example::meta(), "case").unwrap();
    let elsewhere = |state: &str| {
        let text =
            crate::example::meta().replace("state = \"MS\"", &format!("state = \"{state}\""));
        parse_case_meta(&text, "case").unwrap()
    };
    for meta in [example, elsewhere("TX"), elsewhere("CA")] {
        for template in templates(None).unwrap() {
            let (facts, about) = inputs(&template.name);
            let about = about.map(example_record);
            let letter = template
                .render(&dated(&template.name, input(&meta, about.as_ref(), &facts)))
                .unwrap();
            let cite = template.spec.authority(meta.state.as_deref()).cite;
            assert!(
                letter.contains(&format!("Authority: {cite}\n")),
                "{} in {:?} does not cite `{cite}`:\n{letter}",
                template.name,
                meta.state,
            );
        }
    }
}

#[test]
fn a_facilitation_request_cites_only_the_law_of_the_cases_state() {
    let t = template("facilitation-request", None).unwrap();
    let facts = [("issue", "meetings end without agreement")];
    let letter_in = |state: Option<&str>| {
        let state = state.map_or(String::new(), |s| format!("state = \"{s}\"\n"));
        let text = format!("child = \"A B\"\ndistrict = \"North District\"\n{state}");
        let meta = parse_case_meta(&text, "case").unwrap();
        t.render(&input(&meta, None, &facts)).unwrap()
    };
    let ms = letter_in(Some("MS"));
    assert!(
        ms.contains("Authority: Mississippi dispute-resolution procedures: IEP facilitation by the MDE Office of Special Education (State Board Policy 74.19)\n"),
        "{ms}"
    );
    for state in [Some("TX"), Some("GA"), None] {
        let letter = letter_in(state);
        for foreign in ["Mississippi", "MDE", "74.19", "Miss."] {
            assert!(
                !letter.contains(foreign),
                "{state:?} cites `{foreign}`:\n{letter}"
            );
        }
        assert!(
            letter.contains("Authority: the State's dispute-resolution procedures (IEP facilitation, where the State offers it)\n"),
            "{state:?}:\n{letter}"
        );
        let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("does not offer IEP facilitation, please tell me so"),
            "{state:?}:\n{letter}"
        );
    }
    let tx = letter_in(Some("TX"));
    assert!(
        tx.contains("If the Texas Education Agency does not offer"),
        "{tx}"
    );
    // How sure the rule is follows the state too: Mississippi's is from secondary sources,
    // and elsewhere nothing is known.
    assert_eq!(t.spec.authority(Some("MS")).confidence, "secondary");
    assert_eq!(t.spec.authority(Some("ms")).confidence, "secondary");
    assert_eq!(t.spec.authority(Some("TX")).confidence, "unconfirmed");
    assert_eq!(t.spec.authority(None).confidence, "unconfirmed");
}

#[test]
fn a_recording_notice_cites_only_the_law_of_the_cases_state() {
    let t = template("recording-notice", None).unwrap();
    let facts = [("meeting_date", "2026-12-10"), ("meeting_time", "09:00")];
    let letter_in = |state: &str| {
        let text = format!("child = \"A B\"\nstate = \"{state}\"\n");
        let meta = parse_case_meta(&text, "case").unwrap();
        t.render(&input(&meta, None, &facts)).unwrap()
    };
    let ms = letter_in("MS");
    assert!(
        ms.contains("Authority: Miss. Code Ann. § 37-23-31") && !ms.contains("Cal. Educ."),
        "{ms}"
    );
    let ca = letter_in("CA");
    assert!(
        ca.contains("Authority: Cal. Educ. Code 56341.1(g)(1)\n") && !ca.contains("Miss."),
        "{ca}"
    );
    let tx = letter_in("TX");
    assert!(!tx.contains("Miss.") && !tx.contains("Cal. Educ."), "{tx}");
    assert!(
        tx.contains("Authority: notice to the IEP team in advance of the meeting\n"),
        "{tx}"
    );
}

#[test]
fn a_template_names_states_by_their_codes() {
    let text = "+++\ntitle = \"T\"\ndescription = \"d\"\nrecord = \"request\"\ntype = \"other\"\ncite = \"c\"\n[states.Mississippi]\ncite = \"m\"\n+++\nbody\n";
    match Template::parse("mine", "templates/mine.md", text, false) {
        Err(LetterError::UnknownState { origin, state }) => {
            assert_eq!(
                (origin.as_str(), state.as_str()),
                ("templates/mine.md", "Mississippi")
            )
        }
        other => panic!("{other:?}"),
    }
    let good = text.replace("Mississippi", "MS");
    let t = Template::parse("mine", "templates/mine.md", &good, false).unwrap();
    assert_eq!(t.spec.authority(Some("MS")).cite, "m");
    assert_eq!(t.spec.authority(Some("TX")).cite, "c");
}

#[test]
fn without_to_a_letter_goes_to_the_fitting_contact() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let director = "To: Dr. Harland Vesey, director of special education";
    let state = "To: Gwendolyn Ashcombe, dispute resolution coordinator";
    for template in templates(None).unwrap() {
        let (facts, about) = inputs(&template.name);
        let about = about.map(example_record);
        let letter = template
            .render(&dated(&template.name, input(&meta, about.as_ref(), &facts)))
            .unwrap();
        let expected = match template.spec.addressed_to {
            AddressedTo::State => state,
            AddressedTo::District => director,
        };
        assert!(letter.contains(expected), "{}:\n{letter}", template.name);
        let text = record_text(
            &template,
            &dated(&template.name, input(&meta, about.as_ref(), &facts)),
            &letter,
        )
        .unwrap();
        let record = parse_record(&text, "letter record").unwrap();
        assert!(
            record
                .common
                .to
                .as_deref()
                .is_some_and(|to| to.starts_with(&expected["To: ".len()..])),
            "{}: the record's `to`: {:?}",
            template.name,
            record.common.to
        );
    }
    // No contacts: the district's director by title; --to wins over both.
    let plain = parse_case_meta(
        "child = \"Ezrabel Q\"\ndistrict = \"Tallowmere County School District\"\nstate = \"MS\"\n",
        "case",
    )
    .unwrap();
    let t = template("records-request", None).unwrap();
    let letter = t.render(&input(&plain, None, &[])).unwrap();
    assert!(
        letter.contains("\nTo: Director of Special Education, Tallowmere County School District\n"),
        "{letter}"
    );
    let t = template("state-complaint", None).unwrap();
    let (mut facts, _) = inputs("state-complaint");
    facts.push(("school", "Persimmon Hollow Elementary School"));
    let letter = t.render(&input(&plain, None, &facts)).unwrap();
    assert!(
        letter.contains("To: Mississippi Department of Education, Office of Special Education"),
        "{letter}"
    );
    let mut given = input(&plain, None, &[]);
    given.to = Some("Ms. Reyes".into());
    let letter = template("records-request", None)
        .unwrap()
        .render(&given)
        .unwrap();
    assert!(letter.contains("To: Ms. Reyes"), "{letter}");
}

#[test]
fn a_letter_to_a_case_with_no_contacts_has_an_addressee() {
    // No contacts, no district, no state: every letter still says whom it is for.
    let bare = parse_case_meta("child = \"A B\"\n", "case").unwrap();
    for template in templates(None).unwrap() {
        let (facts, _) = inputs(&template.name);
        let facts: Vec<(&str, &str)> = facts
            .into_iter()
            .chain(match template.name.as_str() {
                "recording-notice" => {
                    vec![("meeting_date", "2026-12-10"), ("meeting_time", "09:00")]
                }
                "pwn-request" => vec![("action", "refused text-to-speech")],
                "iee-request" => vec![("evaluation", "the district's evaluation")],
                "compensatory-services-request" => vec![("service", "speech"), ("missed", "60")],
                "draft-documents-request" => vec![("meeting_date", "2026-12-10")],
                "state-complaint" => vec![
                    ("contact", "advocate@example.org"),
                    ("school", "Oak School"),
                ],
                "due-process-complaint" => vec![("school", "Oak School")],
                _ => vec![],
            })
            .collect();
        let letter_input = input(&bare, None, &facts);
        let letter = template
            .render(&letter_input)
            .unwrap_or_else(|e| panic!("{}: {e}", template.name));
        let expected = match template.spec.addressed_to {
            AddressedTo::District => "\nTo: Director of Special Education\n",
            AddressedTo::State => "\nTo: State Department of Education\n",
        };
        assert!(letter.contains(expected), "{}:\n{letter}", template.name);
        let text = record_text(&template, &letter_input, &letter).unwrap();
        assert!(
            text.contains(&format!(
                "to = \"{}\"",
                expected.trim().trim_start_matches("To: ")
            )),
            "{}: {text}",
            template.name
        );
    }
}

#[test]
fn dates_given_as_facts_print_as_every_other_date_in_a_letter() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    for name in [
        "facilitation-request",
        "mediation-request",
        "iep-meeting-request",
    ] {
        let t = template(name, None).unwrap();
        let facts = [
            ("issue", "missed speech minutes"),
            ("reason", "speech minutes are missed"),
            ("dates", "2026-12-01"),
            ("dates", "2026-12-03"),
        ];
        let letter = t.render(&input(&meta, None, &facts)).unwrap();
        let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains("available on December 1, 2026 or December 3, 2026")
                && !letter.contains("2026-12-0"),
            "{name}:\n{letter}"
        );
    }
}

#[test]
fn a_pwn_request_says_what_was_refused_once_however_the_refusal_words_it() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("pwn-request", None).unwrap();
    for (what, said) in [
        (
            "Refused: audiobook accommodation.",
            "the district refused the audiobook accommodation.",
        ),
        ("refused audiobooks", "the district refused audiobooks."),
        ("Denied extended time", "the district denied extended time."),
        (
            "audiobook accommodation",
            "the district refused the audiobook accommodation.",
        ),
    ] {
        let text = format!(
            "kind = \"refusal\"\ndate = 2026-10-01\ntitle = \"Refusal\"\nwhat = \"{what}\"\nvia = \"email\"\n"
        );
        let refusal = StoredRecord {
            id: RecordId::parse("xbywdh86kn").unwrap(),
            record: parse_record(&text, "refusal").unwrap(),
            text,
        };
        let letter = t.render(&input(&meta, Some(&refusal), &[])).unwrap();
        assert!(
            letter.contains(&format!("On October 1, 2026, {said}\n")),
            "{what}:\n{letter}"
        );
        let given = t.render(&input(&meta, None, &[("action", what)])).unwrap();
        assert!(
            !given.contains("refused the refused") && !given.contains("decision on the refused"),
            "{what}:\n{given}"
        );
    }
}

#[test]
fn a_complaint_names_the_school_the_law_requires_and_reads_as_sentences() {
    let meta = parse_case_meta(
        "child = \"A B\"\ndistrict = \"North District\"\nstate = \"MS\"\n",
        "case",
    )
    .unwrap();
    for (name, element) in [
        ("state-complaint", "School: "),
        ("due-process-complaint", "**School (300.508(b)(3)):** "),
    ] {
        let t = template(name, None).unwrap();
        let mut facts = vec![
            ("issue", "speech minutes were not delivered"),
            ("address", "12 Oak Street"),
            ("resolution", "compensatory speech services"),
            ("contact", "advocate@example.org"),
        ];
        // The case names no school: the letter asks for it rather than print a gap.
        match t.render(&input(&meta, None, &facts)) {
            Err(LetterError::MissingFacts { missing, .. }) => {
                let names: Vec<&str> = missing.iter().map(|n| n.name.as_str()).collect();
                assert_eq!(names, ["school"], "{name}");
            }
            other => panic!("{name}: {other:?}"),
        }
        facts.push(("school", "Oak Street School"));
        let letter = t.render(&input(&meta, None, &facts)).unwrap();
        assert!(
            letter.contains(&format!("{element}Oak Street School, North District\n"))
                && !letter.contains("not recorded"),
            "{name}:\n{letter}"
        );
        assert!(
            letter.contains("1. Speech minutes were not delivered.\n")
                && letter.contains(" Compensatory speech services.\n"),
            "{name}: each fact and the resolution as sentences:\n{letter}"
        );
    }
}

#[test]
fn a_blank_fact_is_a_missing_fact() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("state-complaint", None).unwrap();
    let facts = [("issue", " "), ("address", ""), ("resolution", "\t")];
    match t.render(&input(&meta, None, &facts)) {
        Err(LetterError::MissingFacts { missing, .. }) => {
            let names: Vec<&str> = missing.iter().map(|n| n.name.as_str()).collect();
            assert_eq!(names, ["issue", "address", "resolution"]);
        }
        other => panic!("{other:?}"),
    }
    // A blank value beside a real one is left out.
    let facts = [
        ("issue", "minutes were not delivered"),
        ("issue", ""),
        ("address", "12 Oak Street"),
        ("resolution", "compensatory services"),
    ];
    let letter = t.render(&input(&meta, None, &facts)).unwrap();
    assert!(
        letter.contains("1. Minutes were not delivered.\n\n"),
        "{letter}"
    );
    let text = record_text(&t, &input(&meta, None, &facts), &letter).unwrap();
    assert_eq!(text.matches("[[issues]]").count(), 1, "{text}");
}

#[test]
fn a_pwn_request_answers_an_incomplete_pwn() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("pwn-request", None).unwrap();
    let pwn = example_record("dh41vwehjt");
    let letter = t.render(&input(&meta, Some(&pwn), &[])).unwrap();
    assert!(
        letter.contains("prior written notice of March 27, 2026")
            && letter.contains("(5) sources the parents can contact for help")
            && letter.contains("(6) the other options considered")
            && !letter.contains("(1) a description")
            && letter.contains(
                "complete prior written notice in answer to the notice of March 27, 2026"
            ),
        "{letter}"
    );
    let text = record_text(&t, &input(&meta, Some(&pwn), &[]), &letter).unwrap();
    assert!(text.contains("related = [\"dh41vwehjt\"]"), "{text}");
}

#[test]
fn a_recording_notice_claims_the_notice_period_only_when_it_is_met() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("recording-notice", None).unwrap();
    let facts = [("meeting_date", "2026-12-01"), ("meeting_time", "09:00")];
    let early = input(&meta, None, &facts);
    let letter = t.render(&early).unwrap();
    assert!(
        letter.contains("this\nnotice is sent at least 24 hours before the meeting"),
        "{letter}"
    );
    let mut late = input(&meta, None, &facts);
    late.date = Date::new(2026, 11, 30).unwrap();
    let letter = t.render(&late).unwrap();
    assert!(
        letter.contains("24 hours") && !letter.contains("at least 24 hours"),
        "{letter}"
    );
    assert!(late.notice_timing(&t).unwrap().unwrap().short());
    late.date = Date::new(2026, 12, 5).unwrap();
    assert!(matches!(
        t.render(&late),
        Err(LetterError::NoticeAfterMeeting { .. })
    ));
    let bad = [("meeting_date", "next tuesday"), ("meeting_time", "09:00")];
    assert!(matches!(
        t.render(&input(&meta, None, &bad)),
        Err(LetterError::BadFact { .. })
    ));
}

#[test]
fn an_evaluation_request_promises_the_states_own_period() {
    let t = template("evaluation-request", None).unwrap();
    for (state, period, cite) in [
        (
            "TX",
            "within 45 school days of receiving my consent",
            "Tex. Educ. Code 29.004(a)",
        ),
        (
            "MS",
            "within 60 days of receiving my consent",
            "Mississippi procedures",
        ),
        (
            "AL",
            "within 60 days of receiving my consent",
            "34 CFR 300.301(c)(1)",
        ),
    ] {
        let meta =
            parse_case_meta(&format!("child = \"A B\"\nstate = \"{state}\"\n"), "m").unwrap();
        let letter = t.render(&input(&meta, None, &[])).unwrap();
        let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(period) && flat.contains(cite),
            "{state}:\n{letter}"
        );
    }
}

#[test]
fn a_request_for_notice_about_the_parents_own_request_never_calls_it_the_districts_decision() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let request = example_record("9a1nn3majz");
    let t = template("pwn-request", None).unwrap();
    let letter = t.render(&input(&meta, Some(&request), &[])).unwrap();
    assert!(!letter.contains("district's decision"), "{letter}");
    assert!(
        letter.contains("On November 9, 2026, I asked the district in writing for records"),
        "{letter}"
    );
}

#[test]
fn a_records_request_for_an_earlier_one_follows_it_up() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let earlier = example_record("9a1nn3majz");
    let t = template("records-request", None).unwrap();
    let letter = t.render(&input(&meta, Some(&earlier), &[])).unwrap();
    let flat = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "On November 9, 2026, I asked to inspect and review Ezrabel's education records"
        ) && flat.contains("in no case more than 45 days after that request")
            && flat.contains("I have not been given access"),
        "{letter}"
    );
    assert!(!flat.contains("general right"), "{letter}");
}

#[test]
fn a_reevaluation_request_is_titled_and_recorded_as_one() {
    let meta = parse_case_meta(crate::example::meta(), "case").unwrap();
    let t = template("evaluation-request", None).unwrap();
    for (facts, title) in [
        (&[][..], "Request for an evaluation"),
        (
            &[("type", "reevaluation")][..],
            "Request for a reevaluation",
        ),
    ] {
        let input = input(&meta, None, facts);
        let letter = t.letter(&input).unwrap();
        assert!(
            letter.markdown.contains(&format!("Re: {title}: ")),
            "{facts:?}:\n{}",
            letter.markdown
        );
        assert_eq!(letter.title, title);
        let text = record_text(&t, &input, &letter.markdown).unwrap();
        assert!(text.contains(&format!("title = \"{title}\"")), "{text}");
    }
}

#[test]
fn a_title_is_chosen_by_the_facts_value_whatever_its_case() {
    let t = template("evaluation-request", None).unwrap();
    let facts = |v: &str| BTreeMap::from([("type".to_owned(), vec![v.to_owned()])]);
    assert_eq!(
        t.spec.title_for(&facts(" Reevaluation ")),
        "Request for a reevaluation"
    );
    assert_eq!(
        t.spec.title_for(&facts("evaluation")),
        "Request for an evaluation"
    );
    assert_eq!(
        t.spec.title_for(&BTreeMap::new()),
        "Request for an evaluation"
    );
}

#[test]
fn the_format_is_the_one_given_else_the_file_extension_else_markdown() {
    let out = |name: &'static str| Some(std::path::Path::new(name));
    assert_eq!(Format::choose(None, None), Ok(Format::Markdown));
    assert_eq!(
        Format::choose(None, out("/x/letter.DOCX")),
        Ok(Format::Docx)
    );
    assert_eq!(Format::choose(None, out("/x/letter")), Ok(Format::Markdown));
    assert_eq!(Format::choose(Some(Format::Pdf), None), Ok(Format::Pdf));
    assert_eq!(
        Format::choose(Some(Format::Text), out("/x/letter.rtf")),
        Ok(Format::Text)
    );
    assert_eq!(
        Format::choose(Some(Format::Pdf), out("/x/letter.md")),
        Err((Format::Pdf, Format::Markdown))
    );
}

use std::path::PathBuf;

use super::*;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

fn options() -> Options {
    Options {
        kind: Kind::Communication,
        date: None,
        title: None,
        sets: Vec::new(),
        my_addresses: vec!["t@example.org".into()],
        today: Date::new(2026, 11, 28).unwrap(),
    }
}

fn plan_of(files: &[&str], options: &Options, known: &Known) -> Plan {
    let paths: Vec<PathBuf> = files.iter().map(|f| fixture(f)).collect();
    plan(&paths, options, known, &mut |_, _| {}).unwrap()
}

#[test]
fn an_email_becomes_a_communication_with_its_files() {
    let plan = plan_of(&["district-refusal.eml"], &options(), &Known::default());
    let [draft] = plan.drafts.as_slice() else {
        panic!("{plan:?}")
    };
    let record = draft.validate().unwrap();
    assert_eq!(record.kind(), Kind::Communication);
    assert_eq!(record.date().to_string(), "2026-03-04");
    assert_eq!(record.common.time.unwrap().to_string(), "15:05:12");
    assert_eq!(
        record.title(),
        "Re: Request for assistive technology – decision"
    );
    assert_eq!(
        record.common.from.as_deref(),
        Some("Hollis Marlowe, Special Services <h.marlowe@larkspur-schools.example.org>")
    );
    assert_eq!(
        record.common.to.as_deref(),
        Some(
            "Test Advocate <t@example.org>; cc Case Manager <casemanager@larkspur-schools.example.org>"
        )
    );
    let crate::record::Body::Communication(c) = &record.body else {
        panic!()
    };
    assert_eq!(c.direction.as_str(), "received");
    assert!(
        c.body
            .as_deref()
            .unwrap()
            .contains("will not provide the text-to-speech device\nrequested on February 2."),
        "{:?}",
        c.body
    );
    assert!(
        draft
            .text
            .contains("message_id = \"20260304150512.4411@larkspur-schools.example.org\"")
    );
    let names: Vec<&str> = draft
        .files
        .iter()
        .map(|f| match f {
            DraftFile::Bytes { name, .. } => name.as_str(),
            DraftFile::Path(_) => "?",
        })
        .collect();
    assert_eq!(names, ["district-refusal.eml", "PWN 2026-03-04.pdf"]);
    let DraftFile::Bytes { data, .. } = &draft.files[1] else {
        panic!()
    };
    assert!(data.starts_with(b"%PDF-1.4"));
}

#[test]
fn an_mbox_gives_one_record_per_message_and_skips_repeats() {
    let plan = plan_of(&["scheduling-thread.mbox"], &options(), &Known::default());
    assert_eq!(plan.drafts.len(), 2, "{plan:?}");
    let first = plan.drafts[0].validate().unwrap();
    let crate::record::Body::Communication(c) = &first.body else {
        panic!()
    };
    assert!(
        c.body.as_deref().unwrap().contains("\nFrom the calendar"),
        "mbox quoting is undone: {:?}",
        c.body
    );
    let reply = plan.drafts[1].validate().unwrap();
    let crate::record::Body::Communication(c) = &reply.body else {
        panic!()
    };
    assert_eq!(c.direction.as_str(), "sent", "from the user's own address");
    assert_eq!(
        c.body.as_deref(),
        Some("Yes, March 20 works. Señora Okafor will interpret.")
    );
    assert_eq!(plan.skipped.len(), 1);
    assert_eq!(plan.skipped[0].origin, "scheduling-thread.mbox, message 3");
    assert!(plan.skipped[0].same_message_id);
    assert_eq!(
        plan.skipped[0].earlier,
        Earlier::ThisImport("scheduling-thread.mbox, message 1".into())
    );
}

#[test]
fn a_pdf_is_dated_from_its_text_and_says_so() {
    let mut options = options();
    options.kind = Kind::Evaluation;
    options.sets = vec!["type=iee".into()];
    let plan = plan_of(
        &["evaluation-letter.pdf", "undated-notes.pdf"],
        &options,
        &Known::default(),
    );
    let letter = plan.drafts[0].validate().unwrap();
    assert_eq!(letter.date().to_string(), "2026-03-04");
    assert_eq!(letter.kind(), Kind::Evaluation);
    assert!(
        plan.drafts[0]
            .guesses
            .iter()
            .any(|g| g == "dated 2026-03-04 from \"March 4 2026\", the first date in its text"),
        "{:?}",
        plan.drafts[0].guesses
    );
    let notes = plan.drafts[1].validate().unwrap();
    assert_eq!(notes.date(), options.today);
    assert!(plan.drafts[1].guesses[0].starts_with("no date found in it"));
}

#[test]
fn a_date_in_the_file_name_is_used_when_the_file_has_none() {
    let plan = plan_of(&["scan_2026-02-11.png"], &options(), &Known::default());
    let record = plan.drafts[0].validate().unwrap();
    assert_eq!(record.date().to_string(), "2026-02-11");
    assert_eq!(record.title(), "scan 2026-02-11");
}

#[test]
fn what_the_case_holds_is_skipped() {
    let first = plan_of(&["district-refusal.eml"], &options(), &Known::default());
    let text = format!(
        "{}[[attachments]]\nname = \"x.pdf\"\nsha256 = \"{}\"\n",
        first.drafts[0].text,
        sha256_hex(&std::fs::read(fixture("evaluation-letter.pdf")).unwrap())
    );
    let stored = StoredRecord {
        id: RecordId::parse("k3f9a2bq7x").unwrap(),
        record: parse_record(&text, "r").unwrap(),
        text,
    };
    let known = Known::from_records(&[stored]);
    let plan = plan_of(
        &["district-refusal.eml", "evaluation-letter.pdf"],
        &options(),
        &known,
    );
    assert!(plan.drafts.is_empty(), "{plan:?}");
    let earlier = Earlier::Record(RecordId::parse("k3f9a2bq7x").unwrap());
    assert_eq!(plan.skipped[0].earlier, earlier);
    assert!(plan.skipped[0].same_message_id);
    assert!(
        !plan.skipped[1].same_message_id,
        "the PDF matched by content"
    );
}

#[test]
fn files_that_are_not_mail_or_documents_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.txt");
    std::fs::write(&notes, "just some words\n").unwrap();
    let msg = dir.path().join("mail.msg");
    std::fs::write(&msg, b"\xd0\xcf\x11\xe0 outlook").unwrap();
    let empty = dir.path().join("empty.mbox");
    std::fs::write(&empty, b"From nobody\n\n").unwrap();
    let run = |path: &PathBuf| {
        plan(
            std::slice::from_ref(path),
            &options(),
            &Known::default(),
            &mut |_, _| {},
        )
    };
    assert!(matches!(run(&notes), Err(ImportError::Unsupported { .. })));
    assert!(matches!(run(&msg), Err(ImportError::OutlookMsg { .. })));
    assert!(matches!(run(&empty), Err(ImportError::NoMessages { .. })));
    assert!(matches!(
        run(&dir.path().to_owned()),
        Err(ImportError::NotAFile { .. })
    ));
}

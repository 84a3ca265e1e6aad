//! `iepcase letter`: drafting, recording, overriding templates.

use crate::TestEnv;

fn demo(env: &TestEnv) -> String {
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    dir.to_str().unwrap().to_owned()
}

#[test]
fn a_letter_is_recorded_with_the_letter_attached() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env
        .cmd(&[
            "-w",
            &w,
            "letter",
            "pwn-request",
            "--for",
            "ttna",
            "--date",
            "2026-12-01",
            "--to",
            "Dr. Oyelaran",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let letter = String::from_utf8_lossy(&out.stdout);
    assert!(letter.starts_with("December 1, 2026"), "{letter}");
    assert!(letter.contains("34 CFR 300.503(b)"), "{letter}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = stderr
        .split_whitespace()
        .find(|w| {
            w.len() == 10 && w.chars().all(|c| c.is_ascii_alphanumeric()) && !w.contains("request")
        })
        .expect("the record id is printed on stderr");
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "show", id])).unwrap();
    assert_eq!(record["kind"], "request");
    assert_eq!(record["type"], "pwn");
    assert_eq!(record["date"], "2026-12-01");
    assert_eq!(record["to"], "Dr. Oyelaran");
    assert_eq!(
        record["related"][0], "ttna5necv1",
        "--for links the record it answers"
    );
    assert_eq!(
        record["attachments"][0]["name"],
        "pwn-request-2026-12-01.md"
    );
    let extracted = env.root().join("letter");
    env.run(&[
        "-w",
        &w,
        "extract",
        id,
        "--out",
        extracted.to_str().unwrap(),
    ]);
    assert_eq!(
        std::fs::read_to_string(extracted.join("pwn-request-2026-12-01.md")).unwrap(),
        letter
    );
}

#[test]
fn no_record_records_nothing_and_out_writes_a_file() {
    let env = TestEnv::with_case();
    let commits = env.commits("c1");
    let file = env.root().join("letter.md");
    env.run(&[
        "letter",
        "records-request",
        "--no-record",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(env.commits("c1"), commits);
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("34 CFR 300.613")
    );
}

#[test]
fn a_missing_fact_is_an_error_naming_the_flag() {
    let env = TestEnv::with_case();
    let err = env.fail(&["letter", "recording-notice"], 1);
    assert!(err.contains("needs the date of the meeting"), "{err}");
    assert!(err.contains("--set meeting_date="), "{err}");
    let err = env.fail(&["letter", "state-complaint", "--set", "issue=x"], 1);
    assert!(err.contains("--set address="), "{err}");
    let err = env.fail(&["letter", "pwn-requets"], 1);
    assert!(err.contains("did you mean `pwn-request`"), "{err}");
    let note = env.add_note("not a meeting");
    let err = env.fail(&["letter", "recording-notice", "--for", &note], 1);
    assert!(err.contains("answers a meeting"), "{err}");
}

#[test]
fn workspace_templates_override_and_errors_point_at_the_line() {
    let env = TestEnv::with_case();
    let dir = env.ws.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("records-request.md"),
        "+++\ntitle = \"My records request\"\ndescription = \"ours\"\nrecord = \"request\"\ntype = \"records\"\ncite = \"FERPA\"\n+++\nDear {{ to }}, records for {{ case.child }} please.\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("thank-you.md"),
        "+++\ntitle = \"Thanks\"\ndescription = \"a note of thanks\"\nrecord = \"notice\"\ntype = \"other\"\ncite = \"none\"\n+++\nThank you.\n{{ typo_here }}\n",
    )
    .unwrap();
    let list = env.run(&["letter", "--list"]);
    assert!(
        list.contains("thank-you") && list.contains("templates/records-request.md"),
        "{list}"
    );
    let letter = env.run(&[
        "letter",
        "records-request",
        "--to",
        "Ms. Reyes",
        "--no-record",
    ]);
    assert_eq!(
        letter,
        "Dear Ms. Reyes, records for Zephyrine Okonkwo-Bramble please.\n"
    );
    let err = env.fail(&["letter", "thank-you", "--no-record"], 1);
    assert!(err.contains("thank-you.md:9"), "{err}");
}

#[test]
fn out_never_overwrites_and_a_broken_template_does_not_hide_the_others() {
    let env = TestEnv::with_case();
    let file = env.write("letter.md", "my own notes");
    let err = env.fail(
        &[
            "letter",
            "records-request",
            "--no-record",
            "--out",
            file.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my own notes");
    env.run(&[
        "letter",
        "records-request",
        "--no-record",
        "--out",
        file.to_str().unwrap(),
        "--force",
    ]);
    let dir = env.ws.join("templates");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("bad.md"),
        "+++\ntitle = \"T\"\ndescripton = \"typo\"\n+++\nbody\n",
    )
    .unwrap();
    let list = env.run(&["letter", "--list"]);
    assert!(
        list.contains("pwn-request") && list.contains("does not parse"),
        "{list}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["--json", "letter", "--list"])).unwrap();
    assert!(
        json.as_array()
            .unwrap()
            .iter()
            .any(|t| t["name"] == "bad" && t["error"].is_string())
    );
    let err = env.fail(&["letter", "bad"], 1);
    assert!(
        err.contains("bad.md:3:1"),
        "the line of the typo, counting the opening +++: {err}"
    );
}

#[test]
fn a_letter_as_a_typeset_pdf() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let pdf = env.root().join("pwn.pdf");
    let out = env
        .cmd(&[
            "-w",
            &w,
            "letter",
            "pwn-request",
            "--for",
            "ttna",
            "--date",
            "2026-12-01",
            "--pdf",
            pdf.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("34 CFR 300.503"),
        "the Markdown still goes to stdout"
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = crate::pdf_text::squash(&crate::pdf_text::page_texts(&pdf).join(" "));
    assert!(text.contains("34CFR300.503(b)"), "{text}");
    assert!(text.contains("Ezrabel"), "{text}");
    // The record carries both the Markdown and the PDF.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = stderr.trim().rsplit(' ').next().unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "show", id])).unwrap();
    let names: Vec<&str> = record["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["pwn-request-2026-12-01.md", "pwn-request-2026-12-01.pdf"]
    );
    // The same letter twice gives the same bytes.
    let again = env.root().join("again.pdf");
    env.run(&[
        "-w",
        &w,
        "letter",
        "pwn-request",
        "--for",
        "ttna",
        "--date",
        "2026-12-01",
        "--pdf",
        again.to_str().unwrap(),
        "--no-record",
    ]);
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
}

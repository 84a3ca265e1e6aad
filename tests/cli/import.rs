//! `iepcase import`: e-mails, mbox files, PDFs and images become records, already-imported
//! messages are skipped, guesses are said, and nothing but encrypted records is written.

use std::path::PathBuf;

use crate::TestEnv;

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).expect("JSON output")
}

#[test]
fn an_email_becomes_a_communication_with_its_attachments() {
    let env = TestEnv::with_case();
    let out = env
        .cmd(&["import", &fixture("district-refusal.eml")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "Added communication {id} from district-refusal.eml: Re: Request for assistive technology – decision"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("guessed: direction = received"), "{stderr}");

    let record = json(&env.run(&["show", &id, "--json"]));
    assert_eq!(record["kind"], "communication");
    assert_eq!(record["date"], "2026-03-04");
    assert_eq!(record["time"], "15:05:12");
    assert_eq!(record["direction"], "received");
    assert_eq!(record["method"], "email");
    assert_eq!(
        record["from"],
        "Hollis Marlowe, Special Services <h.marlowe@larkspur-schools.example.org>"
    );
    assert!(
        record["body"]
            .as_str()
            .unwrap()
            .contains("The prior written notice is attached."),
        "{record}"
    );
    let names: Vec<&str> = record["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["district-refusal.eml", "PWN 2026-03-04.pdf"]);

    // The attached PDF comes back out byte for byte, and nothing readable was committed.
    let out_dir = env.root().join("out");
    env.run(&["extract", &id, "--out", out_dir.to_str().unwrap()]);
    assert!(
        std::fs::read(out_dir.join("PWN 2026-03-04.pdf"))
            .unwrap()
            .starts_with(b"%PDF-1.4")
    );
    let mut plaintext_found = false;
    for dir in ["records", "attachments"] {
        for file in crate::files_below(&env.case_dir("c1"), dir) {
            let bytes = std::fs::read(env.case_dir("c1").join(file)).unwrap();
            plaintext_found |= String::from_utf8_lossy(&bytes).contains("Marlowe");
        }
    }
    assert!(
        !plaintext_found,
        "the sender's name is in a file of the case"
    );
    let log = env.run(&["log"]);
    assert!(log.contains(&format!("add record {id}")), "{log}");
    assert!(!log.contains("assistive"), "{log}");
}

#[test]
fn importing_again_skips_what_is_already_there() {
    let env = TestEnv::with_case();
    env.run(&["import", &fixture("district-refusal.eml")]);
    let commits = env.commits("c1");
    let out = env
        .cmd(&["import", &fixture("district-refusal.eml")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Skipped district-refusal.eml: already in record")
            && stderr.contains("(same Message-ID)")
            && stderr.contains("Nothing to import"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(env.commits("c1"), commits, "nothing was committed");
}

#[test]
fn an_mbox_becomes_one_record_per_message_in_one_commit() {
    let env = TestEnv::with_case();
    let commits = env.commits("c1");
    let out = env
        .cmd(&["import", &fixture("scheduling-thread.mbox")])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let ids: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(ids.len(), 2, "the third message repeats the first");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "Skipped scheduling-thread.mbox, message 3: already in scheduling-thread.mbox, \
             message 1 (same Message-ID)"
        ),
        "{stderr}"
    );
    assert_eq!(env.commits("c1"), commits + 1);
    assert!(env.run(&["log"]).contains("add 2 records"));
    let reply = json(&env.run(&["show", &ids[1], "--json"]));
    assert_eq!(
        reply["direction"], "sent",
        "from the workspace author's address"
    );
    assert_eq!(reply["title"], "Re: IEP meeting scheduling");
    assert_eq!(
        reply["body"],
        "Yes, March 20 works. Señora Okafor will interpret."
    );
    // The timeline reads like the thread, without any TOML written by hand.
    let timeline = env.run(&["timeline"]);
    let first = timeline.find("IEP meeting scheduling").unwrap();
    let second = timeline.find("Re: IEP meeting scheduling").unwrap();
    assert!(first < second, "{timeline}");
}

#[test]
fn a_pdf_is_dated_from_its_text_and_the_guess_is_said() {
    let env = TestEnv::with_case();
    let out = env
        .cmd(&[
            "import",
            &fixture("evaluation-letter.pdf"),
            "--kind",
            "evaluation",
            "--set",
            "type=iee",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "guessed: dated 2026-03-04 from \"March 4 2026\", the first date in its text"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("guessed: the title \"evaluation-letter\" comes from the file name"),
        "{stderr}"
    );
    let record = json(&env.run(&["show", &id, "--json"]));
    assert_eq!(record["kind"], "evaluation");
    assert_eq!(record["type"], "iee");
    assert_eq!(record["date"], "2026-03-04");
    assert_eq!(record["attachments"][0]["name"], "evaluation-letter.pdf");

    // --date wins over the text; a scan without a date is dated today, and says so.
    let out = env
        .cmd(&[
            "import",
            &fixture("undated-notes.pdf"),
            "--title",
            "Notes from the hallway",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no date found in it, so it is dated today (2026-11-28)"),
        "{stderr}"
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let record = json(&env.run(&["show", &id, "--json"]));
    assert_eq!(record["title"], "Notes from the hallway");
    assert_eq!(record["date"], "2026-11-28");
    let dated = env.run(&[
        "import",
        &fixture("scan_2026-02-11.png"),
        "--date",
        "2026-02-12",
    ]);
    let record = json(&env.run(&["show", dated.trim(), "--json"]));
    assert_eq!(record["date"], "2026-02-12");
}

#[test]
fn a_kind_with_required_fields_asks_for_them_and_adds_nothing() {
    let env = TestEnv::with_case();
    let commits = env.commits("c1");
    let err = env.fail(
        &[
            "import",
            &fixture("evaluation-letter.pdf"),
            "--kind",
            "request",
        ],
        1,
    );
    assert!(err.contains("missing required field `type`"), "{err}");
    assert!(
        err.contains("--set FIELD=VALUE") && err.contains("--edit"),
        "{err}"
    );
    assert!(err.contains("nothing was added"), "{err}");
    assert_eq!(env.commits("c1"), commits);
}

#[test]
fn edit_opens_each_record_with_its_guesses() {
    let mut env = TestEnv::with_case();
    // An "editor" that records what it was shown and fills in the request type.
    let shown = env.root().join("shown.toml");
    let editor = env.write(
        "editor.sh",
        &format!(
            "#!/bin/sh\ncp \"$1\" {}\nsed -i 's/^kind = \"request\"$/kind = \"request\"\\ntype = \"iee\"/' \"$1\"\n",
            shown.display()
        ),
    );
    std::process::Command::new("chmod")
        .args(["+x", editor.to_str().unwrap()])
        .status()
        .unwrap();
    env.extra_env
        .push(("EDITOR".into(), editor.to_string_lossy().into_owned()));
    let id = env.run(&[
        "import",
        &fixture("evaluation-letter.pdf"),
        "--kind",
        "request",
        "--edit",
    ]);
    let shown = std::fs::read_to_string(shown).unwrap();
    assert!(
        shown.contains("# iepcase:")
            && shown.contains("missing required field `type`")
            && shown.contains("kind = \"request\""),
        "{shown}"
    );
    let record = json(&env.run(&["show", id.trim(), "--json"]));
    assert_eq!(record["type"], "iee");
    assert_eq!(record["attachments"][0]["name"], "evaluation-letter.pdf");
}

#[test]
fn files_it_cannot_read_are_named_with_what_to_do() {
    let env = TestEnv::with_case();
    let notes = env.write("notes.txt", "just some words\n");
    let err = env.fail(&["import", notes.to_str().unwrap()], 1);
    assert!(
        err.contains("notes.txt is not an e-mail, an mbox, a PDF or an image")
            && err.contains("iepcase attach ID FILE"),
        "{err}"
    );
    let junk = env.root().join("junk.eml");
    std::fs::write(&junk, [0xff, 0xfe, 0, 1, 2, 3, 0x80, 0x81]).unwrap();
    let err = env.fail(&["import", junk.to_str().unwrap()], 1);
    assert!(err.contains("holds no e-mail message"), "{err}");
    let err = env.fail(
        &["import", env.root().join("missing.eml").to_str().unwrap()],
        1,
    );
    assert!(
        err.contains("missing.eml") && err.contains("nothing was added"),
        "{err}"
    );
    // A good file beside a bad one: nothing is added.
    let commits = env.commits("c1");
    env.fail(
        &[
            "import",
            &fixture("district-refusal.eml"),
            notes.to_str().unwrap(),
        ],
        1,
    );
    assert_eq!(env.commits("c1"), commits);
}

#[test]
fn an_image_bundles_cannot_print_is_attached_with_a_warning() {
    let env = TestEnv::with_case();
    let tiff = env.root().join("scan.tif");
    std::fs::write(&tiff, b"II*\0\x08\0\0\0 not much of a picture").unwrap();
    let out = env
        .cmd(&["import", tiff.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: scan.tif is attached as it is, but bundles cannot print")
            && stderr.contains("convert it to PDF, PNG or JPEG"),
        "{stderr}"
    );
}

//! Adding, showing, listing, editing, removing and attaching records.

use crate::TestEnv;

/// A record using every common field and many IEP fields.
const FULL_IEP: &str = r#"# written by hand
kind = "iep"
date = 2026-02-03
time = 14:30:00
title = "Annual IEP"
summary = "Signed at the meeting."
from = "District IEP team"
to = "Parent"
method = "hand-delivered"
received = 2026-02-04
related = []
tags = ["annual", "signed"]
privileged = false
status = "final"
meeting = 2026-02-03
start = 2026-02-04
end = 2027-02-03
review_by = 2027-02-03
eligibility = ["Specific Learning Disability"]
present_levels = """
Reads 58 words per minute."""
parent_concerns = "Reading and speech."
placement = "General education with pull-out"
lre_percent = 85
esy = true
progress_reporting = "Every nine weeks"
transition = "Not yet required"
accommodations = ["Extended time", "Read-aloud of directions"]
modifications = ["Shortened spelling lists"]

[[goals]]
key = "R1"
area = "Reading fluency"
text = "Read 90 words correct per minute"
baseline = "58 wcpm"
target = "90 wcpm"
measurement = "Curriculum-based probes"

[[services]]
name = "Speech-language therapy"
minutes = 30
per = "week"
setting = "Therapy room"
provider = "SLP"
start = 2026-02-04
end = 2027-02-03

[extra]
school_year = "2025-26"
"#;

#[test]
fn add_then_show_gives_back_every_field() {
    let env = TestEnv::with_case();
    let file = env.write("iep.toml", FULL_IEP);
    let id = env
        .run(&["add", "--file", file.to_str().unwrap()])
        .trim()
        .to_owned();
    assert_eq!(id.len(), 10);
    assert_eq!(
        env.run(&["show", &id[..6]]),
        FULL_IEP,
        "the text comes back exactly, comments included"
    );
    let json: serde_json::Value = serde_json::from_str(&env.run(&["show", &id, "--json"])).unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["time"], "14:30:00");
    assert_eq!(json["received"], "2026-02-04");
    assert_eq!(json["lre_percent"], 85);
    assert_eq!(json["goals"][0]["baseline"], "58 wcpm");
    assert_eq!(json["services"][0]["per"], "week");
    assert_eq!(json["extra"]["school_year"], "2025-26");
    let expected: toml::Table = toml::from_str(FULL_IEP).unwrap();
    for key in expected.keys() {
        assert!(
            json.get(key).is_some(),
            "field {key} is missing from show --json"
        );
    }
}

#[test]
fn add_from_flags_list_and_filters() {
    let env = TestEnv::with_case();
    let a = env.run(&[
        "add",
        "request",
        "--date",
        "2026-03-01",
        "--title",
        "Asked for evaluation",
        "--set",
        "type=evaluation",
        "--set",
        "method=certified-mail",
    ]);
    let b = env.run(&[
        "add",
        "refusal",
        "--date",
        "2026-03-05",
        "--time",
        "16:00",
        "--title",
        "Refused",
        "--set",
        &format!("refuses={}", a.trim()),
    ]);
    env.run(&[
        "add",
        "note",
        "--date",
        "2026-03-05",
        "--title",
        "Same-day untimed note",
    ]);
    let list = env.run(&["list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert!(lines[0].starts_with("ID"), "{list}");
    assert!(
        lines[1].contains("Asked for evaluation") && lines[1].contains("evaluation"),
        "{list}"
    );
    assert!(
        lines[2].contains(b.trim()) && lines[2].contains("16:00"),
        "timed before untimed: {list}"
    );
    assert!(lines[3].contains("Same-day untimed note"), "{list}");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json", "--kind", "refusal"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["time"], "16:00:00");
    assert!(json[0].get("type").is_none());
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["list", "--json", "--from", "2026-03-02"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 2);
}

/// `list` answers from its cache of summaries: what it prints after edits, removals and a
/// lost cache is what a fresh read of every record gives.
#[test]
fn list_from_its_cache_matches_a_fresh_read() {
    let env = TestEnv::with_case();
    let mut ids = Vec::new();
    for (n, kind) in ["request", "meeting", "note"].iter().enumerate() {
        let mut args = vec![
            "add".to_owned(),
            kind.to_string(),
            "--date".into(),
            format!("2026-03-0{}", n + 1),
            "--title".into(),
            format!("Record {n}"),
        ];
        if *kind != "note" {
            args.extend([
                "--set".into(),
                format!("type={}", if n == 0 { "evaluation" } else { "iep" }),
            ]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ids.push(env.run(&args).trim().to_owned());
    }
    let cold = env.run(&["list", "--json"]);
    assert_eq!(env.run(&["list", "--json"]), cold, "warm equals cold");

    env.run(&[
        "edit",
        &ids[1],
        "--set",
        "title=Renamed meeting",
        "--set",
        "date=2026-04-01",
    ]);
    env.run(&["edit", &ids[0], "--set", "confidential=mediation"]);
    env.run(&["rm", &ids[2]]);
    let warm = env.run(&["list", "--json"]);
    let json: serde_json::Value = serde_json::from_str(&warm).unwrap();
    let rows = json.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{warm}");
    assert_eq!(rows[0]["confidential"], "mediation", "{warm}");
    assert_eq!(rows[1]["title"], "Renamed meeting", "{warm}");
    assert_eq!(rows[1]["date"], "2026-04-01", "{warm}");

    let case = env.case_dir("c1");
    std::fs::remove_dir_all(case.join(".git/iepcase/cache")).unwrap();
    assert_eq!(
        env.run(&["list", "--json"]),
        warm,
        "a lost cache changes nothing"
    );
    // A damaged cache file is no error either.
    for entry in std::fs::read_dir(case.join(".git/iepcase/cache")).unwrap() {
        std::fs::write(entry.unwrap().path(), b"garbage").unwrap();
    }
    assert_eq!(
        env.run(&["list", "--json"]),
        warm,
        "a damaged cache changes nothing"
    );
}

#[test]
fn batch_add_prints_ids_in_input_order_in_one_commit() {
    let env = TestEnv::with_case();
    let before = env.commits("c1");
    let a = env.write(
        "a.toml",
        "kind = \"note\"\ndate = 2026-05-01\ntitle = \"A\"\n",
    );
    let b = env.write(
        "b.toml",
        "kind = \"note\"\ndate = 2026-01-01\ntitle = \"B\"\n",
    );
    let out = env.run_stdin(
        &[
            "add",
            "--file",
            a.to_str().unwrap(),
            "--file",
            "-",
            "--file",
            b.to_str().unwrap(),
        ],
        "kind = \"note\"\ndate = 2026-03-01\ntitle = \"Stdin\"\n",
    );
    let ids: Vec<&str> = out.lines().collect();
    assert_eq!(ids.len(), 3);
    assert!(env.run(&["show", ids[0]]).contains("title = \"A\""));
    assert!(env.run(&["show", ids[1]]).contains("title = \"Stdin\""));
    assert!(env.run(&["show", ids[2]]).contains("title = \"B\""));
    assert_eq!(env.commits("c1"), before + 1, "one commit for the batch");

    // One --file flag may take several files, as a shell glob gives them (the same records
    // again, so with --duplicate).
    let out = env.run(&[
        "add",
        "--duplicate",
        "--file",
        b.to_str().unwrap(),
        a.to_str().unwrap(),
    ]);
    let ids: Vec<&str> = out.lines().collect();
    assert_eq!(ids.len(), 2, "{out}");
    assert!(env.run(&["show", ids[0]]).contains("title = \"B\""));
    assert!(env.run(&["show", ids[1]]).contains("title = \"A\""));
    assert_eq!(env.commits("c1"), before + 2);
}

#[test]
fn edit_with_set_keeps_comments_and_unchanged_records_are_not_rewritten() {
    let env = TestEnv::with_case();
    let file = env.write("iep.toml", FULL_IEP);
    let id = env
        .run(&["add", "--file", file.to_str().unwrap()])
        .trim()
        .to_owned();
    let path = crate::record_file(&env.case_dir("c1"), &id);
    let before = std::fs::read(&path).unwrap();
    let commits = env.commits("c1");
    let out = env
        .cmd(&["edit", &id, "--set", "title=Annual IEP"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing changed"));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "an unchanged record is not re-encrypted"
    );
    assert_eq!(env.commits("c1"), commits);

    env.run(&[
        "edit",
        &id,
        "--set",
        "goals[1].target=95 wcpm",
        "--set",
        "extra.note=kept",
        "--unset",
        "esy",
    ]);
    let shown = env.run(&["show", &id]);
    assert!(shown.starts_with("# written by hand\n"), "{shown}");
    assert!(
        shown.contains("target = \"95 wcpm\"")
            && shown.contains("note = \"kept\"")
            && !shown.contains("esy"),
        "{shown}"
    );
    let previous = env.run(&["show", &id, "--rev", "HEAD~1"]);
    assert_eq!(previous, FULL_IEP);
    let log = env.run(&["log", &id]);
    assert_eq!(log.lines().count(), 2, "{log}");
    assert!(
        log.contains(&format!("edit record {id}")) && log.contains(&format!("add record {id}")),
        "{log}"
    );
}

#[test]
fn rm_removes_but_history_keeps() {
    let env = TestEnv::with_case();
    let id = env.add_note("to be removed");
    env.run(&["rm", &id]);
    let err = env.fail(&["show", &id], 1);
    assert!(err.contains("no record matches"), "{err}");
    assert!(
        env.run(&["show", &id, "--rev", "HEAD~1"])
            .contains("to be removed")
    );
    assert!(!crate::record_file(&env.case_dir("c1"), &id).exists());
}

#[test]
fn attach_and_extract_round_trip_with_dedup() {
    let env = TestEnv::with_case();
    let id = env.add_note("letter received");
    let pdf = env.write("letter.pdf", "%PDF-1.4 pretend letter about the child");
    let other = env.write("photo.png", "not really a png");
    env.run(&[
        "attach",
        &id,
        pdf.to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    let id2 = env.add_note("same letter again");
    env.run(&["attach", &id2, pdf.to_str().unwrap()]);
    let blobs = crate::files_below(&env.case_dir("c1"), "attachments").len();
    assert_eq!(blobs, 2, "the same file is stored once");
    let shown = env.run(&["show", &id, "--json"]);
    assert!(
        shown.contains("application/pdf") && shown.contains("\"size\": 39"),
        "{shown}"
    );

    let out_dir = env.root().join("out");
    let written = env.run(&["extract", &id, "--out", out_dir.to_str().unwrap()]);
    assert_eq!(written.lines().count(), 2);
    assert_eq!(
        std::fs::read(out_dir.join("letter.pdf")).unwrap(),
        std::fs::read(&pdf).unwrap()
    );
    let err = env.fail(&["extract", &id, "--out", out_dir.to_str().unwrap()], 1);
    assert!(err.contains("already exists"), "{err}");
    env.run(&["fsck"]);
}

#[test]
fn export_writes_plaintext_only_where_asked() {
    let env = TestEnv::with_case();
    let id = env.add_note("exported note");
    let out = env.root().join("export");
    let err = env
        .cmd(&["export", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&err.stderr).contains("NOT encrypted"));
    let text = std::fs::read_to_string(out.join("records").join(format!("{id}.toml"))).unwrap();
    assert!(text.contains("exported note"));
    assert!(
        std::fs::read_to_string(out.join("case.toml"))
            .unwrap()
            .contains("Zephyrine")
    );
    env.fail(&["export", "--out", out.to_str().unwrap()], 1);
}

#[test]
fn export_keeps_both_files_of_a_record_that_share_a_name() {
    let env = TestEnv::with_case();
    let id = env.add_note("two scans");
    let first = env.root().join("a");
    let second = env.root().join("b");
    for (dir, text) in [(&first, "first scan"), (&second, "second scan")] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("scan.txt"), text).unwrap();
        env.run(&["attach", &id, dir.join("scan.txt").to_str().unwrap()]);
    }
    let out = env.root().join("export");
    env.run(&["export", "--out", out.to_str().unwrap()]);
    let dir = out.join("attachments").join(&id);
    assert_eq!(
        std::fs::read_to_string(dir.join("scan.txt")).unwrap(),
        "first scan"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("scan-2.txt")).unwrap(),
        "second scan",
        "the second file is not written over the first"
    );
}

#[test]
fn demo_builds_a_workspace_that_checks_clean() {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    let out = env.run(&["demo", dir.to_str().unwrap()]);
    assert!(out.contains("list"), "{out}");
    let w = dir.to_str().unwrap();
    let list = env.run(&["-w", w, "list", "--json"]);
    let records: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert!(records.as_array().unwrap().len() >= 25);
    env.run(&["-w", w, "fsck"]);
    // Running it again replaces the earlier demo.
    env.run(&["demo", w]);
}

#[test]
fn a_date_range_backwards_is_a_usage_error() {
    let env = TestEnv::with_case();
    for command in ["list", "timeline"] {
        let err = env.fail(&[command, "--from", "2026-12-01", "--to", "2026-01-01"], 2);
        assert!(
            err.contains("--from 2026-12-01 is after --to 2026-01-01") && err.contains("swap"),
            "{command}: {err}"
        );
    }
    let out = env.root().join("b");
    let err = env.fail(
        &[
            "bundle",
            "--purpose",
            "mediation",
            "--out",
            out.to_str().unwrap(),
            "--from",
            "2026-12-01",
            "--to",
            "2026-01-01",
        ],
        2,
    );
    assert!(err.contains("is after --to"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_bad_bundle_prefix_is_a_usage_error_naming_its_limit() {
    let env = TestEnv::with_case();
    let out = env.root().join("b");
    let out = out.to_str().unwrap();
    let base = ["bundle", "--purpose", "mediation", "--out", out];
    let err = env.fail(&[&base[..], &["--exhibit-prefix", ""]].concat(), 2);
    assert!(
        err.contains("cannot be an exhibit prefix: use 1 to 8 letters"),
        "{err}"
    );
    let err = env.fail(&[&base[..], &["--bates", "MQ V"]].concat(), 2);
    assert!(
        err.contains("`MQ V` cannot be a Bates prefix: use 1 to 16 letters"),
        "{err}"
    );
    assert!(!env.root().join("b").exists());
}

#[test]
fn bundling_an_empty_case_says_to_add_records() {
    let env = TestEnv::with_case();
    let out = env.root().join("b");
    let err = env.fail(
        &[
            "bundle",
            "--purpose",
            "mediation",
            "--out",
            out.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("no records to bundle")
            && err.contains("iepcase add")
            && !err.contains("widen"),
        "{err}"
    );
}

#[test]
fn a_bundle_never_goes_into_a_case_folder_however_it_is_spelled() {
    let env = TestEnv::with_case();
    env.add_note("kept out of cases/");
    env.run(&["case", "new", "c2", "--child", "Other Child"]);
    let cases = env.ws.join("cases");
    for out in [
        cases.join("c1/../c2/bundle"),
        cases.join("c2").join("b"),
        cases.join("loose"),
    ] {
        let err = env.fail(
            &[
                "-c",
                "c1",
                "bundle",
                "--purpose",
                "mediation",
                "--out",
                out.to_str().unwrap(),
            ],
            1,
        );
        assert!(
            err.contains("inside the workspace's cases folder") && err.contains("~/bundles"),
            "{}: {err}",
            out.display()
        );
    }
    assert!(!cases.join("c2/bundle").exists() && !cases.join("loose").exists());
}

#[test]
fn list_shows_a_type_for_every_kind_and_marks_what_bundles_treat_specially() {
    let env = TestEnv::with_case();
    let add = |args: &[&str]| env.run(args).trim().to_owned();
    let iep = add(&[
        "add",
        "iep",
        "--date",
        "2026-01-10",
        "--title",
        "Draft IEP",
        "--set",
        "status=draft",
    ]);
    let refusal = add(&[
        "add",
        "refusal",
        "--date",
        "2026-01-11",
        "--title",
        "No to AT",
        "--set",
        "via=verbal",
    ]);
    let note = add(&[
        "add",
        "note",
        "--date",
        "2026-01-12",
        "--title",
        "My thoughts",
    ]);
    let mediation = add(&[
        "add",
        "meeting",
        "--date",
        "2026-01-13",
        "--title",
        "Mediation session",
        "--set",
        "type=mediation",
        "--set",
        "confidential=mediation",
    ]);
    let list = env.run(&["list"]);
    // The words of each line: id, date, kind, type, title.
    let line = |id: &str| {
        let line = list.lines().find(|l| l.starts_with(id)).unwrap();
        line.split_whitespace()
            .skip(2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line(&iep), "iep draft Draft IEP", "{list}");
    assert_eq!(line(&refusal), "refusal via verbal No to AT", "{list}");
    assert_eq!(line(&note), "note - [privileged] My thoughts", "{list}");
    assert_eq!(
        line(&mediation),
        "meeting mediation [mediation-confidential] Mediation session",
        "{list}"
    );
    let json: serde_json::Value = serde_json::from_str(&env.run(&["list", "--json"])).unwrap();
    assert_eq!(json[2]["privileged"], true);
    assert_eq!(json[3]["confidential"], "mediation");
    assert!(json[0].get("privileged").is_none());
}

#[test]
fn log_json_dates_are_rfc_3339() {
    let env = TestEnv::with_case();
    env.add_note("x");
    let log: serde_json::Value = serde_json::from_str(&env.run(&["log", "--json"])).unwrap();
    let date = log[0]["date"].as_str().unwrap();
    assert!(
        date.parse::<jiff::Timestamp>().is_ok() && date.ends_with('Z') && date.contains('T'),
        "{date}"
    );
    assert!(
        env.run(&["log"]).contains(" UTC "),
        "text output keeps its readable form"
    );
}

#[test]
fn detach_removes_one_attachment_by_name_or_number_and_history_keeps_it() {
    let env = TestEnv::with_case();
    let id = env.add_note("Scans");
    let a = env.write("a.txt", "first\n");
    let b = env.write("b.txt", "second\n");
    env.run(&["attach", &id, a.to_str().unwrap(), b.to_str().unwrap()]);
    let commits = env.commits("c1");
    let err = env.fail(&["detach", &id, "missing.pdf"], 1);
    assert!(
        err.contains("no attachment named `missing.pdf`") && err.contains("1 a.txt, 2 b.txt"),
        "{err}"
    );
    let err = env.fail(&["detach", &id, "3"], 1);
    assert!(err.contains("no attachment 3"), "{err}");
    env.run(&["detach", &id, "b.txt"]);
    assert_eq!(env.commits("c1"), commits + 1, "one commit");
    let shown = env.run(&["show", &id]);
    assert!(
        shown.contains("a.txt") && !shown.contains("b.txt"),
        "{shown}"
    );
    env.run(&["detach", &id, "1"]);
    let shown = env.run(&["show", &id]);
    assert!(!shown.contains("[[attachments]]"), "{shown}");
    let before = env.run(&["show", &id, "--rev", "HEAD~2"]);
    assert!(before.contains("b.txt"), "history keeps it: {before}");
    let err = env.fail(&["detach", &id, "1"], 1);
    assert!(err.contains("has no attachments"), "{err}");
}

#[test]
fn a_second_attachment_of_the_same_name_must_be_named_by_number() {
    let env = TestEnv::with_case();
    let id = env.add_note("Scans");
    let one = env.root().join("one");
    let two = env.root().join("two");
    std::fs::create_dir_all(&one).unwrap();
    std::fs::create_dir_all(&two).unwrap();
    std::fs::write(one.join("scan.txt"), "one\n").unwrap();
    std::fs::write(two.join("scan.txt"), "two\n").unwrap();
    env.run(&["attach", &id, one.join("scan.txt").to_str().unwrap()]);
    env.run(&["attach", &id, two.join("scan.txt").to_str().unwrap()]);
    let err = env.fail(&["detach", &id, "scan.txt"], 1);
    assert!(err.contains("2 attachments named `scan.txt`"), "{err}");
    assert!(err.contains(&format!("iepcase detach {id} 1")), "{err}");
}

#[test]
fn add_refuses_a_record_the_case_already_holds_unless_duplicate() {
    let env = TestEnv::with_case();
    let file = env.write(
        "letter.toml",
        "kind = \"request\"\ndate = 2026-03-02\ntitle = \"Records request\"\ntype = \"records\"\n\
         body = \"Please send the records.\"\n",
    );
    let id = env.run(&["add", "--file", file.to_str().unwrap()]);
    let id = id.trim();
    let commits = env.commits("c1");
    let err = env.fail(&["add", "--file", file.to_str().unwrap()], 1);
    assert!(
        err.contains(&format!("says exactly what record {id} says")),
        "{err}"
    );
    assert!(err.contains("--duplicate"), "{err}");
    assert_eq!(env.commits("c1"), commits, "nothing added");
    // The same in a batch: the whole batch is refused.
    let other = env.write(
        "other.toml",
        "kind = \"note\"\ndate = 2026-03-03\ntitle = \"Call\"\n",
    );
    let err = env.fail(
        &[
            "add",
            "--file",
            other.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains(id), "{err}");
    // Flags that make the same record, and a record that differs only in its body.
    let flags = [
        "add",
        "request",
        "--date",
        "2026-03-02",
        "--title",
        "Records request",
        "--set",
        "type=records",
        "--set",
        "body=Please send the records.",
    ];
    let err = env.fail(&flags, 1);
    assert!(err.contains(id), "{err}");
    env.run(&[
        "add",
        "request",
        "--date",
        "2026-03-02",
        "--title",
        "Records request",
        "--set",
        "type=records",
        "--set",
        "body=Please send them all.",
    ]);
    env.run(&["add", "--duplicate", "--file", file.to_str().unwrap()]);
    assert_eq!(env.commits("c1"), commits + 2);
}

#[test]
fn the_duplicate_check_follows_edits_removals_and_adds_without_a_listing() {
    let env = TestEnv::with_case();
    let note =
        |title: &str| ["add", "note", "--date", "2026-03-03", "--title", title].map(str::to_owned);
    let run = |args: &[String]| env.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    let fail = |args: &[String]| env.fail(&args.iter().map(String::as_str).collect::<Vec<_>>(), 1);
    // Adds one after another, no `list` between: each knows the ones before it.
    let first = run(&note("First call")).trim().to_owned();
    let second = run(&note("Second call")).trim().to_owned();
    assert!(fail(&note("First call")).contains(&first));
    assert!(fail(&note("Second call")).contains(&second));
    // An edit changes what the record says: its old words may be added again, its new ones not.
    env.run(&["edit", &first, "--set", "title=First call, corrected"]);
    let again = run(&note("First call")).trim().to_owned();
    assert!(fail(&note("First call, corrected")).contains(&first));
    // A removed record no longer holds its words.
    env.run(&["rm", &again]);
    run(&note("First call"));
    // The index is local and rebuilt when lost.
    std::fs::remove_dir_all(env.case_dir("c1").join(".git/iepcase/cache")).unwrap();
    assert!(fail(&note("Second call")).contains(&second));
}

#[test]
fn attach_warns_about_a_file_a_bundle_cannot_show_told_by_its_content() {
    let env = TestEnv::with_case();
    let id = env.add_note("Photos");
    // A TIFF named .png, and a Word document.
    let tiff = env.write("photo.png", "II*\0\u{8}\0\0\0 a scan");
    let docx = env.write("iep draft.docx", "PK\u{3}\u{4}\u{14}\0 word");
    let ok = env.write("notes.txt", "plain text\n");
    let out = env
        .cmd(&[
            "attach",
            &id,
            tiff.to_str().unwrap(),
            docx.to_str().unwrap(),
            ok.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: photo.png is a TIFF image iepcase cannot convert"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("iepcase detach {id} 'iep draft.docx'")),
        "{stderr}"
    );
    assert!(!stderr.contains("notes.txt is"), "{stderr}");
    assert!(
        env.run(&["show", &id]).contains("iep draft.docx"),
        "attached all the same"
    );
}

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
    // The signer's letterhead, then the date.
    assert!(
        letter.starts_with("**Rosalind Quinnimore**\\\n")
            && letter.contains("\n\nDecember 1, 2026\n\nTo: Dr. Oyelaran\n"),
        "{letter}"
    );
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

/// Runs a command; returns (exit code, stdout, stderr).
fn outcome(env: &TestEnv, args: &[&str]) -> (i32, String, String) {
    let out = env.cmd(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_letter_check_suggests_runs() {
    let mut env = TestEnv::bare();
    let w = demo(&env);
    // Run the next steps exactly as check prints them, in the demo workspace.
    env.extra_env.push(("IEPCASE_WORKSPACE".into(), w.clone()));
    let (code, stdout, stderr) = outcome(&env, &["check", "--today", "2026-11-28", "--json"]);
    assert_eq!(code, 3, "{stderr}");
    let findings: Vec<serde_json::Value> = serde_json::from_str(&stdout).unwrap();
    let pwn = findings
        .iter()
        .find(|f| f["code"] == "pwn-missing-elements")
        .expect("the example's incomplete PWN is found");
    // A state complaint naming that notice is on file, so check suggests the rung above it;
    // the request for a complete notice is still a letter the case can write without facts.
    let step = pwn["next_step"].as_str().unwrap();
    assert_eq!(
        step,
        "iepcase letter due-process-complaint --for dh41vwehjt"
    );
    let args = ["letter", "pwn-request", "--for", "dh41vwehjt"];
    let (code, letter, stderr) = outcome(&env, &args);
    assert_eq!(code, 0, "`iepcase letter pwn-request` fails:\n{stderr}");
    assert!(
        letter.contains("complete prior written notice in answer to the notice of March 27, 2026")
            && letter.contains("(5) sources the parents can contact for help"),
        "{letter}"
    );
    // No letter check suggests refuses the record it names (facts may still be asked for).
    for step in findings.iter().filter_map(|f| f["next_step"].as_str()) {
        let words: Vec<&str> = step.split_whitespace().collect();
        if words.get(1) != Some(&"letter") {
            continue;
        }
        let mut args = words[1..].to_vec();
        args.push("--no-record");
        let (code, _, stderr) = outcome(&env, &args);
        assert!(
            code == 0 || (code == 1 && stderr.contains("letter needs")),
            "`{step}` fails:\n{stderr}"
        );
    }
}

#[test]
fn a_blank_fact_is_a_missing_fact() {
    let env = TestEnv::with_case();
    let err = env.fail(&["letter", "facilitation-request", "--set", "issue="], 1);
    assert!(
        err.contains("needs a brief description of the issue") && err.contains("--set issue="),
        "{err}"
    );
    let err = env.fail(
        &[
            "letter",
            "state-complaint",
            "--set",
            "issue= ",
            "--set",
            "address=",
            "--set",
            "resolution=",
            "--set",
            "contact=advocate@example.org",
        ],
        1,
    );
    for flag in ["--set issue=", "--set address=", "--set resolution="] {
        assert!(err.contains(flag), "{flag}: {err}");
    }
}

#[test]
fn a_recording_notice_is_never_late_and_says_so_when_short() {
    let env = TestEnv::with_case();
    let meeting = [
        "--set",
        "meeting_date=2026-12-01",
        "--set",
        "meeting_time=09:00",
    ];
    let args = |date: &'static str| {
        let mut a = vec!["letter", "recording-notice", "--no-record", "--date", date];
        a.extend(meeting);
        a
    };
    let err = env.fail(&args("2026-12-05"), 1);
    assert!(
        err.contains("2026-12-05") && err.contains("2026-12-01") && err.contains("hint:"),
        "{err}"
    );
    env.fail(&args("2026-12-01"), 1);
    let (code, letter, stderr) = outcome(&env, &args("2026-11-30"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        letter.contains("24 hours") && !letter.contains("at least 24 hours"),
        "{letter}"
    );
    assert!(
        stderr.contains("warning: the meeting on 2026-12-01 at 09:00 is less than 24 hours")
            && stderr.contains("send it by 2026-11-30 at 09:00"),
        "{stderr}"
    );
    let (code, letter, stderr) = outcome(&env, &args("2026-11-27"));
    assert_eq!(code, 0, "{stderr}");
    assert!(letter.contains("at least 24 hours"), "{letter}");
    assert!(!stderr.contains("less than 24 hours"), "{stderr}");
}

#[test]
fn a_case_without_a_state_writes_letters_under_the_workspace_default_state() {
    // The case is made before the workspace has a default state, so it has none of its own.
    let env = TestEnv::bare();
    env.run(&["init", env.ws.to_str().unwrap(), "--name", "Test Advocate"]);
    env.run(&["case", "new", "c1", "--child", "Zephyrine Okonkwo-Bramble"]);
    let config = env.ws.join("iepcase.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("state = \"MS\"\n{text}")).unwrap();
    let (code, letter, stderr) = outcome(
        &env,
        &[
            "letter",
            "recording-notice",
            "--no-record",
            "--date",
            "2026-11-27",
            "--set",
            "meeting_date=2026-12-01",
            "--set",
            "meeting_time=09:00",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        letter.contains("(Miss. Code Ann. § 37-23-31)") && letter.contains("at least 24 hours"),
        "Mississippi's law and notice period, as `deadlines` uses for this case: {letter}"
    );
}

#[test]
fn a_facilitation_request_outside_mississippi_cites_no_mississippi_law() {
    let env = TestEnv::bare();
    env.run(&["init", env.ws.to_str().unwrap(), "--name", "Test Advocate"]);
    env.run(&[
        "case",
        "new",
        "c1",
        "--child",
        "Zephyrine Okonkwo-Bramble",
        "--state",
        "TX",
        "--district",
        "Rio Verde ISD",
    ]);
    let (code, letter, stderr) = outcome(
        &env,
        &[
            "letter",
            "facilitation-request",
            "--no-record",
            "--set",
            "issue=meetings end without agreement",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !letter.contains("Mississippi") && !letter.contains("74.19"),
        "a Texas letter cites no Mississippi law: {letter}"
    );
    assert!(
        letter.contains("Authority: the State's dispute-resolution procedures")
            && letter.contains("To: Texas Education Agency"),
        "{letter}"
    );
    assert!(
        stderr.contains("this letter relies on a rule marked unconfirmed"),
        "{stderr}"
    );
    let list: serde_json::Value =
        serde_json::from_str(&env.run(&["--json", "letter", "--list"])).unwrap();
    let facilitation = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "facilitation-request")
        .unwrap();
    assert_eq!(facilitation["states"]["MS"]["confidence"], "secondary");
    assert_eq!(facilitation["confidence"], "unconfirmed");
}

#[test]
fn without_to_a_letter_goes_to_the_fitting_contact() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let (code, letter, stderr) = outcome(
        &env,
        &[
            "-w",
            &w,
            "letter",
            "records-request",
            "--date",
            "2026-12-01",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let director =
        "Dr. Harland Vesey, director of special education, Tallowmere County School District";
    assert!(letter.contains(&format!("To: {director}")), "{letter}");
    assert!(
        stderr.contains(&format!("Addressed to {director}")),
        "{stderr}"
    );
    let id = stderr.trim().rsplit(' ').next().unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "show", id])).unwrap();
    assert_eq!(record["to"], director);
    let letter = env.run(&[
        "-w",
        &w,
        "letter",
        "mediation-request",
        "--set",
        "issue=text-to-speech",
        "--no-record",
    ]);
    assert!(
        letter.contains("To: Gwendolyn Ashcombe, dispute resolution coordinator"),
        "{letter}"
    );
}

#[test]
fn a_letter_for_a_case_with_no_contacts_goes_to_the_director_by_title() {
    let env = TestEnv::with_case();
    let (code, letter, stderr) = outcome(&env, &["letter", "records-request"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        letter.contains("\n\nTo: Director of Special Education\n\nFrom: "),
        "{letter}"
    );
    assert!(
        stderr.contains("Addressed to Director of Special Education (pass --to to change it)"),
        "{stderr}"
    );
    let id = stderr.trim().rsplit(' ').next().unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["--json", "show", id])).unwrap();
    assert_eq!(record["to"], "Director of Special Education");
    env.run(&["case", "edit", "--set", "district=Larkspur Parish Schools"]);
    let letter = env.run(&["letter", "records-request", "--no-record"]);
    assert!(
        letter.contains("\nTo: Director of Special Education, Larkspur Parish Schools\n"),
        "{letter}"
    );
}

/// The lines of text of every page of a PDF, top to bottom, each line's runs left to right.
fn pdf_lines(pdf: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for page in crate::pdf_layout::page_layouts(pdf) {
        let mut rows: std::collections::BTreeMap<i64, Vec<&crate::pdf_layout::Run>> =
            Default::default();
        for run in &page.runs {
            // PDF y grows upwards: negated, rows sort top to bottom.
            rows.entry(-(run.y0.round() as i64)).or_default().push(run);
        }
        for runs in rows.values_mut() {
            runs.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            out.push(
                runs.iter()
                    .map(|r| r.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            );
        }
    }
    out
}

#[test]
fn a_pdf_letter_never_breaks_a_line_inside_a_citation_or_a_time() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let mut broken = Vec::new();
    for (name, extra) in [
        ("records-request", vec!["--set", "meeting=2026-12-08"]),
        (
            "recording-notice",
            vec![
                "--set",
                "meeting_date=2026-12-08",
                "--set",
                "meeting_time=09:00",
                "--set",
                "place=the school conference room",
            ],
        ),
        (
            "iep-meeting-request",
            vec![
                "--set",
                "reason=speech-language sessions have been missed since January",
            ],
        ),
    ] {
        let pdf = env.root().join(format!("{name}.pdf"));
        let mut args = vec![
            "-w",
            &w,
            "letter",
            name,
            "--no-record",
            "--out",
            pdf.to_str().unwrap(),
        ];
        args.extend(extra);
        env.run(&args);
        let lines = pdf_lines(&pdf);
        for pair in lines.windows(2) {
            let (end, next) = (pair[0].trim_end(), pair[1].trim_start());
            let split_citation = end.ends_with(')') && next.starts_with('(')
                || end.ends_with("CFR")
                || end.ends_with('§')
                || end
                    .split_whitespace()
                    .last()
                    .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit() || c == '('))
                    && next.starts_with("CFR")
                || next.starts_with("a.m.")
                || next.starts_with("p.m.");
            if split_citation {
                broken.push(format!("{name}: `{end}` / `{next}`"));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

#[test]
fn a_long_addressee_wraps_under_the_name_in_a_pdf_letter() {
    let env = TestEnv::with_case();
    env.run(&[
        "case",
        "edit",
        "--set",
        "district=Greater Northwestern Consolidated Independent Unified School District of the Lakes",
    ]);
    let pdf = env.root().join("letter.pdf");
    env.run(&[
        "letter",
        "records-request",
        "--no-record",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let page = &crate::pdf_layout::page_layouts(&pdf)[0];
    let row_of = |needle: &str| {
        page.runs
            .iter()
            .find(|r| r.text.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}`: {:?}", page.runs))
            .y0
    };
    let left = |y: f64| {
        page.runs
            .iter()
            .filter(|r| (r.y0 - y).abs() < 1.0)
            .map(|r| r.x0)
            .fold(f64::INFINITY, f64::min)
    };
    let to = row_of("To:");
    let from = row_of("From:");
    // The addressee takes two lines: the second one is between them.
    let second = page
        .runs
        .iter()
        .map(|r| r.y0)
        .filter(|y| *y < to - 1.0 && *y > from + 1.0)
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(second.is_finite(), "the addressee wraps: {:?}", page.runs);
    assert!(
        left(second) > left(to) + 10.0,
        "the second line starts under the name ({:.1}), not under `To:` ({:.1})",
        left(second),
        left(to)
    );
}

#[test]
fn a_pdf_letter_never_leaves_a_heading_at_the_foot_of_a_page() {
    let env = TestEnv::with_case();
    let mut orphans = Vec::new();
    // Each fact takes one line: as they grow, the heading after them comes to every line of
    // the first page in turn, the last one included.
    for count in 24..=40 {
        let pdf = env.root().join(format!("complaint-{count}.pdf"));
        let mut args = vec![
            "letter".to_owned(),
            "state-complaint".into(),
            "--no-record".into(),
            "--set".into(),
            "address=12 Oak Street, Town, MS 39000".into(),
            "--set".into(),
            "contact=advocate@example.org".into(),
            "--set".into(),
            "resolution=compensatory services".into(),
            "--out".into(),
            pdf.to_str().unwrap().into(),
        ];
        for n in 1..=count {
            args.extend(["--set".into(), format!("issue=session {n} was missed")]);
        }
        env.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
        let pages = crate::pdf_layout::page_layouts(&pdf);
        let page_of = |needle: &str| {
            pages
                .iter()
                .position(|p| p.runs.iter().any(|r| r.text.contains(needle)))
                .unwrap_or_else(|| panic!("no `{needle}` with {count} facts"))
        };
        for (heading, first) in [("Facts", "Session 1 was"), ("The child", "Name:")] {
            if page_of(heading) != page_of(first) {
                orphans.push(format!("{count} facts: `{heading}` apart from `{first}`"));
            }
        }
    }
    assert!(orphans.is_empty(), "{}", orphans.join("\n"));
}

#[test]
fn out_and_pdf_never_write_into_a_case_folder() {
    let env = TestEnv::with_case();
    let inside = env.case_dir("c1").join("letter.md");
    let sneaky = env
        .case_dir("c1")
        .join("..")
        .join("c1")
        .join("records")
        .join("x.pdf");
    for (flag, path) in [("--out", &inside), ("--pdf", &sneaky)] {
        let err = env.fail(
            &[
                "letter",
                "records-request",
                "--no-record",
                flag,
                path.to_str().unwrap(),
            ],
            1,
        );
        assert!(
            err.contains("is inside the case folder, which holds only encrypted files")
                && err.contains("hint:"),
            "{err}"
        );
        assert!(!path.exists());
    }
}

#[test]
fn a_bad_out_path_names_the_path_and_how_to_fix_it() {
    let env = TestEnv::with_case();
    let dir = env.root().join("letters");
    std::fs::create_dir_all(&dir).unwrap();
    let err = env.fail(
        &[
            "letter",
            "records-request",
            "--no-record",
            "--force",
            "--out",
            dir.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains(&format!("{} is a folder", dir.display()))
            && err.contains("hint: give a file name in it"),
        "{err}"
    );
    let missing = env.root().join("nonexistent").join("x.md");
    let err = env.fail(
        &[
            "letter",
            "records-request",
            "--no-record",
            "--out",
            missing.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains(&missing.display().to_string())
            && !err.contains(".iepcase-tmp")
            && err.contains("hint: pick an existing folder"),
        "{err}"
    );
}

/// The text of a `.docx` file's `word/document.xml`.
fn docx_xml(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut archive
            .by_name("word/document.xml")
            .expect("word/document.xml"),
        &mut xml,
    )
    .unwrap();
    xml
}

/// The paragraphs of `word/document.xml`: each paragraph's style and text.
fn docx_paragraphs(xml: &str) -> Vec<(String, String)> {
    let style = regex::Regex::new(r#"<w:pStyle w:val="([^"]+)""#).unwrap();
    let text = regex::Regex::new(r"<w:t[^>]*>([^<]*)</w:t>").unwrap();
    xml.split("<w:p>")
        .chain(xml.split("<w:p ").skip(1))
        .skip(1)
        .filter_map(|p| {
            let p = p.split("</w:p>").next()?;
            let style = style.captures(p)?.get(1)?.as_str().to_owned();
            let text: String = text
                .captures_iter(p)
                .map(|c| c.get(1).unwrap().as_str().to_owned())
                .collect::<Vec<_>>()
                .join("|");
            Some((style, text))
        })
        .collect()
}

#[test]
fn a_letter_as_a_word_document_with_its_parts_styled() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let file = env.root().join("request.docx");
    let out = env
        .cmd(&[
            "-w",
            &w,
            "letter",
            "records-request",
            "--signer",
            "advocate",
            "--cc",
            "Rosalind Quinnimore",
            "--date",
            "2026-12-01",
            "--out",
            file.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(out.stdout.is_empty(), "the letter went to the file");
    let bytes = std::fs::read(&file).unwrap();
    assert!(
        bytes.starts_with(b"PK"),
        "--out NAME.docx writes a Word document"
    );
    let paragraphs = docx_paragraphs(&docx_xml(&bytes));
    let find = |style: &str| -> Vec<&str> {
        paragraphs
            .iter()
            .filter(|(s, _)| s == style)
            .map(|(_, t)| t.as_str())
            .collect()
    };
    assert_eq!(
        find("Letterhead"),
        [
            "Delphine Akerwood|Gulf Coast Family Advocacy (fictional)|P.O. Box 1200, Jackson, MS 39201|(601) 555-0142 · advocate@example.org"
        ],
        "{paragraphs:?}"
    );
    assert_eq!(find("Date"), ["December 1, 2026"]);
    assert!(
        find("InsideAddress")[0].starts_with("To: Dr. Harland Vesey"),
        "{paragraphs:?}"
    );
    assert!(
        find("Heading1")[0].starts_with("Re: Request for education records: Ezrabel Quinnimore")
            && find("Heading1")[0].ends_with("|Authority: 34\u{a0}CFR\u{a0}300.613(a)"),
        "the subject is a heading, and Word never breaks a line inside its citation: \
         {paragraphs:?}"
    );
    assert!(
        find("BodyText")
            .iter()
            .any(|t| t.starts_with("I am writing to inspect and review")),
        "{paragraphs:?}"
    );
    assert_eq!(find("Closing"), ["Sincerely,"]);
    assert_eq!(
        find("Signature"),
        ["Delphine Akerwood|Parent advocate|Gulf Coast Family Advocacy (fictional)"]
    );
    assert_eq!(find("Copies"), ["cc: Rosalind Quinnimore"]);
    assert!(
        !paragraphs
            .iter()
            .any(|(_, t)| t.contains("**") || t.contains('\\')),
        "no Markdown marks: {paragraphs:?}"
    );
    // The record keeps the Markdown and the Word document.
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
        [
            "records-request-2026-12-01.md",
            "records-request-2026-12-01.docx"
        ]
    );
    // The record's body is the letter as plain text, without Markdown marks.
    let body = record["body"].as_str().unwrap();
    assert!(
        body.contains("Re: Request for education records") && !body.contains('\\'),
        "{body}"
    );
    // The same letter twice gives the same bytes; a binary format may be piped on.
    let piped = env
        .cmd(&[
            "-w",
            &w,
            "letter",
            "records-request",
            "--signer",
            "advocate",
            "--cc",
            "Rosalind Quinnimore",
            "--date",
            "2026-12-01",
            "--format",
            "docx",
            "--no-record",
        ])
        .output()
        .unwrap();
    assert!(piped.status.success(), "{}", crate::describe(&piped));
    assert!(
        piped.stdout == bytes,
        "the same bytes: {}",
        docx_xml(&piped.stdout) == docx_xml(&bytes)
    );
}

#[test]
fn a_letter_as_plain_text_has_no_markdown_and_fits_72_columns() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let text = env.run(&[
        "-w",
        &w,
        "letter",
        "state-complaint",
        "--set",
        "issue=speech-language minutes were not delivered from January to May 2026",
        "--set",
        "address=12 Oak Street, Tallowmere, MS 39000",
        "--set",
        "resolution=compensatory speech-language services",
        "--format",
        "txt",
        "--no-record",
    ]);
    assert!(
        !text.contains("**") && !text.contains('\\') && !text.contains('#'),
        "{text}"
    );
    assert!(
        text.lines().all(|l| l.chars().count() <= 72),
        "wrapped at 72 columns:\n{text}"
    );
    assert!(
        text.contains("1. Statement of violation (300.153(b)(1)).")
            && text.contains("\nSincerely,\n\nRosalind Quinnimore\nParent\n"),
        "{text}"
    );
    // --out FILE.txt writes the same text.
    let file = env.root().join("complaint.txt");
    env.run(&[
        "-w",
        &w,
        "letter",
        "records-request",
        "--no-record",
        "--out",
        file.to_str().unwrap(),
    ]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("Re: Request for education records") && !written.contains('\\'),
        "{written}"
    );
    // A format the file name contradicts is refused.
    let md = env.root().join("letter.md");
    let err = env.fail(
        &[
            "-w",
            &w,
            "letter",
            "records-request",
            "--no-record",
            "--format",
            "pdf",
            "--out",
            md.to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains("--format pdf writes a PDF, but --out")
            && err.contains("letter.pdf")
            && !md.exists(),
        "{err}"
    );
}

#[test]
fn who_signs_and_who_gets_copies() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let letter = |extra: &[&str]| {
        let mut args = vec![
            "-w",
            &w,
            "letter",
            "iep-meeting-request",
            "--set",
            "reason=speech-language sessions have been missed since January",
            "--no-record",
        ];
        args.extend(extra);
        env.run(&args)
    };
    // By default the case's parent signs, with the parent's details on top.
    let parent = letter(&[]);
    assert!(
        parent.starts_with(
            "**Rosalind Quinnimore**\\\n601-555-0142 · rosalind.quinnimore@example.net\n"
        ) && parent.contains("From: Rosalind Quinnimore, Parent\n")
            && parent.ends_with("Sincerely,\n\nRosalind Quinnimore\\\nParent\n"),
        "{parent}"
    );
    let advocate = letter(&["--signer", "advocate"]);
    assert!(
        advocate.starts_with("**Delphine Akerwood**\\\nGulf Coast Family Advocacy (fictional)\\\nP.O. Box 1200, Jackson, MS 39201\\\n(601) 555-0142 · advocate@example.org\n")
            && advocate.ends_with(
                "Delphine Akerwood\\\nParent advocate\\\nGulf Coast Family Advocacy (fictional)\n"
            ),
        "{advocate}"
    );
    let behalf = letter(&[
        "--signer",
        "on-behalf",
        "--cc",
        "Dr. Harland Vesey",
        "--cc",
        "Lenora Fairwick, principal",
        "--format",
        "txt",
    ]);
    assert!(
        behalf.contains(
            "From: Delphine Akerwood, Parent advocate, on behalf of Rosalind\nQuinnimore, the parent"
        ) && behalf.contains("On behalf of Rosalind Quinnimore, parent\n")
            && behalf.contains("A release signed by Rosalind Quinnimore")
            && behalf.ends_with("cc: Dr. Harland Vesey\ncc: Lenora Fairwick, principal\n"),
        "{behalf}"
    );
    // Copies are in the PDF too.
    let pdf = env.root().join("behalf.pdf");
    letter(&[
        "--signer",
        "on-behalf",
        "--cc",
        "Dr. Harland Vesey",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let text = crate::pdf_text::squash(&crate::pdf_text::page_texts(&pdf).join(" "));
    assert!(
        text.contains("cc:Dr.HarlandVesey")
            && text.contains("releasesignedbyRosalindQuinnimore")
            && text.contains("GulfCoastFamilyAdvocacy"),
        "{text}"
    );
}

#[test]
fn a_signer_without_details_is_an_error_naming_what_to_set() {
    let env = TestEnv::with_case();
    let commits = env.commits("c1");
    let err = env.fail(&["letter", "records-request", "--signer", "parent"], 1);
    assert!(
        err.contains("needs the parent's name")
            && err.contains("[[contacts]]")
            && err.contains("role = \"parent\""),
        "{err}"
    );
    for signer in ["advocate", "on-behalf"] {
        let err = env.fail(&["letter", "records-request", "--signer", signer], 1);
        assert!(
            err.contains("[advocate] table") && err.contains("name = "),
            "{signer}: {err}"
        );
    }
    assert_eq!(env.commits("c1"), commits, "nothing recorded");
}

#[test]
fn a_letter_that_asks_for_papers_warns_without_an_address() {
    let env = TestEnv::with_case();
    let out = env
        .cmd(&["letter", "records-request", "--no-record"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the records-request letter asks for papers to be sent to")
            && stderr.contains("add `address = \"…\"` to the [advocate] table"),
        "{stderr}"
    );
    // A letter that asks for nothing to be sent does not warn.
    let out = env
        .cmd(&[
            "letter",
            "iep-meeting-request",
            "--set",
            "reason=x",
            "--no-record",
        ])
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("address"),
        "{}",
        crate::describe(&out)
    );
}

#[test]
fn a_certified_mail_number_is_printed_and_recorded() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env
        .cmd(&[
            "-w",
            &w,
            "letter",
            "records-request",
            "--tracking",
            "7019 0700 0000 1234 5678",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let letter = String::from_utf8_lossy(&out.stdout);
    assert!(
        letter.contains("\n\nSent by certified mail, no. 7019 0700 0000 1234 5678\n\nTo: "),
        "under the date, before the addressee: {letter}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let id = stderr.trim().rsplit(' ').next().unwrap();
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "show", id])).unwrap();
    assert_eq!(record["tracking"], "7019 0700 0000 1234 5678");
    assert_eq!(record["method"], "certified-mail");
    let shown = env.run(&["-w", &w, "show", id]);
    assert!(
        shown.contains("tracking = \"7019 0700 0000 1234 5678\""),
        "{shown}"
    );
    env.run(&[
        "-w",
        &w,
        "edit",
        id,
        "--set",
        "tracking=9400 1000 0000 0000 0001",
    ]);
    let record: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "show", id])).unwrap();
    assert_eq!(record["tracking"], "9400 1000 0000 0000 0001");
    // Without certified mail, no line; a blank number is refused.
    let plain = env.run(&["-w", &w, "letter", "records-request", "--no-record"]);
    assert!(!plain.contains("certified mail"), "{plain}");
    let err = env.fail(
        &[
            "-w",
            &w,
            "letter",
            "records-request",
            "--tracking",
            " ",
            "--no-record",
        ],
        1,
    );
    assert!(
        err.contains("--tracking is blank") && err.contains("hint:"),
        "{err}"
    );
}

//! `prep`: the checklist before a meeting, on the example case (its December 8 IEP meeting)
//! and on small cases; the next steps it prints run as printed; `list`, `timeline`, `case
//! list` and `check` name the meeting.

use serde_json::Value;

use crate::pdf_text::{page_texts, squash};
use crate::{TestEnv, describe};

/// A demo workspace (the example case); returns its path.
fn demo(env: &TestEnv) -> String {
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    dir.to_str().unwrap().to_owned()
}

fn item<'a>(list: &'a Value, key: &str) -> &'a Value {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["key"] == key)
        .unwrap_or_else(|| panic!("no item {key}: {list:#}"))
}

fn prep_json(env: &TestEnv, w: &str) -> Value {
    let out = env.run(&["-w", w, "--json", "prep"]);
    let lists: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(lists.as_array().unwrap().len(), 1, "{lists:#}");
    lists[0].clone()
}

#[test]
fn the_example_case_checklist_for_the_december_meeting() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let text = env.run(&["-w", &w, "prep"]);
    assert!(
        text.starts_with(
            "Before the IEP meeting on 2026-12-08 at 09:00 (in 10 days), to be recorded\n\
             Annual IEP review meeting  m8ptc2wq4e"
        ),
        "{text}"
    );
    for line in [
        "✓ 1. Drafts requested in advance (done)",
        "Evidence: r5dq0nfz7k",
        "☐ 2. Written parent concern statement (to do)",
        "☐ 3. Notice of intent to record (to do)",
        "To do by 2026-12-07 09:00 (in 9 days).",
        "→ iepcase letter recording-notice --for m8ptc2wq4e",
        "Ask for 360 minutes of compensatory speech-language therapy",
        "The draft changes Speech-language therapy from 60 min/week to 30 min/week",
        "The draft removes the accommodation “Guided notes for science and social studies",
        "→ iepcase bundle --purpose iep-meeting --out ~/bundles/iep-meeting-2026-12-08",
    ] {
        assert!(text.contains(line), "missing {line:?} in:\n{text}");
    }
    let list = prep_json(&env, &w);
    assert_eq!(list["case"], "eq-2025");
    assert_eq!(list["meeting"]["id"], "m8ptc2wq4e");
    assert_eq!(list["meeting"]["recorded"], true);
    let statuses: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["key"].as_str().unwrap(), i["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("drafts", "done"),
            ("parent-concerns", "todo"),
            ("recording-notice", "todo"),
            ("asks", "todo"),
            ("ladder", "todo"),
            ("bring", "todo"),
        ]
    );
    assert_eq!(item(&list, "drafts")["confidence"], "iepcase-default");
    assert_eq!(item(&list, "recording-notice")["due_time"], "09:00");
    let sources: Vec<&str> = item(&list, "asks")["asks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["source"].as_str().unwrap())
        .collect();
    for source in ["refusal", "missed-services", "draft-change"] {
        assert!(sources.contains(&source), "{sources:?}");
    }
    // Markdown, for editing.
    let md = env.run(&["-w", &w, "prep", "m8pt", "--format", "md"]);
    assert!(
        md.starts_with("# Before the meeting: Annual IEP review meeting"),
        "{md}"
    );
    assert!(
        md.contains("## 3. Notice of intent to record (to do)"),
        "{md}"
    );
    assert!(
        md.contains("Next: `iepcase letter recording-notice --for m8ptc2wq4e`"),
        "{md}"
    );
}

#[test]
fn the_next_steps_run_as_printed_and_tick_the_items() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let list = prep_json(&env, &w);
    for key in ["recording-notice", "parent-concerns"] {
        let step = item(&list, key)["next_step"].as_str().unwrap().to_owned();
        let words = shell_words(&step);
        assert_eq!(words[0], "iepcase");
        let mut args: Vec<&str> = vec!["-w", &w];
        args.extend(words[1..].iter().map(String::as_str));
        let out = env.cmd(&args).output().unwrap();
        assert!(out.status.success(), "{step}\n{}", describe(&out));
    }
    let list = prep_json(&env, &w);
    for key in ["recording-notice", "parent-concerns"] {
        let done = item(&list, key);
        assert_eq!(done["status"], "done", "{done:#}");
        assert_eq!(done["evidence"].as_array().unwrap().len(), 1);
    }
    // check no longer asks for them.
    let out = env.cmd(&["-w", &w, "--json", "check"]).output().unwrap();
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "recording-notice-missing"),
        "{findings:#}"
    );
}

/// Splits a command as a POSIX shell would, for the double quotes next steps use.
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    words.push(word);
    words
}

#[test]
fn check_reports_the_recording_notice_inside_the_two_weeks() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env.cmd(&["-w", &w, "--json", "check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let findings: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<&Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "recording-notice-missing")
        .collect();
    assert_eq!(found.len(), 1, "{findings:#}");
    assert_eq!(found[0]["record"], "m8ptc2wq4e");
    assert_eq!(found[0]["severity"], "warning");
    assert_eq!(
        found[0]["next_step"],
        "iepcase letter recording-notice --for m8ptc2wq4e"
    );
    // The drafts were asked for: no finding about them.
    assert!(
        !findings
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "drafts-not-requested")
    );
}

#[test]
fn prep_writes_a_printable_pdf_and_a_calendar() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let pdf = env.root().join("prep.pdf");
    let ics = env.root().join("prep.ics");
    env.run(&[
        "-w",
        &w,
        "prep",
        "--pdf",
        pdf.to_str().unwrap(),
        "--ics",
        ics.to_str().unwrap(),
    ]);
    let pages = page_texts(&pdf);
    let all = squash(&pages.join(" "));
    for phrase in [
        "Beforethemeeting:AnnualIEPreviewmeeting",
        "1.Draftsrequestedinadvance(done)",
        "3.Noticeofintenttorecord(todo)",
        "iepcaseletterrecording-notice--form8ptc2wq4e",
    ] {
        assert!(all.contains(phrase), "missing {phrase} in {all}");
    }
    assert!(!all.contains('`'), "no Markdown code marks in the PDF");
    let calendar = std::fs::read_to_string(&ics).unwrap();
    assert!(calendar.starts_with("BEGIN:VCALENDAR"), "{calendar}");
    assert!(
        calendar.contains("Notice of intent to record"),
        "{calendar}"
    );
    assert!(
        calendar.contains("Write the parent concern statement"),
        "{calendar}"
    );
    assert!(
        !calendar.contains("Ezrabel"),
        "no child names in the calendar"
    );
    // Neither is overwritten without --force.
    let err = env.fail(&["-w", &w, "prep", "--pdf", pdf.to_str().unwrap()], 1);
    assert!(err.contains("already exists"), "{err}");
    env.run(&["-w", &w, "prep", "--pdf", pdf.to_str().unwrap(), "--force"]);
}

#[test]
fn list_timeline_and_case_list_name_the_next_meeting() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env.cmd(&["-w", &w, "list"]).output().unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    let row = stdout
        .lines()
        .find(|l| l.starts_with("m8ptc2wq4e"))
        .unwrap();
    assert!(
        row.contains("[upcoming] Annual IEP review meeting"),
        "{row}"
    );
    let past = stdout
        .lines()
        .find(|l| l.starts_with("d8fvew8njd"))
        .unwrap();
    assert!(!past.contains("[upcoming]"), "{past}");
    assert!(
        stderr.contains(
            "Next meeting: 2026-12-08 09:00, Annual IEP review meeting (m8ptc2wq4e); prepare \
             with `iepcase prep`"
        ),
        "{stderr}"
    );
    let out = env.cmd(&["-w", &w, "timeline"]).output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Next meeting: 2026-12-08 09:00"),
        "{}",
        describe(&out)
    );
    let cases: Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "case", "list"])).unwrap();
    assert_eq!(cases[0]["next_meeting"]["id"], "m8ptc2wq4e");
    assert_eq!(cases[0]["next_meeting"]["time"], "09:00");
    let table = env.run(&["-w", &w, "case", "list"]);
    assert!(table.contains("NEXT MEETING"), "{table}");
    assert!(
        table.contains("2026-12-08 09:00  Annual IEP review meeting"),
        "{table}"
    );
}

#[test]
fn a_case_without_a_meeting_ahead_says_how_to_add_one() {
    let env = TestEnv::with_case();
    let err = env.fail(&["prep"], 1);
    assert!(
        err.contains("case `c1`: the case has no upcoming meeting"),
        "{err}"
    );
    assert!(err.contains("iepcase add meeting --date"), "{err}");
    let past = env
        .run(&[
            "add",
            "meeting",
            "--date",
            "2026-10-01",
            "--title",
            "IEP meeting",
            "--set",
            "type=iep",
        ])
        .trim()
        .to_owned();
    let err = env.fail(&["prep", &past], 1);
    assert!(err.contains("has already taken place"), "{err}");
    let note = env.add_note("a note");
    let err = env.fail(&["prep", &note], 1);
    assert!(err.contains("is a note, not a meeting"), "{err}");
    // `--all` with nothing ahead is not an error.
    let out = env.run(&["--json", "prep", "--all"]);
    assert_eq!(out.trim(), "[]");
}

#[test]
fn prep_all_takes_every_case_with_a_meeting_in_the_window() {
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "meeting",
        "--date",
        "2026-12-10",
        "--title",
        "IEP meeting",
        "--set",
        "type=iep",
    ]);
    env.run(&["case", "new", "c2", "--child", "Pat Roe", "--state", "TX"]);
    env.run(&[
        "-c",
        "c2",
        "add",
        "meeting",
        "--date",
        "2027-01-20",
        "--title",
        "ARD meeting",
        "--set",
        "type=iep",
    ]);
    let lists: Value = serde_json::from_str(&env.run(&["--json", "prep", "--all"])).unwrap();
    let cases: Vec<&str> = lists
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["case"].as_str().unwrap())
        .collect();
    assert_eq!(cases, ["c1"]);
    let lists: Value =
        serde_json::from_str(&env.run(&["--json", "prep", "--all", "--days", "60"])).unwrap();
    assert_eq!(lists.as_array().unwrap().len(), 2);
    // Federal-only drafts clock on the Texas case, still labelled as iepcase's.
    let text = env.run(&["prep", "--all", "--days", "60"]);
    assert!(text.contains("Case c2"), "{text}");
    assert!(text.contains("iepcase's default, not the law's"), "{text}");
}

#[test]
fn the_ladder_step_for_a_communication_breakdown_runs_as_printed() {
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "meeting",
        "--date",
        "2026-10-20",
        "--title",
        "IEP meeting",
        "--set",
        "type=iep",
        "--set",
        "ended_early=true",
    ]);
    env.run(&[
        "add",
        "meeting",
        "--date",
        "2026-12-07",
        "--title",
        "Facilitated IEP meeting",
        "--set",
        "type=facilitated-iep",
    ]);
    let lists: Value = serde_json::from_str(&env.run(&["--json", "prep"])).unwrap();
    let ladder = item(&lists[0], "ladder");
    assert_eq!(ladder["rung"], "communication", "{ladder:#}");
    let step = ladder["next_step"].as_str().unwrap();
    let words = shell_words(step);
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let out = env.cmd(&args).output().unwrap();
    assert!(out.status.success(), "{step}\n{}", describe(&out));
}

//! `deadlines`, `check`, the calendar file and `case list`'s next deadline, on the example
//! case and on small cases; workspace rule files, good and bad.

use serde_json::Value;

use crate::{TestEnv, describe};

/// A demo workspace (the example case); returns its path.
fn demo(env: &TestEnv) -> String {
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    dir.to_str().unwrap().to_owned()
}

fn json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text)
        .expect("valid JSON")
        .as_array()
        .expect("an array")
        .clone()
}

/// The entry whose `key` is `value` and `record`/`trigger` is `id`.
fn find<'a>(items: &'a [Value], key: &str, value: &str, id_key: &str, id: &str) -> &'a Value {
    let found: Vec<&Value> = items
        .iter()
        .filter(|v| v[key] == value && v[id_key] == id)
        .collect();
    assert_eq!(found.len(), 1, "one {key}={value} for {id}: {items:#?}");
    found[0]
}

/// Runs a command expecting exit code `code`; returns stdout.
fn stdout_with(env: &TestEnv, args: &[&str], code: i32) -> String {
    let out = env.cmd(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "{args:?}\n{}",
        describe(&out)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_example_case_findings() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = stdout_with(
        &env,
        &["-w", &w, "check", "--today", "2026-11-28", "--json"],
        3,
    );
    let findings = json(&out);
    let f = |code, id| find(&findings, "code", code, "record", id);
    // The verbal refusal without prior written notice (and the other two refusals).
    let verbal = f("refusal-without-pwn", "ttna5necv1");
    assert_eq!(verbal["case"], "eq-2025");
    assert!(
        verbal["message"]
            .as_str()
            .unwrap()
            .contains("by phone, not in writing")
    );
    assert_eq!(verbal["cite"], "34 CFR 300.503(a)");
    f("refusal-without-pwn", "9brrgkeehy");
    f("refusal-without-pwn", "3sz3kgt8mz");
    // The prior written notice missing two of its seven elements.
    let pwn = f("pwn-missing-elements", "dh41vwehjt");
    assert_eq!(pwn["severity"], "error");
    assert!(
        pwn["message"]
            .as_str()
            .unwrap()
            .contains("leaves out 2 of the 7")
    );
    // A facilitation request and a state complaint naming the notice came after it, so the
    // next step climbs past asking for a complete notice.
    assert_eq!(
        pwn["next_step"],
        "iepcase letter due-process-complaint --for dh41vwehjt"
    );
    assert!(pwn["message"].as_str().unwrap().contains(
        "Already on file: a request for facilitation (2026-03-31), a state complaint (2026-08-24)."
    ));
    // The recording notice sent about 20 hours before the meeting (Mississippi, secondary).
    let notice = f("recording-notice-late", "34xzsxz6r9");
    assert!(
        notice["message"]
            .as_str()
            .unwrap()
            .contains("about 20 hours")
    );
    assert_eq!(notice["confidence"], "secondary");
    // Three refusals of the accommodation request, with the escalation ladder.
    let ladder = f("repeated-refusals", "6zcyhq27et");
    assert!(ladder["message"].as_str().unwrap().contains("3 times"));
    assert!(
        ladder["message"]
            .as_str()
            .unwrap()
            .contains("facilitated IEP meeting")
    );
    // Missed speech minutes.
    for log in ["70s0jsqma2", "5cb97ge6zj", "rb6aa57m7b"] {
        assert_eq!(f("service-minutes-short", log)["severity"], "error");
    }
    // The annual review due 2026-12-08, within 30 days: the meeting is scheduled that day,
    // so it is a note, and the next step is to prepare for it, not to ask for a meeting.
    let review = f("annual-review-due", "x760srq3ep");
    let message = review["message"].as_str().unwrap();
    assert!(message.contains("2026-12-08 (in 10 days)"), "{message}");
    assert!(
        message.contains("The IEP meeting is scheduled for 2026-12-08"),
        "{message}"
    );
    assert_eq!(review["severity"], "info");
    assert_eq!(review["next_step"], "iepcase prep m8ptc2wq4e");
    // A complaint issue older than one year.
    let old = f("complaint-issue-too-old", "d8e0kv4ezp");
    assert!(old["message"].as_str().unwrap().contains("2025-03-14"));
    // The hearing disclosure date.
    let disclosure = f("hearing-disclosure", "c66af4k3q3");
    assert!(
        disclosure["message"]
            .as_str()
            .unwrap()
            .contains("by 2027-01-19")
    );
    assert_eq!(disclosure["severity"], "info");
    for finding in &findings {
        for key in ["case", "code", "severity", "message"] {
            assert!(finding[key].is_string(), "{key} in {finding}");
        }
        let severity = finding["severity"].as_str().unwrap();
        assert!(["info", "warning", "error"].contains(&severity));
    }
    // Text output: the same findings, each with its next step; a summary on stderr.
    let out = env
        .cmd(&["-w", &w, "check", "--today", "2026-11-28"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error   pwn-missing-elements  dh41vwehjt"),
        "{text}"
    );
    assert!(
        text.contains(
            "  next: iepcase bundle --purpose due-process --out ~/bundles/due-process-c66af4k3q3\n\n"
        ),
        "a step that is not a letter needs nothing more: {text}"
    );
    // A letter that needs facts the case does not hold says which flags give them. (The
    // state complaint naming this refusal is on file: the next rung is due process.)
    assert!(
        text.contains(
            "  next: iepcase letter due-process-complaint --for ttna5necv1\n        needs --set \
             issue=… --set address=… --set resolution=…"
        ),
        "{text}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("Not legal advice"), "{stderr}");
}

#[test]
fn the_example_case_deadlines() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env.run(&["-w", &w, "deadlines", "--today", "2026-11-28", "--json"]);
    let deadlines = json(&out);
    let d = |rule, trigger| find(&deadlines, "rule", rule, "trigger", trigger);
    let review = d("annual-review", "x760srq3ep");
    assert_eq!(review["case"], "eq-2025");
    assert_eq!(review["start"], "2025-12-09");
    assert_eq!(review["due"], "2026-12-08");
    assert_eq!(review["status"], "open");
    assert_eq!(review["days_left"], 10);
    assert_eq!(review["day_type"], "calendar");
    assert_eq!(review["cite"], "34 CFR 300.324(b)(1)(i)");
    assert_eq!(review["confidence"], "confirmed");
    assert_eq!(review["approximate"], false);
    assert_eq!(d("records-access", "9a1nn3majz")["due"], "2026-12-08");
    let disclosure = d("evidence-disclosure", "c66af4k3q3");
    assert_eq!(
        (disclosure["due"].as_str(), disclosure["day_type"].as_str()),
        (Some("2027-01-19"), Some("business"))
    );
    assert_eq!(
        d("iee-public-expense", "9gpqec30et")["status"],
        "obligation"
    );
    let decision = d("state-complaint-decision", "d8e0kv4ezp");
    assert_eq!(
        (decision["status"].as_str(), decision["met_by"].as_str()),
        (Some("met"), Some("vfr7t24z7v"))
    );
    // A window that ran out with nothing owed is `ended` (SPEC section 11), not `met`.
    let forwarded = d("state-complaint-forwarded", "d8e0kv4ezp");
    assert_eq!(forwarded["status"], "ended");
    assert_eq!(forwarded["ended"], true);
    for entry in &deadlines {
        let status = entry["status"].as_str().unwrap();
        assert!(
            ["open", "overdue", "met", "obligation", "ended"].contains(&status),
            "{entry}"
        );
    }
    // Text: grouped by urgency, with citations.
    let text = env.run(&["-w", &w, "deadlines", "--today", "2026-11-28"]);
    let soon = text.find("Due within 14 days").expect("a due-soon group");
    let later = text.find("Later").expect("a later group");
    let met = text.find("Met or ended").expect("a met group");
    let obligations = text.find("Obligations").expect("an obligations group");
    assert!(soon < later && later < met && met < obligations, "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("x760srq3ep"))
        .expect("the annual review");
    for part in [
        "2026-12-08",
        "in 10d",
        "confirmed",
        "34 CFR 300.324(b)(1)(i)",
        "Annual IEP review",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    // Later on, the annual review is overdue and comes first.
    let text = env.run(&["-w", &w, "deadlines", "--today", "2026-12-20"]);
    let overdue = text.find("Overdue").expect("an overdue group");
    assert!(overdue < text.find("Annual IEP review").unwrap(), "{text}");
}

#[test]
fn calendar_file_is_stable_and_names_no_child() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let ics = env.root().join("deadlines.ics");
    let ics_path = ics.to_str().unwrap();
    env.run(&[
        "-w",
        &w,
        "deadlines",
        "--today",
        "2026-11-28",
        "--ics",
        ics_path,
    ]);
    let first = std::fs::read_to_string(&ics).unwrap();
    assert!(first.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(
        first.contains("DTSTAMP:20261128T000000Z\r\n"),
        "fixed from --today"
    );
    assert!(
        first.contains("DTSTART;VALUE=DATE:20261208\r\nDTEND;VALUE=DATE:20261209\r\n"),
        "{first}"
    );
    assert!(first.contains("BEGIN:VALARM"));
    assert!(
        !first.contains("Ezrabel") && !first.contains("Quinnimore"),
        "no child names"
    );
    let uids: Vec<&str> = first.lines().filter(|l| l.starts_with("UID:")).collect();
    assert!(
        uids.iter()
            .any(|u| u.starts_with("UID:x760srq3ep.annual-review.")),
        "{uids:?}"
    );
    let unique: std::collections::HashSet<&&str> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "one UID per event");
    // Again, the same day: byte for byte the same file. A later day: the same UIDs.
    env.run(&[
        "-w",
        &w,
        "deadlines",
        "--today",
        "2026-11-28",
        "--ics",
        ics_path,
    ]);
    assert_eq!(std::fs::read_to_string(&ics).unwrap(), first);
    env.run(&[
        "-w",
        &w,
        "deadlines",
        "--today",
        "2026-12-01",
        "--ics",
        ics_path,
    ]);
    let later = std::fs::read_to_string(&ics).unwrap();
    let review_uid = uids.iter().find(|u| u.contains("annual-review")).unwrap();
    assert!(
        later.contains(review_uid),
        "a re-import updates the same event"
    );
    assert!(later.contains("DTSTAMP:20261201T000000Z"));
    // A met deadline stays as a cancelled event with no reminder, so that importing the file
    // again clears a stale reminder; `-` writes the calendar to standard output.
    let stdout = env.run(&["-w", &w, "deadlines", "--today", "2026-12-01", "--ics", "-"]);
    assert_eq!(stdout, later, "the same calendar on standard output");
    let met = later
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("SUMMARY:eq-2025: met: Prior written notice"))
        .expect("a met deadline's event");
    assert!(
        met.contains("STATUS:CANCELLED") && !met.contains("VALARM"),
        "{met}"
    );
    assert!(!env.root().join("-").exists());
    let missing = env.root().join("no-such-folder/deadlines.ics");
    let err = env.fail(
        &["-w", &w, "deadlines", "--ics", missing.to_str().unwrap()],
        1,
    );
    assert!(
        err.contains("no-such-folder does not exist") && err.contains("hint:"),
        "{err}"
    );
    // Without --today, the stamp comes from IEPCASE_NOW (the test clock), never the wall clock.
    env.run(&["-w", &w, "deadlines", "--ics", ics_path]);
    assert!(
        std::fs::read_to_string(&ics)
            .unwrap()
            .contains("DTSTAMP:20261128T000000Z")
    );
}

#[test]
fn case_list_shows_the_next_deadline() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let out = env.run(&["-w", &w, "case", "list", "--json"]);
    let cases = json(&out);
    let next = &cases[0]["next_deadline"];
    assert_eq!(next["rule"], "due-process-response");
    assert_eq!(next["due"], "2026-11-29");
    assert_eq!(next["days_left"], 1);
    let text = env.run(&["-w", &w, "case", "list"]);
    assert!(text.contains("NEXT DEADLINE"), "{text}");
    assert!(text.contains("2026-11-29  District's response"), "{text}");
}

#[test]
fn case_list_puts_an_overdue_deadline_first() {
    let mut env = TestEnv::bare();
    let w = demo(&env);
    env.extra_env
        .push(("IEPCASE_NOW".into(), "2027-03-01T09:00:00Z".into()));
    let cases = json(&env.run(&["-w", &w, "case", "list", "--json"]));
    let next = &cases[0]["next_deadline"];
    assert_eq!(next["status"], "overdue", "{next}");
    assert!(next["days_left"].as_i64().unwrap() < 0, "{next}");
    let text = env.run(&["-w", &w, "case", "list"]);
    assert!(text.contains("(OVERDUE, and "), "{text}");
}

/// A records request whose 45-day clock is easy to follow.
fn add_records_request(env: &TestEnv) -> String {
    env.run(&[
        "add",
        "request",
        "--date",
        "2026-11-09",
        "--title",
        "Records request",
        "--set",
        "type=records",
    ])
    .trim()
    .to_owned()
}

#[test]
fn a_clean_case_checks_clean_and_a_workspace_rule_overrides_by_id() {
    let env = TestEnv::with_case();
    let out = env.cmd(&["check"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("No findings"));
    assert!(env.run(&["deadlines"]).contains("No deadlines"));
    let id = add_records_request(&env);
    let deadlines = json(&env.run(&["deadlines", "--json", "--today", "2026-11-28"]));
    assert_eq!(
        find(&deadlines, "rule", "records-access", "trigger", &id)["due"],
        "2026-12-24"
    );
    std::fs::create_dir_all(env.ws.join("rules")).unwrap();
    std::fs::write(
        env.ws.join("rules/ms.toml"),
        "# Our district answers in 30 days by local policy.\n[[rule]]\nid = \"records-access\"\n\
         label = \"Records (local policy: 30 days)\"\ncite = \"District policy 5.2\"\n\
         confidence = \"unconfirmed\"\nwhen = { kind = \"request\", type = \"records\" }\n\
         days = 30\nsatisfied_by = [{ kind = \"response\", relation = \"responds_to\" }]\n",
    )
    .unwrap();
    let deadlines = json(&env.run(&["deadlines", "--json", "--today", "2026-11-28"]));
    let local = find(&deadlines, "rule", "records-access", "trigger", &id);
    assert_eq!(
        (local["due"].as_str(), local["cite"].as_str()),
        (Some("2026-12-09"), Some("District policy 5.2"))
    );
    // Past the local deadline, check reports the request (exit 3).
    let out = stdout_with(&env, &["check", "--json", "--today", "2026-12-15"], 3);
    let findings = json(&out);
    let finding = find(&findings, "code", "request-unanswered", "record", &id);
    assert_eq!(finding["severity"], "error");
}

#[test]
fn a_bad_workspace_rule_file_names_file_line_and_field() {
    let env = TestEnv::with_case();
    std::fs::create_dir_all(env.ws.join("rules")).unwrap();
    std::fs::write(
        env.ws.join("rules/ms.toml"),
        "[[rule]]\nid = \"records-access\"\nlabel = \"x\"\ncite = \"y\"\nconfidence = \"unconfirmed\"\n\
         when = { kind = \"request\", type = \"records\" }\ndyas = 30\n",
    )
    .unwrap();
    for command in ["deadlines", "check"] {
        let err = env.fail(&[command], 1);
        assert!(
            err.contains("rules/ms.toml:7:1: unknown field `dyas` in `rule[1]`"),
            "{err}"
        );
        assert!(err.contains("did you mean `days`?"), "{err}");
        assert!(err.contains("hint: fix the rule file"), "{err}");
    }
    std::fs::write(
        env.ws.join("rules/ms.toml"),
        "[[rule]]\nid = \"records-access\"\nlabel = \"x\"\ncite = \"y\"\nconfidence = \"sure\"\n\
         when = { kind = \"request\", type = \"recrods\" }\ndays = 30\n",
    )
    .unwrap();
    let err = env.fail(&["deadlines"], 1);
    assert!(err.contains("rules/ms.toml:5:"), "{err}");
    assert!(
        err.contains("`sure` is not a valid `rule[1].confidence`"),
        "{err}"
    );
    // `case list` still works, without deadlines.
    let out = env.cmd(&["case", "list"]).output().unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no deadlines shown"));
}

#[test]
fn all_cases_unknown_states_and_bad_dates() {
    let env = TestEnv::with_case();
    add_records_request(&env);
    env.run(&[
        "case",
        "new",
        "c2",
        "--child",
        "Other Child",
        "--state",
        "AL",
    ]);
    env.run(&[
        "-c",
        "c2",
        "add",
        "meeting",
        "--date",
        "2027-01-26",
        "--title",
        "Hearing",
        "--set",
        "type=hearing",
    ]);
    let out = env
        .cmd(&["deadlines", "--all", "--json", "--today", "2026-11-28"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let deadlines = json(&String::from_utf8(out.stdout).unwrap());
    let cases: std::collections::BTreeSet<&str> = deadlines
        .iter()
        .filter_map(|d| d["case"].as_str())
        .collect();
    assert_eq!(cases.into_iter().collect::<Vec<_>>(), vec!["c1", "c2"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("no rules for state AL"), "{stderr}");
    let text = env.run(&["deadlines", "--all", "--today", "2026-11-28"]);
    assert!(text.contains("CASE") && text.contains("c2"), "{text}");
    let err = env.fail(&["deadlines", "--today", "2026-13-01"], 2);
    assert!(err.contains("not a real calendar date"), "{err}");
}

#[test]
fn demo_shows_the_running_clocks_and_the_findings() {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    let out = env.run(&["demo", dir.to_str().unwrap()]);
    let clocks = out
        .split("The clocks running on the story's today, 2026-11-28")
        .nth(1)
        .expect("a clocks section");
    assert!(
        clocks.contains("2026-11-29  in 1d")
            && clocks.contains("District's response to the due process complaint")
            && clocks.contains("34 CFR 300.508(e)(1)"),
        "{out}"
    );
    let findings = out
        .split("What the district failed to do")
        .nth(1)
        .expect("a findings section");
    assert!(
        findings.contains("7 error(s), 5 warning(s), 2 note(s)")
            && findings.contains("3×  refusal-without-pwn"),
        "{out}"
    );
}

//! diff, timeline, search and log -p.

use crate::TestEnv;

/// A demo workspace, and the `-w` argument for it.
fn demo(env: &TestEnv) -> String {
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    dir.to_str().unwrap().to_owned()
}

#[test]
fn diff_of_the_example_ieps_text_markdown_and_json() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let text = env.run(&["-w", &w, "diff", "x760", "0sah"]);
    assert!(
        text.starts_with("--- x760srq3ep (2025-12-09)\n+++ 0sahk8ww6n (2026-05-04)\n"),
        "{text}"
    );
    assert!(
        text.contains("services: Speech-language therapy: minutes: 30 min/week → 60 min/week"),
        "{text}"
    );
    assert!(text.contains(
        "+ accommodations: Text-to-speech access for grade-level science and social studies texts"
    ));
    let md = env.run(&["-w", &w, "diff", "x760", "0sah", "--format", "md"]);
    assert!(
        md.contains(
            "- **services: Speech-language therapy: minutes**: ~~30 min/week~~ → **60 min/week**"
        ),
        "{md}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["-w", &w, "--json", "diff", "x760", "0sah"])).unwrap();
    assert_eq!(json["from"], "x760srq3ep (2025-12-09)");
    let changes = json["changes"].as_array().unwrap();
    let minutes = changes
        .iter()
        .find(|c| c["section"] == "services" && c["field"] == "minutes")
        .expect("a services change");
    assert_eq!(minutes["item"], "Speech-language therapy");
    assert_eq!(minutes["op"], "changed");
    assert_eq!(minutes["before"], "30 min/week");
    assert_eq!(minutes["after"], "60 min/week");
    for change in changes {
        let op = change["op"].as_str().unwrap();
        assert!(["added", "removed", "changed"].contains(&op));
        assert!(change["section"].is_string());
    }
    let err = env.fail(&["-w", &w, "diff", "x760", "6zcy"], 1);
    assert!(
        err.contains("cannot compare an `iep` record with a `request` record"),
        "{err}"
    );
}

#[test]
fn diff_across_revisions() {
    let env = TestEnv::with_case();
    let id = env.add_note("first title");
    let err = env.fail(&["diff", &id], 1);
    assert!(err.contains("has only one version"), "{err}");
    env.run(&["edit", &id, "--set", "title=second title"]);
    env.run(&["edit", &id, "--set", "summary=added later"]);
    // Default: against the previous version.
    let out = env.run(&["diff", &id]);
    assert!(
        out.contains("summary: added later") && !out.contains("title:"),
        "{out}"
    );
    // Explicit revisions.
    let out = env.run(&["diff", &id, "--rev", "HEAD~2"]);
    assert!(
        out.contains("title: first title → second title") && out.contains("summary"),
        "{out}"
    );
    let out = env.run(&["diff", &id, "--rev", "HEAD~2", "--rev2", "HEAD~1"]);
    assert!(
        out.contains("title: first title → second title") && !out.contains("summary"),
        "{out}"
    );
    let err = env.fail(&["diff", &id, "--rev", "nonsense"], 1);
    assert!(err.contains("is not a revision"), "{err}");
    // A record whose kind an edit changed still compares with its previous version.
    env.run(&[
        "edit",
        &id,
        "--set",
        "kind=communication",
        "--set",
        "direction=sent",
    ]);
    let out = env.run(&["diff", &id]);
    assert!(
        out.contains("kind: note → communication") && out.contains("direction"),
        "{out}"
    );
}

#[test]
fn timeline_orders_same_day_events_and_renders_every_format() {
    let env = TestEnv::with_case();
    let untimed = env
        .run(&[
            "add",
            "note",
            "--date",
            "2026-03-05",
            "--title",
            "Untimed note",
        ])
        .trim()
        .to_owned();
    env.run(&[
        "add",
        "communication",
        "--date",
        "2026-03-05",
        "--time",
        "16:30",
        "--title",
        "Afternoon call",
        "--set",
        "direction=call",
    ]);
    env.run(&[
        "add",
        "communication",
        "--date",
        "2026-03-05",
        "--time",
        "08:15",
        "--title",
        "Morning e-mail",
        "--set",
        "direction=sent",
    ]);
    env.run(&[
        "add",
        "request",
        "--date",
        "2026-02-01",
        "--title",
        "Asked, with \"quotes\"",
        "--set",
        "type=records",
    ]);
    let records_only = [
        "--kind",
        "note",
        "--kind",
        "communication",
        "--kind",
        "request",
    ];
    let text = env.run(&[&["timeline"][..], &records_only].concat());
    let titles: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| {
            ["Asked", "Morning", "Afternoon", "Untimed"]
                .into_iter()
                .find(|t| l.contains(t))
                .unwrap()
        })
        .collect();
    assert_eq!(
        titles,
        ["Asked", "Morning", "Afternoon", "Untimed"],
        "{text}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &env.run(&[&["timeline", "--format", "json"][..], &records_only].concat()),
    )
    .unwrap();
    assert_eq!(json[0]["type"], "records");
    assert_eq!(json[1]["time"], "08:15:00");
    assert_eq!(json[3]["id"], untimed.as_str());
    assert!(json[3].get("time").is_none());
    let csv = env.run(&[&["timeline", "--format", "csv"][..], &records_only].concat());
    assert!(
        csv.starts_with("date,time,kind,type,title,id,rule,status\r\n"),
        "{csv}"
    );
    assert!(
        csv.contains("2026-02-01,,request,records,\"Asked, with \"\"quotes\"\"\","),
        "{csv}"
    );
    let md = env.run(&[
        "timeline",
        "--format",
        "md",
        "--from",
        "2026-03-01",
        "--kind",
        "communication",
    ]);
    assert_eq!(md.lines().count(), 4, "{md}");
    assert!(
        md.contains("| 2026-03-05 | 16:30 | communication | Afternoon call |"),
        "{md}"
    );
    let err = env.fail(&["timeline", "--kind", "meting"], 2);
    assert!(err.contains("did you mean `meeting`"), "{err}");
}

#[test]
fn search_one_case_and_every_case() {
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "note",
        "--title",
        "Call about the Bus route",
        "--set",
        "body=The driver was late again.",
    ]);
    env.run(&["case", "new", "c2", "--child", "Second Child"]);
    env.run(&[
        "-c",
        "c2",
        "add",
        "note",
        "--title",
        "Bus pass",
        "--set",
        "body=Asked for a pass",
    ]);
    env.run(&["-c", "c2", "add", "note", "--title", "Unrelated"]);
    let out = env.run(&["-c", "c1", "search", "bus"]);
    assert!(
        out.contains("Call about the Bus route") && !out.contains("Bus pass"),
        "{out}"
    );
    assert!(out.contains("title: Call about the Bus route"), "{out}");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["--json", "search", "BUS", "--all"])).unwrap();
    let hits = json.as_array().unwrap();
    assert_eq!(hits.len(), 2, "{json}");
    let cases: Vec<&str> = hits.iter().map(|h| h["case"].as_str().unwrap()).collect();
    assert_eq!(cases, ["c1", "c2"]);
    for key in ["id", "date", "kind", "title", "field", "snippet"] {
        assert!(hits[0].get(key).is_some(), "hit has {key}");
    }
    let body_hit = env.run(&["-c", "c1", "--json", "search", "late again"]);
    assert!(body_hit.contains("\"field\": \"body\""), "{body_hit}");
    let none = env
        .cmd(&["-c", "c1", "search", "giraffe"])
        .output()
        .unwrap();
    assert!(none.status.success() && none.stdout.is_empty());
}

#[test]
fn log_patch_shows_field_changes() {
    let env = TestEnv::with_case();
    let id = env.add_note("before");
    env.run(&[
        "edit",
        &id,
        "--set",
        "title=after",
        "--set",
        "tags=[\"urgent\"]",
    ]);
    let log = env.run(&["log", "-p", &id]);
    assert!(log.contains(&format!("changed {id}: after")), "{log}");
    assert!(log.contains("title: before → after"), "{log}");
    assert!(log.contains("+ tags: urgent"), "{log}");
    assert!(log.contains(&format!("added {id}: before")), "{log}");
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["--json", "log", "-p", &id])).unwrap();
    let changes = &json[0]["records"][0]["changes"];
    assert_eq!(changes[0]["field"], "title");
    assert_eq!(changes[0]["before"], "before");
}

#[test]
fn timeline_interleaves_deadlines() {
    let env = TestEnv::bare();
    let w = demo(&env);
    let json: serde_json::Value = serde_json::from_str(&env.run(&[
        "-w",
        &w,
        "timeline",
        "--format",
        "json",
        "--today",
        "2026-11-28",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-31",
    ]))
    .unwrap();
    let entries = json.as_array().unwrap();
    let records_access = entries
        .iter()
        .find(|e| e["rule"] == "records-access")
        .expect("the records request's 45-day clock is on the timeline");
    assert_eq!(records_access["kind"], "deadline");
    assert_eq!(
        records_access["id"], "9a1nn3majz",
        "a deadline names the record that started it"
    );
    assert_eq!(records_access["status"], "open");
    let dates: Vec<&str> = entries
        .iter()
        .map(|e| e["date"].as_str().unwrap())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "in date order");
    let only: serde_json::Value = serde_json::from_str(&env.run(&[
        "-w",
        &w,
        "timeline",
        "--json",
        "--kind",
        "deadline",
        "--today",
        "2026-11-28",
    ]))
    .unwrap();
    assert!(
        only.as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "deadline")
    );
}

#[test]
fn a_removed_record_is_found_in_the_history_by_its_prefix() {
    let env = TestEnv::with_case();
    let id = env.add_note("soon removed");
    env.run(&["rm", &id]);
    let prefix = &id[..5];
    assert!(env.fail(&["show", prefix], 1).contains("no record matches"));
    let log = env.run(&["log", prefix]);
    assert!(
        log.contains(&format!("remove record {id}")) && log.contains(&format!("add record {id}")),
        "{log}"
    );
}

/// `log` is written as history is read; the pieces make the same output a whole listing
/// would: every commit once, newest first, and JSON that is one well-formed array.
#[test]
fn log_streams_every_commit_once_in_order() {
    let env = TestEnv::with_case();
    let ids: Vec<String> = (0..70)
        .map(|n| env.add_note(&format!("note {n}")))
        .collect();
    let text = env.run(&["log"]);
    assert_eq!(text.lines().count(), env.commits("c1"), "{text}");
    let raw = env.run(&["log", "--json"]);
    let log: serde_json::Value = serde_json::from_str(&raw).unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), env.commits("c1"));
    assert_eq!(entries[0]["records"][0]["id"], ids[69].as_str());
    assert_eq!(entries[69]["records"][0]["id"], ids[0].as_str());
    assert_eq!(
        raw,
        format!("{}\n", serde_json::to_string_pretty(&log).unwrap()),
        "printed as a whole array would be"
    );
    let one: serde_json::Value =
        serde_json::from_str(&env.run(&["log", "--json", &ids[3]])).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
}

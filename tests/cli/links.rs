//! Links as people write them: unique id prefixes in `--set`, the editor and `add --file`;
//! `file:` names inside one batch; inferred links shown by `show` and carried in JSON.

use serde_json::Value;

use crate::TestEnv;

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("valid JSON")
}

/// Adds a record from TOML text and returns its id.
fn add(env: &TestEnv, name: &str, toml: &str) -> String {
    let path = env.write(name, toml);
    env.run(&["add", "--file", path.to_str().unwrap()])
        .trim()
        .to_owned()
}

const REQUEST: &str = "kind = \"request\"\ndate = 2026-01-08\ntitle = \"Written request for text-to-speech\"\ntype = \"accommodation\"\n";
const REFUSAL: &str = "kind = \"refusal\"\ndate = 2026-01-12\ntitle = \"Text-to-speech refused by phone\"\nwhat = \"text-to-speech\"\nvia = \"verbal\"\n";

#[test]
fn a_unique_prefix_in_set_is_stored_as_the_full_id() {
    let env = TestEnv::with_case();
    let request = add(&env, "request.toml", REQUEST);
    let refusal = add(
        &env,
        "refusal.toml",
        "kind = \"refusal\"\ndate = 2026-01-12\ntitle = \"No\"\n",
    );
    env.run(&[
        "edit",
        &refusal,
        "--set",
        &format!("refuses={}", &request[..4]),
    ]);
    let shown = json(&env.run(&["--json", "show", &refusal]));
    assert_eq!(shown["refuses"], request.as_str());
    assert!(shown.get("inferred").is_none(), "{shown}");
    // add --set takes a prefix too.
    let prefix = format!("refuses={}", &request[..5]);
    let id = env
        .run(&[
            "add",
            "refusal",
            "--date",
            "2026-02-01",
            "--title",
            "Again no",
            "--set",
            &prefix,
        ])
        .trim()
        .to_owned();
    assert_eq!(
        json(&env.run(&["--json", "show", &id]))["refuses"],
        request.as_str()
    );
}

#[test]
fn a_prefix_naming_nothing_or_several_records_is_refused_with_the_candidates() {
    let env = TestEnv::with_case();
    let refusal = add(&env, "refusal.toml", REFUSAL);
    let err = env.fail(&["edit", &refusal, "--set", "refuses=zzzz"], 1);
    assert!(err.contains("`refuses`: no record matches `zzzz`"), "{err}");
    assert!(err.contains("iepcase list"), "{err}");
    let err = env.fail(&["edit", &refusal, "--set", "refuses=abc"], 1);
    assert!(err.contains("too short"), "{err}");
    // Two records sharing a prefix: both are named (a copy committed under a twin id).
    let a = env.add_note("one");
    let case = env.case_dir("c1");
    let twin = format!(
        "{}{}",
        &a[..6],
        if a.ends_with("zzzz") { "yyyy" } else { "zzzz" }
    );
    let bytes = std::fs::read(crate::record_file(&case, &a)).unwrap();
    crate::bad_input::commit_bytes_in(&env, "c1", &crate::record_file(&case, &twin), &bytes);
    let err = env.fail(
        &["edit", &refusal, "--set", &format!("related={}", &a[..6])],
        1,
    );
    assert!(
        err.contains("matches 2 records") && err.contains(&a) && err.contains(&twin),
        "{err}"
    );
    assert!(err.contains("give more characters of the id"), "{err}");
}

#[test]
fn files_of_one_batch_link_to_each_other_by_name() {
    let env = TestEnv::with_case();
    let dir = env.root().join("prepared");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("01-request.toml"), REQUEST).unwrap();
    std::fs::write(
        dir.join("02-refusal.toml"),
        format!("{REFUSAL}refuses = \"file:01-request.toml\"\n"),
    )
    .unwrap();
    let ids = env.run(&[
        "add",
        "--file",
        dir.join("01-request.toml").to_str().unwrap(),
        dir.join("02-refusal.toml").to_str().unwrap(),
    ]);
    let ids: Vec<&str> = ids.lines().collect();
    let shown = json(&env.run(&["--json", "show", ids[1]]));
    assert_eq!(
        shown["refuses"], ids[0],
        "stored as the full id of the batch file"
    );
    // A name outside the batch is refused, and nothing is added.
    std::fs::write(
        dir.join("03-refusal.toml"),
        format!("{REFUSAL}refuses = \"file:99-missing.toml\"\n"),
    )
    .unwrap();
    let err = env.fail(
        &[
            "add",
            "--file",
            dir.join("03-refusal.toml").to_str().unwrap(),
        ],
        1,
    );
    assert!(
        err.contains(
            "`file:99-missing.toml` is not one of the files of this `iepcase add --file` batch"
        ) && err.contains("nothing was added"),
        "{err}"
    );
    assert_eq!(
        json(&env.run(&["--json", "list"]))
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn show_prints_an_inferred_link_and_json_lists_it() {
    let env = TestEnv::with_case();
    let request = add(&env, "request.toml", REQUEST);
    let refusal = add(&env, "refusal.toml", REFUSAL);
    let out = env.cmd(&["show", &refusal]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "# inferred by iepcase, not stored: refuses = \"{request}\""
        )),
        "{text}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!("iepcase edit {refusal} --set refuses={request}")),
        "{stderr}"
    );
    let shown = json(&env.run(&["--json", "show", &refusal]));
    assert_eq!(shown["refuses"], request.as_str());
    assert_eq!(shown["inferred"], serde_json::json!(["refuses"]));
    // The findings and deadlines resting on it say so too.
    let out = env
        .cmd(&["check", "--json", "--today", "2026-03-01"])
        .output()
        .unwrap();
    let findings = json(&String::from_utf8(out.stdout).unwrap());
    let finding = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["record"] == refusal.as_str())
        .expect("the refusal without notice");
    assert_eq!(finding["inferred"], serde_json::json!(["refuses"]));
    let deadlines = json(&env.run(&["deadlines", "--json", "--today", "2026-03-01"]));
    let pwn = deadlines
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "prior-written-notice")
        .unwrap();
    assert_eq!(pwn["inferred"], serde_json::json!(["refuses"]));
    // Made explicit, it is no longer inferred.
    env.run(&[
        "edit",
        &refusal,
        "--set",
        &format!("refuses={}", &request[..4]),
    ]);
    let shown = json(&env.run(&["--json", "show", &refusal]));
    assert!(shown.get("inferred").is_none(), "{shown}");
}

#[test]
fn a_prefix_typed_in_the_editor_is_stored_in_full() {
    let mut env = TestEnv::with_case();
    let request = add(&env, "request.toml", REQUEST);
    let refusal = add(&env, "refusal.toml", REFUSAL);
    let script = env.write(
        "editor.sh",
        &format!(
            "#!/bin/sh\necho 'refuses = \"{}\"' >> \"$1\"\n",
            &request[..4]
        ),
    );
    crate::crash::make_executable(&script);
    env.extra_env
        .push(("EDITOR".into(), script.display().to_string()));
    env.run(&["edit", &refusal]);
    let shown = json(&env.run(&["--json", "show", &refusal]));
    assert_eq!(shown["refuses"], request.as_str());
}

#[test]
fn links_kept_between_commands_follow_every_change_to_the_records() {
    let env = TestEnv::with_case();
    let first = add(&env, "request.toml", REQUEST);
    let refusal = add(&env, "refusal.toml", REFUSAL);
    let refuses = |env: &TestEnv| {
        let deadlines = json(&env.run(&["deadlines", "--json", "--today", "2026-03-01"]));
        let shown = json(&env.run(&["--json", "show", &refusal]));
        let pwn = deadlines
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["rule"] == "prior-written-notice")
            .cloned()
            .expect("the refusal starts the notice clock");
        assert_eq!(pwn["trigger"], refusal.as_str());
        shown["refuses"].as_str().unwrap().to_owned()
    };
    assert_eq!(refuses(&env), first);
    assert_eq!(refuses(&env), first, "read back from what was kept");
    // A second request on the same subject, after the first and before the refusal: the
    // refusal now answers it, and nothing kept from before says otherwise.
    let second = add(
        &env,
        "again.toml",
        "kind = \"request\"\ndate = 2026-01-10\ntitle = \"Text-to-speech, asked again\"\ntype = \"accommodation\"\n",
    );
    assert_eq!(refuses(&env), second);
    // The same records, one of them changed: asked again only after the refusal, the second
    // request is not what was refused.
    env.run(&["edit", &second, "--set", "date=2026-01-20"]);
    assert_eq!(refuses(&env), first);
    env.run(&["edit", &second, "--set", "date=2026-01-10"]);
    assert_eq!(refuses(&env), second);
    env.run(&["rm", &second]);
    assert_eq!(refuses(&env), first);
}

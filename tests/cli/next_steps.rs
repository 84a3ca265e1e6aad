//! Every scenario of `tests/scenarios/` through the command line: imported with one
//! `add --file` batch as a family would, `check` gives the reviewed findings, and every next
//! step it prints runs as printed, in a shell, from the case's folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::TestEnv;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// `key = value` lines of the case details for `case edit --set`, `state` apart.
fn case_sets(text: &str) -> (Option<String>, Vec<String>) {
    let table: toml::Table = toml::from_str(text).expect("case.toml parses");
    let state = table
        .get("state")
        .and_then(|v| v.as_str())
        .map(String::from);
    let sets = table
        .iter()
        .filter(|(k, _)| !["child", "state"].contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    (state, sets)
}

/// Runs `step` in a shell from `dir`, with iepcase first on the PATH; returns (code, stderr).
fn run_step(env: &TestEnv, dir: &Path, step: &str) -> (i32, String) {
    let bin = assert_cmd::cargo::cargo_bin!("iepcase");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cmd = env.std_cmd(&[]);
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(step)
        .env_clear()
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))),
        )
        .env("PATH", path)
        .current_dir(dir)
        .output()
        .expect("run sh");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_scenario_imports_checks_as_reviewed_and_its_next_steps_run() {
    let env = TestEnv::bare();
    env.run(&[
        "init",
        env.ws.to_str().unwrap(),
        "--name",
        "Test Advocate",
        "--email",
        "t@example.org",
    ]);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut problems = Vec::new();
    let mut steps_run = 0;
    for (n, dir) in dirs.iter().enumerate() {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let slug = format!("s{n:02}");
        let spec: toml::Table =
            toml::from_str(&std::fs::read_to_string(dir.join("scenario.toml")).unwrap()).unwrap();
        let today = spec["today"].to_string();
        let (state, sets) = match std::fs::read_to_string(dir.join("case.toml")) {
            Ok(text) => case_sets(&text),
            Err(_) => (
                spec.get("state").and_then(|s| s.as_str()).map(String::from),
                Vec::new(),
            ),
        };
        let mut new = vec!["case", "new", &slug, "--child", "Sam Doe"];
        if let Some(state) = &state {
            new.extend(["--state", state]);
        }
        env.run(&new);
        let case = ["-c", slug.as_str()];
        for set in &sets {
            env.run(&[&case[..], &["case", "edit", "--set", set]].concat());
        }
        // One batch, in file-name order, as the library harness numbers them.
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("records"))
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        let mut add: Vec<&str> = vec!["-c", &slug, "add", "--file"];
        add.extend(files.iter().map(|f| f.to_str().unwrap()));
        let ids: Vec<String> = env.run(&add).lines().map(String::from).collect();
        let names: BTreeMap<String, String> = ids
            .iter()
            .zip(&files)
            .map(|(id, f)| {
                (
                    id.clone(),
                    format!("<{}>", f.file_name().unwrap().to_string_lossy()),
                )
            })
            .collect();
        let named = |text: &str| {
            names.iter().fold(text.to_owned(), |acc, (id, file)| {
                acc.replace(id.as_str(), file)
            })
        };
        let out = env
            .cmd(&["-c", &slug, "check", "--json", "--today", &today])
            .output()
            .unwrap();
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
        // The command line says what the library says (tests/scenarios.rs checks that).
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap())
                .unwrap();
        let summary =
            |code: &Value, record: &Value, step: &Value| format!("{code} {record} {step}");
        let mut got: Vec<String> = findings
            .iter()
            .map(|f| {
                summary(
                    &f["code"],
                    &Value::String(named(f["record"].as_str().unwrap_or_default())),
                    &f.get("next_step")
                        .map_or(Value::Null, |s| Value::String(named(s.as_str().unwrap()))),
                )
            })
            .collect();
        let mut want: Vec<String> = expected["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                summary(
                    &f["code"],
                    &f["record"],
                    f.get("next_step").unwrap_or(&Value::Null),
                )
            })
            .collect();
        got.sort();
        want.sort();
        if got != want {
            problems.push(format!(
                "{name}: check gave\n  {}\nnot\n  {}",
                got.join("\n  "),
                want.join("\n  ")
            ));
            continue;
        }
        // Each step as printed, from the case's folder, as a user standing in it runs it.
        let mut steps: Vec<&str> = findings
            .iter()
            .filter_map(|f| f["next_step"].as_str())
            .collect();
        steps.sort_unstable();
        steps.dedup();
        for step in steps {
            assert!(
                step.starts_with("iepcase "),
                "{name}: `{step}` is not a command"
            );
            let (code, stderr) = run_step(&env, &env.case_dir(&slug), step);
            steps_run += 1;
            // A letter may ask for facts the case does not hold; `check` names them.
            let asks = code == 1 && stderr.contains("letter needs");
            if code != 0 && !asks {
                problems.push(format!(
                    "{name}: `{}` fails ({code}):\n{stderr}",
                    named(step)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    assert!(steps_run >= 25, "only {steps_run} steps ran");
}

#[test]
fn a_step_taken_is_not_suggested_again() {
    // The request for notice recorded by `letter pwn-request --for` the refusal names the
    // refusal; check then moves to the next rung instead of suggesting the same letter.
    let env = TestEnv::with_case();
    let request = env.write(
        "request.toml",
        "kind = \"request\"\ndate = 2026-01-08\ntitle = \"Request for text-to-speech\"\ntype = \"accommodation\"\n",
    );
    let refusal = env.write(
        "refusal.toml",
        "kind = \"refusal\"\ndate = 2026-01-12\ntitle = \"Text-to-speech refused by phone\"\nvia = \"verbal\"\n",
    );
    let ids = env.run(&[
        "add",
        "--file",
        request.to_str().unwrap(),
        refusal.to_str().unwrap(),
    ]);
    let refusal_id = ids.lines().nth(1).unwrap().to_owned();
    let step = |env: &TestEnv| {
        let out = env
            .cmd(&["check", "--json", "--today", "2026-03-01"])
            .output()
            .unwrap();
        let findings: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        findings
            .into_iter()
            .find(|f| f["code"] == "refusal-without-pwn")
            .expect("the refusal without notice")
    };
    let first = step(&env);
    assert_eq!(
        first["next_step"],
        format!("iepcase letter pwn-request --for {refusal_id}").as_str()
    );
    let words: Vec<String> = first["next_step"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    let args: Vec<&str> = words.iter().map(String::as_str).collect();
    env.run(&args);
    let second = step(&env);
    assert_eq!(
        second["next_step"],
        format!("iepcase letter state-complaint --for {refusal_id}").as_str()
    );
    let message = second["message"].as_str().unwrap();
    assert!(
        message.contains("Already on file: a request for prior written notice (2026-11-28)."),
        "{message}"
    );
}

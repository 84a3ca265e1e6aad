//! The `--json` output of every command that prints data, as snapshots of the exact stdout
//! (docs/json.md): the example case and a few small cases around it, so each document has
//! something in each of its fields.

use std::path::Path;

use crate::sync::{bare_repo, pair};
use crate::{TestEnv, describe, record_rel};

/// Runs `args` expecting exit `code`; returns stdout.
fn stdout(env: &TestEnv, args: &[&str], code: i32) -> String {
    let out = env.cmd(args).output().expect("run iepcase");
    assert_eq!(
        out.status.code(),
        Some(code),
        "iepcase {args:?}:\n{}",
        describe(&out)
    );
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// What differs from one run of a test to the next, replaced by stable placeholders before
/// a snapshot is taken, and nothing else:
/// - the temporary folder the test runs in;
/// - record ids `add` and `bundle --disclosed-to` generate at random, named by the test;
/// - git commit ids, which hash the encrypted files (age encryption is randomised), and
///   their short forms in messages (`the last commit (6e2375e673)`);
/// - the age public keys of identities made for the test;
/// - an attachment's `blob`, the name of its encrypted file, which hashes the ciphertext;
/// - the SHA-256 of a bundle's `manifest.json`, and the SHA-256 and size of the files of a
///   bundle that print its source commit (the PDFs, `index.md`, `index.html`).
struct Redactions {
    names: Vec<(String, String)>,
}

impl Redactions {
    fn new(env: &TestEnv) -> Redactions {
        Redactions {
            names: vec![(env.root().display().to_string(), "[ROOT]".into())],
        }
    }

    /// Names a value that differs from run to run, such as a generated record id.
    fn name(&mut self, value: &str, placeholder: &str) {
        self.names
            .push((value.trim().to_owned(), format!("[{placeholder}]")));
    }

    /// Names a generated record id, and the folders of its file, which its first two
    /// characters name.
    fn record(&mut self, id: &str, placeholder: &str) {
        let id = id.trim();
        self.names
            .push((record_rel(id), format!("records/_/_/[{placeholder}].age")));
        self.name(id, placeholder);
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for (value, placeholder) in &self.names {
            text = text.replace(value, placeholder);
        }
        let text = numbered(&text, r"\b[0-9a-f]{40}\b", "COMMIT");
        let short = regex::Regex::new(r"\bcommit \([0-9a-f]{10}\)").unwrap();
        let text = short.replace_all(&text, "commit ([SHORT-COMMIT])");
        let text = numbered(&text, r"\bage1[0-9a-z]{58}\b", "KEY");
        let blob = regex::Regex::new(r#""blob": "[0-9a-f]{64}""#).unwrap();
        let text = blob.replace_all(&text, r#""blob": "[BLOB]""#);
        let manifest = regex::Regex::new(r#""manifest_sha256": "[0-9a-f]{64}""#).unwrap();
        let text = manifest.replace_all(&text, r#""manifest_sha256": "[MANIFEST-SHA256]""#);
        generated_files(&text)
    }
}

/// Each distinct match of `pattern` replaced by `[LABEL-n]`, numbered in order of first
/// appearance, so that equal values stay visibly equal.
fn numbered(text: &str, pattern: &str, label: &str) -> String {
    let re = regex::Regex::new(pattern).unwrap();
    let mut seen: Vec<String> = Vec::new();
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let value = caps[0].to_owned();
        let n = match seen.iter().position(|s| *s == value) {
            Some(i) => i + 1,
            None => {
                seen.push(value);
                seen.len()
            }
        };
        format!("[{label}-{n}]")
    })
    .into_owned()
}

/// The `sha256` and `size` of the bundle files that print the source commit (named by the
/// `path` or `file` just before them), redacted; attachments copied as they are keep theirs.
fn generated_files(text: &str) -> String {
    let sha = regex::Regex::new(r#""sha256": "[0-9a-f]{64}""#).unwrap();
    let size = regex::Regex::new(r#""size": \d+"#).unwrap();
    let named = regex::Regex::new(r#"^\s*"(path|file)": "([^"]*)""#).unwrap();
    let mut generated = false;
    let mut out = String::new();
    for line in text.lines() {
        if let Some(caps) = named.captures(line) {
            generated = [".pdf", ".md", ".html"]
                .iter()
                .any(|ext| caps[2].ends_with(ext));
            out.push_str(line);
        } else if generated && sha.is_match(line) {
            out.push_str(&sha.replace(line, r#""sha256": "[SHA256]""#));
        } else if generated && size.is_match(line) {
            out.push_str(&size.replace(line, r#""size": [SIZE]"#));
        } else {
            generated = false;
            out.push_str(line);
        }
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    out
}

/// Commits the file `rel` of the case in `case_dir` cut to half its length, as damage on the
/// disk or in transit would leave it.
fn commit_damaged(case_dir: &Path, rel: &str) {
    let path = case_dir.join(rel);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&path, &bytes).unwrap();
    let repo = git2::Repository::open(case_dir.join(".git")).unwrap();
    let blob = repo.blob(&bytes).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let mut update = git2::build::TreeUpdateBuilder::new();
    update.upsert(rel, blob, git2::FileMode::Blob);
    let tree = update.create_updated(&repo, &head.tree().unwrap()).unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let sig = git2::Signature::now("x", "x@example.org").unwrap();
    repo.commit(Some("HEAD"), &sig, &sig, "damage", &tree, &[&head])
        .unwrap();
}

/// Adds a record to case `slug` and returns its id.
fn add(env: &TestEnv, w: &str, slug: &str, args: &[&str]) -> String {
    let mut all = vec!["-w", w, "-c", slug, "add"];
    all.extend_from_slice(args);
    env.run(&all).trim().to_owned()
}

/// Every JSON document but `sync`'s, on a demo workspace with the example case `eq-2025`,
/// a small case `c2` whose refusal leaves its link to be inferred, and a case `c3` whose
/// key is damaged at the end.
#[test]
fn every_json_output_of_the_example_workspace() {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    let w = dir.to_str().unwrap();
    let mut redact = Redactions::new(&env);
    let json = |args: &[&str], code: i32| -> String {
        let mut all = vec!["-w", w, "--json"];
        all.extend_from_slice(args);
        stdout(&env, &all, code)
    };

    env.run(&[
        "-w",
        w,
        "case",
        "new",
        "c2",
        "--child",
        "Tobiah Wrenfield",
        "--school",
        "Cedar Marsh School",
    ]);
    let request = add(
        &env,
        w,
        "c2",
        &[
            "request",
            "--date",
            "2026-10-01",
            "--title",
            "Request for a beagle-friendly reading plan",
            "--set",
            "type=accommodation",
        ],
    );
    redact.record(&request, "C2-REQUEST");
    let refusal = add(
        &env,
        w,
        "c2",
        &[
            "refusal",
            "--date",
            "2026-10-05",
            "--title",
            "Refusal of the beagle-friendly reading plan, by phone",
            "--set",
            "via=verbal",
            "--set",
            "what=A beagle-friendly reading plan",
        ],
    );
    redact.record(&refusal, "C2-REFUSAL");
    let meeting = add(
        &env,
        w,
        "c2",
        &[
            "meeting",
            "--date",
            "2026-12-03",
            "--time",
            "10:00",
            "--title",
            "IEP meeting",
            "--set",
            "type=iep",
        ],
    );
    redact.record(&meeting, "C2-MEETING");
    env.run(&[
        "-w",
        w,
        "-c",
        "c2",
        "edit",
        &refusal,
        "--set",
        "reason=Not needed, said the principal",
    ]);
    env.run(&["-w", w, "case", "use", "eq-2025"]);
    // A workspace template that does not parse, for `letter --list`.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/broken.md"), "nonsense\n").unwrap();

    let snap = |redact: &Redactions, name: &str, out: String| {
        insta::assert_snapshot!(name, redact.apply(&out));
    };
    snap(&redact, "list", json(&["list"], 0));
    snap(&redact, "show", json(&["show", "9brrgkeehy"], 0));
    snap(
        &redact,
        "show_inferred",
        json(&["-c", "c2", "show", &refusal[..6]], 0),
    );
    snap(&redact, "diff", json(&["diff", "x760", "0sah"], 0));
    snap(&redact, "timeline", json(&["timeline"], 0));
    snap(&redact, "search", json(&["search", "--all", "beagle"], 0));
    snap(&redact, "case_show", json(&["case", "show"], 0));
    snap(&redact, "case_use", json(&["case", "use"], 0));
    snap(&redact, "keys_show", json(&["keys", "show"], 0));
    snap(&redact, "deadlines", json(&["deadlines", "--all"], 0));
    snap(&redact, "check", json(&["check", "--all"], 3));
    snap(&redact, "prep", json(&["prep", "--all"], 0));
    snap(&redact, "letter_list", json(&["letter", "--list"], 0));
    snap(&redact, "recipients", json(&["recipients"], 0));
    snap(&redact, "log", json(&["-c", "c2", "log"], 0));
    snap(&redact, "log_patch", json(&["-c", "c2", "log", "-p"], 0));

    // A bundle disclosed to the other side, then verified intact (the demo's) and tampered.
    let b1 = env.root().join("b1");
    let bundle = json(
        &[
            "bundle",
            "--purpose",
            "due-process",
            "--bates",
            "EQ",
            "--sections",
            "--initials",
            "--out",
            b1.to_str().unwrap(),
            "--disclosed-to",
            "District counsel",
            "--on",
            "2026-11-30",
        ],
        0,
    );
    let value: serde_json::Value = serde_json::from_str(&bundle).unwrap();
    redact.record(
        value["disclosure"]["record"].as_str().unwrap(),
        "DISCLOSURE",
    );
    snap(&redact, "bundle", bundle);
    let intact = dir.join("bundle");
    snap(
        &redact,
        "bundle_verify_intact",
        json(&["bundle", "verify", intact.to_str().unwrap()], 0),
    );
    std::fs::write(b1.join("index.md"), "changed\n").unwrap();
    std::fs::remove_file(b1.join("exhibits/P-002.pdf")).unwrap();
    std::fs::write(b1.join("exhibits/P-999.pdf"), "extra\n").unwrap();
    snap(
        &redact,
        "bundle_verify",
        json(&["bundle", "verify", b1.to_str().unwrap()], 3),
    );

    // Remotes: one for the example case, then one for every case by a template.
    let remote = env.root().join("remote.git");
    bare_repo(&remote);
    env.run(&["-w", w, "remote", "add", "origin", remote.to_str().unwrap()]);
    snap(&redact, "remote_list", json(&["remote", "list"], 0));
    let template = format!("{}/remotes/{{slug}}.git", env.root().display());
    env.cmd(&["-w", w, "remote", "add", "origin", "--all", &template])
        .output()
        .unwrap();
    env.run(&["-w", w, "case", "new", "c3", "--child", "Marisol Pentecost"]);
    snap(
        &redact,
        "remote_add_all",
        json(&["remote", "add", "origin", "--all", &template], 1),
    );
    snap(&redact, "sync_all", json(&["sync", "--all"], 1));

    // A case whose details cannot be read, and a record that does not decrypt.
    commit_damaged(&dir.join("cases/c3"), "case.age");
    snap(&redact, "case_list", json(&["case", "list"], 1));
    commit_damaged(&dir.join("cases/c2"), &record_rel(&meeting));
    snap(&redact, "fsck", json(&["fsck", "--all"], 3));
}

/// `sync` with a record merged field by field and one in conflict, and the members and
/// remotes of a shared case.
#[test]
fn sync_json_with_a_merge_and_a_conflict() {
    let p = pair();
    let mut redact = Redactions::new(&p.alice);
    let note = |env: &TestEnv, title: &str| {
        env.run(&["add", "note", "--date", "2026-02-01", "--title", title])
            .trim()
            .to_owned()
    };
    let merged = note(&p.alice, "Notes from the school visit");
    redact.record(&merged, "MERGED");
    let conflict = note(&p.alice, "Questions for the speech therapist");
    redact.record(&conflict, "CONFLICT");
    p.alice.run(&["sync"]);
    p.bob_clone();
    let bob = |args: &[&str]| {
        let mut all = vec!["-c", "c1"];
        all.extend_from_slice(args);
        p.bob.run(&all)
    };
    bob(&["edit", &merged, "--set", "summary=Bob's summary"]);
    bob(&["edit", &conflict, "--set", "title=Bob's questions"]);
    bob(&["sync"]);
    p.alice.run(&["edit", &merged, "--set", "tags=[\"visit\"]"]);
    p.alice
        .run(&["edit", &conflict, "--set", "title=Alice's questions"]);
    let snap = |name: &str, out: String| {
        insta::assert_snapshot!(name, redact.apply(&out));
    };
    snap("sync", stdout(&p.alice, &["--json", "sync"], 3));
    snap(
        "recipients_shared",
        stdout(&p.alice, &["--json", "recipients"], 0),
    );
    p.alice.run(&[
        "remote",
        "add",
        "backup",
        "https://pat:s3cret@git.example.org/c1.git",
    ]);
    snap(
        "remote_list_hidden",
        stdout(&p.alice, &["--json", "remote", "list"], 0),
    );
}

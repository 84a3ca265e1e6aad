//! Nothing about the child is readable in the repository: not in objects, file names or
//! commit messages.

use std::path::Path;

use crate::TestEnv;

/// Words from the example case that must never appear in plaintext.
const SECRETS: &[&str] = &[
    "Ezrabel",
    "Quinnimore",
    "Persimmon Hollow",
    "Tallowmere",
    "reads the science chapter aloud to our beagle",
];

fn scan(haystack: &[u8], what: &str) {
    let lower = String::from_utf8_lossy(haystack).to_lowercase();
    for secret in SECRETS {
        assert!(
            !lower.contains(&secret.to_lowercase()),
            "`{secret}` found in {what}"
        );
    }
}

fn scan_tree(dir: &Path) -> usize {
    let mut files = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        scan(path.to_string_lossy().as_bytes(), "a file name");
        if path.is_dir() {
            files += scan_tree(&path);
        } else {
            scan(&std::fs::read(&path).unwrap(), &path.display().to_string());
            files += 1;
        }
    }
    files
}

#[test]
fn the_example_case_leaks_nothing() {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    let case = dir.join("cases").join("eq-2025");
    // The secrets really are in the case: the search would find them in plaintext.
    let w = dir.to_str().unwrap();
    assert!(
        env.run(&["-w", w, "show", "6zcy"])
            .contains("beagle, Pocket")
    );
    assert!(
        env.run(&["-w", w, "case", "show"])
            .contains("Persimmon Hollow")
    );

    // The caches that listings and timelines leave behind are on disk too.
    env.run(&["-w", w, "list"]);
    env.run(&["-w", w, "timeline"]);
    let caches = std::fs::read_dir(case.join(".git/iepcase/cache"))
        .unwrap()
        .count();
    assert!(caches > 10, "{caches} cache files");

    // Every file in the case folder, .git included, raw.
    let files = scan_tree(&case);
    assert!(files > 40, "scanned {files} files");
    // Every git object, decompressed, and every commit message.
    let repo = git2::Repository::open(case.join(".git")).unwrap();
    let odb = repo.odb().unwrap();
    let mut objects = 0;
    odb.foreach(|oid| {
        let object = odb.read(*oid).unwrap();
        scan(object.data(), &format!("git object {oid}"));
        objects += 1;
        true
    })
    .unwrap();
    assert!(objects > 80, "scanned {objects} objects");
    let mut walk = repo.revwalk().unwrap();
    walk.push_head().unwrap();
    for oid in walk {
        let commit = repo.find_commit(oid.unwrap()).unwrap();
        scan(commit.message_bytes(), "a commit message");
    }
}

/// fsck looks for the child's name as whole words: a name made of iepcase's own words or
/// hidden in the letters of an id is no alarm; a member label that names the child is.
#[test]
fn fsck_flags_a_label_naming_the_child_and_nothing_else() {
    let env = TestEnv::with_case();
    env.run(&["case", "new", "k7", "--child", "Jordan Case"]);
    env.run(&[
        "-c",
        "k7",
        "add",
        "note",
        "--date",
        "2026-01-05",
        "--title",
        "x",
    ]);
    env.run(&["-c", "k7", "fsck"]);

    let other = TestEnv::bare();
    other.run(&["init", other.root().join("ws").to_str().unwrap()]);
    let key = other.run(&["keys", "show"]).trim().to_owned();
    env.run(&["-c", "c1", "share", &key, "--label", "Zephyrine's dad"]);
    let out = env.cmd(&["-c", "c1", "fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    assert!(
        crate::describe(&out).contains("a label contains the child's name or school"),
        "{}",
        crate::describe(&out)
    );
}

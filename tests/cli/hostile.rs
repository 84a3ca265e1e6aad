//! The remote as an adversary: someone with nothing but write access to a case's remote builds
//! malicious objects with git plumbing (hand-written trees and commits), and neither `sync`
//! nor `clone` may write outside the case, run anything, take a forged file or key, or push.
//! Every attack runs over a folder remote and over a git daemon on 127.0.0.1.

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

use crate::TestEnv;
use crate::sync::{Daemon, Pair, pair};

/// The name every planted file carries, so the test can look for it anywhere.
const PLANTED: &str = "planted-by-attacker";

/// One tree entry as raw bytes go: mode, name, object.
#[derive(Clone)]
struct Entry {
    mode: &'static str,
    name: Vec<u8>,
    oid: Oid,
}

fn entries(repo: &Repository, tree: Oid) -> Vec<Entry> {
    let tree = repo.find_tree(tree).unwrap();
    tree.iter()
        .map(|e| Entry {
            mode: match e.filemode_raw() {
                0o040000 => "40000",
                0o100755 => "100755",
                0o120000 => "120000",
                0o160000 => "160000",
                _ => "100644",
            },
            name: e.name_bytes().to_vec(),
            oid: e.id(),
        })
        .collect()
}

/// Writes a tree object exactly as given: no sorting, no checks (what `git hash-object -t tree
/// --literally` does).
fn raw_tree(repo: &Repository, entries: &[Entry]) -> Oid {
    let mut bytes = Vec::new();
    for e in entries {
        bytes.extend_from_slice(e.mode.as_bytes());
        bytes.push(b' ');
        bytes.extend_from_slice(&e.name);
        bytes.push(0);
        bytes.extend_from_slice(e.oid.as_bytes());
    }
    repo.odb().unwrap().write(ObjectType::Tree, &bytes).unwrap()
}

/// Writes a tree in git's order (folders compare as if their name ended in `/`).
fn sorted_tree(repo: &Repository, mut entries: Vec<Entry>) -> Oid {
    let key = |e: &Entry| {
        let mut k = e.name.clone();
        if e.mode == "40000" {
            k.push(b'/');
        }
        k
    };
    entries.sort_by_key(key);
    raw_tree(repo, &entries)
}

/// `tree` with `entry` put at the folder `dir` (a path of folder names from the root).
fn put(repo: &Repository, tree: Oid, dir: &[&str], entry: Entry) -> Oid {
    let mut list = entries(repo, tree);
    match dir.split_first() {
        None => {
            list.retain(|e| e.name != entry.name);
            list.push(entry);
        }
        Some((first, rest)) => {
            let sub = list
                .iter()
                .find(|e| e.name == first.as_bytes())
                .map(|e| e.oid)
                .unwrap_or_else(|| sorted_tree(repo, Vec::new()));
            let new = put(repo, sub, rest, entry);
            list.retain(|e| e.name != first.as_bytes());
            list.push(Entry {
                mode: "40000",
                name: first.as_bytes().to_vec(),
                oid: new,
            });
        }
    }
    sorted_tree(repo, list)
}

/// The folders record `id` lives in: `records/k/3`.
fn record_dir(id: &str) -> [&str; 3] {
    ["records", &id[..1], &id[1..2]]
}

fn blob(repo: &Repository, bytes: &[u8]) -> Oid {
    repo.odb().unwrap().write(ObjectType::Blob, bytes).unwrap()
}

fn file(name: &str, oid: Oid) -> Entry {
    Entry {
        mode: "100644",
        name: name.as_bytes().to_vec(),
        oid,
    }
}

fn folder(name: &[u8], oid: Oid) -> Entry {
    Entry {
        mode: "40000",
        name: name.to_vec(),
        oid,
    }
}

/// Commits `tree` on the remote's `main` with `parent`, by hand, and moves `main` to it.
fn attacker_commit(repo: &Repository, tree: Oid, parent: Oid) -> Oid {
    let text = format!(
        "tree {tree}\nparent {parent}\nauthor Mallory <m@example.org> 1780000000 +0000\n\
         committer Mallory <m@example.org> 1780000000 +0000\n\nedit record\n"
    );
    let commit = repo
        .odb()
        .unwrap()
        .write(ObjectType::Commit, text.as_bytes())
        .unwrap();
    repo.reference("refs/heads/main", commit, true, "attack")
        .unwrap();
    commit
}

fn head_of(repo: &Repository) -> (Oid, Oid) {
    let commit = repo
        .find_reference("refs/heads/main")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    (commit.id(), commit.tree_id())
}

/// Every path under `root` whose name is `name`.
fn find_named(root: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if entry.file_name().to_string_lossy() == name {
                found.push(path.clone());
            }
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            }
        }
    }
    found
}

#[derive(Clone, Copy, Debug)]
enum Transport {
    Folder,
    Daemon,
}

/// What the attacked case looks like before the attack.
struct Scene {
    pair: Pair,
    _daemon: Option<Daemon>,
    url: String,
    remote_name: &'static str,
    /// A record Alice wrote, and the blob of its first version.
    record: String,
    first_version: Oid,
}

fn scene(transport: Transport) -> Scene {
    let pair = pair();
    let record = pair
        .alice
        .run(&[
            "add",
            "note",
            "--date",
            "2026-02-01",
            "--title",
            "First version",
        ])
        .trim()
        .to_owned();
    pair.alice.run(&["sync"]);
    let first_version = {
        let repo = Repository::open_bare(&pair.remote).unwrap();
        let (_, tree) = head_of(&repo);
        let tree = repo.find_tree(tree).unwrap();
        tree.get_path(Path::new(&crate::record_rel(&record)))
            .unwrap()
            .id()
    };
    pair.alice
        .run(&["edit", &record, "--set", "title=Second version"]);
    pair.alice.run(&["sync"]);
    let (daemon, url, remote_name) = match transport {
        Transport::Folder => (None, pair.remote.display().to_string(), "origin"),
        Transport::Daemon => {
            let daemon = Daemon::start(pair.remote.parent().unwrap());
            let name = pair.remote.file_name().unwrap().to_str().unwrap();
            let url = daemon.url(name);
            pair.alice.run(&["remote", "add", "served", &url]);
            pair.alice.run(&["sync", "--remote", "served"]);
            (Some(daemon), url, "served")
        }
    };
    // Local work not pushed yet: a refused sync must not push it.
    pair.alice
        .run(&["add", "note", "--title", "Alice's unpushed note"]);
    Scene {
        pair,
        _daemon: daemon,
        url,
        remote_name,
        record,
        first_version,
    }
}

/// Runs `attack` against a fresh scene over each transport and checks that sync and clone
/// refuse it with `exit`, naming the attacker's commit and `words`, and that nothing was
/// written outside the case, nothing pushed, and the case still opens.
fn assert_refused(attack: fn(&Repository, &Scene) -> Oid, exit: i32, words: &[&str]) {
    for transport in [Transport::Folder, Transport::Daemon] {
        let scene = scene(transport);
        let alice = &scene.pair.alice;
        let case = alice.case_dir("c1");
        let config = std::fs::read(case.join(".git/config")).unwrap();
        let head_before = std::fs::read_to_string(case.join(".git/refs/heads/main")).ok();
        let listed_before = alice.run(&["list"]);
        let remote = Repository::open_bare(&scene.pair.remote).unwrap();
        let evil = attack(&remote, &scene);
        let short = &evil.to_string()[..10];
        let what = format!("{transport:?}");

        let out = alice
            .cmd(&["sync", "--remote", scene.remote_name])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{what}: {}",
            crate::describe(&out)
        );
        if exit == 3 {
            assert!(stderr.contains(short), "{what}: names the commit: {stderr}");
            assert!(
                stderr.contains("nothing was changed here"),
                "{what}: {stderr}"
            );
        }
        for w in words {
            assert!(stderr.contains(w), "{what}: `{w}` in {stderr}");
        }
        assert_eq!(head_of(&remote).0, evil, "{what}: nothing was pushed");
        assert_eq!(
            std::fs::read(case.join(".git/config")).unwrap(),
            config,
            "{what}: the case's git config is untouched"
        );
        assert_eq!(
            std::fs::read_to_string(case.join(".git/refs/heads/main")).ok(),
            head_before,
            "{what}: the case stays at its last good commit"
        );
        assert_eq!(
            alice.run(&["list"]),
            listed_before,
            "{what}: the case opens"
        );
        alice.run(&["fsck"]);
        // A second sync refuses the same way, and still changes nothing.
        alice.fail(&["sync", "--remote", scene.remote_name], exit);

        let bob = &scene.pair.bob;
        let out = bob.cmd(&["clone", &scene.url, "copy"]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(exit),
            "{what}: clone: {}",
            crate::describe(&out)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        if exit == 3 {
            assert!(
                stderr.contains(short),
                "{what}: clone names the commit: {stderr}"
            );
        }
        assert!(
            !bob.case_dir("copy").exists(),
            "{what}: the clone left nothing"
        );
        for env in [alice, bob] {
            let planted = find_named(env.root(), PLANTED);
            assert!(planted.is_empty(), "{what}: written: {planted:?}");
        }
    }
}

fn with_root_entry(repo: &Repository, entry: Entry) -> Oid {
    let (head, tree) = head_of(repo);
    let tree = put(repo, tree, &[], entry);
    attacker_commit(repo, tree, head)
}

#[test]
fn a_dot_dot_folder_writes_nothing_outside_the_case() {
    assert_refused(
        |repo, _| {
            // `../../../../planted-by-attacker`, one `..` folder inside another.
            let payload = blob(repo, b"owned");
            let mut up = sorted_tree(repo, vec![file(PLANTED, payload)]);
            for _ in 0..3 {
                up = sorted_tree(repo, vec![folder(b"..", up)]);
            }
            with_root_entry(repo, folder(b"..", up))
        },
        3,
        &["`..`"],
    );
}

#[test]
fn a_git_folder_in_the_tree_cannot_replace_the_case_s_git_config() {
    let refused = &["is not a file iepcase writes"];
    assert_refused(|repo, _| git_config_attack(repo, b".git"), 3, refused);
    assert_refused(|repo, _| git_config_attack(repo, b".GIT"), 3, refused);
}

fn git_config_attack(repo: &Repository, name: &[u8]) -> Oid {
    let config = blob(
        repo,
        format!("[core]\n\tbare = true\n\tpager = touch {PLANTED}\n").as_bytes(),
    );
    let git = sorted_tree(repo, vec![file("config", config)]);
    with_root_entry(repo, folder(name, git))
}

#[test]
fn a_name_with_slashes_is_refused() {
    assert_refused(
        |repo, _| {
            let payload = blob(repo, b"owned");
            with_root_entry(
                repo,
                Entry {
                    mode: "100644",
                    name: format!("records/../../{PLANTED}").into_bytes(),
                    oid: payload,
                },
            )
        },
        3,
        &["is not a file iepcase writes"],
    );
}

#[test]
fn symbolic_links_submodules_and_executables_are_refused() {
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let target = blob(repo, format!("../../../{PLANTED}").as_bytes());
            let entry = Entry {
                mode: "120000",
                name: b"zzzzzzzzzz.age".to_vec(),
                oid: target,
            };
            attacker_commit(repo, put(repo, tree, &record_dir("zzzz"), entry), head)
        },
        3,
        &["symbolic link"],
    );
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let entry = Entry {
                mode: "160000",
                name: b"yyyyyyyyyy.age".to_vec(),
                oid: head,
            };
            attacker_commit(repo, put(repo, tree, &record_dir("yyyy"), entry), head)
        },
        3,
        &["submodule"],
    );
    assert_refused(
        |repo, scene| {
            let (head, tree) = head_of(repo);
            let name = format!("{}.age", scene.record);
            let current = repo
                .find_tree(tree)
                .unwrap()
                .get_path(Path::new(&crate::record_rel(&scene.record)))
                .unwrap()
                .id();
            let entry = Entry {
                mode: "100755",
                name: name.into_bytes(),
                oid: current,
            };
            attacker_commit(
                repo,
                put(repo, tree, &record_dir(&scene.record), entry),
                head,
            )
        },
        3,
        &["executable"],
    );
}

#[test]
fn oversized_files_and_colliding_names_are_refused() {
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let big = blob(repo, &vec![0x61u8; 3 << 20]);
            attacker_commit(
                repo,
                put(repo, tree, &record_dir("xxxx"), file("xxxxxxxxxx.age", big)),
                head,
            )
        },
        3,
        &["over the limit"],
    );
    // Names that one file system or another would take for `case.age` or `records`.
    assert_refused(
        |repo, _| {
            let copy = blob(repo, b"age-encryption.org/v1\n");
            with_root_entry(repo, file("Case.age", copy))
        },
        3,
        &["`Case.age`"],
    );
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let inner = sorted_tree(repo, Vec::new());
            let nfd = put(repo, tree, &[], folder("re\u{301}cords".as_bytes(), inner));
            attacker_commit(repo, nfd, head)
        },
        3,
        &["is not a file iepcase writes"],
    );
    // Two entries of one name: a tree git itself would never write.
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let mut list = entries(repo, tree);
            let case = list.iter().find(|e| e.name == b"case.age").unwrap().clone();
            list.push(case);
            attacker_commit(repo, raw_tree(repo, &list), head)
        },
        3,
        &["out of order or a duplicate"],
    );
}

/// The members' public keys, from the remote's recipients file.
fn members(repo: &Repository) -> Vec<iepcase::crypto::Recipient> {
    let (_, tree) = head_of(repo);
    let tree = repo.find_tree(tree).unwrap();
    let oid = tree
        .get_path(Path::new(".iepcase/recipients"))
        .unwrap()
        .id();
    let text = String::from_utf8(repo.find_blob(oid).unwrap().content().to_vec()).unwrap();
    iepcase::crypto::parse_recipients(&text)
        .unwrap()
        .into_iter()
        .map(|(r, _)| r)
        .collect()
}

/// A fresh case key of the attacker's, wrapped to every member so they can all open it.
fn swapped_key(repo: &Repository) -> (iepcase::crypto::CaseKey, Oid, Oid) {
    let key = iepcase::crypto::CaseKey::generate();
    let wrapped = key.wrap(&members(repo)).unwrap();
    let (head, tree) = head_of(repo);
    let oid = blob(repo, &wrapped);
    (
        key,
        head,
        put(repo, tree, &[".iepcase"], file("case-key.age", oid)),
    )
}

#[test]
fn a_swapped_case_key_is_refused_and_nothing_is_encrypted_to_it() {
    assert_refused(
        |repo, _| {
            let (_, head, tree) = swapped_key(repo);
            attacker_commit(repo, tree, head)
        },
        3,
        &[
            "its files differ from what its manifest lists",
            "case-key.age",
        ],
    );
    // With a manifest of their own, made with their own key: no proof from the case's key.
    assert_refused(
        |repo, _| {
            let (key, head, tree) = swapped_key(repo);
            let forged = forge_manifest(repo, tree, &key, 1000);
            attacker_commit(repo, forged, head)
        },
        3,
        &["without proof from the key it replaces"],
    );
}

/// `tree` with a manifest made with `key`.
fn forge_manifest(
    repo: &Repository,
    tree: Oid,
    key: &iepcase::crypto::CaseKey,
    version: u64,
) -> Oid {
    let tree_obj = repo.find_tree(tree).unwrap();
    let listed = iepcase::store::manifest::entries_of(repo, &tree_obj).unwrap();
    let manifest = iepcase::store::manifest::Manifest::new(version, key, Vec::new(), listed);
    let oid = blob(repo, manifest.render().as_bytes());
    put(repo, tree, &[".iepcase"], file("manifest", oid))
}

#[test]
fn rolled_back_moved_and_replayed_records_are_refused() {
    // Rolled back: the record's first version put back in a new commit.
    assert_refused(
        |repo, scene| {
            let (head, tree) = head_of(repo);
            let name = format!("{}.age", scene.record);
            attacker_commit(
                repo,
                put(
                    repo,
                    tree,
                    &record_dir(&scene.record),
                    file(&name, scene.first_version),
                ),
                head,
            )
        },
        3,
        &["records"],
    );
    // Moved: the record's file under another record's id.
    assert_refused(
        |repo, scene| {
            let (head, tree) = head_of(repo);
            let current = repo
                .find_tree(tree)
                .unwrap()
                .get_path(Path::new(&crate::record_rel(&scene.record)))
                .unwrap()
                .id();
            attacker_commit(
                repo,
                put(
                    repo,
                    tree,
                    &record_dir("qqqq"),
                    file("qqqqqqqqqq.age", current),
                ),
                head,
            )
        },
        3,
        &["records"],
    );
    // Replayed: a record of another case of Alice's, copied in.
    assert_refused(
        |repo, scene| {
            // Another case, of someone the attacker can read.
            let other = &scene.pair.bob;
            other.run(&["case", "new", "other", "--child", "Another Child"]);
            let id = other
                .run(&["-c", "other", "add", "note", "--title", "From elsewhere"])
                .trim()
                .to_owned();
            let bytes = std::fs::read(crate::record_file(&other.case_dir("other"), &id)).unwrap();
            let copied = blob(repo, &bytes);
            let (head, tree) = head_of(repo);
            attacker_commit(
                repo,
                put(
                    repo,
                    tree,
                    &record_dir(&id),
                    file(&format!("{id}.age"), copied),
                ),
                head,
            )
        },
        3,
        &["records"],
    );
    // The whole case put back as it was, in a new commit on top.
    assert_refused(
        |repo, _| {
            let (head, _) = head_of(repo);
            let older = repo.find_commit(head).unwrap().parent(0).unwrap().tree_id();
            attacker_commit(repo, older, head)
        },
        3,
        &["an earlier state replayed"],
    );
}

#[test]
fn a_malformed_format_or_members_file_is_refused() {
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let bad = blob(repo, b"iepcase-case 2\nextra\n");
            attacker_commit(
                repo,
                put(repo, tree, &[".iepcase"], file("format", bad)),
                head,
            )
        },
        3,
        &[".iepcase/format"],
    );
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let bad = blob(repo, b"# a member\nnot-a-key\n");
            attacker_commit(
                repo,
                put(repo, tree, &[".iepcase"], file("recipients", bad)),
                head,
            )
        },
        3,
        &["members file is malformed"],
    );
}

#[test]
fn a_newer_format_asks_for_an_upgrade_not_an_alarm() {
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let newer = blob(repo, b"iepcase-case 9\n");
            attacker_commit(
                repo,
                put(repo, tree, &[".iepcase"], file("format", newer)),
                head,
            )
        },
        1,
        &["format 9", "upgrade iepcase"],
    );
}

#[test]
fn a_remote_moved_back_is_reported_and_put_forward_again() {
    let scene = scene(Transport::Folder);
    let alice = &scene.pair.alice;
    alice.run(&["sync"]);
    let remote = Repository::open_bare(&scene.pair.remote).unwrap();
    let (latest, _) = head_of(&remote);
    let older = remote.find_commit(latest).unwrap().parent(0).unwrap().id();
    remote
        .reference("refs/heads/main", older, true, "rewind")
        .unwrap();
    let out = alice.cmd(&["sync"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("moved back to an earlier state"),
        "{stderr}"
    );
    assert_eq!(head_of(&remote).0, latest, "the sync put it forward again");

    // History rewritten to another line: refused, nothing pushed.
    let (head, tree) = head_of(&remote);
    let base = remote.find_commit(head).unwrap().parent(0).unwrap().id();
    let forked = attacker_commit(&remote, tree, base);
    let err = alice.fail(&["sync"], 3);
    assert!(err.contains("history was rewritten"), "{err}");
    assert_eq!(head_of(&remote).0, forked);
}

#[test]
fn a_commit_planted_in_the_local_copy_is_named_and_can_be_repaired() {
    let env = TestEnv::with_case();
    let victim = env.add_note("genuine");
    let other = env.add_note("another");
    // Listed once, so the listing of these records is kept; the planted commit must not
    // be listed from it.
    assert!(env.run(&["list"]).contains("another"));
    let case = env.case_dir("c1");
    // Someone with the folder (not the key) moves one record's file over another's.
    let moved = std::fs::read(crate::record_file(&case, &victim)).unwrap();
    crate::bad_input::commit_bytes_in(&env, "c1", &crate::record_file(&case, &other), &moved);
    let out = env.cmd(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("record {other}")) && stderr.contains("not authenticated"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("genuine"));
    let err = env.fail(&["show", &other], 1);
    assert!(err.contains("not authenticated"), "{err}");
    let err = env.fail(&["add", "note", "--title", "on top"], 1);
    assert!(err.contains("fsck --repair"), "{err}");
    let out = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&crate::record_rel(&other)),
        "{}",
        crate::describe(&out)
    );
    env.run(&["fsck", "--repair"]);
    assert!(env.run(&["show", &other]).contains("another"));
    env.run(&["fsck"]);
    env.add_note("on top");
}

#[test]
fn a_newer_format_with_a_new_layout_still_asks_for_an_upgrade() {
    assert_refused(
        |repo, _| {
            let (head, tree) = head_of(repo);
            let newer = blob(repo, b"iepcase-case 4\n");
            let tree = put(repo, tree, &[".iepcase"], file("format", newer));
            let record = blob(repo, b"age-encryption.org/v1\n");
            let tree = put(
                repo,
                tree,
                &["records", "ab"],
                file("abcdefghjk.age", record),
            );
            attacker_commit(repo, tree, head)
        },
        1,
        &["format 4", "upgrade iepcase"],
    );
}

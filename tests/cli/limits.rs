//! Bounded input, damaged objects, private bundles, and cases made by an older iepcase.

use std::path::Path;

use crate::TestEnv;

#[cfg(unix)]
#[test]
fn an_endless_or_huge_record_file_is_refused_at_its_limit() {
    let env = TestEnv::with_case();
    let started = std::time::Instant::now();
    let err = env.fail(&["add", "--file", "/dev/zero"], 1);
    assert!(
        err.contains("/dev/zero is larger than a record may be (1024 KiB)"),
        "{err}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "it stops at the limit instead of reading on"
    );
    let big = format!(
        "kind = \"note\"\ndate = 2026-01-01\ntitle = \"big\"\nbody = \"{}\"\n",
        "x".repeat(1100 * 1024)
    );
    let file = env.write("big.toml", &big);
    let err = env.fail(&["add", "--file", file.to_str().unwrap()], 1);
    assert!(err.contains("larger than a record may be"), "{err}");
    let out = env
        .cmd(&["add", "--file", "-"])
        .write_stdin(big)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("standard input is larger"));
}

#[test]
fn a_long_field_a_long_title_and_impossible_years_are_refused() {
    let env = TestEnv::with_case();
    let field = format!(
        "kind = \"note\"\ndate = 2026-01-01\ntitle = \"t\"\nbody = \"{}\"\n",
        "y".repeat(300 * 1024)
    );
    let file = env.write("field.toml", &field);
    let err = env.fail(&["add", "--file", file.to_str().unwrap()], 1);
    assert!(
        err.contains("over the limit of 256 KiB for one field"),
        "{err}"
    );
    let title = "t".repeat(301);
    let err = env.fail(&["add", "note", "--title", &title], 1);
    assert!(err.contains("longer than 300 characters"), "{err}");
    for date in ["0000-01-01", "1899-12-31", "2200-01-01"] {
        let err = env.fail(&["add", "note", "--title", "x", "--date", date], 2);
        assert!(err.contains("1900-01-01 to 2199-12-31"), "{date}: {err}");
        let file = env.write(
            "date.toml",
            &format!("kind = \"note\"\ndate = {date}\ntitle = \"x\"\n"),
        );
        let err = env.fail(&["add", "--file", file.to_str().unwrap()], 1);
        assert!(err.contains("1900-01-01 to 2199-12-31"), "{date}: {err}");
    }
}

#[test]
fn an_attachment_over_the_limit_is_refused_unless_the_limit_is_raised() {
    let env = TestEnv::with_case();
    let id = env.add_note("with a recording");
    let file = env.root().join("recording.wav");
    std::fs::write(&file, vec![1u8; 4096]).unwrap();
    let path = file.to_str().unwrap();
    let err = env.fail(&["attach", &id, path, "--max-size", "2K"], 1);
    assert!(
        err.contains("over the limit") && err.contains("--max-size"),
        "{err}"
    );
    assert!(!env.run(&["show", &id]).contains("recording.wav"));
    env.run(&["attach", &id, path, "--max-size", "8K"]);
    assert!(env.run(&["show", &id]).contains("recording.wav"));
    let err = env.fail(&["attach", &id, path, "--max-size", "lots"], 2);
    assert!(err.contains("500M or 4G"), "{err}");
}

#[test]
fn escape_bytes_in_a_bad_file_or_its_name_never_reach_the_terminal() {
    let env = TestEnv::with_case();
    let name = "evil\u{1b}[2J.toml";
    let file = env.write(
        name,
        "kind = \"note\"\ndate = 2026-01-01\ntitle = \"\u{1b}[31mred\n",
    );
    let out = env
        .cmd(&["add", "--file", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    assert!(stderr.contains("\\u{1b}"), "shown escaped: {stderr:?}");
}

/// The loose object file of `oid` in the case's repository.
fn object_file(case: &Path, oid: git2::Oid) -> std::path::PathBuf {
    let hex = oid.to_string();
    case.join(".git/objects").join(&hex[..2]).join(&hex[2..])
}

#[test]
fn a_damaged_git_object_is_named_and_fsck_goes_on() {
    let env = TestEnv::with_case();
    let victim = env.add_note("damaged in git");
    env.add_note("still fine");
    let case = env.case_dir("c1");
    let repo = git2::Repository::open(case.join(".git")).unwrap();
    let tree = repo.head().unwrap().peel_to_tree().unwrap();
    let oid = tree
        .get_path(Path::new(&crate::record_rel(&victim)))
        .unwrap()
        .id();
    drop(tree);
    drop(repo);
    // The cache would answer for it: start without one.
    let _ = std::fs::remove_dir_all(case.join(".git/iepcase/cache"));
    let object = object_file(&case, oid);
    let mut perms = std::fs::metadata(&object).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&object, perms).unwrap();
    std::fs::write(&object, b"not zlib at all").unwrap();

    let out = env.cmd(&["list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", crate::describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("record {victim}")) && stderr.contains("damaged"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("still fine"));
    let err = env.fail(&["show", &victim], 1);
    assert!(err.contains("damaged"), "{err}");
    let out = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(report.contains(&crate::record_rel(&victim)), "{report}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 records"),
        "fsck went on to the end: {}",
        crate::describe(&out)
    );
}

#[cfg(unix)]
#[test]
fn a_bundle_is_readable_only_by_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::with_case();
    let pdf = env.write("letter.pdf", "%PDF-1.4 pretend");
    env.run(&[
        "add",
        "note",
        "--title",
        "with a file",
        "--attach",
        pdf.to_str().unwrap(),
        "--set",
        "privileged=false",
    ]);
    let out = env.root().join("binder");
    env.run(&[
        "bundle",
        "--purpose",
        "iep-meeting",
        "--out",
        out.to_str().unwrap(),
        "--skip-broken",
    ]);
    let mut stack = vec![out.clone()];
    let mut files = 0;
    while let Some(path) = stack.pop() {
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        if path.is_dir() {
            assert_eq!(mode, 0o700, "{}", path.display());
            stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else {
            assert_eq!(mode, 0o600, "{}", path.display());
            files += 1;
        }
    }
    assert!(files >= 4, "{files}");
}

#[test]
fn a_case_key_swapped_in_the_local_copy_is_not_used() {
    let env = TestEnv::with_case();
    let id = env.add_note("private");
    let case = env.case_dir("c1");
    let me: iepcase::crypto::Recipient = env.run(&["keys", "show"]).trim().parse().unwrap();
    let stranger = iepcase::crypto::CaseKey::generate();
    let wrapped = stranger.wrap(&[me]).unwrap();
    crate::bad_input::commit_bytes_in(&env, "c1", &case.join(".iepcase/case-key.age"), &wrapped);
    let err = env.fail(&["show", &id], 1);
    assert!(err.contains("not the one this copy trusts"), "{err}");
    let err = env.fail(
        &["add", "note", "--title", "would go to the stranger's key"],
        1,
    );
    assert!(err.contains("not the one this copy trusts"), "{err}");
    let out = env.cmd(&["fsck"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
}

/// Writes a case as iepcase 0.x did (format 1: no manifest, no pin) with one note.
fn format_1_case(env: &TestEnv, slug: &str) -> String {
    let root = env.case_dir(slug);
    let repo = iepcase::git::init(&root).unwrap();
    let me: iepcase::crypto::Recipient = env.run(&["keys", "show"]).trim().parse().unwrap();
    let key = iepcase::crypto::CaseKey::generate();
    let id = iepcase::record::RecordId::generate();
    let mut changes = Vec::new();
    let mut put = |path: &str, bytes: Vec<u8>| {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, &bytes).unwrap();
        changes.push(iepcase::git::PathChange::Put {
            path: path.to_owned(),
            blob: repo.blob(&bytes).unwrap(),
        });
    };
    put(".iepcase/format", b"iepcase-case 1\n".to_vec());
    put(
        ".iepcase/recipients",
        iepcase::crypto::render_recipients(&[(me.clone(), None)]).into_bytes(),
    );
    put(".iepcase/case-key.age", key.wrap(&[me]).unwrap());
    put(
        "case.age",
        key.encrypt(b"child = \"Old Format Child\"\nstate = \"MS\"\n", "meta")
            .unwrap(),
    );
    put(
        &format!("records/{id}.age"),
        key.encrypt(
            b"kind = \"note\"\ndate = 2025-05-01\ntitle = \"Written by an older iepcase\"\n",
            "record",
        )
        .unwrap(),
    );
    let empty = repo
        .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
        .unwrap();
    let tree = iepcase::git::updated_tree(&repo, &empty, &changes).unwrap();
    let context = iepcase::git::CommitContext {
        name: "Old".into(),
        email: "old@example.org".into(),
        time: 1_750_000_000,
    };
    iepcase::git::commit_tree(&repo, None, tree, "create case", &context, &[]).unwrap();
    id.to_string()
}

#[test]
fn a_format_1_case_is_read_then_upgraded_by_its_next_change() {
    let env = TestEnv::with_case();
    let id = format_1_case(&env, "old");
    assert!(
        env.run(&["-c", "old", "list"])
            .contains("Written by an older iepcase")
    );
    let out = env.cmd(&["-c", "old", "fsck"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("format 1"));
    let before = env.commits("old");
    // A crash right after the upgrade's commit loses nothing, and the next command finishes.
    let out = env
        .cmd(&["-c", "old", "add", "note", "--title", "after the upgrade"])
        .env(crate::failpoint_var(), "after-commit")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(env.commits("old"), before + 1, "the upgrade is one commit");
    env.run(&["-c", "old", "add", "note", "--title", "after the upgrade"]);
    assert_eq!(env.commits("old"), before + 2);
    let format = std::fs::read_to_string(env.case_dir("old").join(".iepcase/format")).unwrap();
    assert_eq!(format, "iepcase-case 3\n");
    assert!(
        !env.case_dir("old")
            .join(format!("records/{id}.age"))
            .exists(),
        "the old file beside .git moved with the record: {:?}",
        crate::files_below(&env.case_dir("old"), "records")
    );
    assert!(crate::record_file(&env.case_dir("old"), &id).exists());
    let log = env.run(&["-c", "old", "log"]);
    assert!(log.contains("upgrade case format"), "{log}");
    assert!(
        env.run(&["-c", "old", "show", &id])
            .contains("older iepcase")
    );
    let out = env.cmd(&["-c", "old", "fsck"]).output().unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("format 1"));
    // The record from before the upgrade was not re-encrypted.
    let repo = git2::Repository::open(env.case_dir("old").join(".git")).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let first = head.parent(0).unwrap().parent(0).unwrap();
    let flat = Path::new("records").join(format!("{id}.age"));
    let nested = std::path::PathBuf::from(crate::record_rel(&id));
    assert_eq!(
        head.tree().unwrap().get_path(&nested).unwrap().id(),
        first.tree().unwrap().get_path(&flat).unwrap().id()
    );
}

/// Commits, on `main` of the bare repository `repo`, a note in the layout of format 2 (as an
/// iepcase of that format writes it), with its manifest made with the case key `key`.
fn commit_in_format_2(repo: &git2::Repository, key: &iepcase::crypto::CaseKey, title: &str) {
    let head = repo
        .find_reference("refs/heads/main")
        .unwrap()
        .peel_to_commit()
        .unwrap();
    let parent_tree = head.tree().unwrap();
    let manifest = parent_tree
        .get_path(Path::new(".iepcase/manifest"))
        .unwrap()
        .to_object(repo)
        .unwrap()
        .peel_to_blob()
        .unwrap();
    let version = iepcase::store::manifest::Manifest::parse(manifest.content())
        .unwrap()
        .version;
    let id = iepcase::record::RecordId::generate();
    let text = format!("kind = \"note\"\ndate = 2026-03-01\ntitle = \"{title}\"\n");
    let record = repo
        .blob(&key.encrypt(text.as_bytes(), "record").unwrap())
        .unwrap();
    let tree = iepcase::git::updated_tree(
        repo,
        &parent_tree,
        &[
            iepcase::git::PathChange::Put {
                path: format!("records/{id}.age"),
                blob: record,
            },
            iepcase::git::PathChange::Put {
                path: ".iepcase/format".into(),
                blob: repo.blob(b"iepcase-case 2\n").unwrap(),
            },
        ],
    )
    .unwrap();
    let tree_obj = repo.find_tree(tree).unwrap();
    let entries = iepcase::store::manifest::entries_of(repo, &tree_obj).unwrap();
    let manifest =
        iepcase::store::manifest::Manifest::new(version + 1, key, Vec::new(), entries).render();
    let tree = iepcase::git::updated_tree(
        repo,
        &tree_obj,
        &[iepcase::git::PathChange::Put {
            path: ".iepcase/manifest".into(),
            blob: repo.blob(manifest.as_bytes()).unwrap(),
        }],
    )
    .unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let sig = git2::Signature::now("Older", "older@example.org").unwrap();
    repo.commit(
        Some("refs/heads/main"),
        &sig,
        &sig,
        "add record",
        &tree,
        &[&head],
    )
    .unwrap();
}

/// A case in format 2 (a manifest, records directly in `records/`) on a bare remote, as a
/// member still running the iepcase of that format keeps it; returns the remote and its key.
fn format_2_remote(env: &TestEnv) -> (std::path::PathBuf, iepcase::crypto::CaseKey) {
    let slug = "mixed";
    format_1_case(env, slug);
    let case = env.case_dir(slug);
    let repo = git2::Repository::open(case.join(".git")).unwrap();
    let identity = env.home.join(".config/iepcase/identity.txt");
    let ids = iepcase::crypto::Identities::load(&identity, &iepcase::crypto::NoPrompt).unwrap();
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    let wrapped = head
        .tree()
        .unwrap()
        .get_path(Path::new(".iepcase/case-key.age"))
        .unwrap()
        .to_object(&repo)
        .unwrap()
        .peel_to_blob()
        .unwrap();
    let key = iepcase::crypto::CaseKey::unwrap(wrapped.content(), &ids).unwrap();
    // The format-2 upgrade of that iepcase: format line and first manifest.
    let tree = iepcase::git::updated_tree(
        &repo,
        &head.tree().unwrap(),
        &[iepcase::git::PathChange::Put {
            path: ".iepcase/format".into(),
            blob: repo.blob(b"iepcase-case 2\n").unwrap(),
        }],
    )
    .unwrap();
    let tree_obj = repo.find_tree(tree).unwrap();
    let entries = iepcase::store::manifest::entries_of(&repo, &tree_obj).unwrap();
    let manifest = iepcase::store::manifest::Manifest::new(1, &key, Vec::new(), entries).render();
    let tree = iepcase::git::updated_tree(
        &repo,
        &tree_obj,
        &[iepcase::git::PathChange::Put {
            path: ".iepcase/manifest".into(),
            blob: repo.blob(manifest.as_bytes()).unwrap(),
        }],
    )
    .unwrap();
    let tree = repo.find_tree(tree).unwrap();
    let sig = git2::Signature::now("Older", "older@example.org").unwrap();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "upgrade case format",
        &tree,
        &[&head],
    )
    .unwrap();
    let remote = env.root().join("mixed.git");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(case.join(".git"))
        .arg(&remote)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_dir_all(&case).unwrap();
    (remote, key)
}

#[test]
fn copies_in_formats_2_and_3_sync_through_one_remote() {
    let env = TestEnv::with_case();
    let (remote, key) = format_2_remote(&env);
    let url = remote.to_str().unwrap();
    env.run(&["clone", url, "mixed"]);
    assert!(env.run(&["-c", "mixed", "list"]).contains("older iepcase"));
    // A member with the older iepcase adds a record on the remote, in format 2...
    let bare = git2::Repository::open_bare(&remote).unwrap();
    commit_in_format_2(&bare, &key, "Added by the older iepcase");
    // ...while this copy, upgraded by its own change, adds one in format 3.
    env.run(&[
        "-c",
        "mixed",
        "add",
        "note",
        "--title",
        "Added after the upgrade",
    ]);
    env.run(&["-c", "mixed", "sync"]);
    let list = env.run(&["-c", "mixed", "list"]);
    assert!(
        list.contains("Added by the older iepcase") && list.contains("Added after the upgrade"),
        "{list}"
    );
    env.run(&["-c", "mixed", "fsck"]);
    let format = std::fs::read_to_string(env.case_dir("mixed").join(".iepcase/format")).unwrap();
    assert_eq!(format, "iepcase-case 3\n");
    // A format-2 commit on top of the upgraded case is refused: it would go back a format.
    commit_in_format_2(&bare, &key, "Too old now");
    let err = env.fail(&["-c", "mixed", "sync"], 3);
    assert!(err.contains("refused what the remote"), "{err}");
    assert!(!env.run(&["-c", "mixed", "list"]).contains("Too old now"));
}

//! Packing without the user asking, safe under a crash; synthetic cases for benchmarks.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::TestEnv;

fn loose_objects(case: &Path) -> usize {
    let objects = case.join(".git/objects");
    std::fs::read_dir(&objects)
        .unwrap()
        .flatten()
        .filter(|d| d.file_name().len() == 2)
        .map(|d| std::fs::read_dir(d.path()).unwrap().count())
        .sum()
}

fn packs(case: &Path) -> usize {
    std::fs::read_dir(case.join(".git/objects/pack"))
        .map(|d| {
            d.flatten()
                .filter(|e| e.path().extension().is_some_and(|x| x == "idx"))
                .count()
        })
        .unwrap_or(0)
}

/// Once a case has many loose objects, the command that wrote starts a packer in the
/// background; the user's command does not wait for it and nothing is lost.
#[test]
fn a_case_is_packed_in_the_background_after_enough_commits() {
    let env = TestEnv::with_case();
    let case = env.case_dir("c1");
    let mut titles = Vec::new();
    for n in 0..8 {
        let title = format!("note {n}");
        env.cmd(&["add", "note", "--date", "2026-01-15", "--title", &title])
            .env("IEPCASE_PACK_LOOSE", "100000")
            .assert()
            .success();
        titles.push(title);
    }
    assert_eq!(packs(&case), 0, "nothing is packed below the limit");
    let before = loose_objects(&case);
    env.cmd(&["add", "note", "--title", "the last straw"])
        .env("IEPCASE_PACK_LOOSE", "20")
        .assert()
        .success();
    let started = Instant::now();
    while packs(&case) == 0 || loose_objects(&case) > 5 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no pack after a minute: {} loose objects, {} packs",
            loose_objects(&case),
            packs(&case)
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(before > 20, "{before} loose objects before");
    let list = env.run(&["list"]);
    for title in titles.iter().map(String::as_str).chain(["the last straw"]) {
        assert!(list.contains(title), "{title} missing: {list}");
    }
    env.run(&["fsck"]);
    assert!(env.run(&["log"]).lines().count() >= 10);
}

/// A packer killed after writing its pack, or halfway through removing loose copies, loses
/// nothing, and the next one finishes the job.
#[test]
fn a_packer_killed_at_any_point_loses_nothing() {
    for point in ["pack-written", "pack-pruning"] {
        let env = TestEnv::with_case();
        let case = env.case_dir("c1");
        let ids: Vec<String> = (0..6).map(|n| env.add_note(&format!("note {n}"))).collect();
        let out = env
            .cmd(&["dev", "pack", case.to_str().unwrap()])
            .env(crate::failpoint_var(), point)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}: the packer was stopped");
        for id in &ids {
            env.run(&["show", id]);
        }
        env.run(&["fsck"]);
        // The dead packer's lock names a process that is gone: the next packer takes over.
        assert!(case.join(".git/iepcase/pack.lock").exists());
        env.run(&["dev", "pack", case.to_str().unwrap()]);
        assert_eq!(loose_objects(&case), 0, "{point}");
        for id in &ids {
            env.run(&["show", id]);
        }
        env.run(&["fsck"]);
    }
}

/// `dev synth` builds the cases the benchmarks measure: the records and commits asked for,
/// all valid.
#[test]
fn synthetic_cases_have_what_was_asked() {
    let env = TestEnv::with_case();
    env.run(&[
        "dev",
        "synth",
        "synthetic",
        "--records",
        "40",
        "--service-logs",
        "5",
        "--commits",
        "3",
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&env.run(&["-c", "synthetic", "list", "--json"])).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 40 + 1 + 5 + 3);
    assert_eq!(
        env.commits("synthetic"),
        1 + 1 + 3,
        "creation, records, commits"
    );
    env.run(&["-c", "synthetic", "fsck"]);
    let out = env
        .cmd(&["dev", "synth", "synthetic", "--records", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

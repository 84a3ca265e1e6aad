//! Store benchmarks on synthetic cases, timing the release binary as a user runs it.
//!
//! `cargo bench --bench store` builds cases of 1,000 and 10,000 records and reports, over
//! repeated runs: `list` on 1,000 records (cold cache and warm), and `add` into cases of 100
//! and 10,000 records (to show that `add` does not grow with the case); then a case of 1,000
//! commits pushed to a local remote, to time what checking every fetched commit costs:
//! `clone` (every commit verified) beside `git clone --no-local`, and a `sync` that takes in
//! 100 new commits.

mod common;

use std::time::Instant;

use common::{Bench, report};
use iepcase::synth::Synth;
use iepcase::workspace::{Config, Workspace};

fn main() {
    let bench = Bench::new(None);
    let ws_root = bench.root.clone();
    let sizes = [100usize, 1_000, 10_000];
    for &n in &sizes {
        let started = Instant::now();
        build_case(&bench, &bench.ws, &format!("c{n}"), n);
        eprintln!(
            "generated a case of {n} records in {:.1?}",
            started.elapsed()
        );
    }

    // `list` on 1,000 records: the first run fills the encrypted cache, later runs use it.
    let cache = bench.ws.case_dir("c1000").join(".git/iepcase/cache");
    let _ = std::fs::remove_dir_all(&cache);
    let cold = bench.time(&ws_root, &["-c", "c1000", "list"]);
    let warm = bench.repeat(&ws_root, &["-c", "c1000", "list"], 20);
    report("list, 1,000 records, cold cache", &[cold]);
    report("list, 1,000 records, warm cache", &warm);
    let json = bench.repeat(&ws_root, &["-c", "c1000", "list", "--json"], 10);
    report("list --json, 1,000 records", &json);

    for &n in &[100usize, 10_000] {
        let slug = format!("c{n}");
        // Each run adds a new note: `add` refuses one that says what a record already says.
        let samples: Vec<_> = (0..20)
            .map(|k| {
                let title = format!("bench note {k}");
                bench.time(
                    &ws_root,
                    &[
                        "-c",
                        &slug,
                        "add",
                        "note",
                        "--date",
                        "2026-01-01",
                        "--title",
                        &title,
                    ],
                )
            })
            .collect();
        report(&format!("add into {n} records"), &samples);
    }
    let samples = bench.repeat(&ws_root, &["-c", "c10000", "list"], 5);
    report("list, 10,000 records, warm cache", &samples);

    let samples = bench.repeat(&ws_root, &["-c", "c1000", "timeline"], 10);
    report("timeline, 1,000 records", &samples);
    let samples = bench.repeat(
        &ws_root,
        &["-c", "c1000", "timeline", "--format", "json"],
        10,
    );
    report("timeline --format json, 1,000 records", &samples);

    // A workspace of 100 cases of 100 records, searched as a whole.
    let started = Instant::now();
    let many_root = ws_root.join("many");
    let many = Workspace::create(
        &many_root,
        &Config {
            identity: Some("../id.txt".into()),
            ..Config::default()
        },
    )
    .expect("workspace");
    for n in 0..100 {
        build_case(&bench, &many, &format!("s{n:03}"), 100);
    }
    eprintln!(
        "generated 100 cases of 100 records in {:.1?}",
        started.elapsed()
    );
    let _ = bench.time(&many_root, &["search", "speech", "--all"]);
    let samples = bench.repeat(&many_root, &["search", "speech", "--all"], 5);
    report("search --all, 100 cases x 100 records", &samples);
    let samples = bench.repeat(&many_root, &["search", "zebra-not-there", "--all"], 5);
    report("search --all, no match", &samples);

    // Each of the 100 cases gets a local bare remote; the first sync pushes everything.
    for n in 0..100 {
        let slug = format!("s{n:03}");
        let remote = many_root.join("remotes").join(format!("{slug}.git"));
        git2::Repository::init_bare(&remote).expect("bare remote");
        let _ = bench.time(
            &many_root,
            &[
                "-c",
                &slug,
                "remote",
                "add",
                "origin",
                remote.to_str().unwrap(),
            ],
        );
    }
    let first = bench.time(&many_root, &["sync", "--all"]);
    report("sync --all, 100 cases, first push", &[first]);
    let samples = bench.repeat(&many_root, &["sync", "--all"], 5);
    report("sync --all, 100 unchanged cases", &samples);

    verified_fetches(&bench);
}

/// A case of 1,000 commits on a local remote: clone and sync verify every commit they take.
fn verified_fetches(bench: &Bench) {
    let root = bench.root.join("history");
    let ws = Workspace::create(
        &root,
        &Config {
            identity: Some("../id.txt".into()),
            ..Config::default()
        },
    )
    .expect("workspace");
    let started = Instant::now();
    build_case(bench, &ws, "h", 1);
    bench.commits(&ws, "h", 999, 7);
    eprintln!(
        "generated a case of 1,000 commits in {:.1?}",
        started.elapsed()
    );
    let remote = root.join("h.git");
    git2::Repository::init_bare(&remote).expect("bare remote");
    let url = remote.to_str().expect("utf-8 path");
    bench.time(&root, &["-c", "h", "remote", "add", "origin", url]);
    bench.time(&root, &["-c", "h", "sync"]);

    let mut clones = Vec::new();
    let mut plain = Vec::new();
    for run in 0..5 {
        let slug = format!("copy{run}");
        clones.push(bench.time(&root, &["clone", url, &slug]));
        let target = root.join(format!("plain{run}"));
        let started = Instant::now();
        let status = std::process::Command::new("git")
            .args(["clone", "-q", "--bare", "--no-local", url])
            .arg(&target)
            .status()
            .expect("git clone");
        assert!(status.success());
        plain.push(started.elapsed());
    }
    report("clone, 1,000 commits (all verified)", &clones);
    report("git clone --no-local, same case", &plain);

    // 100 new commits arrive at a copy that has the rest.
    bench.commits(&ws, "h", 100, 11);
    bench.time(&root, &["-c", "h", "sync"]);
    let sync = bench.time(&root, &["-c", "copy0", "sync"]);
    report("sync taking in 100 new commits", &[sync]);
}

/// Case `slug` of `n` synthetic records in `ws`.
fn build_case(bench: &Bench, ws: &Workspace, slug: &str, n: usize) {
    bench.case(ws, slug, |tx| {
        for (id, text) in Synth::new(n as u64).records(n) {
            tx.put_record(&id, &text).expect("record");
        }
    });
}

//! `sync --all` over SSH: 100 cases on a real sshd on 127.0.0.1 (its own host key and
//! config, as the tests run it), each case its own repository on the server.
//!
//! `cargo bench --bench sync` reports the first push, a sync with nothing changed, a sync
//! with one new record in every case, and the same with one connection at a time
//! (`--jobs 1`) to show what running cases in parallel gains. Needs `openssh-server`.

mod common;

#[path = "../tests/cli/servers/process.rs"]
#[allow(dead_code)]
mod process;
#[path = "../tests/cli/servers/ssh.rs"]
#[allow(dead_code)]
mod ssh;

use std::path::Path;
use std::time::Duration;

use common::{Bench, commit_context, report};
use iepcase::store::Case;
use iepcase::synth::Synth;

const CASES: usize = 100;

fn main() {
    if !ssh::available() {
        eprintln!("the sync benchmark needs openssh-server");
        std::process::exit(1);
    }
    let bench = Bench::new(Some("MS"));
    let home = bench.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let key = ssh::Key::new(&home.join(".ssh/id_ed25519"), "");
    let served = bench.dir.path().join("served");
    std::fs::create_dir_all(&served).unwrap();
    let sshd = ssh::Sshd::start(
        &bench.dir.path().join("sshd"),
        std::slice::from_ref(&key.public_line),
        &[],
    );
    sshd.trust(&home);
    for n in 0..CASES {
        let slug = format!("s{n:03}");
        let seed = n as u64 + 1;
        bench.case(&bench.ws, &slug, |tx| {
            for (id, text) in Synth::new(seed).records(10) {
                tx.put_record(&id, &text).expect("record");
            }
        });
        git2::Repository::init_bare(served.join(format!("{slug}.git"))).expect("bare repo");
    }
    let template = format!("{}/{{slug}}.git", sshd.url(&served));
    run(
        &bench,
        &home,
        &["remote", "add", "origin", "--all", &template],
    );

    let first = time(&bench, &home, &["sync", "--all"]);
    report("sync --all over SSH, 100 cases, first push", &[first]);
    let unchanged: Vec<Duration> = (0..5)
        .map(|_| time(&bench, &home, &["sync", "--all"]))
        .collect();
    report("sync --all over SSH, 100 cases unchanged", &unchanged);
    let serial: Vec<Duration> = (0..2)
        .map(|_| time(&bench, &home, &["sync", "--all", "--jobs", "1"]))
        .collect();
    report("  the same, --jobs 1", &serial);

    let mut changed = Vec::new();
    for round in 0..3 {
        one_change_each(&bench, 1000 + round);
        changed.push(time(&bench, &home, &["sync", "--all"]));
    }
    report("sync --all over SSH, 1 new record in each", &changed);
    one_change_each(&bench, 2000);
    let serial = time(&bench, &home, &["sync", "--all", "--jobs", "1"]);
    report("  the same, --jobs 1", &[serial]);
}

/// Adds one record to every case, one commit each.
fn one_change_each(bench: &Bench, seed: u64) {
    for n in 0..CASES {
        let slug = format!("s{n:03}");
        let root = bench.ws.case_dir(&slug);
        let ctx = commit_context();
        let (case, lock) = Case::open_locked(
            &root,
            &slug,
            &bench.ids,
            "bench",
            Duration::ZERO,
            &mut |_| {},
            &ctx,
        )
        .expect("lock");
        let mut tx = case.transaction(&lock);
        for (id, text) in Synth::new(seed + n as u64).records(1) {
            tx.put_record(&id, &text).expect("record");
        }
        tx.commit("add record", &ctx).expect("commit");
    }
}

fn command(bench: &Bench, home: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = bench.command(&bench.root, args);
    cmd.env("HOME", home)
        .env_remove("SSH_AUTH_SOCK")
        .env("GIT_CONFIG_NOSYSTEM", "1");
    cmd
}

fn run(bench: &Bench, home: &Path, args: &[&str]) {
    let out = command(bench, home, args).output().expect("iepcase");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn time(bench: &Bench, home: &Path, args: &[&str]) -> Duration {
    let started = std::time::Instant::now();
    run(bench, home, args);
    started.elapsed()
}

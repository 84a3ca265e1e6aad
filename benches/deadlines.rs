//! Deadline and check benchmarks on a synthetic workspace, timing the release binary as a
//! user runs it.
//!
//! `cargo bench --bench deadlines` builds 100 cases of 100 records each (Mississippi rules)
//! and reports `deadlines --all` and `check --all` over all of them: the first run (cold
//! plaintext caches) and repeated runs (warm). The goal is at most 1 s.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use iepcase::crypto::{Identities, NoPrompt, Recipient, generate_identity};
use iepcase::git::CommitContext;
use iepcase::store::Case;
use iepcase::synth::Synth;
use iepcase::workspace::{Config, Workspace};

const CASES: usize = 100;
const RECORDS: usize = 100;

fn main() {
    // IEPCASE_BENCH_DIR keeps the generated workspace for profiling; default: a temp folder.
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_root =
        std::env::var_os("IEPCASE_BENCH_DIR").map_or_else(|| dir.path().join("ws"), PathBuf::from);
    let ws = Workspace::create(
        &ws_root,
        &Config {
            identity: Some("id.txt".into()),
            state: Some("MS".into()),
            ..Config::default()
        },
    )
    .expect("workspace");
    let identity = generate_identity("bench");
    std::fs::write(
        ws_root.join("id.txt"),
        age::secrecy::ExposeSecret::expose_secret(&identity.file),
    )
    .expect("identity file");
    let ids = Identities::load(&ws_root.join("id.txt"), &NoPrompt).expect("identities");
    let started = Instant::now();
    for n in 0..CASES {
        build_case(
            &ws,
            &ids,
            &identity.public,
            &format!("case-{n:03}"),
            n as u64 + 1,
        );
    }
    eprintln!(
        "generated {CASES} cases of {RECORDS} records in {:.1?}",
        started.elapsed()
    );
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_iepcase"));
    let today = ["--today", "2026-11-28"];
    for (what, command) in [("deadlines --all", "deadlines"), ("check --all", "check")] {
        let args: Vec<&str> = [command, "--all"].iter().chain(&today).copied().collect();
        let cold = if command == "deadlines" {
            vec![time(&bin, &ws_root, &args)]
        } else {
            Vec::new()
        };
        if !cold.is_empty() {
            report(&format!("{what}, cold caches"), &cold);
        }
        report(what, &repeat(&bin, &ws_root, &args, 10));
        let mut json = args.clone();
        json.push("--json");
        report(&format!("{what} --json"), &repeat(&bin, &ws_root, &json, 5));
    }
}

fn build_case(ws: &Workspace, ids: &Identities, public: &str, slug: &str, seed: u64) {
    let root = ws.case_dir(slug);
    let ctx = CommitContext {
        name: "bench".into(),
        email: "bench@example.org".into(),
        time: 1_760_000_000,
    };
    let members = vec![(public.parse::<Recipient>().expect("public key"), None)];
    Case::create(
        &root,
        slug,
        "child = \"Synthetic Child\"\nstate = \"MS\"\n",
        &members,
        &ctx,
    )
    .expect("case");
    let case = Case::open(&root, slug, ids).expect("open case");
    let lock = case
        .lock("bench", Duration::ZERO, &mut |_| {})
        .expect("lock");
    let mut tx = case.transaction(&lock);
    for (id, text) in Synth::new(seed).records(RECORDS) {
        tx.put_record(&id, &text).expect("record");
    }
    tx.commit("add records", &ctx).expect("commit");
}

fn time(bin: &Path, ws: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .env("IEPCASE_WORKSPACE", ws)
        .env_remove("IEPCASE_IDENTITY")
        .env_remove("IEPCASE_CASE")
        .output()
        .expect("run iepcase");
    let elapsed = started.elapsed();
    // `check` exits 3 when it finds something, which synthetic cases always do.
    assert!(
        matches!(out.status.code(), Some(0 | 3)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    elapsed
}

fn repeat(bin: &Path, ws: &Path, args: &[&str], runs: usize) -> Vec<Duration> {
    (0..runs).map(|_| time(bin, ws, args)).collect()
}

fn report(what: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let median = sorted[sorted.len() / 2];
    println!(
        "{what:<40} median {:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms   ({} runs)",
        ms(median),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

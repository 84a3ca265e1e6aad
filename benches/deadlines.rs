//! Deadline and check benchmarks on a synthetic workspace, timing the release binary as a
//! user runs it.
//!
//! `cargo bench --bench deadlines` builds 100 cases of 100 records each (Mississippi rules)
//! and reports `deadlines --all` and `check --all` over all of them: the first run (cold
//! plaintext caches) and repeated runs (warm). The goal is at most 1 s.

mod common;

use std::time::{Duration, Instant};

use common::{Bench, report};
use iepcase::synth::Synth;

const CASES: usize = 100;
const RECORDS: usize = 100;

fn main() {
    let bench = Bench::new(Some("MS"));
    let started = Instant::now();
    for n in 0..CASES {
        bench.case(&bench.ws, &format!("case-{n:03}"), |tx| {
            for (id, text) in Synth::new(n as u64 + 1).records(RECORDS) {
                tx.put_record(&id, &text).expect("record");
            }
        });
    }
    eprintln!(
        "generated {CASES} cases of {RECORDS} records in {:.1?}",
        started.elapsed()
    );
    let ws = &bench.root;
    // `check` exits 3 when it finds something, which synthetic cases always do.
    let time = |args: &[&str]| bench.time_with(ws, args, &[0, 3]);
    let repeat =
        |args: &[&str], runs: usize| -> Vec<Duration> { (0..runs).map(|_| time(args)).collect() };
    let today = ["--today", "2026-11-28"];
    for (what, command) in [("deadlines --all", "deadlines"), ("check --all", "check")] {
        let args: Vec<&str> = [command, "--all"].iter().chain(&today).copied().collect();
        if command == "deadlines" {
            report(&format!("{what}, cold caches"), &[time(&args)]);
        }
        report(what, &repeat(&args, 10));
        let mut json = args.clone();
        json.push("--json");
        report(&format!("{what} --json"), &repeat(&json, 5));
    }
}

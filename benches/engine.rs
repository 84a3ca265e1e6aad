//! Deadline and check engine benchmark on one large case, in memory: links, deadlines and
//! findings, without decryption or git (the store benchmarks time those).
//!
//! `cargo bench --bench engine` builds a Mississippi case of 10,000 records, 2,000 of them
//! service logs of weekly periods (some short), and reports `links::link`,
//! `rules::deadlines_of` and `check::check_linked` over repeated runs, and the three together
//! as `iepcase check` runs them. `IEPCASE_BENCH_RECORDS=N` and
//! `IEPCASE_BENCH_LOGS=N` change the sizes. The engine must stay well inside the `check`
//! target of 300 ms for such a case, leaving the rest to reading the records.

mod common;

use std::time::{Duration, Instant};

use common::report;
use iepcase::check::{Input, check_linked};
use iepcase::record::{CaseMeta, Date, RecordId, parse_case_meta, parse_record};
use iepcase::rules::{Rulebook, deadlines_of};
use iepcase::store::StoredRecord;
use iepcase::synth::Synth;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// `count` weekly logs of three services from August 2023, one in four short.
fn service_logs(count: usize) -> Vec<String> {
    let services = ["Speech-language therapy", "Occupational therapy", "Reading"];
    let start = Date::new(2023, 8, 7).expect("valid date").0;
    (0..count)
        .map(|n| {
            let week = (n / services.len()) as i64;
            let from = start
                .checked_add(jiff::Span::new().days(7 * week))
                .expect("in range");
            let to = from
                .checked_add(jiff::Span::new().days(4))
                .expect("in range");
            let delivered = if n % 4 == 0 { 60 } else { 120 };
            format!(
                "kind = \"service-log\"\ndate = {to}\ntitle = \"Minutes of the week\"\n\
                 service = \"{}\"\nperiod_start = {from}\nperiod_end = {to}\n\
                 scheduled_minutes = 120\ndelivered_minutes = {delivered}\n",
                services[n % services.len()]
            )
        })
        .collect()
}

fn records(total: usize, logs: usize) -> Vec<StoredRecord> {
    let mut texts: Vec<String> = Synth::new(7)
        .records(total.saturating_sub(logs))
        .into_iter()
        .map(|(_, text)| text)
        .collect();
    texts.extend(service_logs(logs));
    texts
        .into_iter()
        .map(|text| StoredRecord {
            id: RecordId::generate(),
            record: parse_record(&text, "synthetic").expect("synthetic records are valid"),
            text,
        })
        .collect()
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            std::hint::black_box(f());
            started.elapsed()
        })
        .collect()
}

fn main() {
    let total = size("IEPCASE_BENCH_RECORDS", 10_000);
    let logs = size("IEPCASE_BENCH_LOGS", 2_000);
    let records = records(total, logs);
    let meta: CaseMeta =
        parse_case_meta("child = \"Sam Doe\"\nstate = \"MS\"\n", "bench").expect("valid meta");
    let book = Rulebook::builtin().expect("built-in rules");
    let rules = book.select(Some("MS")).set;
    let today = Date::new(2026, 11, 28).expect("valid date");
    eprintln!("a case of {total} records, {logs} of them service logs");
    let linked = iepcase::links::link(&records);
    report("links::link", &time(5, || iepcase::links::link(&records)));
    report(
        "rules::deadlines_of (links given)",
        &time(5, || deadlines_of(&linked, &meta, rules, today)),
    );
    let due = deadlines_of(&linked, &meta, rules, today);
    let input = Input {
        records: &records,
        meta: &meta,
        rules,
        deadlines: &due,
        today,
    };
    let findings = check_linked(&input, &linked);
    eprintln!("{} deadlines, {} findings", due.len(), findings.len());
    report(
        "check::check_linked (links given)",
        &time(5, || check_linked(&input, &linked)),
    );
    // What `iepcase check` computes once the records are read.
    report(
        "links + deadlines + findings",
        &time(5, || {
            let linked = iepcase::links::link(&records);
            let due = deadlines_of(&linked, &meta, rules, today);
            let input = Input {
                deadlines: &due,
                ..input
            };
            check_linked(&input, &linked).len()
        }),
    );
}

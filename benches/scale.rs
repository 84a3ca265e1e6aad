//! How every command grows with the case: cases of 100, 1,000 and 10,000 records and a case
//! of 10,000 commits, made with `iepcase dev synth`, timed as a user runs them.
//!
//! `cargo bench --bench scale` prints one table: the median wall time (and the largest
//! resident memory of any run) of each command at each size, so growth faster than linear
//! shows at a glance. `IEPCASE_SCALE=100,1000` picks other sizes; `IEPCASE_SCALE_COMMITS`
//! the length of the history (default 10,000). docs/benchmarks.md explains the targets.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::Bench;

/// No packing in the background while the benchmark times commands: it packs by hand.
const NEVER_PACK: &str = "1000000000";

/// One timed run: wall time and peak resident memory in KiB.
struct Run {
    wall: Duration,
    rss_kib: i64,
}

/// Runs `iepcase ARGS` to the end and measures it.
fn run(bench: &Bench, ws: &Path, args: &[&str]) -> Run {
    let started = Instant::now();
    // Waited for below with wait4, which also gives its peak memory.
    #[allow(clippy::zombie_processes)]
    let child = bench
        .command(ws, args)
        .env("IEPCASE_PACK_LOOSE", NEVER_PACK)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run iepcase");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; status and usage are valid for writing.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = started.elapsed();
    assert_eq!(waited, pid, "wait for iepcase");
    let code = libc::WEXITSTATUS(status);
    // `check` exits 3 when it finds problems, which synthetic cases have.
    assert!(
        libc::WIFEXITED(status) && (code == 0 || code == 3),
        "{args:?} exited with {code}"
    );
    Run {
        wall,
        rss_kib: usage.ru_maxrss,
    }
}

/// Time until `iepcase ARGS` has printed its first `lines` lines (a terminal's first page).
fn first_lines(bench: &Bench, ws: &Path, args: &[&str], lines: usize) -> Duration {
    let started = Instant::now();
    let mut child = bench
        .command(ws, args)
        .env("IEPCASE_PACK_LOOSE", NEVER_PACK)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run iepcase");
    let reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = 0;
    for _ in reader.lines().take(lines) {
        seen += 1;
    }
    let elapsed = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(seen, lines, "{args:?} printed fewer lines");
    elapsed
}

/// The table: rows of commands, columns of sizes.
#[derive(Default)]
struct Table {
    sizes: Vec<String>,
    rows: BTreeMap<(usize, String), BTreeMap<String, String>>,
    order: usize,
}

impl Table {
    fn put(&mut self, what: &str, size: &str, runs: &[Run]) {
        let mut walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
        walls.sort();
        let median = walls[walls.len() / 2];
        let rss = runs.iter().map(|r| r.rss_kib).max().unwrap_or(0);
        self.cell(what, size, format!("{} ({} MB)", ms(median), rss / 1024));
    }

    fn cell(&mut self, what: &str, size: &str, text: String) {
        if !self.sizes.iter().any(|s| s == size) {
            self.sizes.push(size.to_owned());
        }
        let key = match self.rows.keys().find(|(_, w)| w == what) {
            Some(key) => key.clone(),
            None => {
                self.order += 1;
                (self.order, what.to_owned())
            }
        };
        self.rows
            .entry(key)
            .or_default()
            .insert(size.to_owned(), text);
    }

    fn print(&self) {
        println!();
        print!("| workload |");
        for size in &self.sizes {
            print!(" {size} |");
        }
        println!();
        print!("|---|");
        for _ in &self.sizes {
            print!("---|");
        }
        println!();
        for ((_, what), cells) in &self.rows {
            print!("| {what} |");
            for size in &self.sizes {
                print!(" {} |", cells.get(size).map_or("—", String::as_str));
            }
            println!();
        }
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{ms:.0} ms")
    }
}

fn repeat(bench: &Bench, ws: &Path, args: &[String], runs: usize) -> Vec<Run> {
    (0..runs).map(|_| run(bench, ws, &strs(args))).collect()
}

/// `-c SLUG REST…`.
fn on(slug: &str, rest: &[&str]) -> Vec<String> {
    ["-c", slug]
        .iter()
        .chain(rest)
        .map(|s| s.to_string())
        .collect()
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

fn sizes() -> Vec<usize> {
    std::env::var("IEPCASE_SCALE")
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![100, 1_000, 10_000])
}

fn dir_size(path: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
        let meta = entry.metadata().expect("metadata");
        total += if meta.is_dir() {
            dir_size(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}

fn main() {
    let bench = Bench::new(Some("MS"));
    let ws = bench.root.clone();
    let mut table = Table::default();
    for n in sizes() {
        let size = format!("{n} records");
        let slug = format!("s{n}");
        let logs = (n / 5).to_string();
        let started = Instant::now();
        run(
            &bench,
            &ws,
            &[
                "dev",
                "synth",
                &slug,
                "--records",
                &n.to_string(),
                "--service-logs",
                &logs,
            ],
        );
        eprintln!(
            "made a case of {n} records and {logs} service logs in {:.1?}",
            started.elapsed()
        );
        let cache = bench.ws.case_dir(&slug).join(".git/iepcase/cache");
        let cold: Vec<Run> = (0..3)
            .map(|_| {
                let _ = std::fs::remove_dir_all(&cache);
                run(&bench, &ws, &strs(&on(&slug, &["list"])))
            })
            .collect();
        table.put("`list`, cold cache", &size, &cold);
        table.put(
            "`list`, warm",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["list"]), 5),
        );
        table.put(
            "`timeline`",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["timeline"]), 3),
        );
        table.put(
            "`deadlines`",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["deadlines"]), 3),
        );
        // The links between records are kept until a record changes: the first `deadlines`
        // after a change infers them again.
        let changed: Vec<Run> = (0..3)
            .map(|k| {
                let title = format!("bench change {k}");
                run(
                    &bench,
                    &ws,
                    &strs(&on(&slug, &["add", "note", "--title", &title])),
                );
                run(&bench, &ws, &strs(&on(&slug, &["deadlines"])))
            })
            .collect();
        table.put("`deadlines`, first after a change", &size, &changed);
        table.put(
            "`check` (a fifth as many service logs)",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["check"]), 3),
        );
        table.put(
            "`search speech`",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["search", "speech"]), 3),
        );
        table.put(
            "`search`, no match",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["search", "zebra"]), 3),
        );
        let id = {
            let out = bench
                .command(
                    &ws,
                    &strs(&on(
                        &slug,
                        &["add", "note", "--date", "2026-01-02", "--title", "bench"],
                    )),
                )
                .output()
                .expect("add");
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        table.put(
            "`show ID`",
            &size,
            &repeat(&bench, &ws, &on(&slug, &["show", &id]), 5),
        );
        // Each run adds a new note: `add` refuses one that says what a record already says.
        let adds: Vec<Run> = (0..5)
            .map(|k| {
                let title = format!("bench note {k}");
                run(
                    &bench,
                    &ws,
                    &strs(&on(&slug, &["add", "note", "--title", &title])),
                )
            })
            .collect();
        table.put("`add`", &size, &adds);
        table.put(
            "`edit ID --set`",
            &size,
            &repeat(
                &bench,
                &ws,
                &on(&slug, &["edit", &id, "--set", "summary=edited"]),
                5,
            ),
        );
    }

    // A case grown one commit at a time.
    let commits: usize = std::env::var("IEPCASE_SCALE_COMMITS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let size = format!("{commits} commits");
    let started = Instant::now();
    run(
        &bench,
        &ws,
        &[
            "dev",
            "synth",
            "grown",
            "--records",
            "1",
            "--commits",
            &commits.to_string(),
        ],
    );
    eprintln!(
        "made a case of {commits} commits in {:.1?}",
        started.elapsed()
    );
    let root = bench.ws.case_dir("grown");
    let loose_size = dir_size(&root.join(".git/objects"));
    let packing = run(&bench, &ws, &["dev", "pack", root.to_str().expect("utf-8")]);
    let packed_size = dir_size(&root.join(".git/objects"));
    let ciphertext: u64 = dir_size(&root.join("records"));
    table.cell(
        "git objects (the records' ciphertext)",
        &size,
        format!(
            "{} KB loose, {} KB packed ({} KB)",
            loose_size >> 10,
            packed_size >> 10,
            ciphertext >> 10
        ),
    );
    table.put("`dev pack` (in the background)", &size, &[packing]);
    let log = on("grown", &["log"]);
    table.put("`log`", &size, &repeat(&bench, &ws, &log, 3));
    let page: Vec<Duration> = (0..3)
        .map(|_| first_lines(&bench, &ws, &strs(&log), 60))
        .collect();
    table.cell(
        "`log`, first page",
        &size,
        ms(*page.iter().min().expect("runs")),
    );
    let list = bench
        .command(&ws, &["-c", "grown", "list", "--json"])
        .output()
        .expect("list");
    let json: serde_json::Value = serde_json::from_slice(&list.stdout).expect("JSON");
    // A record from early in the history: its previous version is far back.
    let id = json[json.as_array().expect("array").len() / 2]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // What one edit adds once packed; the edit also gives the record a previous version,
    // added half the history ago, for `diff` to find.
    let before = dir_size(&root.join(".git/objects"));
    run(
        &bench,
        &ws,
        &strs(&on(
            "grown",
            &["edit", &id, "--set", "summary=one more edit"],
        )),
    );
    run(&bench, &ws, &["dev", "pack", root.to_str().expect("utf-8")]);
    let after = dir_size(&root.join(".git/objects"));
    table.cell(
        "one edit, packed",
        &size,
        format!("{} KB", after.saturating_sub(before) / 1024),
    );
    table.put(
        "`log ID`",
        &size,
        &repeat(&bench, &ws, &on("grown", &["log", &id]), 3),
    );
    table.put(
        "`diff ID`",
        &size,
        &repeat(&bench, &ws, &on("grown", &["diff", &id]), 3),
    );
    table.put(
        "`list`, warm",
        &size,
        &repeat(&bench, &ws, &on("grown", &["list"]), 3),
    );
    table.print();
}

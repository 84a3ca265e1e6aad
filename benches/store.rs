//! Store benchmarks on synthetic cases, timing the release binary as a user runs it.
//!
//! `cargo bench --bench store` builds cases of 1,000 and 10,000 records and reports, over
//! repeated runs: `list` on 1,000 records (cold cache and warm), and `add` into cases of 100
//! and 10,000 records (to show that `add` does not grow with the case).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use iepcase::crypto::{CaseKey, Identities, NoPrompt, Recipient, generate_identity};
use iepcase::git::CommitContext;
use iepcase::store::Case;
use iepcase::synth::Synth;
use iepcase::workspace::{Config, Workspace};

fn main() {
    // IEPCASE_BENCH_DIR keeps the generated workspace for profiling; default: a temp folder.
    let dir = tempfile::tempdir().expect("temp dir");
    let ws_root =
        std::env::var_os("IEPCASE_BENCH_DIR").map_or_else(|| dir.path().join("ws"), PathBuf::from);
    let ws = Workspace::create(
        &ws_root,
        &Config {
            identity: Some("id.txt".into()),
            ..Config::default()
        },
    )
    .expect("workspace");
    let identity = generate_identity("bench");
    std::fs::write(
        ws_root.join("id.txt"),
        age::secrecy::ExposeSecret::expose_secret(&identity.file),
    )
    .unwrap();
    let ids = Identities::load(&ws_root.join("id.txt"), &NoPrompt).unwrap();
    let _ = CaseKey::generate();

    let sizes = [100usize, 1_000, 10_000];
    for &n in &sizes {
        let started = Instant::now();
        build_case(&ws, &ids, &identity.public, &format!("c{n}"), n);
        eprintln!(
            "generated a case of {n} records in {:.1?}",
            started.elapsed()
        );
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_iepcase"));

    // `list` on 1,000 records: the first run fills the encrypted cache, later runs use it.
    let cache = ws.case_dir("c1000").join(".git/iepcase/cache.age");
    let _ = std::fs::remove_file(&cache);
    let cold = time(&bin, &ws_root, &["-c", "c1000", "list"]);
    let warm = repeat(&bin, &ws_root, &["-c", "c1000", "list"], 20);
    report("list, 1,000 records, cold cache", &[cold]);
    report("list, 1,000 records, warm cache", &warm);
    let json = repeat(&bin, &ws_root, &["-c", "c1000", "list", "--json"], 10);
    report("list --json, 1,000 records", &json);

    for &n in &[100usize, 10_000] {
        let slug = format!("c{n}");
        let samples = repeat(
            &bin,
            &ws_root,
            &[
                "-c",
                &slug,
                "add",
                "note",
                "--date",
                "2026-01-01",
                "--title",
                "bench",
            ],
            20,
        );
        report(&format!("add into {n} records"), &samples);
    }
    let samples = repeat(&bin, &ws_root, &["-c", "c10000", "list"], 5);
    report("list, 10,000 records, warm cache", &samples);

    let samples = repeat(&bin, &ws_root, &["-c", "c1000", "timeline"], 10);
    report("timeline, 1,000 records", &samples);
    let samples = repeat(
        &bin,
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
        build_case(&many, &ids, &identity.public, &format!("s{n:03}"), 100);
    }
    eprintln!(
        "generated 100 cases of 100 records in {:.1?}",
        started.elapsed()
    );
    let _ = time(&bin, &many_root, &["search", "speech", "--all"]);
    let samples = repeat(&bin, &many_root, &["search", "speech", "--all"], 5);
    report("search --all, 100 cases x 100 records", &samples);
    let samples = repeat(&bin, &many_root, &["search", "zebra-not-there", "--all"], 5);
    report("search --all, no match", &samples);

    // Each of the 100 cases gets a local bare remote; the first sync pushes everything.
    for n in 0..100 {
        let slug = format!("s{n:03}");
        let remote = many_root.join("remotes").join(format!("{slug}.git"));
        git2::Repository::init_bare(&remote).expect("bare remote");
        let _ = time(
            &bin,
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
    let first = time(&bin, &many_root, &["sync", "--all"]);
    report("sync --all, 100 cases, first push", &[first]);
    let samples = repeat(&bin, &many_root, &["sync", "--all"], 5);
    report("sync --all, 100 unchanged cases", &samples);
}

fn build_case(ws: &Workspace, ids: &Identities, public: &str, slug: &str, n: usize) {
    let root = ws.case_dir(slug);
    let ctx = CommitContext {
        name: "bench".into(),
        email: "bench@example.org".into(),
        time: 1_760_000_000,
    };
    let members = vec![(public.parse::<Recipient>().unwrap(), None)];
    Case::create(
        &root,
        slug,
        "child = \"Synthetic Child\"\nstate = \"MS\"\n",
        &members,
        &ctx,
    )
    .unwrap();
    let case = Case::open(&root, slug, ids).unwrap();
    let lock = case.lock("bench", Duration::ZERO, &mut |_| {}).unwrap();
    let mut tx = case.transaction(&lock);
    for (id, text) in Synth::new(n as u64).records(n) {
        tx.put_record(&id, &text).unwrap();
    }
    tx.commit("add records", &ctx).unwrap();
}

fn time(bin: &Path, ws: &Path, args: &[&str]) -> Duration {
    let started = Instant::now();
    let out = Command::new(bin)
        .args(args)
        .env("IEPCASE_WORKSPACE", ws)
        .env_remove("IEPCASE_IDENTITY")
        .output()
        .expect("run iepcase");
    let elapsed = started.elapsed();
    assert!(
        out.status.success(),
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
    let min = sorted[0];
    let max = sorted[sorted.len() - 1];
    println!(
        "{what:<40} median {:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms   ({} runs)",
        ms(median),
        ms(min),
        ms(max),
        samples.len()
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

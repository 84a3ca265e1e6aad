//! What the benchmarks share: a scratch workspace with its own identity, synthetic cases in
//! it, and timing the release binary as a user runs it.

#![allow(dead_code)] // each benchmark uses its own part of this

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use iepcase::crypto::{Identities, NoPrompt, Recipient, generate_identity};
use iepcase::git::CommitContext;
use iepcase::store::{Case, CaseLock, Transaction};
use iepcase::synth::Synth;
use iepcase::workspace::{Config, Workspace};

/// A scratch folder holding a workspace and the identity that opens its cases.
pub struct Bench {
    /// Removed when the benchmark ends, unless `IEPCASE_BENCH_DIR` names the workspace.
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub ws: Workspace,
    pub ids: Identities,
    pub public: String,
    pub bin: PathBuf,
}

impl Bench {
    /// A fresh workspace, in `IEPCASE_BENCH_DIR` when set (to keep it for profiling), else
    /// in a temporary folder; `state` is the workspace's default state.
    pub fn new(state: Option<&str>) -> Bench {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = std::env::var_os("IEPCASE_BENCH_DIR")
            .map_or_else(|| dir.path().join("ws"), PathBuf::from);
        let config = Config {
            identity: Some("id.txt".into()),
            state: state.map(str::to_owned),
            ..Config::default()
        };
        let ws = Workspace::create(&root, &config).expect("workspace");
        let identity = generate_identity("bench");
        std::fs::write(
            root.join("id.txt"),
            age::secrecy::ExposeSecret::expose_secret(&identity.file),
        )
        .expect("identity file");
        let ids = Identities::load(&root.join("id.txt"), &NoPrompt).expect("identities");
        Bench {
            dir,
            root,
            ws,
            ids,
            public: identity.public,
            bin: PathBuf::from(env!("CARGO_BIN_EXE_iepcase")),
        }
    }

    /// Creates case `slug` of a synthetic Mississippi child in `ws` (this workspace or
    /// another one opened by the same identity) and fills it in one commit.
    pub fn case(&self, ws: &Workspace, slug: &str, fill: impl FnOnce(&mut Transaction<'_>)) {
        let root = ws.case_dir(slug);
        let ctx = commit_context();
        let members = vec![(self.public.parse::<Recipient>().expect("public key"), None)];
        let meta = "child = \"Synthetic Child\"\nstate = \"MS\"\n";
        Case::create(&root, slug, meta, &members, &ctx).expect("case");
        let (case, lock): (Case, CaseLock) = Case::open_locked(
            &root,
            slug,
            &self.ids,
            "bench",
            Duration::ZERO,
            &mut |_| {},
            &ctx,
        )
        .expect("lock");
        let mut tx = case.transaction(&lock);
        fill(&mut tx);
        tx.commit("add records", &ctx).expect("commit");
    }

    /// Adds `n` synthetic records to case `slug`, one commit each (as a case grows).
    pub fn commits(&self, ws: &Workspace, slug: &str, n: usize, seed: u64) {
        let root = ws.case_dir(slug);
        let mut ctx = commit_context();
        for (id, text) in Synth::new(seed).records(n) {
            ctx.time += 60;
            let (case, lock) = Case::open_locked(
                &root,
                slug,
                &self.ids,
                "bench",
                Duration::ZERO,
                &mut |_| {},
                &ctx,
            )
            .expect("lock");
            let mut tx = case.transaction(&lock);
            tx.put_record(&id, &text).expect("record");
            tx.commit(&format!("add record {id}"), &ctx)
                .expect("commit");
        }
    }

    /// `iepcase ARGS` in workspace `ws`, with no identity or case from the environment.
    pub fn command(&self, ws: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .env("IEPCASE_WORKSPACE", ws)
            .env_remove("IEPCASE_IDENTITY")
            .env_remove("IEPCASE_CASE");
        cmd
    }

    /// Times one run, which must exit with one of `codes`.
    pub fn time_with(&self, ws: &Path, args: &[&str], codes: &[i32]) -> Duration {
        let started = Instant::now();
        let out = self.command(ws, args).output().expect("run iepcase");
        let elapsed = started.elapsed();
        assert!(
            out.status.code().is_some_and(|c| codes.contains(&c)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        elapsed
    }

    /// Times one run, which must succeed.
    pub fn time(&self, ws: &Path, args: &[&str]) -> Duration {
        self.time_with(ws, args, &[0])
    }

    /// Times `runs` successful runs.
    pub fn repeat(&self, ws: &Path, args: &[&str], runs: usize) -> Vec<Duration> {
        (0..runs).map(|_| self.time(ws, args)).collect()
    }
}

/// The author and fixed time of the commits that build synthetic cases.
pub fn commit_context() -> CommitContext {
    CommitContext {
        name: "bench".into(),
        email: "bench@example.org".into(),
        time: 1_760_000_000,
    }
}

/// Prints the median, minimum and maximum of `samples`.
pub fn report(what: &str, samples: &[Duration]) {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{what:<40} median {:>7.1} ms   min {:>7.1} ms   max {:>7.1} ms   ({} runs)",
        ms(sorted[sorted.len() / 2]),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        samples.len()
    );
}

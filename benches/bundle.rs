//! Bundle benchmark on a synthetic case, timing the release binary as a user runs it.
//!
//! `cargo bench --bench bundle` builds a case of 300 records, 50 of them with a generated
//! multi-page PDF attachment (200 attachment pages in all), then times
//! `iepcase bundle --purpose mediation --include-privileged --bates BN` over repeated runs and
//! reports the peak memory of one run (with `/usr/bin/time`, where it is installed).
//! `IEPCASE_BENCH_RECORDS=N` changes the number of records (one in six has a PDF).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Bench, report};
use iepcase::synth::Synth;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// Records in the case, and how many of them have a PDF attached.
const RECORDS: usize = 300;
const WITH_PDF: usize = 50;
const PAGES_PER_PDF: usize = 4;

fn records() -> usize {
    std::env::var("IEPCASE_BENCH_RECORDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(RECORDS)
}

fn main() {
    let bench = Bench::new(None);
    let ws_root = bench.root.clone();
    let started = Instant::now();
    build_case(&bench);
    eprintln!(
        "generated {} records, one in {} with a {PAGES_PER_PDF}-page PDF, in {:.1?}",
        records(),
        RECORDS / WITH_PDF,
        started.elapsed()
    );
    let out = bench.dir.path().join("bundle");
    let args = [
        "-c",
        "c300",
        "bundle",
        "--purpose",
        "mediation",
        "--include-privileged",
        "--bates",
        "BN",
        "--force",
        "--out",
        out.to_str().unwrap(),
    ];
    // The first run fills the record cache, as a user's earlier commands would have.
    let _ = bench.time(&ws_root, &args);
    let samples: Vec<Duration> = bench.repeat(&ws_root, &args, 5);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    report(
        &format!(
            "bundle, {} records, {} pages",
            records(),
            manifest["pages"].as_u64().unwrap_or(0)
        ),
        &samples,
    );
    match peak_memory(&bench, &ws_root, &args) {
        Some(kib) => println!(
            "{:<40} {:.1} MiB (maximum resident set size)",
            "bundle, peak memory",
            kib as f64 / 1024.0
        ),
        None => println!("bundle, peak memory: /usr/bin/time is not installed"),
    }
}

/// Case `c300`: synthetic records, one in six with a generated PDF attached.
fn build_case(bench: &Bench) {
    bench.case(&bench.ws, "c300", |tx| {
        for (n, (id, text)) in Synth::new(300).records(records()).into_iter().enumerate() {
            let text = if n % (RECORDS / WITH_PDF) == 0 {
                let pdf = pdf(&format!("Attachment of record {n}"), PAGES_PER_PDF);
                let attachment = tx
                    .add_attachment_bytes(&format!("letter-{n}.pdf"), &pdf)
                    .expect("attachment");
                iepcase::record::edit::append_attachments(&text, &[attachment]).expect("record")
            } else {
                text
            };
            tx.put_record(&id, &text).expect("record");
        }
    });
}

/// A letter-size PDF of `pages` pages of text, like a scanned-and-OCRed district letter.
fn pdf(title: &str, pages: usize) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let mut kids = Vec::new();
    for page in 0..pages {
        let mut operations = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 11.into()]),
            Operation::new("TL", vec![14.into()]),
            Operation::new("Td", vec![72.into(), 720.into()]),
            Operation::new(
                "Tj",
                vec![Object::string_literal(format!(
                    "{title}, page {}",
                    page + 1
                ))],
            ),
        ];
        for line in 0..40 {
            operations.push(Operation::new(
                "'",
                vec![Object::string_literal(format!(
                    "Line {line}: the district reviewed the request and the services minutes."
                ))],
            ));
        }
        operations.push(Operation::new("ET", vec![]));
        let content = Content { operations }.encode().unwrap();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(Object::from(doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
            "Resources" => resources,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// The maximum resident set size of one run, in KiB.
fn peak_memory(bench: &Bench, ws: &Path, args: &[&str]) -> Option<u64> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        return None;
    }
    let mut cmd = Command::new(time);
    cmd.arg("-f").arg("peak-kib %M").arg(&bench.bin).args(args);
    cmd.env("IEPCASE_WORKSPACE", ws)
        .env_remove("IEPCASE_IDENTITY");
    let out = cmd.output().ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak-kib "))
        .and_then(|n| n.trim().parse().ok())
}

//! Bundle benchmark on synthetic cases, timing the release binary as a user runs it.
//!
//! `cargo bench --bench bundle` measures the two workloads of the scale targets:
//! - case `c300`: 300 records, 50 of them with a 4-page scanned PDF attached (each page an
//!   incompressible 60 KB image, so 12 MB of PDFs in all), bundled with
//!   `iepcase bundle --purpose mediation --include-privileged --bates BN --sections` over
//!   repeated runs: the median time, the pages, and the peak memory of one run beside the
//!   size of its input;
//! - case `c2000`: a bundle of about 2,000 pages (600 records, 100 PDFs of 15 pages), run once
//!   for its time and peak memory. `IEPCASE_BENCH_QUICK=1` leaves it out.
//!
//! Peak memory is read with `/usr/bin/time` where it is installed.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Bench, report};
use iepcase::synth::Synth;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, Stream, dictionary};

/// One workload: how many records, how often one has a PDF, and its pages.
struct Workload {
    slug: &'static str,
    records: usize,
    pdf_every: usize,
    pages_per_pdf: usize,
}

const C300: Workload = Workload {
    slug: "c300",
    records: 300,
    pdf_every: 6,
    pages_per_pdf: 4,
};

const C2000: Workload = Workload {
    slug: "c2000",
    records: 600,
    pdf_every: 6,
    pages_per_pdf: 15,
};

/// The side of a page's scan image, in pixels (RGB, 8 bits): 60,000 bytes.
const SCAN: (i64, i64) = (200, 100);

fn main() {
    let bench = Bench::new(None);
    let ws_root = bench.root.clone();
    let quick = std::env::var_os("IEPCASE_BENCH_QUICK").is_some();
    for (n, workload) in [C300, C2000].iter().enumerate() {
        if n > 0 && quick {
            break;
        }
        let started = Instant::now();
        let input = build_case(&bench, workload);
        eprintln!(
            "generated {}: {} records, one in {} with a {}-page PDF ({:.1} MB in), in {:.1?}",
            workload.slug,
            workload.records,
            workload.pdf_every,
            workload.pages_per_pdf,
            input as f64 / 1e6,
            started.elapsed()
        );
        let out = bench.dir.path().join(format!("bundle-{}", workload.slug));
        let args = [
            "-c",
            workload.slug,
            "bundle",
            "--purpose",
            "mediation",
            "--include-privileged",
            "--bates",
            "BN",
            "--sections",
            "--force",
            "--out",
            out.to_str().unwrap(),
        ];
        // The first run fills the record cache, as a user's earlier commands would have.
        let first = bench.time(&ws_root, &args);
        let samples: Vec<Duration> = if n == 0 {
            bench.repeat(&ws_root, &args, 5)
        } else {
            vec![first]
        };
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        report(
            &format!(
                "bundle, {} records, {} pages",
                workload.records,
                manifest["pages"].as_u64().unwrap_or(0)
            ),
            &samples,
        );
        match peak_memory(&bench, &ws_root, &args) {
            Some(kib) => println!(
                "{:<40} {:.1} MiB (maximum resident set size), {:.1}x its {:.1} MB input",
                format!("bundle {}, peak memory", workload.slug),
                kib as f64 / 1024.0,
                kib as f64 * 1024.0 / input as f64,
                input as f64 / 1e6,
            ),
            None => println!("bundle, peak memory: /usr/bin/time is not installed"),
        }
    }
}

/// Fills the workload's case: synthetic records, one in `pdf_every` with a generated PDF
/// attached. Returns the bytes of input: the records' text and the PDFs.
fn build_case(bench: &Bench, workload: &Workload) -> usize {
    let mut input = 0;
    bench.case(&bench.ws, workload.slug, |tx| {
        let records = Synth::new(300).records(workload.records);
        for (n, (id, text)) in records.into_iter().enumerate() {
            let text = if n % workload.pdf_every == 0 {
                let pdf = pdf(
                    &format!("Attachment of record {n}"),
                    workload.pages_per_pdf,
                    n as u64,
                );
                input += pdf.len();
                let attachment = tx
                    .add_attachment_bytes(&format!("letter-{n}.pdf"), &pdf)
                    .expect("attachment");
                iepcase::record::edit::append_attachments(&text, &[attachment]).expect("record")
            } else {
                text
            };
            input += text.len();
            tx.put_record(&id, &text).expect("record");
        }
    });
    input
}

/// A letter-size PDF of `pages` pages, like a scanned-and-OCRed district letter: each page
/// an image that does not compress, under its recognised text.
fn pdf(title: &str, pages: usize, seed: u64) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut kids = Vec::new();
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    for page in 0..pages {
        let pixels: Vec<u8> = (0..SCAN.0 * SCAN.1 * 3)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                (state >> 24) as u8
            })
            .collect();
        let scan = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image",
                "Width" => SCAN.0, "Height" => SCAN.1,
                "ColorSpace" => "DeviceRGB", "BitsPerComponent" => 8,
            },
            pixels,
        ));
        let resources = doc.add_object(dictionary! {
            "Font" => dictionary! { "F1" => font },
            "XObject" => dictionary! { "Im1" => scan },
        });
        let mut operations = vec![
            Operation::new("q", vec![]),
            Operation::new(
                "cm",
                vec![
                    540.into(),
                    0.into(),
                    0.into(),
                    270.into(),
                    36.into(),
                    36.into(),
                ],
            ),
            Operation::new("Do", vec!["Im1".into()]),
            Operation::new("Q", vec![]),
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
        for line in 0..25 {
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
            "Resources" => resources,
        })));
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages as i64,
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

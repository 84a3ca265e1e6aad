//! `iepcase bundle` and `bundle verify`: the PDF read back (pages, stamps, Bates numbers,
//! index, exclusions, merged attachment text), determinism, verification, broken
//! attachments, and the HTML index in a real browser.

use std::path::{Path, PathBuf};

use crate::TestEnv;
use crate::pdf_text::{page_texts, squash};

/// The disputed IEP, the privileged strategy note, the mediation note and the hearing.
const DISPUTED_IEP: &str = "0sahk8ww6n";
const PRIVILEGED: &str = "jz7sra6na0";
const MEDIATION: &str = "f9mgxms8y1";
const REFUSAL_LETTER: &str = "3sz3kgt8mz";

/// A demo workspace; returns the environment and the workspace folder.
fn demo() -> (TestEnv, PathBuf) {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    (env, dir)
}

/// Runs `bundle` on the demo case and returns the output folder and stderr.
fn bundle(env: &TestEnv, ws: &Path, out: &str, extra: &[&str]) -> (PathBuf, String) {
    let out = env.root().join(out);
    let mut args = vec![
        "-w",
        ws.to_str().unwrap(),
        "bundle",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = env.cmd(&args).output().unwrap();
    assert!(output.status.success(), "{}", crate::describe(&output));
    (out, String::from_utf8(output.stderr).unwrap())
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn exhibit_of<'a>(manifest: &'a serde_json::Value, record: &str) -> Option<&'a serde_json::Value> {
    manifest["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["record"] == record)
}

#[test]
fn due_process_bundle_is_paginated_stamped_and_indexed() {
    let (env, ws) = demo();
    let (out, stderr) = bundle(
        &env,
        &ws,
        "dp",
        &[
            "--purpose",
            "due-process",
            "--bates",
            "MQV",
            "--first",
            "0sah",
        ],
    );
    for file in ["bundle.pdf", "index.html", "index.md", "manifest.json"] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    assert!(stderr.contains("NOT encrypted"), "{stderr}");
    assert!(
        stderr.contains(PRIVILEGED) && stderr.contains("privileged"),
        "{stderr}"
    );
    assert!(
        stderr.contains(MEDIATION) && stderr.contains("mediation"),
        "{stderr}"
    );
    assert!(stderr.contains("2027-01-19"), "disclosure date: {stderr}");

    let manifest = manifest(&out);
    let pages = page_texts(&out.join("bundle.pdf"));
    assert_eq!(manifest["pages"].as_u64().unwrap() as usize, pages.len());
    let exhibits = manifest["exhibits"].as_array().unwrap();
    assert_eq!(
        exhibits[0]["record"], DISPUTED_IEP,
        "--first pins exhibit 1"
    );
    assert_eq!(exhibits[0]["label"], "P-1");

    // Every page carries its Bates number, one after the other with no gap.
    for (i, text) in pages.iter().enumerate() {
        let bates = format!("MQV-{:06}", i + 1);
        assert!(
            squash(text).contains(&bates),
            "page {} lacks {bates}",
            i + 1
        );
    }
    // Every exhibit page says which exhibit and which of its pages it is, and the ranges
    // tile the bundle after the cover and the index.
    let mut expected_first = exhibits[0]["pages"][0].as_u64().unwrap() as usize;
    assert!(squash(&pages[0]).contains("Cover"));
    for exhibit in exhibits {
        let label = exhibit["label"].as_str().unwrap();
        let first = exhibit["pages"][0].as_u64().unwrap() as usize;
        let last = exhibit["pages"][1].as_u64().unwrap() as usize;
        assert_eq!(
            first, expected_first,
            "{label} starts right after the previous one"
        );
        expected_first = last + 1;
        let count = last - first + 1;
        for page in first..=last {
            let stamp = format!("{label}p.{}/{count}", page - first + 1);
            assert!(
                squash(&pages[page - 1]).contains(&stamp),
                "page {page} lacks `{stamp}`"
            );
        }
        assert_eq!(exhibit["bates"][0], format!("MQV-{first:06}"));
        assert_eq!(exhibit["bates"][1], format!("MQV-{last:06}"));
        // The index (pages 2 up to the first exhibit) shows each exhibit's page range.
        let range = if first == last {
            format!("{first}")
        } else {
            format!("{first}–{last}")
        };
        let index: String = pages[1..exhibits[0]["pages"][0].as_u64().unwrap() as usize - 1]
            .iter()
            .map(|p| squash(p))
            .collect();
        let title = squash(exhibit["title"].as_str().unwrap());
        let at = index
            .find(&title)
            .unwrap_or_else(|| panic!("{label} in the index"));
        assert!(
            index[at..].starts_with(&format!("{title}{range}")),
            "index row of {label} shows pages {range}: {}",
            &index[at..(at + title.len() + 20).min(index.len())]
        );
    }
    assert_eq!(
        expected_first,
        pages.len() + 1,
        "the last exhibit ends the bundle"
    );

    // Left out: the privileged note and the mediation notes, in every file.
    for left_out in [PRIVILEGED, MEDIATION] {
        assert!(
            exhibit_of(&manifest, left_out).is_none(),
            "{left_out} left out"
        );
    }
    let all_text = squash(&pages.concat());
    assert!(!all_text.contains(&squash("Advocate's case strategy")));
    assert!(!all_text.contains(&squash("Parent's notes of what was said in mediation")));
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(!html.contains(PRIVILEGED) && !html.contains("strategy"));

    // The refusal letter's PDF pages are merged with their text.
    let letter = exhibit_of(&manifest, REFUSAL_LETTER).unwrap();
    let (first, last) = (
        letter["pages"][0].as_u64().unwrap() as usize,
        letter["pages"][1].as_u64().unwrap() as usize,
    );
    let letter_text: String = pages[first - 1..last].iter().map(|p| squash(p)).collect();
    assert!(letter_text.contains(&squash("TALLOWMERE COUNTY SCHOOL DISTRICT")));
    assert!(letter_text.contains(&squash("Office of Special Education")));
    assert_eq!(
        letter["attachments"][0]["name"],
        "refusal-letter-2026-03-06.pdf"
    );

    // The IEP's services are typeset with their minutes and unit.
    let iep = exhibit_of(&manifest, DISPUTED_IEP).unwrap();
    let iep_text: String = pages[iep["pages"][0].as_u64().unwrap() as usize - 1
        ..iep["pages"][1].as_u64().unwrap() as usize]
        .iter()
        .map(|p| squash(p))
        .collect();
    assert!(
        iep_text.contains(&squash("Speech-language therapy60week")),
        "services table"
    );
    assert!(iep_text.contains(&squash("Accommodations")));

    // The cover gives the disclosure date for the hearing on record.
    assert!(squash(&pages[0]).contains(&squash("Tuesday, January 19, 2027")));

    // Bookmarks lead to every exhibit's first page; links stay inside the document; no
    // encryption, scripts or external actions.
    let doc = lopdf::Document::load(out.join("bundle.pdf")).unwrap();
    let toc = doc.get_toc().unwrap();
    for exhibit in exhibits {
        let label = exhibit["label"].as_str().unwrap();
        let entry = toc
            .toc
            .iter()
            .find(|t| t.title.starts_with(&format!("{label} · ")))
            .unwrap_or_else(|| panic!("a bookmark for {label}"));
        assert_eq!(entry.page as u64, exhibit["pages"][0].as_u64().unwrap());
    }
    assert!(doc.trailer.get(b"Encrypt").is_err(), "not encrypted");
    let mut links = 0;
    for object in doc.objects.values() {
        if let Ok(dict) = object.as_dict() {
            for key in [&b"JS"[..], b"JavaScript", b"URI", b"Launch"] {
                assert!(
                    dict.get(key).is_err(),
                    "no /{}",
                    String::from_utf8_lossy(key)
                );
            }
            if dict
                .get(b"Subtype")
                .and_then(|s| s.as_name())
                .is_ok_and(|s| s == b"Link")
            {
                links += 1;
            }
        }
    }
    assert!(
        links >= 2 * exhibits.len(),
        "index entries link to exhibits: {links}"
    );
}

#[test]
fn bundles_are_deterministic_and_verify_catches_tampering() {
    let (env, ws) = demo();
    let args = ["--purpose", "state-complaint"];
    let (a, _) = bundle(&env, &ws, "a", &args);
    let (b, _) = bundle(&env, &ws, "b", &args);
    let files = |dir: &Path| {
        let mut list: Vec<PathBuf> = walk(dir).into_iter().collect();
        list.sort();
        list
    };
    let listed = files(&a);
    assert_eq!(listed, files(&b));
    assert!(listed.len() > 30, "{listed:?}");
    for rel in &listed {
        assert_eq!(
            std::fs::read(a.join(rel)).unwrap(),
            std::fs::read(b.join(rel)).unwrap(),
            "{} differs between two builds",
            rel.display()
        );
    }
    // The manifest lists every file but itself, with hashes that match.
    let manifest = manifest(&a);
    let in_manifest: Vec<&str> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(in_manifest.len() + 1, listed.len());
    assert!(in_manifest.contains(&"exhibits/P-001.pdf"));
    assert_eq!(manifest["options"]["purpose"], "state-complaint");
    assert_eq!(manifest["case"], "eq-2025");

    let a_str = a.to_str().unwrap();
    env.run(&["bundle", "verify", a_str]);
    std::fs::write(a.join("index.md"), "changed\n").unwrap();
    std::fs::remove_file(a.join("exhibits/P-002.pdf")).unwrap();
    std::fs::write(a.join("exhibits/P-999.pdf"), "%PDF-1.7\n").unwrap();
    let out = env.cmd(&["bundle", "verify", a_str]).output().unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", crate::describe(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("changed  index.md"), "{stdout}");
    assert!(stdout.contains("missing  exhibits/P-002.pdf"), "{stdout}");
    assert!(stdout.contains("extra    exhibits/P-999.pdf"), "{stdout}");
    // A rebuild into the tampered folder is refused: it holds a file no bundle wrote.
    let err = env.fail(
        &[
            "-w",
            ws.to_str().unwrap(),
            "bundle",
            "--purpose",
            "mediation",
            "--out",
            a_str,
        ],
        1,
    );
    assert!(err.contains("not empty"), "{err}");
    let err = env.fail(&["bundle", "verify", env.root().to_str().unwrap()], 1);
    assert!(err.contains("no bundle manifest"), "{err}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(
                walk(&path)
                    .into_iter()
                    .map(|p| Path::new(path.file_name().unwrap()).join(p)),
            );
        } else {
            out.push(PathBuf::from(path.file_name().unwrap()));
        }
    }
    out
}

#[test]
fn privileged_records_need_the_flag_and_mediation_notes_stay_out_of_hearings() {
    let (env, ws) = demo();
    let (out, _) = bundle(
        &env,
        &ws,
        "dp",
        &[
            "--purpose",
            "due-process",
            "--include-privileged",
            "--no-bates",
        ],
    );
    let m = manifest(&out);
    assert!(
        exhibit_of(&m, PRIVILEGED).is_some(),
        "privileged included on request"
    );
    assert!(
        exhibit_of(&m, MEDIATION).is_none(),
        "never in a due-process bundle"
    );
    assert!(m["exhibits"][0]["bates"].is_null());
    let err = env.fail(
        &[
            "-w",
            ws.to_str().unwrap(),
            "bundle",
            "--purpose",
            "state-complaint",
            "--first",
            MEDIATION,
            "--include-privileged",
            "--out",
            env.root().join("x").to_str().unwrap(),
        ],
        1,
    );
    assert!(err.contains("mediation-confidential"), "{err}");
    assert!(!env.root().join("x").exists(), "nothing written on error");
    let (out, _) = bundle(
        &env,
        &ws,
        "med",
        &["--purpose", "mediation", "--kind", "note"],
    );
    let m = manifest(&out);
    assert!(
        exhibit_of(&m, MEDIATION).is_some(),
        "a mediation bundle holds the notes"
    );
    assert!(exhibit_of(&m, PRIVILEGED).is_none());
    assert_eq!(m["exhibits"].as_array().unwrap().len(), 1);
}

/// A copy of the example refusal letter, encrypted with a user password.
fn encrypted_pdf() -> Vec<u8> {
    let letter = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/case/attachments")
        .join(REFUSAL_LETTER)
        .join("refusal-letter-2026-03-06.pdf");
    let mut doc = lopdf::Document::load(letter).unwrap();
    let file_id = lopdf::Object::String(b"iepcase-test-id".to_vec(), lopdf::StringFormat::Literal);
    doc.trailer.set("ID", vec![file_id.clone(), file_id]);
    let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
        document: &doc,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: lopdf::Permissions::all(),
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn an_attachment_that_cannot_be_placed_is_named_or_replaced_by_a_placeholder() {
    let env = TestEnv::with_case();
    let add = |date: &str, file: &Path| {
        let id = env
            .run(&[
                "add",
                "refusal",
                "--date",
                date,
                "--title",
                "Refusal letter",
            ])
            .trim()
            .to_owned();
        env.run(&["attach", &id, file.to_str().unwrap()]);
        id
    };
    let locked = env.root().join("locked.pdf");
    std::fs::write(&locked, encrypted_pdf()).unwrap();
    let first = add("2026-01-10", &locked);
    let broken = env.write("scan.pdf", "%PDF-1.4\nthis is not really a PDF\n");
    let second = add("2026-02-01", &broken);
    let out = env.root().join("b");
    let args = [
        "bundle",
        "--purpose",
        "iep-meeting",
        "--out",
        out.to_str().unwrap(),
    ];
    let err = env.fail(&args, 1);
    assert!(err.contains("locked.pdf") && err.contains(&first), "{err}");
    assert!(err.contains("encrypted"), "{err}");
    assert!(err.contains("--skip-broken"), "{err}");
    let mut later = args.to_vec();
    later.extend(["--from", "2026-01-15"]);
    let err = env.fail(&later, 1);
    assert!(err.contains("scan.pdf") && err.contains(&second), "{err}");
    assert!(err.contains("damaged"), "{err}");
    assert!(
        err.contains(&format!("iepcase detach {second} scan.pdf")),
        "the hint says how to drop the broken entry: {err}"
    );
    assert!(!out.exists(), "nothing written on error");
    // A file named .png that holds no PNG is damaged, not an unsupported kind of image.
    let noise = env.root().join("noise.png");
    std::fs::write(&noise, [0x13u8; 64]).unwrap();
    let third = add("2026-03-01", &noise);
    let mut latest = args.to_vec();
    latest.extend(["--from", "2026-02-15"]);
    let err = env.fail(&latest, 1);
    assert!(
        err.contains(&third)
            && err.contains("not a valid PNG file")
            && !err.contains("not supported"),
        "{err}"
    );
    let _ = env.run(&["rm", &third]);

    let mut skip = args.to_vec();
    skip.push("--skip-broken");
    let output = env.cmd(&skip).output().unwrap();
    assert!(output.status.success(), "{}", crate::describe(&output));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for name in ["locked.pdf", "scan.pdf"] {
        assert!(stderr.contains(&format!("`{name}`")), "{stderr}");
    }
    assert!(stderr.contains("placeholder"), "{stderr}");
    let pages = page_texts(&out.join("bundle.pdf"));
    let last = squash(pages.last().unwrap());
    assert!(
        last.contains(&squash("could not be placed in the bundle")),
        "{last}"
    );
    assert!(last.contains("P-2p.2/2"), "{last}");
    let m = manifest(&out);
    let copy = m["exhibits"][1]["attachments"][0]["file"].as_str().unwrap();
    assert_eq!(
        std::fs::read(out.join(copy)).unwrap(),
        std::fs::read(&broken).unwrap()
    );
}

#[test]
fn demo_builds_a_due_process_bundle_and_says_where() {
    let (env, ws) = demo();
    let bundle = ws.join("bundle");
    let m = manifest(&bundle);
    assert_eq!(m["options"]["purpose"], "due-process");
    assert_eq!(m["exhibits"][0]["record"], DISPUTED_IEP);
    let first_page = m["exhibits"][0]["pages"][0].as_u64().unwrap();
    assert_eq!(m["exhibits"][0]["bates"][0], format!("EQ-{first_page:06}"));
    env.run(&["bundle", "verify", bundle.to_str().unwrap()]);
    let out = env.cmd(&["demo", ws.to_str().unwrap()]).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("bundle/bundle.pdf") && stdout.contains("bundle/index.html"),
        "{stdout}"
    );
}

/// The HTML index in headless Chromium: it renders the exhibit table and every link points
/// at a file in the bundle.
#[test]
fn index_html_renders_in_a_browser_and_every_link_resolves() {
    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        assert!(
            std::env::var_os("IEPCASE_REQUIRE_CHROMIUM").is_none(),
            "IEPCASE_REQUIRE_CHROMIUM is set but /usr/bin/chromium is missing"
        );
        eprintln!("note: skipping the browser test: /usr/bin/chromium is not installed");
        return;
    }
    let (env, ws) = demo();
    let out = ws.join("bundle");
    let profile = env.root().join("chromium-profile");
    let url = format!("file://{}", out.join("index.html").display());
    let output = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "{}", crate::describe(&output));
    let dom = String::from_utf8_lossy(&output.stdout);
    assert!(dom.contains("<table id=\"exhibits\">"), "{dom}");
    let m = manifest(&out);
    let rows = dom.matches("<tr><td class=\"n\">").count();
    assert_eq!(
        rows,
        m["exhibits"].as_array().unwrap().len(),
        "one row per exhibit"
    );
    let mut links = 0;
    for piece in dom.split("href=\"").skip(1) {
        let target = &piece[..piece.find('"').unwrap()];
        assert!(!target.contains("://"), "no external link: {target}");
        let file = target.split('#').next().unwrap();
        assert!(
            out.join(file).is_file(),
            "link to {target} resolves to a file"
        );
        links += 1;
    }
    assert!(links > 2 * rows, "{links} links");
}

#[test]
fn the_disclosure_date_skips_the_states_holidays_as_deadlines_do() {
    // A Mississippi hearing on Monday May 4, 2026: five business days before, skipping
    // Confederate Memorial Day (April 27), is Friday April 24; the bundle used to say April 27.
    let env = TestEnv::with_case();
    let hearing = env.write(
        "hearing.toml",
        "kind = \"meeting\"\ndate = 2026-05-04\ntitle = \"Due process hearing\"\ntype = \"hearing\"\n",
    );
    env.run(&["add", "--file", hearing.to_str().unwrap()]);
    let deadlines: serde_json::Value =
        serde_json::from_str(&env.run(&["deadlines", "--json", "--today", "2026-04-01"])).unwrap();
    assert_eq!(deadlines[0]["due"], "2026-04-24");
    let out = env.root().join("b");
    let result = env
        .cmd(&[
            "bundle",
            "--purpose",
            "due-process",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(result.status.success(), "{}", crate::describe(&result));
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(
        stderr.contains(
            "Disclose it by 2026-04-24 (five business days before the hearing on 2026-05-04"
        ),
        "{stderr}"
    );
}

/// Builds a bundle of the test case into `out` and returns stderr.
fn bundle_case(env: &TestEnv, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "bundle",
        "--purpose",
        "mediation",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = env.cmd(&args).output().unwrap();
    assert!(output.status.success(), "{}", crate::describe(&output));
    String::from_utf8(output.stderr).unwrap()
}

/// Every page of `pdf` that iepcase typeset itself, checked for overlapping text, text
/// crossing a table's column rule, and text leaving the page (less a quarter inch on each side).
fn assert_clean_layout(pdf: &Path) {
    let pages = crate::pdf_layout::page_layouts(pdf);
    let mut found = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        assert!(!page.runs.is_empty() || i > 0, "page {} has text", i + 1);
        for problem in crate::pdf_layout::problems(page, 0.25 * 72.0) {
            found.push(format!("page {}: {problem}", i + 1));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn no_text_overlaps_or_leaves_its_column_at_any_length() {
    let env = TestEnv::with_case();
    let long_key = "reading-fluency-and-comprehension-across-all-content-areas-grade-4";
    let long_token = "Tallowmere_County_School_District_Special_Education_Department_Office";
    let iep = env.write(
        "iep.toml",
        &format!(
            "kind = \"iep\"\ndate = 2026-05-04\ntitle = \"Amended IEP after the facilitated \
             meeting with a rather long title that wraps over two lines of the heading\"\n\
             status = \"final\"\nplacement = \"{long_token}\"\n\
             accommodations = [\"Extended time\", \"{long_token}{long_token}\"]\n\
             [[goals]]\nkey = \"reading-fluency\"\narea = \"Reading\"\ntext = \"Read 90 wcpm\"\n\
             baseline = \"62 wcpm\"\ntarget = \"90 wcpm\"\nmeasurement = \"Curriculum-based probes\"\n\
             [[goals]]\nkey = \"{long_key}\"\narea = \"Communication-and-social-pragmatics\"\n\
             text = \"{long_token}\"\nmeasurement = \"{long_token}\"\n\
             [[services]]\nname = \"Speech-language therapy\"\nminutes = 1200\nper = \"month\"\n\
             setting = \"{long_token}\"\nprovider = \"Speech-language pathologist\"\n"
        ),
    );
    let request = env.write(
        "request.toml",
        &format!(
            "kind = \"request\"\ndate = 2026-01-08\n\
             title = \"Written request for text-to-speech to {long_token}{long_token}\"\n\
             type = \"accommodation\"\nbody = \"Please provide text-to-speech.\"\n"
        ),
    );
    let call = env.write(
        "call.toml",
        &format!(
            "kind = \"communication\"\ndate = 2026-02-18\ntitle = \"{long_token} call\"\n\
             direction = \"received\"\nwith = \"{long_token}\"\nbody = \"See {long_token}.\"\n"
        ),
    );
    let ids = env.run(&[
        "add",
        "--file",
        iep.to_str().unwrap(),
        request.to_str().unwrap(),
        call.to_str().unwrap(),
    ]);
    let iep_id = ids.lines().next().unwrap().to_owned();
    let attachment = env.write(
        "district-response-to-the-records-request-with-every-enclosure-and-exhibit-final-v2.txt",
        &format!("A line of text with {long_token}{long_token} in it.\n"),
    );
    env.run(&["attach", &iep_id, attachment.to_str().unwrap()]);
    let out = env.root().join("long");
    // The longest prefixes there are: an exhibit label as wide as its columns allow.
    bundle_case(
        &env,
        &out,
        &[
            "--bates",
            "TALLOWMERECOUNTY",
            "--exhibit-prefix",
            "TALLOWME",
        ],
    );
    let pdf = out.join("bundle.pdf");
    let text = squash(&page_texts(&pdf).join("\n"));
    // Long values are broken across lines, never cut.
    for whole in [
        long_key,
        "reading-fluency",
        "(Accommodation)",
        "Communication",
        &format!("{long_token}{long_token}"),
        "TALLOWME-2",
    ] {
        assert!(text.contains(whole), "{whole} is in the PDF");
    }
    let m = manifest(&out);
    let sha = m["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|e| e["attachments"][0]["sha256"].as_str())
        .unwrap()
        .to_owned();
    assert!(text.contains(&sha), "the whole SHA-256 {sha} is printed");
    assert_clean_layout(&pdf);
    // A word that fits its column is set whole: in the index, the request's type is one
    // piece of text on a line of its own, not `(` and `Accommodation)` on two.
    let index = &crate::pdf_layout::page_layouts(&pdf)[1];
    assert!(
        index.runs.iter().any(|r| r.text == "(Accommodation)"),
        "{:?}",
        index.runs.iter().map(|r| &r.text).collect::<Vec<_>>()
    );

    // A sparse case: one record with nothing but its required fields.
    let env = TestEnv::with_case();
    env.add_note("N");
    let out = env.root().join("sparse");
    // A short prefix of wide letters: `WWWW-1` is no longer than `P-1234` but wider than the
    // chronology's narrowest exhibit column.
    bundle_case(
        &env,
        &out,
        &["--include-privileged", "--exhibit-prefix", "WWWW"],
    );
    assert_clean_layout(&out.join("bundle.pdf"));
}

#[test]
fn an_earlier_bundle_is_replaced_only_with_force() {
    let env = TestEnv::with_case();
    env.add_note("Strategy");
    let out = env.root().join("b");
    bundle_case(&env, &out, &["--include-privileged"]);
    let before = std::fs::read(out.join("manifest.json")).unwrap();
    env.add_note("Another note");
    let args = [
        "bundle",
        "--purpose",
        "mediation",
        "--include-privileged",
        "--out",
        out.to_str().unwrap(),
    ];
    let err = env.fail(&args, 1);
    assert!(err.contains("already holds a bundle"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read(out.join("manifest.json")).unwrap(),
        before,
        "the earlier bundle is untouched"
    );
    bundle_case(&env, &out, &["--include-privileged", "--force"]);
    assert_eq!(manifest(&out)["exhibits"].as_array().unwrap().len(), 2);
}

#[test]
fn an_upcoming_meeting_is_on_the_cover_not_an_exhibit_unless_pinned() {
    // The test clock says 2026-11-28: a meeting on 2027-01-15 is still to come.
    let env = TestEnv::with_case();
    env.add_note("Strategy");
    let meeting = env.write(
        "meeting.toml",
        "kind = \"meeting\"\ndate = 2027-01-15\ntitle = \"IEP meeting\"\ntype = \"iep\"\n",
    );
    let id = env.run(&["add", "--file", meeting.to_str().unwrap()]);
    let id = id.trim();
    let out = env.root().join("b");
    let stderr = bundle_case(&env, &out, &["--include-privileged"]);
    assert!(
        stderr.contains(&format!("upcoming meeting {id}")),
        "{stderr}"
    );
    assert!(exhibit_of(&manifest(&out), id).is_none(), "not an exhibit");
    let pages = page_texts(&out.join("bundle.pdf"));
    assert!(
        squash(&pages[0]).contains("Upcoming2027-01-15IEPmeeting"),
        "{}",
        pages[0]
    );
    let pinned = env.root().join("pinned");
    bundle_case(&env, &pinned, &["--include-privileged", "--first", id]);
    assert!(
        exhibit_of(&manifest(&pinned), id).is_some(),
        "pinned: bound"
    );
}

#[test]
fn a_recorded_letter_is_one_exhibit_without_markdown_backslashes() {
    let env = TestEnv::with_case();
    let pdf = env.root().join("letter.pdf");
    env.run(&[
        "letter",
        "records-request",
        "--to",
        "Ms. Jones, Director, Harbor District",
        "--pdf",
        pdf.to_str().unwrap(),
    ]);
    env.run(&["letter", "evaluation-request", "--to", "Harbor District"]);
    let shown = env.run(&["list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&shown).unwrap();
    for record in list.as_array().unwrap() {
        let toml = env.run(&["show", record["id"].as_str().unwrap()]);
        assert!(
            !toml.contains("\\\\\n"),
            "no hard-break backslash in show: {toml}"
        );
    }
    let out = env.root().join("b");
    bundle_case(&env, &out, &[]);
    let m = manifest(&out);
    let exhibits = m["exhibits"].as_array().unwrap();
    assert_eq!(exhibits.len(), 2);
    let pages = page_texts(&out.join("bundle.pdf"));
    let all = pages.join("\n");
    assert!(!all.contains('\\'), "no backslash anywhere in the bundle");
    // The letter with a PDF: its record page, then its own PDF page, nothing else.
    let with_pdf = exhibits
        .iter()
        .find(|e| e["attachments"].as_array().unwrap().len() == 1)
        .expect("one exhibit carries the letter's PDF");
    let name = with_pdf["attachments"][0]["name"].as_str().unwrap();
    assert!(name.ends_with(".pdf"), "{name}");
    // The letter's opening sentence appears once per letter in the whole bundle.
    let sentence = squash("I am writing to inspect and review all education records");
    assert_eq!(squash(&all).matches(&sentence).count(), 1, "{all}");
    let md_copies = squash(&all).matches("Authority:").count();
    assert_eq!(md_copies, 2, "each letter's text once: {all}");
}

/// A TIFF file of `pages` grey pages (a scan), each 40 × 60 pixels.
fn tiff_scan(pages: usize) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut encoder = tiff::encoder::TiffEncoder::new(&mut out).unwrap();
    for page in 0..pages {
        let pixels: Vec<u8> = (0..40 * 60)
            .map(|i| ((i + page * 50) % 256) as u8)
            .collect();
        encoder
            .write_image::<tiff::encoder::colortype::Gray8>(40, 60, &pixels)
            .unwrap();
    }
    out.into_inner()
}

#[test]
fn a_multi_page_tiff_scan_is_bound_one_page_per_image() {
    let env = TestEnv::with_case();
    let id = env.add_note("Scanned letter");
    let scan = env.root().join("scan.tiff");
    std::fs::write(&scan, tiff_scan(3)).unwrap();
    let out = env
        .cmd(&["attach", &id, scan.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", crate::describe(&out));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains("warning"),
        "a TIFF scan can be bound: {stderr}"
    );
    let dir = env.root().join("b");
    bundle_case(&env, &dir, &["--include-privileged"]);
    let m = manifest(&dir);
    // Cover, index and chronology come first.
    assert_eq!(m["exhibits"][0]["pages"], serde_json::json!([4, 7]), "{m}");
    let pages = page_texts(&dir.join("bundle.pdf"));
    for n in 1..=3 {
        assert!(
            squash(&pages[3 + n]).contains(&squash(&format!("image {n} of 3"))),
            "{}",
            pages[3 + n]
        );
    }
}

/// The internal links of `pdf`: for each, the page it is on and the page it leads to.
fn links(pdf: &Path) -> Vec<(usize, usize)> {
    use lopdf::{Document, Object};
    let doc = Document::load(pdf).expect("the PDF loads");
    let pages = doc.get_pages();
    let number: std::collections::HashMap<_, _> =
        pages.iter().map(|(&n, &id)| (id, n as usize)).collect();
    let deref = |o: &Object| match o {
        Object::Reference(id) => doc.get_object(*id).expect("the object exists").clone(),
        other => other.clone(),
    };
    let mut found = Vec::new();
    for (&n, &id) in &pages {
        let page = doc.get_dictionary(id).expect("a page");
        let Ok(annots) = page.get(b"Annots") else {
            continue;
        };
        for annot in deref(annots).as_array().expect("an array") {
            let annot = deref(annot);
            let annot = annot.as_dict().expect("an annotation");
            let Ok(dest) = annot.get(b"Dest") else {
                continue;
            };
            let dest = deref(dest);
            let target = dest.as_array().expect("an explicit destination")[0]
                .as_reference()
                .expect("a page");
            found.push((n as usize, number[&target]));
        }
    }
    found
}

#[test]
fn index_and_chronology_entries_lead_to_their_exhibits() {
    let env = TestEnv::with_case();
    for title in ["First note", "Second note", "Third note"] {
        env.add_note(title);
    }
    let out = env.root().join("b");
    bundle_case(&env, &out, &["--include-privileged"]);
    let m = manifest(&out);
    let exhibits = m["exhibits"].as_array().unwrap();
    let first_exhibit = exhibits[0]["pages"][0].as_u64().unwrap() as usize;
    let links = links(&out.join("bundle.pdf"));
    for exhibit in exhibits {
        let first = exhibit["pages"][0].as_u64().unwrap() as usize;
        // Its number and title in the index, its number in the chronology.
        let from_front = links
            .iter()
            .filter(|&&(on, to)| on < first_exhibit && to == first)
            .count();
        assert_eq!(from_front, 3, "links to page {first}: {links:?}");
    }
}

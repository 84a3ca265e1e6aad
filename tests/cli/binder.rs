//! What a binder is expected to have: the caption (forum, docket, parties), the child as
//! initials, the chronology and section dividers, withheld fields, and the record of a
//! disclosure that `bundle verify` finds. Each read back from the PDF text, the HTML index
//! or the manifest.

use std::path::{Path, PathBuf};

use crate::TestEnv;
use crate::pdf_text::{page_texts, squash};

const FORUM: &str = "Mississippi Department of Education, Office of Special Education, \
                     Division of Dispute Resolution and Due Process Hearings";
/// The example's mediation session, which withholds its summary.
const MEDIATION_MEETING: &str = "5ysdvmpvyc";

/// A demo workspace with a forum and a docket number; returns it and its folder.
fn demo() -> (TestEnv, PathBuf) {
    let env = TestEnv::bare();
    let dir = env.root().join("demo");
    env.run(&["demo", dir.to_str().unwrap()]);
    let forum = format!("forum={FORUM}");
    env.run(&[
        "-w",
        dir.to_str().unwrap(),
        "case",
        "edit",
        "--set",
        &forum,
        "--set",
        "docket=DP-2027-014",
    ]);
    (env, dir)
}

/// Runs `bundle --purpose due-process` on the workspace `ws` into `out`; returns the folder,
/// stdout and stderr.
fn bundle(env: &TestEnv, ws: &Path, out: &str, extra: &[&str]) -> (PathBuf, String, String) {
    let out = env.root().join(out);
    let mut args = vec![
        "-w",
        ws.to_str().unwrap(),
        "bundle",
        "--purpose",
        "due-process",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = env.cmd(&args).output().unwrap();
    assert!(output.status.success(), "{}", crate::describe(&output));
    (
        out,
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap()
}

fn page(pages: &[String], number: &serde_json::Value) -> String {
    squash(&pages[number.as_u64().unwrap() as usize - 1])
}

#[test]
fn cover_and_index_carry_the_caption_and_a_sparse_case_has_no_empty_lines() {
    let (env, ws) = demo();
    let (out, _, _) = bundle(&env, &ws, "dp", &[]);
    let pages = page_texts(&out.join("bundle.pdf"));
    let cover = squash(&pages[0]);
    assert!(
        cover.contains(&squash(&FORUM.to_uppercase())),
        "forum on the cover: {cover}"
    );
    assert!(cover.contains("Inthematterof"), "{cover}");
    assert!(cover.contains("EzrabelQuinnimore"), "{cover}");
    assert!(
        cover.contains("TallowmereCountySchoolDistrict"),
        "the district is a party: {cover}"
    );
    assert!(cover.contains("Docketno.DP-2027-014"), "{cover}");
    let m = manifest(&out);
    let index = page(&pages, &m["index"]["pages"][0]);
    assert!(index.starts_with("Exhibitindex"), "{index}");
    assert!(
        index.contains(&squash(FORUM)) && index.contains("Docketno.DP-2027-014"),
        "the index page carries the caption: {index}"
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(html.contains(FORUM) && html.contains("Docket no. DP-2027-014"));

    // A case with neither forum nor docket: the caption is the matter alone.
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "request",
        "--title",
        "Request for records",
        "--set",
        "type=records",
    ]);
    let sparse = env.root().join("sparse");
    env.run(&[
        "bundle",
        "--purpose",
        "iep-meeting",
        "--out",
        sparse.to_str().unwrap(),
    ]);
    let md = std::fs::read_to_string(sparse.join("index.md")).unwrap();
    assert!(
        md.contains(
            "\n\nIn the matter of Zephyrine Okonkwo-Bramble, a student of Larkspur Bayou \
             School, MS\n\n"
        ),
        "{md}"
    );
    let cover = page_texts(&sparse.join("bundle.pdf")).remove(0);
    assert!(!cover.contains("Docket"), "{cover}");
    let lines: Vec<&str> = cover.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| *l == "In the matter of").unwrap();
    assert!(
        lines[at + 1].contains("Zephyrine") && lines[at + 2].starts_with("a student of"),
        "no empty line in the caption: {lines:?}"
    );
}

#[test]
fn case_fields_forum_and_docket_are_set_shown_and_checked() {
    let env = TestEnv::bare();
    env.run(&[
        "init",
        env.ws.to_str().unwrap(),
        "--state",
        "MS",
        "--name",
        "A",
        "--email",
        "a@example.org",
    ]);
    env.run(&[
        "case",
        "new",
        "c2",
        "--child",
        "Ada Lark",
        "--forum",
        "MDE Office of Special Education",
        "--docket",
        "SC-2026-77",
    ]);
    let shown = env.run(&["case", "show"]);
    assert!(
        shown.contains("forum = \"MDE Office of Special Education\"")
            && shown.contains("docket = \"SC-2026-77\""),
        "{shown}"
    );
    let stderr = env.fail(&["case", "edit", "--set", "docket=  "], 1);
    assert!(stderr.contains("`docket` is empty"), "{stderr}");
    let stderr = env.fail(&["case", "edit", "--set", "forumm=x"], 1);
    assert!(stderr.contains("did you mean `forum`?"), "{stderr}");
}

/// Every way the example child's name could be written.
fn names_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    ["ezrabel", "quinnimore"]
        .into_iter()
        .filter(|n| lower.contains(n))
        .collect()
}

#[test]
fn initials_leave_the_childs_name_nowhere_and_list_what_iepcase_cannot_rewrite() {
    let (env, ws) = demo();
    // Without the flag the name is there: the check below can fail.
    let (plain, _, _) = bundle(&env, &ws, "named", &[]);
    let text: String = page_texts(&plain.join("bundle.pdf")).concat();
    assert_eq!(names_in(&text), ["ezrabel", "quinnimore"]);

    let (out, stdout, stderr) = bundle(&env, &ws, "initials", &["--initials", "--json"]);
    let mut pdfs = vec![out.join("bundle.pdf")];
    for entry in std::fs::read_dir(out.join("exhibits")).unwrap() {
        let path = entry.unwrap().path();
        assert!(names_in(&path.to_string_lossy()).is_empty(), "{path:?}");
        if path.extension().is_some_and(|e| e == "pdf") {
            pdfs.push(path);
        }
    }
    for pdf in &pdfs {
        for (n, text) in page_texts(pdf).iter().enumerate() {
            assert!(names_in(text).is_empty(), "{pdf:?} page {}: {text}", n + 1);
        }
    }
    for file in ["index.html", "index.md", "manifest.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(names_in(&text).is_empty(), "{file}");
    }
    assert!(names_in(&stdout).is_empty());
    let cover = squash(&page_texts(&out.join("bundle.pdf"))[0]);
    assert!(
        cover.contains("Inthematterof") && cover.contains("E.Q."),
        "{cover}"
    );
    // The e-mail is set as text by iepcase, so its names are rewritten too.
    let all = squash(&page_texts(&out.join("bundle.pdf")).concat());
    assert!(all.contains("Ms.Q.,"), "the parent's surname alone: {all}");

    // What iepcase cannot rewrite is named, on stderr and in the JSON.
    for name in [
        "refusal-letter-2026-03-06.pdf",
        "prior-written-notice-2026-03-27.pdf",
    ] {
        assert!(
            stderr.contains(&format!("`{name}`")) && stderr.contains("names the child"),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains("`note-sent-home-2026-09-10.png`")
            && stderr.contains("may still carry the child's name"),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["initials"]["initials"], "E.Q.");
    let listed: Vec<(&str, bool)> = json["initials"]["not_rewritten"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["bound"].as_bool().unwrap()))
        .collect();
    assert!(listed.contains(&("refusal-letter-2026-03-06.pdf", false)));
    assert!(listed.contains(&("note-sent-home-2026-09-10.png", true)));
    assert!(listed.contains(&("meeting-2026-03-24-excerpt.wav", true)));
    assert_eq!(manifest(&out)["options"]["initials"], true);

    // A case without `initials`: derived from the name, and said so.
    let env = TestEnv::with_case();
    env.run(&[
        "add",
        "note",
        "--title",
        "Zephyrine's reading log",
        "--set",
        "privileged=false",
    ]);
    let out = env.root().join("derived");
    let output = env
        .cmd(&[
            "bundle",
            "--purpose",
            "iep-meeting",
            "--initials",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("printed as Z.O., from the name"),
        "{stderr}"
    );
    let text = page_texts(&out.join("bundle.pdf")).concat();
    assert!(text.contains("Z.O.'s reading log"), "{text}");
    assert!(
        !text.contains("Zephyrine") && !text.contains("Okonkwo"),
        "{text}"
    );
}

#[test]
fn a_chronology_follows_the_index_and_sections_put_dividers_between_kinds() {
    let (env, ws) = demo();
    let (out, _, _) = bundle(&env, &ws, "sections", &["--sections", "--first", "0sah"]);
    let pages = page_texts(&out.join("bundle.pdf"));
    let m = manifest(&out);
    let index = &m["index"]["pages"];
    let chronology = &m["chronology"]["pages"];
    assert_eq!(
        chronology[0].as_u64().unwrap(),
        index[1].as_u64().unwrap() + 1,
        "the chronology follows the index"
    );
    let chron = page(&pages, &chronology[0]);
    assert!(chron.starts_with("Chronology"), "{chron}");
    assert!(
        chron.contains("Chronologyp.1/1EQ-"),
        "stamped and Bates-numbered: {chron}"
    );
    assert_eq!(
        m["chronology"]["bates"][0],
        format!("EQ-{:06}", chronology[0].as_u64().unwrap())
    );
    // Date order, whatever the exhibit numbers: the annual IEP (P-2, 2025-12-09) comes
    // before the amended IEP pinned as P-1 (2026-05-04).
    let annual = chron.find("AnnualIEP,grade3").unwrap();
    let amended = chron.find("AmendedIEPafterthefacilitatedmeeting").unwrap();
    assert!(annual < amended, "{chron}");
    let index_page = page(&pages, &index[0]);
    assert!(
        index_page.contains("Chronologyoftheexhibits"),
        "{index_page}"
    );

    let sections = m["sections"].as_array().unwrap();
    assert_eq!(sections[0]["title"], "IEPs");
    assert_eq!(sections[1]["title"], "Requests");
    let exhibits = m["exhibits"].as_array().unwrap();
    for section in sections {
        let divider = page(&pages, &section["page"]);
        let number = section["number"].as_u64().unwrap();
        assert!(
            divider.contains(&format!("Section{number}"))
                && divider.contains(&squash(section["title"].as_str().unwrap())),
            "{divider}"
        );
        assert!(
            divider.contains(section["bates"].as_str().unwrap()),
            "a divider is Bates-numbered: {divider}"
        );
        // No exhibit claims a divider page, and the section's exhibits are in date order.
        let page_no = section["page"].as_u64().unwrap();
        for e in exhibits {
            assert!(
                !(e["pages"][0].as_u64().unwrap()..=e["pages"][1].as_u64().unwrap())
                    .contains(&page_no)
            );
        }
        let dates: Vec<&str> = exhibits
            .iter()
            .filter(|e| e["kind"] == section["kind"] && e["record"] != "0sahk8ww6n")
            .map(|e| e["date"].as_str().unwrap())
            .collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    }
    let requests = &sections[1];
    let first_request = exhibits
        .iter()
        .find(|e| e["label"] == requests["exhibits"][0])
        .unwrap();
    assert_eq!(
        first_request["pages"][0].as_u64().unwrap(),
        requests["page"].as_u64().unwrap() + 1,
        "a section's first exhibit follows its divider"
    );
    assert!(
        page(&pages, &first_request["pages"][0]).contains(&format!(
            "{}p.1/1",
            first_request["label"].as_str().unwrap()
        )),
        "exhibit stamps are not thrown off by the dividers"
    );
}

#[test]
fn withheld_fields_are_replaced_in_every_output_and_mediation_notes_stay_out() {
    let (env, ws) = demo();
    let (out, _, stderr) = bundle(&env, &ws, "withheld", &[]);
    assert!(
        stderr.contains("f9mgxms8y1") && stderr.contains("mediation-confidential"),
        "a record confidential as a whole stays out: {stderr}"
    );
    let m = manifest(&out);
    let exhibit = m["exhibits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["record"] == MEDIATION_MEETING)
        .unwrap();
    assert_eq!(exhibit["withheld"], serde_json::json!(["summary"]));
    let pages = page_texts(&out.join("bundle.pdf"));
    let text = page(&pages, &exhibit["pages"][0]);
    assert!(
        text.contains("Summary[withheld:mediation-confidential]"),
        "{text}"
    );
    assert!(
        text.contains("Noagreement"),
        "the fact and outcome are bound: {text}"
    );
    let all = pages.concat();
    assert!(
        !all.contains("confidentiality pledge"),
        "withheld text leaked"
    );
    for file in ["index.html", "index.md", "manifest.json"] {
        let text = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(!text.contains("confidentiality pledge"), "{file}");
    }

    // Outside mediation the marker says only "confidential"; a wrong name is refused.
    let env = TestEnv::with_case();
    let file = env.write(
        "call.toml",
        "kind = \"communication\"\ndate = 2026-03-02\ntitle = \"Call with the nurse\"\n\
         direction = \"call\"\nbody = \"Medication details\"\nconfidential_fields = [\"bodyy\"]\n",
    );
    let stderr = env.fail(&["add", "--file", file.to_str().unwrap()], 1);
    assert!(
        stderr
            .contains("`bodyy` in `confidential_fields` is not a field of a communication record")
            && stderr.contains("did you mean `body`?"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("bodyy", "body");
    std::fs::write(&file, text).unwrap();
    env.run(&["add", "--file", file.to_str().unwrap()]);
    let out = env.root().join("plain");
    env.run(&[
        "bundle",
        "--purpose",
        "iep-meeting",
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = squash(&page_texts(&out.join("bundle.pdf")).concat());
    assert!(text.contains("Message[withheld:confidential]"), "{text}");
    assert!(!text.contains("Medicationdetails"), "{text}");
}

#[test]
fn a_disclosure_is_recorded_with_the_manifest_hash_and_verify_names_it() {
    let (env, ws) = demo();
    let w = ws.to_str().unwrap();
    let stderr = env.fail(
        &[
            "-w",
            w,
            "bundle",
            "--purpose",
            "due-process",
            "--out",
            "x",
            "--on",
            "2027-01-15",
        ],
        2,
    );
    assert!(stderr.contains("--disclosed-to"), "{stderr}");
    let (out, stdout, stderr) = bundle(
        &env,
        &ws,
        "disclosed",
        &[
            "--disclosed-to",
            "District counsel",
            "--on",
            "2027-01-15",
            "--json",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let record = json["disclosure"]["record"].as_str().unwrap().to_owned();
    let hash = json["disclosure"]["manifest_sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let on_disk = std::fs::read(out.join("manifest.json")).unwrap();
    assert_eq!(
        hash,
        sha256(&on_disk),
        "the hash is of manifest.json as written"
    );
    assert!(
        stderr.contains(&format!("as communication {record}")),
        "{stderr}"
    );
    let shown = env.run(&["-w", w, "show", &record]);
    assert!(
        shown.contains(&hash) && shown.contains("District counsel") && shown.contains("2027-01-15"),
        "{shown}"
    );
    assert!(shown.contains("34 exhibits"), "{shown}");

    let output = env
        .cmd(&["-w", w, "bundle", "verify", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", crate::describe(&output));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "Disclosed on 2027-01-15 to District counsel: recorded in communication {record}"
        )),
        "{stderr}"
    );
    let json: serde_json::Value = serde_json::from_str(&env.run(&[
        "-w",
        w,
        "--json",
        "bundle",
        "verify",
        out.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(json["disclosures"][0]["record"], record.as_str());

    // Another bundle of the same case was never disclosed.
    let (other, _, _) = bundle(&env, &ws, "other", &["--kind", "iep"]);
    let output = env
        .cmd(&["-w", w, "bundle", "verify", other.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("No disclosure of this bundle is recorded in case `eq-2025`"),
        "{stderr}"
    );
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

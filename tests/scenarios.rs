//! The scenario corpus: small cases written the way a family writes them, each with the
//! deadlines, findings and links a reviewer checked by hand.
//!
//! Every folder of `tests/scenarios/` holds `scenario.toml` (what it shows, the day it is
//! judged on, the rules and checks it shows done right and done wrong), optionally
//! `case.toml` (the case details: state, school calendar), `records/*.toml` (no ids; links
//! only where the scenario is about links, as `file:NAME`), and `expected.json`. The test
//! loads each folder through the library, gives the records ids in file-name order, computes
//! links, deadlines and findings (and, for a meeting in the two weeks from the start of
//! `today`, the `prep` checklist), writes every id as the file it came from
//! (`<03-refusal.toml>`) and compares with `expected.json`. A changed expectation is a diff to review:
//! `BLESS=1 cargo test --test scenarios` rewrites the files, and `git diff` shows what moved.
//! How to add a scenario: docs/deadlines.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use iepcase::check::{Code, Finding, Input, check};
use iepcase::links::link;
use iepcase::record::refs::{self, BatchFile};
use iepcase::record::{CaseMeta, Date, RecordId, parse_case_meta};
use iepcase::rules::{Deadline, RuleSet, Rulebook, Status, deadlines_of};
use iepcase::store::StoredRecord;
use serde::Deserialize;
use serde_json::{Value, json};

/// `scenario.toml`. A rule is shown done right by a deadline met in time or a window that
/// ran out, done wrong by one overdue, met late or still running; a check code by its finding
/// being absent (right) or present (wrong).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    description: String,
    today: toml::value::Datetime,
    /// The state, when there is no `case.toml` (default: none, the federal rules).
    state: Option<String>,
    /// `rule:ID` and `code:CODE` this scenario shows done right.
    #[serde(default)]
    right: Vec<String>,
    /// `rule:ID` and `code:CODE` this scenario shows done wrong (or, for a window, running).
    #[serde(default)]
    wrong: Vec<String>,
}

/// A scenario, loaded.
struct Scenario {
    name: String,
    dir: PathBuf,
    spec: Spec,
    today: Date,
    meta: CaseMeta,
    /// Each record with the file it came from.
    records: Vec<(String, StoredRecord)>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

/// The id of the `n`-th record (1-based) of a scenario: `s000000001`.
fn id_of(n: usize) -> RecordId {
    RecordId::parse(&format!("s{n:09}")).expect("digits and s are id characters")
}

fn load(dir: &Path) -> Result<Scenario, String> {
    load_with(dir, false)
}

/// A scenario; with `reversed`, its records get their ids in the reverse order of their
/// files (what iepcase finds must not depend on the random ids records get).
fn load_with(dir: &Path, reversed: bool) -> Result<Scenario, String> {
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()));
    let spec: Spec = toml::from_str(&read(&dir.join("scenario.toml"))?)
        .map_err(|e| format!("{name}/scenario.toml: {e}"))?;
    let today: Date = spec
        .today
        .to_string()
        .parse()
        .map_err(|e| format!("{name}/scenario.toml: today: {e}"))?;
    let meta_text = match dir.join("case.toml") {
        p if p.exists() => read(&p)?,
        _ => match &spec.state {
            Some(state) => format!("child = \"Sam Doe\"\nstate = \"{state}\"\n"),
            None => "child = \"Sam Doe\"\n".to_owned(),
        },
    };
    let meta = parse_case_meta(&meta_text, &format!("{name}/case.toml")).map_err(|e| e.render())?;
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("records"))
        .map_err(|e| format!("{name}/records: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    // As `iepcase add --file` prepares a batch: ids first, then `file:` links, then checks.
    let count = files.len();
    let mut n = 0;
    let batch: Vec<BatchFile> = files
        .iter()
        .map(|path| {
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            Ok(BatchFile {
                origin: format!("{name}/records/{file}"),
                path: path.clone(),
                text: read(path)?,
            })
        })
        .collect::<Result<_, String>>()?;
    let prepared = refs::prepare_batch(
        batch,
        || {
            n += 1;
            id_of(if reversed { count + 1 - n } else { n })
        },
        || Some(Vec::new()),
    );
    let mut records = Vec::new();
    for (path, p) in files.iter().zip(prepared) {
        let (text, record) = p.outcome.map_err(|e| e.render())?;
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        records.push((
            file,
            StoredRecord {
                id: p.id,
                record,
                text,
            },
        ));
    }
    Ok(Scenario {
        name,
        dir: dir.to_owned(),
        spec,
        today,
        meta,
        records,
    })
}

/// Every scenario folder.
fn all() -> Vec<Scenario> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(corpus())
        .expect("tests/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| load(d).unwrap_or_else(|e| panic!("scenario {}: {e}", d.display())))
        .collect()
}

fn rulebook() -> &'static Rulebook {
    static BOOK: std::sync::OnceLock<Rulebook> = std::sync::OnceLock::new();
    BOOK.get_or_init(|| Rulebook::builtin().expect("built-in rules parse"))
}

fn rules(meta: &CaseMeta) -> &'static RuleSet {
    rulebook().select(meta.state.as_deref()).set
}

/// What the library makes of a scenario: links, deadlines and findings.
struct Outcome {
    deadlines: Vec<Deadline>,
    findings: Vec<Finding>,
    linked: iepcase::links::Linked,
    /// The checklists of the meetings in the two weeks from the start of today.
    prep: Vec<iepcase::prep::Checklist>,
}

fn run(s: &Scenario) -> Outcome {
    let records: Vec<StoredRecord> = s.records.iter().map(|(_, r)| r.clone()).collect();
    let linked = link(&records);
    let rules = rules(&s.meta);
    let deadlines = deadlines_of(&linked, &s.meta, rules, s.today);
    let findings = check(&Input {
        records: &records,
        meta: &s.meta,
        rules,
        deadlines: &deadlines,
        today: s.today,
    });
    let prep = iepcase::prep::prepare_within(
        &iepcase::prep::Case {
            inference: None,
            records: &records,
            meta: &s.meta,
            rules,
            now: s.today.0.at(0, 0, 0, 0),
        },
        14,
    );
    Outcome {
        deadlines,
        findings,
        linked,
        prep,
    }
}

/// The outcome as JSON, ids written as the files they came from.
fn render(s: &Scenario, o: &Outcome) -> Value {
    let files: BTreeMap<String, String> = s
        .records
        .iter()
        .map(|(file, r)| (r.id.to_string(), format!("<{file}>")))
        .collect();
    let file = |id: &RecordId| files.get(id.as_str()).cloned().unwrap_or(id.to_string());
    let text = |t: &str| {
        files.iter().fold(t.to_owned(), |acc, (id, name)| {
            acc.replace(id.as_str(), name)
        })
    };
    let mut links = Vec::new();
    for (_, r) in &s.records {
        for l in o.linked.inferred(&r.id) {
            links.push(json!({"record": file(&r.id), "field": l.field.as_str(), "target": file(&l.target)}));
        }
    }
    let unlinked: Vec<Value> = o
        .linked
        .unlinked
        .iter()
        .map(|u| {
            json!({
                "record": file(&u.record), "field": u.field.as_str(), "ambiguous": u.ambiguous,
                "candidates": u.candidates.iter().map(&file).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut deadlines: Vec<&Deadline> = o.deadlines.iter().collect();
    deadlines.sort_by_key(|d| (d.due, d.rule.clone(), file(&d.trigger)));
    let deadlines: Vec<Value> = deadlines
        .into_iter()
        .map(|d| {
            let mut v = json!({
                "rule": d.rule, "trigger": file(&d.trigger), "due": d.due.to_string(),
                "status": d.status.as_str(),
            });
            if let Some(met) = &d.met {
                v["met_by"] = json!(file(&met.by));
                if met.late {
                    v["late"] = json!(true);
                }
            }
            if d.approximate {
                v["approximate"] = json!(true);
            }
            v
        })
        .collect();
    // Errors first, then warnings, then notes; each group by record file and code.
    let mut findings: Vec<&Finding> = o.findings.iter().collect();
    findings.sort_by_key(|f| {
        (
            std::cmp::Reverse(f.severity),
            f.record.as_ref().map(&file),
            f.code,
            f.message.clone(),
        )
    });
    let findings: Vec<Value> = findings
        .into_iter()
        .map(|f| {
            let mut v = json!({
                "code": f.code.as_str(), "severity": f.severity.as_str(),
                "record": f.record.as_ref().map(&file), "message": text(&f.message),
            });
            if let Some(step) = &f.next_step {
                v["next_step"] = json!(text(step));
            }
            if !f.inferred.is_empty() {
                v["inferred"] = json!(f.inferred.iter().map(|l| l.as_str()).collect::<Vec<_>>());
            }
            v
        })
        .collect();
    let mut out = json!({
        "links": links, "unlinked": unlinked, "deadlines": deadlines, "findings": findings,
    });
    // Each checklist item's status, due date, evidence and asks (with ids as files).
    let prep: Vec<Value> = o
        .prep
        .iter()
        .map(|list| {
            let items: Vec<Value> = list
                .items
                .iter()
                .map(|item| {
                    let mut v = json!({ "key": item.key.as_str(), "status": item.status.as_str() });
                    if let Some(due) = item.due {
                        v["due"] = json!(due.to_string());
                    }
                    if !item.evidence.is_empty() {
                        let files: Vec<String> = item.evidence.iter().map(|id| text(id)).collect();
                        v["evidence"] = json!(files);
                    }
                    if let Some(step) = &item.next_step {
                        v["next_step"] = json!(text(step));
                    }
                    if !item.asks.is_empty() {
                        let asks: Vec<String> = item.asks.iter().map(|a| text(&a.text)).collect();
                        v["asks"] = json!(asks);
                    }
                    v
                })
                .collect();
            json!({ "meeting": text(&list.meeting.id), "items": items })
        })
        .collect();
    if !prep.is_empty() {
        out["prep"] = json!(prep);
    }
    out
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("JSON values print");
    text.push('\n');
    text
}

/// Nothing when `actual` is `expected`, else a unified diff of the two.
fn compare(name: &str, expected: &str, actual: &str) -> Result<(), String> {
    if expected == actual {
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{name}/expected.json"), "what iepcase now says")
        .to_string();
    Err(diff)
}

#[test]
fn every_scenario_gives_what_it_expects() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for s in all() {
        let actual = pretty(&render(&s, &run(&s)));
        let path = s.dir.join("expected.json");
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if let Err(diff) = compare(&s.name, &expected, &actual) {
            if bless {
                std::fs::write(&path, &actual).unwrap();
            } else {
                failures.push(diff);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) differ from what was reviewed; if the change is right, rewrite them \
         with `BLESS=1 cargo test --test scenarios` and review `git diff`:\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_ids_records_get_change_nothing() {
    for s in all() {
        let again = load_with(&s.dir, true).unwrap();
        let (a, b) = (render(&s, &run(&s)), render(&again, &run(&again)));
        if let Err(diff) = compare(&s.name, &pretty(&a), &pretty(&b)) {
            panic!("with ids in the other order:\n{diff}");
        }
    }
}

#[test]
fn a_false_finding_fails_the_corpus() {
    let s = all().into_iter().next().expect("a scenario");
    let mut outcome = run(&s);
    let expected = pretty(&render(&s, &outcome));
    outcome.findings.push(Finding {
        code: Code::RefusalWithoutPwn,
        severity: iepcase::check::Severity::Error,
        record: Some(s.records[0].1.id.clone()),
        message: "A refusal without notice that never happened.".into(),
        cite: None,
        confidence: None,
        next_step: None,
        inferred: Vec::new(),
    });
    let diff = compare(&s.name, &expected, &pretty(&render(&s, &outcome))).unwrap_err();
    assert!(
        diff.contains("+      \"message\": \"A refusal without notice that never happened.\""),
        "{diff}"
    );
    // A finding that went missing fails it too.
    let mut outcome = run(&s);
    outcome.findings.clear();
    outcome.deadlines.clear();
    assert!(compare(&s.name, &expected, &pretty(&render(&s, &outcome))).is_err());
}

/// What a scenario's expectations show about `item` (`rule:ID` or `code:CODE`): done right
/// (`true`) or wrong (`false`), or `Err` when they show neither as claimed.
fn shows(s: &Scenario, o: &Outcome, item: &str, right: bool) -> Result<(), String> {
    let claim = if right { "right" } else { "wrong" };
    let fail = |why: &str| Err(format!("{}: `{item}` ({claim}): {why}", s.name));
    if let Some(code) = item.strip_prefix("code:") {
        let code: Code = code.parse().map_err(|e| format!("{}: {e}", s.name))?;
        let found = o.findings.iter().any(|f| f.code == code);
        return match (right, found) {
            (true, true) => fail("the finding appears"),
            (false, false) => fail("the finding does not appear"),
            _ => Ok(()),
        };
    }
    let Some(id) = item.strip_prefix("rule:") else {
        return fail("write rule:ID or code:CODE");
    };
    let rule = rules(&s.meta)
        .rule(id)
        .ok_or_else(|| format!("{}: no rule `{id}` for this case's state", s.name))?;
    if rule.role == iepcase::rules::Role::Lookback {
        let too_old = o
            .findings
            .iter()
            .any(|f| f.code == Code::ComplaintIssueTooOld && f.cite.as_deref() == Some(&rule.cite));
        let complaint = s
            .records
            .iter()
            .any(|(_, r)| r.record.kind() == iepcase::record::Kind::Complaint);
        return match (right, too_old, complaint) {
            (_, _, false) => fail("no complaint to limit"),
            (true, true, _) => fail("an issue is too old"),
            (false, false, _) => fail("no issue is too old"),
            _ => Ok(()),
        };
    }
    // Done right: met in time, or a window that ran out. Done wrong: overdue, met late, or
    // still running (an obligation waiting, a window open).
    let statuses: Vec<(Status, bool)> = o
        .deadlines
        .iter()
        .filter(|d| d.rule == id)
        .map(|d| (d.status, d.met.as_ref().is_some_and(|m| m.late)))
        .collect();
    let ok = statuses.iter().any(|(st, late)| match right {
        true => matches!(st, Status::Met | Status::Ended) && !late,
        false => *late || matches!(st, Status::Overdue | Status::Obligation | Status::Open),
    });
    if ok {
        Ok(())
    } else {
        fail(&format!("its deadlines are (status, late) {statuses:?}"))
    }
}

#[test]
fn the_corpus_covers_every_rule_and_check_done_right_and_wrong() {
    let scenarios = all();
    assert!(scenarios.len() >= 25, "{} scenarios", scenarios.len());
    let mut problems = Vec::new();
    let mut covered: BTreeMap<String, (bool, bool)> = BTreeMap::new();
    for s in &scenarios {
        assert!(
            !s.spec.description.trim().is_empty(),
            "{}: no description",
            s.name
        );
        let o = run(s);
        for (items, right) in [(&s.spec.right, true), (&s.spec.wrong, false)] {
            for item in items {
                match shows(s, &o, item, right) {
                    Ok(()) => {
                        let entry = covered.entry(item.clone()).or_default();
                        if right {
                            entry.0 = true;
                        } else {
                            entry.1 = true;
                        }
                    }
                    Err(e) => problems.push(e),
                }
            }
        }
    }
    let book = rulebook();
    let mut wanted: Vec<String> = book
        .names()
        .into_iter()
        .flat_map(|n| {
            book.select(Some(n))
                .set
                .rules
                .iter()
                .map(|r| format!("rule:{}", r.id))
        })
        .chain(Code::ALL.iter().map(|c| format!("code:{c}")))
        .collect();
    wanted.sort();
    wanted.dedup();
    for item in wanted {
        match covered.get(&item) {
            Some((true, true)) => {}
            Some((true, false)) => problems.push(format!("`{item}` is never shown done wrong")),
            Some((false, true)) => problems.push(format!("`{item}` is never shown done right")),
            _ => problems.push(format!("`{item}` is not in the corpus")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_corpus_covers_federal_mississippi_and_texas() {
    let states: Vec<Option<String>> = all().iter().map(|s| s.meta.state.clone()).collect();
    for state in [None, Some("MS".to_owned()), Some("TX".to_owned())] {
        assert!(states.contains(&state), "no scenario for {state:?}");
    }
}

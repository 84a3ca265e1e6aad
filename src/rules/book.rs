//! The rule sets: the built-in files (`rules/*.toml`, embedded), the workspace's own
//! `<workspace>/rules/*.toml`, `extends`, and overrides by rule id.
//!
//! Each file defines the set named by its file stem (`ms.toml` → `ms`). A workspace file named
//! like a built-in set adds to that set: a rule with an existing id replaces it, a new id is
//! added, `enabled = false` switches one off. Any other workspace file defines a new set, built
//! on `extends` (default `us`). A case uses the set named by its `state` (lowercase).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use super::RuleError;
use super::calendar::YearlyWindow;
use super::file::{Entry, RuleFile, invalid, parse_rule_file};
use super::holidays::HolidaySpec;
use super::rule::{Rule, Start};
use crate::record::Diagnostic;
use crate::record::parse::did_you_mean;

/// The rule files built into iepcase: (set name, text).
pub const BUILTIN: &[(&str, &str)] = &[
    ("us", include_str!("../../rules/us.toml")),
    ("ms", include_str!("../../rules/ms.toml")),
    ("tx", include_str!("../../rules/tx.toml")),
];

/// The rules, holidays and summer break one case is judged by.
#[derive(Clone, Debug)]
pub struct RuleSet {
    /// The set's name (`ms`).
    pub name: String,
    /// Its display name (`Mississippi`).
    pub title: String,
    /// The set and the sets it extends, nearest first (`["ms", "us"]`).
    pub chain: Vec<String>,
    /// Every rule, ordered so that a rule comes after the rule its `from_rule` names.
    pub rules: Vec<Rule>,
    pub holidays: Vec<HolidaySpec>,
    pub summer: Option<YearlyWindow>,
}

impl RuleSet {
    /// The rule with id `id`.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Every rule set available: built in, plus the workspace's.
#[derive(Clone, Debug)]
pub struct Rulebook {
    sets: BTreeMap<String, RuleSet>,
}

/// The set chosen for a case.
#[derive(Clone, Copy, Debug)]
pub struct Selection<'b> {
    pub set: &'b RuleSet,
    /// The state asked for had no set of its own; the federal rules are used.
    pub fallback: bool,
}

impl Rulebook {
    /// The built-in sets only.
    pub fn builtin() -> Result<Rulebook, RuleError> {
        Rulebook::from_sources(&[])
    }

    /// The built-in sets with the workspace's `rules/*.toml` (from folder `dir`, when it
    /// exists) on top.
    pub fn load(dir: &Path) -> Result<Rulebook, RuleError> {
        let io = |source| RuleError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut sources = Vec::new();
        match fs_err::read_dir(dir) {
            Ok(entries) => {
                for entry in entries {
                    let path = entry.map_err(io)?.path();
                    if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                        let text = fs_err::read_to_string(&path).map_err(io)?;
                        let stem = path
                            .file_stem()
                            .map(|s| s.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        sources.push((path.display().to_string(), stem, text));
                    }
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        sources.sort();
        Rulebook::from_sources(&sources)
    }

    /// The built-in sets with workspace files `(origin, set name, text)` on top.
    pub fn from_sources(workspace: &[(String, String, String)]) -> Result<Rulebook, RuleError> {
        let mut files: Vec<RuleFile> = Vec::new();
        for (name, text) in BUILTIN {
            files.push(parse_rule_file(
                text,
                &format!("rules/{name}.toml (built in)"),
                name,
            )?);
        }
        for (origin, name, text) in workspace {
            files.push(parse_rule_file(text, origin, name)?);
        }
        let mut names: Vec<String> = files.iter().map(|f| f.name.clone()).collect();
        names.dedup();
        names.sort();
        names.dedup();
        let mut sets = BTreeMap::new();
        for name in &names {
            resolve(name, &files, &mut sets, &mut Vec::new())?;
        }
        Ok(Rulebook { sets })
    }

    /// The set for `state` (a two-letter code, any case), else the federal set.
    pub fn select(&self, state: Option<&str>) -> Selection<'_> {
        let federal = self
            .sets
            .get("us")
            .expect("the built-in federal set always exists");
        match state.map(str::to_ascii_lowercase) {
            Some(name) => match self.sets.get(&name) {
                Some(set) => Selection {
                    set,
                    fallback: false,
                },
                None => Selection {
                    set: federal,
                    fallback: true,
                },
            },
            None => Selection {
                set: federal,
                fallback: false,
            },
        }
    }

    /// The names of every set.
    pub fn names(&self) -> Vec<&str> {
        self.sets.keys().map(String::as_str).collect()
    }
}

fn diagnostic(
    file: &RuleFile,
    span: Range<usize>,
    message: String,
    help: Option<String>,
) -> RuleError {
    let mut d = Diagnostic::at(&file.text, span, message);
    d.help = help;
    RuleError::Invalid(invalid(&file.origin, vec![d]))
}

/// Builds set `name` and the sets it extends into `sets`.
fn resolve(
    name: &str,
    files: &[RuleFile],
    sets: &mut BTreeMap<String, RuleSet>,
    visiting: &mut Vec<String>,
) -> Result<(), RuleError> {
    if sets.contains_key(name) {
        return Ok(());
    }
    let layers: Vec<&RuleFile> = files.iter().filter(|f| f.name == name).collect();
    let first = layers.first().copied();
    let extends = match first.and_then(|f| f.extends.as_ref()) {
        Some((base, _)) => Some(base.clone()),
        None if name == "us" => None,
        None => Some("us".to_owned()),
    };
    for layer in layers.iter().skip(1) {
        if let Some((other, span)) = &layer.extends
            && Some(other) != extends.as_ref()
            && other != name
        {
            let base = extends.as_deref().unwrap_or("nothing");
            return Err(diagnostic(
                layer,
                span.clone(),
                format!("this file adds to the built-in set `{name}`, which extends `{base}`"),
                Some(format!(
                    "remove the `extends` line, or write extends = \"{name}\""
                )),
            ));
        }
    }
    visiting.push(name.to_owned());
    let mut set = match &extends {
        Some(base) => {
            let file = first.expect("a set with a base has a file");
            let span = file.extends.as_ref().map_or(0..0, |(_, s)| s.clone());
            if visiting.contains(base) {
                let chain = [visiting.as_slice(), std::slice::from_ref(base)].concat();
                return Err(diagnostic(
                    file,
                    span,
                    format!(
                        "rule sets extend each other in a circle: {}",
                        chain.join(" → ")
                    ),
                    None,
                ));
            }
            if !files.iter().any(|f| &f.name == base) {
                let known: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
                let help = did_you_mean(base, known.iter().copied())
                    .map_or(format!("sets: {}", known.join(", ")), |b| {
                        format!("did you mean `{b}`?")
                    });
                return Err(diagnostic(
                    file,
                    span,
                    format!("no rule set `{base}` to extend"),
                    Some(help),
                ));
            }
            resolve(base, files, sets, visiting)?;
            let mut set = sets[base].clone();
            set.chain.insert(0, name.to_owned());
            set.name = name.to_owned();
            set
        }
        None => RuleSet {
            name: name.to_owned(),
            title: String::new(),
            chain: vec![name.to_owned()],
            rules: Vec::new(),
            holidays: Vec::new(),
            summer: None,
        },
    };
    visiting.pop();
    set.title = name.to_ascii_uppercase();
    for layer in &layers {
        apply(&mut set, layer)?;
    }
    order_by_dependencies(&mut set, files)?;
    sets.insert(name.to_owned(), set);
    Ok(())
}

/// Adds one file's holidays, summer and rules to `set`.
fn apply(set: &mut RuleSet, file: &RuleFile) -> Result<(), RuleError> {
    if let Some(title) = &file.title {
        set.title = title.clone();
    }
    if file.summer.is_some() {
        set.summer = file.summer;
    }
    set.holidays.extend(file.holidays.iter().cloned());
    for entry in &file.entries {
        match entry {
            Entry::Define { rule, .. } => match set.rules.iter_mut().find(|r| r.id == rule.id) {
                Some(existing) => *existing = (**rule).clone(),
                None => set.rules.push((**rule).clone()),
            },
            Entry::Disable { id, span } => {
                let Some(at) = set.rules.iter().position(|r| &r.id == id) else {
                    let help = did_you_mean(id, set.rules.iter().map(|r| r.id.as_str()))
                        .map(|b| format!("did you mean `{b}`?"));
                    return Err(diagnostic(
                        file,
                        span.clone(),
                        format!("there is no rule `{id}` in `{}` to switch off", set.name),
                        help,
                    ));
                };
                set.rules.remove(at);
            }
        }
    }
    Ok(())
}

/// Checks every `from_rule` and orders the rules so each comes after the one it starts from.
fn order_by_dependencies(set: &mut RuleSet, files: &[RuleFile]) -> Result<(), RuleError> {
    let error = |rule: &Rule, message: String, help: Option<String>| {
        let file = files.iter().find(|f| f.origin == rule.source);
        let span = file
            .and_then(|f| {
                f.entries.iter().find_map(|e| match e {
                    Entry::Define {
                        rule: r,
                        from_rule_span,
                    } if r.id == rule.id => Some(from_rule_span.clone()),
                    _ => None,
                })
            })
            .unwrap_or(0..0);
        match file {
            Some(file) => diagnostic(file, span, message, help),
            None => RuleError::Invalid(invalid(&rule.source, Vec::new())),
        }
    };
    let mut ordered: Vec<Rule> = Vec::with_capacity(set.rules.len());
    let mut pending: Vec<Rule> = std::mem::take(&mut set.rules);
    while !pending.is_empty() {
        let ready = pending.iter().position(|r| match &r.start {
            Start::AfterRule(dep) => ordered.iter().any(|o| &o.id == dep),
            Start::Fields(_) => true,
        });
        match ready {
            Some(i) => ordered.push(pending.remove(i)),
            None => {
                let waiting = pending.iter().find_map(|r| match &r.start {
                    Start::AfterRule(dep) => Some((r, dep)),
                    Start::Fields(_) => None,
                });
                let Some((rule, dep)) = waiting else { break };
                let all: Vec<&str> = ordered
                    .iter()
                    .chain(&pending)
                    .map(|r| r.id.as_str())
                    .collect();
                return Err(if all.contains(&dep.as_str()) {
                    error(
                        rule,
                        format!("`from_rule` goes round in a circle through `{dep}`"),
                        None,
                    )
                } else {
                    let help = did_you_mean(dep, all.iter().copied())
                        .map(|b| format!("did you mean `{b}`?"));
                    error(
                        rule,
                        format!(
                            "`from_rule` names `{dep}`, which is not a rule of `{}`",
                            set.name
                        ),
                        help,
                    )
                });
            }
        }
    }
    set.rules = ordered;
    Ok(())
}

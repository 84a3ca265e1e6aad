//! Validating the record patterns of a rule (`when`, `satisfied_by`, `or_before`,
//! `unless_earlier`), its `from` fields and its windows, against the fields each record kind
//! really has.

use std::sync::OnceLock;

use serde_json::Value as Json;

use super::{Checker, Step};
use crate::record::Kind;
use crate::record::parse::did_you_mean;
use crate::record::schema::record_schema;
use crate::rules::calendar::{Window, YearlyWindow};
use crate::rules::rule::{Matcher, Pattern, Relation, Satisfier, Scalar};

/// What a record field holds, as far as patterns care.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
    Text,
    Enum(Vec<String>),
    Bool,
    Int,
    Date,
    List(Box<Ty>),
    Other,
}

/// The JSON Schema of every kind, built once.
fn schema(kind: Kind) -> &'static Json {
    static SCHEMAS: [OnceLock<Json>; Kind::ALL.len()] =
        [const { OnceLock::new() }; Kind::ALL.len()];
    let index = Kind::ALL
        .iter()
        .position(|&k| k == kind)
        .expect("every kind is in ALL");
    SCHEMAS[index].get_or_init(|| record_schema(kind))
}

fn ty_of(schema: &Json) -> Ty {
    if let Some(values) = schema.get("enum").and_then(Json::as_array) {
        return Ty::Enum(
            values
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
        );
    }
    if let Some(branches) = schema.get("oneOf").and_then(Json::as_array) {
        let consts: Option<Vec<String>> = branches
            .iter()
            .map(|b| b.get("const").and_then(Json::as_str).map(String::from))
            .collect();
        if let Some(consts) = consts {
            return Ty::Enum(consts);
        }
    }
    match schema.get("type").and_then(Json::as_str) {
        Some("boolean") => Ty::Bool,
        Some("integer") => Ty::Int,
        Some("string") if schema.get("format").and_then(Json::as_str) == Some("date") => Ty::Date,
        Some("string") => Ty::Text,
        Some("array") => Ty::List(Box::new(schema.get("items").map_or(Ty::Other, ty_of))),
        _ => Ty::Other,
    }
}

/// The fields of `kind` and what they hold.
fn fields(kind: Kind) -> Vec<(&'static str, Ty)> {
    schema(kind)["properties"]
        .as_object()
        .map(|props| props.iter().map(|(k, v)| (k.as_str(), ty_of(v))).collect())
        .unwrap_or_default()
}

fn join<'a>(base: &[Step<'a>], more: &[Step<'a>]) -> Vec<Step<'a>> {
    base.iter().chain(more).copied().collect()
}

/// A record pattern from a table such as `{ kind = "request", type = "records" }`. Without a
/// `kind` key, `default_kind` is used (a `self` satisfier matches the trigger's kind); keys in
/// `skip` belong to the caller (`relation`).
pub(super) fn matcher(
    checker: &mut Checker<'_>,
    table: &toml::Table,
    path: &[Step<'_>],
    default_kind: Option<Kind>,
    satisfier: bool,
) -> Option<Matcher> {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let kind = match table.get("kind") {
        Some(toml::Value::String(name)) => match name.parse::<Kind>() {
            Ok(kind) => Some(kind),
            Err(_) => {
                let help = did_you_mean(name, kinds.iter().copied())
                    .map_or(format!("kinds: {}", kinds.join(", ")), |b| {
                        format!("did you mean `{b}`?")
                    });
                checker.at(
                    &join(path, &[Step::Key("kind")]),
                    format!("unknown kind `{name}`"),
                    Some(help),
                );
                return None;
            }
        },
        Some(_) => {
            checker.at(
                &join(path, &[Step::Key("kind")]),
                "`kind` must be a string",
                None,
            );
            return None;
        }
        None if default_kind.is_some() => default_kind,
        None => {
            checker.at(
                path,
                "this pattern needs a `kind`",
                Some("e.g. { kind = \"request\", type = \"records\" }".into()),
            );
            return None;
        }
    };
    let known = kind.map(fields).unwrap_or_default();
    let mut out = Matcher {
        kind,
        fields: Vec::new(),
    };
    let before = checker.problems.len();
    for (key, value) in table {
        match key.as_str() {
            "kind" => {}
            "relation" if satisfier => {}
            "extra" => match value {
                toml::Value::Table(extra) => {
                    for (name, value) in extra {
                        let at = join(path, &[Step::Key("extra"), Step::Key(name)]);
                        let field = format!("extra.{name}");
                        if let Some(pattern) = pattern(checker, &field, value, &Ty::Other, &at) {
                            out.fields.push((field, pattern));
                        }
                    }
                }
                _ => checker.at(
                    &join(path, &[Step::Key("extra")]),
                    "`extra` holds a table of your own fields, e.g. extra = { school_year = \"2026-27\" }",
                    None,
                ),
            },
            name => {
                let at = join(path, &[Step::Key(name)]);
                let Some((_, ty)) = known.iter().find(|(f, _)| *f == name) else {
                    let mut names: Vec<&str> = known.iter().map(|(f, _)| *f).collect();
                    if satisfier {
                        names.push("relation");
                    }
                    let help = did_you_mean(name, names.iter().copied())
                        .map(|b| format!("did you mean `{b}`?"))
                        .or_else(|| kind.map(|k| format!("fields of a {k}: {}", names.join(", "))));
                    let of = kind.map_or(String::new(), |k| format!(" of a {k} record"));
                    checker.at_key(&at, format!("unknown field `{name}`{of}"), help);
                    continue;
                };
                if let Some(pattern) = pattern(checker, name, value, ty, &at) {
                    out.fields.push((name.to_owned(), pattern));
                }
            }
        }
    }
    (checker.problems.len() == before).then_some(out)
}

/// The pattern `value` gives for a field of type `ty`.
fn pattern(
    checker: &mut Checker<'_>,
    field: &str,
    value: &toml::Value,
    ty: &Ty,
    at: &[Step<'_>],
) -> Option<Pattern> {
    let element = match ty {
        Ty::List(inner) => inner.as_ref(),
        other => other,
    };
    let scalar = |v: &toml::Value| match v {
        toml::Value::String(s) => Some(Scalar::Text(s.clone())),
        toml::Value::Boolean(b) => Some(Scalar::Bool(*b)),
        toml::Value::Integer(i) => Some(Scalar::Int(*i)),
        _ => None,
    };
    let values: Vec<Scalar> = match value {
        toml::Value::Table(bounds) => {
            let bound = |name: &str| bounds.get(name).and_then(toml::Value::as_integer);
            let only_bounds = bounds.keys().all(|k| k == "min" || k == "max")
                && bounds.values().all(|v| v.as_integer().is_some());
            if !only_bounds || !matches!(element, Ty::Int | Ty::Other) {
                checker.at(
                    at,
                    format!(
                        "`{field}`: a table here must be a number range such as {{ min = 11 }}"
                    ),
                    None,
                );
                return None;
            }
            return Some(Pattern::Range {
                min: bound("min"),
                max: bound("max"),
            });
        }
        toml::Value::Array(items) => match items.iter().map(scalar).collect::<Option<Vec<_>>>() {
            Some(values) if !values.is_empty() => values,
            _ => {
                checker.at(
                    at,
                    format!("`{field}`: list the values to match, e.g. [\"a\", \"b\"]"),
                    None,
                );
                return None;
            }
        },
        other => match scalar(other) {
            Some(v) => vec![v],
            None => {
                checker.at(
                    at,
                    format!("`{field}` cannot be matched against this value"),
                    None,
                );
                return None;
            }
        },
    };
    for v in &values {
        let problem = match (element, v) {
            (Ty::Enum(allowed), Scalar::Text(s)) if !allowed.contains(s) => {
                let list = allowed.join(", ");
                let help = did_you_mean(s, allowed.iter().map(String::as_str))
                    .map_or(format!("valid values: {list}"), |b| {
                        format!("did you mean `{b}`? valid values: {list}")
                    });
                Some((format!("`{s}` is not a valid `{field}`"), Some(help)))
            }
            (Ty::Enum(_) | Ty::Text, Scalar::Text(_)) | (Ty::Bool, Scalar::Bool(_)) => None,
            (Ty::Int, Scalar::Int(_)) | (Ty::Other, _) => None,
            (Ty::Date, _) => Some((
                format!("`{field}` is a date: match dates with `from`, not `when`"),
                None,
            )),
            (Ty::Bool, _) => Some((format!("`{field}` is true or false"), None)),
            (Ty::Int, _) => Some((format!("`{field}` is a number"), None)),
            _ => Some((format!("`{field}` holds text"), None)),
        };
        if let Some((message, help)) = problem {
            checker.at(at, message, help);
            return None;
        }
    }
    Some(Pattern::AnyOf(values))
}

/// A list of patterns (`or_before`, `unless_earlier`).
pub(super) fn matchers(
    checker: &mut Checker<'_>,
    tables: Option<&[toml::Table]>,
    path: &[Step<'_>],
    satisfier: bool,
) -> Vec<Matcher> {
    tables
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(j, t)| matcher(checker, t, &join(path, &[Step::Index(j)]), None, satisfier))
        .collect()
}

/// `unless_earlier` and `if_earlier`: patterns, each with an optional `relation` to the
/// trigger (`same_matter` for a notice on the subject of a complaint); without one, any
/// earlier record matching the pattern counts.
pub(super) fn earlier(
    checker: &mut Checker<'_>,
    tables: Option<&[toml::Table]>,
    path: &[Step<'_>],
) -> Vec<Satisfier> {
    let mut out = Vec::new();
    for (j, table) in tables.unwrap_or_default().iter().enumerate() {
        let at = join(path, &[Step::Index(j)]);
        let relation = match table.get("relation") {
            None => Relation::Before,
            Some(toml::Value::String(name)) => match name.parse::<Relation>() {
                Ok(r) if r != Relation::SelfRecord => r,
                _ => {
                    let relations: Vec<&str> = Relation::ALL.iter().map(|r| r.as_str()).collect();
                    checker.at(
                        &join(&at, &[Step::Key("relation")]),
                        format!("`{name}` is not a relation an earlier record can have"),
                        Some(format!("relations: {}", relations.join(", "))),
                    );
                    continue;
                }
            },
            Some(_) => {
                checker.at(
                    &join(&at, &[Step::Key("relation")]),
                    "`relation` must be a string",
                    None,
                );
                continue;
            }
        };
        if let Some(matcher) = matcher(checker, table, &at, None, true) {
            out.push(Satisfier {
                matcher,
                relation,
                since: None,
            });
        }
    }
    out
}

/// `satisfied_by`: patterns with a `relation` to the trigger.
pub(super) fn satisfiers(
    checker: &mut Checker<'_>,
    tables: Option<&[toml::Table]>,
    path: &[Step<'_>],
    trigger_kind: Option<Kind>,
) -> Vec<Satisfier> {
    let relations: Vec<&str> = Relation::ALL.iter().map(|r| r.as_str()).collect();
    let mut out = Vec::new();
    for (j, table) in tables.unwrap_or_default().iter().enumerate() {
        let at = join(path, &[Step::Index(j)]);
        let relation = match table.get("relation") {
            Some(toml::Value::String(name)) => match name.parse::<Relation>() {
                Ok(r) => r,
                Err(_) => {
                    let list = relations.join(", ");
                    let help = did_you_mean(name, relations.iter().copied())
                        .map_or(format!("relations: {list}"), |b| {
                            format!("did you mean `{b}`? relations: {list}")
                        });
                    checker.at(
                        &join(&at, &[Step::Key("relation")]),
                        format!("unknown relation `{name}`"),
                        Some(help),
                    );
                    continue;
                }
            },
            _ => {
                checker.at(
                    &at,
                    "`satisfied_by` needs a `relation`",
                    Some(format!("one of: {}", relations.join(", "))),
                );
                continue;
            }
        };
        let default_kind = (relation == Relation::SelfRecord)
            .then_some(trigger_kind)
            .flatten();
        if let Some(matcher) = matcher(checker, table, &at, default_kind, true) {
            out.push(Satisfier {
                matcher,
                relation,
                since: None,
            });
        }
    }
    out
}

/// Whether `field` holds a number in records of `kind` (any `extra.<name>` may).
pub(super) fn is_number_field(kind: Option<Kind>, field: &str) -> bool {
    if field.starts_with("extra.") && field.len() > "extra.".len() {
        return true;
    }
    kind.is_some_and(|k| {
        fields(k)
            .iter()
            .any(|(name, ty)| *name == field && *ty == Ty::Int)
    })
}

/// `from`: one date field or a list of them, the first present is used.
pub(super) fn from_fields(
    checker: &mut Checker<'_>,
    value: &toml::Value,
    path: &[Step<'_>],
    kind: Option<Kind>,
) -> Vec<String> {
    let names: Vec<String> = match value {
        toml::Value::String(s) => vec![s.clone()],
        toml::Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        checker.at(
            path,
            "`from` names a date field of the trigger, or a list of them",
            Some("e.g. from = \"received\" or from = [\"received\", \"date\"]".into()),
        );
        return names;
    }
    let Some(kind) = kind else { return names };
    let dates: Vec<&str> = fields(kind)
        .into_iter()
        .filter(|(_, ty)| *ty == Ty::Date)
        .map(|(f, _)| f)
        .collect();
    for name in &names {
        if !(dates.contains(&name.as_str()) || name.starts_with("extra.")) {
            let help = did_you_mean(name, dates.iter().copied()).map_or(
                format!(
                    "date fields of {} {kind}: {}",
                    crate::record::article(kind.as_str()),
                    dates.join(", ")
                ),
                |b| format!("did you mean `{b}`?"),
            );
            checker.at(
                path,
                format!(
                    "`{name}` is not a date field of {} {kind} record",
                    crate::record::article(kind.as_str())
                ),
                Some(help),
            );
        }
    }
    names
}

/// `exclude` and `defer_out_of`: `"summer"` or `{ from = "MM-DD", to = "MM-DD" }`.
pub(super) fn windows(
    checker: &mut Checker<'_>,
    values: &[toml::Value],
    path: &[Step<'_>],
) -> Vec<Window> {
    let mut out = Vec::new();
    for (j, value) in values.iter().enumerate() {
        let at = join(path, &[Step::Index(j)]);
        match value {
            toml::Value::String(s) if s == "summer" => out.push(Window::Summer),
            toml::Value::Table(t) if t.len() == 2 => {
                let md = |k: &str| t.get(k).and_then(toml::Value::as_str).map(str::parse);
                match (md("from"), md("to")) {
                    (Some(Ok(from)), Some(Ok(to))) => {
                        out.push(Window::Yearly(YearlyWindow { from, to }))
                    }
                    (Some(Err(e)), _) | (_, Some(Err(e))) => checker.at(&at, e, None),
                    _ => checker.at(
                        &at,
                        "a window is { from = \"MM-DD\", to = \"MM-DD\" }",
                        None,
                    ),
                }
            }
            _ => checker.at(
                &at,
                "a window is \"summer\" or { from = \"MM-DD\", to = \"MM-DD\" }",
                Some("e.g. exclude = [\"summer\", { from = \"12-20\", to = \"01-02\" }]".into()),
            ),
        }
    }
    out
}

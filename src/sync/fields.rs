//! Three-way merge of one record's TOML, field by field.
//!
//! A field changed on one side only takes that side's value; changed on both sides to the same
//! value, it is kept; changed differently, it is a conflict, except for lists and tables that
//! merge inside: lists of tables by their identifying key (goals by `key`, services by
//! `name`, attachments by `sha256`, …), lists of strings as sets, tables (`[extra]`) key by
//! key. The merged record keeps our text's layout and comments, with only the changed fields
//! replaced.

use toml::Value;

/// The outcome of merging one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldMerge {
    /// Both sides' changes fit together: the merged text.
    Clean(String),
    /// A field was changed differently on each side. `partial` is ours with their changes to
    /// the other fields taken in.
    Conflict {
        fields: Vec<String>,
        partial: Option<String>,
    },
}

/// Merges `theirs` into `ours`, relative to `base` (absent when unknown: then any field that
/// differs is a conflict).
pub fn merge_texts(base: Option<&str>, ours: &str, theirs: &str) -> FieldMerge {
    let parse = |text: &str| toml::from_str::<toml::Table>(text).ok();
    let (Some(o), Some(t)) = (parse(ours), parse(theirs)) else {
        return FieldMerge::Conflict {
            fields: vec!["(unreadable)".into()],
            partial: None,
        };
    };
    let b = base.and_then(parse).unwrap_or_default();
    let mut conflicts = Vec::new();
    let merged = merge_table(Some(&b), &o, &t, "", &mut conflicts);
    let text = apply(ours, theirs, &o, &merged);
    if !conflicts.is_empty() {
        return FieldMerge::Conflict {
            fields: conflicts,
            partial: Some(text),
        };
    }
    FieldMerge::Clean(text)
}

fn merge_table(
    base: Option<&toml::Table>,
    ours: &toml::Table,
    theirs: &toml::Table,
    prefix: &str,
    conflicts: &mut Vec<String>,
) -> toml::Table {
    let mut keys: Vec<&String> = ours.keys().collect();
    keys.extend(theirs.keys().filter(|k| !ours.contains_key(*k)));
    keys.extend(
        base.into_iter()
            .flat_map(|b| b.keys())
            .filter(|k| !ours.contains_key(*k) && !theirs.contains_key(*k)),
    );
    let mut out = toml::Table::new();
    for key in keys {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let b = base.and_then(|b| b.get(key));
        if let Some(v) = merge_value(b, ours.get(key), theirs.get(key), &name, conflicts) {
            out.insert(key.clone(), v);
        }
    }
    out
}

fn merge_value(
    b: Option<&Value>,
    o: Option<&Value>,
    t: Option<&Value>,
    name: &str,
    conflicts: &mut Vec<String>,
) -> Option<Value> {
    if o == t {
        return o.cloned();
    }
    if o == b {
        return t.cloned();
    }
    if t == b {
        return o.cloned();
    }
    match (o, t) {
        (Some(Value::Table(x)), Some(Value::Table(y))) => {
            let base = b.and_then(Value::as_table);
            Some(Value::Table(merge_table(base, x, y, name, conflicts)))
        }
        (Some(Value::Array(x)), Some(Value::Array(y))) => {
            let base = b
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            match merge_arrays(base, x, y, name, conflicts) {
                Some(merged) => Some(Value::Array(merged)),
                None => {
                    conflicts.push(name.to_owned());
                    o.cloned()
                }
            }
        }
        _ => {
            conflicts.push(name.to_owned());
            o.cloned()
        }
    }
}

/// The field that identifies an item of a list of tables, if the items have one.
fn identity(item: &Value) -> Option<String> {
    let t = item.as_table()?;
    ["key", "name", "sha256", "goal", "text"]
        .iter()
        .find_map(|k| {
            t.get(*k)
                .and_then(Value::as_str)
                .map(|v| format!("{k}={v}"))
        })
}

/// Merges lists: of tables by identity, of plain values as sets. `None` when they cannot be
/// merged (tables without identities changed on both sides).
fn merge_arrays(
    base: &[Value],
    ours: &[Value],
    theirs: &[Value],
    name: &str,
    conflicts: &mut Vec<String>,
) -> Option<Vec<Value>> {
    let all_tables = ours.iter().chain(theirs).chain(base).all(Value::is_table);
    if !all_tables {
        // Sets: ours, plus what they added, minus what they removed.
        let mut out: Vec<Value> = ours
            .iter()
            .filter(|v| !base.contains(v) || theirs.contains(v))
            .cloned()
            .collect();
        for v in theirs {
            if !base.contains(v) && !out.contains(v) {
                out.push(v.clone());
            }
        }
        return Some(out);
    }
    let ids = |items: &[Value]| -> Option<Vec<String>> { items.iter().map(identity).collect() };
    let (ob, oo, ot) = (ids(base)?, ids(ours)?, ids(theirs)?);
    let find = |list: &[Value], ids: &[String], id: &str| {
        ids.iter().position(|x| x == id).map(|i| list[i].clone())
    };
    let mut out = Vec::new();
    let mut order: Vec<&String> = oo.iter().collect();
    order.extend(ot.iter().filter(|id| !oo.contains(id)));
    for id in order {
        let (b, o, t) = (
            find(base, &ob, id),
            find(ours, &oo, id),
            find(theirs, &ot, id),
        );
        let item_name = format!("{name}[{id}]");
        if let Some(v) = merge_value(b.as_ref(), o.as_ref(), t.as_ref(), &item_name, conflicts) {
            out.push(v);
        }
    }
    Some(out)
}

/// Our text with the fields whose merged value differs from ours replaced: by their item as
/// they wrote it when the merged value is theirs, else by the merged value.
fn apply(ours_text: &str, theirs_text: &str, ours: &toml::Table, merged: &toml::Table) -> String {
    let Ok(mut doc) = ours_text.parse::<toml_edit::DocumentMut>() else {
        return ours_text.to_owned();
    };
    let their_doc = theirs_text.parse::<toml_edit::DocumentMut>().ok();
    let their_table: Option<toml::Table> = toml::from_str(theirs_text).ok();
    for key in ours.keys() {
        if !merged.contains_key(key) {
            doc.remove(key);
        }
    }
    for (key, value) in merged {
        if ours.get(key) == Some(value) {
            continue;
        }
        let theirs_same = their_table.as_ref().and_then(|t| t.get(key)) == Some(value);
        let item = match (&their_doc, theirs_same) {
            (Some(d), true) => d.get(key).cloned(),
            _ => None,
        };
        let item = item.or_else(|| item_of(key, value));
        match (item, doc.get_mut(key)) {
            // Replacing in place keeps the comments written above the field.
            (Some(item), Some(existing)) => *existing = item,
            (Some(item), None) => {
                doc.insert(key, item);
            }
            (None, _) => {}
        }
    }
    doc.to_string()
}

/// A TOML value as a document item, written the way the toml crate writes it.
fn item_of(key: &str, value: &Value) -> Option<toml_edit::Item> {
    let mut table = toml::Table::new();
    table.insert(key.to_owned(), value.clone());
    let text = toml::to_string(&table).ok()?;
    let doc = text.parse::<toml_edit::DocumentMut>().ok()?;
    doc.get(key).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "kind = \"iep\"\ndate = 2026-01-10\ntitle = \"IEP\"\n# kept comment\nsummary = \"s\"\n\
        accommodations = [\"A\", \"B\"]\n\n[[goals]]\nkey = \"R1\"\ntext = \"Read\"\n\n[[goals]]\nkey = \"M1\"\ntext = \"Add\"\n";

    fn clean(merge: FieldMerge) -> String {
        match merge {
            FieldMerge::Clean(text) => text,
            FieldMerge::Conflict { fields, .. } => panic!("unexpected conflict on {fields:?}"),
        }
    }

    #[test]
    fn different_fields_merge_cleanly_keeping_our_layout() {
        let ours = BASE.replace("title = \"IEP\"", "title = \"IEP (ours)\"");
        let theirs = BASE.replace("summary = \"s\"", "summary = \"theirs\"");
        let merged = clean(merge_texts(Some(BASE), &ours, &theirs));
        assert!(
            merged.contains("title = \"IEP (ours)\"") && merged.contains("summary = \"theirs\""),
            "{merged}"
        );
        assert!(merged.contains("# kept comment"), "{merged}");
        crate::record::parse_record(&merged, "merged").unwrap();
    }

    #[test]
    fn the_same_field_changed_differently_conflicts() {
        let ours = BASE.replace("title = \"IEP\"", "title = \"A\"");
        let theirs = BASE.replace("title = \"IEP\"", "title = \"B\"");
        let theirs = theirs.replace("summary = \"s\"", "summary = \"theirs too\"");
        let FieldMerge::Conflict { fields, partial } = merge_texts(Some(BASE), &ours, &theirs)
        else {
            panic!()
        };
        assert_eq!(fields, ["title"]);
        // Ours for the conflicting field, theirs for the one only they changed.
        let partial = partial.unwrap();
        assert!(
            partial.contains("title = \"A\"") && partial.contains("theirs too"),
            "{partial}"
        );
        let same = BASE.replace("title = \"IEP\"", "title = \"Same\"");
        assert!(matches!(
            merge_texts(Some(BASE), &same, &same),
            FieldMerge::Clean(_)
        ));
    }

    #[test]
    fn goals_merge_by_key_and_sets_by_item() {
        let ours = BASE
            .replace("text = \"Read\"", "text = \"Read more\"")
            .replace("[\"A\", \"B\"]", "[\"A\", \"B\", \"C\"]");
        let theirs = BASE
            .replace("text = \"Add\"", "text = \"Add fractions\"")
            .replace("[\"A\", \"B\"]", "[\"B\", \"D\"]");
        let merged = clean(merge_texts(Some(BASE), &ours, &theirs));
        let record = crate::record::parse_record(&merged, "merged").unwrap();
        let crate::record::Body::Iep(iep) = record.body else {
            panic!()
        };
        let texts: Vec<&str> = iep.goals.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(texts, ["Read more", "Add fractions"]);
        assert_eq!(iep.accommodations, ["B", "C", "D"]);
        // Both sides editing the same goal's text conflicts on that goal.
        let theirs = BASE.replace("text = \"Read\"", "text = \"Read less\"");
        let FieldMerge::Conflict { fields, .. } = merge_texts(Some(BASE), &ours, &theirs) else {
            panic!()
        };
        assert_eq!(fields, ["goals[key=R1].text"]);
    }

    #[test]
    fn additions_on_both_sides_without_a_base() {
        let ours = "kind = \"note\"\ndate = 2026-01-01\ntitle = \"x\"\n";
        let theirs = "kind = \"note\"\ndate = 2026-01-01\ntitle = \"y\"\n";
        assert!(matches!(
            merge_texts(None, ours, theirs),
            FieldMerge::Conflict { .. }
        ));
        assert_eq!(clean(merge_texts(None, ours, ours)), ours);
    }
}

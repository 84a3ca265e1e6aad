//! Field-by-field diffs of record tables: scalars compared, lists of strings as sets, lists
//! of tables item by item, nested tables (such as `[extra]`) by dotted field names.

use toml::Value;

use super::words::{is_prose, word_diff};
use super::{Change, Op, json_of, normalize};

/// The section plain fields are reported under.
pub const FIELDS: &str = "fields";

/// The changes between two record tables.
pub fn diff_tables(old: &toml::Table, new: &toml::Table) -> Vec<Change> {
    let mut out = Vec::new();
    diff_table_into(old, new, "", &mut out);
    out
}

fn diff_table_into(old: &toml::Table, new: &toml::Table, prefix: &str, out: &mut Vec<Change>) {
    let mut keys: Vec<&String> = old.keys().collect();
    keys.extend(new.keys().filter(|k| !old.contains_key(*k)));
    for key in keys {
        let name = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match (old.get(key), new.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(Value::Table(a)), Some(Value::Table(b))) => diff_table_into(a, b, &name, out),
            (Some(Value::Array(a)), Some(Value::Array(b))) => diff_arrays(&name, a, b, out),
            (Some(a), Some(b)) => out.push(changed(FIELDS, None, &name, a, b)),
            (Some(a), None) => out.push(
                Change::new(FIELDS, Op::Removed)
                    .field(&name)
                    .values(Some(json_of(a)), None),
            ),
            (None, Some(b)) => out.push(
                Change::new(FIELDS, Op::Added)
                    .field(&name)
                    .values(None, Some(json_of(b))),
            ),
            (None, None) => {}
        }
    }
}

/// A changed value, with a word diff when both sides are prose.
pub fn changed(section: &str, item: Option<&str>, field: &str, a: &Value, b: &Value) -> Change {
    let mut change = Change::new(section, Op::Changed)
        .field(field)
        .values(Some(json_of(a)), Some(json_of(b)));
    if let Some(item) = item {
        change = change.item(item);
    }
    if let (Value::String(x), Value::String(y)) = (a, b)
        && (is_prose(x) || is_prose(y))
        && super::words::worth_word_diff(x, y)
    {
        change.words = Some(word_diff(x, y));
    }
    change
}

fn diff_arrays(name: &str, old: &[Value], new: &[Value], out: &mut Vec<Change>) {
    let tables = old.iter().chain(new).all(Value::is_table);
    if tables && !(old.is_empty() && new.is_empty()) {
        diff_table_lists(name, old, new, out);
        return;
    }
    // Lists of plain values compare as sets: reordering is not a change.
    let label = |v: &Value| match v {
        Value::String(s) => normalize(s),
        other => other.to_string(),
    };
    let old_keys: Vec<String> = old.iter().map(label).collect();
    let new_keys: Vec<String> = new.iter().map(label).collect();
    // A value written twice (perhaps differing in case or spacing) is one item of the set.
    let first = |keys: &[String], i: usize| !keys[..i].contains(&keys[i]);
    for (i, (value, key)) in old.iter().zip(&old_keys).enumerate() {
        if !new_keys.contains(key) && first(&old_keys, i) {
            out.push(
                Change::new(name, Op::Removed)
                    .item(display(value))
                    .values(Some(json_of(value)), None),
            );
        }
    }
    for (i, (value, key)) in new.iter().zip(&new_keys).enumerate() {
        if !old_keys.contains(key) && first(&new_keys, i) {
            out.push(
                Change::new(name, Op::Added)
                    .item(display(value))
                    .values(None, Some(json_of(value))),
            );
        }
    }
}

/// Lists of tables (issues, orders, attachments): items with the same identifying field
/// (`goal`, `sha256`, `name` or `text`) are matched first, the rest pair up in order.
fn diff_table_lists(name: &str, old: &[Value], new: &[Value], out: &mut Vec<Change>) {
    let id_of = |v: &Value| -> Option<String> {
        let t = v.as_table()?;
        ["goal", "sha256", "name", "text"]
            .iter()
            .find_map(|k| t.get(*k).and_then(Value::as_str))
            .map(normalize)
    };
    let mut partner: Vec<Option<usize>> = vec![None; old.len()];
    let mut taken = vec![false; new.len()];
    for (i, a) in old.iter().enumerate() {
        if let Some(id) = id_of(a)
            && let Some(j) = (0..new.len())
                .find(|&j| !taken[j] && id_of(&new[j]).as_deref() == Some(id.as_str()))
        {
            partner[i] = Some(j);
            taken[j] = true;
        }
    }
    let mut free_new = (0..new.len())
        .filter(|&j| !taken[j])
        .collect::<Vec<_>>()
        .into_iter();
    for slot in partner.iter_mut().filter(|p| p.is_none()) {
        *slot = free_new.next();
        if let Some(j) = *slot {
            taken[j] = true;
        }
    }
    for (i, a) in old.iter().enumerate() {
        let label = item_label(a, i);
        match partner[i] {
            Some(j) => {
                let (Some(x), Some(y)) = (a.as_table(), new[j].as_table()) else {
                    continue;
                };
                let mut inner = Vec::new();
                diff_table_into(x, y, "", &mut inner);
                for mut change in inner {
                    change.section = name.to_owned();
                    change.item = Some(label.clone());
                    out.push(change);
                }
            }
            None => out.push(
                Change::new(name, Op::Removed)
                    .item(label)
                    .values(Some(json_of(a)), None),
            ),
        }
    }
    for (j, b) in new.iter().enumerate() {
        if !taken[j] {
            out.push(
                Change::new(name, Op::Added)
                    .item(item_label(b, j))
                    .values(None, Some(json_of(b))),
            );
        }
    }
}

fn item_label(value: &Value, index: usize) -> String {
    value
        .as_table()
        .and_then(|t| {
            ["goal", "key", "name", "text"]
                .iter()
                .find_map(|k| t.get(*k).and_then(Value::as_str))
        })
        .map(short)
        .unwrap_or_else(|| format!("#{}", index + 1))
}

/// A value as one short line, for item labels.
pub fn display(value: &Value) -> String {
    match value {
        Value::String(s) => short(s),
        other => other.to_string(),
    }
}

/// The first line of a text, cut to 60 characters.
pub fn short(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(59).collect::<String>())
    } else {
        line.to_owned()
    }
}

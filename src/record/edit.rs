//! Changes to record text that keep its layout and comments: `--set` and `--unset` of dotted
//! paths, new documents built from flags, and attachment metadata appended by `attach`.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

use super::schema::Shape;
use super::{Attachment, Date, Kind};

/// A `--set`/`--unset` that cannot be applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error("`{0}` is not a field path: use names joined by dots, such as extra.school_year")]
    BadPath(String),
    #[error("`{path}`: there is no item {index} (the list has {len})")]
    NoSuchItem {
        path: String,
        index: usize,
        len: usize,
    },
    #[error("`{path}` is not a table, so `{field}` cannot be set inside it")]
    NotATable { path: String, field: String },
    #[error("`{0}`: items are numbered from 1, so the first one is [1]")]
    ZeroIndex(String),
    #[error("expected FIELD=VALUE, found `{0}`")]
    NoEquals(String),
    #[error("the document is not valid TOML: {0}")]
    Syntax(String),
}

/// One step of a dotted path: a key, or a 1-based index into an array of tables.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Index(usize),
}

fn parse_path(path: &str) -> Result<Vec<Step>, EditError> {
    let bad = || EditError::BadPath(path.to_owned());
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if let Ok(n) = key.parse::<usize>() {
            steps.push(Step::Index(n));
        } else if !key.is_empty()
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            steps.push(Step::Key(key.to_owned()));
        } else {
            return Err(bad());
        }
        let mut rest = indexes;
        while let Some(inner) = rest.strip_prefix('[') {
            let close = inner.find(']').ok_or_else(bad)?;
            steps.push(Step::Index(inner[..close].parse().map_err(|_| bad())?));
            rest = &inner[close + 1..];
        }
        if !rest.is_empty() {
            return Err(bad());
        }
    }
    if matches!(steps.first(), Some(Step::Index(_)) | None) {
        return Err(bad());
    }
    if steps.contains(&Step::Index(0)) {
        return Err(EditError::ZeroIndex(path.to_owned()));
    }
    Ok(steps)
}

/// Splits `FIELD=VALUE`.
pub fn split_assignment(arg: &str) -> Result<(&str, &str), EditError> {
    arg.split_once('=')
        .map(|(k, v)| (k.trim(), v))
        .ok_or_else(|| EditError::NoEquals(arg.to_owned()))
}

/// The shape a path leads to, for reading a bare `VALUE` the way the field expects.
fn shape_at<'a>(shape: &'a Shape, steps: &[Step]) -> &'a Shape {
    let mut current = shape;
    for step in steps {
        current = match (current, step) {
            (Shape::Table { fields, .. }, Step::Key(k)) => match fields.get(k) {
                Some(s) => s,
                None => return &Shape::Any,
            },
            (Shape::Array(item), Step::Index(_)) => item,
            _ => return &Shape::Any,
        };
    }
    current
}

/// Reads a command-line value: TOML syntax where the field is not text, else the bare text.
fn parse_value(raw: &str, shape: &Shape) -> Value {
    let toml_value = raw.trim().parse::<Value>().ok();
    match shape {
        Shape::Text | Shape::Enum(_) => match toml_value {
            Some(v @ Value::String(_)) => v,
            _ => Value::from(raw),
        },
        Shape::Array(item) if matches!(**item, Shape::Text | Shape::Enum(_)) => match toml_value {
            Some(v @ Value::Array(_)) => v,
            _ => Value::Array(std::iter::once(Value::from(raw)).collect()),
        },
        _ => toml_value.unwrap_or_else(|| Value::from(raw)),
    }
}

/// Sets `path` to `raw` in `text`, keeping everything else as written.
pub fn set(text: &str, path: &str, raw: &str, shape: &Shape) -> Result<String, EditError> {
    let steps = parse_path(path)?;
    let value = parse_value(raw, shape_at(shape, &steps));
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Syntax(format!("{e}")))?;
    let (last, parents) = steps.split_last().expect("paths have at least one step");
    let Step::Key(key) = last else {
        return Err(EditError::BadPath(path.to_owned()));
    };
    let table = parent_table(doc.as_table_mut(), parents, path, true)?
        .expect("parent tables are created on demand");
    table.insert(key, Item::Value(value));
    Ok(doc.to_string())
}

/// Removes `path` from `text`; removing what is not there is not an error.
pub fn unset(text: &str, path: &str) -> Result<String, EditError> {
    let steps = parse_path(path)?;
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Syntax(format!("{e}")))?;
    let (last, parents) = steps.split_last().expect("paths have at least one step");
    let Step::Key(key) = last else {
        return Err(EditError::BadPath(path.to_owned()));
    };
    if let Some(table) = parent_table(doc.as_table_mut(), parents, path, false)? {
        table.remove(key);
    }
    Ok(doc.to_string())
}

/// Walks `steps` down from `root`: keys name tables (created when `create`), and a key
/// followed by an index names an item of an array of tables.
fn parent_table<'a>(
    root: &'a mut dyn toml_edit::TableLike,
    steps: &[Step],
    path: &str,
    create: bool,
) -> Result<Option<&'a mut dyn toml_edit::TableLike>, EditError> {
    let mut table = root;
    let mut walked = String::new();
    let mut i = 0;
    while i < steps.len() {
        let Step::Key(key) = &steps[i] else {
            return Err(EditError::BadPath(path.to_owned()));
        };
        let here = if walked.is_empty() {
            key.clone()
        } else {
            format!("{walked}.{key}")
        };
        if let Some(Step::Index(n)) = steps.get(i + 1) {
            let Some(item) = table.get_mut(key) else {
                return if create {
                    Err(EditError::NoSuchItem {
                        path: here,
                        index: *n,
                        len: 0,
                    })
                } else {
                    Ok(None)
                };
            };
            let len = item_len(item);
            let entry: Option<&mut dyn toml_edit::TableLike> = match item {
                Item::ArrayOfTables(list) => list
                    .get_mut(n - 1)
                    .map(|t| t as &mut dyn toml_edit::TableLike),
                Item::Value(Value::Array(list)) => match list.get_mut(n - 1) {
                    Some(Value::InlineTable(t)) => Some(t as &mut dyn toml_edit::TableLike),
                    _ => None,
                },
                _ => None,
            };
            table = match entry {
                Some(t) => t,
                None if !create => return Ok(None),
                None => {
                    return Err(EditError::NoSuchItem {
                        path: here,
                        index: *n,
                        len,
                    });
                }
            };
            walked = format!("{here}[{n}]");
            i += 2;
        } else {
            if !create && table.get(key).is_none() {
                return Ok(None);
            }
            let item = table.entry(key).or_insert_with(|| {
                let mut t = Table::new();
                t.set_implicit(true);
                Item::Table(t)
            });
            table = item
                .as_table_like_mut()
                .ok_or_else(|| EditError::NotATable {
                    path: here.clone(),
                    field: key.clone(),
                })?;
            walked = here;
            i += 1;
        }
    }
    Ok(Some(table))
}

fn item_len(item: &Item) -> usize {
    match item {
        Item::ArrayOfTables(list) => list.len(),
        Item::Value(Value::Array(list)) => list.len(),
        _ => 0,
    }
}

/// A new record document with the required common fields.
pub fn new_document(kind: Kind, date: Date, title: &str) -> String {
    let mut doc = DocumentMut::new();
    doc.insert("kind", toml_edit::value(kind.as_str()));
    doc.insert("date", toml_edit::value(date_value(date)));
    doc.insert("title", toml_edit::value(title));
    doc.to_string()
}

fn date_value(date: Date) -> toml_edit::Datetime {
    date.to_string().parse().expect("dates print as TOML dates")
}

/// Removes the `[[attachments]]` entry at `index` (0-based) from `text`; the key goes too
/// when it was the last one.
pub fn remove_attachment(text: &str, index: usize) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Syntax(format!("{e}")))?;
    let Some(list) = doc
        .get_mut("attachments")
        .and_then(Item::as_array_of_tables_mut)
    else {
        return Err(EditError::NoSuchItem {
            path: "attachments".into(),
            index: index + 1,
            len: 0,
        });
    };
    if index >= list.len() {
        return Err(EditError::NoSuchItem {
            path: "attachments".into(),
            index: index + 1,
            len: list.len(),
        });
    }
    list.remove(index);
    if list.is_empty() {
        doc.remove("attachments");
    }
    Ok(doc.to_string())
}

/// Appends `[[attachments]]` entries to `text`.
pub fn append_attachments(text: &str, attachments: &[Attachment]) -> Result<String, EditError> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| EditError::Syntax(format!("{e}")))?;
    let entry = doc
        .entry("attachments")
        .or_insert_with(|| Item::ArrayOfTables(ArrayOfTables::new()));
    let Some(list) = entry.as_array_of_tables_mut() else {
        return Err(EditError::NotATable {
            path: "attachments".into(),
            field: "attachments".into(),
        });
    };
    for a in attachments {
        let mut table = Table::new();
        table.insert("name", toml_edit::value(&a.name));
        if let Some(media_type) = &a.media_type {
            table.insert("media_type", toml_edit::value(media_type));
        }
        if let Some(size) = a.size {
            table.insert(
                "size",
                toml_edit::value(i64::try_from(size).unwrap_or(i64::MAX)),
            );
        }
        table.insert("sha256", toml_edit::value(&a.sha256));
        if let Some(blob) = &a.blob {
            table.insert("blob", toml_edit::value(blob));
        }
        list.push(table);
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::schema::record_shape;

    const IEP: &str = "# my notes stay\nkind = \"iep\"\ndate = 2026-01-15\ntitle = \"IEP\"\n\n\
                       [[goals]]\nkey = \"R1\"\ntext = \"Read\"\n";

    fn set_iep(path: &str, raw: &str) -> Result<String, EditError> {
        set(IEP, path, raw, record_shape(Kind::Iep))
    }

    #[test]
    fn set_keeps_comments_and_reads_values_by_field_type() {
        let out = set_iep("title", "2026-01-15").unwrap();
        assert!(out.starts_with("# my notes stay\n"), "{out}");
        assert!(
            out.contains("title = \"2026-01-15\""),
            "text fields stay text: {out}"
        );
        let out = set_iep("lre_percent", "80").unwrap();
        assert!(out.contains("lre_percent = 80"), "{out}");
        let out = set_iep("start", "2026-02-01").unwrap();
        assert!(out.contains("start = 2026-02-01"), "{out}");
        let out = set_iep("accommodations", "Extended time").unwrap();
        assert!(
            out.contains("accommodations = [\"Extended time\"]"),
            "{out}"
        );
        let out = set_iep("tags", "[\"a\", \"b\"]").unwrap();
        assert!(out.contains("tags = [\"a\", \"b\"]"), "{out}");
    }

    #[test]
    fn set_reaches_nested_tables_and_list_items() {
        let out = set_iep("extra.school_year", "2026-27").unwrap();
        assert!(out.contains("[extra]\nschool_year = \"2026-27\""), "{out}");
        let out = set_iep("goals[1].text", "Read 90 wpm").unwrap();
        assert!(out.contains("text = \"Read 90 wpm\""), "{out}");
        let out = set_iep("goals.1.area", "Reading").unwrap();
        assert!(out.contains("area = \"Reading\""), "{out}");
        assert_eq!(
            set_iep("goals[3].text", "x"),
            Err(EditError::NoSuchItem {
                path: "goals".into(),
                index: 3,
                len: 1
            })
        );
        assert_eq!(
            set_iep("title.x", "y"),
            Err(EditError::NotATable {
                path: "title".into(),
                field: "title".into()
            })
        );
        assert!(matches!(set_iep("a..b", "y"), Err(EditError::BadPath(_))));
        assert_eq!(
            set_iep("goals[0].text", "y"),
            Err(EditError::ZeroIndex("goals[0].text".into()))
        );
        assert!(
            EditError::ZeroIndex("goals[0].text".into())
                .to_string()
                .contains("numbered from 1")
        );
    }

    #[test]
    fn unset_removes_and_ignores_missing() {
        let out = unset(IEP, "goals[1].key").unwrap();
        assert!(!out.contains("R1"), "{out}");
        assert_eq!(unset(IEP, "summary").unwrap(), IEP);
        assert_eq!(unset(IEP, "extra.nothing").unwrap(), IEP);
    }

    #[test]
    fn attachments_append() {
        let a = Attachment {
            name: "letter.pdf".into(),
            media_type: Some("application/pdf".into()),
            size: Some(12),
            sha256: "ab".repeat(32),
            blob: Some("cd".repeat(32)),
        };
        let out = append_attachments(IEP, &[a]).unwrap();
        let record = crate::record::parse_record(&out, "t").unwrap();
        assert_eq!(record.common.attachments[0].name, "letter.pdf");
    }
}

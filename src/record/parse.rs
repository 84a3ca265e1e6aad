//! Strict parsing of record and case-metadata TOML, with errors that point at the text.
//!
//! Every problem becomes a [`Diagnostic`] naming the line and column, showing the offending
//! line, and where possible a hint: "did you mean `title`?", the valid values of an enum, or
//! the line to add for a missing field.

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::schema::{Shape, case_shape, record_shape};
use super::{Body, CaseMeta, Common, Kind, Record};

/// One problem in a document, located in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// The text of the offending line.
    pub line_text: String,
    /// How many characters to underline from `column`.
    pub width: usize,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    /// Locates `message` at byte range `span` of `text`.
    pub fn at(text: &str, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line_text = text[line_start..line_end].trim_end_matches('\r').to_owned();
        let column = text[line_start..start].chars().count() + 1;
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let width = text[start..end].chars().count().max(1);
        Diagnostic {
            line: text[..start].matches('\n').count() + 1,
            column,
            line_text,
            width,
            message: message.into(),
            help: None,
        }
    }

    fn with_help(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    /// Renders the diagnostic as plain text, compiler style. Control characters of the text
    /// and of `origin` (a file name) are shown escaped, never sent to the terminal.
    pub fn render(&self, origin: &str) -> String {
        let origin = &escape_controls(origin);
        let line_text = escape_controls(&self.line_text);
        let gutter = self.line.to_string().len();
        let pad = " ".repeat(gutter);
        let mut out = format!(
            "{origin}:{}:{}: {}\n{pad} |\n{} | {}\n{pad} | {}{}\n",
            self.line,
            self.column,
            self.message,
            self.line,
            line_text,
            " ".repeat(self.column.saturating_sub(1)),
            "^".repeat(self.width),
        );
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

/// `text` with control characters other than tabs shown as `\u{1b}`-style escapes.
pub fn escape_controls(text: &str) -> String {
    if !text.chars().any(|c| c.is_control() && c != '\t') {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A document that does not parse or validate.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{origin} is not a valid {what}")]
    Invalid {
        origin: String,
        what: &'static str,
        diagnostics: Vec<Diagnostic>,
    },
}

impl RecordError {
    /// The problems found, in document order.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            RecordError::Invalid { diagnostics, .. } => diagnostics,
        }
    }

    /// Where the document came from (a file name or `record <id>`).
    pub fn origin(&self) -> &str {
        match self {
            RecordError::Invalid { origin, .. } => origin,
        }
    }

    /// The same problems, `lines` further down (for text shown with lines added above it).
    pub fn shifted(&self, lines: usize) -> RecordError {
        let RecordError::Invalid {
            origin,
            what,
            diagnostics,
        } = self;
        let diagnostics = diagnostics
            .iter()
            .map(|d| Diagnostic {
                line: d.line + lines,
                ..d.clone()
            })
            .collect();
        RecordError::Invalid {
            origin: origin.clone(),
            what,
            diagnostics,
        }
    }

    /// Every diagnostic rendered as plain text.
    pub fn render(&self) -> String {
        self.diagnostics()
            .iter()
            .map(|d| d.render(self.origin()))
            .collect()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Parses and validates a record. `origin` names the text in errors (a file name, `-`,
/// `record k3f9a2bq7x`).
pub fn parse_record(text: &str, origin: &str) -> Result<Record, RecordError> {
    let invalid = |diagnostics| RecordError::Invalid {
        origin: origin.to_owned(),
        what: "record",
        diagnostics,
    };
    check_size(text).map_err(|d| invalid(vec![d]))?;
    let root = DeTable::parse(text).map_err(|e| invalid(syntax_errors(text, &e)))?;
    let kind = record_kind(text, root.get_ref()).map_err(|d| invalid(vec![d]))?;

    // Every problem is reported at once: unknown fields, bad enum values and wrong types.
    let mut diagnostics = Vec::new();
    walk(
        text,
        root.get_ref(),
        record_shape(kind),
        "",
        &mut diagnostics,
    );
    let common = deserialize_reporting(text, &root, &mut diagnostics, |table| {
        Common::deserialize(toml::de::Deserializer::from(table))
    });
    let body = deserialize_reporting(text, &root, &mut diagnostics, |table| {
        Body::deserialize(kind, toml::de::Deserializer::from(table))
    });
    let (Some(common), Some(body)) = (common, body) else {
        return Err(invalid(sorted(diagnostics)));
    };
    if !diagnostics.is_empty() {
        return Err(invalid(sorted(diagnostics)));
    }
    let record = Record { common, body };
    check_record(text, root.get_ref(), &record, &mut diagnostics);
    for (_, item) in root.get_ref().iter() {
        check_field_lengths(text, item.get_ref(), item.span(), &mut diagnostics);
    }
    if diagnostics.is_empty() {
        Ok(record)
    } else {
        Err(invalid(diagnostics))
    }
}

/// Diagnostics in document order, each reported once. A field missing because it was
/// misspelt is reported once, as the misspelling ("did you mean `title`?").
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let suggested: Vec<String> = diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref()?.strip_prefix("did you mean `"))
        .filter_map(|rest| rest.split_once('`').map(|(field, _)| field.to_owned()))
        .collect();
    diagnostics.retain(|d| {
        let missing = d
            .message
            .strip_prefix("missing required field `")
            .and_then(|m| m.strip_suffix('`'));
        !missing.is_some_and(|field| suggested.iter().any(|s| s == field))
    });
    diagnostics.sort_by_key(|d| (d.line, d.column));
    diagnostics.dedup();
    diagnostics
}

/// Deserializes with `parse`, reporting every type error: after each error, the top-level
/// field it is in is left out and the rest tried again. `None` when anything was wrong.
fn deserialize_reporting<T>(
    text: &str,
    root: &toml::Spanned<DeTable<'_>>,
    out: &mut Vec<Diagnostic>,
    parse: impl Fn(toml::Spanned<DeTable<'_>>) -> Result<T, toml::de::Error>,
) -> Option<T> {
    // A valid record costs one copy of its table; only a faulty one is parsed again and again.
    let mut attempt = parse(root.clone());
    let mut table: Option<toml::Spanned<DeTable<'_>>> = None;
    let mut removed: Vec<String> = Vec::new();
    // Each round removes one field, so the loop ends; the bound is a safeguard.
    for _ in 0..=root.get_ref().len() {
        let error = match attempt {
            Ok(value) => return removed.is_empty().then_some(value),
            Err(error) => error,
        };
        let missing = error
            .message()
            .strip_prefix("missing field `")
            .and_then(|m| m.trim_end().strip_suffix('`'));
        if missing.is_some_and(|field| removed.iter().any(|r| r == field)) {
            // Only missing because its bad value was left out: already reported.
            return None;
        }
        out.push(toml_error(text, &error));
        let span = error.span()?;
        let table = table.get_or_insert_with(|| root.clone());
        let culprit = table
            .get_ref()
            .iter()
            .find(|(key, value)| {
                let (k, v) = (key.span(), value.span());
                (k.start <= span.start && span.end <= k.end)
                    || (v.start <= span.start && span.end <= v.end)
            })
            .map(|(key, _)| key.get_ref().to_string())?;
        table.get_mut().remove(culprit.as_str());
        removed.push(culprit);
        attempt = parse(table.clone());
    }
    None
}

/// The diagnostics of a document that is not TOML. Dates written the US way (`04/02/2026`)
/// are the usual cause; each such line is named with the date to write instead.
fn syntax_errors(text: &str, error: &toml::de::Error) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some((start, value)) = us_date_value(line) {
            let span = offset + start..offset + start + value.len();
            let help = match super::us_date_as_iso(value) {
                Some(iso) => format!("write dates as YYYY-MM-DD, e.g. {iso}"),
                None => "write dates as YYYY-MM-DD, e.g. 2026-04-02".to_owned(),
            };
            out.push(
                Diagnostic::at(text, span, format!("`{value}` is not a date"))
                    .with_help(Some(help)),
            );
        }
        offset += line.len();
    }
    if out.is_empty() {
        out.push(toml_error(text, error));
    }
    out
}

/// `(column, value)` of an unquoted `key = 04/02/2026` (or `4-2-2026`) on `line`.
fn us_date_value(line: &str) -> Option<(usize, &str)> {
    let code = line.split('#').next().unwrap_or_default();
    let (key, rest) = code.split_once('=')?;
    let key = key.trim();
    if key.is_empty() || key.contains(['"', '\'', '[']) {
        return None;
    }
    let value = rest.trim();
    let start = code.len() - rest.len() + rest.find(value)?;
    super::us_date_as_iso(value).map(|_| (start, value))
}

/// Parses `text` strictly against `shape`: unknown fields and bad enum values first, then
/// types. `what` names the document in errors ("case file", "workspace config").
pub fn parse_with_shape<T: serde::de::DeserializeOwned>(
    text: &str,
    origin: &str,
    what: &'static str,
    shape: &Shape,
) -> Result<T, RecordError> {
    let invalid = |diagnostics| RecordError::Invalid {
        origin: origin.to_owned(),
        what,
        diagnostics,
    };
    let root = DeTable::parse(text).map_err(|e| invalid(vec![toml_error(text, &e)]))?;
    let mut diagnostics = Vec::new();
    walk(text, root.get_ref(), shape, "", &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(invalid(diagnostics));
    }
    T::deserialize(toml::de::Deserializer::from(root))
        .map_err(|e| invalid(vec![toml_error(text, &e)]))
}

/// Parses and validates case metadata.
pub fn parse_case_meta(text: &str, origin: &str) -> Result<CaseMeta, RecordError> {
    let meta: CaseMeta = parse_with_shape(text, origin, "case file", case_shape())?;
    let root = DeTable::parse(text).expect("parsed once already");
    let table = root.get_ref();
    let mut diagnostics = Vec::new();
    if meta.child.trim().is_empty() {
        diagnostics.push(at_key(text, table, &["child"], "`child` is empty", None));
    }
    if let Some(state) = &meta.state
        && !(state.len() == 2 && state.bytes().all(|b| b.is_ascii_uppercase()))
    {
        diagnostics.push(at_key(
            text,
            table,
            &["state"],
            format!("`{state}` is not a two-letter state code"),
            Some("write it in capitals, e.g. state = \"MS\"".into()),
        ));
    } else if let Some(state) = &meta.state
        && super::state_name(state).is_none()
    {
        diagnostics.push(at_key(
            text,
            table,
            &["state"],
            format!("`{state}` is not the code of a US state or territory"),
            Some("use the state's postal code, e.g. state = \"MS\" or \"TX\"".into()),
        ));
    }
    for (key, value) in [("forum", &meta.forum), ("docket", &meta.docket)] {
        let Some(value) = value else { continue };
        let problem = if value.trim().is_empty() {
            Some((
                format!("`{key}` is empty"),
                "remove the line, or fill it in",
            ))
        } else if value.contains(['\n', '\r']) || value.chars().any(char::is_control) {
            Some((
                format!("`{key}` must be one line of plain text"),
                "a caption prints it on one line: write it without line breaks",
            ))
        } else {
            None
        };
        if let Some((message, help)) = problem {
            diagnostics.push(at_key(text, table, &[key], message, Some(help.into())));
        }
    }
    if let Some(cal) = &meta.calendar
        && cal.last_day < cal.first_day
    {
        diagnostics.push(at_key(
            text,
            table,
            &["calendar", "last_day"],
            "the school year ends before it starts",
            None,
        ));
    }
    if diagnostics.is_empty() {
        Ok(meta)
    } else {
        Err(RecordError::Invalid {
            origin: origin.to_owned(),
            what: "case file",
            diagnostics,
        })
    }
}

/// Finds and checks the `kind` field.
fn record_kind(text: &str, table: &DeTable<'_>) -> Result<Kind, Diagnostic> {
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let Some(value) = table.get("kind") else {
        return Err(
            Diagnostic::at(text, 0..0, "missing required field `kind`").with_help(Some(format!(
                "add a line such as kind = \"request\"; kinds: {}",
                kinds.join(", ")
            ))),
        );
    };
    let DeValue::String(name) = value.get_ref() else {
        return Err(
            Diagnostic::at(text, value.span(), "`kind` must be a string")
                .with_help(Some(format!("kinds: {}", kinds.join(", ")))),
        );
    };
    name.parse::<Kind>().map_err(|_| {
        let help = match did_you_mean(name, kinds.iter().copied()) {
            Some(best) => format!("did you mean `{best}`? kinds: {}", kinds.join(", ")),
            None => format!("kinds: {}", kinds.join(", ")),
        };
        Diagnostic::at(text, value.span(), format!("unknown kind `{name}`")).with_help(Some(help))
    })
}

/// Reports unknown fields and enum values outside their list, everywhere in the document.
fn walk(text: &str, table: &DeTable<'_>, shape: &Shape, path: &str, out: &mut Vec<Diagnostic>) {
    let Shape::Table { fields, open } = shape else {
        return;
    };
    for (key, value) in table.iter() {
        let name: &str = key.get_ref();
        let dotted = if path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        match fields.get(name) {
            Some(field) => walk_value(text, value.get_ref(), value.span(), field, &dotted, out),
            None if *open => {}
            None => {
                let help = match did_you_mean(name, fields.keys().map(String::as_str)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if path.is_empty() => {
                        "fields of your own go in an [extra] table, e.g. [extra] then \
                         school_year = \"2026-27\""
                            .to_owned()
                    }
                    None => format!("known fields here: {}", shape.field_names().join(", ")),
                };
                let what = if path.is_empty() {
                    String::new()
                } else {
                    format!(" in `{path}`")
                };
                out.push(
                    Diagnostic::at(text, key.span(), format!("unknown field `{name}`{what}"))
                        .with_help(Some(help)),
                );
            }
        }
    }
}

fn walk_value(
    text: &str,
    value: &DeValue<'_>,
    span: Range<usize>,
    shape: &Shape,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
    match (shape, value) {
        (Shape::Table { .. }, DeValue::Table(table)) => walk(text, table, shape, path, out),
        (Shape::Array(item), DeValue::Array(items)) => {
            for (i, entry) in items.iter().enumerate() {
                let item_path = format!("{path}[{}]", i + 1);
                walk_value(text, entry.get_ref(), entry.span(), item, &item_path, out);
            }
        }
        (Shape::Enum(allowed), DeValue::String(s)) if !allowed.iter().any(|a| a == s) => {
            let list = allowed.join(", ");
            let help = match did_you_mean(s, allowed.iter().map(String::as_str)) {
                Some(best) => format!("did you mean `{best}`? valid values: {list}"),
                None => format!("valid values: {list}"),
            };
            out.push(
                Diagnostic::at(text, span, format!("`{s}` is not a valid `{path}`"))
                    .with_help(Some(help)),
            );
        }
        _ => {}
    }
}

/// The largest record text, in bytes (docs/records.md, "Limits").
pub const MAX_RECORD_BYTES: usize = 1024 * 1024;
/// The longest text one field may hold, in bytes.
pub const MAX_FIELD_BYTES: usize = 256 * 1024;
/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;

/// Reads a record file, refusing one over the record size limit without reading the rest
/// (`/dev/zero` included): `Ok(Err(size seen))` when it is too large.
pub fn read_limited(mut reader: impl std::io::Read) -> std::io::Result<Result<String, usize>> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    (&mut reader)
        .take(MAX_RECORD_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_RECORD_BYTES {
        return Ok(Err(bytes.len()));
    }
    String::from_utf8(bytes)
        .map(Ok)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// Refuses a text over the record size limit before parsing it.
fn check_size(text: &str) -> Result<(), Diagnostic> {
    if text.len() <= MAX_RECORD_BYTES {
        return Ok(());
    }
    Err(Diagnostic::at(
        text,
        0..0,
        format!(
            "the record is {} KiB, over the limit of {} KiB",
            text.len() / 1024,
            MAX_RECORD_BYTES / 1024
        ),
    )
    .with_help(Some(
        "attach long documents as files (`--attach FILE`) and summarise them in the record".into(),
    )))
}

/// Every string longer than [`MAX_FIELD_BYTES`], located.
fn check_field_lengths(
    text: &str,
    value: &DeValue<'_>,
    span: std::ops::Range<usize>,
    out: &mut Vec<Diagnostic>,
) {
    match value {
        DeValue::String(s) if s.len() > MAX_FIELD_BYTES => out.push(
            Diagnostic::at(
                text,
                span,
                format!(
                    "this text is {} KiB, over the limit of {} KiB for one field",
                    s.len() / 1024,
                    MAX_FIELD_BYTES / 1024
                ),
            )
            .with_help(Some(
                "attach long documents as files and summarise them here".into(),
            )),
        ),
        DeValue::Array(items) => {
            for item in items {
                check_field_lengths(text, item.get_ref(), item.span(), out);
            }
        }
        DeValue::Table(table) => {
            for (_, item) in table.iter() {
                check_field_lengths(text, item.get_ref(), item.span(), out);
            }
        }
        _ => {}
    }
}

/// Checks what types alone cannot: one-line titles, ranges, percentages.
fn check_record(text: &str, table: &DeTable<'_>, record: &Record, out: &mut Vec<Diagnostic>) {
    let common = &record.common;
    if common.schema != 1 {
        out.push(at_key(
            text,
            table,
            &["schema"],
            format!(
                "record format version {} is not supported by this iepcase",
                common.schema
            ),
            Some("upgrade iepcase, or remove the `schema` line for version 1".into()),
        ));
    }
    if common.title.trim().is_empty() {
        out.push(at_key(text, table, &["title"], "`title` is empty", None));
    } else if common.title.contains('\n') {
        out.push(at_key(
            text,
            table,
            &["title"],
            "`title` must be one line",
            Some("put longer text in `summary`".into()),
        ));
    } else if common.title.chars().any(char::is_control) {
        out.push(at_key(
            text,
            table,
            &["title"],
            "`title` contains a control character",
            Some("write the title as plain text".into()),
        ));
    } else if common.title.chars().count() > MAX_TITLE_CHARS {
        out.push(at_key(
            text,
            table,
            &["title"],
            format!("`title` is longer than {MAX_TITLE_CHARS} characters"),
            Some("keep the title short; put longer text in `summary`".into()),
        ));
    }
    check_confidential_fields(text, table, record, out);
    match &record.body {
        Body::Iep(iep) => {
            if iep.lre_percent.is_some_and(|p| p > 100) {
                out.push(at_key(
                    text,
                    table,
                    &["lre_percent"],
                    "`lre_percent` is over 100",
                    None,
                ));
            }
            if let (Some(start), Some(end)) = (iep.start, iep.end)
                && end < start
            {
                out.push(at_key(
                    text,
                    table,
                    &["end"],
                    "the IEP ends before it starts",
                    None,
                ));
            }
        }
        Body::ServiceLog(log) if log.period_end < log.period_start => {
            out.push(at_key(
                text,
                table,
                &["period_end"],
                "`period_end` is before `period_start`",
                None,
            ));
        }
        _ => {}
    }
}

/// Checks that `confidential_fields` names fields the record's kind has and that may be
/// withheld: not the fact of the record (kind, date, title) nor a required field.
fn check_confidential_fields(
    text: &str,
    table: &DeTable<'_>,
    record: &Record,
    out: &mut Vec<Diagnostic>,
) {
    if record.common.confidential_fields.is_empty() {
        return;
    }
    let kind = record.kind();
    let valid = super::schema::withholdable_fields(kind);
    for name in &record.common.confidential_fields {
        if valid.iter().any(|v| v == name) {
            continue;
        }
        let known = super::schema::record_shape(kind)
            .field_names()
            .contains(&name.as_str());
        let message = if known {
            format!(
                "`{name}` cannot be withheld: a bundle always shows a record's kind, date and \
                 title and its required fields"
            )
        } else {
            format!("`{name}` in `confidential_fields` is not a field of a {kind} record")
        };
        let list = valid.join(", ");
        let help = match did_you_mean(name, valid.iter().map(String::as_str)) {
            Some(best) if !known => format!(
                "did you mean `{best}`? fields of a {kind} record that can be withheld: {list}"
            ),
            _ => format!("fields of a {kind} record that can be withheld: {list}"),
        };
        out.push(at_key(
            text,
            table,
            &["confidential_fields"],
            message,
            Some(help),
        ));
    }
}

/// A diagnostic at the value of `path` (or the document start when it is not found).
fn at_key(
    text: &str,
    table: &DeTable<'_>,
    path: &[&str],
    message: impl Into<String>,
    help: Option<String>,
) -> Diagnostic {
    let mut span = 0..0;
    let mut current = table;
    for (i, part) in path.iter().enumerate() {
        let Some(value) = current.get(*part) else {
            break;
        };
        span = value.span();
        match value.get_ref() {
            DeValue::Table(inner) if i + 1 < path.len() => current = inner,
            _ => break,
        }
    }
    Diagnostic::at(text, span, message).with_help(help)
}

/// Turns a `toml` error into a diagnostic, rewording serde's phrasing where it helps.
fn toml_error(text: &str, error: &toml::de::Error) -> Diagnostic {
    let message = error.message().trim_end_matches('\n');
    let span = error.span().unwrap_or(0..0);
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.strip_suffix('`'))
    {
        // serde points at the whole table; point at its first line instead.
        let start = span.start.min(text.len());
        return Diagnostic::at(
            text,
            start..start,
            format!("missing required field `{field}`"),
        )
        .with_help(Some(format!("add a line `{field} = ...` to this table")));
    }
    Diagnostic::at(text, span, plain_words(message))
}

/// serde's type names in words a parent reads: "expected u8" → "expected a whole number from
/// 0 to 255".
fn plain_words(message: &str) -> String {
    const WORDS: &[(&str, &str)] = &[
        ("invalid type: ", "found "),
        ("invalid value: ", "found "),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number, 0 or more"),
        ("expected u32", "expected a whole number, 0 or more"),
        ("expected u64", "expected a whole number, 0 or more"),
        ("expected i64", "expected a whole number"),
        (
            "expected a sequence",
            "expected a list, such as [\"a\", \"b\"]",
        ),
        ("expected a boolean", "expected true or false"),
        ("expected a string", "expected text in quotes"),
        ("expected a map", "expected a table"),
        ("sequence", "list"),
        ("floating point", "decimal number"),
    ];
    let mut out = message.to_owned();
    for (from, to) in WORDS {
        out = out.replace(from, to);
    }
    if out.starts_with("expected struct ") || out.contains("expected struct ") {
        out = out.replace("expected struct", "expected a table, such as");
    }
    out
}

/// The closest candidate to `input`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let input = input.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&input, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> RecordError {
        parse_record(text, "r.toml").expect_err("should be invalid")
    }

    #[test]
    fn a_valid_request_parses() {
        let text = "kind = \"request\"\ndate = 2026-01-15\ntitle = \"Asked for evaluation\"\n\
                    type = \"evaluation\"\nmethod = \"certified-mail\"\n[extra]\nmine = 3\n";
        let record = parse_record(text, "r.toml").unwrap();
        assert_eq!(record.kind(), Kind::Request);
        assert_eq!(record.type_name(), Some("evaluation"));
        assert_eq!(
            record.common.extra.as_ref().unwrap()["mine"].as_integer(),
            Some(3)
        );
    }

    #[test]
    fn misspelt_field_suggests_the_right_one() {
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitel = \"x\"\n");
        let d = &e.diagnostics()[0];
        assert_eq!((d.line, d.column), (3, 1));
        assert_eq!(d.message, "unknown field `titel`");
        assert_eq!(d.help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(d.line_text, "titel = \"x\"");
    }

    #[test]
    fn nested_unknown_fields_are_found() {
        let e = err("kind = \"iep\"\ndate = 2026-01-15\ntitle = \"IEP\"\n\
                     [[goals]]\ntext = \"Read\"\nbasline = \"40 wpm\"\n");
        let d = &e.diagnostics()[0];
        assert_eq!(d.line, 6);
        assert!(
            d.message.contains("unknown field `basline` in `goals[1]`"),
            "{}",
            d.message
        );
        assert_eq!(d.help.as_deref(), Some("did you mean `baseline`?"));
    }

    #[test]
    fn bad_enum_values_list_the_valid_ones() {
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = \"x\"\nmethod = \"emial\"\n");
        let d = &e.diagnostics()[0];
        assert_eq!((d.line, d.column), (4, 10));
        assert!(
            d.help
                .as_ref()
                .unwrap()
                .starts_with("did you mean `email`? valid values: email,")
        );
    }

    #[test]
    fn wrong_types_and_missing_fields_are_located() {
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = 42\n");
        assert_eq!(e.diagnostics()[0].line, 3);
        assert!(
            e.diagnostics()[0]
                .message
                .contains("expected text in quotes"),
            "{:?}",
            e.diagnostics()
        );
        let e = err("kind = \"note\"\ntitle = \"x\"\n");
        assert_eq!(e.diagnostics()[0].message, "missing required field `date`");
        let e = err("kind = \"request\"\ndate = 2026-01-15\ntitle = \"x\"\n");
        assert_eq!(e.diagnostics()[0].message, "missing required field `type`");
    }

    #[test]
    fn type_errors_are_in_plain_words() {
        let e = err("kind = \"iep\"\ndate = 2026-01-15\ntitle = \"x\"\nlre_percent = \"80\"\n");
        assert_eq!(
            e.diagnostics()[0].message,
            "found string \"80\", expected a whole number from 0 to 255"
        );
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = \"x\"\ntags = \"a\"\n");
        assert!(
            e.diagnostics()[0]
                .message
                .ends_with("expected a list, such as [\"a\", \"b\"]"),
            "{:?}",
            e.diagnostics()
        );
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = \"x\"\nprivileged = \"yes\"\n");
        assert!(
            e.diagnostics()[0]
                .message
                .ends_with("expected true or false"),
            "{:?}",
            e.diagnostics()
        );
    }

    #[test]
    fn unknown_kind_and_syntax_errors() {
        let e = err("kind = \"iepp\"\n");
        assert!(
            e.diagnostics()[0]
                .help
                .as_ref()
                .unwrap()
                .starts_with("did you mean `iep`?")
        );
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = \"unterminated\n");
        assert_eq!(e.diagnostics()[0].line, 3);
        let e = err("date = 2026-01-15\n");
        assert_eq!(e.diagnostics()[0].message, "missing required field `kind`");
    }

    #[test]
    fn us_dates_say_how_to_write_them() {
        let e = err(
            "kind = \"note\"\ndate = 04/02/2026\ntitle = \"x\"\nreceived = 4-3-2026 # mailed\n",
        );
        let found: Vec<_> = e
            .diagnostics()
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str(), d.help.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    2,
                    8,
                    "`04/02/2026` is not a date",
                    Some("write dates as YYYY-MM-DD, e.g. 2026-04-02")
                ),
                (
                    4,
                    12,
                    "`4-3-2026` is not a date",
                    Some("write dates as YYYY-MM-DD, e.g. 2026-04-03")
                ),
            ]
        );
        let e = err("kind = \"note\"\ndate = \"04/02/2026\"\ntitle = \"x\"\n");
        assert!(
            e.diagnostics()[0]
                .message
                .contains("write dates as YYYY-MM-DD, e.g. 2026-04-02"),
            "{:?}",
            e.diagnostics()
        );
    }

    #[test]
    fn every_problem_of_a_document_is_reported() {
        let e = err(
            "kind = \"request\"\ndate = 2026-01-15\ntitle = 5\ntype = \"evaluation\"\n\
                     methd = \"email\"\nresponse_due = \"soon\"\n",
        );
        let lines: Vec<usize> = e.diagnostics().iter().map(|d| d.line).collect();
        assert_eq!(lines, [3, 5, 6], "{:?}", e.diagnostics());
        assert!(
            e.diagnostics()[0]
                .message
                .contains("expected text in quotes")
        );
        assert_eq!(e.diagnostics()[1].message, "unknown field `methd`");
        assert!(e.diagnostics()[2].message.contains("`soon` is not a date"));
        // A required field with a bad value is not also called missing.
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = 5\n");
        assert_eq!(e.diagnostics().len(), 1, "{:?}", e.diagnostics());
    }

    #[test]
    fn semantic_checks() {
        let e = err("kind = \"iep\"\ndate = 2026-01-15\ntitle = \"x\"\nlre_percent = 140\n");
        assert_eq!(e.diagnostics()[0].line, 4);
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitle = \"\"\"a\nb\"\"\"\n");
        assert_eq!(e.diagnostics()[0].message, "`title` must be one line");
    }

    #[test]
    fn render_points_at_the_text() {
        let e = err("kind = \"note\"\ndate = 2026-01-15\ntitel = \"x\"\n");
        assert_eq!(
            e.render(),
            "r.toml:3:1: unknown field `titel`\n  |\n3 | titel = \"x\"\n  | ^^^^^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn confidential_fields_name_fields_of_the_kind() {
        let ok = "kind = \"meeting\"\ndate = 2026-05-01\ntitle = \"Mediation\"\n\
                  type = \"mediation\"\nnotes = \"n\"\nconfidential_fields = [\"notes\", \"outcome\"]\n";
        let record = parse_record(ok, "r.toml").unwrap();
        assert_eq!(record.common.confidential_fields, ["notes", "outcome"]);
        let e = err(&ok.replace("\"outcome\"", "\"note\""));
        let d = &e.diagnostics()[0];
        assert_eq!(
            d.message,
            "`note` in `confidential_fields` is not a field of a meeting record"
        );
        let help = d.help.as_deref().unwrap();
        assert!(help.starts_with("did you mean `notes`?"), "{help}");
        assert!(
            help.contains("attendees") && help.contains("outcome"),
            "{help}"
        );
        let e = err(&ok.replace("\"outcome\"", "\"title\""));
        assert!(
            e.diagnostics()[0]
                .message
                .starts_with("`title` cannot be withheld")
        );
        let e = err(&ok.replace("\"outcome\"", "\"type\""));
        assert!(
            e.diagnostics()[0]
                .message
                .starts_with("`type` cannot be withheld")
        );
    }

    #[test]
    fn case_meta_validates() {
        let meta = parse_case_meta(
            "child = \"A\"\nstate = \"MS\"\n[calendar]\nfirst_day = 2026-08-06\n\
             last_day = 2027-05-21\nclosed = [2026-11-26, { from = 2026-12-21, to = 2027-01-01 }]\n",
            "case",
        )
        .unwrap();
        assert_eq!(meta.calendar.unwrap().closed.len(), 2);
        let e = parse_case_meta("child = \"A\"\nstate = \"Miss\"\n", "case").unwrap_err();
        assert!(e.diagnostics()[0].message.contains("two-letter"));
        let e = parse_case_meta("child = \"A\"\nstate = \"ZZ\"\n", "case").unwrap_err();
        assert_eq!(
            e.diagnostics()[0].message,
            "`ZZ` is not the code of a US state or territory"
        );
        let meta = parse_case_meta(
            "child = \"A\"\nforum = \"MDE, Office of Special Education\"\ndocket = \"DP-27-014\"\n",
            "case",
        )
        .unwrap();
        assert_eq!(meta.docket.as_deref(), Some("DP-27-014"));
        let e = parse_case_meta("child = \"A\"\nforum = \"a\\nb\"\n", "case").unwrap_err();
        assert_eq!(
            e.diagnostics()[0].message,
            "`forum` must be one line of plain text"
        );
        let e = parse_case_meta("child = \"A\"\ndocket = \" \"\n", "case").unwrap_err();
        assert_eq!(e.diagnostics()[0].message, "`docket` is empty");
        let e = parse_case_meta("child = \"A\"\ndockett = \"1\"\n", "case").unwrap_err();
        assert_eq!(
            e.diagnostics()[0].help.as_deref(),
            Some("did you mean `docket`?")
        );
        let e = parse_case_meta("child = \"A\"\nschool_name = \"x\"\n", "case").unwrap_err();
        assert_eq!(
            e.diagnostics()[0].help.as_deref(),
            Some("did you mean `school`?")
        );
    }
}

//! Helpers the record commands share: reading a kind argument, JSON for records, and
//! warnings about references to records that do not exist.

use std::path::Path;

use iepcase::record::refs::{self, Batch};
use iepcase::record::{Kind, Record, RecordError, RecordId, parse::did_you_mean, to_json};
use iepcase::store::{Case, StoredRecord};

use super::context::Ctx;
use super::error::CliError;

/// The kinds, for help text.
pub const KINDS_HELP: &str = "Kinds: iep, request, refusal, response, pwn, notice, consent, meeting, evaluation, \
eligibility, progress-report, service-log, communication, complaint, decision, discipline, note";

/// Parses a kind argument, suggesting the closest kind on a typo.
pub fn parse_kind(text: &str) -> Result<Kind, String> {
    text.parse::<Kind>().map_err(|_| {
        let names = Kind::ALL.iter().map(|k| k.as_str());
        match did_you_mean(text, names) {
            Some(best) => format!("unknown kind `{text}` (did you mean `{best}`?)"),
            None => format!("unknown kind `{text}`; {KINDS_HELP}"),
        }
    })
}

/// `text` with its link values (unique id prefixes, and in a batch `file:` names) turned into
/// full ids; `from` is the batch file `text` comes from.
pub fn full_links(
    case: &Case,
    text: &str,
    origin: &str,
    batch: Option<(&Batch, &Path)>,
) -> Result<String, LinkProblem> {
    // The case's ids are listed only when the text has a link to look up: most records have
    // none, and listing costs more the bigger the case.
    let ids: std::cell::OnceCell<Vec<RecordId>> = std::cell::OnceCell::new();
    let failed = std::cell::RefCell::new(None);
    let resolved = refs::resolve_links(text, origin, |target| {
        let ids = ids.get_or_init(|| match case.record_ids() {
            Ok(all) => all.into_iter().map(|(id, _)| id).collect(),
            Err(e) => {
                *failed.borrow_mut() = Some(e);
                Vec::new()
            }
        });
        refs::lookup(
            target,
            ids,
            batch.map(|(b, _)| b),
            batch.map(|(_, from)| from),
        )
    });
    if let Some(e) = failed.into_inner() {
        return Err(LinkProblem::Case(e.into()));
    }
    resolved.map_err(LinkProblem::Record)
}

/// Why link values could not be made full ids.
pub enum LinkProblem {
    /// A value names no record, or several: located in the text, like a validation error.
    Record(RecordError),
    /// The case could not be read.
    Case(CliError),
}

impl From<LinkProblem> for CliError {
    fn from(problem: LinkProblem) -> CliError {
        match problem {
            LinkProblem::Record(e) => e.into(),
            LinkProblem::Case(e) => e,
        }
    }
}

/// Warns about references to records that are not in the case.
pub fn warn_dangling_references(ctx: &Ctx, case: &Case, record: &Record) {
    if record.references().is_empty() {
        return;
    }
    let Ok(ids) = case.record_ids() else { return };
    for reference in record.references() {
        if !ids.iter().any(|(id, _)| id.as_str() == reference.0) {
            ctx.ui.warn(&format!(
                "this record refers to {reference}, which is not in the case"
            ));
        }
    }
}

/// A record as JSON: its fields plus `id` (SPEC section 5, `show`).
pub fn record_json(stored: &StoredRecord) -> serde_json::Value {
    let value: toml::Value =
        toml::from_str(&stored.text).unwrap_or(toml::Value::Table(Default::default()));
    let mut json = to_json(&value);
    if let Some(obj) = json.as_object_mut() {
        obj.shift_insert(0, "id".into(), stored.id.as_str().into());
    }
    json
}

/// The error a reading command ends with when some records could not be read: it has shown
/// what it could, but must not exit 0 as if the case were whole.
pub fn unreadable_error(slug: &str, ids: &[String]) -> CliError {
    let count = ids.len();
    CliError::user(format!(
        "{count} record{} of case `{slug}` could not be read (first: {})",
        if count == 1 { "" } else { "s" },
        ids.first().map_or("?", String::as_str),
    ))
    .hint(format!("run `iepcase -c {slug} fsck` to check every file"))
}

/// Refuses a `--from` later than `--to`: the range would be empty, which is never what was meant.
pub fn check_range(
    from: Option<iepcase::record::Date>,
    to: Option<iepcase::record::Date>,
) -> Result<(), CliError> {
    match (from, to) {
        (Some(from), Some(to)) if from > to => {
            Err(CliError::usage(format!("--from {from} is after --to {to}"))
                .hint("swap the two dates"))
        }
        _ => Ok(()),
    }
}

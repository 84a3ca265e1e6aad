//! `iepcase log [ID]`: the history of the case or of one record.

use clap::Args;
use serde_json::json;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only the history of this record
    #[arg(add = super::complete::record_ids())]
    pub id: Option<String>,
    /// Show what each commit changed in each record, field by field
    #[arg(short = 'p', long = "patch")]
    pub patch: bool,
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = match &args.id {
        None => None,
        Some(prefix) => Some(match case.resolve(prefix) {
            Ok(id) => id,
            // A removed record is found in the history, by a unique prefix too.
            Err(e) => match iepcase::record::RecordId::parse(prefix) {
                Some(id) => id,
                None => case.resolve_in_history(prefix)?.ok_or(e)?,
            },
        }),
    };
    let history = case.history(id.as_ref())?;
    if ctx.ui.json {
        let entries: Vec<_> = history
            .iter()
            .map(|h| {
                let records: Vec<_> = h
                    .records
                    .iter()
                    .map(|touched| {
                        let mut record =
                            json!({"id": touched.0.as_str(), "change": touched.1.as_str()});
                        if args.patch {
                            record["changes"] = patch_json(&case, touched);
                        }
                        record
                    })
                    .collect();
                json!({
                    "commit": h.commit.id.to_string(),
                    "date": rfc3339(h.commit.time),
                    "author": h.commit.author,
                    "message": h.commit.message,
                    "records": records,
                })
            })
            .collect();
        return ctx.ui.json(&json!(entries));
    }
    if history.is_empty() {
        ctx.ui.status("No history");
    }
    let mut out = String::new();
    for entry in &history {
        let commit = entry.commit.id.to_string();
        out.push_str(&format!(
            "{}  {}  {}  {}\n",
            ctx.ui.paint(super::ui::dim(), &commit[..10]),
            timestamp(entry.commit.time),
            super::ui::printable(&entry.commit.author),
            super::ui::printable(&entry.commit.message)
        ));
        if args.patch {
            for touched in &entry.records {
                out.push_str(&patch(ctx, &case, touched));
            }
            out.push('\n');
        }
    }
    ctx.ui.out(&out)
}

/// The field-level changes one commit made to one record, indented.
fn patch(ctx: &Ctx, case: &iepcase::store::Case, touched: &iepcase::store::Touched) -> String {
    let (id, change, before, after) = touched;
    let read = |oid: &Option<git2::Oid>| -> Option<(String, iepcase::record::Record)> {
        let text = case.record_text(id, (*oid)?).ok()?;
        let record = iepcase::record::parse_record(&text, "history").ok()?;
        Some((text, record))
    };
    let (old, new) = (read(before), read(after));
    let title = new
        .as_ref()
        .or(old.as_ref())
        .map(|(_, r)| r.title().to_owned())
        .unwrap_or_default();
    let mut out = format!("    {} {id}: {title}\n", change.as_str());
    if let (Some((a, ra)), Some((b, rb))) = (&old, &new) {
        let diff = iepcase::diff::RecordDiff {
            from: String::new(),
            to: String::new(),
            changes: iepcase::diff::diff_records((a, ra), (b, rb)),
        };
        let text = if ctx.ui.colored() {
            super::diff::paint(ctx, &diff)
        } else {
            iepcase::diff::render::to_text(&diff)
        };
        for line in text.lines().skip(2) {
            out.push_str(&format!("        {line}\n"));
        }
    }
    out
}

/// The changes of one record in one commit, as JSON (empty when added or removed).
fn patch_json(case: &iepcase::store::Case, touched: &iepcase::store::Touched) -> serde_json::Value {
    let (id, _, before, after) = touched;
    let read = |oid: &Option<git2::Oid>| -> Option<(String, iepcase::record::Record)> {
        let text = case.record_text(id, (*oid)?).ok()?;
        let record = iepcase::record::parse_record(&text, "history").ok()?;
        Some((text, record))
    };
    match (read(before), read(after)) {
        (Some((a, ra)), Some((b, rb))) => serde_json::Value::Array(
            iepcase::diff::diff_records((&a, &ra), (&b, &rb))
                .iter()
                .map(|c| c.to_json())
                .collect(),
        ),
        _ => serde_json::Value::Array(Vec::new()),
    }
}

/// A commit time in RFC 3339, for JSON: `2026-11-28T15:04:00Z`.
pub fn rfc3339(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

/// A commit time as `2026-11-28 15:04 UTC`.
pub fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

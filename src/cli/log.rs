//! `iepcase log [ID]`: the history of the case or of one record.

use clap::Args;
use serde_json::json;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only the history of this record
    pub id: Option<String>,
}

pub fn run(ctx: &Ctx, args: LogArgs) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let id = match &args.id {
        None => None,
        Some(prefix) => Some(match case.resolve(prefix) {
            Ok(id) => id,
            Err(e) => iepcase::record::RecordId::parse(prefix).ok_or(e)?,
        }),
    };
    let history = case.history(id.as_ref())?;
    if ctx.ui.json {
        let entries: Vec<_> = history
            .iter()
            .map(|h| {
                json!({
                    "commit": h.commit.id.to_string(),
                    "date": timestamp(h.commit.time),
                    "author": h.commit.author,
                    "message": h.commit.message,
                    "records": h.records.iter().map(|(id, change, ..)| json!({"id": id.as_str(), "change": change.as_str()})).collect::<Vec<_>>(),
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
            entry.commit.author,
            entry.commit.message
        ));
    }
    ctx.ui.out(&out)
}

/// A commit time as `2026-11-28 15:04 UTC`.
pub fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

//! `iepcase case list`: every case with its child, state, status and record count.

use serde_json::json;

use crate::cli::context::Ctx;
use crate::cli::error::CliError;
use crate::cli::ui::table;

pub fn run(ctx: &Ctx) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let slugs = ws.case_slugs()?;
    let mut rows = Vec::new();
    let mut json_rows = Vec::new();
    for slug in &slugs {
        let summary = ctx
            .open_case_slug(slug)
            .and_then(|case| Ok((case.meta()?.1, case.record_ids()?.len())));
        match summary {
            Ok((meta, records)) => {
                let state = meta.state.clone().unwrap_or_default();
                rows.push(vec![
                    slug.clone(),
                    meta.child.clone(),
                    if state.is_empty() {
                        "-".into()
                    } else {
                        state.clone()
                    },
                    meta.status.to_string(),
                    records.to_string(),
                ]);
                json_rows.push(json!({
                    "slug": slug, "child": meta.child, "state": state,
                    "status": meta.status.as_str(), "records": records,
                }));
            }
            Err(e) => {
                let why = if e.message.contains("not a member") {
                    "(no access)"
                } else {
                    "(unreadable)"
                };
                rows.push(vec![
                    slug.clone(),
                    why.into(),
                    "-".into(),
                    "-".into(),
                    "-".into(),
                ]);
                json_rows.push(json!({ "slug": slug, "error": e.message }));
            }
        }
    }
    if ctx.ui.json {
        return ctx.ui.json(&json!(json_rows));
    }
    if rows.is_empty() {
        ctx.ui.status("No cases yet");
        ctx.ui
            .hint("create one with `iepcase case new SLUG --child NAME`");
        return Ok(());
    }
    ctx.ui.out(&table(
        &["CASE", "CHILD", "STATE", "STATUS", "RECORDS"],
        &rows,
    ))
}

//! `iepcase letter --list`: the templates, built in or the workspace's, and any that do not
//! parse.

use std::path::Path;

use iepcase::json::TemplateJson;
use iepcase::letters;
use iepcase::ops;

use super::super::context::Ctx;
use super::super::error::CliError;

pub fn list(ctx: &Ctx, root: &Path) -> Result<(), CliError> {
    let all = letters::catalog(Some(root))?;
    if ctx.ui.json {
        let rows: Vec<TemplateJson<'_>> = all.iter().map(TemplateJson::new).collect();
        return ctx.ui.json(&rows);
    }
    let text = ops::letters::catalog_text(&all, ctx.ui.width(), ctx.ui.painter());
    ctx.ui.out(&text)?;
    if all.iter().any(|l| l.template.is_err()) {
        ctx.ui
            .warn("some templates do not parse; `iepcase letter NAME` shows where");
    }
    Ok(())
}

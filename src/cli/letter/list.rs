//! `iepcase letter --list`: the templates, built in or the workspace's, and any that do not
//! parse.

use std::path::Path;

use iepcase::json::TemplateJson;
use iepcase::letters;

use super::super::context::Ctx;
use super::super::error::CliError;

pub fn list(ctx: &Ctx, root: &Path) -> Result<(), CliError> {
    let all = letters::catalog(Some(root))?;
    if ctx.ui.json {
        let rows: Vec<TemplateJson<'_>> = all.iter().map(TemplateJson::new).collect();
        return ctx.ui.json(&rows);
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|l| {
            let source = if l.builtin {
                "built in".to_owned()
            } else {
                l.origin.clone()
            };
            let writes = match &l.template {
                Ok(t) => t.spec.description.clone(),
                Err(e) => format!("(does not parse: {e})"),
            };
            vec![l.name.clone(), writes, source]
        })
        .collect();
    ctx.ui.out(
        &ctx.ui
            .fitted(&["TEMPLATE", "WRITES", "FROM"], &[1, 2], &rows),
    )?;
    if all.iter().any(|l| l.template.is_err()) {
        ctx.ui
            .warn("some templates do not parse; `iepcase letter NAME` shows where");
    }
    Ok(())
}

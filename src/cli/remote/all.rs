//! `iepcase remote add NAME --all URL-TEMPLATE`: one remote for every case, `{slug}` in the
//! template naming each case's repository.

use iepcase::ops::remotes::{self, AddedAll};

use crate::cli::context::Ctx;
use crate::cli::error::CliError;

pub fn add(ctx: &Ctx, name: &str, template: &str) -> Result<(), CliError> {
    let ws = ctx.workspace()?;
    let added = AddedAll::of(name, remotes::add_all(ws, name, template, &ctx.cwd)?);
    if ctx.ui.json {
        ctx.ui.json(&added.json_rows())?;
    } else {
        ctx.ui
            .out(&added.render(ctx.ui.width(), ctx.ui.painter()))?;
        ctx.ui.notices(&added.notices());
    }
    ctx.ui.notices(&added.ending()?);
    Ok(())
}

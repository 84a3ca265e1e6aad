//! `iepcase case new|list|show|edit|close|use|rename`.

mod list;
mod new;
mod rename;
mod use_case;

use clap::{Args, Subcommand};
use iepcase::record::CaseStatus;
use iepcase::record::schema::case_shape;

use super::context::Ctx;
use super::error::CliError;

#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Create a case: an encrypted git repository under cases/SLUG
    New(new::CaseNewArgs),
    /// List the cases in the workspace (`*` marks the current case)
    List(list::CaseListArgs),
    /// Print the selected case's details
    Show,
    /// Change the case's details in your editor, or with --set
    Edit(CaseEditArgs),
    /// Mark the case closed (reopen with `case edit --set status=open`)
    Close,
    /// Work on SLUG when a command names no case; with no SLUG, say which case that is
    Use(use_case::CaseUseArgs),
    /// Give a case a new slug (for one that turned out to name the child)
    Rename(rename::CaseRenameArgs),
}

#[derive(Debug, Args)]
pub struct CaseEditArgs {
    /// Set FIELD to VALUE without an editor (can be repeated)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Remove FIELD (can be repeated)
    #[arg(long = "unset", value_name = "FIELD")]
    pub unset: Vec<String>,
}

pub fn run(ctx: &Ctx, command: CaseCommand) -> Result<(), CliError> {
    match command {
        CaseCommand::New(args) => new::run(ctx, args),
        CaseCommand::List(args) => list::run(ctx, args),
        CaseCommand::Show => show(ctx),
        CaseCommand::Edit(args) => edit(ctx, args),
        CaseCommand::Close => close(ctx),
        CaseCommand::Use(args) => use_case::run(ctx, args),
        CaseCommand::Rename(args) => rename::run(ctx, args),
    }
}

fn show(ctx: &Ctx) -> Result<(), CliError> {
    let case = ctx.open_case()?;
    let (text, _) = case.meta()?;
    if ctx.ui.json {
        let json = iepcase::ops::cases::details_json(&text, case.slug())?;
        return ctx.ui.json(&json);
    }
    ctx.ui.out(&text)
}

fn edit(ctx: &Ctx, args: CaseEditArgs) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("case edit")?;
    let (text, _) = case.meta()?;
    let new_text = if args.set.is_empty() && args.unset.is_empty() {
        edit_in_editor(&text)?
    } else {
        apply_sets(&text, &args.set, &args.unset)?
    };
    if new_text == text {
        ctx.ui.status("Nothing changed");
        return Ok(());
    }
    let mut tx = case.transaction(&lock);
    tx.put_meta(&new_text)?;
    tx.commit("edit case", &ctx.commit_context()?)?;
    ctx.ui.status(&format!("Updated case `{}`", case.slug()));
    Ok(())
}

fn edit_in_editor(text: &str) -> Result<String, CliError> {
    let mut current = text.to_owned();
    loop {
        let edited = super::editor::strip_notes(&super::editor::edit(&current, "case.toml")?);
        match iepcase::record::parse_case_meta(&edited, "case.toml") {
            Ok(_) => return Ok(edited),
            Err(e) if edited == super::editor::strip_notes(&current) => {
                return Err(CliError::from(e).hint("nothing was changed"));
            }
            Err(e) => current = super::editor::with_problems(&edited, &e, "case file"),
        }
    }
}

/// Applies `--set` and `--unset` to case metadata text.
fn apply_sets(text: &str, sets: &[String], unsets: &[String]) -> Result<String, CliError> {
    let mut out = text.to_owned();
    for assignment in sets {
        let (path, value) = iepcase::record::edit::split_assignment(assignment)?;
        out = iepcase::record::edit::set(&out, path, value, case_shape())?;
    }
    for path in unsets {
        out = iepcase::record::edit::unset(&out, path)?;
    }
    iepcase::record::parse_case_meta(&out, "case details")?;
    Ok(out)
}

fn close(ctx: &Ctx) -> Result<(), CliError> {
    let (case, lock) = ctx.open_case_locked("case close")?;
    let (text, meta) = case.meta()?;
    if meta.status == CaseStatus::Closed {
        ctx.ui
            .status(&format!("Case `{}` is already closed", case.slug()));
        return Ok(());
    }
    let new_text = iepcase::record::edit::set(&text, "status", "closed", case_shape())?;
    let mut tx = case.transaction(&lock);
    tx.put_meta(&new_text)?;
    tx.commit("close case", &ctx.commit_context()?)?;
    ctx.ui.status(&format!("Closed case `{}`", case.slug()));
    Ok(())
}

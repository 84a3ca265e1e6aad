//! The command line: arguments, dispatch and exit codes. Each command lives in its own file
//! and is a thin wrapper around library calls; all printing goes through [`ui::Ui`].

mod add;
mod attach;
mod bundle;
mod case;
mod check;
mod common;
pub mod complete;
mod context;
mod deadlines;
mod demo;
mod dev;
mod diff;
mod edit;
pub mod editor;
pub mod error;
mod export;
mod fsck;
mod import;
mod init;
mod keys;
mod letter;
mod list;
mod log;
mod man;
mod members;
mod new;
mod prep;
mod remote;
mod resolve;
mod rm;
mod search;
mod show;
mod sync;
mod timeline;
pub mod ui;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use context::Ctx;
use error::{CliError, Exit};
use ui::ColorWhen;

/// Encrypted, git-backed case files for special-education advocates and parents.
///
/// Each child's case is an encrypted git repository of records: IEPs, requests, refusals,
/// notices, meetings, evaluations, service logs, complaints. Start with `iepcase demo`.
#[derive(Debug, Parser)]
#[command(
    name = "iepcase",
    version,
    max_term_width = 100,
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Use the workspace in DIR instead of searching upward for iepcase.toml
    #[arg(
        short = 'w',
        long,
        global = true,
        env = "IEPCASE_WORKSPACE",
        value_name = "DIR"
    )]
    pub workspace: Option<PathBuf>,
    /// Work on case SLUG (or the one case whose slug starts with it) instead of the case
    /// folder you are in or the current case
    #[arg(
        short = 'c',
        long = "case",
        global = true,
        env = "IEPCASE_CASE",
        value_name = "SLUG",
        add = complete::case_slugs()
    )]
    pub case: Option<String>,
    /// Print machine-readable JSON on stdout
    #[arg(long, global = true)]
    pub json: bool,
    /// When to use colour (NO_COLOR also turns it off)
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Print long output straight to the terminal instead of through $PAGER
    #[arg(long, global = true)]
    pub no_pager: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a workspace (and your identity, if you have none)
    Init(init::InitArgs),
    /// Make or show your identity (the key that opens your cases)
    #[command(subcommand)]
    Keys(keys::KeysCommand),
    /// Create, list, show, edit, close and rename cases; choose the current one
    #[command(subcommand)]
    Case(case::CaseCommand),
    /// Add a record from flags or from TOML files; prints the new ids
    Add(add::AddArgs),
    /// Add e-mails (.eml, mbox), PDFs and images as records; prints the new ids
    Import(import::ImportArgs),
    /// Write a new record in your editor, starting from a template
    New(new::NewArgs),
    /// Change a record in your editor, or with --set
    Edit(edit::EditArgs),
    /// Print a record
    Show(show::ShowArgs),
    /// List records in date order
    List(list::ListArgs),
    /// Remove a record (history keeps it)
    Rm(rm::RmArgs),
    /// Attach files to a record
    Attach(attach::AttachArgs),
    /// Remove an attachment from a record (history keeps it)
    Detach(attach::DetachArgs),
    /// Write a record's attachments out, decrypted
    Extract(attach::ExtractArgs),
    /// Show the history of the case or of one record
    Log(log::LogArgs),
    /// Show what changed between two records or two versions of one
    Diff(diff::DiffArgs),
    /// Show the case in date order, with deadlines
    Timeline(timeline::TimelineArgs),
    /// Find text in every field of the records of a case, or of every case
    Search(search::SearchArgs),
    /// Show the deadlines the records start, with citations
    Deadlines(deadlines::DeadlinesArgs),
    /// Find procedural problems, with the next step for each (exit 3 when any)
    Check(check::CheckArgs),
    /// The checklist for the days before a meeting: drafts, concerns, recording notice, asks
    Prep(prep::PrepArgs),
    /// Build an evidence bundle (PDF binder, index, manifest), or verify one
    Bundle(bundle::BundleArgs),
    /// Check that every file decrypts and validates
    Fsck(fsck::FsckArgs),
    /// Let someone else read the case: wrap its key to their public key
    Share(members::ShareArgs),
    /// Remove a member: a new case key, every file re-encrypted
    Unshare(members::UnshareArgs),
    /// Replace the case key and re-encrypt every file, members unchanged
    Rotate,
    /// List the members of the case, or accept members that arrived from a remote
    Recipients(members::RecipientsArgs),
    /// Add, list or remove the case's private git remotes
    #[command(subcommand)]
    Remote(remote::RemoteCommand),
    /// Exchange changes with the remote: fetch, merge record by record, push
    Sync(sync::SyncArgs),
    /// Copy a case from a remote into this workspace
    Clone(sync::CloneArgs),
    /// Settle a sync conflict by keeping one version
    Resolve(resolve::ResolveArgs),
    /// Draft a letter from the case and record it (`letter --list` shows them)
    Letter(letter::LetterArgs),
    /// Write a decrypted copy of a case (plaintext!)
    Export(export::ExportArgs),
    /// Build a demo workspace from the built-in example case
    Demo(demo::DemoArgs),
    /// Print the shell completion script (`source <(iepcase completions bash)`)
    Completions(complete::CompletionsArgs),
    /// Print the manual page, or write one for every command with --out
    Man(man::ManArgs),
    /// Developer commands (docs/benchmarks.md)
    #[command(subcommand, hide = true)]
    Dev(dev::DevCommand),
}

impl Command {
    /// Whether the command may talk to a remote (and so needs TLS certificates).
    pub fn uses_network(&self) -> bool {
        matches!(self, Command::Sync(_) | Command::Clone(_))
    }
}

/// Runs the parsed command line and returns the process exit code.
pub fn run(cli: Cli) -> Exit {
    // Crash tests stop a command at a named point (src/store/failpoint.rs).
    #[cfg(feature = "failpoints")]
    if let Ok(point) = std::env::var("IEPCASE_FAILPOINT") {
        iepcase::store::failpoint::arm(&point);
    }
    let ctx = match Ctx::new(cli.global.clone()) {
        Ok(ctx) => ctx,
        Err(e) => {
            eprint!("{}", error::render(&e));
            return e.exit;
        }
    };
    // Packing never follows a command that talks to a remote: sync must stay quick to repeat.
    let maintain = !cli.command.uses_network();
    let result = dispatch(&ctx, cli.command);
    ctx.ui.finish();
    if maintain && result.is_ok() {
        for root in ctx.changed_cases() {
            if iepcase::store::pack::due(&root, dev::loose_limit()) {
                dev::start_packing(&root);
            }
        }
    }
    match result {
        Ok(()) => Exit::Ok,
        Err(e) => {
            if !e.message.is_empty() {
                ctx.ui.error(&e);
            }
            e.exit
        }
    }
}

fn dispatch(ctx: &Ctx, command: Command) -> Result<(), CliError> {
    match command {
        Command::Init(args) => init::run(ctx, args),
        Command::Keys(cmd) => keys::run(ctx, cmd),
        Command::Case(cmd) => case::run(ctx, cmd),
        Command::Add(args) => add::run(ctx, args),
        Command::Import(args) => import::run(ctx, args),
        Command::New(args) => new::run(ctx, args),
        Command::Edit(args) => edit::run(ctx, args),
        Command::Show(args) => show::run(ctx, args),
        Command::List(args) => list::run(ctx, args),
        Command::Rm(args) => rm::run(ctx, args),
        Command::Attach(args) => attach::run_attach(ctx, args),
        Command::Detach(args) => attach::run_detach(ctx, args),
        Command::Extract(args) => attach::run_extract(ctx, args),
        Command::Log(args) => log::run(ctx, args),
        Command::Diff(args) => diff::run(ctx, args),
        Command::Timeline(args) => timeline::run(ctx, args),
        Command::Search(args) => search::run(ctx, args),
        Command::Deadlines(args) => deadlines::run(ctx, args),
        Command::Check(args) => check::run(ctx, args),
        Command::Prep(args) => prep::run(ctx, args),
        Command::Bundle(args) => bundle::run(ctx, args),
        Command::Fsck(args) => fsck::run(ctx, args),
        Command::Share(args) => members::share(ctx, args),
        Command::Unshare(args) => members::unshare(ctx, args),
        Command::Rotate => members::rotate(ctx),
        Command::Recipients(args) => members::recipients(ctx, args),
        Command::Remote(cmd) => remote::run(ctx, cmd),
        Command::Sync(args) => sync::sync(ctx, args),
        Command::Clone(args) => sync::clone(ctx, args),
        Command::Resolve(args) => resolve::run(ctx, args),
        Command::Letter(args) => letter::run(ctx, args),
        Command::Export(args) => export::run(ctx, args),
        Command::Demo(args) => demo::run(ctx, args),
        Command::Completions(args) => complete::run(ctx, args),
        Command::Man(args) => man::run(ctx, args),
        Command::Dev(cmd) => dev::run(ctx, cmd),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}

//! The `iepcase` binary: parse the command line, run it, exit with its code.

mod cli;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

/// A case of ten thousand records is hundreds of thousands of small strings, read, copied and
/// dropped on every command: mimalloc does that with fewer page faults than the system's
/// allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: iepcase hit a bug; nothing you did caused it, and no data was changed after it\n  \
             caused by: {info}\n\nhint: please report this, with the command you ran (leave out any \
             child's details)"
        );
    }));
    // A completion request from the shell script of `iepcase completions` answers and exits.
    clap_complete::CompleteEnv::with_factory(cli::Cli::command)
        .var(cli::complete::COMPLETE_VAR)
        .complete();
    let cli = parse();
    if !cli.command.uses_network() {
        // libgit2 reads the whole system CA bundle when it starts (several milliseconds on
        // every command), which only remotes need. An empty bundle keeps local commands fast.
        // SAFETY: no other thread exists yet (the signal thread starts below).
        unsafe { std::env::set_var("SSL_CERT_FILE", "/dev/null") };
    }
    handle_signals();
    ExitCode::from(cli::run(cli) as u8)
}

/// Ctrl-C, a closed terminal or `kill`: wait for a commit in progress to finish, remove
/// temporary files (plaintext included), and exit. While the editor runs, Ctrl-C is the
/// editor's; a termination signal stops the command as soon as the editor returns.
fn handle_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if cli::editor::editor_running(signal != SIGINT) {
                continue;
            }
            let _critical = iepcase::atomic::critical_section();
            iepcase::atomic::cleanup_registered();
            if iepcase::atomic::saved() {
                eprintln!(
                    "\ninterrupted after the change was saved: nothing is lost, but its output \
                     may be cut short\nhint: see what was saved with `iepcase log` before \
                     running the command again"
                );
            } else {
                eprintln!("\ninterrupted");
            }
            std::process::exit(128 + signal);
        }
    });
}

/// Parses the command line; clap's own help and errors follow `--color` and `NO_COLOR` too.
fn parse() -> cli::Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let command = cli::Cli::command().color(color_choice(&args));
    let matches = command.get_matches_from(&args);
    cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

/// The `--color` given on the command line (the last one wins), for clap's own output.
fn color_choice(args: &[std::ffi::OsString]) -> clap::ColorChoice {
    let mut choice = clap::ColorChoice::Auto;
    let mut iter = args.iter().skip(1).map(|a| a.to_string_lossy());
    while let Some(arg) = iter.next() {
        if arg == "--" {
            break;
        }
        let value = match arg.strip_prefix("--color") {
            Some("") => iter.next().map(|v| v.into_owned()),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        };
        choice = match value.as_deref() {
            Some("always") => clap::ColorChoice::Always,
            Some("never") => clap::ColorChoice::Never,
            Some("auto") => clap::ColorChoice::Auto,
            _ => choice,
        };
    }
    if choice == clap::ColorChoice::Auto
        && std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    {
        choice = clap::ColorChoice::Never;
    }
    choice
}

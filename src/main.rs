//! The `iepcase` binary: parse the command line, run it, exit with its code.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "error: iepcase hit a bug; nothing you did caused it, and no data was changed after it\n  \
             caused by: {info}\n\nhint: please report this, with the command you ran (leave out any \
             child's details)"
        );
    }));
    let cli = cli::Cli::parse();
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

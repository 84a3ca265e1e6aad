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
        // SAFETY: no other thread exists yet (the Ctrl-C handler's thread starts below).
        unsafe { std::env::set_var("SSL_CERT_FILE", "/dev/null") };
    }
    let _ = ctrlc::set_handler(|| {
        if cli::editor::editor_running() {
            // The editor owns the terminal; it decides what Ctrl-C means.
            return;
        }
        // Wait for a commit in progress to finish, then remove temporary files.
        let _critical = iepcase::atomic::critical_section();
        iepcase::atomic::cleanup_registered();
        eprintln!("\ninterrupted");
        std::process::exit(130);
    });
    ExitCode::from(cli::run(cli) as u8)
}

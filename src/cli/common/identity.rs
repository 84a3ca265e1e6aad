//! The passphrase for a new identity file (`keys new --passphrase`).

use age::secrecy::SecretString;

use super::super::error::CliError;

/// A new passphrase: `IEPCASE_PASSPHRASE` for scripts, else asked twice in the terminal.
pub fn ask_new_passphrase() -> Result<SecretString, CliError> {
    if let Ok(p) = std::env::var("IEPCASE_PASSPHRASE") {
        if p.is_empty() {
            return Err(CliError::user("IEPCASE_PASSPHRASE is empty"));
        }
        return Ok(SecretString::from(p));
    }
    let no_tty = |e: std::io::Error| {
        CliError::user(format!("cannot ask for a passphrase: {e}"))
            .hint("run in a terminal, or set IEPCASE_PASSPHRASE for scripts")
    };
    let first = rpassword::prompt_password("New passphrase: ").map_err(no_tty)?;
    if first.is_empty() {
        return Err(CliError::user(
            "the passphrase is empty; nothing was written",
        ));
    }
    let second = rpassword::prompt_password("Repeat it: ").map_err(no_tty)?;
    if first != second {
        return Err(CliError::user(
            "the passphrases differ; nothing was written",
        ));
    }
    Ok(SecretString::from(first))
}

//! One error type for the command line: a message, its causes, hints with the command that
//! fixes it, and the exit code of SPEC section 5. Every library error converts here, through
//! the library's diagnosis of it.

use std::fmt::Write as _;

use iepcase::ops::diagnosis::{Class, Diagnosis};

/// The exit codes of SPEC section 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Ok = 0,
    /// 1: an error the user can fix.
    User = 1,
    /// 2: bad usage.
    Usage = 2,
    /// 3: a check found something.
    Found = 3,
    // 101, a bug, is the exit code of a panic; the panic hook in main.rs explains it.
}

/// An error as the user sees it.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub causes: Vec<String>,
    /// Pre-rendered detail (diagnostics pointing at the text).
    pub detail: Option<String>,
    pub hints: Vec<String>,
}

impl CliError {
    /// A user-fixable error.
    pub fn user(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::User,
            message: message.into(),
            causes: Vec::new(),
            detail: None,
            hints: Vec::new(),
        }
    }

    /// A usage error (exit 2).
    pub fn usage(message: impl Into<String>) -> CliError {
        CliError {
            exit: Exit::Usage,
            ..CliError::user(message)
        }
    }

    /// A "check found something" outcome with no further message (exit 3).
    pub fn found() -> CliError {
        CliError {
            exit: Exit::Found,
            ..CliError::user("")
        }
    }

    /// Adds a hint line.
    pub fn hint(mut self, hint: impl Into<String>) -> CliError {
        self.hints.push(hint.into());
        self
    }
}

impl From<Diagnosis> for CliError {
    fn from(d: Diagnosis) -> Self {
        CliError {
            exit: match d.class {
                Class::Fixable => Exit::User,
                Class::Usage => Exit::Usage,
                Class::Alarm => Exit::Found,
            },
            message: d.message,
            causes: d.causes,
            detail: d.detail,
            hints: d.hints,
        }
    }
}

/// Each library error reaches the user as the library diagnoses it.
macro_rules! diagnosed {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for CliError {
            fn from(e: $error) -> Self {
                Diagnosis::from(e).into()
            }
        }
    )*};
}

diagnosed!(
    iepcase::record::RecordError,
    iepcase::record::edit::EditError,
    iepcase::record::IdError,
    iepcase::crypto::CryptoError,
    iepcase::store::StoreError,
    iepcase::store::MembershipError,
    iepcase::sync::SyncError,
    iepcase::letters::LetterError,
    iepcase::letters::SignerError,
    iepcase::workspace::WorkspaceError,
    iepcase::rules::RuleError,
    iepcase::ops::records::ResolveError,
    iepcase::ops::OpsError,
    iepcase::typeset::TypesetError,
    iepcase::bundle::BundleError,
    iepcase::import::ImportError,
    iepcase::ops::add::BatchError,
    iepcase::ops::output::WriteError,
    std::io::Error,
);

/// Renders an error for stderr, without colour.
/// Control characters from file names or record text are shown escaped.
pub fn render(error: &CliError) -> String {
    use super::ui::printable;
    let mut out = String::new();
    if !error.message.is_empty() {
        let _ = writeln!(out, "error: {}", printable(&error.message));
    }
    for cause in &error.causes {
        let _ = writeln!(out, "  caused by: {}", printable(cause));
    }
    if let Some(detail) = &error.detail {
        out.push('\n');
        out.push_str(&printable(detail));
    }
    if !error.hints.is_empty() {
        out.push('\n');
        for hint in &error.hints {
            let _ = writeln!(out, "hint: {}", printable(hint));
        }
    }
    out
}

//! One error type for the command line: a message, its causes, hints with the command that
//! fixes it, and the exit code of SPEC section 5. Every library error converts here.

use std::fmt::Write as _;

use iepcase::bundle::BundleError;
use iepcase::crypto::CryptoError;
use iepcase::record::edit::EditError;
use iepcase::record::{IdError, RecordError};
use iepcase::rules::RuleError;
use iepcase::store::StoreError;
use iepcase::workspace::WorkspaceError;

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

    /// Adds a cause line.
    pub fn cause(mut self, cause: impl Into<String>) -> CliError {
        self.causes.push(cause.into());
        self
    }

    /// Adds a rendered detail block.
    pub fn detail(mut self, detail: impl Into<String>) -> CliError {
        self.detail = Some(detail.into());
        self
    }

    /// Adds the source chain of `error` as causes.
    fn causes_of(mut self, error: &dyn std::error::Error) -> CliError {
        let mut source = error.source();
        while let Some(e) = source {
            let text = e.to_string();
            if !text.is_empty() && !self.message.contains(&text) {
                self.causes.push(text);
            }
            source = e.source();
        }
        self
    }
}

impl From<RecordError> for CliError {
    fn from(e: RecordError) -> Self {
        let count = e.diagnostics().len();
        let mut err = CliError::user(e.to_string()).detail(e.render());
        if count > 1 {
            err = err.cause(format!("{count} problems"));
        }
        err
    }
}

impl From<EditError> for CliError {
    fn from(e: EditError) -> Self {
        CliError::user(e.to_string())
            .hint("paths look like `title`, `extra.school_year` or `goals[2].text`")
    }
}

impl From<IdError> for CliError {
    fn from(e: IdError) -> Self {
        let hint = match &e {
            IdError::Ambiguous { .. } => "give more characters of the id",
            _ => "see the ids with `iepcase list`",
        };
        CliError::user(e.to_string()).hint(hint)
    }
}

impl From<CryptoError> for CliError {
    fn from(e: CryptoError) -> Self {
        let mut err = CliError::user(e.to_string());
        err.causes.extend(e.causes());
        err.hints.extend(e.hints());
        if err.hints.is_empty() {
            err = err.causes_of(&e);
        }
        err
    }
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(inner) => inner.into(),
            StoreError::Membership(inner) => inner.into(),
            StoreError::Crypto(inner) => inner.into(),
            StoreError::Id { source } => source.into(),
            _ => {
                let mut err = CliError::user(e.to_string());
                err.causes.extend(e.causes());
                if e.shows_sources() {
                    err = err.causes_of(&e);
                }
                err.hints.extend(e.hints());
                err
            }
        }
    }
}

impl From<iepcase::store::MembershipError> for CliError {
    fn from(e: iepcase::store::MembershipError) -> Self {
        let mut err = CliError::user(e.to_string()).hint(e.hint());
        err.causes.extend(e.causes());
        err
    }
}

impl From<iepcase::sync::SyncError> for CliError {
    fn from(e: iepcase::sync::SyncError) -> Self {
        if let iepcase::sync::SyncError::Store(inner) = e {
            return inner.into();
        }
        let mut err = CliError::user(e.headline());
        if e.is_alarm() {
            err.exit = Exit::Found;
        } else {
            err = err.causes_of(&e);
        }
        err.causes.extend(e.causes());
        err.hints.extend(e.hints());
        err
    }
}

impl From<iepcase::letters::LetterError> for CliError {
    fn from(e: iepcase::letters::LetterError) -> Self {
        use iepcase::letters::LetterError as L;
        let mut err = match e {
            L::Spec(inner) => return inner.into(),
            L::Template { builtin: true, .. } => {
                CliError::user(format!("{e} (a fault in a built-in template)"))
            }
            _ => CliError::user(e.to_string()),
        };
        err.hints.extend(iepcase::ops::letter_hints(&e));
        err
    }
}

impl From<WorkspaceError> for CliError {
    fn from(e: WorkspaceError) -> Self {
        let mut err = match e {
            WorkspaceError::Config(inner) => return inner.into(),
            WorkspaceError::BadSlug { .. } => CliError::usage(e.to_string()),
            _ => CliError::user(e.to_string()),
        };
        err.causes.extend(e.causes());
        err.hints.extend(e.hints());
        if err.hints.is_empty() {
            err = err.causes_of(&e);
        }
        err
    }
}

impl From<RuleError> for CliError {
    fn from(e: RuleError) -> Self {
        let hint = "fix the rule file (its fields are in docs/deadlines.md), or move it out of the \
                    workspace's rules/ folder to use the built-in rules";
        match e {
            RuleError::Invalid(inner) => CliError::from(inner).hint(hint),
            RuleError::Io { .. } => CliError::user(e.to_string()).causes_of(&e).hint(hint),
        }
    }
}

impl From<iepcase::ops::records::ResolveError> for CliError {
    fn from(e: iepcase::ops::records::ResolveError) -> Self {
        let mut err = match e {
            iepcase::ops::records::ResolveError::UnknownCopy { .. } => {
                CliError::usage(e.to_string())
            }
            _ => CliError::user(e.to_string()),
        };
        err.causes.extend(e.causes());
        err.hints.extend(e.hints());
        err
    }
}

impl From<iepcase::ops::OpsError> for CliError {
    fn from(e: iepcase::ops::OpsError) -> Self {
        use iepcase::ops::OpsError;
        let mut err = match e {
            OpsError::Store(inner) => return inner.into(),
            OpsError::Record(inner) => return inner.into(),
            OpsError::Edit(inner) => return inner.into(),
            OpsError::Bundle(inner) => return inner.into(),
            OpsError::Rule(inner) => return inner.into(),
            OpsError::Import(inner) => return inner.into(),
            OpsError::Batch(inner) => return inner.into(),
            OpsError::InvalidDraft(inner) => {
                let hints = inner.hints();
                let mut err = CliError::from(inner.source);
                err.hints.extend(hints);
                return err;
            }
            OpsError::Letter(inner) => return inner.into(),
            OpsError::Signer(inner) => return inner.into(),
            OpsError::Sync(inner) => return (*inner).into(),
            OpsError::Crypto(inner) => return (*inner).into(),
            OpsError::Workspace(inner) => return (*inner).into(),
            OpsError::Resolve(inner) => return inner.into(),
            OpsError::NoChild => return CliError::usage("--child is empty"),
            OpsError::BlankTracking => {
                return CliError::user("--tracking is blank").hint(
                    "give the certified-mail number: `--tracking \"7019 0700 0000 1234 5678\"`",
                );
            }
            OpsError::BadRecipient => {
                return CliError::usage(
                    "--disclosed-to needs one line naming who received the bundle",
                )
                .hint("for example: --disclosed-to \"District counsel\"");
            }
            OpsError::NoSlugInTemplate { .. } | OpsError::NoSlugInUrl { .. } => {
                CliError::usage(e.to_string())
            }
            _ => CliError::user(e.to_string()),
        };
        err.causes.extend(e.causes());
        err.hints.extend(e.hints());
        err
    }
}

impl From<iepcase::letters::SignerError> for CliError {
    fn from(e: iepcase::letters::SignerError) -> Self {
        use iepcase::letters::SignerError;
        let hint = match &e {
            SignerError::NoAdvocate { .. } => {
                "add your details to iepcase.toml: an [advocate] table with `name = \"…\"` \
                 (and `organization`, `address`, `phone`, `email` for the letterhead)"
            }
            SignerError::NoParent { .. } => {
                "name the parent in the case details: a [[contacts]] entry with `name = \"…\"` \
                 and `role = \"parent\"` (`iepcase case edit`)"
            }
        };
        CliError::user(e.to_string()).hint(hint)
    }
}

impl From<iepcase::typeset::TypesetError> for CliError {
    fn from(e: iepcase::typeset::TypesetError) -> Self {
        CliError::user(e.to_string())
            .hint("this is likely a bug in iepcase: please report it with the command you ran")
    }
}

impl From<BundleError> for CliError {
    fn from(e: BundleError) -> Self {
        let e = match e {
            BundleError::Store(inner) => return inner.into(),
            other => other,
        };
        let mut err = match e {
            BundleError::BadPrefix { .. } => CliError::usage(e.to_string()),
            _ => CliError::user(e.to_string()).causes_of(&e),
        };
        for hint in e.hints() {
            err = err.hint(hint);
        }
        err
    }
}

impl From<iepcase::import::ImportError> for CliError {
    fn from(e: iepcase::import::ImportError) -> Self {
        use iepcase::import::ImportError as I;
        let hint = e.hint();
        let err = match e {
            I::Store(inner) => return inner.into(),
            I::Edit(inner) => return inner.into(),
            other => CliError::user(other.to_string()).causes_of(&other),
        };
        let err = match hint {
            Some(hint) => err.hint(hint),
            None => err,
        };
        err.hint("nothing was added")
    }
}

impl From<iepcase::ops::add::BatchError> for CliError {
    fn from(e: iepcase::ops::add::BatchError) -> Self {
        use iepcase::ops::add::{BadFile, BatchError};
        let mut err = match &e {
            BatchError::StdinTwice => CliError::usage(e.to_string()),
            BatchError::Invalid(bad) => {
                // What is wrong with each file: a record's diagnostics, else the one line.
                let detail: String = bad
                    .iter()
                    .map(|file| match file {
                        BadFile::Invalid { source, .. } => source.render(),
                        other => format!("{other}\n"),
                    })
                    .collect();
                CliError::user(e.to_string()).detail(detail)
            }
            _ => CliError::user(e.to_string()),
        };
        err.hints.extend(e.hints());
        err
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::user(e.to_string())
    }
}

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

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
        match &e {
            CryptoError::NoIdentity { .. } => CliError::user(e.to_string())
                .hint("create one with `iepcase keys new`, or point IEPCASE_IDENTITY at yours"),
            CryptoError::NoPassphrase { .. } => CliError::user(e.to_string()).hint(
                "run iepcase in a terminal so it can ask, or set IEPCASE_PASSPHRASE for scripts",
            ),
            CryptoError::WrongPassphrase { .. } => {
                CliError::user(e.to_string()).hint("check the passphrase and try again")
            }
            CryptoError::NotAMember { public_keys } => not_a_member(None, public_keys),
            CryptoError::BadRecipient { .. } => CliError::user(e.to_string())
                .hint("a public key looks like age1… or `ssh-ed25519 AAAA…`"),
            _ => CliError::user(e.to_string()).causes_of(&e),
        }
    }
}

fn not_a_member(case: Option<&str>, public_keys: &[String]) -> CliError {
    let what = case.map_or("this case".to_owned(), |c| format!("case `{c}`"));
    let mut err = CliError::user(format!("your key is not a member of {what}"));
    for key in public_keys {
        err = err.cause(format!("your public key: {key}"));
    }
    err.hint(
        "ask a member to run `iepcase share <your public key>` and push it; then `iepcase sync`",
    )
    .hint("if you have another identity file, point IEPCASE_IDENTITY at it")
}

impl From<StoreError> for CliError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(inner) => inner.into(),
            StoreError::Membership(inner) => inner.into(),
            StoreError::Crypto(inner) => inner.into(),
            StoreError::Id { source } => source.into(),
            StoreError::NotAMember {
                ref case,
                ref public_keys,
            } => not_a_member(Some(case), public_keys),
            _ => {
                let mut err = CliError::user(e.to_string());
                for cause in e.causes() {
                    err = err.cause(cause);
                }
                if e.shows_sources() {
                    err = err.causes_of(&e);
                }
                for hint in e.hints() {
                    err = err.hint(hint);
                }
                err
            }
        }
    }
}

impl From<iepcase::store::MembershipError> for CliError {
    fn from(e: iepcase::store::MembershipError) -> Self {
        use iepcase::store::MembershipError as M;
        let hint = match &e {
            M::AlreadyMember { .. } => "see the members with `iepcase recipients`",
            M::NotAMember { .. } => {
                "see the members, with their keys as written, with `iepcase recipients`"
            }
            M::LockOut { .. } => {
                "share the case with another key of yours first, or remove someone else"
            }
            M::Pending { .. } => {
                "check them with `iepcase recipients`, then `iepcase recipients accept` or `iepcase recipients reject`"
            }
        };
        let mut err = CliError::user(e.to_string()).hint(hint);
        if let M::Pending { keys, .. } = &e {
            for key in keys {
                err = err.cause(format!("not accepted yet: {key}"));
            }
        }
        err
    }
}

impl From<iepcase::sync::SyncError> for CliError {
    fn from(e: iepcase::sync::SyncError) -> Self {
        use iepcase::sync::SyncError as S;
        let hint = e.hint();
        if let S::Store(inner) = e {
            return inner.into();
        }
        if let S::Untrusted { case, url, source } = &e {
            return alarm(
                format!("refused what the remote {url} holds for case `{case}`"),
                case,
                vec![format!("{source}")],
            );
        }
        if let S::Rewritten {
            case,
            url,
            known,
            commit,
        } = &e
        {
            return alarm(
                format!(
                    "refused what the remote {url} holds for case `{case}`: its history was rewritten"
                ),
                case,
                vec![format!(
                    "its branch is now at commit {}, which does not contain commit {} that it held before",
                    iepcase::git::short(commit),
                    iepcase::git::short(known)
                )],
            );
        }
        if let S::HostKeyChanged {
            key,
            file,
            line,
            revoked,
            ..
        } = &e
        {
            return host_key_alarm(&e, key, file, *line, *revoked);
        }
        if let S::FingerprintMismatch { .. } = &e {
            return CliError {
                exit: Exit::Found,
                ..CliError::user(e.to_string())
            }
            .hint("check that you copied the fingerprint your host publishes for this key type; if you did, someone may be between you and the server: trust nothing, and tell the server's admin");
        }
        let mut err = CliError::user(e.to_string()).causes_of(&e);
        match &e {
            S::Rejected { server_said, .. } | S::Denied { server_said, .. } => {
                for line in server_said {
                    err = err.cause(format!("remote: {line}"));
                }
            }
            S::UnknownHost { key, .. } => {
                err = err.cause(format!(
                    "{} presents a {} key with fingerprint {}",
                    key.host_entry(),
                    key.key_type(),
                    key.fingerprint()
                ));
            }
            S::UntrustedCertificate {
                fingerprint: Some(fingerprint),
                ..
            } => {
                err = err.cause(format!(
                    "the server's certificate has SHA-256 fingerprint {fingerprint}"
                ));
            }
            S::Auth { offered, .. } => {
                for what in offered {
                    err = err.cause(format!("tried {what}"));
                }
            }
            _ => {}
        }
        if let Some(hint) = hint {
            err = err.hint(hint);
        }
        err
    }
}

impl From<iepcase::letters::LetterError> for CliError {
    fn from(e: iepcase::letters::LetterError) -> Self {
        use iepcase::letters::LetterError as L;
        match e {
            L::Spec(inner) => inner.into(),
            L::Unknown { ref suggestion, .. } => {
                let mut err = CliError::user(e.to_string());
                if let Some(s) = suggestion {
                    err = err.hint(format!("did you mean `{s}`?"));
                }
                err.hint("see the templates with `iepcase letter --list`")
            }
            L::MissingFacts { ref missing, .. } => {
                let flags: Vec<String> = missing
                    .iter()
                    .map(|n| format!("--set {}=\"{}\"", n.name, n.example.as_deref().unwrap_or("…")))
                    .collect();
                let from: Vec<&str> = missing.iter().flat_map(|n| n.from.iter()).map(String::as_str).collect();
                let mut err = CliError::user(e.to_string()).hint(format!("pass {}", flags.join(" ")));
                if from.iter().any(|f| f.starts_with("about.")) {
                    err = err.hint("or name the record it answers with --for ID, to take them from it");
                }
                err
            }
            L::WrongFor { .. } => CliError::user(e.to_string()).hint("name the record the letter answers with --for ID"),
            L::UnknownState { .. } => CliError::user(e.to_string()).hint("write the state's code in capitals, such as [states.MS] or [states.TX]"),
            L::NoticeAfterMeeting { meeting, .. } => {
                let before = meeting.0.yesterday().map_or_else(|_| "DATE".to_owned(), |d| d.to_string());
                CliError::user(e.to_string()).hint(format!(
                    "a notice must come before the meeting: date it earlier (--date {before} at the latest), \
                     or correct the meeting's date with --set meeting_date=DATE"
                ))
            }
            L::BadFact { ref name, example, .. } => {
                let hint = format!("write it like --set {name}=\"{example}\"");
                CliError::user(e.to_string()).hint(hint)
            }
            L::Template { builtin: true, .. } => CliError {
                exit: Exit::User,
                ..CliError::user(format!("{e} (a fault in a built-in template)"))
            }
            .hint("please report it; meanwhile copy the template into your workspace's templates/ folder and fix it there"),
            L::Template { .. } => CliError::user(e.to_string())
                .hint("fix the template (variables: case, sender, signer, from, letterhead, delivery, signature, about, facts, letter, date, to, agency)"),
            _ => CliError::user(e.to_string()),
        }
    }
}

impl From<WorkspaceError> for CliError {
    fn from(e: WorkspaceError) -> Self {
        match e {
            WorkspaceError::Config(inner) => inner.into(),
            WorkspaceError::NotFound { .. } | WorkspaceError::NotAWorkspace { .. } => {
                CliError::user(e.to_string()).hint(
                    "create one with `iepcase init DIR`, or pass `-w DIR` / set IEPCASE_WORKSPACE",
                )
            }
            WorkspaceError::NoCaseSelected { ref available } => {
                let mut err = CliError::user("no case selected");
                if available.is_empty() {
                    err = err.hint("create one with `iepcase case new SLUG --child NAME`");
                } else {
                    err = err.cause(format!("cases: {}", available.join(", "))).hint(
                        "pass `-c SLUG`, set IEPCASE_CASE, or run the command inside cases/SLUG",
                    );
                }
                err
            }
            WorkspaceError::UnknownCase {
                ref suggestion,
                ref available,
                ..
            } => {
                let mut err = CliError::user(e.to_string());
                if let Some(s) = suggestion {
                    err = err.hint(format!("did you mean `{s}`?"));
                }
                if !available.is_empty() {
                    err = err.cause(format!("cases: {}", available.join(", ")));
                }
                err.hint("see every case with `iepcase case list`")
            }
            WorkspaceError::AmbiguousCase { .. } => CliError::user(e.to_string())
                .hint("give more of the slug; see every case with `iepcase case list`"),
            WorkspaceError::StaleCurrentCase { .. } => CliError::user(e.to_string()).hint(
                "choose another with `iepcase case use SLUG`, or stop using one with \
                 `iepcase case use --clear`",
            ),
            WorkspaceError::CaseExists { .. } => {
                CliError::user(e.to_string()).hint("pick another slug, or see `iepcase case list`")
            }
            WorkspaceError::AlreadyExists { .. } => {
                CliError::user(e.to_string()).hint("use it as it is, or pick another folder")
            }
            WorkspaceError::InsideCases { ref workspace, .. } => CliError::user(e.to_string())
                .hint(format!(
                    "that workspace already holds its cases: use it with `iepcase -w {}`, or \
                     run `iepcase init` in a folder outside it",
                    workspace.display()
                )),
            WorkspaceError::BadSlug { .. } => CliError::usage(e.to_string()).hint(
                "use lowercase letters, digits and dashes, such as the child's initials and a \
                 year: `eq-2025`",
            ),
            _ => CliError::user(e.to_string()).causes_of(&e),
        }
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
        use iepcase::ops::records::ResolveError;
        let list = |copies: &[iepcase::record::RecordId]| {
            copies
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &e {
            ResolveError::NoConflict { .. } => CliError::user(e.to_string())
                .hint("conflicts show in `iepcase list` and `iepcase fsck`"),
            ResolveError::SeveralCopies { base, copies } => CliError::user(e.to_string())
                .cause(format!("copies: {}", list(copies)))
                .hint(format!(
                    "name the one to keep: `iepcase resolve {base} --keep {}`",
                    copies[0]
                )),
            ResolveError::UnknownCopy { copies, .. } => {
                CliError::usage(e.to_string()).hint(format!("copies: {}", list(copies)))
            }
        }
    }
}

impl From<iepcase::ops::attachments::DetachError> for CliError {
    fn from(e: iepcase::ops::attachments::DetachError) -> Self {
        use iepcase::ops::attachments::DetachError;
        let err = CliError::user(e.to_string());
        match &e {
            DetachError::NoAttachments { id } => {
                err.hint(format!("`iepcase show {id}` shows the record"))
            }
            DetachError::NoNumber { id, names, .. } => err.hint(format!(
                "give a number from 1 to {}: `iepcase detach {id} 1`",
                names.len()
            )),
            DetachError::NoName { id, .. } => err.hint(format!(
                "give the name exactly, or its number: `iepcase detach {id} 1`"
            )),
            DetachError::Ambiguous { id, numbers, .. } => err.hint(format!(
                "say which by number: `iepcase detach {id} {}`",
                numbers[0]
            )),
        }
    }
}

impl From<iepcase::ops::OpsError> for CliError {
    fn from(e: iepcase::ops::OpsError) -> Self {
        use iepcase::ops::OpsError;
        match e {
            OpsError::Store(inner) => inner.into(),
            OpsError::Record(inner) => inner.into(),
            OpsError::Edit(inner) => inner.into(),
            OpsError::Bundle(inner) => inner.into(),
            OpsError::Rule(inner) => inner.into(),
            OpsError::Import(inner) => inner.into(),
            OpsError::Letter(inner) => inner.into(),
            OpsError::Signer(inner) => inner.into(),
            OpsError::Sync(inner) => (*inner).into(),
            OpsError::Crypto(inner) => (*inner).into(),
            OpsError::Workspace(inner) => (*inner).into(),
            OpsError::NoChild => CliError::usage("--child is empty"),
            OpsError::Threads { .. } => CliError::user(e.to_string()),
            OpsError::KindsDiffer { .. } => CliError::user(e.to_string()).hint(
                "diff compares two records of one kind, or one record across its revisions",
            ),
            OpsError::OneVersion { ref id } => CliError::user(e.to_string()).hint(format!(
                "compare it with another record (`iepcase diff {id} OTHER`) or see `iepcase log {id}`"
            )),
            OpsError::NoSlugInTemplate { .. } => CliError::usage(e.to_string()).hint(
                "for example `iepcase remote add origin --all 'git@git.example.org:team/{slug}.git'`",
            ),
            OpsError::NoCases => CliError::user(e.to_string())
                .hint("create one with `iepcase case new SLUG --child NAME`"),
            OpsError::LabelNamesChild => CliError::user(e.to_string()).hint(
                "labels are not encrypted: describe the person's role, such as \"co-advocate\"",
            ),
            OpsError::InsideCases { .. } => CliError::user(e.to_string())
                .hint("write the bundle somewhere else: `--out ~/bundles/NAME`"),
            OpsError::MissingAttachment { .. } => CliError::user(e.to_string()).hint(
                "add files with `iepcase attach ID FILE` and remove them with `iepcase detach ID NAME`; \
                 do not write [[attachments]] by hand",
            ),
            OpsError::Duplicate(ref duplicate) => {
                let mut err = CliError::user(e.to_string());
                if let iepcase::ops::records::SameAs::Record(id) = &duplicate.same_as {
                    err = err.hint(format!("nothing was added; `iepcase show {id}` shows it"));
                }
                err.hint("to add it anyway, run the same command again with --duplicate")
            }
            OpsError::Resolve(inner) => inner.into(),
            OpsError::Detach(inner) => inner.into(),
            OpsError::Export(iepcase::ops::export::ExportError::NotEmpty { .. }) => {
                CliError::user(e.to_string())
                    .hint("export into a new folder; nothing is ever overwritten")
            }
            OpsError::Export(iepcase::ops::export::ExportError::Unreadable { .. }) => {
                CliError::user(e.to_string()).hint("run `iepcase fsck` to see what is wrong")
            }
            OpsError::NoSuchRecord(_) => {
                CliError::user(e.to_string()).hint("give the full id of a removed record")
            }
            OpsError::Exists { .. } => CliError::user(e.to_string())
                .hint("pass --force to overwrite, or --out to pick another folder"),
            OpsError::Io { ref source, .. } => CliError::user(e.to_string()).cause(source.to_string()),
            OpsError::BlankTracking => CliError::user("--tracking is blank")
                .hint("give the certified-mail number: `--tracking \"7019 0700 0000 1234 5678\"`"),
            OpsError::BadRecipient => {
                CliError::usage("--disclosed-to needs one line naming who received the bundle")
                    .hint("for example: --disclosed-to \"District counsel\"")
            }
        }
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

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::user(e.to_string())
    }
}

/// A changed or revoked SSH host key: exit 3, and no way around it in the same command.
fn host_key_alarm(
    e: &iepcase::sync::SyncError,
    key: &iepcase::sync::HostKey,
    file: &std::path::Path,
    line: usize,
    revoked: bool,
) -> CliError {
    let what = if revoked {
        format!(
            "line {line} of {} marks this key as revoked",
            file.display()
        )
    } else {
        format!(
            "the key trusted for it is on line {line} of {}",
            file.display()
        )
    };
    CliError {
        exit: Exit::Found,
        ..CliError::user(e.to_string())
    }
    .cause(format!(
        "it now presents a {} key with fingerprint {}",
        key.key_type(),
        key.fingerprint()
    ))
    .cause(what)
    .hint("this may be an attack: someone between you and the server could be reading or changing what you send; nothing was sent")
    .hint(format!(
        "ask the server's admin whether its key changed and what the new fingerprint is; only if it matches, remove the old key with `ssh-keygen -R '{}' -f {}` and trust the new one with `iepcase remote trust {} --fingerprint NEW-FINGERPRINT`",
        key.host_entry(),
        file.display(),
        key.address()
    ))
}

/// A security alarm about what a remote holds: exit 3, nothing changed here.
fn alarm(message: String, case: &str, causes: Vec<String>) -> CliError {
    let mut err = CliError {
        exit: Exit::Found,
        ..CliError::user(message)
    };
    for cause in causes {
        err = err.cause(cause);
    }
    err.hint(format!(
        "nothing was changed here: case `{case}` stays at its last trusted commit, and nothing was pushed"
    ))
    .hint(
        "no member of the case made this change with iepcase: someone with write access to the \
         remote did; tell the case's members and check who can push to it",
    )
    .hint(format!(
        "once you are sure your copy holds everyone's work, put the remote right with \
         `git -C cases/{case} push --force origin main`, then sync again"
    ))
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

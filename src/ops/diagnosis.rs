//! What a failure means to the person who hit it: one line saying what went wrong, its
//! causes, any detail pointing into the text, the hints that fix it, and whether it was a
//! mistake in how the command was called, a problem to fix, or an alarm. Every library error
//! converts here, so a front end only renders; it does not decide what to advise.

use crate::bundle::BundleError;
use crate::crypto::CryptoError;
use crate::import::ImportError;
use crate::letters::{LetterError, SignerError};
use crate::record::edit::EditError;
use crate::record::{IdError, RecordError};
use crate::rules::RuleError;
use crate::store::{MembershipError, StoreError};
use crate::sync::SyncError;
use crate::typeset::TypesetError;
use crate::workspace::WorkspaceError;

use super::OpsError;
use super::add::{BadFile, BatchError};
use super::records::ResolveError;

/// What kind of failure it is (the command line turns each into an exit code).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Something the user can fix: a missing file, a locked case, a bad record.
    Fixable,
    /// The command was called wrongly: a bad flag value or argument.
    Usage,
    /// Something was found that someone should look at (a rewound remote).
    Alarm,
}

/// A failure as the user is told about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    pub class: Class,
    pub message: String,
    pub causes: Vec<String>,
    /// Pre-rendered detail (diagnostics pointing at the text).
    pub detail: Option<String>,
    pub hints: Vec<String>,
}

impl Diagnosis {
    /// A failure the user can fix, with nothing more to say yet.
    pub fn fixable(message: impl Into<String>) -> Diagnosis {
        Diagnosis {
            class: Class::Fixable,
            message: message.into(),
            causes: Vec::new(),
            detail: None,
            hints: Vec::new(),
        }
    }

    /// A mistake in how the command was called.
    pub fn usage(message: impl Into<String>) -> Diagnosis {
        Diagnosis {
            class: Class::Usage,
            ..Diagnosis::fixable(message)
        }
    }

    fn hint(mut self, hint: impl Into<String>) -> Diagnosis {
        self.hints.push(hint.into());
        self
    }

    /// Adds the source chain of `error` as causes, leaving out what the message already says.
    fn causes_of(mut self, error: &dyn std::error::Error) -> Diagnosis {
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

impl From<RecordError> for Diagnosis {
    fn from(e: RecordError) -> Self {
        let count = e.diagnostics().len();
        let mut d = Diagnosis::fixable(e.to_string());
        d.detail = Some(e.render());
        if count > 1 {
            d.causes.push(format!("{count} problems"));
        }
        d
    }
}

impl From<EditError> for Diagnosis {
    fn from(e: EditError) -> Self {
        Diagnosis::fixable(e.to_string())
            .hint("paths look like `title`, `extra.school_year` or `goals[2].text`")
    }
}

impl From<IdError> for Diagnosis {
    fn from(e: IdError) -> Self {
        let hint = match &e {
            IdError::Ambiguous { .. } => "give more characters of the id",
            _ => "see the ids with `iepcase list`",
        };
        Diagnosis::fixable(e.to_string()).hint(hint)
    }
}

impl From<CryptoError> for Diagnosis {
    fn from(e: CryptoError) -> Self {
        let mut d = Diagnosis::fixable(e.to_string());
        d.causes.extend(e.causes());
        d.hints.extend(e.hints());
        if d.hints.is_empty() {
            d = d.causes_of(&e);
        }
        d
    }
}

impl From<StoreError> for Diagnosis {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(inner) => inner.into(),
            StoreError::Membership(inner) => inner.into(),
            StoreError::Crypto(inner) => inner.into(),
            StoreError::Id { source } => source.into(),
            _ => {
                let mut d = Diagnosis::fixable(e.to_string());
                d.causes.extend(e.causes());
                if e.shows_sources() {
                    d = d.causes_of(&e);
                }
                d.hints.extend(e.hints());
                d
            }
        }
    }
}

impl From<MembershipError> for Diagnosis {
    fn from(e: MembershipError) -> Self {
        let mut d = Diagnosis::fixable(e.to_string()).hint(e.hint());
        d.causes.extend(e.causes());
        d
    }
}

impl From<SyncError> for Diagnosis {
    fn from(e: SyncError) -> Self {
        if let SyncError::Store(inner) = e {
            return inner.into();
        }
        let mut d = Diagnosis::fixable(e.headline());
        if e.is_alarm() {
            d.class = Class::Alarm;
        } else {
            d = d.causes_of(&e);
        }
        d.causes.extend(e.causes());
        d.hints.extend(e.hints());
        d
    }
}

impl From<LetterError> for Diagnosis {
    fn from(e: LetterError) -> Self {
        let mut d = match e {
            LetterError::Spec(inner) => return inner.into(),
            LetterError::Template { builtin: true, .. } => {
                Diagnosis::fixable(format!("{e} (a fault in a built-in template)"))
            }
            _ => Diagnosis::fixable(e.to_string()),
        };
        d.hints.extend(super::letter_hints(&e));
        d
    }
}

impl From<WorkspaceError> for Diagnosis {
    fn from(e: WorkspaceError) -> Self {
        let mut d = match e {
            WorkspaceError::Config(inner) => return inner.into(),
            WorkspaceError::BadSlug { .. } => Diagnosis::usage(e.to_string()),
            _ => Diagnosis::fixable(e.to_string()),
        };
        d.causes.extend(e.causes());
        d.hints.extend(e.hints());
        if d.hints.is_empty() {
            d = d.causes_of(&e);
        }
        d
    }
}

impl From<RuleError> for Diagnosis {
    fn from(e: RuleError) -> Self {
        let hint = "fix the rule file (its fields are in docs/deadlines.md), or move it out of the \
                    workspace's rules/ folder to use the built-in rules";
        match e {
            RuleError::Invalid(inner) => Diagnosis::from(inner).hint(hint),
            RuleError::Io { .. } => Diagnosis::fixable(e.to_string()).causes_of(&e).hint(hint),
        }
    }
}

impl From<ResolveError> for Diagnosis {
    fn from(e: ResolveError) -> Self {
        let mut d = match e {
            ResolveError::UnknownCopy { .. } => Diagnosis::usage(e.to_string()),
            _ => Diagnosis::fixable(e.to_string()),
        };
        d.causes.extend(e.causes());
        d.hints.extend(e.hints());
        d
    }
}

impl From<OpsError> for Diagnosis {
    fn from(e: OpsError) -> Self {
        let mut d = match e {
            OpsError::Store(inner) => return inner.into(),
            OpsError::Record(inner) => return inner.into(),
            OpsError::Edit(inner) => return inner.into(),
            OpsError::Bundle(inner) => return inner.into(),
            OpsError::Rule(inner) => return inner.into(),
            OpsError::Import(inner) => return inner.into(),
            OpsError::Batch(inner) => return inner.into(),
            OpsError::InvalidDraft(inner) => {
                let hints = inner.hints();
                let mut d = Diagnosis::from(inner.source);
                d.hints.extend(hints);
                return d;
            }
            OpsError::Letter(inner) => return inner.into(),
            OpsError::Signer(inner) => return inner.into(),
            OpsError::Sync(inner) => return (*inner).into(),
            OpsError::Crypto(inner) => return (*inner).into(),
            OpsError::Workspace(inner) => return (*inner).into(),
            OpsError::Resolve(inner) => return inner.into(),
            OpsError::NoChild => return Diagnosis::usage("--child is empty"),
            OpsError::BlankTracking => {
                return Diagnosis::fixable("--tracking is blank").hint(
                    "give the certified-mail number: `--tracking \"7019 0700 0000 1234 5678\"`",
                );
            }
            OpsError::BadRecipient => {
                return Diagnosis::usage(
                    "--disclosed-to needs one line naming who received the bundle",
                )
                .hint("for example: --disclosed-to \"District counsel\"");
            }
            OpsError::NoSlugInTemplate { .. } | OpsError::NoSlugInUrl { .. } => {
                Diagnosis::usage(e.to_string())
            }
            _ => Diagnosis::fixable(e.to_string()),
        };
        d.causes.extend(e.causes());
        d.hints.extend(e.hints());
        d
    }
}

impl From<SignerError> for Diagnosis {
    fn from(e: SignerError) -> Self {
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
        Diagnosis::fixable(e.to_string()).hint(hint)
    }
}

impl From<TypesetError> for Diagnosis {
    fn from(e: TypesetError) -> Self {
        Diagnosis::fixable(e.to_string())
            .hint("this is likely a bug in iepcase: please report it with the command you ran")
    }
}

impl From<BundleError> for Diagnosis {
    fn from(e: BundleError) -> Self {
        let e = match e {
            BundleError::Store(inner) => return inner.into(),
            other => other,
        };
        let mut d = match e {
            BundleError::BadPrefix { .. } => Diagnosis::usage(e.to_string()),
            _ => Diagnosis::fixable(e.to_string()).causes_of(&e),
        };
        d.hints.extend(e.hints());
        d
    }
}

impl From<ImportError> for Diagnosis {
    fn from(e: ImportError) -> Self {
        let hint = e.hint();
        let d = match e {
            ImportError::Store(inner) => return inner.into(),
            ImportError::Edit(inner) => return inner.into(),
            other => Diagnosis::fixable(other.to_string()).causes_of(&other),
        };
        let d = match hint {
            Some(hint) => d.hint(hint),
            None => d,
        };
        d.hint("nothing was added")
    }
}

impl From<BatchError> for Diagnosis {
    fn from(e: BatchError) -> Self {
        let mut d = match &e {
            BatchError::StdinTwice => Diagnosis::usage(e.to_string()),
            BatchError::Invalid(bad) => {
                // What is wrong with each file: a record's diagnostics, else the one line.
                let detail: String = bad
                    .iter()
                    .map(|file| match file {
                        BadFile::Invalid { source, .. } => source.render(),
                        other => format!("{other}\n"),
                    })
                    .collect();
                let mut d = Diagnosis::fixable(e.to_string());
                d.detail = Some(detail);
                d
            }
            _ => Diagnosis::fixable(e.to_string()),
        };
        d.hints.extend(e.hints());
        d
    }
}

impl From<super::output::WriteError> for Diagnosis {
    fn from(e: super::output::WriteError) -> Self {
        let mut d = Diagnosis::fixable(e.to_string());
        d.causes.push(e.reason);
        d.hint("pick a folder you can write to, and a file name in it")
    }
}

impl From<std::io::Error> for Diagnosis {
    fn from(e: std::io::Error) -> Self {
        Diagnosis::fixable(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    #[test]
    fn a_bad_flag_value_is_a_usage_mistake() {
        let d = Diagnosis::from(OpsError::NoChild);
        assert_eq!(d, Diagnosis::usage("--child is empty"));
        let d = Diagnosis::from(WorkspaceError::BadSlug {
            slug: "Eva Q".into(),
            reason: "it has a space",
        });
        assert_eq!(d.class, Class::Usage);
        assert!(d.hints[0].contains("`eq-2025`"), "{d:?}");
    }

    #[test]
    fn a_blank_tracking_number_says_how_to_give_one() {
        let d = Diagnosis::from(OpsError::BlankTracking);
        assert_eq!(d.class, Class::Fixable);
        assert_eq!(d.message, "--tracking is blank");
        assert_eq!(
            d.hints,
            ["give the certified-mail number: `--tracking \"7019 0700 0000 1234 5678\"`"]
        );
    }

    #[test]
    fn a_rewritten_remote_is_an_alarm() {
        let oid = git2::Oid::from_str("1234567890abcdef1234567890abcdef12345678").unwrap();
        let d = Diagnosis::from(SyncError::Rewritten {
            case: "eq-2025".into(),
            url: "git@example.org:eq.git".into(),
            known: oid,
            commit: oid,
        });
        assert_eq!(d.class, Class::Alarm);
        // A wrapped error keeps the class of the one inside.
        let wrapped = Diagnosis::from(OpsError::from(SyncError::Rewritten {
            case: "eq-2025".into(),
            url: "git@example.org:eq.git".into(),
            known: oid,
            commit: oid,
        }));
        assert_eq!(wrapped, d);
    }

    #[test]
    fn a_failed_import_says_nothing_was_added_after_its_own_advice() {
        let d = Diagnosis::from(ImportError::NotAFile {
            path: PathBuf::from("notes"),
        });
        assert_eq!(
            d.hints,
            [
                "check the file name and that you may read it",
                "nothing was added"
            ]
        );
    }

    #[test]
    fn causes_leave_out_what_the_message_already_says() {
        let e = RuleError::Io {
            path: PathBuf::from("rules"),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        };
        let d = Diagnosis::from(e);
        assert_eq!(d.message, "cannot read the rule files in rules");
        assert_eq!(d.causes, ["denied"]);
        assert!(d.hints[0].starts_with("fix the rule file"), "{d:?}");

        let d = Diagnosis::fixable("cannot read: denied").causes_of(&RuleError::Io {
            path: PathBuf::from("rules"),
            source: std::io::Error::other("denied"),
        });
        assert!(d.causes.is_empty(), "{d:?}");
    }
}

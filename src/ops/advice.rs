//! What to tell the user of a use case's own refusals beyond their messages: the facts that
//! explain them and what to do, with the exact command. The errors of the layers underneath
//! carry their own advice.

use super::OpsError;
use super::attachments::DetachError;
use super::export::ExportError;
use super::records::{ResolveError, SameAs};
use crate::letters::LetterError;
use crate::record::RecordId;

impl OpsError {
    /// Facts that explain the error beyond its message.
    pub fn causes(&self) -> Vec<String> {
        match self {
            OpsError::Io { source, .. } => vec![source.to_string()],
            OpsError::Resolve(e) => e.causes(),
            _ => Vec::new(),
        }
    }

    /// What to do about the error, with the exact command where there is one.
    pub fn hints(&self) -> Vec<String> {
        use OpsError as O;
        let one = |hint: &str| vec![hint.to_owned()];
        match self {
            O::KindsDiffer { .. } => {
                one("diff compares two records of one kind, or one record across its revisions")
            }
            O::OneVersion { id } => vec![format!(
                "compare it with another record (`iepcase diff {id} OTHER`) or see `iepcase log {id}`"
            )],
            O::NoSlugInTemplate { .. } => one(
                "for example `iepcase remote add origin --all 'git@git.example.org:team/{slug}.git'`",
            ),
            O::NoSlugInUrl { .. } => one("give one: `iepcase clone URL SLUG`"),
            O::NoCases => one("create one with `iepcase case new SLUG --child NAME`"),
            O::LabelNamesChild => {
                one("labels are not encrypted: describe the person's role, such as \"co-advocate\"")
            }
            O::InsideCases { .. } => one("write the bundle somewhere else: `--out ~/bundles/NAME`"),
            O::MissingAttachment { .. } => one(
                "add files with `iepcase attach ID FILE` and remove them with `iepcase detach ID NAME`; \
                 do not write [[attachments]] by hand",
            ),
            O::Duplicate(duplicate) => {
                let shown = match &duplicate.same_as {
                    SameAs::Record(id) => {
                        Some(format!("nothing was added; `iepcase show {id}` shows it"))
                    }
                    SameAs::File(_) => None,
                };
                shown
                    .into_iter()
                    .chain(["to add it anyway, run the same command again with --duplicate".into()])
                    .collect()
            }
            O::Resolve(e) => e.hints(),
            O::Batch(e) => e.hints(),
            O::InvalidDraft(e) => e.hints(),
            O::Detach(e) => vec![e.hint()],
            O::Export(ExportError::NotEmpty { .. }) => {
                one("export into a new folder; nothing is ever overwritten")
            }
            O::Export(ExportError::Unreadable { .. }) => {
                one("run `iepcase fsck` to see what is wrong")
            }
            O::NoSuchRecord(_) => one("give the full id of a removed record"),
            O::Exists { .. } => one("pass --force to overwrite, or --out to pick another folder"),
            O::NotADemo { .. } => {
                one("pass an empty or new folder: `iepcase demo /tmp/iepcase-demo`")
            }
            _ => Vec::new(),
        }
    }
}

impl ResolveError {
    /// Facts that explain the error beyond its message: the copies to choose from.
    pub fn causes(&self) -> Vec<String> {
        match self {
            ResolveError::SeveralCopies { copies, .. } => vec![format!("copies: {}", list(copies))],
            _ => Vec::new(),
        }
    }

    /// What to do about the error: where conflicts show, or which copy to name.
    pub fn hints(&self) -> Vec<String> {
        match self {
            ResolveError::NoConflict { .. } => {
                vec!["conflicts show in `iepcase list` and `iepcase fsck`".into()]
            }
            ResolveError::SeveralCopies { base, copies } => vec![format!(
                "name the one to keep: `iepcase resolve {base} --keep {}`",
                copies[0]
            )],
            ResolveError::UnknownCopy { copies, .. } => vec![format!("copies: {}", list(copies))],
        }
    }
}

impl DetachError {
    /// How to name the attachment to remove.
    pub fn hint(&self) -> String {
        match self {
            DetachError::NoAttachments { id } => format!("`iepcase show {id}` shows the record"),
            DetachError::NoNumber { id, names, .. } => format!(
                "give a number from 1 to {}: `iepcase detach {id} 1`",
                names.len()
            ),
            DetachError::NoName { id, .. } => {
                format!("give the name exactly, or its number: `iepcase detach {id} 1`")
            }
            DetachError::Ambiguous { id, numbers, .. } => {
                format!("say which by number: `iepcase detach {id} {}`", numbers[0])
            }
        }
    }
}

/// What to do about a letter that cannot be written, with the flag or the template change
/// that fixes it. It lives here, beside the use case that writes letters, so that the letter
/// model stays free of the command line's words.
pub fn letter_hints(e: &LetterError) -> Vec<String> {
    use LetterError as L;
    match e {
        L::Unknown { suggestion, .. } => suggestion
            .iter()
            .map(|s| format!("did you mean `{s}`?"))
            .chain(["see the templates with `iepcase letter --list`".to_owned()])
            .collect(),
        L::MissingFacts { missing, .. } => missing_facts(missing),
        L::WrongFor { .. } => vec!["name the record the letter answers with --for ID".into()],
        L::UnknownState { .. } => {
            vec!["write the state's code in capitals, such as [states.MS] or [states.TX]".into()]
        }
        L::NoticeAfterMeeting { meeting, .. } => {
            let before = meeting
                .0
                .yesterday()
                .map_or_else(|_| "DATE".to_owned(), |d| d.to_string());
            vec![format!(
                "a notice must come before the meeting: date it earlier (--date {before} at the \
                 latest), or correct the meeting's date with --set meeting_date=DATE"
            )]
        }
        L::BadFact { name, example, .. } => {
            vec![format!("write it like --set {name}=\"{example}\"")]
        }
        L::Template { builtin: true, .. } => vec![
            "please report it; meanwhile copy the template into your workspace's templates/ \
             folder and fix it there"
                .into(),
        ],
        L::Template { .. } => vec![
            "fix the template (variables: case, sender, signer, from, letterhead, delivery, \
             signature, about, facts, letter, date, to, agency)"
                .into(),
        ],
        _ => Vec::new(),
    }
}

/// The flags that give a letter the facts it is missing, and, when some could come from the
/// record it answers, how to name that record.
fn missing_facts(missing: &[crate::letters::Need]) -> Vec<String> {
    let flags: Vec<String> = missing
        .iter()
        .map(|n| {
            format!(
                "--set {}=\"{}\"",
                n.name,
                n.example.as_deref().unwrap_or("…")
            )
        })
        .collect();
    let mut hints = vec![format!("pass {}", flags.join(" "))];
    if missing
        .iter()
        .flat_map(|n| &n.from)
        .any(|f| f.starts_with("about."))
    {
        hints.push("or name the record it answers with --for ID, to take them from it".into());
    }
    hints
}

/// "a, b, c".
fn list(copies: &[RecordId]) -> String {
    copies
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Date, Kind};

    #[test]
    fn missing_facts_are_asked_for_as_flags_and_by_the_record_they_come_from() {
        let need = |name: &str, from: &[&str], example: Option<&str>| crate::letters::Need {
            name: name.into(),
            what: name.into(),
            from: from.iter().map(|f| (*f).to_owned()).collect(),
            example: example.map(str::to_owned),
        };
        let from_flags = LetterError::MissingFacts {
            template: "records-request".into(),
            missing: vec![
                need("school", &[], Some("Larkspur")),
                need("grade", &[], None),
            ],
        };
        assert_eq!(
            letter_hints(&from_flags),
            ["pass --set school=\"Larkspur\" --set grade=\"…\""]
        );
        let from_record = LetterError::MissingFacts {
            template: "meeting-follow-up".into(),
            missing: vec![need("meeting_date", &["about.date"], Some("2026-10-20"))],
        };
        assert_eq!(letter_hints(&from_record).len(), 2);
    }

    #[test]
    fn a_late_notice_is_told_the_last_day_it_may_carry() {
        let e = LetterError::NoticeAfterMeeting {
            letter: "2026-10-20".parse().unwrap(),
            meeting: "2026-10-20".parse().unwrap(),
        };
        assert!(letter_hints(&e)[0].contains("--date 2026-10-19 at the latest"));
    }

    fn id(text: &str) -> RecordId {
        RecordId::parse(text).expect("a valid record id")
    }

    #[test]
    fn a_duplicate_of_a_record_points_at_it_but_one_of_a_file_does_not() {
        let duplicate = |same_as| {
            OpsError::Duplicate(Box::new(super::super::records::Duplicate {
                origin: "b.toml".into(),
                same_as,
                kind: Kind::Communication,
                date: "2026-01-05".parse::<Date>().expect("a date"),
                title: "Call".into(),
            }))
        };
        let of_record = duplicate(SameAs::Record(id("k3f9a2bq7x")));
        assert_eq!(of_record.hints().len(), 2);
        assert!(of_record.hints()[0].contains("iepcase show k3f9a2bq7x"));
        let of_file = duplicate(SameAs::File("a.toml".into()));
        assert_eq!(
            of_file.hints(),
            ["to add it anyway, run the same command again with --duplicate"]
        );
    }

    #[test]
    fn several_copies_are_listed_and_the_first_offered() {
        let e = ResolveError::SeveralCopies {
            base: id("k3f9a2bq7x"),
            copies: vec![id("k3f9a2bq7x.conflict-1"), id("k3f9a2bq7x.conflict-2")],
        };
        assert_eq!(
            e.causes(),
            ["copies: k3f9a2bq7x.conflict-1, k3f9a2bq7x.conflict-2"]
        );
        assert_eq!(
            e.hints(),
            ["name the one to keep: `iepcase resolve k3f9a2bq7x --keep k3f9a2bq7x.conflict-1`"]
        );
        let through = OpsError::Resolve(e);
        assert_eq!(through.causes().len(), 1);
    }

    #[test]
    fn detaching_an_ambiguous_name_offers_its_first_number() {
        let e = DetachError::Ambiguous {
            id: id("k3f9a2bq7x"),
            wanted: "scan.pdf".into(),
            numbers: vec![2, 4],
        };
        assert_eq!(
            e.hint(),
            "say which by number: `iepcase detach k3f9a2bq7x 2`"
        );
    }
}

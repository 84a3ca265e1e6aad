//! `import`: e-mails, mbox files, PDFs and images read into draft records, checked against
//! what the case already holds, then added in one commit.

use std::path::PathBuf;

use crate::git::CommitContext;
use crate::import::{self, Draft, Earlier, Known, Plan};
use crate::record::{Kind, RecordError};
use crate::store::{Case, CaseLock};
use crate::workspace::Workspace;

use super::records::Written;
use super::{Notice, OpsError};

impl Workspace {
    /// The user's own e-mail addresses (the commit author's and the advocate's): messages
    /// from them were sent, not received.
    pub fn my_addresses(&self) -> Vec<String> {
        self.config
            .author
            .email
            .iter()
            .chain(self.config.advocate.iter().flat_map(|a| a.email.iter()))
            .cloned()
            .collect()
    }
}

/// Reads `files` (absolute paths) into drafts, leaving out what the case already holds (same
/// Message-ID or same content); `progress` hears how many bytes of how many are read.
pub fn plan(
    case: &Case,
    files: &[PathBuf],
    options: &import::Options,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Plan, OpsError> {
    let loaded = case.records()?;
    let known = Known::from_records(&loaded.records);
    Ok(import::plan(files, options, &known, progress)?)
}

/// Whether `kind` (`--kind`) went unused: it names what PDFs and images become, and every
/// draft is an e-mail.
pub fn kind_unused(plan: &Plan, kind: Kind) -> bool {
    kind != Kind::Communication
        && !plan.drafts.is_empty()
        && plan.drafts.iter().all(|d| d.kind == Kind::Communication)
}

/// A draft that is not a valid record as read (a field the file did not give).
#[derive(Debug, thiserror::Error)]
#[error("{source}")]
pub struct InvalidDraft {
    pub kind: Kind,
    pub source: RecordError,
}

impl InvalidDraft {
    /// What to pass to make the draft a record.
    pub fn hints(&self) -> Vec<String> {
        let kind = self.kind;
        vec![
            format!(
                "give the fields a {kind} needs with --set FIELD=VALUE (`iepcase new {kind}` \
                 lists them), or add --edit to fill them in"
            ),
            "nothing was added".into(),
        ]
    }
}

/// Refuses the first of `drafts` that is not a valid record, before anything is added.
pub fn check(drafts: &[Draft]) -> Result<(), OpsError> {
    for draft in drafts {
        if let Err(source) = draft.validate() {
            let kind = draft.kind;
            return Err(OpsError::InvalidDraft(Box::new(InvalidDraft {
                kind,
                source,
            })));
        }
    }
    Ok(())
}

/// Adds `drafts` as records, with their files attached, in one commit.
pub fn save(
    case: &Case,
    lock: &CaseLock,
    drafts: &[Draft],
    context: &CommitContext,
) -> Result<Vec<Written>, OpsError> {
    let mut tx = case.transaction(lock);
    let saved = import::save(&mut tx, drafts)?;
    let message = match saved.as_slice() {
        [(one, _)] => format!("add record {one}"),
        many => format!("add {} records", many.len()),
    };
    tx.commit(&message, context)?;
    Ok(saved
        .into_iter()
        .map(|(id, record)| {
            let dangling = super::records::dangling(case, &record);
            Written {
                id,
                record,
                dangling,
            }
        })
        .collect())
}

/// What reading the files has to tell: its warnings, and each file left out as already
/// imported.
pub fn plan_notices(plan: &Plan) -> Vec<Notice> {
    let mut notices: Vec<Notice> = (plan.warnings.iter())
        .map(|w| Notice::Warning(w.clone()))
        .collect();
    for skipped in &plan.skipped {
        let by = if skipped.same_message_id {
            "same Message-ID"
        } else {
            "same content"
        };
        let earlier = match &skipped.earlier {
            Earlier::Record(id) => format!("record {id}"),
            Earlier::ThisImport(origin) => origin.clone(),
        };
        notices.push(Notice::Status(format!(
            "Skipped {}: already in {earlier} ({by})",
            skipped.origin
        )));
    }
    notices
}

/// What adding `saved` from `drafts` has to tell: what was added from which file, with what
/// was guessed unless the user saw each record in the editor (`edited`).
pub fn saved_notices(saved: &[Written], drafts: &[Draft], edited: bool) -> Vec<Notice> {
    let mut notices = Vec::new();
    for (written, draft) in saved.iter().zip(drafts) {
        notices.extend(super::records::dangling_notices(&written.dangling));
        notices.push(Notice::Status(format!(
            "Added {} {} from {}: {}",
            written.record.kind(),
            written.id,
            draft.origin,
            written.record.title()
        )));
        if !edited {
            for guess in &draft.guesses {
                notices.push(Notice::Status(format!("  guessed: {guess}")));
            }
        }
    }
    if !edited && drafts.iter().any(|d| !d.guesses.is_empty()) {
        notices.push(Notice::Hint(
            "check the guesses with `iepcase show ID`; change them with `iepcase edit ID`, or \
             import with --edit to see each record first"
                .into(),
        ));
    }
    notices
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Options;
    use crate::ops::fixture::Workspace as Fixture;
    use crate::store::fixture::context;

    const MESSAGE: &str = "Message-ID: <m1@example.org>\r\nFrom: Principal <p@school.example>\r\n\
        To: me@example.org\r\nDate: Tue, 3 Mar 2026 10:00:00 -0600\r\n\
        Subject: Meeting on Friday\r\n\r\nWe will meet on Friday.\r\n";

    fn options(kind: Kind) -> Options {
        Options {
            kind,
            date: None,
            title: None,
            sets: Vec::new(),
            my_addresses: vec!["me@example.org".into()],
            today: "2026-03-10".parse().unwrap(),
        }
    }

    #[test]
    fn a_message_imported_twice_is_skipped_the_second_time() {
        let fx = Fixture::new(&["c1"]);
        let file = fx.root().join("m.eml");
        std::fs::write(&file, MESSAGE).unwrap();
        let (case, lock) = fx.open("c1");
        let options = options(Kind::Communication);
        let first = plan(&case, std::slice::from_ref(&file), &options, &mut |_, _| {}).unwrap();
        assert_eq!(first.drafts.len(), 1);
        check(&first.drafts).unwrap();
        let saved = save(&case, &lock, &first.drafts, &context()).unwrap();
        assert_eq!(saved[0].record.title(), "Meeting on Friday");
        let again = plan(&case, &[file], &options, &mut |_, _| {}).unwrap();
        assert!(again.drafts.is_empty());
        assert!(again.skipped[0].same_message_id);
        assert_eq!(
            plan_notices(&again),
            [Notice::Status(format!(
                "Skipped m.eml: already in record {} (same Message-ID)",
                saved[0].id
            ))]
        );
    }

    #[test]
    fn what_was_added_is_told_with_its_guesses_unless_the_user_saw_them() {
        let fx = Fixture::new(&["c1"]);
        let file = fx.root().join("m.eml");
        std::fs::write(&file, MESSAGE).unwrap();
        let (case, lock) = fx.open("c1");
        let mut drafts = plan(
            &case,
            &[file],
            &options(Kind::Communication),
            &mut |_, _| {},
        )
        .unwrap()
        .drafts;
        drafts[0].guesses = vec!["the direction: received".into()];
        let saved = save(&case, &lock, &drafts, &context()).unwrap();
        let added = Notice::Status(format!(
            "Added communication {} from m.eml: Meeting on Friday",
            saved[0].id
        ));
        let told = saved_notices(&saved, &drafts, false);
        assert_eq!(told[0], added);
        assert_eq!(
            told[1],
            Notice::Status("  guessed: the direction: received".into())
        );
        assert!(matches!(&told[2], Notice::Hint(h) if h.contains("--edit")));
        assert_eq!(saved_notices(&saved, &drafts, true), [added]);
    }

    #[test]
    fn a_kind_for_pdfs_is_unused_when_only_messages_are_imported() {
        let fx = Fixture::new(&["c1"]);
        let file = fx.root().join("m.eml");
        std::fs::write(&file, MESSAGE).unwrap();
        let (case, _lock) = fx.open("c1");
        let options = options(Kind::Evaluation);
        let plan = plan(&case, &[file], &options, &mut |_, _| {}).unwrap();
        assert!(kind_unused(&plan, Kind::Evaluation));
        assert!(!kind_unused(&plan, Kind::Communication));
        assert!(!kind_unused(&Plan::default(), Kind::Evaluation));
    }

    #[test]
    fn a_draft_missing_a_field_its_kind_needs_is_refused_with_what_to_pass() {
        let fx = Fixture::new(&["c1"]);
        let file = fx.root().join("m.eml");
        std::fs::write(&file, MESSAGE).unwrap();
        let (case, _lock) = fx.open("c1");
        let mut drafts = plan(
            &case,
            &[file],
            &options(Kind::Communication),
            &mut |_, _| {},
        )
        .unwrap()
        .drafts;
        drafts[0].text = drafts[0].text.replace("title =", "untitled =");
        let Err(OpsError::InvalidDraft(refused)) = check(&drafts) else {
            panic!("a draft without a title was taken")
        };
        assert_eq!(refused.kind, Kind::Communication);
        assert!(refused.hints()[0].contains("`iepcase new communication`"));
    }
}

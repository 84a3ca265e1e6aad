//! `letter`: who signs, the facts given on the command line, and recording a letter sent.

use std::collections::BTreeMap;

use crate::git::CommitContext;
use crate::letters::{self, Format, Signer, SignerError, Signing};
use crate::record::{CaseMeta, Date, RecordId, edit, parse_record};
use crate::store::{Case, CaseLock};
use crate::workspace::{Advocate, Workspace};

use super::OpsError;

/// The name a letter is signed with when no name is known at all.
pub const PLACEHOLDER: &str = "iepcase user";

impl Workspace {
    /// The sender from the workspace's `[advocate]` table, else the commit author's name.
    pub fn advocate(&self) -> Advocate {
        let mut sender = self.config.advocate.clone().unwrap_or_default();
        sender.name = sender.name.or_else(|| self.config.author.name.clone());
        sender
    }

    /// [`Workspace::advocate`], with a placeholder name when none is known.
    pub fn sender(&self) -> Advocate {
        let mut sender = self.advocate();
        if sender.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            sender.name = Some(PLACEHOLDER.into());
        }
        sender
    }

    /// Who signs a letter of a case with `meta`: `chosen`, else the case's parent, else the
    /// advocate, with `cc` lines.
    pub fn signing(
        &self,
        chosen: Option<Signer>,
        meta: &CaseMeta,
        cc: Vec<String>,
    ) -> Result<Signing, SignerError> {
        letters::signing(
            chosen,
            self.config.advocate.as_ref(),
            self.sender(),
            meta,
            cc,
        )
    }
}

/// Whether a signing names nobody: the letter is not properly signed.
pub fn unsigned(signing: &Signing) -> bool {
    signing
        .sender
        .name
        .as_deref()
        .is_none_or(|n| n.trim().is_empty() || n == PLACEHOLDER)
}

/// `--set NAME=VALUE` facts; a name given several times is a list.
pub fn facts(assignments: &[String]) -> Result<BTreeMap<String, Vec<String>>, OpsError> {
    let mut facts: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for assignment in assignments {
        let (key, value) = edit::split_assignment(assignment)?;
        facts
            .entry(key.to_owned())
            .or_default()
            .push(value.to_owned());
    }
    Ok(facts)
}

/// A certified-mail number, recorded on the request: the letter is sent by certified mail
/// unless a `method` fact says otherwise.
pub fn add_tracking(
    facts: &mut BTreeMap<String, Vec<String>>,
    number: &str,
) -> Result<(), OpsError> {
    if number.trim().is_empty() {
        return Err(OpsError::BlankTracking);
    }
    facts.insert("tracking".into(), vec![number.trim().to_owned()]);
    let method = facts
        .get("method")
        .and_then(|m| m.iter().find(|v| !v.trim().is_empty()));
    if method.is_none() {
        facts.insert("method".into(), vec!["certified-mail".into()]);
    }
    Ok(())
}

/// A letter as it is kept in the case: its Markdown, and each typeset form that was made.
pub struct Sent {
    /// The template's name, for the file names.
    pub name: String,
    pub date: Date,
    pub markdown: String,
    pub typeset: Vec<(Format, Vec<u8>)>,
}

/// Records the letter: a new record of text `record_text` with the letter's forms
/// attached, in one commit.
pub fn record(
    case: &Case,
    lock: &CaseLock,
    record_text: &str,
    sent: Sent,
    context: &CommitContext,
) -> Result<RecordId, OpsError> {
    let Sent {
        name,
        date,
        markdown,
        typeset,
    } = sent;
    let files = [(format!("{name}-{date}.md"), markdown.into_bytes())]
        .into_iter()
        .chain(
            typeset
                .into_iter()
                .map(|(format, bytes)| (format!("{name}-{date}.{}", format.name()), bytes)),
        );
    let id = RecordId::generate();
    let mut tx = case.transaction(lock);
    let mut attachments = Vec::new();
    for (file, bytes) in files {
        attachments.push(tx.add_attachment_bytes(&file, &bytes)?);
    }
    let text = edit::append_attachments(record_text, &attachments)?;
    parse_record(&text, "the letter's record")?;
    tx.put_record(&id, &text)?;
    tx.commit(&format!("add record {id}"), context)?;
    Ok(id)
}

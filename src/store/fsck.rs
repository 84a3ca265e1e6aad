//! Checking a case: every file decrypts and validates, attachments match their names and
//! checksums, the wrapped key matches the recipients, and nothing readable leaks (unexpected
//! files, the child's name in commit messages or file names).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use git2::{Oid, TreeWalkMode, TreeWalkResult};
use rayon::prelude::*;

use super::{
    ATTACHMENTS_DIR, CASE_FILE, CASE_KEY_FILE, Case, FORMAT_FILE, RECIPIENTS_FILE, RECORDS_DIR,
    StoreError,
};
use crate::crypto::{self, Recipient};
use crate::record::parse_record;

/// What fsck says about a file git cannot read back.
const CORRUPT: &str = "git's copy of this file is damaged (its object cannot be read); restore it \
                       from another copy of the case";

/// An attachment's name and, if it decrypts, its (keyed name, SHA-256).
type MacResult = (String, Result<(String, String), String>);

/// One thing wrong with a case, as `fsck --json` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// The file concerned, relative to the case.
    pub path: String,
    /// The record concerned, if any.
    pub record: Option<String>,
    pub message: String,
}

/// What `fsck` found.
#[derive(Clone, Debug, Default)]
pub struct FsckReport {
    pub records: usize,
    pub attachments: usize,
    pub problems: Vec<Problem>,
    /// Things worth knowing that are not wrong (an attachment no record uses).
    pub notes: Vec<String>,
}

impl FsckReport {
    fn problem(
        &mut self,
        path: impl Into<String>,
        record: Option<&str>,
        message: impl Into<String>,
    ) {
        self.problems.push(Problem {
            path: path.into(),
            record: record.map(String::from),
            message: message.into(),
        });
    }
}

impl Case {
    /// Checks the whole case at HEAD.
    pub fn fsck(&self) -> Result<FsckReport, StoreError> {
        // Verify that every object read matches its id.
        git2::opts::strict_hash_verification(true);
        let mut report = FsckReport::default();
        let tree = crate::git::head_tree(&self.repo)
            .map_err(StoreError::git("read the case"))?
            .ok_or_else(|| StoreError::NotACase {
                path: self.root.clone(),
            })?;
        let files = all_files(&tree)?;
        self.check_layout(&files, &mut report)?;
        if let Err(violation) = super::layout::Validator::new(&self.repo).check_root(&tree)
            && !report.problems.iter().any(|p| p.path == violation.path)
        {
            report.problem(&violation.path, None, violation.reason.clone());
        }
        self.check_trust(&mut report);
        self.check_recipients(&files, &mut report)?;
        let child_words = match self.meta() {
            Ok((_, meta)) => private_words(&[Some(meta.child.as_str()), meta.school.as_deref()]),
            Err(e) => {
                report.problem(CASE_FILE, None, describe(&e));
                Vec::new()
            }
        };
        if let Some(oid) = files.get(CASE_FILE) {
            self.check_current_key(*oid, CASE_FILE, None, &mut report);
        }
        let used_blobs = self.check_records(&mut report)?;
        self.check_attachments(&files, &used_blobs, &mut report)?;
        self.check_privacy(&files, &child_words, &mut report)?;
        self.check_working_files(&files, &mut report)?;
        report.problems.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(report)
    }

    fn check_layout(
        &self,
        files: &BTreeMap<String, Oid>,
        report: &mut FsckReport,
    ) -> Result<(), StoreError> {
        for (path, oid) in files {
            let known = match path.split_once('/') {
                Some((RECORDS_DIR, _)) => super::record_of(path).is_some(),
                Some((ATTACHMENTS_DIR, _)) => super::attachment_of(path).is_some(),
                _ => [
                    FORMAT_FILE,
                    RECIPIENTS_FILE,
                    CASE_KEY_FILE,
                    CASE_FILE,
                    super::MANIFEST_FILE,
                ]
                .contains(&path.as_str()),
            };
            if !known {
                report.problem(
                    path,
                    None,
                    "unexpected file: iepcase did not write it and it may not be encrypted",
                );
                continue;
            }
            if path.ends_with(".age") {
                // The header only: attachments can be large.
                let header = super::blob::with_blob_reader(&self.repo, *oid, |r, _| {
                    let mut start = [0u8; 22];
                    std::io::Read::read_exact(r, &mut start).map(|_| start)
                });
                let Ok(header) = header else {
                    report.problem(path, None, CORRUPT);
                    continue;
                };
                if header.ok().as_ref() != Some(b"age-encryption.org/v1\n") {
                    report.problem(
                        path,
                        None,
                        "not an age-encrypted file: it may hold plaintext",
                    );
                }
            }
        }
        for required in [FORMAT_FILE, RECIPIENTS_FILE, CASE_KEY_FILE, CASE_FILE] {
            if !files.contains_key(required) {
                report.problem(required, None, "missing");
            }
        }
        Ok(())
    }

    /// Authentication: HEAD against its manifest, every commit since the trust anchor, and
    /// this copy's pin.
    fn check_trust(&self, report: &mut FsckReport) {
        let head = self.head_commit();
        if let Some((problem, removed)) = self.head_problem() {
            let short = &head.to_string()[..10];
            report.problem(
                super::MANIFEST_FILE,
                None,
                format!("the last commit ({short}) is not authenticated: {problem}"),
            );
            for path in self.untrusted_files() {
                let record = super::record_of(path).map(|id| id.to_string());
                report.problem(
                    path,
                    record.as_deref(),
                    "not authenticated: no member of the case wrote this version (moved, \
                     replayed or altered outside iepcase); `iepcase fsck --repair` puts back \
                     what the members wrote",
                );
            }
            for path in removed {
                report.problem(
                    path,
                    None,
                    "removed outside iepcase: `iepcase fsck --repair` puts it back",
                );
            }
        }
        for failure in super::trust::verify_history(&self.repo, head, &self.key) {
            if failure.commit == head && self.head_problem().is_some() {
                continue;
            }
            report.problem(
                format!("commit {}", &failure.commit.to_string()[..10]),
                None,
                format!(
                    "{}: the case's history holds a commit no member made",
                    failure.reason
                ),
            );
        }
        let state = self.head_state();
        if state.format < super::layout::CURRENT_FORMAT {
            report.notes.push(format!(
                "the case is in format {}, which authenticates nothing; the next change made \
                 with this iepcase upgrades it",
                state.format
            ));
        }
        if let Some(pin) = super::trust::Pin::load(&self.root)
            && pin.version > state.version
        {
            report.problem(
                super::MANIFEST_FILE,
                None,
                format!(
                    "this copy of the case is at version {}, older than version {} it has \
                     seen: it was moved back outside iepcase; `iepcase sync` brings back what a \
                     remote holds",
                    state.version, pin.version
                ),
            );
        }
    }

    fn check_recipients(
        &self,
        files: &BTreeMap<String, Oid>,
        report: &mut FsckReport,
    ) -> Result<(), StoreError> {
        // Read as the file stands, authenticated or not: the comparison helps either way.
        let text = files
            .get(RECIPIENTS_FILE)
            .and_then(|oid| self.repo.find_blob(*oid).ok())
            .map(|b| String::from_utf8_lossy(b.content()).into_owned())
            .unwrap_or_default();
        let recipients: Vec<(Recipient, Option<String>)> = match crypto::parse_recipients(&text) {
            Ok(r) => r,
            Err(e) => {
                report.problem(RECIPIENTS_FILE, None, e.to_string());
                return Ok(());
            }
        };
        let Some(oid) = files.get(CASE_KEY_FILE) else {
            return Ok(());
        };
        let blob = self
            .repo
            .find_blob(*oid)
            .map_err(StoreError::git("read the case key"))?;
        let Some(stanzas) = crypto::header_stanzas(blob.content()) else {
            report.problem(
                CASE_KEY_FILE,
                None,
                "the wrapped case key has no readable age header",
            );
            return Ok(());
        };
        let x25519_listed = recipients.iter().filter(|(r, _)| !r.is_linkable()).count();
        let x25519_wrapped = stanzas.iter().filter(|(kind, _)| kind == "X25519").count();
        let ssh_missing: Vec<String> = recipients
            .iter()
            .filter(|(r, _)| r.is_linkable())
            .filter(|(r, _)| {
                let tag = crypto::ssh_stanza_tag(r);
                !stanzas.iter().any(|(_, t)| *t == tag)
            })
            .map(|(r, _)| r.to_string())
            .collect();
        let ssh_wrapped = stanzas
            .iter()
            .filter(|(kind, _)| kind.starts_with("ssh-"))
            .count();
        let ssh_listed = recipients.len() - x25519_listed;
        if x25519_listed != x25519_wrapped || ssh_listed != ssh_wrapped || !ssh_missing.is_empty() {
            report.problem(
                CASE_KEY_FILE,
                None,
                format!(
                    "the case key is wrapped to {} keys but the recipients file lists {}; \
                     run `iepcase rotate` to wrap it to exactly the listed members",
                    x25519_wrapped + ssh_wrapped,
                    recipients.len()
                ),
            );
        }
        Ok(())
    }

    /// Checks every record; returns the attachment blobs records use, with their checksums.
    fn check_records(
        &self,
        report: &mut FsckReport,
    ) -> Result<BTreeMap<String, BTreeSet<String>>, StoreError> {
        let ids = self.record_ids()?;
        report.records = ids.len();
        let texts = self.record_texts(&ids, true)?;
        let mut used: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for ((id, oid), text) in ids.iter().zip(texts) {
            let path = super::record_path(id);
            let text = match text {
                Ok(text) => text,
                // Reported with the other files no member wrote.
                Err(StoreError::Unauthenticated { .. }) => continue,
                Err(e) => {
                    report.problem(&path, Some(id.as_str()), describe(&e));
                    continue;
                }
            };
            self.check_current_key(*oid, &path, Some(id.as_str()), report);
            match parse_record(&text, &format!("record {id}")) {
                Ok(record) => {
                    for a in &record.common.attachments {
                        match &a.blob {
                            Some(blob) => {
                                used.entry(blob.clone())
                                    .or_default()
                                    .insert(a.sha256.clone());
                            }
                            None => report.problem(
                                &path,
                                Some(id.as_str()),
                                format!("attachment `{}` has no file", a.name),
                            ),
                        }
                    }
                }
                Err(e) => {
                    report.problem(&path, Some(id.as_str()), e.render().trim_end().to_owned())
                }
            }
            if id.is_conflict() {
                report.problem(
                    &path,
                    Some(id.as_str()),
                    format!("unresolved sync conflict with {}: settle it with `iepcase resolve {} --keep …`", id.base(), id.base()),
                );
            }
        }
        Ok(used)
    }

    /// Files at HEAD must be encrypted to the current case key: one encrypted to an earlier
    /// key (a command that raced a rotation) is readable by members removed since.
    fn check_current_key(
        &self,
        oid: Oid,
        path: &str,
        record: Option<&str>,
        report: &mut FsckReport,
    ) {
        let earlier = super::blob::with_blob_reader(&self.repo, oid, |ciphertext, _| {
            self.key.sealed_to_other_key(ciphertext)
        });
        // A file too damaged to tell is reported where it is read, not as an earlier key.
        if earlier.is_ok_and(|earlier| earlier) {
            report.problem(
                path,
                record,
                "encrypted to an earlier case key, from before the last rotation: members \
                 removed since can read it; `iepcase fsck --repair` re-encrypts it",
            );
        }
    }

    fn check_attachments(
        &self,
        files: &BTreeMap<String, Oid>,
        used: &BTreeMap<String, BTreeSet<String>>,
        report: &mut FsckReport,
    ) -> Result<(), StoreError> {
        let present: BTreeMap<String, Oid> = files
            .iter()
            .filter_map(|(path, oid)| Some((super::attachment_of(path)?.to_owned(), *oid)))
            .collect();
        report.attachments = present.len();
        for blob in used.keys() {
            if !present.contains_key(blob) {
                report.problem(
                    super::attachment_path(blob),
                    None,
                    "missing: a record lists this attachment",
                );
            }
        }
        let key = &self.key;
        let git_dir = self.repo.path().to_owned();
        let results: Vec<MacResult> = present
            .iter()
            .map(|(name, oid)| (name.clone(), *oid))
            .collect::<Vec<_>>()
            .into_par_iter()
            // libgit2 repositories are not shared between threads: one per worker.
            .map_init(
                || git2::Repository::open(&git_dir).ok(),
                |repo, (name, oid)| {
                    let Some(repo) = repo.as_ref() else {
                        return (name, Err(CORRUPT.to_owned()));
                    };
                    let result = super::blob::with_blob_reader(repo, oid, |ciphertext, _| {
                        mac_of(key, ciphertext)
                    })
                    .unwrap_or_else(|_| Err(CORRUPT.to_owned()));
                    (name, result)
                },
            )
            .collect();
        for (name, result) in results {
            let path = super::attachment_path(&name);
            if result.is_ok()
                && let Some(oid) = present.get(&name)
            {
                self.check_current_key(*oid, &path, None, report);
            }
            match result {
                Err(reason) => report.problem(&path, None, format!("cannot decrypt: {reason}")),
                Ok((mac, sha)) => {
                    if mac != name {
                        report.problem(
                            &path,
                            None,
                            "its content does not match its name (altered or misplaced)",
                        );
                    }
                    match used.get(&name) {
                        None => report
                            .notes
                            .push(format!("{path} is not used by any record")),
                        Some(shas) if !shas.contains(&sha) => report.problem(
                            &path,
                            None,
                            "its content does not match the checksum its record lists",
                        ),
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(())
    }

    /// The files beside `.git` are a copy of HEAD that people decrypt by hand: they must match.
    fn check_working_files(
        &self,
        files: &BTreeMap<String, Oid>,
        report: &mut FsckReport,
    ) -> Result<(), StoreError> {
        const FIX: &str = "restore it from the last commit with `iepcase fsck --repair`";
        for (path, oid) in files {
            let Some(working) = super::safe_join(&self.root, path) else {
                continue;
            };
            let same = super::blob::with_blob_reader(&self.repo, *oid, |blob, size| {
                same_content(&working, blob, size)
            });
            let Ok(same) = same else {
                // Reported as damaged already.
                continue;
            };
            match same {
                Ok(true) => {}
                Ok(false) => report.problem(
                    path,
                    None,
                    format!("the file beside .git differs from the last commit: {FIX}"),
                ),
                Err(_) => report.problem(
                    path,
                    None,
                    format!("the file beside .git is missing: {FIX}"),
                ),
            }
        }
        for dir in [RECORDS_DIR, ATTACHMENTS_DIR] {
            for path in super::working_files_under(&self.root.join(dir)) {
                let rel = path
                    .strip_prefix(&self.root)
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !files.contains_key(&rel) {
                    report.problem(&rel, None, "a file beside .git that is in no commit: remove it, or restore the last commit with `iepcase fsck --repair`");
                }
            }
        }
        Ok(())
    }

    fn check_privacy(
        &self,
        files: &BTreeMap<String, Oid>,
        words: &[String],
        report: &mut FsckReport,
    ) -> Result<(), StoreError> {
        if words.is_empty() {
            return Ok(());
        }
        let leaks = |text: &str| leaked_word(text, words);
        for path in files.keys() {
            if leaks(path).is_some() {
                report.problem(
                    path,
                    None,
                    "the file name contains the child's name or school",
                );
            }
        }
        let recipients = crate::git::read(
            &self.repo,
            &self
                .repo
                .head()
                .and_then(|h| h.peel_to_tree())
                .map_err(StoreError::git("read the case"))?,
            RECIPIENTS_FILE,
        )
        .map_err(StoreError::git("read the recipients"))?
        .unwrap_or_default();
        if leaks(&String::from_utf8_lossy(&recipients)).is_some() {
            report.problem(
                RECIPIENTS_FILE,
                None,
                "a label contains the child's name or school (labels are not encrypted)",
            );
        }
        for commit in crate::git::history(&self.repo).map_err(StoreError::git("read history"))? {
            if leaks(&commit.message).is_some() {
                let short = &commit.id.to_string()[..10];
                report.problem(
                    format!("commit {short}"),
                    None,
                    "the commit message contains the child's name or school",
                );
            }
        }
        Ok(())
    }
}

/// Whether the file at `path` holds exactly what `blob` (of `size` bytes) reads.
fn same_content(
    path: &std::path::Path,
    blob: &mut dyn std::io::BufRead,
    size: u64,
) -> std::io::Result<bool> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() != size {
        return Ok(false);
    }
    use std::io::BufRead as _;
    let mut file = std::io::BufReader::with_capacity(64 * 1024, file);
    loop {
        let theirs = blob.fill_buf()?;
        let ours = file.fill_buf()?;
        if theirs.is_empty() || ours.is_empty() {
            return Ok(theirs.is_empty() && ours.is_empty());
        }
        let n = theirs.len().min(ours.len());
        if theirs[..n] != ours[..n] {
            return Ok(false);
        }
        blob.consume(n);
        file.consume(n);
    }
}

/// Decrypts an attachment and computes its keyed name and SHA-256, in bounded memory.
fn mac_of(
    key: &crate::crypto::CaseKey,
    ciphertext: &mut dyn std::io::BufRead,
) -> Result<(String, String), String> {
    let mut reader = key
        .decrypt_reader(ciphertext, "attachment")
        .map_err(|e| e.to_string())?;
    let mut mac = key.attachment_mac();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|_| "its contents fail authentication (altered or corrupted)".to_owned())?;
        if n == 0 {
            break;
        }
        mac.update(&buf[..n]);
    }
    Ok(mac.finish())
}

/// The words of names that must not appear in plaintext: 3+ letters, lowercased.
fn private_words(names: &[Option<&str>]) -> Vec<String> {
    const COMMON: &[&str] = &[
        "school",
        "elementary",
        "middle",
        "high",
        "academy",
        "the",
        "and",
        "county",
        "district",
    ];
    names
        .iter()
        .flatten()
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 3 && !COMMON.contains(&w.as_str()))
        .collect()
}

/// The words iepcase itself writes into file names, the recipients file and commit
/// messages. A name that is one of them ("Jordan Case") cannot be told from iepcase's own
/// text, so it is not looked for.
const OWN_WORDS: &[&str] = &[
    "iepcase",
    "format",
    "recipients",
    "recipient",
    "key",
    "case",
    "age",
    "records",
    "record",
    "attachments",
    "attachment",
    "conflict",
    "add",
    "edit",
    "create",
    "remove",
    "resolve",
    "attach",
    "merge",
    "remote",
    "changes",
    "share",
    "unshare",
    "rotate",
    "close",
    "ssh",
    "ed25519",
    "rsa",
    "created",
    "public",
];

/// The first private word that stands as a whole word in `text`, compared without case.
/// Whole words only: a random id or a file hash that happens to contain the letters of a
/// short name is not a leak.
fn leaked_word(text: &str, words: &[String]) -> Option<String> {
    let lower = text.to_lowercase();
    let tokens: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).collect();
    words
        .iter()
        .filter(|w| !OWN_WORDS.contains(&w.as_str()))
        .find(|w| tokens.contains(&w.as_str()))
        .cloned()
}

fn all_files(tree: &git2::Tree<'_>) -> Result<BTreeMap<String, Oid>, StoreError> {
    let mut files = BTreeMap::new();
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        if entry.kind() == Some(git2::ObjectType::Blob) {
            let name = entry.name().unwrap_or("?");
            files.insert(format!("{dir}{name}"), entry.id());
        }
        TreeWalkResult::Ok
    })
    .map_err(StoreError::git("walk the case"))?;
    Ok(files)
}

fn describe(error: &StoreError) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        text = format!("{text}: {e}");
        source = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(names: &[&str]) -> Vec<String> {
        let names: Vec<Option<&str>> = names.iter().map(|n| Some(*n)).collect();
        private_words(&names)
    }

    #[test]
    fn a_name_is_found_as_a_whole_word_without_case() {
        let w = words(&["Ada Dee", "Fairwick Elementary"]);
        assert_eq!(leaked_word("notes about ADA", &w).as_deref(), Some("ada"));
        assert_eq!(
            leaked_word("records/fairwick-iep.age", &w).as_deref(),
            Some("fairwick")
        );
    }

    #[test]
    fn letters_of_a_short_name_inside_an_id_or_hash_are_no_leak() {
        let w = words(&["Ada Dee", "Ctrl Cee"]);
        assert_eq!(leaked_word("records/f7cceevgby.age", &w), None);
        assert_eq!(
            leaked_word("attachments/7c51a0063dee47b2d1c0f9e8a7b6c5d4.age", &w),
            None
        );
        assert_eq!(leaked_word("add record 0sahk8ww6n", &w), None);
    }

    #[test]
    fn a_name_that_is_one_of_iepcase_own_words_is_not_looked_for() {
        let w = words(&["Jordan Case"]);
        assert_eq!(leaked_word("case.age", &w), None);
        assert_eq!(leaked_word("create case", &w), None);
        assert_eq!(
            leaked_word("a note on jordan", &w).as_deref(),
            Some("jordan")
        );
    }
}

//! Reading a case: record ids, records (through the plaintext cache, decrypting misses in
//! parallel), case metadata, recipients and attachments.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;

use git2::{Oid, Tree};
use rayon::prelude::*;

use super::{
    ATTACHMENTS_DIR, CASE_FILE, CacheKind, Case, PlainCache, RECIPIENTS_FILE, RECORDS_DIR,
    StoreError, attachment_path, record_path,
};
use crate::crypto::{self, Recipient};
use crate::record::{Attachment, CaseMeta, RecordId, StoredRecord, parse_case_meta, parse_record};

/// A record's id and its decrypted text, or why it could not be read.
pub type RecordText = (RecordId, Result<String, StoreError>);

/// A record that could not be read, and why.
#[derive(Debug)]
pub struct Broken {
    pub id: RecordId,
    pub error: Box<StoreError>,
}

/// Every record of a case: the readable ones in chronological order, and the broken ones.
#[derive(Debug, Default)]
pub struct LoadedRecords {
    pub records: Vec<StoredRecord>,
    pub broken: Vec<Broken>,
    /// A digest of every record's blob id and of the code that infers links: the key of the
    /// cached links ([`Case::inference`]). `None` for records not read from HEAD as a whole.
    fingerprint: Option<[u8; 32]>,
}

/// The name of the cached links in the case's cache folder.
const LINKS_CACHE: &str = "links";

/// The fingerprint of records `ids` (with their blob ids) for the cached links.
fn fingerprint(ids: &[(RecordId, Oid)]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(env!("IEPCASE_LINKS_CODE").as_bytes());
    for (id, oid) in ids {
        hasher.update([0]);
        hasher.update(id.as_str().as_bytes());
        hasher.update(oid.as_bytes());
    }
    hasher.finalize().into()
}

/// The links kept in the cache of the case at `root` for records of fingerprint
/// `fingerprint`, if any.
fn kept_inference(
    root: &Path,
    key: &crate::crypto::CaseKey,
    fingerprint: &[u8; 32],
) -> Option<crate::links::Inference> {
    super::cache::load_derived(root, key, LINKS_CACHE, fingerprint)
        .and_then(|data| crate::links::Inference::decode(std::str::from_utf8(&data).ok()?))
}

impl Case {
    pub(super) fn head(&self) -> Result<Tree<'_>, StoreError> {
        crate::git::head_tree(&self.repo)
            .map_err(StoreError::git("read the case"))?
            .ok_or_else(|| StoreError::NotACase {
                path: self.root.clone(),
            })
    }

    /// The commit a revision (`HEAD~2`, a commit id) names.
    pub fn commit_of(&self, rev: &str) -> Result<Oid, StoreError> {
        self.repo
            .revparse_single(rev)
            .and_then(|o| o.peel_to_commit())
            .map(|c| c.id())
            .map_err(|_| StoreError::NoSuchRevision {
                rev: rev.to_owned(),
            })
    }

    fn tree_at(&self, rev: &str) -> Result<Tree<'_>, StoreError> {
        crate::git::tree_at(&self.repo, rev).map_err(|_| StoreError::NoSuchRevision {
            rev: rev.to_owned(),
        })
    }

    /// The ids of every record at HEAD with their blob ids, conflict copies included.
    pub fn record_ids(&self) -> Result<Vec<(RecordId, Oid)>, StoreError> {
        let tree = self.head()?;
        self.record_ids_in(&tree)
    }

    pub(crate) fn record_ids_in(
        &self,
        tree: &Tree<'_>,
    ) -> Result<Vec<(RecordId, Oid)>, StoreError> {
        let entries = crate::git::files_under(&self.repo, tree, RECORDS_DIR, 2)
            .map_err(StoreError::git("list records"))?;
        let mut ids: Vec<(RecordId, Oid)> = entries
            .into_iter()
            .filter_map(|(path, oid)| Some((super::record_of(&path)?, oid)))
            .collect();
        ids.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(ids)
    }

    /// The records whose ids start with the first two characters of `prefix`, when the
    /// records are kept in a folder per first and second character (format 3): reading that
    /// folder costs the same in a case of ten records or of ten thousand. `None` when
    /// `prefix` is shorter or the case keeps its records in one folder.
    fn record_ids_near(
        &self,
        tree: &Tree<'_>,
        prefix: &str,
    ) -> Result<Option<Vec<(RecordId, Oid)>>, StoreError> {
        let mut chars = prefix.chars();
        let (Some(a), Some(b)) = (chars.next(), chars.next()) else {
            return Ok(None);
        };
        if !(a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        let Ok(records) = tree.get_path(Path::new(RECORDS_DIR)) else {
            return Ok(Some(Vec::new()));
        };
        let records = self
            .repo
            .find_tree(records.id())
            .map_err(StoreError::git("list records"))?;
        // A record file directly in `records/`: the single-folder layout of formats 1 and 2.
        if records
            .iter()
            .any(|e| e.kind() != Some(git2::ObjectType::Tree))
        {
            return Ok(None);
        }
        let folder = format!("{RECORDS_DIR}/{a}/{b}");
        let entries = crate::git::files_under(&self.repo, tree, &folder, 0)
            .map_err(StoreError::git("list records"))?;
        let mut ids: Vec<(RecordId, Oid)> = entries
            .into_iter()
            .filter_map(|(path, oid)| Some((super::record_of(&path)?, oid)))
            .collect();
        ids.sort_by(|x, y| x.0.cmp(&y.0));
        Ok(Some(ids))
    }

    /// The record `prefix` names (a unique prefix of 4+ characters, or a full id).
    pub fn resolve(&self, prefix: &str) -> Result<RecordId, StoreError> {
        let lower = prefix.trim().to_ascii_lowercase();
        let tree = self.head()?;
        let ids: Vec<RecordId> = match self.record_ids_near(&tree, &lower)? {
            Some(near) => near,
            None => self.record_ids_in(&tree)?,
        }
        .into_iter()
        .map(|(id, _)| id)
        .collect();
        RecordId::resolve(prefix, &ids).map_err(|source| StoreError::Id { source })
    }

    /// The sync conflict copies of record `id` (`<id>.conflict-<n>`), in id order.
    pub fn conflict_copies(&self, id: &RecordId) -> Result<Vec<RecordId>, StoreError> {
        let tree = self.head()?;
        let ids = match self.record_ids_near(&tree, id.as_str())? {
            Some(near) => near,
            None => self.record_ids_in(&tree)?,
        };
        Ok(ids
            .into_iter()
            .map(|(copy, _)| copy)
            .filter(|copy| copy.is_conflict() && copy.base() == id.as_str())
            .collect())
    }

    /// Reads record `id` at HEAD.
    pub fn read_record(&self, id: &RecordId) -> Result<StoredRecord, StoreError> {
        let tree = self.head()?;
        let read = self.read_record_in(&tree, id);
        self.vet(&record_path(id), || format!("record {id}"), read)?
            .ok_or_else(|| StoreError::Id {
                source: crate::record::IdError::NotFound(id.to_string()),
            })
    }

    /// Passes on a read of `path` at HEAD, unless no member vouches for the file: then its
    /// own error when it is damaged, else [`StoreError::Unauthenticated`].
    pub(crate) fn vet<T>(
        &self,
        path: &str,
        what: impl FnOnce() -> String,
        read: Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let read = read?;
        self.require_trusted(path, what)?;
        Ok(read)
    }

    /// Reads record `id` as it was at revision `rev` (`HEAD~1`, a commit id, ...).
    pub fn read_record_at(&self, id: &RecordId, rev: &str) -> Result<StoredRecord, StoreError> {
        let tree = self.tree_at(rev)?;
        self.read_record_in(&tree, id)?
            .ok_or_else(|| StoreError::NotAtRevision {
                id: id.to_string(),
                rev: rev.to_owned(),
            })
    }

    pub(crate) fn read_record_in(
        &self,
        tree: &Tree<'_>,
        id: &RecordId,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let Some(oid) = record_blob(tree, id) else {
            return Ok(None);
        };
        let text = self.record_text(id, oid)?;
        let record = parse_record(&text, &format!("record {id}"))?;
        Ok(Some(StoredRecord {
            id: id.clone(),
            text,
            record,
        }))
    }

    /// Decrypts the record text in blob `oid`.
    pub fn record_text(&self, id: &RecordId, oid: Oid) -> Result<String, StoreError> {
        let blob = self
            .repo
            .find_blob(oid)
            .map_err(|source| StoreError::CorruptObject {
                case: self.slug.clone(),
                what: format!("record {id}"),
                source,
            })?;
        self.decrypt_record(id, blob.content())
    }

    fn decrypt_record(&self, id: &RecordId, ciphertext: &[u8]) -> Result<String, StoreError> {
        decrypt_record(&self.key, &self.slug, id, ciphertext)
    }

    /// Every record at HEAD, chronological; unreadable ones are reported, not fatal.
    pub fn records(&self) -> Result<LoadedRecords, StoreError> {
        let ids = self.record_ids()?;
        let print = fingerprint(&ids);
        self.records_of(ids, print)
    }

    /// Every record at HEAD as [`Case::records`] reads them, and the links found between them
    /// ([`Case::inference`]). The kept links are read back while the records are parsed, one
    /// beside the other: a command that needs both waits for the longer of the two only.
    pub fn records_and_links(
        &self,
    ) -> Result<(LoadedRecords, std::sync::Arc<crate::links::Inference>), StoreError> {
        let ids = self.record_ids()?;
        let print = fingerprint(&ids);
        let (root, key) = (&self.root, &self.key);
        // On the thread pool, never on a thread of its own: reading links may use the pool,
        // and a pool thread waiting on a thread that waits on the pool would wait forever
        // (several cases are read side by side).
        let mut kept = None;
        let loaded = rayon::in_place_scope(|scope| {
            scope.spawn(|_| kept = kept_inference(root, key, &print));
            self.records_of(ids, print)
        });
        let loaded = loaded?;
        // Not kept (or kept for other records): inferred and kept, without reading it again.
        let found = match kept {
            Some(found) => found,
            None => self.infer_and_keep(&loaded.records, &print),
        };
        Ok((loaded, std::sync::Arc::new(found)))
    }

    /// The records `ids` (every record at HEAD, with their blob ids, of fingerprint `print`),
    /// read and parsed: kept parsed in the cache ([`super::kept`]) when every one of them
    /// could be read and none came from an untrusted change, and read back from there until
    /// a record changes.
    fn records_of(
        &self,
        ids: Vec<(RecordId, Oid)>,
        print: [u8; 32],
    ) -> Result<LoadedRecords, StoreError> {
        let mut loaded = LoadedRecords {
            fingerprint: Some(print),
            ..LoadedRecords::default()
        };
        let trusted = self.untrusted_files().is_empty();
        if trusted
            && let Some(records) = super::kept::load(&self.root, &self.key, &print)
            && records.len() == ids.len()
        {
            loaded.records = records;
            return Ok(loaded);
        }
        let texts = self.record_texts(&ids, true)?;
        let parsed: Vec<Result<StoredRecord, Broken>> = ids
            .into_par_iter()
            .zip(texts.into_par_iter())
            .map(|((id, _), text)| {
                let text = text.map_err(|error| Broken {
                    id: id.clone(),
                    error: Box::new(error),
                })?;
                match parse_record(&text, &format!("record {id}")) {
                    Ok(record) => Ok(StoredRecord { id, text, record }),
                    Err(e) => Err(Broken {
                        id,
                        error: Box::new(e.into()),
                    }),
                }
            })
            .collect();
        for item in parsed {
            match item {
                Ok(record) => loaded.records.push(record),
                Err(broken) => loaded.broken.push(broken),
            }
        }
        loaded
            .records
            .sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        loaded.broken.sort_by(|a, b| a.id.cmp(&b.id));
        if trusted && loaded.broken.is_empty() {
            super::kept::save(&self.root, &self.key, &print, &loaded.records);
        }
        Ok(loaded)
    }

    /// What link inference finds in `loaded` ([`crate::links::infer`]): read from the case's
    /// cache when it was worked out from these very records by this very code, else
    /// inferred and kept there (sealed, like every cache) for the next command.
    pub fn inference(&self, loaded: &LoadedRecords) -> crate::links::Inference {
        let Some(fingerprint) = &loaded.fingerprint else {
            return crate::links::infer(&loaded.records);
        };
        match kept_inference(&self.root, &self.key, fingerprint) {
            Some(found) => found,
            None => self.infer_and_keep(&loaded.records, fingerprint),
        }
    }

    /// What link inference finds in `records`, kept in the case's cache under `fingerprint`.
    fn infer_and_keep(
        &self,
        records: &[StoredRecord],
        fingerprint: &[u8; 32],
    ) -> crate::links::Inference {
        let found = crate::links::infer(records);
        super::cache::save_derived(
            &self.root,
            &self.key,
            LINKS_CACHE,
            fingerprint,
            found.encode().as_bytes(),
        );
        found
    }

    /// `loaded`'s records with their links ([`crate::links::link`]), inferred once per
    /// change of the case ([`Case::inference`]).
    pub fn linked(&self, loaded: &LoadedRecords) -> crate::links::Linked {
        crate::links::link_with(&loaded.records, self.inference(loaded))
    }

    /// Every record's decrypted text at HEAD, unparsed (for search); conflict copies included.
    pub fn texts(&self) -> Result<Vec<RecordText>, StoreError> {
        let ids = self.record_ids()?;
        let texts = self.record_texts(&ids, true)?;
        Ok(ids.into_iter().map(|(id, _)| id).zip(texts).collect())
    }

    /// The decrypted texts of `ids`: when `ids` are all the records at HEAD, through the text
    /// cache (which then forgets every other text); else (a few changed records) decrypted
    /// directly, leaving the cache as it is.
    pub(crate) fn record_texts(
        &self,
        ids: &[(RecordId, Oid)],
        all: bool,
    ) -> Result<Vec<Result<String, StoreError>>, StoreError> {
        let mut cache = if all {
            PlainCache::load(&self.root, &self.key, CacheKind::Texts)
        } else {
            PlainCache::empty(CacheKind::Texts)
        };
        let mut texts: Vec<Option<Result<String, StoreError>>> = ids
            .iter()
            .map(|(_, oid)| cache.get(*oid).map(|t| Ok(t.to_owned())))
            .collect();
        let mut misses: Vec<(usize, Vec<u8>)> = Vec::new();
        for (i, (id, oid)) in ids.iter().enumerate() {
            if texts[i].is_some() {
                continue;
            }
            // A damaged object spoils its own record, not the listing.
            match self.repo.find_blob(*oid) {
                Ok(blob) => misses.push((i, blob.content().to_vec())),
                Err(source) => {
                    texts[i] = Some(Err(StoreError::CorruptObject {
                        case: self.slug.clone(),
                        what: format!("record {id}"),
                        source,
                    }))
                }
            }
        }
        let (key, slug) = (&self.key, self.slug.as_str());
        let decrypted: Vec<(usize, Result<String, StoreError>)> = misses
            .into_par_iter()
            .map(|(i, ciphertext)| (i, decrypt_record(key, slug, &ids[i].0, &ciphertext)))
            .collect();
        for (i, text) in decrypted {
            if let (true, Ok(text)) = (all, &text) {
                cache.insert(ids[i].1, text.clone());
            }
            texts[i] = Some(text);
        }
        if !self.untrusted_files().is_empty() {
            for (text, (id, _)) in texts.iter_mut().zip(ids) {
                let path = record_path(id);
                if let Some(Ok(_)) = text
                    && let Err(e) = self.require_trusted(&path, || format!("record {id}"))
                {
                    *text = Some(Err(e));
                }
            }
        }
        if all {
            let live: HashSet<Oid> = ids.iter().map(|(_, oid)| *oid).collect();
            cache.retain(&live);
            cache.save(&self.root, &self.key);
        }
        Ok(texts
            .into_iter()
            .map(|t| t.expect("every text was filled"))
            .collect())
    }

    /// The case metadata: its text and parsed form.
    pub fn meta(&self) -> Result<(String, CaseMeta), StoreError> {
        let tree = self.head()?;
        let ciphertext = crate::git::read(&self.repo, &tree, CASE_FILE)
            .map_err(StoreError::git("read the case metadata"))?
            .ok_or_else(|| StoreError::NotACase {
                path: self.root.clone(),
            })?;
        let plain = self
            .key
            .decrypt(&ciphertext, "the case metadata")
            .map_err(|source| StoreError::FileUnreadable {
                case: self.slug.clone(),
                what: "the case metadata (case.age)".into(),
                source,
            })?;
        let text = String::from_utf8_lossy(&plain).into_owned();
        let meta = parse_case_meta(&text, &format!("case `{}` metadata", self.slug))?;
        self.require_trusted(CASE_FILE, || "the case details (case.age)".into())?;
        Ok((text, meta))
    }

    /// The members of the case, from `.iepcase/recipients`.
    pub fn recipients(&self) -> Result<Vec<(Recipient, Option<String>)>, StoreError> {
        let tree = self.head()?;
        let text = crate::git::read(&self.repo, &tree, RECIPIENTS_FILE)
            .map_err(StoreError::git("read the recipients"))?
            .unwrap_or_default();
        let members = crypto::parse_recipients(&String::from_utf8_lossy(&text))?;
        self.require_trusted(RECIPIENTS_FILE, || "the members file".into())?;
        Ok(members)
    }

    /// Whether the encrypted attachment `blob` is in HEAD.
    pub fn has_attachment(&self, blob: &str) -> Result<bool, StoreError> {
        let tree = self.head()?;
        Ok(attachment_blob(&tree, blob).is_some())
    }

    /// Writes the decrypted attachment `attachment` of record `id` into `out`, checking its
    /// SHA-256; returns the number of bytes written.
    pub fn extract_attachment(
        &self,
        id: &RecordId,
        attachment: &Attachment,
        out: &mut dyn Write,
    ) -> Result<u64, StoreError> {
        let missing = || StoreError::AttachmentMissing {
            id: id.to_string(),
            name: attachment.name.clone(),
        };
        let blob_name = attachment.blob.as_deref().ok_or_else(missing)?;
        self.require_trusted(&attachment_path(blob_name), || {
            format!("attachment `{}` of record {id}", attachment.name)
        })?;
        let tree = self.head()?;
        let oid = attachment_blob(&tree, blob_name).ok_or_else(missing)?;
        let what = format!("attachment `{}` of record {id}", attachment.name);
        let unreadable = |source| StoreError::FileUnreadable {
            case: self.slug.clone(),
            what: what.clone(),
            source,
        };
        let (written, sha) = super::blob::with_blob_reader(&self.repo, oid, |ciphertext, _| {
            let mut reader = self
                .key
                .decrypt_reader(ciphertext, &what)
                .map_err(unreadable)?;
            let mut hasher = crate::crypto::Sha256Writer::new(&mut *out);
            let written = std::io::copy(&mut reader, &mut hasher).map_err(|e| {
                unreadable(crypto::CryptoError::Decrypt {
                    what: what.clone(),
                    reason: e.to_string(),
                })
            })?;
            Ok::<_, StoreError>((written, hasher.finish()))
        })
        .map_err(|source| StoreError::CorruptObject {
            case: self.slug.clone(),
            what: what.clone(),
            source,
        })??;
        if sha != attachment.sha256 {
            return Err(StoreError::AttachmentMismatch {
                id: id.to_string(),
                name: attachment.name.clone(),
            });
        }
        Ok(written)
    }

    /// Every attachment file at HEAD: its name (the keyed hash), path and blob id.
    pub fn attachment_blobs(&self) -> Result<Vec<(String, String, Oid)>, StoreError> {
        let tree = self.head()?;
        let files = crate::git::files_under(&self.repo, &tree, ATTACHMENTS_DIR, 2)
            .map_err(StoreError::git("list attachments"))?;
        Ok(files
            .into_iter()
            .filter_map(|(path, oid)| {
                let name = super::attachment_of(&path)?.to_owned();
                Some((name, path, oid))
            })
            .collect())
    }

    /// Reads a whole attachment into memory (for small files such as rendered letters).
    pub fn read_attachment(
        &self,
        id: &RecordId,
        attachment: &Attachment,
    ) -> Result<Vec<u8>, StoreError> {
        let mut out = Vec::new();
        self.extract_attachment(id, attachment, &mut out)?;
        Ok(out)
    }
}

/// The blob of record `id` in `tree`, in either layout.
pub(crate) fn record_blob(tree: &Tree<'_>, id: &RecordId) -> Option<Oid> {
    crate::git::blob_id(tree, &record_path(id))
        .or_else(|| crate::git::blob_id(tree, &super::flat_record_path(id)))
}

/// The blob of attachment `name` in `tree`, in either layout.
pub(crate) fn attachment_blob(tree: &Tree<'_>, name: &str) -> Option<Oid> {
    crate::git::blob_id(tree, &attachment_path(name))
        .or_else(|| crate::git::blob_id(tree, &super::flat_attachment_path(name)))
}

fn decrypt_record(
    key: &crate::crypto::CaseKey,
    slug: &str,
    id: &RecordId,
    ciphertext: &[u8],
) -> Result<String, StoreError> {
    let plain = key
        .decrypt(ciphertext, &format!("record {id}"))
        .map_err(|source| StoreError::Unreadable {
            case: slug.to_owned(),
            id: id.to_string(),
            source,
        })?;
    Ok(String::from_utf8_lossy(&plain).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::{Inference, LinkField};
    use crate::store::fixture::{Fixture, open, put};

    const REQUEST: &str = "kind = \"request\"\ndate = 2026-01-08\ntitle = \"Speech evaluation\"\ntype = \"evaluation\"\n";
    const REFUSAL: &str =
        "kind = \"refusal\"\ndate = 2026-01-20\ntitle = \"No speech evaluation\"\n";

    fn refused(found: &Inference, refusal: &RecordId) -> Option<RecordId> {
        found
            .inferred
            .iter()
            .find(|(id, l)| id == refusal && l.field == LinkField::Refuses)
            .map(|(_, l)| l.target.clone())
    }

    #[test]
    fn cases_read_side_by_side_with_their_links_kept_all_finish() {
        // Every pool thread reading a case at once, links kept: none may wait on another
        // thread that waits on the pool (this once waited forever).
        let f = Fixture::new();
        {
            let (case, lock) = open(&f.root(), &f.owner);
            let (request, refusal) = (RecordId::generate(), RecordId::generate());
            put(&case, &lock, &[(&request, REQUEST), (&refusal, REFUSAL)]);
            case.records_and_links().unwrap();
        }
        let root = f.root();
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let key_file = root.with_file_name("owner.key");
            let identities =
                crate::crypto::Identities::load(&key_file, &crate::crypto::NoPrompt).unwrap();
            // The program's own pool, every thread of it busy reading.
            let read: Vec<usize> = (0..rayon::current_num_threads() * 4)
                .into_par_iter()
                .map(|_| {
                    let case = Case::open(&root, super::super::fixture::SLUG, &identities).unwrap();
                    case.records_and_links().unwrap().0.records.len()
                })
                .collect();
            let _ = done.send(read);
        });
        let read = finished
            .recv_timeout(std::time::Duration::from_secs(120))
            .expect("reading cases side by side finishes");
        assert_eq!(read, vec![2; rayon::current_num_threads() * 4]);
    }

    #[test]
    fn records_are_kept_parsed_and_read_back_until_a_record_changes() {
        let f = Fixture::new();
        let (case, lock) = open(&f.root(), &f.owner);
        let (request, refusal) = (RecordId::generate(), RecordId::generate());
        put(&case, &lock, &[(&request, REQUEST), (&refusal, REFUSAL)]);

        let first = case.records().unwrap();
        let file = PlainCache::dir(&f.root()).join("records.age");
        let sealed = std::fs::read(&file).expect("the records are kept");
        assert!(
            !sealed.windows(6).any(|w| w == b"kind =" || w == b"\"kind"),
            "kept sealed"
        );
        let again = case.records().unwrap();
        let view = |l: &LoadedRecords| -> Vec<(RecordId, String, crate::record::Record)> {
            l.records
                .iter()
                .map(|r| (r.id.clone(), r.text.clone(), r.record.clone()))
                .collect()
        };
        assert_eq!(view(&again), view(&first), "read back as parsed, in order");

        // What is kept is what is used: the kept file is read, not the records.
        let print = first.fingerprint.unwrap();
        super::super::kept::save(&f.root(), &case.key, &print, &first.records[..1]);
        assert_eq!(
            case.records().unwrap().records.len(),
            2,
            "kept records that are not every record are not used"
        );
        let mut planted = first.records.clone();
        planted[0].text.push_str("# planted\n");
        super::super::kept::save(&f.root(), &case.key, &print, &planted);
        assert!(
            case.records().unwrap().records[0]
                .text
                .ends_with("# planted\n")
        );

        // A changed record changes the fingerprint: the records are read again.
        put(&case, &lock, &[(&request, REFUSAL)]);
        let changed = case.records().unwrap();
        assert_ne!(changed.fingerprint, Some(print));
        assert!(
            changed
                .records
                .iter()
                .all(|r| !r.text.contains("# planted"))
        );
        assert_eq!(
            changed.records.iter().filter(|r| r.text == REFUSAL).count(),
            2
        );

        // A damaged file is only a miss.
        std::fs::write(&file, b"garbage").unwrap();
        assert_eq!(view(&case.records().unwrap()), view(&changed));
    }

    #[test]
    fn links_are_inferred_once_and_kept_until_a_record_changes() {
        let f = Fixture::new();
        let (case, lock) = open(&f.root(), &f.owner);
        let (request, refusal) = (RecordId::generate(), RecordId::generate());
        put(&case, &lock, &[(&request, REQUEST), (&refusal, REFUSAL)]);

        let loaded = case.records().unwrap();
        let found = case.inference(&loaded);
        assert_eq!(refused(&found, &refusal), Some(request.clone()));
        let file = PlainCache::dir(&f.root()).join(format!("{LINKS_CACHE}.age"));
        let sealed = std::fs::read(&file).expect("the links are kept");
        assert!(
            !sealed
                .windows(request.as_str().len())
                .any(|w| w == request.as_str().as_bytes()),
            "kept sealed"
        );

        // What is kept is what is used: a planted answer under the same fingerprint wins.
        let planted = Inference::default();
        let print = loaded.fingerprint.unwrap();
        super::super::cache::save_derived(
            &f.root(),
            &case.key,
            LINKS_CACHE,
            &print,
            planted.encode().as_bytes(),
        );
        assert_eq!(case.inference(&loaded), planted);

        // A new record changes the fingerprint: the links are inferred again.
        let other = RecordId::generate();
        put(&case, &lock, &[(&other, REQUEST)]);
        let loaded = case.records().unwrap();
        assert_ne!(loaded.fingerprint, Some(print));
        assert!(refused(&case.inference(&loaded), &refusal).is_some());

        // A damaged file is only a miss.
        std::fs::write(&file, b"garbage").unwrap();
        assert!(refused(&case.inference(&loaded), &refusal).is_some());
    }

    #[test]
    fn records_and_links_read_the_kept_links_or_infer_and_keep_them() {
        let f = Fixture::new();
        let (case, lock) = open(&f.root(), &f.owner);
        let (request, refusal) = (RecordId::generate(), RecordId::generate());
        put(&case, &lock, &[(&request, REQUEST), (&refusal, REFUSAL)]);

        // Nothing kept: inferred, and kept under the records' fingerprint.
        let (loaded, found) = case.records_and_links().unwrap();
        assert_eq!(loaded.records.len(), 2);
        assert_eq!(refused(&found, &refusal), Some(request.clone()));
        let print = loaded.fingerprint.unwrap();
        let kept = super::super::cache::load_derived(&f.root(), &case.key, LINKS_CACHE, &print);
        assert_eq!(kept.as_deref(), Some(found.encode().as_bytes()));

        // Kept: read back, not inferred (a planted answer wins).
        let planted = Inference::default();
        super::super::cache::save_derived(
            &f.root(),
            &case.key,
            LINKS_CACHE,
            &print,
            planted.encode().as_bytes(),
        );
        let (_, found) = case.records_and_links().unwrap();
        assert_eq!(*found, planted);
    }
}

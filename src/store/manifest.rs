//! `.iepcase/manifest` (format 2): what a commit of the case holds, authenticated with the case
//! key, so that nobody without the key can change, move, replay or roll back a file.
//!
//! ```text
//! iepcase-manifest 1
//! version 12                                  grows by one with every commit
//! key 5f0c…                                   fingerprint of the case key that made it
//! successor-of 9a1e… 3b7d…                    on a key change: proof made with the old key
//! entry .iepcase/case-key.age 1f3a…           git object id of each file and folder
//! entry records 7c2e…
//! mac 0d4f…                                   HMAC-SHA-256 of everything above
//! ```
//!
//! Entries name every top-level file and folder and every file of `.iepcase/` but the manifest
//! itself, by git object id: a folder's id covers every file in it, so one manifest binds every
//! record to its id and its content. The manifest is plaintext: it shows nothing the tree does
//! not already show (ids, sizes), and git stores its versions as small deltas.

use std::collections::BTreeMap;

use git2::{Oid, Repository, Tree};
use hmac::Mac;

use super::MANIFEST_FILE;
use crate::crypto::CaseKey;

const MAGIC: &str = "iepcase-manifest 1";

/// A parsed manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    pub version: u64,
    /// Fingerprint of the case key that made it.
    pub key: String,
    /// `(fingerprint of an earlier key, proof)`: this commit's key succeeds that one.
    pub proofs: Vec<(String, String)>,
    /// Commits no member made that this one repairs (`fsck --repair`): history keeps them,
    /// and `fsck` no longer counts them as problems.
    pub repairs: Vec<Oid>,
    pub entries: BTreeMap<String, Oid>,
    mac: String,
}

/// The entries a manifest of `tree` must list.
pub fn entries_of(
    repo: &Repository,
    tree: &Tree<'_>,
) -> Result<BTreeMap<String, Oid>, git2::Error> {
    let mut entries = BTreeMap::new();
    for entry in tree.iter() {
        let name = String::from_utf8_lossy(entry.name_bytes()).into_owned();
        if name == ".iepcase" && entry.kind() == Some(git2::ObjectType::Tree) {
            let meta = repo.find_tree(entry.id())?;
            for inner in meta.iter() {
                let path = format!(".iepcase/{}", String::from_utf8_lossy(inner.name_bytes()));
                if path != MANIFEST_FILE {
                    entries.insert(path, inner.id());
                }
            }
        } else {
            entries.insert(name, entry.id());
        }
    }
    Ok(entries)
}

impl Manifest {
    /// A manifest of `entries` made with `key`.
    pub fn new(
        version: u64,
        key: &CaseKey,
        proofs: Vec<(String, String)>,
        entries: BTreeMap<String, Oid>,
    ) -> Manifest {
        Self::repairing(version, key, proofs, Vec::new(), entries)
    }

    /// A manifest that also names the commits it repairs.
    pub fn repairing(
        version: u64,
        key: &CaseKey,
        proofs: Vec<(String, String)>,
        repairs: Vec<Oid>,
        entries: BTreeMap<String, Oid>,
    ) -> Manifest {
        let mut manifest = Manifest {
            version,
            key: key.fingerprint().to_owned(),
            proofs,
            repairs,
            entries,
            mac: String::new(),
        };
        manifest.mac = manifest.compute_mac(key);
        manifest
    }

    fn body(&self) -> String {
        let mut out = format!("{MAGIC}\nversion {}\nkey {}\n", self.version, self.key);
        for (from, proof) in &self.proofs {
            out.push_str(&format!("successor-of {from} {proof}\n"));
        }
        for commit in &self.repairs {
            out.push_str(&format!("repairs {commit}\n"));
        }
        for (path, oid) in &self.entries {
            out.push_str(&format!("entry {path} {oid}\n"));
        }
        out
    }

    fn compute_mac(&self, key: &CaseKey) -> String {
        let mut mac = key.auth_mac();
        mac.update(b"iepcase manifest v2\n");
        mac.update(self.body().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The file's text.
    pub fn render(&self) -> String {
        format!("{}mac {}\n", self.body(), self.mac)
    }

    /// Parses a manifest, strictly: anything but the exact text iepcase writes is refused.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let text = std::str::from_utf8(bytes).map_err(|_| "it is not text".to_owned())?;
        let mut lines = text.lines();
        if lines.next() != Some(MAGIC) {
            return Err("it does not start with `iepcase-manifest 1`".into());
        }
        let field = |line: Option<&str>, name: &str| -> Result<String, String> {
            line.and_then(|l| l.strip_prefix(name))
                .and_then(|l| l.strip_prefix(' '))
                .map(str::to_owned)
                .ok_or_else(|| format!("its `{name}` line is missing"))
        };
        let version: u64 = field(lines.next(), "version")?
            .parse()
            .map_err(|_| "its version is not a number".to_owned())?;
        let key = field(lines.next(), "key")?;
        if !is_hex(&key, 32) {
            return Err("its key fingerprint is malformed".into());
        }
        let mut proofs = Vec::new();
        let mut repairs = Vec::new();
        let mut entries = BTreeMap::new();
        let mut mac = None;
        for line in lines {
            if mac.is_some() {
                return Err("it has lines after its MAC".into());
            }
            let (tag, rest) = line.split_once(' ').ok_or("it has a malformed line")?;
            match tag {
                "successor-of" => {
                    let (from, proof) = rest.split_once(' ').ok_or("a proof line is malformed")?;
                    if !is_hex(from, 32) || !is_hex(proof, 64) {
                        return Err("a proof line is malformed".into());
                    }
                    proofs.push((from.to_owned(), proof.to_owned()));
                }
                "repairs" => {
                    let commit = Oid::from_str(rest)
                        .ok()
                        .filter(|_| is_hex(rest, 40))
                        .ok_or("a repairs line is malformed")?;
                    repairs.push(commit);
                }
                "entry" => {
                    let (path, oid) = rest.rsplit_once(' ').ok_or("an entry line is malformed")?;
                    let path_ok = !path.is_empty()
                        && path.bytes().all(
                            |b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'/'),
                        );
                    if !path_ok {
                        return Err("an entry line is malformed".into());
                    }
                    let oid = Oid::from_str(oid)
                        .ok()
                        .filter(|_| is_hex(oid, 40))
                        .ok_or("an entry line is malformed")?;
                    if entries.insert(path.to_owned(), oid).is_some() {
                        return Err(format!("it lists `{path}` twice"));
                    }
                }
                "mac" if is_hex(rest, 64) => mac = Some(rest.to_owned()),
                _ => return Err("it has a malformed line".into()),
            }
        }
        let manifest = Manifest {
            version,
            key,
            proofs,
            repairs,
            entries,
            mac: mac.ok_or("its MAC is missing")?,
        };
        if manifest.render() != text {
            return Err("it is not written the way iepcase writes it".into());
        }
        Ok(manifest)
    }

    /// Whether `key` made this manifest.
    pub fn made_with(&self, key: &CaseKey) -> bool {
        if key.fingerprint() != self.key {
            return false;
        }
        let Ok(expected) = hex::decode(&self.mac) else {
            return false;
        };
        let mut mac = key.auth_mac();
        mac.update(b"iepcase manifest v2\n");
        mac.update(self.body().as_bytes());
        mac.verify_slice(&expected).is_ok()
    }

    /// The paths whose content differs between this manifest and `entries` (either side).
    pub fn differences(&self, entries: &BTreeMap<String, Oid>) -> Vec<String> {
        let mut paths: Vec<String> = self
            .entries
            .iter()
            .filter(|(path, oid)| entries.get(*path) != Some(oid))
            .map(|(path, _)| path.clone())
            .collect();
        paths.extend(
            entries
                .keys()
                .filter(|path| !self.entries.contains_key(*path))
                .cloned(),
        );
        paths.sort();
        paths
    }

    /// The proof, if any, that this manifest's key succeeds the key `from`.
    pub fn proof_from(&self, from: &str) -> Option<&str> {
        self.proofs
            .iter()
            .find(|(f, _)| f == from)
            .map(|(_, p)| p.as_str())
    }
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries() -> BTreeMap<String, Oid> {
        let mut entries = BTreeMap::new();
        entries.insert(
            "case.age".to_owned(),
            Oid::from_str(&"1".repeat(40)).unwrap(),
        );
        entries.insert(
            "records".to_owned(),
            Oid::from_str(&"2".repeat(40)).unwrap(),
        );
        entries
    }

    #[test]
    fn a_manifest_round_trips_and_only_its_key_made_it() {
        let key = CaseKey::generate();
        let next = key.successor();
        let proofs = vec![(
            key.fingerprint().to_owned(),
            key.successor_proof(next.fingerprint()),
        )];
        let manifest = Manifest::new(3, &next, proofs, entries());
        let text = manifest.render();
        let parsed = Manifest::parse(text.as_bytes()).unwrap();
        assert_eq!(parsed, manifest);
        assert!(parsed.made_with(&next));
        assert!(!parsed.made_with(&key));
        assert!(!parsed.made_with(&CaseKey::generate()));
        let proof = parsed.proof_from(key.fingerprint()).unwrap();
        assert!(key.check_successor_proof(next.fingerprint(), proof));
        assert!(!next.check_successor_proof(key.fingerprint(), proof));
    }

    #[test]
    fn any_change_to_the_text_breaks_it() {
        let key = CaseKey::generate();
        let text = Manifest::new(3, &key, Vec::new(), entries()).render();
        let bumped = text.replace("version 3", "version 4");
        assert!(!Manifest::parse(bumped.as_bytes()).unwrap().made_with(&key));
        let swapped = text.replace(&"2".repeat(40), &"3".repeat(40));
        assert!(!Manifest::parse(swapped.as_bytes()).unwrap().made_with(&key));
        for bad in [
            text.replace("version 3", "version three"),
            format!("{text}extra\n"),
            text.replace("entry ", "entry  "),
            text.trim_end().to_owned(),
            String::new(),
        ] {
            assert!(Manifest::parse(bad.as_bytes()).is_err(), "{bad}");
        }
    }

    #[test]
    fn differences_name_both_sides() {
        let key = CaseKey::generate();
        let manifest = Manifest::new(1, &key, Vec::new(), entries());
        let mut now = entries();
        now.insert("records".into(), Oid::from_str(&"9".repeat(40)).unwrap());
        now.insert("notes.txt".into(), Oid::from_str(&"8".repeat(40)).unwrap());
        now.remove("case.age");
        assert_eq!(
            manifest.differences(&now),
            vec!["case.age".to_owned(), "notes.txt".into(), "records".into()]
        );
    }
}

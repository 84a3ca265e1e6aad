//! Packing a case's git objects without the user asking, as `git gc --auto` does.
//!
//! Every commit leaves a handful of loose objects (a record blob, the trees above it, the
//! manifest, the commit); years of commits make tens of thousands of small files. When a
//! case has more than [`LOOSE_LIMIT`] loose objects, the command that wrote starts a detached
//! `iepcase dev pack` after it has finished (never `sync`, which talks to a remote), which runs
//! [`pack`]:
//!
//! 1. every loose object goes into one new pack (written by libgit2, deltas between trees);
//!    when the case already has more than [`PACK_LIMIT`] packs, every object of every pack
//!    goes in too, so the packs become one;
//! 2. the new pack and its index are flushed to disk, and the index is read back: only objects
//!    it lists, in a pack whose checksum matches, are then deleted as loose files or old packs.
//!
//! Objects over [`LARGE_OBJECT`] (big scans) stay loose, so they are still read in bounded
//! memory.
//!
//! So a `kill -9` at any point loses nothing: until step 2 ends every object is still where it
//! was, and afterwards in the new pack. Writers need no lock: objects written meanwhile stay
//! loose for the next run. One packer runs at a time per case (`.git/iepcase/pack.lock`).

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use git2::{Oid, Repository};

/// Loose objects that make packing due.
pub const LOOSE_LIMIT: usize = 1_000;
/// Packs that make the next packing put everything into one.
pub const PACK_LIMIT: usize = 12;
/// Objects larger than this stay loose (attachments of many megabytes).
pub const LARGE_OBJECT: usize = 16 << 20;
/// A pack lock older than this is left over from a packer that died.
const STALE_LOCK: std::time::Duration = std::time::Duration::from_secs(3_600);

/// What one packing did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PackReport {
    /// Objects in the new pack.
    pub packed: usize,
    /// Loose object files removed.
    pub loose_removed: usize,
    /// Old packs removed (their objects are in the new one).
    pub packs_removed: usize,
}

fn objects_dir(root: &Path) -> PathBuf {
    root.join(".git").join("objects")
}

/// Whether the case at `root` has more than `limit` loose objects ([`LOOSE_LIMIT`] unless a
/// test or benchmark asks for another), so packing is due. Cheap: like git, it counts the
/// files of a few of the 256 object folders and scales up.
pub fn due(root: &Path, limit: usize) -> bool {
    let objects = objects_dir(root);
    if limit < 256 {
        // Few objects: a sample says little, count them all.
        return loose_objects(&objects).len() > limit;
    }
    let sample = ["17", "6b", "a3", "e9"];
    let counted: usize = sample
        .iter()
        .map(|dir| fs::read_dir(objects.join(dir)).map_or(0, |d| d.count()))
        .sum();
    counted * 256 / sample.len() > limit
}

/// Every loose object of the repository, with its file.
fn loose_objects(objects: &Path) -> Vec<(Oid, PathBuf)> {
    let mut out = Vec::new();
    let Ok(dirs) = fs::read_dir(objects) else {
        return out;
    };
    for dir in dirs.flatten() {
        let name = dir.file_name();
        let Some(prefix) = name.to_str().filter(|n| n.len() == 2) else {
            continue;
        };
        if !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        for file in fs::read_dir(dir.path()).into_iter().flatten().flatten() {
            let rest = file.file_name();
            let Some(rest) = rest.to_str().filter(|r| r.len() == 38) else {
                continue;
            };
            if let Ok(oid) = Oid::from_str(&format!("{prefix}{rest}")) {
                out.push((oid, file.path()));
            }
        }
    }
    out
}

/// The packs of the repository: each index file with the object ids it lists.
fn packs(objects: &Path) -> Vec<(PathBuf, Vec<Oid>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(objects.join("pack"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "idx")
            && let Some(index) = read_index(&path)
        {
            out.push((path, index.oids));
        }
    }
    out
}

/// A pack index (version 2), read and checked against its pack.
struct PackIndex {
    oids: Vec<Oid>,
}

/// Reads the index at `path` and checks that its pack is there with the checksum the index
/// names; `None` when anything is off.
fn read_index(path: &Path) -> Option<PackIndex> {
    let data = fs::read(path).ok()?;
    let header: &[u8] = &[0xff, b't', b'O', b'c', 0, 0, 0, 2];
    if !data.starts_with(header) || data.len() < 8 + 256 * 4 + 40 {
        return None;
    }
    let count = u32::from_be_bytes(data[8 + 255 * 4..8 + 256 * 4].try_into().ok()?) as usize;
    let start = 8 + 256 * 4;
    let ids = data.get(start..start + count * 20)?;
    let oids = ids
        .chunks_exact(20)
        .map(Oid::from_bytes)
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    // The trailer: the pack's checksum, then the index's own.
    let pack_sum = data.get(data.len() - 40..data.len() - 20)?;
    let mut pack = fs::File::open(path.with_extension("pack")).ok()?;
    let length = pack.metadata().ok()?.len();
    if length < 32 {
        return None;
    }
    use std::io::Seek;
    pack.seek(std::io::SeekFrom::Start(length - 20)).ok()?;
    let mut tail = [0u8; 20];
    pack.read_exact(&mut tail).ok()?;
    (tail == pack_sum).then_some(PackIndex { oids })
}

/// Holds `.git/iepcase/pack.lock` while packing.
struct PackLock(PathBuf);

impl PackLock {
    fn take(root: &Path) -> Option<PackLock> {
        let path = super::local_dir(root).join("pack.lock");
        fs::create_dir_all(path.parent()?).ok()?;
        let create = || {
            use std::io::Write;
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            write!(file, "{}", std::process::id())
        };
        if create().is_err() {
            let old = fs::metadata(&path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_LOCK);
            if !old && holder_alive(&path) {
                return None;
            }
            let _ = fs::remove_file(&path);
            create().ok()?;
        }
        Some(PackLock(path))
    }
}

/// Whether the process named in the lock file may still be running (where the system lets
/// us tell: a Linux process has a folder in /proc).
fn holder_alive(lock: &Path) -> bool {
    let Some(pid) = fs::read_to_string(lock)
        .ok()
        .and_then(|t| t.trim().parse::<u32>().ok())
    else {
        // Just created and not yet written, or unreadable: assume it is at work.
        return true;
    };
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

impl Drop for PackLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.0);
    }
}

fn sync_file(path: &Path) -> std::io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Packs the loose objects of the case at `root` (and, past [`PACK_LIMIT`] packs, every
/// pack into one). `None` when another packer is at work.
pub fn pack(root: &Path) -> Result<Option<PackReport>, git2::Error> {
    let Some(_lock) = PackLock::take(root) else {
        return Ok(None);
    };
    let objects = objects_dir(root);
    let repo = Repository::open_bare(root.join(".git"))?;
    let loose = loose_objects(&objects);
    let old_packs = packs(&objects);
    let consolidate = old_packs.len() > PACK_LIMIT;
    if loose.is_empty() && !consolidate {
        return Ok(Some(PackReport::default()));
    }

    let mut builder = repo.packbuilder()?;
    let mut wanted: HashSet<Oid> = HashSet::new();
    let odb = repo.odb()?;
    for (oid, _) in &loose {
        // An object whose file is damaged stays loose, for fsck to report; a large attachment
        // stays loose too, where it is read as a stream (blob.rs), never whole.
        let packable = odb
            .read_header(*oid)
            .is_ok_and(|(size, _)| size <= LARGE_OBJECT);
        if packable && wanted.insert(*oid) {
            builder.insert_object(*oid, None)?;
        }
    }
    if consolidate {
        for (_, oids) in &old_packs {
            for oid in oids {
                if wanted.insert(*oid) {
                    builder.insert_object(*oid, None)?;
                }
            }
        }
    }
    let pack_dir = objects.join("pack");
    fs::create_dir_all(&pack_dir).map_err(|e| git2::Error::from_str(&e.to_string()))?;
    builder.write(&pack_dir, 0o444)?;
    let Some(name) = builder.name()?.map(str::to_owned) else {
        return Ok(Some(PackReport::default()));
    };
    let name = name.strip_prefix("pack-").unwrap_or(&name);
    let index_path = pack_dir.join(format!("pack-{name}.idx"));
    let io = |e: std::io::Error| git2::Error::from_str(&e.to_string());
    sync_file(&index_path.with_extension("pack")).map_err(io)?;
    sync_file(&index_path).map_err(io)?;
    sync_file(&pack_dir).map_err(io)?;

    // Only what the new index lists, in a pack that matches it, may go.
    let Some(index) = read_index(&index_path) else {
        return Err(git2::Error::from_str(
            "the new pack does not match its index",
        ));
    };
    let packed: HashSet<Oid> = index.oids.iter().copied().collect();
    let mut report = PackReport {
        packed: packed.len(),
        ..PackReport::default()
    };
    super::failpoint::reach("pack-written");
    for (n, (oid, file)) in loose.iter().enumerate() {
        if n == loose.len() / 2 {
            super::failpoint::reach("pack-pruning");
        }
        if packed.contains(oid) && fs::remove_file(file).is_ok() {
            report.loose_removed += 1;
        }
    }
    if consolidate {
        for (idx, oids) in &old_packs {
            if *idx != index_path && oids.iter().all(|oid| packed.contains(oid)) {
                // The index first: without it the pack is invisible and harmless.
                if fs::remove_file(idx).is_ok() {
                    let _ = fs::remove_file(idx.with_extension("pack"));
                    let _ = fs::remove_file(idx.with_extension("rev"));
                    report.packs_removed += 1;
                }
            }
        }
    }
    Ok(Some(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with_commits(dir: &Path, n: usize) -> Repository {
        let repo = Repository::init_bare(dir.join(".git")).unwrap();
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(1, 0)).unwrap();
        let mut parent: Option<Oid> = None;
        for i in 0..n {
            let blob = repo.blob(format!("record {i}").as_bytes()).unwrap();
            let mut tb = repo.treebuilder(None).unwrap();
            tb.insert(format!("r{i}"), blob, 0o100644).unwrap();
            let tree = repo.find_tree(tb.write().unwrap()).unwrap();
            let parents: Vec<git2::Commit<'_>> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
            parent = Some(
                repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &refs)
                    .unwrap(),
            );
        }
        repo
    }

    fn every_object(repo: &Repository) -> Vec<Oid> {
        let mut walk = repo.revwalk().unwrap();
        walk.push_head().unwrap();
        let mut out = Vec::new();
        for commit in walk {
            let commit = repo.find_commit(commit.unwrap()).unwrap();
            out.push(commit.id());
            let tree = commit.tree().unwrap();
            out.push(tree.id());
            out.extend(tree.iter().map(|e| e.id()));
        }
        out
    }

    #[test]
    fn packing_keeps_every_object_and_removes_the_loose_copies() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_with_commits(dir.path(), 30);
        let objects = every_object(&repo);
        let before = loose_objects(&objects_dir(dir.path())).len();
        assert!(before >= 90, "{before} loose objects");

        let report = pack(dir.path()).unwrap().unwrap();
        assert_eq!(report.loose_removed, before);
        assert!(loose_objects(&objects_dir(dir.path())).is_empty());
        let fresh = Repository::open_bare(dir.path().join(".git")).unwrap();
        for oid in &objects {
            fresh.odb().unwrap().read(*oid).unwrap();
        }
    }

    #[test]
    fn many_packs_become_one() {
        let dir = tempfile::tempdir().unwrap();
        let repo = repo_with_commits(dir.path(), 1);
        let sig = git2::Signature::new("t", "t@example.org", &git2::Time::new(1, 0)).unwrap();
        for round in 0..=PACK_LIMIT {
            let head = repo.head().unwrap().peel_to_commit().unwrap();
            let blob = repo.blob(format!("round {round}").as_bytes()).unwrap();
            let mut tb = repo.treebuilder(Some(&head.tree().unwrap())).unwrap();
            tb.insert(format!("x{round}"), blob, 0o100644).unwrap();
            let tree = repo.find_tree(tb.write().unwrap()).unwrap();
            repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &[&head])
                .unwrap();
            pack(dir.path()).unwrap().unwrap();
        }
        assert_eq!(packs(&objects_dir(dir.path())).len(), PACK_LIMIT + 1);
        let report = pack(dir.path()).unwrap().unwrap();
        assert_eq!(report.packs_removed, PACK_LIMIT + 1);
        assert_eq!(packs(&objects_dir(dir.path())).len(), 1);
        let fresh = Repository::open_bare(dir.path().join(".git")).unwrap();
        for oid in every_object(&repo) {
            fresh.odb().unwrap().read(oid).unwrap();
        }
    }

    #[test]
    fn a_pack_that_does_not_match_its_index_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let _repo = repo_with_commits(dir.path(), 3);
        pack(dir.path()).unwrap().unwrap();
        let (idx, _) = packs(&objects_dir(dir.path())).remove(0);
        let pack_file = idx.with_extension("pack");
        let mut perms = fs::metadata(&pack_file).unwrap().permissions();
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        fs::set_permissions(&pack_file, perms).unwrap();
        let mut bytes = fs::read(&pack_file).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        fs::write(&pack_file, bytes).unwrap();
        assert!(read_index(&idx).is_none());
    }

    #[test]
    fn one_packer_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let _repo = repo_with_commits(dir.path(), 3);
        let held = PackLock::take(dir.path()).unwrap();
        assert_eq!(pack(dir.path()).unwrap(), None);
        drop(held);
        assert!(pack(dir.path()).unwrap().is_some());
    }
}

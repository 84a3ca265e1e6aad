//! The git operations a case needs, on git2: create a repository, read files at a revision,
//! write a commit from a set of path changes, and walk history.
//!
//! Commits are built from trees in the object database, never from the working tree, so a
//! commit is one atomic ref update: either it happened or it did not.

use std::path::Path;

use git2::{FileMode, Oid, Repository, Signature, Tree};

/// The branch every case uses.
pub const BRANCH: &str = "main";

/// Who a commit is by and when.
#[derive(Clone, Debug)]
pub struct CommitContext {
    pub name: String,
    pub email: String,
    /// Seconds since the Unix epoch; commits are written in UTC so they reveal no time zone.
    pub time: i64,
}

impl CommitContext {
    fn signature(&self) -> Result<Signature<'static>, git2::Error> {
        Signature::new(&self.name, &self.email, &git2::Time::new(self.time, 0))
    }
}

/// One change to a path in the next commit.
#[derive(Clone, Debug)]
pub enum PathChange {
    /// The path now holds this blob.
    Put { path: String, blob: Oid },
    /// The path is gone.
    Remove { path: String },
}

impl PathChange {
    /// The path changed.
    pub fn path(&self) -> &str {
        match self {
            PathChange::Put { path, .. } | PathChange::Remove { path } => path,
        }
    }
}

/// Tunes libgit2 once per process: keep big trees (the `records/` folder) in the object
/// cache, and, like git itself, do not re-hash every object read (fsck turns it back on).
pub fn configure() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // SAFETY: runs once, before this process opens any repository.
        unsafe {
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, 64 << 20);
            let _ = git2::opts::set_cache_max_size(512 << 20);
        }
    });
}

/// Creates the repository of a case folder `path`: `path/.git`, on branch `main`.
///
/// The repository is bare: git keeps no index and no working tree of its own. The files
/// beside `.git` are a mirror of HEAD that iepcase writes itself, so commits never pay for
/// an index of every record, and `git pull` by hand cannot bypass iepcase's record merge.
pub fn init(path: &Path) -> Result<Repository, git2::Error> {
    configure();
    let mut opts = git2::RepositoryInitOptions::new();
    opts.bare(true)
        .initial_head(BRANCH)
        .mkpath(true)
        .no_reinit(true);
    let repo = Repository::init_opts(path.join(".git"), &opts)?;
    {
        let mut config = repo.config()?;
        // Age files are binary: never let line-ending conversion touch them.
        config.set_bool("core.autocrlf", false)?;
    }
    Ok(repo)
}

/// The tree of HEAD, or `None` for a repository without commits.
pub fn head_tree(repo: &Repository) -> Result<Option<Tree<'_>>, git2::Error> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_tree()?)),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The blob id at `path` in `tree`, if any.
pub fn blob_id(tree: &Tree<'_>, path: &str) -> Option<Oid> {
    tree.get_path(Path::new(path))
        .ok()
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
        .map(|e| e.id())
}

/// The content of `path` in `tree`, if any.
pub fn read(
    repo: &Repository,
    tree: &Tree<'_>,
    path: &str,
) -> Result<Option<Vec<u8>>, git2::Error> {
    match blob_id(tree, path) {
        Some(id) => Ok(Some(repo.find_blob(id)?.content().to_vec())),
        None => Ok(None),
    }
}

/// The entries `(file name, blob id)` of the folder `dir` in `tree`.
pub fn list_dir(
    repo: &Repository,
    tree: &Tree<'_>,
    dir: &str,
) -> Result<Vec<(String, Oid)>, git2::Error> {
    let Ok(entry) = tree.get_path(Path::new(dir)) else {
        return Ok(Vec::new());
    };
    let subtree = repo.find_tree(entry.id())?;
    Ok(subtree
        .iter()
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
        .filter_map(|e| Some((e.name().ok()?.to_owned(), e.id())))
        .collect())
}

/// Every file under the folder `dir` of `tree`, with its path from the top, down to
/// `depth` folders below `dir`.
pub fn files_under(
    repo: &Repository,
    tree: &Tree<'_>,
    dir: &str,
    depth: usize,
) -> Result<Vec<(String, Oid)>, git2::Error> {
    let Ok(entry) = tree.get_path(Path::new(dir)) else {
        return Ok(Vec::new());
    };
    if entry.kind() != Some(git2::ObjectType::Tree) {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    let mut stack = vec![(dir.to_owned(), entry.id(), 0)];
    while let Some((path, oid, level)) = stack.pop() {
        let folder = repo.find_tree(oid)?;
        for e in folder.iter() {
            let Ok(name) = e.name() else { continue };
            let child = format!("{path}/{name}");
            match e.kind() {
                Some(git2::ObjectType::Blob) => files.push((child, e.id())),
                Some(git2::ObjectType::Tree) if level < depth => {
                    stack.push((child, e.id(), level + 1));
                }
                _ => {}
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The commit HEAD points at, or `None` for a repository without commits.
pub fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, git2::Error> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit()?)),
        Err(e)
            if e.code() == git2::ErrorCode::UnbornBranch
                || e.code() == git2::ErrorCode::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The tree of `commit`, or the empty tree for none.
pub fn tree_or_empty<'r>(
    repo: &'r Repository,
    commit: Option<&git2::Commit<'r>>,
) -> Result<Tree<'r>, git2::Error> {
    match commit {
        Some(commit) => commit.tree(),
        None => repo.find_tree(repo.treebuilder(None)?.write()?),
    }
}

/// Writes a commit of `tree` on HEAD (whose commit is `parent`), with `extra_parents` for a
/// merge, and moves HEAD to it in one ref update.
pub fn commit_tree(
    repo: &Repository,
    parent: Option<&git2::Commit<'_>>,
    tree: Oid,
    message: &str,
    context: &CommitContext,
    extra_parents: &[Oid],
) -> Result<Oid, git2::Error> {
    let tree = repo.find_tree(tree)?;
    let signature = context.signature()?;
    let others = extra_parents
        .iter()
        .map(|id| repo.find_commit(*id))
        .collect::<Result<Vec<_>, _>>()?;
    let parents: Vec<&git2::Commit<'_>> = parent.into_iter().chain(others.iter()).collect();
    repo.commit(
        Some("HEAD"),
        &signature,
        &signature,
        message,
        &tree,
        &parents,
    )
}

/// Applies `changes` to `base` and writes the new tree.
///
/// Files directly inside a folder (`records/<id>.age`) are spliced into that folder's tree in
/// one linear pass; libgit2's general tree editor re-sorts the whole folder, which costs
/// milliseconds per change in a case of thousands of records.
pub fn updated_tree(
    repo: &Repository,
    base: &Tree<'_>,
    changes: &[PathChange],
) -> Result<Oid, git2::Error> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut by_folder: BTreeMap<&str, BTreeMap<&str, Option<Oid>>> = BTreeMap::new();
    let mut update = git2::build::TreeUpdateBuilder::new();
    // A folder that also gets changes deeper down goes wholly through the general editor:
    // replacing the folder and editing inside it in one update would lose one of the two.
    let deep: BTreeSet<&str> = changes
        .iter()
        .filter_map(|c| {
            let (folder, rest) = c.path().split_once('/')?;
            rest.contains('/').then_some(folder)
        })
        .collect();
    for change in changes {
        let blob = match change {
            PathChange::Put { blob, .. } => Some(*blob),
            PathChange::Remove { .. } => None,
        };
        match change.path().split_once('/') {
            Some((folder, name)) if !name.contains('/') && !deep.contains(folder) => {
                by_folder.entry(folder).or_default().insert(name, blob);
            }
            _ => {
                match blob {
                    Some(blob) => update.upsert(change.path(), blob, FileMode::Blob),
                    None => update.remove(change.path()),
                };
            }
        }
    }
    for (folder, files) in by_folder {
        let current = match base.get_name(folder) {
            Some(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                Some(repo.find_tree(entry.id())?)
            }
            _ => None,
        };
        match (splice_folder(repo, current.as_ref(), &files)?, &current) {
            (Some(tree), _) => update.upsert(folder, tree, FileMode::Tree),
            (None, Some(_)) => update.remove(folder),
            (None, None) => &mut update,
        };
    }
    update.create_updated(repo, base)
}

/// Writes `folder` with `files` put or removed; `None` when it ends up empty.
fn splice_folder(
    repo: &Repository,
    folder: Option<&Tree<'_>>,
    files: &std::collections::BTreeMap<&str, Option<Oid>>,
) -> Result<Option<Oid>, git2::Error> {
    // Git orders entries by name, comparing a folder's name as if it ended in '/'.
    fn key(name: &[u8], is_tree: bool) -> Vec<u8> {
        let mut k = name.to_vec();
        if is_tree {
            k.push(b'/');
        }
        k
    }
    let mut out = Vec::with_capacity(folder.map_or(0, |t| t.len() * 42) + files.len() * 42);
    let mut push = |mode: i32, name: &[u8], oid: Oid| {
        out.extend_from_slice(format!("{mode:o} ").as_bytes());
        out.extend_from_slice(name);
        out.push(0);
        out.extend_from_slice(oid.as_bytes());
    };
    let mut changes = files
        .iter()
        .map(|(name, blob)| (name.as_bytes(), *blob))
        .peekable();
    let mut count = 0usize;
    if let Some(folder) = folder {
        for entry in folder.iter() {
            let name = entry.name_bytes();
            let entry_key = key(name, entry.kind() == Some(git2::ObjectType::Tree));
            while let Some((change, blob)) = changes.peek().copied() {
                if key(change, false) >= entry_key {
                    break;
                }
                if let Some(blob) = blob {
                    push(0o100644, change, blob);
                    count += 1;
                }
                changes.next();
            }
            match changes.peek().copied() {
                Some((change, blob)) if change == name => {
                    if let Some(blob) = blob {
                        push(0o100644, change, blob);
                        count += 1;
                    }
                    changes.next();
                }
                _ => {
                    push(entry.filemode(), name, entry.id());
                    count += 1;
                }
            }
        }
    }
    for (change, blob) in changes {
        if let Some(blob) = blob {
            push(0o100644, change, blob);
            count += 1;
        }
    }
    if count == 0 {
        return Ok(None);
    }
    repo.odb()?.write(git2::ObjectType::Tree, &out).map(Some)
}

/// A commit as history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitInfo {
    pub id: Oid,
    pub time: i64,
    pub author: String,
    pub email: String,
    pub message: String,
    pub parents: Vec<Oid>,
}

impl CommitInfo {
    /// What history shows of `commit`.
    pub fn of(commit: &git2::Commit<'_>) -> CommitInfo {
        let author = commit.author();
        CommitInfo {
            id: commit.id(),
            time: commit.time().seconds(),
            author: author.name().unwrap_or("?").to_owned(),
            email: author.email().unwrap_or("").to_owned(),
            message: commit.message().unwrap_or("").trim_end().to_owned(),
            parents: commit.parent_ids().collect(),
        }
    }
}

/// Commits reachable from HEAD, newest first.
pub fn history(repo: &Repository) -> Result<Vec<CommitInfo>, git2::Error> {
    let mut walk = repo.revwalk()?;
    if head_tree(repo)?.is_none() {
        return Ok(Vec::new());
    }
    walk.push_head()?;
    walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME)?;
    walk.map(|id| Ok(CommitInfo::of(&repo.find_commit(id?)?)))
        .collect()
}

/// The tree of a revision such as `HEAD~2`, a commit id or a branch.
pub fn tree_at<'r>(repo: &'r Repository, rev: &str) -> Result<Tree<'r>, git2::Error> {
    repo.revparse_single(rev)?.peel_to_tree()
}

/// The name and e-mail in the user's git configuration (`user.name`, `user.email`), for a new
/// workspace's commit author.
pub fn user_identity() -> (Option<String>, Option<String>) {
    let config = git2::Config::open_default().ok();
    let get = |key: &str| config.as_ref().and_then(|c| c.get_string(key).ok());
    (get("user.name"), get("user.email"))
}

/// The CA file git's configuration names for HTTPS (`http.sslCAInfo`).
pub fn ssl_ca_info() -> Option<std::path::PathBuf> {
    git2::Config::open_default()
        .ok()?
        .get_path("http.sslcainfo")
        .ok()
}

/// A commit id as people quote it: its first ten hex digits.
pub fn short(commit: &Oid) -> String {
    let mut text = commit.to_string();
    text.truncate(10);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(repo: &Repository, text: &str) -> Oid {
        repo.blob(text.as_bytes()).unwrap()
    }

    /// Moving files from a folder into folders below it, in one change set, keeps both parts.
    #[test]
    fn moving_files_deeper_in_one_update() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        let empty = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        let one = blob(&repo, "one");
        let flat = updated_tree(
            &repo,
            &empty,
            &[PathChange::Put {
                path: "records/ab.age".into(),
                blob: one,
            }],
        )
        .unwrap();
        let flat = repo.find_tree(flat).unwrap();
        let moved = updated_tree(
            &repo,
            &flat,
            &[
                PathChange::Remove {
                    path: "records/ab.age".into(),
                },
                PathChange::Put {
                    path: "records/a/b/ab.age".into(),
                    blob: one,
                },
            ],
        )
        .unwrap();
        let moved = repo.find_tree(moved).unwrap();
        assert!(moved.get_path(Path::new("records/ab.age")).is_err());
        assert_eq!(
            moved
                .get_path(Path::new("records/a/b/ab.age"))
                .unwrap()
                .id(),
            one
        );
    }

    /// The fast splice gives exactly the tree libgit2's general editor gives.
    #[test]
    fn spliced_trees_match_libgit2() {
        let dir = tempfile::tempdir().unwrap();
        let repo = init(dir.path()).unwrap();
        let empty = repo
            .find_tree(repo.treebuilder(None).unwrap().write().unwrap())
            .unwrap();
        let mut names: Vec<String> = (0..300)
            .map(|i| format!("{:05}x.age", (i * 7919) % 100_000))
            .collect();
        names.extend([
            "a.age".into(),
            "a-b.age".into(),
            "a0.age".into(),
            "zz".into(),
        ]);
        names.sort();
        names.dedup();
        let mut changes: Vec<PathChange> = names
            .iter()
            .map(|n| PathChange::Put {
                path: format!("records/{n}"),
                blob: blob(&repo, n),
            })
            .collect();
        changes.push(PathChange::Put {
            path: "case.age".into(),
            blob: blob(&repo, "case"),
        });
        changes.push(PathChange::Put {
            path: "records/sub/deep.age".into(),
            blob: blob(&repo, "deep"),
        });
        let reference = |base: &Tree<'_>, changes: &[PathChange]| {
            let mut update = git2::build::TreeUpdateBuilder::new();
            for c in changes {
                match c {
                    PathChange::Put { path, blob } => {
                        update.upsert(path.as_str(), *blob, FileMode::Blob)
                    }
                    PathChange::Remove { path } => update.remove(path.as_str()),
                };
            }
            update.create_updated(&repo, base).unwrap()
        };
        let first = updated_tree(&repo, &empty, &changes).unwrap();
        assert_eq!(first, reference(&empty, &changes));

        let base = repo.find_tree(first).unwrap();
        let mut more: Vec<PathChange> = names
            .iter()
            .step_by(3)
            .map(|n| PathChange::Remove {
                path: format!("records/{n}"),
            })
            .collect();
        more.push(PathChange::Put {
            path: "records/a.age".into(),
            blob: blob(&repo, "changed"),
        });
        more.push(PathChange::Put {
            path: "records/sub.age".into(),
            blob: blob(&repo, "next to a folder"),
        });
        more.push(PathChange::Put {
            path: "records/00000.age".into(),
            blob: blob(&repo, "first"),
        });
        let expected = reference(&base, &more);
        // Removing what is not there is a no-op here (libgit2's editor calls it an error).
        more.push(PathChange::Remove {
            path: "records/not-there.age".into(),
        });
        assert_eq!(updated_tree(&repo, &base, &more).unwrap(), expected);

        let all_gone: Vec<PathChange> = names
            .iter()
            .map(|n| PathChange::Remove {
                path: format!("attachments/{n}"),
            })
            .collect();
        assert_eq!(updated_tree(&repo, &base, &all_gone).unwrap(), base.id());
    }
}

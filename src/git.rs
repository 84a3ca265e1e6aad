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

/// Creates a repository at `path` on branch `main`.
pub fn init(path: &Path) -> Result<Repository, git2::Error> {
    let mut opts = git2::RepositoryInitOptions::new();
    opts.initial_head(BRANCH).mkpath(true).no_reinit(true);
    let repo = Repository::init_opts(path, &opts)?;
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
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => {
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
pub fn read(repo: &Repository, tree: &Tree<'_>, path: &str) -> Result<Option<Vec<u8>>, git2::Error> {
    match blob_id(tree, path) {
        Some(id) => Ok(Some(repo.find_blob(id)?.content().to_vec())),
        None => Ok(None),
    }
}

/// The entries `(file name, blob id)` of the folder `dir` in `tree`.
pub fn list_dir(repo: &Repository, tree: &Tree<'_>, dir: &str) -> Result<Vec<(String, Oid)>, git2::Error> {
    let Ok(entry) = tree.get_path(Path::new(dir)) else { return Ok(Vec::new()) };
    let subtree = repo.find_tree(entry.id())?;
    Ok(subtree
        .iter()
        .filter(|e| e.kind() == Some(git2::ObjectType::Blob))
        .filter_map(|e| Some((e.name().ok()?.to_owned(), e.id())))
        .collect())
}

/// Writes a commit on HEAD applying `changes`; `None` when they change nothing.
pub fn commit(
    repo: &Repository,
    changes: &[PathChange],
    message: &str,
    context: &CommitContext,
) -> Result<Option<Oid>, git2::Error> {
    let parent = match repo.head() {
        Ok(head) => Some(head.peel_to_commit()?),
        Err(e) if e.code() == git2::ErrorCode::UnbornBranch || e.code() == git2::ErrorCode::NotFound => None,
        Err(e) => return Err(e),
    };
    let base = match &parent {
        Some(commit) => commit.tree()?,
        None => repo.find_tree(repo.treebuilder(None)?.write()?)?,
    };
    let mut update = git2::build::TreeUpdateBuilder::new();
    for change in changes {
        match change {
            PathChange::Put { path, blob } => update.upsert(path.as_str(), *blob, FileMode::Blob),
            PathChange::Remove { path } => update.remove(path.as_str()),
        };
    }
    let tree_id = update.create_updated(repo, &base)?;
    if parent.is_some() && tree_id == base.id() {
        return Ok(None);
    }
    let tree = repo.find_tree(tree_id)?;
    let signature = context.signature()?;
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &signature, &signature, message, &tree, &parents).map(Some)
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
    fn of(commit: &git2::Commit<'_>) -> CommitInfo {
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
    walk.map(|id| Ok(CommitInfo::of(&repo.find_commit(id?)?))).collect()
}

/// The tree of a revision such as `HEAD~2`, a commit id or a branch.
pub fn tree_at<'r>(repo: &'r Repository, rev: &str) -> Result<Tree<'r>, git2::Error> {
    repo.revparse_single(rev)?.peel_to_tree()
}

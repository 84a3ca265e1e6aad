//! Transactions: one commit for everything staged or nothing, and what a crash at each step
//! leaves for the next command to finish.

use super::*;
use crate::store::fixture::{Fixture, commits, context, note, open, put, text_of};

/// The case's encrypted files beside `.git`, relative to the case folder.
fn working_files(root: &Path) -> Vec<String> {
    let mut files: Vec<String> = ["records", "attachments"]
        .iter()
        .flat_map(|dir| super::super::working_files_under(&root.join(dir)))
        .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    files
}

/// The encrypted files at HEAD, relative to the case folder.
fn head_files(case: &Case) -> Vec<String> {
    let tree = case.repo().head().unwrap().peel_to_tree().unwrap();
    let mut files = Vec::new();
    tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
        let path = format!("{dir}{}", entry.name().unwrap());
        if entry.kind() == Some(git2::ObjectType::Blob)
            && (path.starts_with("records/") || path.starts_with("attachments/"))
        {
            files.push(path);
        }
        git2::TreeWalkResult::Ok
    })
    .unwrap();
    files.sort();
    files
}

fn temp_files(root: &Path) -> usize {
    std::fs::read_dir(temp_dir(root)).map_or(0, |d| d.count())
}

#[test]
fn a_commit_writes_every_staged_change_in_one_commit() {
    let f = Fixture::new();
    let (case, lock) = open(&f.root(), &f.owner);
    let (a, b) = (RecordId::generate(), RecordId::generate());
    put(&case, &lock, &[(&a, &note("first", "x"))]);
    let before = commits(&case);
    let mut tx = case.transaction(&lock);
    tx.put_record(&a, &note("first", "changed")).unwrap();
    tx.put_record(&b, &note("second", "y")).unwrap();
    let attachment = tx.add_attachment_bytes("scan.pdf", b"%PDF scan").unwrap();
    tx.commit("two records", &context()).unwrap().unwrap();
    assert_eq!(commits(&case), before + 1, "one commit for all of it");
    assert_eq!(text_of(&case, &a), Some(note("first", "changed")));
    assert_eq!(text_of(&case, &b), Some(note("second", "y")));
    assert!(
        case.has_attachment(attachment.blob.as_deref().unwrap())
            .unwrap()
    );
    assert_eq!(working_files(&f.root()), head_files(&case));
    assert_eq!(temp_files(&f.root()), 0);
    assert!(!checkout_marker(&f.root()).exists());
}

#[test]
fn a_commit_that_cannot_be_made_changes_nothing() {
    let f = Fixture::new();
    let (case, lock) = open(&f.root(), &f.owner);
    let kept = RecordId::generate();
    put(&case, &lock, &[(&kept, &note("kept", "x"))]);
    let head = case.head_commit();
    let files = working_files(&f.root());

    // An invalid record is refused when staged, and the rest is never committed.
    let mut tx = case.transaction(&lock);
    let lost = RecordId::generate();
    tx.put_record(&lost, &note("lost", "y")).unwrap();
    tx.add_attachment_bytes("scan.pdf", b"%PDF scan").unwrap();
    assert!(
        tx.put_record(&kept, "kind = \"note\"\ntitle = 5\n")
            .is_err()
    );
    drop(tx);
    assert_eq!(case.head_commit(), head);
    assert_eq!(text_of(&case, &lost), None);
    assert_eq!(text_of(&case, &kept), Some(note("kept", "x")));

    // Another writer moved HEAD under this transaction: it commits nothing.
    let other = Case::open(&f.root(), "c1", &f.owner.identities).unwrap();
    let mut tx = case.transaction(&lock);
    tx.put_record(&lost, &note("lost", "y")).unwrap();
    tx.remove_record(&kept);
    let moved = put(
        &other,
        &lock,
        &[(&RecordId::generate(), &note("other", "z"))],
    );
    let err = tx.commit("too late", &context()).unwrap_err();
    assert!(matches!(err, StoreError::KeyChanged { .. }), "{err}");
    assert_eq!(case.repo().head().unwrap().target(), Some(moved));
    assert_eq!(text_of(&other, &lost), None);
    assert_eq!(text_of(&other, &kept), Some(note("kept", "x")));
    assert_eq!(working_files(&f.root()).len(), files.len() + 1);
    assert_eq!(temp_files(&f.root()), 0);
}

#[test]
fn an_unchanged_record_makes_no_commit() {
    let f = Fixture::new();
    let (case, lock) = open(&f.root(), &f.owner);
    let id = RecordId::generate();
    put(&case, &lock, &[(&id, &note("same", "x"))]);
    let before = commits(&case);
    let mut tx = case.transaction(&lock);
    assert!(!tx.put_record(&id, &note("same", "x")).unwrap());
    assert!(tx.is_empty());
    assert_eq!(tx.commit("nothing", &context()).unwrap(), None);
    assert_eq!(commits(&case), before);
}

#[test]
fn a_crash_after_the_commit_is_finished_from_head_by_the_next_command() {
    let f = Fixture::new();
    let (a, b) = (RecordId::generate(), RecordId::generate());
    {
        let (case, lock) = open(&f.root(), &f.owner);
        put(
            &case,
            &lock,
            &[(&a, &note("a", "x")), (&b, &note("b", "y"))],
        );
        let mut tx = case.transaction(&lock);
        tx.put_record(&a, &note("a", "changed")).unwrap();
        tx.remove_record(&b);
        tx.commit("change", &context()).unwrap().unwrap();
    }
    // What a crash between the commit and the working-tree update leaves: the marker,
    // the old working files, a stale ref lock and a half-written temporary file.
    let root = f.root();
    let a_file = root.join(record_path(&a));
    let b_file = root.join(record_path(&b));
    std::fs::write(&a_file, b"the old ciphertext").unwrap();
    std::fs::create_dir_all(b_file.parent().unwrap()).unwrap();
    std::fs::write(&b_file, b"a removed record").unwrap();
    std::fs::write(checkout_marker(&root), b"").unwrap();
    std::fs::write(temp_dir(&root).join(".iepcase-tmp-half"), b"half").unwrap();
    std::fs::write(root.join(".git/HEAD.lock"), b"").unwrap();

    let (case, lock) = open(&root, &f.owner);
    assert_eq!(working_files(&root), head_files(&case));
    assert!(!b_file.exists());
    let head_blob = case
        .repo()
        .find_blob(case.record_ids().unwrap()[0].1)
        .unwrap();
    assert_eq!(std::fs::read(&a_file).unwrap(), head_blob.content());
    assert!(!checkout_marker(&root).exists());
    assert_eq!(temp_files(&root), 0);
    assert_eq!(text_of(&case, &a), Some(note("a", "changed")));
    // And the case takes commits again.
    put(&case, &lock, &[(&b, &note("b", "again"))]);
}

#[test]
fn a_crash_before_the_commit_leaves_head_and_removes_the_temporary_files() {
    let f = Fixture::new();
    let root = f.root();
    let (case, lock) = open(&root, &f.owner);
    let head = case.head_commit();
    let files = working_files(&root);
    let scan = root.parent().unwrap().join("scan.pdf");
    std::fs::write(&scan, b"%PDF a scanned letter").unwrap();
    let mut tx = case.transaction(&lock);
    tx.add_attachment(&scan).unwrap();
    assert_eq!(
        temp_files(&root),
        1,
        "the attachment waits in a temporary file"
    );
    // A crash leaves a temporary file behind; the next command removes it.
    std::fs::write(temp_dir(&root).join(".iepcase-tmp-crashed"), b"x").unwrap();
    drop(tx);
    drop((case, lock));
    let (case, _lock) = open(&root, &f.owner);
    assert_eq!(case.head_commit(), head);
    assert_eq!(working_files(&root), files);
    assert_eq!(temp_files(&root), 0);
}

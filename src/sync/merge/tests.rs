//! The merge decisions, on two real copies of one case: what each side changed, what the
//! merged case holds and what the report says.

use std::path::Path;

use super::*;
use crate::crypto::Recipient;
use crate::store::fixture::{Fixture, Member, commits, context, fetch, note, open, put, text_of};

/// Two copies of one case, `ours` (the fixture's folder) and `theirs` beside it.
struct Copies {
    f: Fixture,
    theirs: std::path::PathBuf,
}

impl Copies {
    /// Both copies with `records` committed before they part.
    fn with(records: &[(&RecordId, &str)]) -> Copies {
        let f = Fixture::new();
        if !records.is_empty() {
            let (case, lock) = open(&f.root(), &f.owner);
            put(&case, &lock, records);
        }
        let theirs = f.copy("theirs");
        Copies { f, theirs }
    }

    /// Changes their copy.
    fn theirs(&self, change: impl FnOnce(&Case, &CaseLock)) {
        let (case, lock) = open(&self.theirs, &self.f.owner);
        change(&case, &lock);
    }

    /// Changes our copy.
    fn ours(&self, change: impl FnOnce(&Case, &CaseLock)) {
        let (case, lock) = open(&self.f.root(), &self.f.owner);
        change(&case, &lock);
    }

    /// Fetches theirs into ours and merges; returns the report and our case after it.
    fn merge(&self) -> (MergeReport, Case) {
        merge_into(&self.f.root(), &self.theirs, &self.f.owner)
    }
}

fn merge_into(ours: &Path, theirs: &Path, who: &Member) -> (MergeReport, Case) {
    let (case, lock) = open(ours, who);
    let head = fetch(&case, theirs);
    let verified = crate::store::trust::verify_fetched(
        case.repo(),
        head,
        &[case.head_commit()],
        Some(case.key()),
        &who.identities,
    )
    .unwrap();
    let report = merge(&case, &lock, &verified, &who.identities, &context()).unwrap();
    drop((case, lock));
    // The merged case as the next command sees it.
    let (case, _lock) = open(ours, who);
    (report, case)
}

fn edit(id: &RecordId, text: String) -> impl FnOnce(&Case, &CaseLock) {
    let id = id.clone();
    move |case, lock| {
        put(case, lock, &[(&id, &text)]);
    }
}

fn remove(id: &RecordId) -> impl FnOnce(&Case, &CaseLock) {
    let id = id.clone();
    move |case, lock| {
        let mut tx = case.transaction(lock);
        tx.remove_record(&id);
        tx.commit("remove", &context()).unwrap().unwrap();
    }
}

fn note_with(title: &str, body: &str, summary: &str) -> String {
    format!("{}summary = \"{summary}\"\n", note(title, body))
}

#[test]
fn changes_to_different_records_are_both_taken() {
    let (a, b, c) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    let copies = Copies::with(&[(&a, &note("a", "x")), (&b, &note("b", "x"))]);
    copies.theirs(edit(&a, note("a", "their edit")));
    copies.ours(edit(&b, note("b", "our edit")));
    copies.ours(edit(&c, note("c", "our new record")));
    let (report, case) = copies.merge();
    assert!(report.changed && !report.fast_forward);
    assert!(report.conflicts.is_empty() && report.merged.is_empty());
    assert_eq!(report.updated, 1, "their edit of a");
    assert_eq!(text_of(&case, &a), Some(note("a", "their edit")));
    assert_eq!(text_of(&case, &b), Some(note("b", "our edit")));
    assert_eq!(text_of(&case, &c), Some(note("c", "our new record")));
    let head = case.repo().head().unwrap().peel_to_commit().unwrap();
    assert_eq!(head.parent_count(), 2, "both histories are kept");
}

#[test]
fn records_both_sides_added_are_both_kept() {
    let (a, b) = (RecordId::generate(), RecordId::generate());
    let copies = Copies::with(&[]);
    copies.theirs(edit(&a, note("theirs", "x")));
    copies.ours(edit(&b, note("ours", "y")));
    let (report, case) = copies.merge();
    assert!(report.conflicts.is_empty());
    assert_eq!(text_of(&case, &a), Some(note("theirs", "x")));
    assert_eq!(text_of(&case, &b), Some(note("ours", "y")));
    assert_eq!(case.record_ids().unwrap().len(), 2);
}

#[test]
fn edits_to_different_fields_of_one_record_are_merged() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note_with("t", "body", "summary"))]);
    copies.theirs(edit(&id, note_with("t", "their body", "summary")));
    copies.ours(edit(&id, note_with("t", "body", "our summary")));
    let (report, case) = copies.merge();
    assert_eq!(report.merged, [id.to_string()]);
    assert!(report.conflicts.is_empty());
    let text = text_of(&case, &id).unwrap();
    assert!(
        text.contains("their body") && text.contains("our summary"),
        "{text}"
    );
    assert_eq!(case.conflict_copies(&id).unwrap(), []);
}

#[test]
fn edits_to_the_same_field_keep_ours_and_put_theirs_beside_it() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note_with("t", "body", "summary"))]);
    copies.theirs(edit(&id, note_with("t", "their body", "their summary")));
    copies.ours(edit(&id, note_with("t", "our body", "summary")));
    let (report, case) = copies.merge();
    let copy = id.conflict(1);
    assert_eq!(
        report.conflicts,
        [(id.to_string(), copy.to_string(), vec!["body".to_owned()])]
    );
    // Ours, with their change to the other field taken in.
    assert_eq!(
        text_of(&case, &id),
        Some(note_with("t", "our body", "their summary"))
    );
    assert_eq!(
        text_of(&case, &copy),
        Some(note_with("t", "their body", "their summary"))
    );
    assert_eq!(case.conflict_copies(&id).unwrap(), [copy]);
}

#[test]
fn the_same_change_on_both_sides_is_no_conflict() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note("t", "body"))]);
    copies.theirs(edit(&id, note("t", "same edit")));
    copies.ours(edit(&id, note("t", "same edit")));
    let (report, case) = copies.merge();
    assert!(report.conflicts.is_empty() && report.kept.is_empty());
    assert_eq!(text_of(&case, &id), Some(note("t", "same edit")));
    assert_eq!(case.conflict_copies(&id).unwrap(), []);
}

#[test]
fn a_record_deleted_on_one_side_and_edited_on_the_other_is_kept_with_the_edit() {
    let (a, b) = (RecordId::generate(), RecordId::generate());
    let copies = Copies::with(&[(&a, &note("a", "x")), (&b, &note("b", "x"))]);
    copies.theirs(remove(&a));
    copies.ours(edit(&a, note("a", "our edit")));
    copies.ours(remove(&b));
    copies.theirs(edit(&b, note("b", "their edit")));
    let (report, case) = copies.merge();
    let mut kept = report.kept.clone();
    kept.sort();
    let mut expected = vec![a.to_string(), b.to_string()];
    expected.sort();
    assert_eq!(kept, expected);
    assert_eq!(text_of(&case, &a), Some(note("a", "our edit")));
    assert_eq!(text_of(&case, &b), Some(note("b", "their edit")));
}

#[test]
fn a_record_deleted_on_one_side_and_untouched_on_the_other_is_deleted() {
    let (a, b, c) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    let copies = Copies::with(&[(&a, &note("a", "x")), (&b, &note("b", "x"))]);
    copies.theirs(remove(&a));
    copies.ours(remove(&b));
    copies.ours(edit(&c, note("c", "so that ours moved too")));
    let (report, case) = copies.merge();
    assert!(report.kept.is_empty());
    assert_eq!(text_of(&case, &a), None);
    assert_eq!(text_of(&case, &b), None);
    assert!(!case.root().join(crate::store::record_path(&a)).exists());
}

#[test]
fn case_details_changed_differently_keep_ours_and_say_which_fields() {
    let a = RecordId::generate();
    let copies = Copies::with(&[]);
    let meta = |school: &str| crate::store::fixture::META.replace("Larkspur School", school);
    copies.theirs(|case, lock| {
        let mut tx = case.transaction(lock);
        tx.put_meta(&meta("Their School")).unwrap();
        tx.commit("meta", &context()).unwrap().unwrap();
    });
    copies.ours(|case, lock| {
        let mut tx = case.transaction(lock);
        tx.put_meta(&meta("Our School")).unwrap();
        tx.put_record(&a, &note("a", "x")).unwrap();
        tx.commit("meta", &context()).unwrap().unwrap();
    });
    let (report, case) = copies.merge();
    assert_eq!(report.meta_conflict, ["school"]);
    assert_eq!(case.meta().unwrap().0, meta("Our School"));
}

#[test]
fn only_their_changes_move_this_copy_forward() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note("t", "x"))]);
    copies.theirs(edit(&id, note("t", "their edit")));
    let before = commits(&open(&copies.f.root(), &copies.f.owner).0);
    let (report, case) = copies.merge();
    assert!(report.changed && report.fast_forward);
    assert_eq!(report.updated, 1);
    assert_eq!(commits(&case), before + 1, "no merge commit");
    assert_eq!(text_of(&case, &id), Some(note("t", "their edit")));
    let on_disk = std::fs::read(case.root().join(crate::store::record_path(&id))).unwrap();
    let blob = case
        .repo()
        .find_blob(case.record_ids().unwrap()[0].1)
        .unwrap();
    assert_eq!(on_disk, blob.content(), "the working file follows");
}

#[test]
fn nothing_new_is_no_change() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note("t", "x"))]);
    copies.ours(edit(&id, note("t", "our edit")));
    let before = commits(&open(&copies.f.root(), &copies.f.owner).0);
    let (report, case) = copies.merge();
    assert!(!report.changed);
    assert_eq!(commits(&case), before);
}

#[test]
fn a_member_added_on_the_remote_is_reported_and_waits_to_be_accepted() {
    let id = RecordId::generate();
    let copies = Copies::with(&[(&id, &note("t", "x"))]);
    let bob = copies.f.member("bob");
    copies.theirs(|case, lock| {
        case.share(lock, bob.recipient(), None, &context()).unwrap();
    });
    copies.ours(edit(&id, note("t", "our edit")));
    let (report, case) = copies.merge();
    assert_eq!(report.members_added, bob.keys());
    assert!(!report.membership_conflict);
    assert_eq!(case.recipients().unwrap().len(), 2, "theirs taken");
    assert_eq!(
        case.pending_recipients().unwrap(),
        [(bob.recipient(), None)]
    );
    // Bob can read what was merged.
    drop(case);
    let (case, _lock) = open(&copies.f.root(), &bob);
    assert_eq!(text_of(&case, &id), Some(note("t", "our edit")));
}

#[test]
fn membership_changed_on_both_sides_keeps_ours() {
    let copies = Copies::with(&[]);
    let (bob, carol) = (copies.f.member("bob"), copies.f.member("carol"));
    copies.theirs(|case, lock| {
        case.share(lock, bob.recipient(), None, &context()).unwrap();
    });
    copies.ours(|case, lock| {
        case.share(lock, carol.recipient(), None, &context())
            .unwrap();
    });
    let (report, case) = copies.merge();
    assert!(report.membership_conflict);
    let members: Vec<Recipient> = case
        .recipients()
        .unwrap()
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    assert_eq!(members, [copies.f.owner.recipient(), carol.recipient()]);
}

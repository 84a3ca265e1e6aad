//! Property tests that throw hostile input at what a remote or a file can feed iepcase:
//! record parsing, tree validation and the record merge. They run a bounded number of cases in
//! `cargo test`; `IEPCASE_FUZZ_CASES=100000 cargo test --release --lib fuzz` runs deeper.

use proptest::prelude::*;

use super::layout::Validator;
use crate::record::parse_record;
use crate::sync::fields::{FieldMerge, merge_texts};

fn cases() -> u32 {
    std::env::var("IEPCASE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256)
}

/// Pieces of record text: valid lines, near misses and junk.
fn record_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("kind = \"note\"\n".to_owned()),
        Just("kind = \"refusal\"\n".to_owned()),
        Just("kind = \"iep\"\n".to_owned()),
        Just("date = 2026-01-15\n".to_owned()),
        Just("date = 0000-01-01\n".to_owned()),
        Just("date = 9999-12-31\n".to_owned()),
        Just("date = 04/02/2026\n".to_owned()),
        Just("time = 16:00:00\n".to_owned()),
        Just("time = \"25:61\"\n".to_owned()),
        Just("title = \"A title\"\n".to_owned()),
        Just("title = 5\n".to_owned()),
        Just("title = \"\"\"\nmulti\nline\"\"\"\n".to_owned()),
        Just("summary = \"\\u001b[2J\"\n".to_owned()),
        Just("[[goals]]\nkey = \"reading\"\n".to_owned()),
        Just("[[services]]\nname = \"Speech\"\nminutes = 30\nper = \"week\"\n".to_owned()),
        Just("[extra]\nanything = [1, \"two\", { three = 3 }]\n".to_owned()),
        Just("[[attachments]]\nname = \"a.pdf\"\nsha256 = \"00\"\n".to_owned()),
        Just("lre_percent = 300\n".to_owned()),
        Just("refuses = \"k3f9\"\n".to_owned()),
        "[ -~\n]{0,40}",
        any::<String>(),
    ]
}

/// A tree entry name: the layout's own names, traversal tricks, and junk.
fn entry_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b".iepcase".to_vec()),
        Just(b"records".to_vec()),
        Just(b"attachments".to_vec()),
        Just(b"case.age".to_vec()),
        Just(b"format".to_vec()),
        Just(b"k3f9a2bq7x.age".to_vec()),
        Just(b"k3f9a2bq7x.conflict-1.age".to_vec()),
        Just(b"..".to_vec()),
        Just(b".".to_vec()),
        Just(b".git".to_vec()),
        Just(b".GIT".to_vec()),
        Just(b"a/../b".to_vec()),
        Just("re\u{301}cords".as_bytes().to_vec()),
        proptest::collection::vec(1u8..=255, 1..20),
    ]
}

fn mode() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("100644"),
        Just("100755"),
        Just("120000"),
        Just("160000"),
        Just("40000"),
        Just("644"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn record_parsing_never_panics(pieces in proptest::collection::vec(record_piece(), 0..12)) {
        let text: String = pieces.concat();
        if let Err(e) = parse_record(&text, "fuzz") {
            let rendered = e.render();
            prop_assert!(!rendered.contains('\u{1b}'), "no raw escape reaches a terminal");
        }
    }

    #[test]
    fn tree_validation_never_panics_and_passes_only_the_layout(
        entries in proptest::collection::vec((mode(), entry_name(), 0u8..3), 0..8),
        nested in proptest::collection::vec((mode(), entry_name()), 0..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let repo = crate::git::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let blob = odb.write(git2::ObjectType::Blob, b"age-encryption.org/v1\n").unwrap();
        let mut inner = Vec::new();
        for (mode, name) in &nested {
            raw_entry(&mut inner, mode, name, blob);
        }
        let subtree = odb.write(git2::ObjectType::Tree, &inner).unwrap();
        let mut root = Vec::new();
        for (mode, name, target) in &entries {
            let oid = match target { 0 => blob, 1 => subtree, _ => git2::Oid::ZERO_SHA1 };
            raw_entry(&mut root, mode, name, oid);
        }
        let root = odb.write(git2::ObjectType::Tree, &root).unwrap();
        let Ok(tree) = repo.find_tree(root) else { return Ok(()) };
        if Validator::new(&repo).check_root(&tree).is_ok() {
            let mut ok = true;
            tree.walk(git2::TreeWalkMode::PreOrder, |dir, entry| {
                let path = format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes()));
                if entry.kind() == Some(git2::ObjectType::Blob)
                    && super::safe_join(dir_path(), &path).is_none()
                {
                    ok = false;
                }
                git2::TreeWalkResult::Ok
            }).unwrap();
            prop_assert!(ok, "a tree that passed holds a path outside the layout");
        }
    }

    #[test]
    fn the_record_merge_never_panics_and_a_clean_merge_parses(
        base_title in "[a-z ]{1,12}",
        ours_title in "[a-z ]{1,12}",
        theirs_summary in proptest::option::of("[a-z \n]{0,20}"),
        ours_tags in proptest::collection::vec("[a-z]{1,5}", 0..3),
        junk in any::<String>(),
    ) {
        let base = format!("kind = \"note\"\ndate = 2026-01-15\ntitle = \"{base_title}\"\n");
        let ours = format!(
            "kind = \"note\"\ndate = 2026-01-15\ntitle = \"{ours_title}\"\ntags = {ours_tags:?}\n"
        );
        let theirs = match &theirs_summary {
            Some(s) => format!("{base}summary = {s:?}\n"),
            None => junk.clone(),
        };
        let valid = [&base, &ours, &theirs].iter().all(|t| parse_record(t, "side").is_ok());
        match merge_texts(Some(&base), &ours, &theirs) {
            // Two valid edits of different fields make a valid record.
            FieldMerge::Clean(text) if valid => {
                prop_assert!(parse_record(&text, "merged").is_ok(), "{text}");
            }
            _ => {}
        }
        let _ = merge_texts(None, &junk, &ours);
    }
}

fn raw_entry(out: &mut Vec<u8>, mode: &str, name: &[u8], oid: git2::Oid) {
    out.extend_from_slice(mode.as_bytes());
    out.push(b' ');
    out.extend_from_slice(name);
    out.push(0);
    out.extend_from_slice(oid.as_bytes());
}

/// A folder that exists nowhere, so `safe_join` checks names only.
fn dir_path() -> &'static std::path::Path {
    std::path::Path::new("/nonexistent-iepcase-fuzz")
}

//! `log` and `diff`: records as they were. A record removed since is found in the history,
//! by its full id or a unique prefix.

use crate::diff::{Change, RecordDiff, diff_records, render};
use crate::json::LogEntryJson;
use crate::record::RecordId;
use crate::store::{Case, HistoryEntry, StoreError, StoredRecord, Touched};
use crate::text::{Paint, Tone, printable};

use super::OpsError;

/// The record `prefix` names: one in the case, else one the history holds.
pub fn resolve(case: &Case, prefix: &str) -> Result<RecordId, StoreError> {
    match case.resolve(prefix) {
        Ok(id) => Ok(id),
        Err(e) => match RecordId::parse(prefix) {
            Some(id) => Ok(id),
            None => case.resolve_in_history(prefix)?.ok_or(e),
        },
    }
}

/// What `diff` compares: a record, a second record or revisions of either.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sides<'a> {
    pub id: &'a str,
    /// A second record (default: the same record's previous version).
    pub id2: Option<&'a str>,
    /// The revision of the first side.
    pub rev: Option<&'a str>,
    /// The revision of the second side (default: the latest).
    pub rev2: Option<&'a str>,
}

/// A record as loaded for one side: the revision it came from (if not the latest) and it.
type Side = (Option<String>, StoredRecord);

/// What changed between the two sides `sides` names, field by field.
pub fn diff(case: &Case, sides: Sides<'_>) -> Result<RecordDiff, OpsError> {
    let first = resolve(case, sides.id)?;
    let mut same_record = true;
    let (before, after) = match (sides.id2, sides.rev) {
        (Some(id2), rev) => {
            let second = resolve(case, id2)?;
            same_record = second == first;
            (load(case, &first, rev)?, load(case, &second, sides.rev2)?)
        }
        (None, Some(rev)) => (
            load(case, &first, Some(rev))?,
            load(case, &first, sides.rev2)?,
        ),
        (None, None) => {
            let after = load(case, &first, sides.rev2)?;
            (previous_version(case, &first, sides.rev2)?, after)
        }
    };
    // One record whose kind was changed by an edit compares field by field, kind included.
    let (from, to) = (before.1.record.kind(), after.1.record.kind());
    if !same_record && from != to {
        return Err(OpsError::KindsDiffer { from, to });
    }
    Ok(RecordDiff {
        from: label(&before),
        to: label(&after),
        changes: diff_records(
            (&before.1.text, &before.1.record),
            (&after.1.text, &after.1.record),
        ),
    })
}

fn load(case: &Case, id: &RecordId, rev: Option<&str>) -> Result<Side, StoreError> {
    Ok(match rev {
        Some(rev) => (Some(rev.to_owned()), case.read_record_at(id, rev)?),
        None => (None, case.read_record(id)?),
    })
}

/// The version of `id` before its last change (as of `rev`, or now). The history is walked
/// from `rev` back only until that change.
fn previous_version(case: &Case, id: &RecordId, rev: Option<&str>) -> Result<Side, OpsError> {
    let from = match rev {
        Some(rev) => Some(case.commit_of(rev)?),
        None => None,
    };
    let mut found = None;
    case.walk_history(Some(id), from, &mut |entry| {
        let edited = entry
            .records
            .iter()
            .any(|(_, _, before, after)| before.is_some() && after.is_some());
        if edited {
            found = Some(entry.commit.id.to_string());
        }
        !edited
    })?;
    let Some(commit) = found else {
        return Err(OpsError::OneVersion { id: id.clone() });
    };
    let rev = format!("{commit}~1");
    Ok((
        Some(commit[..10].to_owned() + "~1"),
        case.read_record_at(id, &rev)?,
    ))
}

fn label((rev, stored): &Side) -> String {
    match rev {
        Some(rev) => format!("{} at {rev} ({})", stored.id, stored.record.date()),
        None => format!("{} ({})", stored.id, stored.record.date()),
    }
}

/// What one commit did to one record, as `log -p` shows it.
#[derive(Debug)]
pub struct Patch {
    /// The record's title after the commit (before it, for a removal); empty when neither
    /// version can be read.
    pub title: String,
    /// The field-level changes of an edit; `None` when the record was added or removed.
    pub changes: Option<Vec<Change>>,
}

/// What the commit that touched `touched` did to it.
pub fn patch(case: &Case, touched: &Touched) -> Patch {
    let (old, new) = case.versions(touched);
    let title = new
        .as_ref()
        .or(old.as_ref())
        .map(|(_, r)| r.title().to_owned())
        .unwrap_or_default();
    let changes = match (&old, &new) {
        (Some((a, ra)), Some((b, rb))) => Some(diff_records((a, ra), (b, rb))),
        _ => None,
    };
    Patch { title, changes }
}

/// One commit of `log` as pretty JSON, each record's changes in it when `patch`.
pub fn entry_json(case: &Case, entry: &HistoryEntry, patch: bool) -> String {
    let value = LogEntryJson::new(entry, |touched| {
        patch.then(|| self::patch(case, touched).changes.unwrap_or_default())
    });
    // A log entry holds strings and lists of them only, so it always serializes.
    serde_json::to_string_pretty(&value).unwrap_or_default()
}

/// One commit of `log` as a line (short id, time, author, message), with what it did to
/// each record under it when `patch`.
pub fn entry_text(case: &Case, entry: &HistoryEntry, patch: bool, paint: Paint) -> String {
    let commit = entry.commit.id.to_string();
    let short = commit.get(..10).unwrap_or(&commit);
    let mut out = format!(
        "{}  {}  {}  {}\n",
        paint.paint(Tone::Dim, short),
        timestamp(entry.commit.time),
        printable(&entry.commit.author),
        printable(&entry.commit.message)
    );
    if patch {
        for touched in &entry.records {
            out.push_str(&patch_text(self::patch(case, touched), touched, paint));
        }
        out.push('\n');
    }
    out
}

/// What one commit did to one record, indented under the commit's line: the change and the
/// title, then an edit's changes field by field.
fn patch_text(patch: Patch, (id, change, ..): &Touched, paint: Paint) -> String {
    let mut out = format!("    {} {id}: {}\n", change.as_str(), patch.title);
    if let Some(changes) = patch.changes {
        let diff = RecordDiff {
            from: String::new(),
            to: String::new(),
            changes,
        };
        for line in render::for_terminal(&diff, paint).lines().skip(2) {
            out.push_str(&format!("        {line}\n"));
        }
    }
    out
}

/// A commit time as `2026-11-28 15:04 UTC`.
fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds)
        .map(|t| t.strftime("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| seconds.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{self, Fixture};
    use crate::store::{CaseLock, HistoryEntry};

    /// A note written as `first`, then edited to `second`, and its history, newest first.
    fn edited(
        case: &Case,
        lock: &CaseLock,
        first: &str,
        second: &str,
    ) -> (RecordId, Vec<HistoryEntry>) {
        let id = RecordId::generate();
        fixture::put(case, lock, &[(&id, first)]);
        fixture::put(case, lock, &[(&id, second)]);
        let mut entries = Vec::new();
        case.walk_history(Some(&id), None, &mut |entry| {
            entries.push(entry);
            true
        })
        .unwrap();
        (id, entries)
    }

    #[test]
    fn a_record_compares_with_its_previous_version_and_a_removed_one_is_still_found() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let id = RecordId::generate();
        fixture::put(&case, &lock, &[(&id, &fixture::note("Call", "first"))]);
        let sides = Sides {
            id: id.as_str(),
            ..Sides::default()
        };
        assert!(matches!(
            diff(&case, sides),
            Err(OpsError::OneVersion { .. })
        ));
        fixture::put(&case, &lock, &[(&id, &fixture::note("Call", "second"))]);
        let changed = diff(&case, sides).unwrap();
        assert_eq!(changed.to, format!("{id} (2026-01-15)"));
        assert!(changed.from.starts_with(&format!("{id} at ")));
        assert!(!changed.changes.is_empty());
        let mut tx = case.transaction(&lock);
        tx.remove_record(&id);
        tx.commit("remove", &fixture::context()).unwrap();
        assert_eq!(resolve(&case, &id.as_str()[..6]).unwrap(), id);
    }

    #[test]
    fn a_patch_has_changes_only_for_an_edit() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let (_, entries) = edited(
            &case,
            &lock,
            &fixture::note("Call", "first"),
            &fixture::note("Call back", "second"),
        );
        let patches: Vec<Patch> = (entries.iter())
            .flat_map(|entry| entry.records.iter().map(|t| patch(&case, t)))
            .collect();
        // Newest first: the edit, then the addition.
        assert_eq!(patches.len(), 2);
        assert_eq!(patches[0].title, "Call back");
        assert!(!patches[0].changes.as_ref().unwrap().is_empty());
        assert_eq!(patches[1].title, "Call");
        assert!(patches[1].changes.is_none());
    }

    #[test]
    fn two_records_of_different_kinds_do_not_compare() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let (note, request) = (RecordId::generate(), RecordId::generate());
        let request_text = "kind = \"request\"\ndate = 2026-01-20\ntitle = \"Drafts\"\ntype = \"draft-documents\"\n";
        fixture::put(
            &case,
            &lock,
            &[
                (&note, &fixture::note("Call", "x")),
                (&request, request_text),
            ],
        );
        let sides = Sides {
            id: note.as_str(),
            id2: Some(request.as_str()),
            ..Sides::default()
        };
        let refused = diff(&case, sides).unwrap_err();
        assert!(matches!(refused, OpsError::KindsDiffer { .. }));
        assert_eq!(
            refused.to_string(),
            "cannot compare a `note` record with a `request` record"
        );
    }

    #[test]
    fn a_log_line_shows_the_commit_and_with_patch_what_it_changed() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let (id, entries) = edited(
            &case,
            &lock,
            &fixture::note("Call", "first"),
            &fixture::note("Call", "second"),
        );
        let short = entries[0].commit.id.to_string()[..10].to_owned();
        let line = format!("{short}  2026-09-21 14:13 UTC  Test Advocate  add records\n");
        assert_eq!(entry_text(&case, &entries[0], false, Paint::plain()), line);
        assert_eq!(
            entry_text(&case, &entries[0], true, Paint::plain()),
            format!("{line}    changed {id}: Call\n        body: first → second\n\n")
        );
        assert_eq!(
            entry_text(&case, &entries[1], true, Paint::plain()),
            format!(
                "{}  2026-09-21 14:13 UTC  Test Advocate  add records\n    added {id}: Call\n\n",
                &entries[1].commit.id.to_string()[..10]
            )
        );
        let painted = entry_text(&case, &entries[0], true, Paint::new(true));
        assert!(painted.starts_with(&format!("\u{1b}[2m{short}\u{1b}[0m  ")));
        assert!(painted.contains("\u{1b}[32msecond\u{1b}[0m"), "{painted}");
        assert!(
            painted.contains("\u{1b}[9m\u{1b}[31mfirst\u{1b}[0m"),
            "a removal is red and struck through: {painted}"
        );
        let json = entry_json(&case, &entries[0], true);
        assert!(json.contains("\"body\""), "{json}");
    }

    #[test]
    fn a_patch_escapes_control_characters_with_colour_or_without() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let (_, entries) = edited(
            &case,
            &lock,
            &fixture::note("Call", "first"),
            &fixture::note("Call", "\\u001b[2Jcleared"),
        );
        for paint in [Paint::plain(), Paint::new(true)] {
            let text = entry_text(&case, &entries[0], true, paint);
            assert!(!text.contains("\u{1b}[2J"), "{text:?}");
            assert!(text.contains("\\u{1b}[2Jcleared"), "{text:?}");
        }
    }
}

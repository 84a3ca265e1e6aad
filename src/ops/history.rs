//! `log` and `diff`: records as they were. A record removed since is found in the history,
//! by its full id or a unique prefix.

use crate::diff::{Change, RecordDiff, diff_records};
use crate::record::RecordId;
use crate::store::{Case, StoreError, StoredRecord, Touched};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::fixture::{self, Fixture};

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
        let id = RecordId::generate();
        fixture::put(&case, &lock, &[(&id, &fixture::note("Call", "first"))]);
        fixture::put(
            &case,
            &lock,
            &[(&id, &fixture::note("Call back", "second"))],
        );
        let mut patches = Vec::new();
        case.walk_history(Some(&id), None, &mut |entry| {
            patches.extend(entry.records.iter().map(|t| patch(&case, t)));
            true
        })
        .unwrap();
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
}

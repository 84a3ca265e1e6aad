//! `rm`: remove a record from a case; its history keeps it.

use crate::git::CommitContext;
use crate::store::{Case, CaseLock, StoreError};

use super::Notice;

/// Removes the record `prefix` names from `case` in a commit of its own, and says what was
/// removed, which records still refer to it and how to see it again.
pub fn remove(
    case: &Case,
    lock: &CaseLock,
    prefix: &str,
    context: &CommitContext,
) -> Result<Vec<Notice>, StoreError> {
    let id = case.resolve(prefix)?;
    let title = case
        .read_record(&id)
        .map(|r| r.record.title().to_owned())
        .unwrap_or_default();
    let referrers: Vec<String> = case
        .records()?
        .records
        .iter()
        .filter(|r| r.record.references().iter().any(|x| x.0 == id.as_str()))
        .map(|r| r.id.to_string())
        .collect();
    let mut tx = case.transaction(lock);
    tx.remove_record(&id);
    let commit = tx.commit(&format!("remove record {id}"), context)?;
    let mut notices = vec![Notice::Status(format!("Removed {id}: {title}"))];
    if !referrers.is_empty() {
        notices.push(Notice::Warning(format!(
            "these records still refer to it: {}",
            referrers.join(", ")
        )));
    }
    if let Some(commit) = commit {
        let commit = commit.to_string();
        let short = commit.get(..10).unwrap_or(&commit);
        notices.push(Notice::Hint(format!(
            "history keeps it: `iepcase show {id} --rev {short}~1`"
        )));
    }
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::RecordId;
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn a_removed_record_is_named_with_those_that_refer_to_it_and_where_history_keeps_it() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let (request, refusal) = (RecordId::generate(), RecordId::generate());
        let request_text =
            "kind = \"request\"\ndate = 2026-01-20\ntitle = \"Ask\"\ntype = \"records\"\n";
        let refusal_text = format!(
            "kind = \"refusal\"\ndate = 2026-01-25\ntitle = \"No\"\nvia = \"email\"\nrefuses = \"{request}\"\n"
        );
        fixture::put(
            &case,
            &lock,
            &[(&request, request_text), (&refusal, &refusal_text)],
        );
        let notices = remove(&case, &lock, &request.as_str()[..8], &fixture::context()).unwrap();
        assert_eq!(
            notices[0],
            Notice::Status(format!("Removed {request}: Ask"))
        );
        assert_eq!(
            notices[1],
            Notice::Warning(format!("these records still refer to it: {refusal}"))
        );
        let Notice::Hint(hint) = &notices[2] else {
            panic!("{notices:?}");
        };
        assert!(hint.starts_with(&format!("history keeps it: `iepcase show {request} --rev ")));
        assert!(fixture::text_of(&case, &request).is_none());
    }
}

//! What `show` prints of a record: its stored text with the links iepcase infers for it as
//! comments, and what the user should know about it (sync conflict copies, a link that
//! cannot be inferred).

use super::Notice;
use super::records::Shown;

impl Shown {
    /// The record as stored, ending with a new line, then each inferred link as a comment.
    pub fn text(&self) -> String {
        let mut out = self.stored.text.clone();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        for (field, target, about) in &self.inferred {
            out.push_str(&format!(
                "# inferred by iepcase, not stored: {field} = \"{target}\"  # {about}\n"
            ));
        }
        out
    }

    /// What to tell before the record: that a sync left conflict copies of it beside it and
    /// how to settle them (SPEC section 9), whatever the format; with the `text`, that the
    /// record is itself such a copy.
    pub fn notices_before(&self, text: bool) -> Vec<Notice> {
        let id = &self.stored.id;
        let mut notices = self.conflict_notices();
        if text && id.is_conflict() {
            let base = id.base();
            notices.push(Notice::Warning(format!(
                "{id} is a sync conflict copy of {base}; settle it with `iepcase resolve {base} \
                 --keep local|remote|{id}`"
            )));
        }
        notices
    }

    /// That a sync left conflict copies of the record beside it, and how to settle them.
    fn conflict_notices(&self) -> Vec<Notice> {
        let id = &self.stored.id;
        let copies: Vec<String> = self
            .conflict_copies
            .iter()
            .map(ToString::to_string)
            .collect();
        let Some(first) = copies.first() else {
            return Vec::new();
        };
        // `--keep remote` only works when there is a single copy.
        let keep = match copies.as_slice() {
            [one] => format!("local|remote|{one}"),
            many => format!("local|{}", many.join("|")),
        };
        vec![
            Notice::Warning(format!(
                "{id} has a sync conflict: the other side's version is in {}",
                copies.join(", ")
            )),
            Notice::Hint(format!(
                "compare with `iepcase diff {id} {first}`, settle with `iepcase resolve {id} \
                 --keep {keep}`"
            )),
        ]
    }

    /// What to tell after the text: how to store an inferred link, and which records a link
    /// could not be told between.
    pub fn notices_after(&self) -> Vec<Notice> {
        let id = &self.stored.id;
        let mut notices = Vec::new();
        if let Some((field, target, _)) = self.inferred.first() {
            notices.push(Notice::Hint(format!(
                "to make an inferred link part of the record: `iepcase edit {id} --set \
                 {field}={target}`"
            )));
        }
        if let Some(u) = &self.unlinked {
            let candidates: Vec<String> = u.candidates.iter().map(ToString::to_string).collect();
            notices.push(Notice::Warning(format!(
                "iepcase cannot tell which record this one's `{}` is: {}",
                u.field,
                candidates.join(" or ")
            )));
            notices.push(Notice::Hint(format!(
                "say which with `iepcase edit {id} --set {}={}`",
                u.field,
                candidates.first().map_or("ID", String::as_str)
            )));
        }
        notices
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::{LinkField, Unlinked};
    use crate::record::RecordId;
    use crate::store::fixture::{self, Fixture};

    #[test]
    fn a_record_is_its_text_with_inferred_links_and_what_to_do_about_them() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let id = RecordId::generate();
        fixture::put(&case, &lock, &[(&id, &fixture::note("Call", "first"))]);
        let mut shown = super::super::records::show(&case, id.as_str(), None).unwrap();
        assert_eq!(shown.text(), fixture::note("Call", "first"));
        assert!(shown.notices_after().is_empty());
        assert!(shown.notices_before(true).is_empty());

        let target = RecordId::parse("k3f9a2bq7x").unwrap();
        let about = "request of 2026-01-02, \"Ask\"".to_owned();
        shown
            .inferred
            .push((LinkField::Refuses, target.clone(), about));
        shown.stored.text.pop();
        assert!(shown.text().ends_with(
            "body = \"first\"\n# inferred by iepcase, not stored: refuses = \"k3f9a2bq7x\"  \
             # request of 2026-01-02, \"Ask\"\n"
        ));
        shown.unlinked = Some(Unlinked {
            record: id.clone(),
            field: LinkField::Refuses,
            candidates: vec![target.clone()],
            ambiguous: false,
        });
        assert_eq!(
            shown.notices_after(),
            vec![
                Notice::Hint(format!(
                    "to make an inferred link part of the record: `iepcase edit {id} --set \
                     refuses=k3f9a2bq7x`"
                )),
                Notice::Warning(
                    "iepcase cannot tell which record this one's `refuses` is: k3f9a2bq7x".into()
                ),
                Notice::Hint(format!(
                    "say which with `iepcase edit {id} --set refuses=k3f9a2bq7x`"
                )),
            ]
        );
    }

    #[test]
    fn conflict_copies_are_named_with_how_to_settle_them() {
        let fx = Fixture::new();
        let (case, lock) = fixture::open(&fx.root(), &fx.owner);
        let id = RecordId::generate();
        fixture::put(&case, &lock, &[(&id, &fixture::note("Call", "first"))]);
        let mut shown = super::super::records::show(&case, id.as_str(), None).unwrap();
        let copy = RecordId::parse("k3f9a2bq7x").unwrap();
        shown.conflict_copies.push(copy);
        assert_eq!(
            shown.notices_before(false),
            vec![
                Notice::Warning(format!(
                    "{id} has a sync conflict: the other side's version is in k3f9a2bq7x"
                )),
                Notice::Hint(format!(
                    "compare with `iepcase diff {id} k3f9a2bq7x`, settle with `iepcase resolve \
                     {id} --keep local|remote|k3f9a2bq7x`"
                )),
            ]
        );
    }
}

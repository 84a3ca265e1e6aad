//! Links between records that their authors leave out, found in the case (SPEC section 11,
//! "Links").
//!
//! People write a refusal without `refuses`, a response without `responds_to`, a notice of
//! intent to record without `meeting`: ids do not exist before `add`. Where the case makes
//! the counterpart evident, this module fills the link in, deterministically, and says so;
//! where two records could be meant, it guesses nothing and reports the record as
//! [`Unlinked`], with the candidates. Explicit links always win. `deadlines`, `check`, `show`
//! and `bundle` all read links from here, so they give one answer.
//!
//! | record | link | found from |
//! |---|---|---|
//! | notice of type `recording` | `meeting` | the meeting on its `meeting_date` (at its `meeting_time`) |
//! | refusal | `refuses` | the latest earlier request on the same subject that no earlier refusal answers |
//! | response | `responds_to` | the latest earlier request or complaint on the same subject not yet answered |
//! | pwn | `responds_to` | the request for notice, refusal or request it follows on the same subject |
//! | decision (`complaint-findings`, `hearing-decision`) | `responds_to` | the one earlier complaint of that kind not yet decided |
//!
//! "The same subject" is decided by the words of the records ([`subject`]): the answer's
//! title, `what`, summary or tags must name something the candidate names, and one kind of
//! request must match clearly better than any other.
//!
//! Every record also gets a *root*: the request it is ultimately about (a refusal's request,
//! a prior written notice's request, a request for prior written notice's subject), so that
//! a notice answering the parent's request for notice also answers the refusals of what was
//! asked for.
//!
//! Pure: records in, links out.

mod encode;
mod infer;
mod subject;

pub use infer::Inference;

use foldhash::{HashMap, HashMapExt};
use std::sync::Arc;

use rayon::prelude::*;

use crate::record::StoredRecord;
use crate::record::enums::string_enum;
use crate::record::{Body, Record, RecordId, RecordRef};

string_enum! {
    /// A field that points at another record.
    LinkField { Refuses = "refuses", RespondsTo = "responds_to", Meeting = "meeting" }
}

/// A link iepcase filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inferred {
    pub field: LinkField,
    pub target: RecordId,
}

/// A record whose counterpart could not be determined.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlinked {
    pub record: RecordId,
    pub field: LinkField,
    /// The records it could be linked to, most likely first.
    pub candidates: Vec<RecordId>,
    /// Two or more records fit equally well (else none fit by subject and the candidates
    /// are merely the earlier records of the right kind).
    pub ambiguous: bool,
}

/// A case's records with the links people left out filled in.
#[derive(Clone, Debug)]
pub struct Linked {
    /// The records in the order given, each with its inferred links set (the stored text is
    /// unchanged).
    pub records: Vec<StoredRecord>,
    /// What could not be linked.
    pub unlinked: Vec<Unlinked>,
    inferred: HashMap<RecordId, Vec<Inferred>>,
    /// Roots, subjects and matters, as inference found them.
    found: Arc<Inference>,
}

/// The links of `records`, found as described in the module documentation.
pub fn link(records: &[StoredRecord]) -> Linked {
    link_with(records, infer(records))
}

/// What [`link`] works out for `records`, before it is applied to them: to keep while the
/// records stay the same ([`Inference::encode`]).
pub fn infer(records: &[StoredRecord]) -> Inference {
    infer::infer(records)
}

/// [`link`], with what inference found for these very records already at hand.
pub fn link_with(records: &[StoredRecord], found: impl Into<Arc<Inference>>) -> Linked {
    // Copying ten thousand records is worth the second core.
    link_into(records.par_iter().cloned().collect(), found)
}

/// [`link_with`] for records the caller has no further use for as written: their links are
/// set in place instead of on a copy, which a case of ten thousand records notices in time
/// and memory.
pub fn link_into(mut records: Vec<StoredRecord>, found: impl Into<Arc<Inference>>) -> Linked {
    let found = found.into();
    let inferred = by_record(&found);
    records.par_iter_mut().for_each(|stored| {
        if let Some(links) = inferred.get(&stored.id) {
            set_links(&mut stored.record, links);
        }
    });
    Linked {
        records,
        unlinked: found.unlinked.clone(),
        inferred,
        found,
    }
}

/// The links inference filled in, by the record they were filled in on.
fn by_record(found: &Inference) -> HashMap<RecordId, Vec<Inferred>> {
    let mut inferred: HashMap<RecordId, Vec<Inferred>> = HashMap::new();
    for (id, link) in &found.inferred {
        inferred.entry(id.clone()).or_default().push(link.clone());
    }
    inferred
}

impl Linked {
    /// What inference found, which these links were made from.
    pub fn inference(&self) -> &Arc<Inference> {
        &self.found
    }

    /// The links iepcase filled in on record `id`.
    pub fn inferred(&self, id: &RecordId) -> &[Inferred] {
        self.inferred.get(id).map_or(&[], Vec::as_slice)
    }

    /// The request record `id` is ultimately about, when it answers or concerns one: a
    /// request is its own root, except a request for prior written notice, whose root is
    /// that of the record it asks about.
    pub fn root(&self, id: &RecordId) -> Option<&RecordId> {
        self.found.roots.get(id)
    }

    /// What a request for prior written notice asks about (stated in `related`, or found by
    /// its subject).
    pub fn about(&self, id: &RecordId) -> Option<&RecordId> {
        self.found.about.get(id)
    }

    /// The matters (root requests) complaint `id` is about: those of the records it names,
    /// else those whose records before it share its subject.
    pub fn matters(&self, id: &RecordId) -> &[RecordId] {
        self.found.matters.get(id).map_or(&[], Vec::as_slice)
    }

    /// The record with id `id`.
    pub fn get(&self, id: &str) -> Option<&StoredRecord> {
        self.records.iter().find(|r| r.id.as_str() == id)
    }
}

/// Sets `links` on `record`.
fn set_links(record: &mut Record, links: &[Inferred]) {
    for link in links {
        let target = Some(RecordRef(link.target.to_string()));
        match (&mut record.body, link.field) {
            (Body::Refusal(r), LinkField::Refuses) => r.refuses = target,
            (Body::Response(r), LinkField::RespondsTo) => r.responds_to = target,
            (Body::Pwn(p), LinkField::RespondsTo) => p.responds_to = target,
            (Body::Decision(d), LinkField::RespondsTo) => d.responds_to = target,
            (Body::Notice(n), LinkField::Meeting) => n.meeting = target,
            _ => {}
        }
    }
}

/// The link field a record of this kind has, and where it points, if it is set.
pub fn link_field(record: &Record) -> Option<(LinkField, Option<&RecordRef>)> {
    match &record.body {
        Body::Refusal(r) => Some((LinkField::Refuses, r.refuses.as_ref())),
        Body::Response(r) => Some((LinkField::RespondsTo, r.responds_to.as_ref())),
        Body::Pwn(p) => Some((LinkField::RespondsTo, p.responds_to.as_ref())),
        Body::Decision(d) => Some((LinkField::RespondsTo, d.responds_to.as_ref())),
        Body::Notice(n) => Some((LinkField::Meeting, n.meeting.as_ref())),
        _ => None,
    }
}

#[cfg(test)]
mod tests;

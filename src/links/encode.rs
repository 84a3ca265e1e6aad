//! [`Inference`] as text, so what link inference found can be kept in the case's local cache
//! and read back instead of inferred again: one line per fact, ids as written.
//!
//! ```text
//! i <record> <field> <target>            a link filled in
//! u <record> <field> <0|1> <candidate>…  a record left unlinked (1: ambiguous)
//! r <record> <root>                      the request a record is about
//! a <request> <subject>                  what a request for prior written notice asks about
//! m <complaint> <root>…                  the matters a complaint is about
//! ```

use std::fmt::Write as _;

use super::{Inference, Inferred, LinkField, Unlinked};
use crate::record::RecordId;

impl Inference {
    /// The inference as text ([`Inference::decode`] reads it back).
    pub fn encode(&self) -> String {
        let mut out = String::new();
        for (id, link) in &self.inferred {
            let _ = writeln!(out, "i {id} {} {}", link.field, link.target);
        }
        for u in &self.unlinked {
            let _ = write!(out, "u {} {} {}", u.record, u.field, u8::from(u.ambiguous));
            for c in &u.candidates {
                let _ = write!(out, " {c}");
            }
            out.push('\n');
        }
        for (id, root) in &self.roots {
            let _ = writeln!(out, "r {id} {root}");
        }
        for (id, about) in &self.about {
            let _ = writeln!(out, "a {id} {about}");
        }
        for (id, matters) in &self.matters {
            let _ = write!(out, "m {id}");
            for m in matters {
                let _ = write!(out, " {m}");
            }
            out.push('\n');
        }
        out
    }

    /// Reads [`Inference::encode`]'s text; `None` for anything else.
    pub fn decode(text: &str) -> Option<Inference> {
        let mut found = Inference::default();
        for line in text.lines() {
            let mut words = line.split(' ');
            let tag = words.next()?;
            let id = RecordId::parse(words.next()?)?;
            match tag {
                "i" => {
                    let field: LinkField = words.next()?.parse().ok()?;
                    let target = RecordId::parse(words.next()?)?;
                    found.inferred.push((id, Inferred { field, target }));
                }
                "u" => {
                    let field: LinkField = words.next()?.parse().ok()?;
                    let ambiguous = match words.next()? {
                        "0" => false,
                        "1" => true,
                        _ => return None,
                    };
                    let candidates = ids(&mut words)?;
                    found.unlinked.push(Unlinked {
                        record: id,
                        field,
                        candidates,
                        ambiguous,
                    });
                    continue;
                }
                "r" => {
                    found.roots.insert(id, RecordId::parse(words.next()?)?);
                }
                "a" => {
                    found.about.insert(id, RecordId::parse(words.next()?)?);
                }
                "m" => {
                    found.matters.insert(id, ids(&mut words)?);
                    continue;
                }
                _ => return None,
            }
            if words.next().is_some() {
                return None;
            }
        }
        Some(found)
    }
}

/// The rest of a line as record ids.
fn ids<'a>(words: &mut impl Iterator<Item = &'a str>) -> Option<Vec<RecordId>> {
    words.map(RecordId::parse).collect()
}

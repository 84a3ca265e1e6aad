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

    /// Reads [`Inference::encode`]'s text; `None` for anything else. Lines are read side by
    /// side (a complaint's matters may list thousands of ids), then put together in order.
    pub fn decode(text: &str) -> Option<Inference> {
        use rayon::prelude::*;
        let lines: Vec<&str> = text.lines().collect();
        let lines: Vec<Line> = lines.into_par_iter().map(line).collect::<Option<_>>()?;
        let mut found = Inference::default();
        for line in lines {
            match line {
                Line::Inferred(id, inferred) => found.inferred.push((id, inferred)),
                Line::Unlinked(unlinked) => found.unlinked.push(unlinked),
                Line::Root(id, root) => {
                    found.roots.insert(id, root);
                }
                Line::About(id, about) => {
                    found.about.insert(id, about);
                }
                Line::Matters(id, matters) => {
                    found.matters.insert(id, matters);
                }
            }
        }
        Some(found)
    }
}

/// One line of [`Inference::encode`]'s text, read.
enum Line {
    Inferred(RecordId, Inferred),
    Unlinked(Unlinked),
    Root(RecordId, RecordId),
    About(RecordId, RecordId),
    Matters(RecordId, Vec<RecordId>),
}

fn line(line: &str) -> Option<Line> {
    let mut words = line.split(' ');
    let tag = words.next()?;
    let id = RecordId::parse(words.next()?)?;
    let read = match tag {
        "i" => {
            let field: LinkField = words.next()?.parse().ok()?;
            let target = RecordId::parse(words.next()?)?;
            Line::Inferred(id, Inferred { field, target })
        }
        "u" => {
            let field: LinkField = words.next()?.parse().ok()?;
            let ambiguous = match words.next()? {
                "0" => false,
                "1" => true,
                _ => return None,
            };
            let candidates = ids(line, &mut words)?;
            return Some(Line::Unlinked(Unlinked {
                record: id,
                field,
                candidates,
                ambiguous,
            }));
        }
        "r" => Line::Root(id, RecordId::parse(words.next()?)?),
        "a" => Line::About(id, RecordId::parse(words.next()?)?),
        "m" => return Some(Line::Matters(id, ids(line, &mut words)?)),
        _ => return None,
    };
    words.next().is_none().then_some(read)
}

/// The rest of `line` (its `words` left) as record ids.
fn ids<'a>(line: &str, words: &mut impl Iterator<Item = &'a str>) -> Option<Vec<RecordId>> {
    let mut ids = Vec::with_capacity(line.bytes().filter(|&b| b == b' ').count());
    for word in words {
        ids.push(RecordId::parse(word)?);
    }
    Some(ids)
}

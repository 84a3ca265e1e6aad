//! What a bundle withholds from the records it binds: the child's name, printed as initials
//! with `--initials`, and the fields a record lists in `confidential_fields`.
//!
//! Both work on a copy of the record's TOML before anything is planned or rendered, so every
//! renderer (exhibit pages, index, chronology, HTML, manifest) sees the same withheld copy and
//! none can leak what another hides. The case itself is never changed.

use crate::record::StoredRecord;
use crate::record::schema::{Shape, record_shape};
use crate::record::{Body, CaseMeta, Confidentiality, DecisionType, MeetingType, RequestType};

use super::BundleError;

/// What a withheld field shows in a record that is about a mediation.
pub const WITHHELD_MEDIATION: &str = "[withheld: mediation-confidential]";
/// What a withheld field shows in any other record.
pub const WITHHELD: &str = "[withheld: confidential]";

/// The child's name and what replaces each part of it.
#[derive(Clone, Debug)]
pub struct Names {
    /// The initials printed for the child, `E.Q.`.
    pub initials: String,
    /// Whether the initials were derived from the name (the case has no `initials`).
    pub derived: bool,
    /// Patterns, longest first: the full name, then each part alone.
    patterns: Vec<(Vec<String>, String)>,
}

/// `Ezrabel Quinnimore` → `E.Q.`.
fn derive_initials(child: &str) -> String {
    child
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(|c| c.to_uppercase().chain(['.']))
        .collect()
}

fn initial(word: &str) -> String {
    word.chars()
        .find(|c| c.is_alphanumeric())
        .map(|c| c.to_uppercase().chain(['.']).collect())
        .unwrap_or_default()
}

impl Names {
    /// The names of `meta`'s child: the full name and the first name become the initials,
    /// the last name alone (often the parents' name too) and middle names their initial.
    pub fn new(meta: &CaseMeta) -> Names {
        let given = meta
            .initials
            .as_deref()
            .map(str::trim)
            .filter(|i| !i.is_empty());
        let initials = given.map_or_else(|| derive_initials(&meta.child), str::to_owned);
        let words: Vec<String> = meta.child.split_whitespace().map(str::to_owned).collect();
        let mut patterns = Vec::new();
        if words.len() > 1 {
            patterns.push((words.clone(), initials.clone()));
        }
        for (i, word) in words.iter().enumerate() {
            if word.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                continue;
            }
            let replacement = if i == 0 {
                initials.clone()
            } else {
                initial(word)
            };
            patterns.push((vec![word.clone()], replacement));
            // A hyphenated or apostrophised name is also written in parts.
            for part in word
                .split(['-', '\'', '’'])
                .filter(|p| p.len() > 1 && p != word)
            {
                patterns.push((vec![part.to_owned()], initial(part)));
            }
        }
        Names {
            initials,
            derived: given.is_none(),
            patterns,
        }
    }

    /// The words that must not appear in a bundle with initials: the name's parts.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.patterns
            .iter()
            .filter(|(p, _)| p.len() == 1)
            .map(|(p, _)| p[0].as_str())
    }

    /// Whether `text` contains any part of the name as a whole word.
    pub fn found_in(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        (0..chars.len()).any(|i| self.match_at(&chars, i).is_some())
    }

    /// `text` with every part of the name replaced, whole words only, ignoring case.
    pub fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            match self.match_at(&chars, i) {
                Some((end, replacement)) => {
                    out.push_str(replacement);
                    i = end;
                }
                None => {
                    out.push(chars[i]);
                    i += 1;
                }
            }
        }
        out
    }

    /// The end of the pattern matching at `start` (a word start) and its replacement.
    fn match_at(&self, chars: &[char], start: usize) -> Option<(usize, &str)> {
        if start > 0 && chars[start - 1].is_alphanumeric() {
            return None;
        }
        self.patterns.iter().find_map(|(words, replacement)| {
            let mut i = start;
            for (n, word) in words.iter().enumerate() {
                if n > 0 {
                    let spaces = chars[i..].iter().take_while(|c| c.is_whitespace()).count();
                    if spaces == 0 {
                        return None;
                    }
                    i += spaces;
                }
                for expected in word.chars() {
                    let got = chars.get(i)?;
                    if !got.to_lowercase().eq(expected.to_lowercase()) {
                        return None;
                    }
                    i += 1;
                }
            }
            let whole = chars.get(i).is_none_or(|c| !c.is_alphanumeric());
            whole.then_some((i, replacement.as_str()))
        })
    }
}

/// Whether `record` is about a mediation, so its withheld fields say
/// `mediation-confidential`.
pub fn is_mediation(record: &StoredRecord) -> bool {
    let record = &record.record;
    record.common.confidential == Some(Confidentiality::Mediation)
        || match &record.body {
            Body::Meeting(m) => m.meeting_type == MeetingType::Mediation,
            Body::Request(r) => r.request_type == RequestType::Mediation,
            Body::Decision(d) => d.decision_type == DecisionType::MediationAgreement,
            _ => false,
        }
}

/// What a withheld field of `record` shows.
pub fn withheld_marker(record: &StoredRecord) -> &'static str {
    if is_mediation(record) {
        WITHHELD_MEDIATION
    } else {
        WITHHELD
    }
}

/// Keys whose values are identifiers or hashes, never words of the record.
const NOT_TEXT: &[&str] = &[
    "sha256",
    "blob",
    "media_type",
    "kind",
    "confidential_fields",
];

/// Replaces the child's name in the strings of `value`, which has `shape`; enum values and
/// identifiers are left alone, so the copy still parses.
fn rename(value: &mut toml::Value, shape: &Shape, names: &Names) {
    match (value, shape) {
        (_, Shape::Enum(_)) => {}
        (toml::Value::String(s), _) => *s = names.apply(s),
        (toml::Value::Array(items), Shape::Array(item)) => {
            items.iter_mut().for_each(|v| rename(v, item, names));
        }
        (toml::Value::Array(items), _) => {
            items.iter_mut().for_each(|v| rename(v, &Shape::Any, names))
        }
        (toml::Value::Table(table), shape) => rename_table(table, shape, names),
        _ => {}
    }
}

fn rename_table(table: &mut toml::Table, shape: &Shape, names: &Names) {
    let fields = match shape {
        Shape::Table { fields, .. } => Some(fields),
        _ => None,
    };
    for (key, value) in table.iter_mut() {
        if NOT_TEXT.contains(&key.as_str()) {
            continue;
        }
        let inner = fields.and_then(|f| f.get(key)).unwrap_or(&Shape::Any);
        rename(value, inner, names);
    }
}

/// The copy of `stored` a bundle binds: its confidential fields withheld (text replaced by
/// the marker, other values removed) and, with `names`, the child's name as initials.
/// Records that need neither are returned as they are.
pub fn record(stored: &StoredRecord, names: Option<&Names>) -> Result<StoredRecord, BundleError> {
    let withheld = &stored.record.common.confidential_fields;
    if withheld.is_empty() && names.is_none() {
        return Ok(stored.clone());
    }
    let failed = || BundleError::Withhold {
        id: stored.id.clone(),
    };
    let mut table: toml::Table = toml::from_str(&stored.text).map_err(|_| failed())?;
    let marker = withheld_marker(stored);
    let shape = record_shape(stored.record.kind());
    let Shape::Table { fields, .. } = shape else {
        return Err(failed());
    };
    for name in withheld {
        let Some(value) = table.get_mut(name) else {
            continue;
        };
        match (fields.get(name), value) {
            (Some(Shape::Text), value) => *value = toml::Value::String(marker.into()),
            (Some(Shape::Array(item)), value) if matches!(**item, Shape::Text) => {
                *value = toml::Value::Array(vec![toml::Value::String(marker.into())]);
            }
            _ => {
                table.remove(name);
            }
        }
    }
    if let Some(names) = names {
        rename_table(&mut table, shape, names);
    }
    let text = toml::to_string(&table).map_err(|_| failed())?;
    let record = crate::record::parse_record(&text, "a bundled copy").map_err(|_| failed())?;
    Ok(StoredRecord {
        id: stored.id.clone(),
        text,
        record,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{RecordId, parse_case_meta, parse_record};

    fn names(meta: &str) -> Names {
        Names::new(&parse_case_meta(meta, "case").unwrap())
    }

    fn stored(text: &str) -> StoredRecord {
        StoredRecord {
            id: RecordId::parse("k3f9a2bq7x").unwrap(),
            text: text.into(),
            record: parse_record(text, "t").unwrap(),
        }
    }

    #[test]
    fn names_become_initials_as_whole_words_ignoring_case() {
        let n = names("child = \"Ezrabel Quinnimore\"\ninitials = \"E.Q.\"\n");
        assert!(!n.derived);
        assert_eq!(
            n.apply("EZRABEL  Quinnimore met Ms. Quinnimore; ezrabel's notes. Ezrabella stays."),
            "E.Q. met Ms. Q.; E.Q.'s notes. Ezrabella stays."
        );
        assert_eq!(
            n.apply("rosalind.quinnimore@example.net"),
            "rosalind.Q.@example.net"
        );
        assert!(n.found_in("for EZRABEL"));
        assert!(!n.found_in("Ezrabella"));
    }

    #[test]
    fn initials_are_derived_when_the_case_has_none() {
        let n = names("child = \"Zephyrine Okonkwo-Bramble\"\n");
        assert!(n.derived);
        assert_eq!(n.initials, "Z.O.");
        assert_eq!(
            n.apply("Zephyrine Okonkwo-Bramble, Mr. Bramble, Okonkwo"),
            "Z.O., Mr. B., O."
        );
    }

    #[test]
    fn enum_values_that_look_like_the_name_are_left_alone() {
        let n = names("child = \"Final Smith\"\n");
        let record = stored(
            "kind = \"iep\"\ndate = 2026-05-01\ntitle = \"Final's IEP\"\nstatus = \"final\"\n\
             [extra]\nnote = \"for final smith\"\n",
        );
        let copy = super::record(&record, Some(&n)).unwrap();
        assert_eq!(copy.record.title(), "F.S.'s IEP");
        let Body::Iep(iep) = &copy.record.body else {
            panic!()
        };
        assert_eq!(iep.status.map(|s| s.as_str()), Some("final"));
        assert!(copy.text.contains("for F.S."), "{}", copy.text);
    }

    #[test]
    fn confidential_fields_are_withheld_and_the_fact_kept() {
        let record = stored(
            "kind = \"meeting\"\ndate = 2026-05-01\ntitle = \"Mediation session\"\n\
             type = \"mediation\"\nattendees = [\"A\", \"B\"]\nrecorded = true\n\
             notes = \"The district offered 30 minutes\"\n\
             confidential_fields = [\"notes\", \"attendees\", \"recorded\"]\n",
        );
        let copy = super::record(&record, None).unwrap();
        assert!(!copy.text.contains("30 minutes"), "{}", copy.text);
        let Body::Meeting(m) = &copy.record.body else {
            panic!()
        };
        assert_eq!(m.notes.as_deref(), Some(WITHHELD_MEDIATION));
        assert_eq!(m.attendees, [WITHHELD_MEDIATION]);
        assert_eq!(m.recorded, None);
        assert_eq!(copy.record.title(), "Mediation session");
        let plain = stored(
            "kind = \"note\"\ndate = 2026-05-01\ntitle = \"Call\"\nbody = \"x\"\n\
             confidential_fields = [\"body\"]\n",
        );
        let Body::Note(n) = super::record(&plain, None).unwrap().record.body else {
            panic!()
        };
        assert_eq!(n.body.as_deref(), Some(WITHHELD));
    }
}

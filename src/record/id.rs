//! Record ids: 10 random lowercase Crockford base32 characters, and unique-prefix lookup.

use std::fmt;

use rand::Rng;

/// Crockford's base32 alphabet in lowercase: no i, l, o or u.
const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// The length of a record id.
pub const ID_LEN: usize = 10;
/// The shortest prefix commands accept.
pub const MIN_PREFIX: usize = 4;

/// Which bytes are characters of the alphabet, by value: ids are checked wherever they are
/// read, hundreds of thousands of times in a large case.
const ID_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = true;
        i += 1;
    }
    table
};

/// The longest id: a conflict copy of any `u32` number.
const MAX_LEN: usize = ID_LEN + ".conflict-".len() + 10;

/// The id of a record: `k3f9a2bq7x`, or `k3f9a2bq7x.conflict-1` for a sync conflict copy.
///
/// Held inline rather than on the heap: a case of ten thousand records refers to ids hundreds
/// of thousands of times (links, findings, deadlines), and copying one costs no allocation.
/// The bytes after the id are zero, so the derived order is the order of the text.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RecordId {
    bytes: [u8; MAX_LEN],
    len: u8,
}

/// Why a string cannot name a record.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdError {
    #[error("`{0}` is too short: give at least {MIN_PREFIX} characters of a record id")]
    TooShort(String),
    #[error("`{0}` is not a record id: ids use the characters 0-9 and a-z without i, l, o, u")]
    Malformed(String),
    #[error("no record matches `{0}`")]
    NotFound(String),
    #[error("`{prefix}` matches {} records: {}", matches.len(), matches.join(", "))]
    Ambiguous {
        prefix: String,
        matches: Vec<String>,
    },
}

impl RecordId {
    /// A fresh random id.
    pub fn generate() -> RecordId {
        let mut rng = rand::rngs::OsRng;
        let id: String = (0..ID_LEN)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect();
        RecordId::new(&id)
    }

    /// `s` as an id; callers have checked its form, and it fits by construction.
    fn new(s: &str) -> RecordId {
        let mut bytes = [0; MAX_LEN];
        let len = s.len().min(MAX_LEN);
        bytes[..len].copy_from_slice(&s.as_bytes()[..len]);
        RecordId {
            bytes,
            len: len as u8,
        }
    }

    /// Whether `c` is one of the characters ids are made of.
    pub fn is_id_char(c: u8) -> bool {
        ID_CHARS[usize::from(c)]
    }

    /// Whether `s` is a plain record id (10 alphabet characters).
    pub fn is_valid(s: &str) -> bool {
        s.len() == ID_LEN && s.bytes().all(Self::is_id_char)
    }

    /// Parses a full id, plain or conflict copy.
    pub fn parse(s: &str) -> Option<RecordId> {
        if s.len() == ID_LEN {
            return Self::is_valid(s).then(|| RecordId::new(s));
        }
        let (base, suffix) = match s.split_once(".conflict-") {
            Some((base, n)) => (base, Some(n)),
            None => (s, None),
        };
        let suffix_ok = suffix
            .is_none_or(|n| !n.is_empty() && n.len() <= 6 && n.bytes().all(|b| b.is_ascii_digit()));
        (Self::is_valid(base) && suffix_ok).then(|| RecordId::new(s))
    }

    /// The conflict copy number `n` of this record.
    pub fn conflict(&self, n: u32) -> RecordId {
        RecordId::new(&format!("{}.conflict-{n}", self.base()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        // Every constructor copies whole ASCII text in.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }

    /// The plain id this one is a conflict copy of (itself when it is not one).
    pub fn base(&self) -> &str {
        let id = self.as_str();
        id.split_once('.').map_or(id, |(base, _)| base)
    }

    /// Whether this is a sync conflict copy.
    pub fn is_conflict(&self) -> bool {
        // Only a conflict copy is longer than a plain id (every constructor checks the form).
        usize::from(self.len) > ID_LEN
    }

    /// Finds the one id among `ids` that `prefix` names.
    pub fn resolve<'a, I>(prefix: &str, ids: I) -> Result<RecordId, IdError>
    where
        I: IntoIterator<Item = &'a RecordId>,
    {
        let prefix = prefix.trim().to_ascii_lowercase();
        // `k3f9.conflict-1`: a prefix of the record, then the copy's number.
        if let Some((base, n)) = prefix.split_once(".conflict-")
            && !n.is_empty()
        {
            let ids: Vec<&RecordId> = ids.into_iter().collect();
            let base = Self::resolve(base, ids.iter().copied())?;
            let copy = format!("{base}.conflict-{n}");
            return ids
                .into_iter()
                .find(|id| id.as_str() == copy)
                .cloned()
                .ok_or(IdError::NotFound(copy));
        }
        if prefix.len() < MIN_PREFIX {
            return Err(IdError::TooShort(prefix));
        }
        let (base, _) = prefix.split_once('.').unwrap_or((&prefix, ""));
        if !base.bytes().all(|b| ALPHABET.contains(&b)) {
            return Err(IdError::Malformed(prefix));
        }
        let mut matches: Vec<&RecordId> = Vec::new();
        for id in ids {
            if id.as_str() == prefix {
                return Ok(id.clone());
            }
            // A prefix names plain records; conflict copies are named in full.
            if !id.is_conflict() && id.as_str().starts_with(&prefix) {
                matches.push(id);
            }
        }
        match matches.as_slice() {
            [] => Err(IdError::NotFound(prefix)),
            [one] => Ok((*one).clone()),
            many => {
                let mut matches: Vec<String> = many.iter().map(|id| id.to_string()).collect();
                matches.sort();
                Err(IdError::Ambiguous { prefix, matches })
            }
        }
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RecordId").field(&self.as_str()).finish()
    }
}

impl std::hash::Hash for RecordId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // The text alone, ended as a `str` is: equal ids have equal text, and the padding
        // need not be hashed.
        state.write(&self.bytes[..usize::from(self.len)]);
        state.write_u8(0xff);
    }
}

impl serde::Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct("RecordId", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[&str]) -> Vec<RecordId> {
        list.iter().map(|s| RecordId::parse(s).unwrap()).collect()
    }

    #[test]
    fn ids_sort_compare_and_print_as_their_text() {
        let mut list = ids(&[
            "m0m0m0m0m0.conflict-10",
            "k3f9a2bq7x",
            "m0m0m0m0m0",
            "m0m0m0m0m0.conflict-2",
        ]);
        list.sort();
        let texts: Vec<&str> = list.iter().map(RecordId::as_str).collect();
        let mut sorted = texts.clone();
        sorted.sort_unstable();
        assert_eq!(texts, sorted);
        let longest = RecordId::parse("k3f9a2bq7x").unwrap().conflict(u32::MAX);
        assert_eq!(longest.as_str(), "k3f9a2bq7x.conflict-4294967295");
        assert_eq!(longest.base(), "k3f9a2bq7x");
        assert_eq!(format!("{:?}", list[1]), "RecordId(\"m0m0m0m0m0\")");
        assert_eq!(serde_json::to_string(&list[0]).unwrap(), "\"k3f9a2bq7x\"");
    }

    #[test]
    fn generated_ids_are_valid_and_distinct() {
        let a = RecordId::generate();
        let b = RecordId::generate();
        assert!(RecordId::is_valid(a.as_str()), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn id_characters_are_exactly_the_alphabet() {
        for c in 0..=u8::MAX {
            assert_eq!(RecordId::is_id_char(c), ALPHABET.contains(&c), "{c}");
        }
    }

    #[test]
    fn parse_accepts_conflict_copies_only_in_form() {
        assert!(RecordId::parse("k3f9a2bq7x").is_some());
        assert!(RecordId::parse("k3f9a2bq7x.conflict-2").is_some());
        assert!(RecordId::parse("k3f9a2bq7x.conflict-").is_none());
        assert!(
            RecordId::parse("k3f9a2bq7i").is_none(),
            "i is not in the alphabet"
        );
        assert!(RecordId::parse("k3f9a2bq7").is_none());
        assert!(RecordId::parse("../etc/pwd").is_none());
    }

    #[test]
    fn conflict_copies_are_told_apart_and_equal_ids_hash_alike() {
        use std::hash::BuildHasher;
        let plain = RecordId::parse("k3f9a2bq7x").unwrap();
        let copy = RecordId::parse("k3f9a2bq7x.conflict-2").unwrap();
        assert!(!plain.is_conflict());
        assert!(copy.is_conflict());
        assert!(!RecordId::generate().is_conflict());
        assert!(plain.conflict(7).is_conflict());
        let state = std::hash::RandomState::new();
        assert_eq!(
            state.hash_one(&plain),
            state.hash_one(RecordId::parse("k3f9a2bq7x").unwrap())
        );
        assert_ne!(state.hash_one(&plain), state.hash_one(&copy));
    }

    #[test]
    fn prefixes_resolve_uniquely() {
        let all = ids(&[
            "k3f9a2bq7x",
            "k3f9zzzzzz",
            "m0m0m0m0m0",
            "m0m0m0m0m0.conflict-1",
        ]);
        assert_eq!(
            RecordId::resolve("m0m0", &all).unwrap().as_str(),
            "m0m0m0m0m0"
        );
        assert_eq!(
            RecordId::resolve("K3F9A", &all).unwrap().as_str(),
            "k3f9a2bq7x"
        );
        assert_eq!(
            RecordId::resolve("m0m0m0m0m0.conflict-1", &all)
                .unwrap()
                .as_str(),
            "m0m0m0m0m0.conflict-1"
        );
        assert_eq!(
            RecordId::resolve("m0m0.conflict-1", &all).unwrap().as_str(),
            "m0m0m0m0m0.conflict-1"
        );
        assert!(matches!(
            RecordId::resolve("m0m0.conflict-2", &all),
            Err(IdError::NotFound(_))
        ));
        assert!(matches!(
            RecordId::resolve("k3f9", &all),
            Err(IdError::Ambiguous { .. })
        ));
        assert!(matches!(
            RecordId::resolve("k3f", &all),
            Err(IdError::TooShort(_))
        ));
        assert!(matches!(
            RecordId::resolve("zzzz", &all),
            Err(IdError::NotFound(_))
        ));
        assert!(matches!(
            RecordId::resolve("k3f/", &all),
            Err(IdError::Malformed(_))
        ));
        assert!(matches!(
            RecordId::resolve("k3f/..", &all),
            Err(IdError::Malformed(_))
        ));
    }
}

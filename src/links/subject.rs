//! What a record is about, as words: the terms of its title, `what`, summary and tags (its
//! headline) and of its body, stemmed lightly, with the words every record uses left out, and
//! weighted by how rare they are in the case.
//!
//! Only [`super::infer`] uses this, to decide which request a refusal refuses. Words that
//! name the kind of record ("request", "refusal", "prior written notice") or the people
//! ("district", "parent") say nothing about the subject, so they never link two records.

use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::LazyLock;

use crate::record::{Body, Record};

/// Words that never tell two records apart.
const STOP: &[&str] = &[
    // English function words.
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "must",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "within",
    "without",
    "still",
    "since",
    "per",
    "via",
    "new",
    "one",
    "two",
    "three",
    "four",
    "five",
    // Words that name a kind of record or how it travelled.
    "request",
    "requested",
    "requesting",
    "requests",
    "ask",
    "asked",
    "asking",
    "asks",
    "refusal",
    "refusals",
    "refuse",
    "refused",
    "refuses",
    "refusing",
    "deny",
    "denied",
    "denies",
    "denial",
    "decline",
    "declined",
    "declines",
    "response",
    "responses",
    "respond",
    "responded",
    "responds",
    "answer",
    "answered",
    "answers",
    "reply",
    "replied",
    "letter",
    "letters",
    "email",
    "e-mail",
    "e-mails",
    "emails",
    "mail",
    "phone",
    "call",
    "called",
    "verbal",
    "verbally",
    "written",
    "writing",
    "wrote",
    "sent",
    "send",
    "sends",
    "prior",
    "notice",
    "notices",
    "pwn",
    "note",
    "notes",
    "follow-up",
    "followup",
    // People and places every record names.
    "district",
    "school",
    "parent",
    "parents",
    "mother",
    "father",
    "guardian",
    "student",
    "child",
    "team",
    "iep",
    "staff",
    "mr",
    "mrs",
    "ms",
    "dr",
    "director",
    "principal",
    "teacher",
    "case",
    "manager",
    "office",
    // Letter phrases.
    "dear",
    "sincerely",
    "thank",
    "thanks",
    "please",
    "regards",
    // Order and time.
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "last",
    "next",
    "date",
    "dated",
    "day",
    "days",
    "today",
    "week",
    "weeks",
    "month",
    "months",
    "year",
    "years",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "pm",
];

/// [`STOP`] as a set: every word of every record is looked up in it.
static STOP_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| STOP.iter().copied().collect());

/// The words a record type stands for, so "an independent educational evaluation" finds a
/// request of type `iee` whose title only says "IEE".
fn type_words(record: &Record) -> &'static [&'static str] {
    match (&record.body, record.type_name()) {
        // Families say "testing" and "assessment" as often as "evaluation".
        (Body::Request(_), Some("evaluation")) => &["evaluation", "testing", "assessment"],
        (Body::Request(_), Some("reevaluation")) => &["reevaluation", "testing", "assessment"],
        (Body::Request(_), Some("iee")) => &["independent", "educational", "evaluation", "iee"],
        (Body::Request(_), Some("records")) => &["records", "education"],
        (Body::Request(_), Some("iep-meeting")) => &["meeting"],
        (Body::Request(_), Some("accommodation")) => &["accommodation"],
        (Body::Request(_), Some("service")) => &["service"],
        (Body::Request(_), Some("placement")) => &["placement"],
        (Body::Request(_), Some("facilitation")) => &["facilitation", "facilitated"],
        (Body::Request(_), Some("mediation")) => &["mediation"],
        (Body::Request(_), Some("records-amendment")) => &["records", "amendment"],
        (Body::Request(_), Some("draft-documents")) => &["draft", "documents"],
        (Body::Complaint(_), Some("state-complaint")) => &["state", "complaint"],
        (Body::Complaint(_), Some("due-process")) => &["due", "process", "complaint", "hearing"],
        (Body::Complaint(_), Some("expedited-due-process")) => {
            &["expedited", "due", "process", "complaint", "hearing"]
        }
        _ => &[],
    }
}

/// A word cut to its stem: "refusals" and "refusal", "facilitated" and "facilitator" meet.
fn stem(word: &str) -> &str {
    const SUFFIXES: &[&str] = &[
        "ations", "ation", "ators", "ator", "ated", "ates", "ate", "ings", "ing", "ies", "ed",
        "es", "s",
    ];
    let mut stem = word;
    for suffix in SUFFIXES {
        if let Some(cut) = word.strip_suffix(suffix)
            && cut.chars().count() >= 4
        {
            stem = cut;
            break;
        }
    }
    match stem.strip_suffix('e') {
        Some(cut) if cut.chars().count() >= 4 => cut,
        _ => stem,
    }
}

/// The terms of `text`: lowercase words of three or more letters that are not stop words,
/// stemmed; a hyphenated word gives itself and its parts ("text-to-speech", "text",
/// "speech").
pub fn terms(text: &str, out: &mut BTreeSet<String>) {
    let lower = text.to_lowercase();
    let words = lower.split(|c: char| !(c.is_alphanumeric() || c == '-'));
    for word in words {
        let word = word.trim_matches('-');
        let mut add = |w: &str| {
            if w.chars().count() >= 3
                && !w.chars().all(|c| c.is_ascii_digit() || c == '-')
                && !STOP_SET.contains(w)
            {
                let stem = stem(w);
                if !out.contains(stem) {
                    out.insert(stem.to_owned());
                }
            }
        };
        add(word);
        if word.contains('-') {
            for part in word.split('-') {
                add(part);
            }
        }
    }
}

/// The terms of one record: those of its headline and those found only in its body.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    pub headline: BTreeSet<String>,
    pub body: BTreeSet<String>,
}

impl Terms {
    /// The terms of `record`.
    pub fn of(record: &Record) -> Terms {
        let common = &record.common;
        let mut headline = BTreeSet::new();
        let mut body = BTreeSet::new();
        terms(&common.title, &mut headline);
        if let Some(summary) = &common.summary {
            terms(summary, &mut headline);
        }
        for tag in &common.tags {
            terms(tag, &mut headline);
        }
        for word in type_words(record) {
            terms(word, &mut headline);
        }
        let mut head = |text: &Option<String>| {
            if let Some(text) = text {
                terms(text, &mut headline);
            }
        };
        match &record.body {
            Body::Refusal(r) => head(&r.what),
            Body::Pwn(p) => head(&p.description),
            Body::Communication(c) => head(&c.subject),
            _ => {}
        }
        let texts: Vec<&str> = match &record.body {
            Body::Request(r) => r.body.iter().map(String::as_str).collect(),
            Body::Refusal(r) => r.reason.iter().map(String::as_str).collect(),
            Body::Response(r) => r.body.iter().map(String::as_str).collect(),
            Body::Pwn(p) => p.explanation.iter().map(String::as_str).collect(),
            Body::Notice(n) => n.body.iter().map(String::as_str).collect(),
            Body::Communication(c) => c.body.iter().map(String::as_str).collect(),
            Body::Complaint(c) => c
                .issues
                .iter()
                .map(|i| i.text.as_str())
                .chain(c.proposed_resolution.as_deref())
                .collect(),
            _ => Vec::new(),
        };
        for text in texts {
            terms(text, &mut body);
        }
        body.retain(|t| !headline.contains(t));
        Terms { headline, body }
    }

    fn all(&self) -> impl Iterator<Item = &String> {
        self.headline.iter().chain(&self.body)
    }
}

/// A record's terms as numbers of the case's vocabulary ([`Rarity::new`]), each list sorted:
/// comparing two records is then a walk along two sorted lists of integers, not string
/// lookups, which matters when thousands of answers are compared with thousands of requests.
#[derive(Clone, Debug, Default)]
pub struct Compact {
    headline: Vec<u32>,
    body: Vec<u32>,
    /// Headline and body terms together, sorted, each with its weight (2 in the headline,
    /// 1 in the body only).
    weighted: Vec<(u32, u8)>,
}

impl Compact {
    fn new(headline: Vec<u32>, body: Vec<u32>) -> Compact {
        let mut weighted: Vec<(u32, u8)> = headline
            .iter()
            .map(|&t| (t, 2))
            .chain(body.iter().map(|&t| (t, 1)))
            .collect();
        weighted.sort_unstable();
        Compact {
            headline,
            body,
            weighted,
        }
    }

    /// The terms of `mine` (sorted) that this record has, each with its weight here, in the
    /// order of `mine`.
    fn shared<'a>(&'a self, mine: &'a [u32]) -> impl Iterator<Item = (u32, f64)> + 'a {
        let theirs = &self.weighted;
        let mut at = 0;
        mine.iter().filter_map(move |&term| {
            while theirs.get(at).is_some_and(|&(t, _)| t < term) {
                at += 1;
            }
            match theirs.get(at) {
                Some(&(t, weight)) if t == term => Some((term, f64::from(weight))),
                _ => None,
            }
        })
    }
}

/// How rare each term is in the case: rare words weigh more than words most records use.
#[derive(Debug, Default)]
pub struct Rarity {
    /// By term number.
    weights: Vec<f64>,
}

impl Rarity {
    /// The weights of the terms of all `records` (ln(1 + N / records using it)), and each
    /// record's terms as numbers, in the order given.
    pub fn new(records: &[Terms]) -> (Rarity, Vec<Compact>) {
        let mut used: HashMap<&str, usize> = HashMap::new();
        for terms in records {
            for term in terms.all() {
                *used.entry(term.as_str()).or_default() += 1;
            }
        }
        let n = records.len();
        // Numbered in the order of the words, so a sorted list of numbers is a sorted list
        // of words.
        let mut words: Vec<(&str, usize)> = used.into_iter().collect();
        words.sort_unstable();
        let number: HashMap<&str, u32> = words
            .iter()
            .enumerate()
            .map(|(i, (term, _))| (*term, u32::try_from(i).unwrap_or(u32::MAX)))
            .collect();
        let weights = words
            .iter()
            .map(|&(_, df)| (1.0 + n as f64 / df as f64).ln())
            .collect();
        let compact = |set: &BTreeSet<String>| -> Vec<u32> {
            let mut numbers: Vec<u32> = set
                .iter()
                .filter_map(|t| number.get(t.as_str()).copied())
                .collect();
            numbers.sort_unstable();
            numbers
        };
        let compacts: Vec<Compact> = records
            .iter()
            .map(|t| Compact::new(compact(&t.headline), compact(&t.body)))
            .collect();
        (Rarity { weights }, compacts)
    }

    fn rarity(&self, term: u32) -> f64 {
        usize::try_from(term)
            .ok()
            .and_then(|i| self.weights.get(i))
            .copied()
            .unwrap_or(0.0)
    }

    /// How much `answer` and `candidate` have in common, and whether the answer's headline
    /// names any of it (a match on body words alone does not count).
    pub fn score(&self, answer: &Compact, candidate: &Compact) -> Option<f64> {
        // In the answer's order (headline, then body), so the sum is the same in every run.
        let mut named = false;
        let mut score = 0.0;
        for (term, theirs) in candidate.shared(&answer.headline) {
            named = true;
            score += 2.0 * theirs * self.rarity(term);
        }
        if !named {
            return None;
        }
        for (term, theirs) in candidate.shared(&answer.body) {
            score += theirs * self.rarity(term);
        }
        (score > 0.0).then_some(score)
    }

    /// Whether two records share a subject in either direction: two terms in common, or one
    /// that both name in their headlines.
    pub fn shares_subject(&self, a: &Compact, b: &Compact) -> bool {
        let mut shared = 0;
        for (list, mine) in [(&a.headline, 2.0), (&a.body, 1.0)] {
            for (_, theirs) in b.shared(list) {
                shared += 1;
                if shared >= 2 || (theirs == 2.0 && mine == 2.0) {
                    return true;
                }
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str) -> Vec<String> {
        let mut out = BTreeSet::new();
        terms(text, &mut out);
        out.into_iter().collect()
    }

    #[test]
    fn terms_skip_stop_words_and_meet_at_their_stems() {
        assert_eq!(
            set("Second refusal of text-to-speech (principal's email)"),
            ["speech", "text", "text-to-speech"]
        );
        assert_eq!(stem("facilitated"), stem("facilitator"));
        assert_eq!(stem("facilitation"), stem("facilitated"));
        assert_eq!(stem("services"), stem("service"));
        assert_eq!(stem("accommodations"), stem("accommodation"));
        assert_ne!(stem("speech"), stem("text"));
        assert_eq!(stem("evaluate"), stem("evaluation"));
        assert_eq!(stem("evaluates"), stem("evaluated"));
        assert_eq!(stem("testing"), stem("test"));
    }
}

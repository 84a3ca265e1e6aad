//! Full-text search over decrypted records: case-insensitive, over every field's value, with
//! a snippet around the first match of each record.

/// One record that matched, as `search --json` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Hit {
    pub case: String,
    pub id: String,
    pub date: String,
    pub kind: String,
    pub title: String,
    /// Where the first match is, such as `body` or `goals[2].text`.
    pub field: String,
    /// The text around the first match, on one line.
    pub snippet: String,
    /// The byte range of the match within `snippet`.
    #[serde(skip)]
    pub matched: (usize, usize),
    /// How many fields matched.
    #[serde(skip)]
    pub fields_matched: usize,
}

/// Characters of context on each side of a match.
const CONTEXT: usize = 40;

/// Searches one record's TOML text for `query`; `None` when nothing matches.
pub fn search_record(case: &str, id: &str, text: &str, query: &str) -> Option<Hit> {
    if !could_match(text, query) {
        return None;
    }
    let table: toml::Table = toml::from_str(text).ok()?;
    let mut found: Vec<(String, String, (usize, usize))> = Vec::new();
    walk(&toml::Value::Table(table.clone()), "", query, &mut found);
    let (field, value, range) = found.first()?.clone();
    let (snippet, matched) = snippet(&value, range);
    let get = |k: &str| {
        table
            .get(k)
            .map(|v| v.as_str().map_or_else(|| v.to_string(), String::from))
    };
    Some(Hit {
        case: case.to_owned(),
        id: id.to_owned(),
        date: get("date").unwrap_or_default(),
        kind: get("kind").unwrap_or_default(),
        title: get("title").unwrap_or_default(),
        field,
        snippet,
        matched,
        fields_matched: found.len(),
    })
}

/// Whether any field of the record whose TOML text is `text` may hold `query`, told without
/// parsing: `false` only when that is certain, so a search that matches nothing in most
/// records parses almost none of them.
///
/// Without a backslash in the text, every string value is written out whole, within one
/// line, so a query of one line it holds is in the text as well. Numbers, dates and booleans
/// may read differently from how they are written (`1_000` is 1000, a date's space is a
/// `T`), but they are made only of digits, signs, `.:_`, spaces and the letters of `true`,
/// `false`, `inf`, `nan`, `e`, `T` and `Z`: a query with any other character cannot be in one.
fn could_match(text: &str, query: &str) -> bool {
    const IN_OTHER_VALUES: &str = "0123456789+-.:_ aefilnrstuz";
    let certain = !text.contains('\\')
        && !query.chars().any(char::is_control)
        && query
            .chars()
            .any(|c| !IN_OTHER_VALUES.contains(c.to_ascii_lowercase()));
    !certain || find_ignoring_case(text, query).is_some()
}

fn walk(
    value: &toml::Value,
    path: &str,
    query: &str,
    out: &mut Vec<(String, String, (usize, usize))>,
) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, &p, query, out);
            }
        }
        toml::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk(v, &format!("{path}[{}]", i + 1), query, out);
            }
        }
        toml::Value::String(s) => {
            if let Some(range) = find_ignoring_case(s, query) {
                out.push((path.to_owned(), s.clone(), range));
            }
        }
        other => {
            let text = other.to_string();
            if let Some(range) = find_ignoring_case(&text, query) {
                out.push((path.to_owned(), text, range));
            }
        }
    }
}

/// The byte range of the first case-insensitive occurrence of `needle` in `haystack`.
pub fn find_ignoring_case(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    if needle.is_empty() {
        return None;
    }
    if haystack.is_ascii() && needle.is_ascii() {
        let h = haystack.to_ascii_lowercase();
        let n = needle.to_ascii_lowercase();
        return h.find(&n).map(|start| (start, start + n.len()));
    }
    let needle: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
    for (start, _) in haystack.char_indices() {
        let mut folded = haystack[start..]
            .char_indices()
            .flat_map(|(i, c)| c.to_lowercase().map(move |l| (i, c, l)));
        let mut end = start;
        let mut ok = true;
        for want in &needle {
            match folded.next() {
                Some((i, c, got)) if got == *want => end = start + i + c.len_utf8(),
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some((start, end));
        }
    }
    None
}

/// About `CONTEXT` characters each side of `range`, on one line, with `…` where cut.
fn snippet(text: &str, range: (usize, usize)) -> (String, (usize, usize)) {
    let before: Vec<(usize, char)> = text[..range.0].char_indices().collect();
    let start = if before.len() > CONTEXT {
        before[before.len() - CONTEXT].0
    } else {
        0
    };
    let after_end = text[range.1..]
        .char_indices()
        .nth(CONTEXT)
        .map_or(text.len(), |(i, _)| range.1 + i);
    let flat = |s: &str| s.replace(['\n', '\r', '\t'], " ");
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if after_end < text.len() { "…" } else { "" };
    let head = format!("{prefix}{}", flat(&text[start..range.0]));
    let middle = flat(&text[range.0..range.1]);
    let snippet = format!("{head}{middle}{}{suffix}", flat(&text[range.1..after_end]));
    (snippet, (head.len(), head.len() + middle.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = "kind = \"iep\"\ndate = 2026-01-10\ntitle = \"Annual IEP\"\n\
        present_levels = \"\"\"\nShe reads 58 words per minute and loves stories about the ocean, whales and boats.\"\"\"\n\
        [[goals]]\nkey = \"R1\"\ntext = \"Read WHALE facts aloud\"\n";

    #[test]
    fn a_record_is_skipped_unparsed_only_when_it_cannot_match() {
        // Escapes, numbers and dates read differently from how they are written.
        let escaped = "kind = \"note\"\ndate = 2026-01-10\ntitle = \"Caf\\u00e9 \\\"menu\\\"\"\n";
        let hit = search_record("c1", "abcd000000", escaped, "CAFÉ \"MENU\"").unwrap();
        assert_eq!(hit.field, "title");
        let numbers = "kind = \"note\"\ndate = 2026-01-10\ntitle = \"t\"\n\
            [extra]\nminutes = 1_500\nrate = 1e3\nwhen = 2026-01-10 09:30:00\n";
        for query in ["1500", "1000.0", "10T09:30", "t09"] {
            assert!(
                search_record("c1", "abcd000000", numbers, query).is_some(),
                "{query}"
            );
        }
        // A query no value can hold is answered without parsing; a malformed record that
        // holds it still reads as no match, as before.
        assert!(!could_match(RECORD, "dolphin"));
        assert!(could_match(RECORD, "DOLPHIN WHALE") == RECORD.contains("dolphin whale"));
        assert!(could_match(RECORD, "Whale"));
        assert!(search_record("c1", "abcd000000", "title = \"whale", "whale").is_none());
    }

    #[test]
    fn finds_any_field_ignoring_case_with_a_snippet() {
        let hit = search_record("c1", "abcd000000", RECORD, "whale").unwrap();
        assert_eq!(hit.field, "present_levels");
        assert_eq!(hit.fields_matched, 2);
        assert_eq!(&hit.snippet[hit.matched.0..hit.matched.1], "whale");
        assert!(
            hit.snippet.starts_with('…') && hit.snippet.contains("ocean, whales"),
            "{}",
            hit.snippet
        );
        assert_eq!(
            (hit.kind.as_str(), hit.date.as_str(), hit.title.as_str()),
            ("iep", "2026-01-10", "Annual IEP")
        );
        let hit = search_record("c1", "abcd000000", RECORD, "r1").unwrap();
        assert_eq!(hit.field, "goals[1].key");
        assert!(search_record("c1", "abcd000000", RECORD, "giraffe").is_none());
    }

    #[test]
    fn non_ascii_case_folding() {
        assert_eq!(find_ignoring_case("Ärger im Büro", "büro"), Some((10, 15)));
        assert_eq!(find_ignoring_case("ÉCOLE", "école"), Some((0, 6)));
        assert_eq!(find_ignoring_case("abc", ""), None);
    }
}

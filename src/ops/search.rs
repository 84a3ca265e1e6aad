//! `search`: a word in every field of a case's records.

use rayon::prelude::*;

use super::Notice;
use crate::search::{Hit, search_record};
use crate::store::{Case, StoreError};
use crate::text::{Paint, Tone, printable};

/// What a search of one case found.
#[derive(Debug, Default)]
pub struct Found {
    /// The hits, by date and id.
    pub hits: Vec<Hit>,
    /// The records that could not be read, and so were not searched.
    pub unreadable: Vec<String>,
}

/// Searches every record of `case` for `query` (case does not matter).
pub fn search(case: &Case, query: &str) -> Result<Found, StoreError> {
    let mut found = Found::default();
    // Records that may match are parsed on every core; the order is kept.
    let slug = case.slug();
    let searched: Vec<Result<Option<Hit>, String>> = case
        .texts()?
        .into_par_iter()
        .map(|(id, text)| match text {
            Ok(text) => Ok(search_record(slug, id.as_str(), &text, query)),
            Err(_) => Err(id.to_string()),
        })
        .collect();
    for result in searched {
        match result {
            Ok(hit) => found.hits.extend(hit),
            Err(id) => found.unreadable.push(id),
        }
    }
    found
        .hits
        .sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    Ok(found)
}

/// The hits as text: a line per record (its case first when `all` cases were searched) and
/// under it the field and the text around the match, the match itself marked.
pub fn render(hits: &[Hit], all: bool, paint: Paint) -> String {
    let mut out = String::new();
    for hit in hits {
        let case = if all {
            format!("{}  ", hit.case)
        } else {
            String::new()
        };
        let kind = paint.paint(Tone::Dim, &hit.kind);
        out.push_str(&format!(
            "{case}{}  {}  {kind}  {}\n",
            hit.id,
            hit.date,
            printable(&hit.title)
        ));
        let (before, matched, after) = match (
            hit.snippet.get(..hit.matched.0),
            hit.snippet.get(hit.matched.0..hit.matched.1),
            hit.snippet.get(hit.matched.1..),
        ) {
            (Some(before), Some(matched), Some(after)) => (before, matched, after),
            _ => (hit.snippet.as_str(), "", ""),
        };
        let matched = paint.paint(Tone::Match, &printable(matched));
        out.push_str(&format!(
            "    {}: {}{matched}{}\n",
            hit.field,
            printable(before),
            printable(after)
        ));
    }
    out
}

/// How many records were found, or that none mentions `query`.
pub fn found_notice(hits: &[Hit], query: &str) -> Notice {
    Notice::Status(match hits.len() {
        0 => format!("No record mentions `{query}`"),
        1 => "1 record found".into(),
        n => format!("{n} records found"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit() -> Hit {
        Hit {
            case: "eq-2025".into(),
            id: "k3f9a2bq7x".into(),
            date: "2026-01-05".into(),
            kind: "note".into(),
            title: "Call".into(),
            field: "body".into(),
            snippet: "about speech minutes".into(),
            matched: (6, 12),
            fields_matched: 1,
        }
    }

    #[test]
    fn a_hit_is_its_record_then_the_match_in_context() {
        assert_eq!(
            render(&[hit()], false, Paint::plain()),
            "k3f9a2bq7x  2026-01-05  note  Call\n    body: about speech minutes\n"
        );
        assert_eq!(
            render(&[hit()], true, Paint::new(true)),
            "eq-2025  k3f9a2bq7x  2026-01-05  \u{1b}[2mnote\u{1b}[0m  Call\n    body: about \
             \u{1b}[1m\u{1b}[4mspeech\u{1b}[0m minutes\n"
        );
    }

    #[test]
    fn the_count_of_records_found_is_told() {
        assert_eq!(
            found_notice(&[], "x"),
            Notice::Status("No record mentions `x`".into())
        );
        assert_eq!(
            found_notice(&[hit()], "x"),
            Notice::Status("1 record found".into())
        );
        assert_eq!(
            found_notice(&[hit(), hit()], "x"),
            Notice::Status("2 records found".into())
        );
    }
}

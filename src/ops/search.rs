//! `search`: a word in every field of a case's records.

use rayon::prelude::*;

use crate::search::{Hit, search_record};
use crate::store::{Case, StoreError};

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

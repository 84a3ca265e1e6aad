//! `search`: a word in every field of a case's records.

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
    for (id, text) in case.texts()? {
        match text {
            Ok(text) => found
                .hits
                .extend(search_record(case.slug(), id.as_str(), &text, query)),
            Err(_) => found.unreadable.push(id.to_string()),
        }
    }
    found
        .hits
        .sort_by(|a, b| (&a.date, &a.id).cmp(&(&b.date, &b.id)));
    Ok(found)
}

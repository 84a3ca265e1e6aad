//! A letter as a typeset PDF: its blocks handed to Typst as data (never as markup), with fonts
//! from the binary.

use serde_json::json;

use super::layout::Block;
use crate::record::Date;

const TEMPLATE: &str = include_str!("letter.typ");

/// Typesets a letter's blocks; the same letter gives the same bytes.
pub fn letter_pdf(
    blocks: &[Block],
    title: &str,
    author: &str,
    date: Date,
) -> Result<Vec<u8>, crate::typeset::TypesetError> {
    let data = json!({ "title": title, "author": author, "blocks": blocks });
    let bytes = serde_json::to_vec(&data).expect("JSON values serialize");
    let ident = format!("iepcase-letter-{title}-{date}");
    crate::typeset::typeset(TEMPLATE, bytes, &ident, date.utc_seconds_at(12))
}
